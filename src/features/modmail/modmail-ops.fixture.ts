/**
 * modmail-ops' test world: modmail's world plus a `modmail_log` channel, a services context,
 * and helpers that open a ticket and play a conversation through modmail's own relay.
 */
import { runDurableObjectAlarm } from 'cloudflare:test';
import { GuildConfig } from '../../core/guild-config.repo';
import type { BaseContext } from '../../core/context';
import { lazyServices } from '../../core/interaction-context';
import { getDb } from '../../db/client';
import { asTicketMember, modmailWorld, type ModmailWorld, type Person } from './modmail.fixture';
import { openTicket, ticketObject } from './objects';
import { relayFromMember, sendToMember } from './relay.service';
import type { EntryAttachment, TicketRow } from './schema';
import type { TicketTimer } from './ticket.types';
import { GuildTickets } from './tickets.repo';

/** The ops world. */
export interface OpsWorld extends ModmailWorld {
  logChannelId: string;
  /** Services as a background job has them; `settle()` awaits their `waitUntil` work. */
  ctx: BaseContext;
  settle(): Promise<void>;
  open(member: Person): Promise<TicketRow>;
  ticket(id: number): Promise<TicketRow>;
  memberSays(ticket: TicketRow, member: Person, content: string, attachments?: EntryAttachment[]): Promise<void>;
  staffSays(ticket: TicketRow, staff: Person, content: string, anonymous?: boolean): Promise<void>;
  /** Runs the ticket object's alarm now (as if it fired); whether one ran. */
  alarm(ticket: TicketRow): Promise<boolean>;
  timers(ticket: TicketRow): Promise<string[]>;
}

let source = 0;

/** Builds the ops world. */
export async function opsWorld(): Promise<OpsWorld> {
  const w = await modmailWorld();
  const log = await w.fake.addChannel(w.g.guildId, { name: 'modmail-log' });
  const db = getDb(w.env);
  await new GuildConfig(db, w.g.guildId).setChannel(w.g.ownerId, 'modmail_log', log.id);
  const pending: Promise<unknown>[] = [];
  const ctx = lazyServices({ env: w.env, waitUntil: (p) => pending.push(p) });
  const tickets = new GuildTickets(db, w.g.guildId);
  return {
    ...w,
    logChannelId: log.id,
    ctx,
    async settle() {
      while (pending.length) await pending.shift();
    },
    async open(member) {
      const outcome = await openTicket(w.env, { guildId: w.g.guildId, member: asTicketMember(member.user), via: 'command', openedBy: member.user.id, sourceId: `open-${++source}` });
      if (!outcome.ok) throw new Error(`open refused: ${outcome.refusal.message}`);
      return outcome.ticket;
    },
    ticket: async (id) => (await tickets.byId(id))!,
    async memberSays(ticket, member, content, attachments = []) {
      await relayFromMember(ctx, ticket, { member: asTicketMember(member.user), content, attachments, sourceId: `dm-${++source}` });
    },
    async staffSays(ticket, staff, content, anonymous = false) {
      await sendToMember(ctx, ticket, { sender: { id: staff.user.id, name: staff.user.username, avatarUrl: null }, content, anonymous, anonymousName: 'Staff team', guildName: 'Utility Test', sourceId: `reply-${++source}` });
    },
    alarm: (ticket) => runDurableObjectAlarm(ticketObject(w.env, ticket.guildId, ticket.memberId)),
    // The RPC type of `timers()` collapses (its `data` is unknown): read it as what the object returns.
    timers: async (ticket) => ((await ticketObject(w.env, ticket.guildId, ticket.memberId).timers()) as unknown as TicketTimer[]).map((t) => t.kind),
  };
}

export type { Person };
