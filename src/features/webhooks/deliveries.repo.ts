/**
 * Delivery rows. `GuildDeliveries` reads and replays one guild's log; the consumer's claim and
 * settlement and the requeue cron's sweep work by delivery id across guilds (they start from a
 * queue message or the due index, never from a guild).
 */
import { and, desc, eq, lt, lte, ne, or, sql } from 'drizzle-orm';
import { inJsonList } from '../../db/bulk';
import type { Db } from '../../db/client';
import { webhookDeliveries, type WebhookDeliveryRow } from './schema';

/** How long a consumer holds a delivery it claimed (the timeout per attempt is at most 30 s). */
export const DELIVERY_LEASE_MS = 60_000;

/** A message delivered this much before its row is due is still taken (queue delays are not exact). */
const EARLY_TOLERANCE_MS = 2_000;

/** Where a page of the log continues. */
export interface DeliveryCursor {
  at: number;
  id: string;
}

/** One guild's deliveries. */
export class GuildDeliveries {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** A page of a subscription's deliveries, newest first (keyset on created_at, id). */
  async page(subscriptionId: string, options: { before?: DeliveryCursor; limit: number; status?: string }): Promise<{ rows: WebhookDeliveryRow[]; next: DeliveryCursor | null }> {
    const b = options.before;
    const rows = await this.db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.guildId, this.guildId),
          eq(webhookDeliveries.subscriptionId, subscriptionId),
          options.status ? eq(webhookDeliveries.status, options.status as WebhookDeliveryRow['status']) : undefined,
          b ? or(lt(webhookDeliveries.createdAt, b.at), and(eq(webhookDeliveries.createdAt, b.at), lt(webhookDeliveries.id, b.id))) : undefined,
        ),
      )
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(options.limit + 1);
    const more = rows.length > options.limit;
    const page = more ? rows.slice(0, options.limit) : rows;
    const last = page[page.length - 1];
    return { rows: page, next: more && last ? { at: last.createdAt, id: last.id } : null };
  }

  async get(subscriptionId: string, id: string): Promise<WebhookDeliveryRow | null> {
    const [row] = await this.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.guildId, this.guildId), eq(webhookDeliveries.subscriptionId, subscriptionId), eq(webhookDeliveries.id, id)));
    return row ?? null;
  }

  /** Makes a settled delivery due again with fresh attempts (same id and body); null when it is still pending. */
  async replay(subscriptionId: string, id: string, now: number): Promise<WebhookDeliveryRow | null> {
    const [row] = await this.db
      .update(webhookDeliveries)
      .set({ status: 'pending', attempts: 0, nextAt: now, leaseUntil: 0, lastError: null, updatedAt: now })
      .where(and(eq(webhookDeliveries.guildId, this.guildId), eq(webhookDeliveries.subscriptionId, subscriptionId), eq(webhookDeliveries.id, id), ne(webhookDeliveries.status, 'pending')))
      .returning();
    return row ?? null;
  }
}

/** Claims a due, unleased pending delivery for one attempt (counts the attempt); null when not ours to send. */
export async function claimDelivery(db: Db, id: string, now: number): Promise<WebhookDeliveryRow | null> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, leaseUntil: now + DELIVERY_LEASE_MS, updatedAt: now })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.leaseUntil, now), lte(webhookDeliveries.nextAt, now + EARLY_TOLERANCE_MS)))
    .returning();
  return row ?? null;
}

/** What one attempt found. */
export interface AttemptRecord {
  status: WebhookDeliveryRow['status'];
  responseCode: number | null;
  latencyMs: number | null;
  error: string | null;
  /** When a still-pending delivery is due again. */
  nextAt?: number;
}

/** Settles an attempt of a delivery the caller claimed (only while its lease is the caller's). */
export function settleStatement(db: Db, row: Pick<WebhookDeliveryRow, 'id' | 'leaseUntil'>, r: AttemptRecord, now: number) {
  return db
    .update(webhookDeliveries)
    .set({
      status: r.status,
      responseCode: r.responseCode,
      latencyMs: r.latencyMs,
      lastError: r.error,
      leaseUntil: 0,
      updatedAt: now,
      ...(r.nextAt !== undefined ? { nextAt: r.nextAt } : {}),
      ...(r.status === 'delivered' ? { deliveredAt: now } : {}),
    })
    .where(and(eq(webhookDeliveries.id, row.id), eq(webhookDeliveries.leaseUntil, row.leaseUntil)));
}

/** Pending deliveries due for longer than `graceMs` and not leased: their queue message was lost. */
export function stuckDeliveries(db: Db, now: number, graceMs: number, limit: number): Promise<Pick<WebhookDeliveryRow, 'id'>[]> {
  return db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAt, now - graceMs), lte(webhookDeliveries.leaseUntil, now)))
    .orderBy(webhookDeliveries.nextAt)
    .limit(limit);
}

/** Marks re-enqueued deliveries due now, so the next sweep leaves them a grace period again. */
export function touchStatement(db: Db, ids: string[], now: number) {
  return db.update(webhookDeliveries).set({ nextAt: now }).where(and(inJsonList(webhookDeliveries.id, ids), eq(webhookDeliveries.status, 'pending')));
}
