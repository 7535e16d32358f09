/**
 * Who may open a new ticket: not a blocked member, not an account younger than the guild's
 * minimum, and not while the guild has as many open tickets as its cap ("we are busy").
 * Staff opening a ticket with `/modmail contact` are never refused. Runs inside the ticket
 * object before the ticket row is written (`ops-hooks.ts` `admitOpen`). The cap is counted,
 * not reserved: two members opening at the same instant may both pass it (a soft cap), which
 * is the right failure for a politeness limit.
 */
import { and, count, eq } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import { GuildConfig } from '../../core/guild-config.repo';
import { snowflakeTime } from '../../discord/snowflake';
import { GuildModmailBlocks } from './blocks.repo';
import { opsSettings } from './ops.config';
import { modmailTickets } from './schema';
import type { OpenRequest, Refusal } from './ticket.types';

const ts = (ms: number, style: 'f' | 'R') => `<t:${Math.floor(ms / 1000)}:${style}>`;

/** The member-facing refusal of a blocked member. */
export function blockedRefusal(expiresAt: number | null): Refusal {
  return {
    code: 'blocked',
    message: expiresAt
      ? `You can't contact the staff of this server through modmail until ${ts(expiresAt, 'f')}.`
      : "You can't contact the staff of this server through modmail.",
  };
}

/** The polite answer when the guild's open tickets reached its cap. */
export const BUSY_REFUSAL: Refusal = {
  code: 'busy',
  message: 'We are busy: the staff are answering many conversations right now. Please try again a little later; we are sorry for the wait.',
};

/** Null to admit `request`, or the refusal the member reads. */
export async function admitOpen(ctx: BaseContext, request: OpenRequest, now = Date.now()): Promise<Refusal | null> {
  if (request.via === 'contact') return null;
  const { guildId, member } = request;
  const [settings, block] = await Promise.all([opsSettings(new GuildConfig(ctx.db, guildId)), new GuildModmailBlocks(ctx.db, guildId).active(member.id, now)]);
  if (block) return blockedRefusal(block.expiresAt);
  if (settings.minAccountAgeMs > 0) {
    const created = snowflakeTime(member.id) ?? now;
    if (created + settings.minAccountAgeMs > now) {
      return { code: 'account_too_new', message: `Your account is too new to contact the staff of this server through modmail. Please try again ${ts(created + settings.minAccountAgeMs, "R")}.` };
    }
  }
  if (settings.maxOpenTickets > 0) {
    const [row] = await ctx.db
      .select({ n: count() })
      .from(modmailTickets)
      .where(and(eq(modmailTickets.guildId, guildId), eq(modmailTickets.state, 'open')));
    if ((row?.n ?? 0) >= settings.maxOpenTickets) return BUSY_REFUSAL;
  }
  return null;
}
