/**
 * The durable record of a run's end, written by its Object before anything else: one D1
 * batch with the run's status, its participants and (for a run that ended, not one that was
 * cancelled) the organizer's quota points, keyed by the run id so a repeat credits nothing.
 */
import type { BatchItem } from 'drizzle-orm/batch';
import { getDb } from '../../db/client';
import type { RosterEntry } from './panel';
import { quotaCreditStatements } from './quota.service';
import { GuildRuns } from './runs.repo';

/** What the end record needs of the run. */
export interface EndingRun {
  runId: string;
  guildId: string;
  organizerId: string;
  endedAt: number | null;
  kind: 'run' | 'headcount' | 'scheduled';
  activity: { name: string; weight: number };
}

/** Writes the end of `run` (idempotent: the status changes once, participants and credit are keyed). */
export async function recordRunEnd(env: Env, run: EndingRun, how: 'ended' | 'cancelled', roster: RosterEntry[]): Promise<void> {
  const db = getDb(env);
  const endedAt = run.endedAt ?? Date.now();
  const items: BatchItem<'sqlite'>[] = new GuildRuns(db, run.guildId).endStatements(run.runId, how, endedAt, roster);
  if (how === 'ended' && run.kind !== 'headcount' && run.activity.weight > 0) {
    items.push(...(await quotaCreditStatements(db, { guildId: run.guildId, userId: run.organizerId, runId: run.runId, amount: run.activity.weight, at: endedAt, activity: run.activity.name })));
  }
  await db.batch(items as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
}
