/**
 * Issue 17 (outgoing webhooks): deliveries per second through the WEBHOOKS queue consumer.
 * Delivery rows are seeded for one subscription whose target is a loopback receiver in this
 * process answering 200 at once; their ids are handed to the web Worker's `queue()` handler
 * (it consumes WEBHOOKS since the split, workers/web/index.ts; `serveBot` serves it with
 * `WEBHOOKS_SECRET` = `MASTER` and `WEBHOOKS_LOCAL`, so the loopback target is allowed) in
 * batches of 10 (the consumer's `max_batch_size`), several batches in flight. Each delivery
 * is the full path: claim (conditional UPDATE), subscription read, secret unsealed, HMAC
 * signature, POST, settle batch. Reported: deliveries/s, workerd CPU per delivery, and that
 * every row ended `delivered` (the bot and web Workers share one workerd process, whose CPU
 * is what is counted).
 */
import { sealSecret } from '../../src/features/webhooks/signing';
import { startWebhookReceiver } from '../../src/testing/webhook-receiver';
import { BENCH_WEBHOOKS_SECRET } from '../lib/workers';
import { defineScenario, expectThat, type CustomResult } from '../scenario';

/** The `WEBHOOKS_SECRET` both Workers are served with. */
const MASTER = BENCH_WEBHOOKS_SECRET;
const GUILD = '1500000000000000001';

export default defineScenario({
  name: 'webhook deliveries',
  description: 'WEBHOOKS queue consumer: signed deliveries per second to a loopback receiver',
  async run(ctx): Promise<CustomResult> {
    const quick = ctx.options.rounds < 2;
    const total = quick ? 500 : 2000;
    const inFlights = quick ? [4] : [1, 4, 8];
    const { db } = ctx.bot;
    const receiver = await startWebhookReceiver();
    // The WEBHOOKS consumer is the web Worker's (workers/web/wrangler.toml), not the bot's.
    if (!ctx.bot.web) throw new Error('the web Worker is not served (bench/run.ts builds it): it consumes the webhook deliveries');
    const worker = await ctx.bot.mf.getWorker('web');
    const rows: Record<string, string | number>[] = [];
    try {
      for (const inFlight of inFlights) {
        const sub = `wh_${String(inFlight).padStart(16, '0')}`;
        const now = Date.now();
        await db
          .prepare('INSERT INTO webhook_subscriptions (id, guild_id, url, events, secret_sealed, secret_hint, enabled, failures, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, 0, ?, ?, ?)')
          .bind(sub, GUILD, `${receiver.url}/hooks/bench${inFlight}`, '["case_created"]', await sealSecret(MASTER, 'whsec_bench'), 'ench', '1', now, now)
          .run();
        const ids = Array.from({ length: total }, (_, i) => `whd_${inFlight.toString(16).padStart(2, '0')}${i.toString(16).padStart(30, '0')}`);
        for (let i = 0; i < ids.length; i += 100) {
          const stmt = db.prepare("INSERT INTO webhook_deliveries (id, guild_id, subscription_id, event_type, event_key, body, status, attempts, next_at, lease_until, created_at, updated_at) VALUES (?, ?, ?, 'case_created', ?, ?, 'pending', 0, ?, 0, ?, ?)");
          await db.batch(ids.slice(i, i + 100).map((id, j) => stmt.bind(id, GUILD, sub, `case:${i + j}`, JSON.stringify({ id, type: 'case_created', guildId: GUILD, occurredAt: new Date(now).toISOString(), key: `case:${i + j}`, data: { userId: '1', caseNumber: i + j } }), now, now, now)));
        }
        const batches: string[][] = [];
        for (let i = 0; i < ids.length; i += 10) batches.push(ids.slice(i, i + 10));
        let next = 0;
        const cpu0 = ctx.bot.target.cpuSeconds();
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: inFlight }, async () => {
            for (let b = next++; b < batches.length; b = next++) {
              await worker.queue('gatehouse-webhooks', batches[b]!.map((d, k) => ({ id: `${b}-${k}`, timestamp: new Date(), attempts: 1, body: { d } })));
            }
          }),
        );
        const seconds = (performance.now() - t0) / 1000;
        const cpu = ctx.bot.target.cpuSeconds() - cpu0;
        const done = (await db.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE subscription_id = ? AND status = 'delivered'").bind(sub).first<{ n: number }>())?.n ?? 0;
        expectThat(done === total, `all ${total} deliveries delivered`, { done });
        rows.push({ 'batches in flight': inFlight, deliveries: total, 'deliveries/s': Math.round(total / seconds), 'workerd CPU ms / delivery': (cpu * 1000 / total).toFixed(2), delivered: done });
      }
    } finally {
      await receiver.close();
    }
    return { kind: 'custom', name: 'webhook deliveries (issue 17)', rows, notes: ['Loopback receiver answering 200 at once; the figure is the consumer and D1, not the network.', 'One subscription; the receiver runs in the bench process (its CPU is not in the workerd figure).'] };
  },
});
