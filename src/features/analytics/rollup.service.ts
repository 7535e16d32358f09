/**
 * The rollups: recomputed from the event lake (and the command log, for commands and other
 * interactions), never incremented, so a period recomputed gives the same row and an event
 * the queue delivered twice (one lake row, insert-or-ignore on its source id) counts once.
 *
 * - **Hours** (`rollupHours`): every guild's and channel's counts over a window of UTC hours
 *   are rebuilt by grouped `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE <changed>` over
 *   the lake's `occurred_at` index (one batch, plus one read of the window's voice updates),
 *   and members' last-seen facts are max-merged in the same batch. An upsert whose values did
 *   not change writes nothing, so recomputing a settled hour costs reads only.
 * - **Days** (`compactDay`): once every hour of a UTC day is final, its guild and channel
 *   rows are summed from the hours, and distinct members of the day are counted from the
 *   lake (they cannot be summed from hours), a chunk of guilds per statement.
 * - **Retention** (`pruneRollups`, `pruneMessageEvents`): hourly rows go after
 *   `ANALYTICS_HOURLY_DAYS` (only once compacted), daily rows after `ANALYTICS_RETENTION_DAYS`;
 *   the lake's message-type rows after `LAKE_MESSAGE_RETENTION_DAYS`, never before their day
 *   is compacted.
 */
import { and, asc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { commandLog } from '../../core/schema';
import { gatewayEvents } from '../../core/gateway/schema';
import type { Db } from '../../db/client';
import { DAY_MS, HOUR_MS, MESSAGE_EVENT_TYPES, VOICE_SESSION_CAP_MS, hourOf } from './periods';
import { analyticsChannelDays, analyticsChannelHours, analyticsGuildDays, analyticsGuildHours, analyticsMembers, analyticsWatermarks } from './schema';
import { voiceCells, type VoiceUpdate } from './voice';

type Batch = [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]];

const ACTIVE = sql.raw(`k IN ('MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'VOICE_STATE_UPDATE', 'COMMAND', 'INTERACTION')`);
/** An integer literal: D1 binds JS numbers as REAL, and `t / 3600000.0` is not an hour number. */
const int = (n: number) => sql.raw(String(Math.trunc(n)));
const HOUR = int(HOUR_MS);
const NOT_BOT = sql.raw(`coalesce(json_extract(payload, '$.bot'), 0) = 0`);

/**
 * The activity rows of `[from, to)`: lake events of the rollup's types (bots left out) and
 * the command log's interactions (`COMMAND` for slash commands, `INTERACTION` for the rest).
 */
function acts(from: number, to: number, guilds?: readonly string[]): SQL {
  // The list is bound as one JSON value: D1 allows 100 bound parameters a statement, and a
  // compaction statement names its guilds three times.
  const list = guilds ? JSON.stringify(guilds) : '';
  const inGuilds = (column: string) => (guilds ? sql`AND ${sql.raw(column)} IN (SELECT value FROM json_each(${list}))` : sql``);
  return sql`acts AS (
    SELECT guild_id AS g, channel_id AS c, user_id AS u, occurred_at AS t, type AS k, json_extract(payload, '$.joinedAt') AS j
      FROM ${gatewayEvents}
      WHERE occurred_at >= ${from} AND occurred_at < ${to} AND guild_id IS NOT NULL ${inGuilds('guild_id')}
        AND type IN ('MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'VOICE_STATE_UPDATE', 'GUILD_MEMBER_ADD', 'GUILD_MEMBER_REMOVE')
        AND ${NOT_BOT}
    UNION ALL
    SELECT guild_id, NULL, user_id, created_at, CASE WHEN command LIKE '/%' THEN 'COMMAND' ELSE 'INTERACTION' END, NULL
      FROM ${commandLog}
      WHERE created_at >= ${from} AND created_at < ${to} AND guild_id IS NOT NULL ${inGuilds('guild_id')}
  )`;
}

/** `a IS NOT b OR …` over the listed columns: an upsert changes a row only when a value differs. */
const changed = (columns: readonly string[]) => sql.raw(columns.map((c) => `${c} IS NOT excluded.${c}`).join(' OR '));

const GUILD_COUNT_COLUMNS = ['messages', 'members', 'reactions', 'joins', 'leaves', 'commands'] as const;
const CHANNEL_COUNT_COLUMNS = ['messages', 'members', 'reactions'] as const;
const set = (columns: readonly string[]) => sql.raw(columns.map((c) => `${c} = excluded.${c}`).join(', '));

/** Later of two nullable times, in SQL. */
const later = (column: string) => sql.raw(`${column} = max(coalesce(${column}, excluded.${column}), coalesce(excluded.${column}, ${column}))`);
const grew = (column: string) => sql.raw(`coalesce(excluded.${column}, 0) > coalesce(${column}, 0)`);

const MEMBER_TIMES = ['last_message_at', 'last_reaction_at', 'last_voice_at', 'last_interaction_at', 'joined_at', 'left_at'] as const;

/** Statements rebuilding the counts of hours `[from, to)` and merging members' last-seen facts. */
export function hourStatements(from: number, to: number): SQL[] {
  const guildHours = sql`WITH ${acts(from, to)}
    INSERT INTO ${analyticsGuildHours} (guild_id, hour, messages, members, reactions, joins, leaves, commands)
    SELECT g, t / ${HOUR}, sum(k = 'MESSAGE_CREATE'), count(DISTINCT CASE WHEN ${ACTIVE} THEN u END), sum(k = 'MESSAGE_REACTION_ADD'),
           sum(k = 'GUILD_MEMBER_ADD'), sum(k = 'GUILD_MEMBER_REMOVE'), sum(k = 'COMMAND')
      FROM acts WHERE true GROUP BY g, t / ${HOUR}
    ON CONFLICT (guild_id, hour) DO UPDATE SET ${set(GUILD_COUNT_COLUMNS)} WHERE ${changed(GUILD_COUNT_COLUMNS)}`;
  const channelHours = sql`WITH ${acts(from, to)}
    INSERT INTO ${analyticsChannelHours} (guild_id, hour, channel_id, messages, members, reactions)
    SELECT g, t / ${HOUR}, c, sum(k = 'MESSAGE_CREATE'), count(DISTINCT u), sum(k = 'MESSAGE_REACTION_ADD')
      FROM acts WHERE c IS NOT NULL AND k IN ('MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'VOICE_STATE_UPDATE') GROUP BY g, t / ${HOUR}, c
    ON CONFLICT (guild_id, hour, channel_id) DO UPDATE SET ${set(CHANNEL_COUNT_COLUMNS)} WHERE ${changed(CHANNEL_COUNT_COLUMNS)}`;
  const members = sql`WITH ${acts(from, to)}
    INSERT INTO ${analyticsMembers} (guild_id, user_id, last_message_at, last_reaction_at, last_voice_at, last_interaction_at, last_active_at, joined_at, left_at)
    SELECT g, u, max(CASE WHEN k = 'MESSAGE_CREATE' THEN t END), max(CASE WHEN k = 'MESSAGE_REACTION_ADD' THEN t END),
           max(CASE WHEN k = 'VOICE_STATE_UPDATE' THEN t END), max(CASE WHEN k IN ('COMMAND', 'INTERACTION') THEN t END),
           coalesce(max(CASE WHEN ${ACTIVE} THEN t END), 0),
           max(CASE WHEN k = 'GUILD_MEMBER_ADD' THEN t ELSE j END), max(CASE WHEN k = 'GUILD_MEMBER_REMOVE' THEN t END)
      FROM acts WHERE u IS NOT NULL GROUP BY g, u
    ON CONFLICT (guild_id, user_id) DO UPDATE SET ${sql.join(
      MEMBER_TIMES.map((c) => later(c)),
      sql`, `,
    )}, last_active_at = max(last_active_at, excluded.last_active_at)
      WHERE excluded.last_active_at > last_active_at OR ${sql.join(
        MEMBER_TIMES.map((c) => grew(c)),
        sql` OR `,
      )}`;
  return [guildHours, channelHours, members];
}

/** Statements setting the voice minutes of hours `[fromHour, toHour]` (cells no longer in voice go back to 0). */
export function voiceStatements(fromHour: number, toHour: number, cells: ReturnType<typeof voiceCells>): SQL[] {
  const guildJson = JSON.stringify(cells.guild.map((c) => [c.guildId, c.hour, c.minutes]));
  const channelJson = JSON.stringify(cells.channel.map((c) => [c.guildId, c.hour, c.channelId, c.minutes]));
  return [
    sql`UPDATE ${analyticsGuildHours} SET voice_minutes = 0
      WHERE hour >= ${fromHour} AND hour <= ${toHour} AND voice_minutes <> 0
        AND (guild_id, hour) NOT IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${guildJson}))`,
    sql`INSERT INTO ${analyticsGuildHours} (guild_id, hour, voice_minutes)
      SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(${guildJson}) WHERE true
      ON CONFLICT (guild_id, hour) DO UPDATE SET voice_minutes = excluded.voice_minutes WHERE voice_minutes IS NOT excluded.voice_minutes`,
    sql`UPDATE ${analyticsChannelHours} SET voice_minutes = 0
      WHERE hour >= ${fromHour} AND hour <= ${toHour} AND voice_minutes <> 0
        AND (guild_id, hour, channel_id) NOT IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(${channelJson}))`,
    sql`INSERT INTO ${analyticsChannelHours} (guild_id, hour, channel_id, voice_minutes)
      SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(${channelJson}) WHERE true
      ON CONFLICT (guild_id, hour, channel_id) DO UPDATE SET voice_minutes = excluded.voice_minutes WHERE voice_minutes IS NOT excluded.voice_minutes`,
  ];
}

/** The window's voice updates, and those up to the session cap before it (sessions that began earlier). */
async function voiceUpdates(db: Db, from: number, until: number): Promise<VoiceUpdate[]> {
  const rows = await db
    .select({ guildId: gatewayEvents.guildId, userId: gatewayEvents.userId, channelId: gatewayEvents.channelId, occurredAt: gatewayEvents.occurredAt })
    .from(gatewayEvents)
    .where(
      and(
        gte(gatewayEvents.occurredAt, from - VOICE_SESSION_CAP_MS),
        lt(gatewayEvents.occurredAt, until),
        eq(gatewayEvents.type, 'VOICE_STATE_UPDATE'),
        sql`${gatewayEvents.guildId} IS NOT NULL AND ${gatewayEvents.userId} IS NOT NULL AND ${NOT_BOT}`,
      ),
    )
    .orderBy(asc(gatewayEvents.occurredAt));
  return rows as VoiceUpdate[];
}

/** What one rollup call did. */
export interface RollupReport {
  fromHour: number;
  toHour: number;
  /** D1 rows written by the batch (D1's meta; 0 where the driver does not report it). */
  rowsWritten: number;
  rowsRead: number;
  /** Round trips made. */
  subrequests: number;
}

/** Runs statements as one batch (one round trip); reports D1's rows written and read when it can tell. */
export type StatementRunner = (statements: SQL[]) => Promise<{ rowsWritten: number; rowsRead: number }>;

const dialect = new SQLiteAsyncDialect();

/** Something with D1's `prepare` and `batch` (the binding, the counted binding, or Miniflare's proxy of it). */
export interface D1Like {
  prepare(sql: string): { bind(...values: unknown[]): unknown };
  batch(statements: unknown[]): Promise<{ meta?: { rows_written?: number; rows_read?: number } }[]>;
}

/** Runs statements as one D1 batch and sums D1's meta. */
export function d1Runner(d1: D1Like): StatementRunner {
  return async (statements) => {
    if (statements.length === 0) return { rowsWritten: 0, rowsRead: 0 };
    const prepared = statements.map((s) => {
      const q = dialect.sqlToQuery(s);
      return d1.prepare(q.sql).bind(...q.params);
    });
    let rowsWritten = 0;
    let rowsRead = 0;
    for (const r of await d1.batch(prepared)) {
      rowsWritten += r.meta?.rows_written ?? 0;
      rowsRead += r.meta?.rows_read ?? 0;
    }
    return { rowsWritten, rowsRead };
  };
}

/** A libSQL client's batch (one HTTP request; it reports no row counts). */
interface LibsqlLike {
  batch(statements: { sql: string; args: unknown[] }[], mode: 'write'): Promise<unknown>;
}

/**
 * The runner of `db`'s own client (drizzle cannot batch raw SQL on D1): the D1 binding it
 * wraps (counted, in a job), or the libSQL client.
 */
export function clientRunner(db: Db): StatementRunner {
  const client = (db as unknown as { $client: unknown }).$client;
  if (client && typeof (client as D1Like).prepare === 'function') return d1Runner(client as D1Like);
  return async (statements) => {
    if (statements.length > 0)
      await (client as LibsqlLike).batch(
        statements.map((s) => {
          const q = dialect.sqlToQuery(s);
          return { sql: q.sql, args: q.params };
        }),
        'write',
      );
    return { rowsWritten: 0, rowsRead: 0 };
  };
}

/**
 * Rebuilds hours `[fromHour, hourOf(until)]` of every guild from the lake, counting voice up
 * to `until` (the current hour stays partial until a later run). Two round trips; `extra`
 * statements (a watermark) join the write batch.
 */
export async function rollupHours(db: Db, fromHour: number, until: number, extra: SQL[] = [], run: StatementRunner = clientRunner(db)): Promise<RollupReport> {
  const from = fromHour * HOUR_MS;
  const toHour = hourOf(until - 1);
  const updates = await voiceUpdates(db, from, until);
  const cells = voiceCells(updates, fromHour, until);
  const meta = await run([...hourStatements(from, until), ...voiceStatements(fromHour, toHour, cells), ...extra]);
  return { fromHour, toHour, ...meta, subrequests: 2 };
}

/** Guilds per day-compaction statement (the `IN` list binds one parameter per guild). */
export const COMPACT_GUILDS_PER_STATEMENT = 40;

/** Guilds with any hour row on `day` (the `hour` index). */
export async function guildsWithHours(db: Db, day: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ guildId: analyticsGuildHours.guildId })
    .from(analyticsGuildHours)
    .where(and(gte(analyticsGuildHours.hour, day * 24), lt(analyticsGuildHours.hour, day * 24 + 24)))
    .orderBy(asc(analyticsGuildHours.guildId));
  return rows.map((r) => r.guildId);
}

/** Statements compacting `day` for `guilds` (each statement rebuilds its rows whole). */
export function dayStatements(day: number, guilds: readonly string[]): SQL[] {
  const from = day * DAY_MS;
  const to = from + DAY_MS;
  const h0 = day * 24;
  const ids = sql`SELECT value FROM json_each(${JSON.stringify(guilds)})`;
  const guildDays = sql`WITH ${acts(from, to, guilds)},
    m AS (SELECT g, count(DISTINCT u) AS n FROM acts WHERE ${ACTIVE} GROUP BY g)
    INSERT INTO ${analyticsGuildDays} (guild_id, day, messages, members, reactions, voice_minutes, joins, leaves, commands, hourly)
    SELECT h.guild_id, ${int(day)}, sum(h.messages), coalesce(max(m.n), 0), sum(h.reactions), sum(h.voice_minutes), sum(h.joins), sum(h.leaves), sum(h.commands),
           coalesce(json_group_object(CAST(h.hour - ${int(h0)} AS TEXT), h.messages) FILTER (WHERE h.messages > 0), '{}')
      FROM ${analyticsGuildHours} h LEFT JOIN m ON m.g = h.guild_id
      WHERE h.hour >= ${h0} AND h.hour < ${h0 + 24} AND h.guild_id IN (${ids})
      GROUP BY h.guild_id
    ON CONFLICT (guild_id, day) DO UPDATE SET ${set([...GUILD_COUNT_COLUMNS, 'voice_minutes', 'hourly'])}
      WHERE ${changed([...GUILD_COUNT_COLUMNS, 'voice_minutes', 'hourly'])}`;
  const channelDays = sql`WITH ${acts(from, to, guilds)},
    m AS (SELECT g, c, count(DISTINCT u) AS n FROM acts WHERE c IS NOT NULL AND k IN ('MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'VOICE_STATE_UPDATE') GROUP BY g, c)
    INSERT INTO ${analyticsChannelDays} (guild_id, day, channel_id, messages, members, reactions, voice_minutes)
    SELECT h.guild_id, ${int(day)}, h.channel_id, sum(h.messages), coalesce(max(m.n), 0), sum(h.reactions), sum(h.voice_minutes)
      FROM ${analyticsChannelHours} h LEFT JOIN m ON m.g = h.guild_id AND m.c = h.channel_id
      WHERE h.hour >= ${h0} AND h.hour < ${h0 + 24} AND h.guild_id IN (${ids})
      GROUP BY h.guild_id, h.channel_id
    ON CONFLICT (guild_id, day, channel_id) DO UPDATE SET ${set([...CHANNEL_COUNT_COLUMNS, 'voice_minutes'])}
      WHERE ${changed([...CHANNEL_COUNT_COLUMNS, 'voice_minutes'])}`;
  return [guildDays, channelDays];
}

/**
 * Compacts one UTC day into daily rows: sums of its (final) hours, distinct members from the
 * lake. Statements for {@link COMPACT_GUILDS_PER_STATEMENT} guilds at a time, sent in batches
 * of `statementsPerBatch`. Returns the round trips it made (1 + batches).
 */
export async function compactDay(db: Db, day: number, statementsPerBatch = 50, run: StatementRunner = clientRunner(db)): Promise<RollupReport> {
  const guilds = await guildsWithHours(db, day);
  const statements: SQL[] = [];
  for (let i = 0; i < guilds.length; i += COMPACT_GUILDS_PER_STATEMENT) statements.push(...dayStatements(day, guilds.slice(i, i + COMPACT_GUILDS_PER_STATEMENT)));
  let subrequests = 1;
  let rowsWritten = 0;
  let rowsRead = 0;
  for (let i = 0; i < statements.length; i += statementsPerBatch) {
    const meta = await run(statements.slice(i, i + statementsPerBatch));
    rowsWritten += meta.rowsWritten;
    rowsRead += meta.rowsRead;
    subrequests++;
  }
  return { fromHour: day * 24, toHour: day * 24 + 23, rowsWritten, rowsRead, subrequests };
}

/** Round trips `compactDay` makes for `guilds` guilds. */
export function compactDayCost(guilds: number, statementsPerBatch = 50): number {
  return 1 + Math.ceil((2 * Math.ceil(guilds / COMPACT_GUILDS_PER_STATEMENT)) / statementsPerBatch);
}

/** Deletes hour rows before `beforeHour` and day rows before `beforeDay` (one batch). */
export async function pruneRollups(db: Db, beforeHour: number, beforeDay: number): Promise<void> {
  await db.batch([
    db.delete(analyticsGuildHours).where(lt(analyticsGuildHours.hour, beforeHour)),
    db.delete(analyticsChannelHours).where(lt(analyticsChannelHours.hour, beforeHour)),
    db.delete(analyticsGuildDays).where(lt(analyticsGuildDays.day, beforeDay)),
    db.delete(analyticsChannelDays).where(lt(analyticsChannelDays.day, beforeDay)),
  ]);
}

/**
 * Deletes the lake's message-type rows (`MESSAGE_EVENT_TYPES`) that occurred in `[from,
 * before)`, `batchSize` at a time, at most `maxBatches` round trips. Scans forward from
 * `from` on the `occurred_at` index, so rows already kept (other types) are read once per
 * call, not the whole lake. Returns how many went and how far it got (the next `from`).
 */
export async function pruneMessageEvents(db: Db, from: number, before: number, { batchSize = 1000, maxBatches = 20 } = {}): Promise<{ deleted: number; reached: number; batches: number }> {
  let deleted = 0;
  let cursor = from;
  let batches = 0;
  while (batches < maxBatches) {
    const oldest = db
      .select({ id: gatewayEvents.id })
      .from(gatewayEvents)
      .where(and(gte(gatewayEvents.occurredAt, cursor), lt(gatewayEvents.occurredAt, before), inArray(gatewayEvents.type, [...MESSAGE_EVENT_TYPES])))
      .orderBy(asc(gatewayEvents.occurredAt))
      .limit(batchSize);
    const rows = await db.delete(gatewayEvents).where(inArray(gatewayEvents.id, oldest)).returning({ occurredAt: gatewayEvents.occurredAt });
    batches++;
    deleted += rows.length;
    if (rows.length < batchSize) return { deleted, reached: before, batches };
    cursor = Math.max(cursor, ...rows.map((r) => r.occurredAt));
  }
  return { deleted, reached: cursor, batches };
}

/** A watermark's value, or null when never set. */
export async function readWatermarks(db: Db): Promise<Map<string, number>> {
  const rows = await db.select().from(analyticsWatermarks);
  return new Map(rows.map((r) => [r.name, r.value]));
}

/** The statement setting a watermark (to join a rollup batch). */
export function watermarkStatement(name: string, value: number): SQL {
  return sql`INSERT INTO ${analyticsWatermarks} (name, value) VALUES (${name}, ${value}) ON CONFLICT (name) DO UPDATE SET value = excluded.value`;
}

/** Sets a watermark. */
export async function setWatermark(db: Db, name: string, value: number): Promise<void> {
  await db.insert(analyticsWatermarks).values({ name, value }).onConflictDoUpdate({ target: analyticsWatermarks.name, set: { value } });
}
