/**
 * Issue 10's "done when": a burst of gateway messages of 2,000 CJK characters each (≈ 6 KB of
 * UTF-8 apiece) flows from the fake gateway through the relay, the real local queue (Miniflare
 * enforces Queues' byte limits) and the consumer into the event lake with none lost and none
 * stuck (outbox empty, nothing quarantined, every row done). Prints the figures.
 *
 * `npm test` sends 1,000 (≈ 15 s alone): at 5,000 (≈ 1 minute alone, 0 lost, 0 stuck) the
 * run takes minutes beside the rest of the suite on a shared machine. Set `COUNT` to 5_000 to
 * run the full burst here; the bench's `gateway pipeline` scenario sends 5,000 end to end.
 */
import { env } from 'cloudflare:test';
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gatewayEvents } from '../../core/gateway/schema';
import { getDb } from '../../db/client';
import { FakeGateway } from '../../testing/fake-gateway/client';
import { snowflake } from '../../testing/snowflake';
import { DEFAULT_INTENTS, type GatewayRelay } from './relay';

const COUNT = 1_000;
const CJK = '今日は皆さん、ゲートウェイのテストです。'.repeat(100);

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
  vi.restoreAllMocks();
});

describe('gateway relay: a CJK burst', () => {
  it('reaches the lake through the real queue: 0 lost, 0 stuck', { timeout: 420_000 }, async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const gw = await FakeGateway.create(env.TEST_FAKE_GATEWAY_URL, { heartbeatIntervalMs: 60_000, missedHeartbeatFactor: 0 });
    const relay = env.GATEWAY.get(env.GATEWAY.idFromName(`burst-${Date.now()}`)) as DurableObjectStub<GatewayRelay>;
    cleanup = [() => relay.stop('test over'), () => gw.dispose()];
    await relay.ensure({ shard: [0, 1], url: gw.url, intents: DEFAULT_INTENTS });
    await gw.waitFor((log) => log.session?.live === true, { what: 'READY' });

    const guildId = snowflake();
    const channelId = snowflake();
    const author = { id: snowflake(), username: 'a', discriminator: '0', global_name: null, avatar: null };
    const ids = Array.from({ length: COUNT }, () => snowflake());
    const started = Date.now();
    for (let i = 0; i < COUNT; i += 500) {
      await gw.dispatchMany(
        ids.slice(i, i + 500).map((id) => ({
          t: 'MESSAGE_CREATE',
          d: { id, channel_id: channelId, guild_id: guildId, content: CJK, author, attachments: [], mentions: [], mention_roles: [], embeds: [], timestamp: new Date().toISOString() },
        })),
      );
    }

    const db = getDb(env);
    const count = async () => {
      const [row] = await db
        .select({ stored: sql`count(*)`.mapWith(Number), done: sql`coalesce(sum(${gatewayEvents.status} = 'done'), 0)`.mapWith(Number) })
        .from(gatewayEvents)
        .where(and(eq(gatewayEvents.guildId, guildId), gte(gatewayEvents.sourceId, ids[0]!), lte(gatewayEvents.sourceId, ids.at(-1)!)));
      return row!;
    };
    let lake = await count();
    // ~1 minute on an idle machine; generous for a shared one.
    const deadline = started + 360_000;
    while (lake.done < COUNT && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      lake = await count();
    }
    const status = await relay.status();
    console.log(
      JSON.stringify({ burst: COUNT, bytesPerMessage: new TextEncoder().encode(CJK).byteLength, seconds: (Date.now() - started) / 1000, stored: lake.stored, done: lake.done, lost: COUNT - lake.stored, stuck: status.pendingEvents + status.quarantined, queueMessages: status.queueMessages, eventsForwarded: status.eventsForwarded }),
    );
    expect(lake).toEqual({ stored: COUNT, done: COUNT });
    expect(status).toMatchObject({ eventsForwarded: COUNT, pendingEvents: 0, quarantined: 0 });
    // Packed by bytes: about ten 6 KB events per 64 KB message, not 25.
    expect(status.queueMessages).toBeGreaterThan(COUNT / 25);
  });
});
