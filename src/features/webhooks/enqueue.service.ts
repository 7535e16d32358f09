/**
 * From an event to deliveries (the intent): for each enabled subscription of the guild that
 * takes the event's type, one delivery row keyed (subscription, type, event key) is inserted
 * (insert-or-ignore: a repeated event writes nothing and sends nothing), then one small queue
 * message per new row (its id only; never the secret or the body). A row whose message was
 * never sent (the isolate died in between) is resent by the requeue cron.
 */
import { eq, and } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import type { InternalEvent } from '../../core/internal-events';
import type { Db } from '../../db/client';
import { webhookDeliveries, webhookSubscriptions } from './schema';

/** A webhook delivery's queue message. */
export interface WebhookMessage {
  /** The delivery id. */
  d: string;
}

/** The JSON body every delivery sends (docs/api.md, "Webhook payloads"). */
export interface WebhookBody {
  /** The delivery id (also `X-Gatehouse-Delivery`). */
  id: string;
  type: string;
  guildId: string;
  /** ISO 8601. */
  occurredAt: string;
  /** The event's stable key: the same event always has the same key. */
  key: string;
  data: Record<string, unknown>;
}

/** What a delivery is made from. */
export type WebhookEvent = Pick<InternalEvent, 'type' | 'guildId' | 'userId' | 'key' | 'occurredAt' | 'payload'> | { type: 'test'; guildId: string; userId: string | null; key: string; occurredAt: number; payload: Record<string, unknown> };

/** A fresh delivery id. */
export function newDeliveryId(): string {
  return `whd_${crypto.randomUUID().replace(/-/g, '')}`;
}

/** The body of one delivery. */
export function deliveryBody(id: string, event: WebhookEvent): string {
  const body: WebhookBody = {
    id,
    type: event.type,
    guildId: event.guildId,
    occurredAt: new Date(event.occurredAt).toISOString(),
    key: event.key,
    data: { ...(event.userId ? { userId: event.userId } : {}), ...event.payload },
  };
  return JSON.stringify(body);
}

// Per isolate, briefly: which enabled subscriptions a guild has, so the events of a guild
// without webhooks (nearly all) cost one query per 15 s instead of one each. A change through
// the API in this isolate drops the entry; elsewhere it is seen within the TTL, and the
// consumer checks the subscription again before sending.
const SUBSCRIPTIONS_TTL_MS = 15_000;
const cache = new Map<string, { at: number; subs: { id: string; events: string[] }[] }>();

/** Forgets the cached subscriptions of `guildId` (after a change through the API). */
export function forgetSubscriptions(guildId: string): void {
  cache.delete(guildId);
}

async function enabledSubscriptions(db: Db, guildId: string, now: number): Promise<{ id: string; events: string[] }[]> {
  const hit = cache.get(guildId);
  if (hit && now - hit.at < SUBSCRIPTIONS_TTL_MS) return hit.subs;
  const subs = await db
    .select({ id: webhookSubscriptions.id, events: webhookSubscriptions.events })
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.guildId, guildId), eq(webhookSubscriptions.enabled, true)));
  if (cache.size > 5000) cache.clear();
  cache.set(guildId, { at: now, subs });
  return subs;
}

/** Writes the rows of new deliveries and sends their messages; returns the ids sent. */
export async function writeAndSend(ctx: Pick<BaseContext, 'db' | 'env'>, rows: (typeof webhookDeliveries.$inferInsert)[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await ctx.db.insert(webhookDeliveries).values(rows).onConflictDoNothing().returning({ id: webhookDeliveries.id });
  if (inserted.length === 0) return [];
  await ctx.env.WEBHOOKS.sendBatch(inserted.map((r) => ({ body: { d: r.id } satisfies WebhookMessage, contentType: 'json' as const })));
  return inserted.map((r) => r.id);
}

/** The delivery row of `event` for one subscription. */
export function deliveryRow(subscriptionId: string, event: WebhookEvent, now: number): typeof webhookDeliveries.$inferInsert {
  const id = newDeliveryId();
  return { id, guildId: event.guildId, subscriptionId, eventType: event.type, eventKey: event.key, body: deliveryBody(id, event), status: 'pending', attempts: 0, nextAt: now, leaseUntil: 0, createdAt: now, updatedAt: now };
}

/** Deliveries of one event to every subscription that takes it; the number of new ones. */
export async function enqueueEvent(ctx: Pick<BaseContext, 'db' | 'env'>, event: WebhookEvent): Promise<number> {
  const now = Date.now();
  const subs = (await enabledSubscriptions(ctx.db, event.guildId, now)).filter((s) => s.events.includes(event.type));
  if (subs.length === 0) return 0;
  return (await writeAndSend(ctx, subs.map((s) => deliveryRow(s.id, event, now)))).length;
}
