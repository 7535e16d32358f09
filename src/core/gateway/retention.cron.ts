import { inArray, lt } from 'drizzle-orm';
import { defineCron } from '../define';
import type { Db } from '../../db/client';
import { gatewayEvents } from './schema';

/** Days the event lake keeps events when `EVENT_RETENTION_DAYS` is not set. */
export const DEFAULT_RETENTION_DAYS = 7;

/** The retention window from `EVENT_RETENTION_DAYS`. */
export function retentionDays(env: Pick<Env, 'EVENT_RETENTION_DAYS'>): number {
  const n = Number(env.EVENT_RETENTION_DAYS);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_RETENTION_DAYS;
}

/**
 * Deletes event-lake rows that occurred before `before` (ms), `batchSize` at a time so no
 * statement holds the database long; stops after `maxBatches` (the next run continues).
 * The lake is bot-wide data, so this one query is not guild-scoped.
 */
export async function pruneEventLake(db: Db, before: number, { batchSize = 1000, maxBatches = 50 } = {}): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const oldest = db.select({ id: gatewayEvents.id }).from(gatewayEvents).where(lt(gatewayEvents.occurredAt, before)).limit(batchSize);
    const rows = await db.delete(gatewayEvents).where(inArray(gatewayEvents.id, oldest)).returning({ id: gatewayEvents.id });
    deleted += rows.length;
    if (rows.length < batchSize) break;
  }
  return deleted;
}

/** Hourly: drops event-lake rows older than the retention window. */
export const eventRetentionCron = defineCron({
  name: 'event-retention',
  schedule: '0 * * * *',
  handler: async (ctx) => {
    const before = ctx.scheduledTime - retentionDays(ctx.env) * 86_400_000;
    const deleted = await pruneEventLake(ctx.db, before);
    if (deleted > 0) console.log(JSON.stringify({ msg: 'event lake pruned', deleted, before }));
  },
});
