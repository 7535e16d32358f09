/**
 * The command log, written off the hot path: rows are buffered per isolate and flushed in
 * small batches inside `waitUntil`, so answering an interaction never waits on this write.
 */
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';
import { commandLog, type CommandLogRow } from './schema';

/** How long a row may wait for company before its batch is written. */
const FLUSH_AFTER_MS = 25;
/** D1 binds at most 100 parameters per statement; a row binds 10. */
const ROWS_PER_STATEMENT = 9;
const MAX_BUFFER = 90;

interface Pending {
  rows: CommandLogRow[];
  flushed: Promise<void>;
}

const pending = new WeakMap<Db, Pending>();

/**
 * Queues a command-log row and returns the promise of its batch being written; pass it to
 * `waitUntil`. A write failure is logged, never surfaced to the user.
 */
export function logCommand(db: Db, row: CommandLogRow): Promise<void> {
  let batch = pending.get(db);
  if (!batch || batch.rows.length >= MAX_BUFFER) {
    const rows: CommandLogRow[] = [];
    const flushed = new Promise<void>((resolve) => setTimeout(resolve, FLUSH_AFTER_MS)).then(() => {
      if (pending.get(db)?.rows === rows) pending.delete(db);
      return writeRows(db, rows);
    });
    batch = { rows, flushed };
    pending.set(db, batch);
  }
  batch.rows.push(row);
  return batch.flushed;
}

async function writeRows(db: Db, rows: CommandLogRow[]): Promise<void> {
  const statements: BatchItem<'sqlite'>[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    statements.push(db.insert(commandLog).values(rows.slice(i, i + ROWS_PER_STATEMENT)));
  }
  try {
    await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  } catch (error) {
    console.error(JSON.stringify({ msg: 'command_log write failed', rows: rows.length, error: String(error) }));
  }
}
