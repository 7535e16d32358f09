import { defineCron } from '../../../core/define';
import { stuckDeliveries, touchStatement } from '../deliveries.repo';
import type { WebhookMessage } from '../enqueue.service';

/** A pending delivery this long past due, and not leased, lost its queue message. */
export const STUCK_GRACE_MS = 120_000;

/**
 * Every minute: resends the queue message of deliveries written but never sent (the isolate
 * died between the row and the send), whose message the queue gave up on, or whose consumer
 * vanished mid-attempt (its lease ran out). Repeats are harmless: the consumer's claim lets
 * one message through per attempt.
 */
export const requeueDeliveriesCron = defineCron({
  name: 'webhooks.requeue',
  schedule: '* * * * *',
  handler: async (ctx) => {
    // The select, one queue send and one update.
    if (ctx.budget.fit(0, 1, 3) === 0) return { claimed: 0, done: 0, left: 0 };
    const now = Date.now();
    const rows = await stuckDeliveries(ctx.db, now, STUCK_GRACE_MS, 100);
    if (rows.length === 0) return { claimed: 0, done: 0, left: 0 };
    ctx.budget.count(1);
    await ctx.env.WEBHOOKS.sendBatch(rows.map((r) => ({ body: { d: r.id } satisfies WebhookMessage, contentType: 'json' as const })));
    await ctx.db.batch([touchStatement(ctx.db, rows.map((r) => r.id), now)]);
    return { claimed: rows.length, done: rows.length, left: 0 };
  },
});
