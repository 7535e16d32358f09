import { createMessageBatch, getQueueResult } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker, { registry } from '../../workers/bot/index';
import { getDb } from '../db/client';
import { gatewayEvents } from './gateway/schema';
import { fakeDiscord } from '../testing/harness';
import { meterD1, metered } from '../testing/metered';
import { snowflake } from '../testing/snowflake';
import { eventCost } from './events';
import { GuildConfig } from './guild-config.repo';
import { memberJoinEvent } from '../testing/gateway-events';

const BUDGET = 40;

/** A queue binding that records what is sent (a stand-in for Cloudflare's queue, not for our code). */
function recordingQueue() {
  const sent: { body: unknown; delaySeconds?: number }[] = [];
  const queue = {
    send: async (body: unknown, opts?: QueueSendOptions) => void sent.push({ body, delaySeconds: opts?.delaySeconds }),
    sendBatch: async (msgs: Iterable<MessageSendRequest>) => void [...msgs].forEach((m) => sent.push({ body: m.body })),
  } as unknown as Queue;
  return { sent, queue };
}

const joinEvent = (guildId: string, userId: string) => memberJoinEvent(guildId, userId);

afterEach(() => vi.restoreAllMocks());

describe('EVENTS consumer within the subrequest budget', () => {
  it('with more member joins than fit, hands the rest back unclaimed; each batch stays within budget and every join is welcomed once', async () => {
    const events = recordingQueue();
    const { fake, env } = await fakeDiscord({ EVENTS: events.queue, SUBREQUEST_BUDGET: String(BUDGET) });
    const g = await fake.seedGuild({ channels: [{ name: 'welcome' }] });
    await new GuildConfig(getDb(env), g.guildId).setChannel(g.ownerId, 'welcome', g.channels.welcome!);
    const joins = Array.from({ length: 30 }, () => joinEvent(g.guildId, snowflake()));
    expect(eventCost(registry, joins[0]!) * 3).toBeGreaterThan(BUDGET); // far fewer than 30 fit one batch
    const meter = meterD1(env);
    vi.spyOn(console, 'log').mockImplementation(() => {});

    // Two messages of 15 joins each; what a batch hands back is delivered as the next batch.
    let bodies: unknown[] = [{ events: joins.slice(0, 15) }, { events: joins.slice(15) }];
    const perBatch: { total: number; handedBack: number; delays: (number | undefined)[] }[] = [];
    const posts: string[] = [];
    while (bodies.length > 0 && perBatch.length < 40) {
      events.sent.length = 0;
      const batch = createMessageBatch<unknown>(
        'gatehouse-events',
        bodies.map((body, i) => ({ id: `b${perBatch.length}-${i}`, timestamp: new Date(), attempts: 1, body })),
      );
      let ctxUsed: ExecutionContext | undefined;
      const cost = await metered(meter, fake, (e, ctx) => ((ctxUsed = ctx), worker.queue(batch, e, ctx)));
      const result = await getQueueResult(batch, ctxUsed!);
      // Everything is acked: what did not fit went back as a new message, so no delivery is spent.
      expect(result.explicitAcks).toHaveLength(bodies.length);
      expect(result.retryMessages).toHaveLength(0);
      const handedBack = events.sent.flatMap((s) => (s.body as { events: unknown[] }).events).length;
      perBatch.push({ total: cost.total + events.sent.length, handedBack, delays: events.sent.map((s) => s.delaySeconds) });
      posts.push(...cost.calls.filter((c) => c.method === 'POST' && c.route === '/channels/{channel_id}/messages').map((c) => (c.body as { content: string }).content));
      bodies = events.sent.map((s) => s.body);
    }
    console.info(
      `events, 30 member joins at budget ${BUDGET}: ${perBatch.length} batches; per batch (subrequests, joins handed back): ${perBatch.map((b) => `${b.total} (${b.handedBack})`).join(', ')}`,
    );

    expect(perBatch.length).toBeGreaterThan(1);
    expect(bodies).toHaveLength(0);
    for (const b of perBatch) expect(b.total).toBeLessThanOrEqual(BUDGET);
    expect(perBatch[0]!.delays.every((d) => d !== undefined && d <= 2)).toBe(true);
    // Every join welcomed exactly once.
    expect(posts).toHaveLength(30);
    for (const join of joins) expect(posts.filter((p) => p.includes(`<@${(join.payload as { user: { id: string } }).user.id}>`))).toHaveLength(1);
    // Handed-back events were never claimed: one attempt each, on the delivery that ran them.
    const rows = await getDb(env).select().from(gatewayEvents).where(eq(gatewayEvents.guildId, g.guildId));
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
    await fake.assertNoViolations();
  }, 60_000);
});
