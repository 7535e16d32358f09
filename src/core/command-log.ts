/**
 * The command log, written off the hot path: rows are buffered per isolate and flushed in
 * small batches inside `waitUntil`, so answering an interaction never waits on this write.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { commandLog, type CommandLogRow } from './schema';

/** How long a row may wait for company before its batch is written (`COMMAND_LOG_FLUSH_MS`). */
export const DEFAULT_FLUSH_AFTER_MS = 200;
const MAX_BUFFER = 500;

/** The columns a row fills, in the order `toTuple` lists them. */
const COLUMNS = [
  commandLog.interactionId,
  commandLog.guildId,
  commandLog.userId,
  commandLog.command,
  commandLog.options,
  commandLog.outcome,
  commandLog.latencyMs,
  commandLog.errorRef,
  commandLog.createdAt,
];

/**
 * `INSERT … SELECT … FROM json_each(` built once: a batch is one statement with one bound
 * parameter (the rows as a JSON array of tuples), so its cost does not grow with D1's
 * 100-parameter limit, and no query builder runs per row.
 */
const INSERT_FROM_JSON = sql`INSERT INTO ${commandLog} (${sql.join(
  COLUMNS.map((c) => sql.identifier(c.name)),
  sql`, `,
)}) SELECT ${sql.join(
  COLUMNS.map((_, i) => sql.raw(`json_extract(value, '$[${i}]')`)),
  sql`, `,
)} FROM json_each(`;

/** A row as the tuple `COLUMNS` describes; `options` stored as JSON text, as drizzle's json mode does. */
function toTuple(row: CommandLogRow): unknown[] {
  return [
    row.interactionId,
    row.guildId ?? null,
    row.userId,
    row.command,
    row.options == null ? null : JSON.stringify(row.options),
    row.outcome,
    row.latencyMs,
    row.errorRef ?? null,
    row.createdAt,
  ];
}

/** The open batch per database: rows waiting for the flush that the opening request awaits. */
const pending = new WeakMap<Db, { rows: CommandLogRow[] }>();

/**
 * Queues a command-log row; pass a returned promise to `waitUntil`. The request that opens
 * a batch gets the promise of that batch being written (its `waitUntil` keeps the isolate
 * alive until the write is done); rows joining an open batch get `null` (nothing to wait on), because
 * in workerd a request must not wait on a promise that another request's I/O settles
 * (workerd warns "A promise was resolved or rejected from a different request context" and
 * cancels the waiting continuation). A write failure is logged, never surfaced to the user.
 */
export function logCommand(db: Db, row: CommandLogRow, flushAfterMs = DEFAULT_FLUSH_AFTER_MS): Promise<void> | null {
  const open = pending.get(db);
  if (open && open.rows.length < MAX_BUFFER) {
    open.rows.push(row);
    return null;
  }
  const rows: CommandLogRow[] = [row];
  const flushed = new Promise<void>((resolve) => setTimeout(resolve, flushAfterMs)).then(() => {
    if (pending.get(db)?.rows === rows) pending.delete(db);
    return writeRows(db, rows);
  });
  pending.set(db, { rows });
  return flushed;
}

async function writeRows(db: Db, rows: CommandLogRow[]): Promise<void> {
  try {
    await db.run(sql`${INSERT_FROM_JSON}${JSON.stringify(rows.map(toTuple))})`);
  } catch (error) {
    console.error(JSON.stringify({ msg: 'command_log write failed', rows: rows.length, error: String(error) }));
  }
}
