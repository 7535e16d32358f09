/**
 * Milestones: a threshold on a wallet (checked on every `currency_changed`) or on a count of
 * a member's messages (counted by the economy's lake hook, a batch at a time, in guilds that
 * have such a milestone only). A milestone fires once per member: the `(milestone_id, user_id)` primary
 * key of `milestone_awards` is written first, and only the writer that inserted it grants the
 * role (a PUT), credits the reward (idempotency key `milestone:<id>:<user>`) and announces
 * (a message with a nonce), so a repeat does nothing twice.
 */
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import { GuildConfig } from '../../core/guild-config.repo';
import { emitInternalFrom } from '../../core/internal-events';
import { describeDiscordError, DiscordApiError } from '../../discord/errors';
import { messageNonce } from '../../discord/nonce';
import { inJsonList } from '../../db/bulk';
import type { Db } from '../../db/client';
import { applyChange } from './ledger';
import { milestoneAwards, milestoneCounters, milestones, type MilestoneRow } from './schema';

/** Event types a count milestone may count. */
export const COUNTED_EVENTS = ['MESSAGE_CREATE'] as const;

/** Milestones of a wallet that `balance` has reached and `userId` has not been awarded. */
async function reachedWallet(db: Db, guildId: string, currencyId: string, userId: string, balance: number): Promise<MilestoneRow[]> {
  return db
    .select()
    .from(milestones)
    .where(
      and(
        eq(milestones.guildId, guildId),
        eq(milestones.currencyId, currencyId),
        eq(milestones.kind, 'wallet'),
        lte(milestones.threshold, balance),
        sql`NOT EXISTS (SELECT 1 FROM ${milestoneAwards} WHERE ${milestoneAwards.milestoneId} = ${milestones.id} AND ${milestoneAwards.userId} = ${userId})`,
      ),
    );
}

/** Records the award; true only for the caller that wrote it. */
export async function claimAward(db: Db, m: MilestoneRow, userId: string, how: 'reached' | 'granted'): Promise<boolean> {
  const rows = await db
    .insert(milestoneAwards)
    .values({ milestoneId: m.id, userId, guildId: m.guildId, how, awardedAt: Date.now() })
    .onConflictDoNothing()
    .returning({ id: milestoneAwards.milestoneId });
  return rows.length > 0;
}

/**
 * The effects of an award, each idempotent on its own: the role (PUT), the reward (ledger
 * key), the announcement (nonce). Returns what could not be done, for the staff who granted it.
 */
export async function awardEffects(ctx: BaseContext, m: MilestoneRow, userId: string): Promise<string[]> {
  const problems: string[] = [];
  if (m.roleId) {
    try {
      await ctx.discord.members.addRole(m.guildId, userId, m.roleId, `Milestone ${m.name}`);
    } catch (error) {
      if (!(error instanceof DiscordApiError)) throw error;
      problems.push(describeDiscordError(error, 'give the role'));
    }
  }
  if (m.rewardCurrencyId && m.rewardAmount) {
    const result = await applyChange(ctx.db, {
      guildId: m.guildId,
      currencyId: m.rewardCurrencyId,
      userId,
      amount: m.rewardAmount,
      direction: 'credit',
      source: 'milestone',
      idempotencyKey: `milestone:${m.id}:${userId}`,
      actorId: null,
      reason: `Milestone ${m.name}`,
    });
    if (!result.ok) problems.push(`the reward was refused (${result.reason})`);
  }
  const channelId = m.announceChannelId ?? (await new GuildConfig(ctx.db, m.guildId).channel('economy_announcements'));
  if (channelId) {
    try {
      await ctx.discord.channels.createMessage(channelId, {
        content: `🏅 <@${userId}> reached the milestone **${m.name}**!`,
        allowed_mentions: { users: [userId] },
        nonce: await messageNonce('economy.milestone', String(m.id), userId),
        enforce_nonce: true,
      });
    } catch (error) {
      if (!(error instanceof DiscordApiError)) throw error;
      problems.push(describeDiscordError(error, 'announce it'));
    }
  }
  await emitInternalFrom(ctx, 'milestone_earned', { guildId: m.guildId, userId, key: `milestone:${m.id}:${userId}`, payload: { milestoneId: m.id, milestone: m.name, currencyId: m.currencyId } });
  return problems;
}

/** Fires the wallet milestones a balance change reached. */
export async function checkWalletMilestones(ctx: BaseContext, e: { guildId: string; currencyId: string; userId: string; balance: number }): Promise<void> {
  for (const m of await reachedWallet(ctx.db, e.guildId, e.currencyId, e.userId, e.balance)) {
    if (await claimAward(ctx.db, m, e.userId, 'reached')) await awardEffects(ctx, m, e.userId);
  }
}

/** How long an isolate reuses a guild's count milestones (the lake hook asks once per batch). */
export const COUNT_MILESTONES_TTL_MS = 2000;

const countMilestoneCache = new Map<string, { at: number; value: Promise<MilestoneRow[]> }>();

/** Drops the isolate's copy of a guild's count milestones (after `/milestone create`). */
export function forgetCountMilestones(guildId: string): void {
  countMilestoneCache.delete(guildId);
}

/** The guild's count milestones ('events' kind), cached per isolate for {@link COUNT_MILESTONES_TTL_MS}. */
export function countMilestones(db: Db, guildId: string, now = Date.now()): Promise<MilestoneRow[]> {
  const hit = countMilestoneCache.get(guildId);
  if (hit && now - hit.at < COUNT_MILESTONES_TTL_MS) return hit.value;
  const value = db
    .select()
    .from(milestones)
    .where(and(eq(milestones.guildId, guildId), eq(milestones.kind, 'events')));
  countMilestoneCache.set(guildId, { at: now, value });
  value.catch(() => countMilestoneCache.delete(guildId));
  return value;
}

/** One member's counted events of one type in a batch. */
export interface CountedEvents {
  userId: string;
  /** The events' source ids (at least one). */
  sourceIds: readonly string[];
}

/**
 * Counts a batch's events of one type in a guild (the lake hook): one upsert per member in one
 * D1 batch, only where a count milestone of that type exists, then one read of the awards of
 * the milestones a count reached, and per new award its effects. A re-delivered batch right
 * after itself is not counted twice: each upsert is guarded by its members' last source id of
 * the batch (`last_source_id`), the way the per-event counter guarded one event.
 */
export async function countEvents(ctx: BaseContext, guildId: string, eventType: string, members: readonly CountedEvents[]): Promise<void> {
  const defs = (await countMilestones(ctx.db, guildId)).filter((m) => m.eventType === eventType);
  if (defs.length === 0 || members.length === 0) return;
  const upserts = members.map(({ userId, sourceIds }) => {
    const last = sourceIds.reduce((a, b) => (b.length > a.length || (b.length === a.length && b > a) ? b : a));
    return ctx.db
      .insert(milestoneCounters)
      .values({ guildId, eventType, userId, count: sourceIds.length, lastSourceId: last })
      .onConflictDoUpdate({
        target: [milestoneCounters.guildId, milestoneCounters.eventType, milestoneCounters.userId],
        set: { count: sql`${milestoneCounters.count} + ${sourceIds.length}`, lastSourceId: last },
        setWhere: sql`${milestoneCounters.lastSourceId} IS NOT ${last}`,
      })
      .returning({ userId: milestoneCounters.userId, count: milestoneCounters.count });
  });
  const results = await ctx.db.batch(upserts as [(typeof upserts)[number], ...typeof upserts]);
  const reached = results.flat().flatMap((r) => defs.filter((m) => m.threshold <= r.count).map((m) => ({ m, userId: r.userId })));
  if (reached.length === 0) return;
  const awarded = await ctx.db
    .select({ milestoneId: milestoneAwards.milestoneId, userId: milestoneAwards.userId })
    .from(milestoneAwards)
    .where(
      and(
        inArray(
          milestoneAwards.milestoneId,
          defs.map((m) => m.id),
        ),
        // Members past a threshold reach it again with each counted message: any number of them.
        inJsonList(milestoneAwards.userId, [...new Set(reached.map((r) => r.userId))]),
      ),
    );
  const done = new Set(awarded.map((a) => `${a.milestoneId}:${a.userId}`));
  for (const { m, userId } of reached) {
    if (done.has(`${m.id}:${userId}`)) continue;
    if (await claimAward(ctx.db, m, userId, 'reached')) await awardEffects(ctx, m, userId);
  }
}

/** Guild-scoped milestone definitions. */
export class GuildMilestones {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Creates a milestone; null when the name is taken. */
  async create(input: Omit<typeof milestones.$inferInsert, 'id' | 'guildId' | 'createdAt'>): Promise<MilestoneRow | null> {
    const rows = await this.db
      .insert(milestones)
      .values({ ...input, guildId: this.guildId, createdAt: Date.now() })
      .onConflictDoNothing()
      .returning();
    forgetCountMilestones(this.guildId);
    return rows[0] ?? null;
  }

  /** Every milestone, with how many members reached each. */
  async list(): Promise<(MilestoneRow & { awarded: number })[]> {
    const rows = await this.db
      .select({ m: milestones, awarded: sql<number>`(SELECT count(*) FROM ${milestoneAwards} WHERE ${milestoneAwards.milestoneId} = ${milestones.id})` })
      .from(milestones)
      .where(eq(milestones.guildId, this.guildId))
      .orderBy(milestones.name);
    return rows.map((r) => ({ ...r.m, awarded: Number(r.awarded) }));
  }

  /** A milestone by name. */
  async find(name: string): Promise<MilestoneRow | undefined> {
    const [row] = await this.db
      .select()
      .from(milestones)
      .where(and(eq(milestones.guildId, this.guildId), eq(milestones.name, name.trim().toLowerCase())));
    return row;
  }
}
