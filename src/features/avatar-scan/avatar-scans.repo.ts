import { and, eq, inArray, sql } from 'drizzle-orm';
import { MODEL_VERSION } from './model';
import type { Db } from '../../db/client';
import { avatarScans, type AvatarScanRow } from './schema';

/** A result to store. */
export type AvatarScanResult = Omit<AvatarScanRow, 'scannedAt'> & { scannedAt?: number };

/**
 * Scan results by avatar hash. Deliberately not guild-scoped: a row describes a public
 * image (the same hash is the same picture in every guild) and carries no guild data.
 */
export class AvatarScans {
  constructor(private readonly db: Db) {}

  /** Which of `avatarHashes` this model has a result for (one read). */
  async scoredByThisModel(avatarHashes: readonly string[]): Promise<Set<string>> {
    if (avatarHashes.length === 0) return new Set();
    const rows = await this.db
      .select({ avatarHash: avatarScans.avatarHash })
      .from(avatarScans)
      .where(and(inArray(avatarScans.avatarHash, [...avatarHashes]), eq(avatarScans.modelVersion, MODEL_VERSION)));
    return new Set(rows.map((r) => r.avatarHash));
  }

  /** The stored result for `avatarHash`, or null. */
  async get(avatarHash: string): Promise<AvatarScanRow | null> {
    const [row] = await this.db.select().from(avatarScans).where(eq(avatarScans.avatarHash, avatarHash));
    return row ?? null;
  }

  /**
   * Stores a result, replacing an older one for the same hash. Concurrent scans of one hash
   * settle in the database: the newer `scanned_at` wins, so a slow redelivery cannot
   * overwrite a fresher result.
   */
  async record(result: AvatarScanResult): Promise<AvatarScanRow> {
    const row = { ...result, scannedAt: result.scannedAt ?? Date.now() };
    const { avatarHash: _key, ...update } = row;
    const [stored] = await this.db
      .insert(avatarScans)
      .values(row)
      .onConflictDoUpdate({
        target: avatarScans.avatarHash,
        set: update,
        setWhere: sql`${avatarScans.scannedAt} <= excluded.scanned_at`,
      })
      .returning();
    return stored ?? (await this.get(row.avatarHash))!;
  }

  /**
   * Records that scanning `avatarHash` was given up on. A usable result of the current
   * model (from an earlier scan) is kept: a failed re-scan does not erase what we know.
   */
  async recordFailure(avatarHash: string, userId: string, error: string): Promise<AvatarScanRow> {
    const row = { avatarHash, userId, status: 'failed' as const, probabilities: null, risk: null, modelVersion: MODEL_VERSION, error, scannedAt: Date.now() };
    const { avatarHash: _key, ...update } = row;
    await this.db
      .insert(avatarScans)
      .values(row)
      .onConflictDoUpdate({
        target: avatarScans.avatarHash,
        set: update,
        setWhere: sql`${avatarScans.status} <> 'ok' or ${avatarScans.modelVersion} <> ${MODEL_VERSION}`,
      });
    return (await this.get(avatarHash))!;
  }
}
