/**
 * Per-user cooldowns stored in the database (they survive isolates). Taking a cooldown is
 * one conditional upsert, so two simultaneous uses cannot both pass.
 */
import { and, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { cooldowns } from './schema';

/**
 * Takes the cooldown `key` for a user for `seconds`. Returns 0 when taken, or the
 * milliseconds left when the user is still cooling down.
 */
export async function takeCooldown(db: Db, guildId: string, userId: string, key: string, seconds: number, now = Date.now()): Promise<number> {
  const until = now + seconds * 1000;
  const taken = await db
    .insert(cooldowns)
    .values({ guildId, userId, key, until })
    .onConflictDoUpdate({
      target: [cooldowns.guildId, cooldowns.userId, cooldowns.key],
      set: { until: sql`excluded.until` },
      setWhere: lte(cooldowns.until, now),
    })
    .returning({ until: cooldowns.until });
  if (taken.length > 0) return 0;
  const [row] = await db
    .select({ until: cooldowns.until })
    .from(cooldowns)
    .where(and(eq(cooldowns.guildId, guildId), eq(cooldowns.userId, userId), eq(cooldowns.key, key)));
  return Math.max(1, (row?.until ?? now) - now);
}
