/**
 * Quota points: an economy currency credited through `economy/public.ts` (placeholder until
 * the ledger lands).
 */
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';

/** A run's credit to its organizer. */
export interface RunCredit {
  guildId: string;
  userId: string;
  runId: string;
  /** Hundredths of a point. */
  amount: number;
  at: number;
  activity: string;
}

/** The ledger statements crediting a run's organizer (joined to the run's end batch). */
export async function quotaCreditStatements(_db: Db, _credit: RunCredit): Promise<BatchItem<'sqlite'>[]> {
  return [];
}
