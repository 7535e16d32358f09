import { abortAllDurableObjects, createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { GatewayOpcodes } from 'discord-api-types/v10';
import { afterAll, describe, expect, it, vi } from 'vitest';
import worker from '../../../workers/bot/index';
import { FakeGateway } from '../../testing/fake-gateway/client';
import { fakeDiscord } from '../../testing/harness';
import { gatewayStatus } from './gateway.service';

async function everyMinute(env: Env) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe('gateway keep-alive cron', () => {
  let stop: (() => Promise<unknown>) | undefined;
  afterAll(async () => {
    await stop?.();
  });

  it('starts the relay from GET /gateway/bot, then keeps it connected without asking Discord again', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { fake, env } = await fakeDiscord();
    const gw = await FakeGateway.create(env.TEST_FAKE_GATEWAY_URL, { heartbeatIntervalMs: 30_000, missedHeartbeatFactor: 0 });
    await fake.setGatewayUrl(gw.url, 1);
    stop = () => env.GATEWAY.get(env.GATEWAY.idFromName('shard-0-of-1')).stop('test over');

    await everyMinute(env);
    await gw.waitFor((l) => l.session?.live === true, { what: 'READY' });
    expect(await fake.calls({ method: 'GET', route: '/gateway/bot' })).toHaveLength(1);

    // The instance dies with its socket (and before its alarm): the next tick reconnects it.
    await abortAllDurableObjects();
    await everyMinute(env);
    const log = await gw.waitFor((l) => (l.received.some((p) => p.op === GatewayOpcodes.Resume) && l.session?.live) === true, { what: 'RESUME' });
    expect(log.received.filter((p) => p.op === GatewayOpcodes.Identify)).toHaveLength(1);
    expect(await fake.calls({ method: 'GET', route: '/gateway/bot' })).toHaveLength(1);
    const status = await gatewayStatus(env);
    expect(status).toMatchObject({ ok: true, started: true, shards: [{ name: 'shard-0-of-1', connected: true }] });
    await fake.assertNoViolations();
  });
});
