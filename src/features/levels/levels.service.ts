/**
 * Levels: a member's level follows their balance of the guild's XP currency.
 *
 * 1. After credits (the rules engine, or any `currency_changed`), `recordBalances` upserts
 *    each member's level in one batch, raising it only (`… WHERE excluded.level > level`), and
 *    marks the row `pending`: the rows it returns are the level-ups, each exactly once.
 * 2. `syncMember` brings a pending member in line: their level recomputed from the balance,
 *    level roles added (and lower `replace` rewards removed), the level-up announced where the
 *    guild routes announcements (unless the member opted out or it is a backfill), then the
 *    row cleared at the level it synced (a newer level-up keeps it pending).
 * 3. The sync cron and backfill work through pending rows within their budget; the live path
 *    syncs inline what its budget allows. Role calls are PUT/DELETE (idempotent) and posts
 *    carry a nonce, so a repeat changes nothing.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import { emitInternalFrom } from '../../core/internal-events';
import type { Budget } from '../../core/budget';
import type { Db } from '../../db/client';
import { messageNonce } from '../../discord/nonce';
import { balanceOf, findCurrency } from '../economy/public';
import { curveSchema, levelForXp, MEE6_CURVE, type Curve } from './curves';
import { memberLevels, type MemberLevelRow } from './schema';
import { LEVELS_SETTINGS_KEY, levelsSettingsSchema, rolesForLevel, type LevelsSettings } from './settings';
import { GuildConfig } from '../../core/guild-config.repo';

/** The curve of a currency (its `level_curve` JSON), MEE6's when it has none or it is invalid. */
export function curveOf(levelCurve: string | null | undefined): Curve {
  if (!levelCurve) return MEE6_CURVE;
  try {
    const parsed = curveSchema.safeParse(JSON.parse(levelCurve));
    return parsed.success ? parsed.data : MEE6_CURVE;
  } catch {
    return MEE6_CURVE;
  }
}

/** A member's new balance after a credit (and where it happened). */
export interface BalanceUpdate {
  userId: string;
  balance: number;
  channelId: string | null;
}

/** Upserts levels for new balances; returns the members whose level rose (once each). */
export async function recordBalances(db: Db, guildId: string, currencyId: string, curve: Curve, updates: readonly BalanceUpdate[]): Promise<{ userId: string; level: number }[]> {
  const latest = new Map<string, BalanceUpdate>();
  for (const u of updates) if ((latest.get(u.userId)?.balance ?? -Infinity) < u.balance) latest.set(u.userId, u);
  const now = Date.now();
  const statements = [...latest.values()]
    .map((u) => ({ ...u, level: levelForXp(curve, u.balance).level }))
    .filter((u) => u.level > 0)
    .map((u) =>
      db
        .insert(memberLevels)
        .values({ guildId, currencyId, userId: u.userId, level: u.level, pending: true, channelId: u.channelId, updatedAt: now })
        .onConflictDoUpdate({
          target: [memberLevels.guildId, memberLevels.currencyId, memberLevels.userId],
          set: { level: sql`excluded.level`, pending: true, channelId: sql`coalesce(excluded.channel_id, ${memberLevels.channelId})`, updatedAt: now },
          setWhere: sql`excluded.level > ${memberLevels.level}`,
        })
        .returning({ userId: memberLevels.userId, level: memberLevels.level }),
    );
  if (statements.length === 0) return [];
  const results = await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
  return results.flatMap((rows) => rows);
}

/** The guild's levels settings. */
export function levelsSettings(db: Db, guildId: string): Promise<LevelsSettings> {
  return new GuildConfig(db, guildId).settings(LEVELS_SETTINGS_KEY, levelsSettingsSchema);
}

/** Most subrequests `syncMember` makes for a guild with these settings. */
export function syncCost(settings: LevelsSettings): number {
  return 2 + settings.rewards.length + 2 + 1; // balance, roles, DM open + post, update
}

function render(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** Brings one member's roles (and announcement) in line with their level. */
export async function syncMember(ctx: BaseContext, settings: LevelsSettings, row: MemberLevelRow, curve: Curve): Promise<void> {
  const balance = await balanceOf(ctx.db, row.guildId, row.currencyId, row.userId);
  const level = Math.max(row.level, levelForXp(curve, balance).level);
  const { add, remove } = rolesForLevel(settings.rewards, level);
  const reason = `Gatehouse levels: level ${level}`;
  for (const roleId of add) await ctx.discord.members.addRole(row.guildId, row.userId, roleId, reason);
  for (const roleId of remove) await ctx.discord.members.removeRole(row.guildId, row.userId, roleId, reason);
  const mode = settings.announce.mode;
  if (row.announce && !row.optOut && mode !== 'off' && level > row.syncedLevel) {
    const content = render(settings.announce.template, { user: `<@${row.userId}>`, level });
    const body = { content, allowed_mentions: { users: [row.userId] }, nonce: await messageNonce('levels.announce', row.guildId, row.userId, String(level)), enforce_nonce: true };
    const channel = mode === 'channel' ? settings.announce.channelId : mode === 'event' ? row.channelId : null;
    if (mode === 'dm') await ctx.discord.users.sendDm(row.userId, body).catch((error: unknown) => console.warn(JSON.stringify({ msg: 'level-up DM failed', guild: row.guildId, error: String(error) })));
    else if (channel) await ctx.discord.channels.createMessage(channel, body);
  }
  await ctx.db
    .update(memberLevels)
    .set({ level, syncedLevel: level, pending: false, announce: true, updatedAt: Date.now() })
    .where(and(eq(memberLevels.guildId, row.guildId), eq(memberLevels.currencyId, row.currencyId), eq(memberLevels.userId, row.userId), eq(memberLevels.level, row.level)));
}

/** Pending members of every guild, oldest first, at most `limit`. */
export async function pendingMembers(db: Db, limit: number, guildId?: string): Promise<MemberLevelRow[]> {
  const where = guildId ? and(eq(memberLevels.pending, true), eq(memberLevels.guildId, guildId)) : eq(memberLevels.pending, true);
  return db.select().from(memberLevels).where(where).orderBy(memberLevels.updatedAt).limit(limit);
}

/** Syncs pending members within `budget`; what is left stays pending for the next run. */
export async function syncPending(ctx: BaseContext & { budget: Budget }, guildId?: string): Promise<{ claimed: number; done: number; left: number }> {
  const perRow = 12;
  const limit = ctx.budget.fit(perRow, 50, 1);
  if (limit === 0) return { claimed: 0, done: 0, left: 0 };
  const rows = await pendingMembers(ctx.db, limit, guildId);
  let done = 0;
  const settingsByGuild = new Map<string, Promise<{ settings: LevelsSettings; curve: Curve | null }>>();
  for (const row of rows) {
    let loaded = settingsByGuild.get(row.guildId);
    if (!loaded) {
      loaded = (async () => {
        const settings = await levelsSettings(ctx.db, row.guildId);
        const currency = settings.currencyId ? await findCurrency(ctx.db, row.guildId, settings.currencyId) : undefined;
        return { settings, curve: currency ? curveOf(currency.levelCurve) : null };
      })();
      settingsByGuild.set(row.guildId, loaded);
    }
    const { settings, curve } = await loaded;
    const slot = ctx.budget.reserve(syncCost(settings));
    if (!slot) break;
    try {
      if (!curve || settings.currencyId !== row.currencyId) {
        await ctx.db.update(memberLevels).set({ pending: false }).where(and(eq(memberLevels.guildId, row.guildId), eq(memberLevels.currencyId, row.currencyId), eq(memberLevels.userId, row.userId)));
      } else {
        await syncMember(ctx, settings, row, curve);
      }
      done++;
    } catch (error) {
      console.error(JSON.stringify({ msg: 'level sync failed', guild: row.guildId, error: String(error) }));
    } finally {
      slot.release();
    }
  }
  return { claimed: rows.length, done, left: rows.length - done };
}

/** Marks every member of the guild's XP currency for a sync without announcements (backfill). */
export async function startBackfill(db: Db, guildId: string, currencyId: string): Promise<number> {
  const rows = await db
    .update(memberLevels)
    .set({ pending: true, announce: false, syncedLevel: sql`min(${memberLevels.syncedLevel}, ${memberLevels.level})`, updatedAt: Date.now() })
    .where(and(eq(memberLevels.guildId, guildId), eq(memberLevels.currencyId, currencyId)))
    .returning({ userId: memberLevels.userId });
  return rows.length;
}

/** `currency_changed` from the ledger: a credit of the guild's levels currency may raise a level (synced by the cron). */
export async function onXpChanged(ctx: BaseContext, event: { guildId: string; currencyId: string; userId: string; amount: number; balance: number; source: string }): Promise<void> {
  if (event.source === 'rule' || event.amount <= 0) return;
  const settings = await levelsSettings(ctx.db, event.guildId);
  if (settings.currencyId !== event.currencyId) return;
  const currency = await findCurrency(ctx.db, event.guildId, event.currencyId);
  if (!currency) return;
  const ups = await recordBalances(ctx.db, event.guildId, currency.id, curveOf(currency.levelCurve), [{ userId: event.userId, balance: event.balance, channelId: null }]);
  // The same key as the rules engine's level_up: one level reached is one event.
  for (const up of ups) await emitInternalFrom(ctx, 'level_up', { guildId: event.guildId, userId: up.userId, key: `${currency.id}:${up.userId}:L${up.level}`, payload: { level: up.level, currencyId: currency.id } });
}
