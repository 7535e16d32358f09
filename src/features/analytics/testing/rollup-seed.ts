/**
 * Seeds compacted daily rollups for dashboard tests, the browser test and the bench: `days`
 * UTC days ending yesterday with a deterministic weekly shape, and the `days` watermark at
 * today (so the queries read them from the daily table, as after a real compaction).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { analyticsChannelDays, analyticsGuildDays, analyticsWatermarks } from '../schema';

const DAY = 86_400_000;

/** Messages of day `d` (days since the epoch): a weekly wave with busy evenings. */
export function seededMessages(d: number): number {
  return 40 + ((d * 37) % 23) + (d % 7 < 5 ? 30 : 5);
}

export async function seedDailyRollups(db: Db, guildId: string, days: number, options: { now?: number; channels?: string[] } = {}): Promise<void> {
  const today = Math.floor((options.now ?? Date.now()) / DAY);
  const channels = options.channels ?? [];
  const rows = [];
  const channelRows: (typeof analyticsChannelDays.$inferInsert)[] = [];
  for (let d = today - days; d < today; d++) {
    const messages = seededMessages(d);
    const hourly: Record<string, number> = {};
    for (let h = 0; h < 24; h++) hourly[String(h)] = Math.round((messages * (h >= 17 && h <= 22 ? 3 : 1)) / 36);
    rows.push({ guildId, day: d, messages, members: 5 + (d % 9), reactions: d % 11, voiceMinutes: (d % 5) * 10, joins: d % 3, leaves: d % 4 === 0 ? 1 : 0, commands: d % 6, hourly });
    channels.forEach((channelId, i) => channelRows.push({ guildId, day: d, channelId, messages: Math.round(messages / (i + 2)), members: 3, reactions: 1, voiceMinutes: 0 }));
  }
  const stmts = [];
  for (let i = 0; i < rows.length; i += 8) stmts.push(db.insert(analyticsGuildDays).values(rows.slice(i, i + 8)).onConflictDoNothing());
  for (let i = 0; i < channelRows.length; i += 10) stmts.push(db.insert(analyticsChannelDays).values(channelRows.slice(i, i + 10)).onConflictDoNothing());
  stmts.push(
    db
      .insert(analyticsWatermarks)
      .values({ name: 'days', value: today })
      .onConflictDoUpdate({ target: analyticsWatermarks.name, set: { value: sql`max(${analyticsWatermarks.value}, ${today})` } }),
  );
  await db.batch(stmts as never);
}
