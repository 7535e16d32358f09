/**
 * Funnel facts as events arrive: a lake hook takes a batch's joins and messages and writes
 * them in one batch (one round trip per queue batch, whatever its size), and the `level_up`
 * internal event raises a member's highest level. All idempotent: a redelivered join keeps
 * the row as it is (only a later join restarts it), a first message is set only while unset.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { defineLakeHook, type InternalEventHandler } from '../../../core/define';
import { columnName, jsonRows, tupleAt } from '../../../db/bulk';
import type { Db } from '../../../db/client';
import { funnelMembers } from '../funnel.schema';

type Fact = { guildId: string; userId: string; at: number };

/**
 * The statements of one batch's joins (a batch of upserts) and first messages (one statement;
 * drizzle cannot put a raw statement with parameters in a D1 batch, so it runs after the
 * joins: a join and a message in one batch both count, and a failure in between is retried).
 */
export function funnelStatements(db: Db, joins: readonly Fact[], messages: readonly Fact[]) {
  const stmts = joins.map((j) =>
    db
      .insert(funnelMembers)
      .values({ guildId: j.guildId, userId: j.userId, joinedAt: j.at })
      .onConflictDoUpdate({
        target: [funnelMembers.guildId, funnelMembers.userId],
        set: { joinedAt: j.at, firstMessageAt: null, maxLevel: 0 },
        setWhere: sql`${funnelMembers.joinedAt} < ${j.at}`,
      }),
  );
  const first = new Map<string, Fact>();
  for (const m of messages) {
    const k = `${m.guildId}:${m.userId}`;
    if (!first.has(k) || first.get(k)!.at > m.at) first.set(k, m);
  }
  let firstMessages: SQL | null = null;
  if (first.size > 0) {
    // Every member's first message of the batch in one statement (`db/bulk.ts`), not one per member.
    const rows = [...first.values()].map((m) => [m.guildId, m.userId, m.at]);
    firstMessages = sql`UPDATE ${funnelMembers} SET ${columnName(funnelMembers.firstMessageAt)} = j.at
        FROM (SELECT ${tupleAt(0)} AS g, ${tupleAt(1)} AS u, ${tupleAt(2)} AS at FROM ${jsonRows(rows)}) AS j
        WHERE ${funnelMembers.guildId} = j.g AND ${funnelMembers.userId} = j.u AND ${funnelMembers.firstMessageAt} IS NULL AND ${funnelMembers.joinedAt} <= j.at`;
  }
  return { joins: stmts, firstMessages };
}

export const funnelLakeHook = defineLakeHook({
  name: 'analytics-funnel',
  types: ['GUILD_MEMBER_ADD', 'MESSAGE_CREATE'],
  cost: () => 1,
  handler: async (ctx, events) => {
    const joins: Fact[] = [];
    const messages: Fact[] = [];
    for (const e of events) {
      const userId = e.facts.userId;
      if (!userId) continue;
      const summary = e.facts.summary as { bot?: boolean; joinedAt?: number };
      if (summary.bot) continue;
      if (e.type === 'GUILD_MEMBER_ADD') joins.push({ guildId: e.guildId, userId, at: summary.joinedAt ?? e.facts.occurredAt });
      else messages.push({ guildId: e.guildId, userId, at: e.facts.occurredAt });
    }
    const { joins: upserts, firstMessages } = funnelStatements(ctx.db, joins, messages);
    if (upserts.length) await ctx.db.batch(upserts as never);
    if (firstMessages) await ctx.db.run(firstMessages);
  },
});

/** `level_up`: the member's highest level since their join. */
export const funnelLevelUp: InternalEventHandler = {
  name: 'analytics-funnel-level',
  type: 'level_up',
  handler: async (ctx, event) => {
    const level = Number(event.payload.level);
    if (!Number.isInteger(level) || level <= 0) return;
    await ctx.db
      .update(funnelMembers)
      .set({ maxLevel: sql`max(${funnelMembers.maxLevel}, ${level})` })
      .where(and(eq(funnelMembers.guildId, event.guildId), eq(funnelMembers.userId, event.userId)));
  },
};
