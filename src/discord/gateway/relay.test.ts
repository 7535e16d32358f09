import { abortAllDurableObjects, env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { GatewayOpcodes } from 'discord-api-types/v10';
import { inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../db/client';
import { FakeGateway, type FakeGatewayOptions } from '../../testing/fake-gateway/client';
import { snowflake } from '../../testing/snowflake';
import { gatewayEmbed } from '../../features/platform/commands/gateway.command';
import { RelayCloseCodes } from './close-codes';
import { EVENTS_PER_MESSAGE, unpackEvents } from '../../core/events';
import { BATCH_BYTES, MAX_EVENT_BYTES, PACK_BYTES, QUEUE_LIMITS, packOutbox, utf8Bytes } from './outbox';
import { DEFAULT_INTENTS, type GatewayRelay } from './relay';
import { gatewayEvents } from '../../core/gateway/schema';

let counter = 0;
const gateways: FakeGateway[] = [];
const relays: DurableObjectStub<GatewayRelay>[] = [];

afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop('test over')));
  await Promise.all(gateways.splice(0).map((g) => g.dispose()));
  vi.restoreAllMocks();
});

/** A fresh fake gateway and a relay instance connected to it (READY received). */
async function started(options: FakeGatewayOptions = {}, { waitReady = true } = {}) {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const gw = await FakeGateway.create(env.TEST_FAKE_GATEWAY_URL, { heartbeatIntervalMs: 60_000, missedHeartbeatFactor: 0, ...options });
  gateways.push(gw);
  const relay = env.GATEWAY.get(env.GATEWAY.idFromName(`test-relay-${Date.now()}-${++counter}`)) as DurableObjectStub<GatewayRelay>;
  relays.push(relay);
  await relay.ensure({ shard: [0, 1], url: gw.url, intents: DEFAULT_INTENTS });
  if (waitReady) await gw.waitFor((log) => log.session !== null && log.session.live, { what: 'READY' });
  return { gw, relay };
}

/** 2,000 ordinary CJK characters (6,000 UTF-8 bytes), and emoji-heavy text (4 bytes per 2 UTF-16 units). */
const CJK = '今日は皆さん、ゲートウェイのテストです。'.repeat(100);
const EMOJI = '🎉😀👍🏽🔥'.repeat(200);

const message = (content = 'hello') => {
  const id = snowflake();
  return { id, channel_id: '1200000000000000001', guild_id: '1300000000000000001', content, author: { id: '1400000000000000001', username: 'a', discriminator: '0', global_name: null, avatar: null }, attachments: [], mentions: [], mention_roles: [], embeds: [], timestamp: new Date().toISOString() };
};

/** Waits until the relay forwarded `n` events (and holds none back). */
async function forwarded(relay: DurableObjectStub<GatewayRelay>, n: number) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const status = await relay.status();
    if (status.eventsForwarded >= n && status.pendingEvents === 0) return status;
    if (Date.now() > deadline) throw new Error(`relay forwarded ${status.eventsForwarded}/${n}: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the queue consumer stored every source id; returns how many rows each has. */
async function stored(sourceIds: string[]) {
  const deadline = Date.now() + 8000;
  for (;;) {
    const rows = await getDb(env).select({ sourceId: gatewayEvents.sourceId }).from(gatewayEvents).where(inArray(gatewayEvents.sourceId, sourceIds));
    if (rows.length >= sourceIds.length || Date.now() > deadline) return rows.map((r) => r.sourceId).sort();
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('gateway relay', () => {
  it('connects with v=10 and JSON, and identifies with the token, shard and intents', async () => {
    const { gw, relay } = await started();
    const log = await gw.log();
    expect(log.connections[0]!.query).toEqual({ v: '10', encoding: 'json' });
    const identify = log.received.filter((p) => p.op === GatewayOpcodes.Identify);
    expect(identify).toHaveLength(1);
    expect(identify[0]!.d).toEqual({
      token: env.DISCORD_BOT_TOKEN,
      intents: 38535,
      properties: { os: 'linux', browser: 'gatehouse', device: 'gatehouse' },
      shard: [0, 1],
    });
    const status = await relay.status();
    expect(status).toMatchObject({ ok: true, connected: true, state: 'connected', shard: [0, 1], lastSeq: 1, eventsForwarded: 0, stopped: null });
    expect(status.sessionAgeMs).toBeGreaterThanOrEqual(0);
  });

  it('heartbeats on schedule with the last sequence, and at once when asked (op 1)', async () => {
    const interval = 300;
    const { gw, relay } = await started({ heartbeatIntervalMs: interval, missedHeartbeatFactor: 1.5 });
    await gw.dispatch('MESSAGE_CREATE', message());
    const log = await gw.waitFor((l) => l.received.filter((p) => p.op === GatewayOpcodes.Heartbeat).length >= 4, { what: '4 heartbeats', timeoutMs: 4000 });
    const beats = log.received.filter((p) => p.op === GatewayOpcodes.Heartbeat);
    // The first comes within one interval of HELLO (jitter), then one per interval.
    expect(beats[0]!.at - log.connections[0]!.openedAt).toBeLessThanOrEqual(interval + 150);
    const gaps = beats.slice(1).map((b, i) => b.at - beats[i]!.at);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(interval - 50);
      expect(gap).toBeLessThanOrEqual(interval + 200);
    }
    expect(beats.at(-1)!.d).toBe(2);
    expect(log.connections).toHaveLength(1); // never missed one: the fake did not close
    const before = beats.length;
    await gw.requestHeartbeat();
    const after = await gw.waitFor((l) => l.received.filter((p) => p.op === GatewayOpcodes.Heartbeat).length > before, { what: 'answer to op 1', timeoutMs: 150 });
    expect(after.received.filter((p) => p.op === GatewayOpcodes.Heartbeat).length).toBeGreaterThan(before);
    expect((await relay.status()).lastAckLatencyMs).not.toBeNull();
  });

  it('resumes after a dropped connection; events dispatched during the outage arrive once', async () => {
    const { gw, relay } = await started();
    const live = [message('a'), message('b')];
    await gw.dispatchMany(live.map((d) => ({ t: 'MESSAGE_CREATE', d })));
    await forwarded(relay, 2);
    await gw.drop();
    const outage = [message('c'), message('d'), message('e')];
    await gw.dispatchMany(outage.map((d) => ({ t: 'MESSAGE_CREATE', d })));
    const log = await gw.waitFor((l) => l.received.some((p) => p.op === GatewayOpcodes.Resume) && l.session?.live === true, { what: 'RESUME' });

    const session = log.session!.id;
    expect(log.connections).toHaveLength(2);
    expect(log.connections[1]!.path).toBe(`/g/${gw.id}/resume`);
    expect(log.received.filter((p) => p.op === GatewayOpcodes.Identify)).toHaveLength(1);
    expect(log.received.find((p) => p.op === GatewayOpcodes.Resume)!.d).toEqual({ token: env.DISCORD_BOT_TOKEN, session_id: session, seq: 3 });
    const status = await forwarded(relay, 5);
    expect(status).toMatchObject({ eventsForwarded: 5, lastSeq: 7, connected: true, lastClose: { code: 1006 } });
    const ids = [...live, ...outage].map((m) => m.id);
    expect(await stored(ids)).toEqual([...ids].sort());
  });

  it('resumes after op 7 RECONNECT with the same session', async () => {
    const { gw, relay } = await started();
    await gw.dispatch('MESSAGE_CREATE', message());
    await forwarded(relay, 1);
    await gw.reconnect();
    const during = await gw.dispatch('MESSAGE_CREATE', message('during'));
    const log = await gw.waitFor((l) => l.received.some((p) => p.op === GatewayOpcodes.Resume) && l.session?.live === true, { what: 'RESUME' });
    expect(log.connections[0]).toMatchObject({ closedBy: 'client', closeCode: RelayCloseCodes.Reconnect });
    expect(log.received.find((p) => p.op === GatewayOpcodes.Resume)!.d).toMatchObject({ session_id: log.session!.id });
    expect(during).toBe(3);
    expect((await forwarded(relay, 2)).eventsForwarded).toBe(2);
  });

  it('detects a zombie connection (no ACK between two heartbeats) and resumes', async () => {
    const { gw, relay } = await started({ heartbeatIntervalMs: 200 });
    await gw.waitFor((l) => l.received.some((p) => p.op === GatewayOpcodes.Heartbeat), { what: 'first heartbeat' });
    await gw.setAcks(false);
    const log = await gw.waitFor((l) => l.received.some((p) => p.op === GatewayOpcodes.Resume) && l.session?.live === true, { what: 'RESUME', timeoutMs: 3000 });
    expect(log.connections[0]).toMatchObject({ closedBy: 'client', closeCode: RelayCloseCodes.Zombie });
    expect(log.received.filter((p) => p.op === GatewayOpcodes.Identify)).toHaveLength(1);
    expect((await relay.status()).lastClose).toMatchObject({ code: RelayCloseCodes.Zombie, meaning: expect.stringContaining('zombie') });
  });

  it('resumes after op 9 d:true and re-identifies after op 9 d:false', async () => {
    const { gw, relay } = await started();
    const first = (await gw.log()).session!.id;
    await gw.invalidSession(true);
    let log = await gw.waitFor((l) => l.received.some((p) => p.op === GatewayOpcodes.Resume) && l.session?.live === true, { what: 'RESUME' });
    expect(log.session!.id).toBe(first);

    await gw.invalidSession(false);
    // Discord asks for 1–5 s before identifying again; run that alarm now.
    await gw.waitFor((l) => l.connections.every((c) => c.closedAt !== null), { what: 'close' });
    expect(await runDurableObjectAlarm(relay)).toBe(true);
    log = await gw.waitFor((l) => l.session !== null && l.session.live, { what: 'new READY' });
    expect(log.received.filter((p) => p.op === GatewayOpcodes.Identify)).toHaveLength(2);
    expect(log.session!.id).not.toBe(first);
    expect((await relay.status()).lastSeq).toBe(1);
  });

  it('re-identifies after close 4009 (session timed out)', async () => {
    const { gw } = await started();
    const first = (await gw.log()).session!.id;
    await gw.close(4009);
    const log = await gw.waitFor((l) => l.received.filter((p) => p.op === GatewayOpcodes.Identify).length === 2 && l.session?.live === true, { what: 'IDENTIFY' });
    expect(log.session!.id).not.toBe(first);
    expect(log.received.some((p) => p.op === GatewayOpcodes.Resume)).toBe(false);
  });

  it('stops with a clear status on 4004 (bad token) and does not reconnect until forced', async () => {
    const { gw, relay } = await started({ token: 'another-token' }, { waitReady: false });
    await gw.waitFor((l) => l.connections[0]?.closeCode === 4004, { what: '4004' });
    await new Promise((r) => setTimeout(r, 300));
    const status = await relay.status();
    expect(status).toMatchObject({ ok: false, state: 'stopped', connected: false, stopped: { code: 4004 }, lastClose: { code: 4004 } });
    expect(status.stopped!.reason).toContain('token');
    expect(await runDurableObjectAlarm(relay)).toBe(false);
    await relay.ensure({ shard: [0, 1], url: gw.url, intents: DEFAULT_INTENTS });
    expect((await gw.log()).connections).toHaveLength(1);
    await relay.ensure({ shard: [0, 1], url: gw.url, intents: DEFAULT_INTENTS }, { force: true });
    expect((await gw.waitFor((l) => l.connections.length === 2, { what: 'forced reconnect' })).connections).toHaveLength(2);
  });

  it('stops on 4014 and says which intents to enable', async () => {
    const { gw, relay } = await started({ privilegedIntents: 0 }, { waitReady: false });
    await gw.waitFor((l) => l.connections[0]?.closeCode === 4014, { what: '4014' });
    await new Promise((r) => setTimeout(r, 200));
    const status = await relay.status();
    expect(status).toMatchObject({ ok: false, state: 'stopped', stopped: { code: 4014 } });
    expect(status.stopped!.reason).toMatch(/Developer Portal/);
    expect((await gw.log()).connections).toHaveLength(1);
  });

  it('survives eviction: the alarm reconnects and resumes the stored session', async () => {
    const { gw, relay } = await started();
    await gw.dispatch('MESSAGE_CREATE', message());
    await forwarded(relay, 1);
    // evictDurableObject waits for in-flight work, which an open socket never finishes:
    // abort the instance instead (in-memory state and socket gone, storage and alarm kept).
    await abortAllDurableObjects();
    const revived = env.GATEWAY.get(relay.id) as DurableObjectStub<GatewayRelay>;
    relays.splice(0, relays.length, revived);
    expect(await runDurableObjectAlarm(revived)).toBe(true);
    const log = await gw.waitFor((l) => l.received.some((p) => p.op === GatewayOpcodes.Resume) && l.session?.live === true, { what: 'RESUME after eviction' });
    expect(log.received.find((p) => p.op === GatewayOpcodes.Resume)!.d).toMatchObject({ session_id: log.session!.id, seq: 2 });
  });

  it('an instance that dies before storing the dispatches it received resumes from the last stored sequence, and every event arrives once', async () => {
    const { gw, relay } = await started();
    const first = message('first');
    await gw.dispatch('MESSAGE_CREATE', first);
    await forwarded(relay, 1);
    // Dispatches are stored a few milliseconds after they arrive, together: die right away.
    const burst = Array.from({ length: 10 }, (_, i) => message(`m${i}`));
    await gw.dispatchMany(burst.map((d) => ({ t: 'MESSAGE_CREATE', d })));
    await abortAllDurableObjects();
    const revived = env.GATEWAY.get(relay.id) as DurableObjectStub<GatewayRelay>;
    relays.splice(0, relays.length, revived);
    expect(await runDurableObjectAlarm(revived)).toBe(true);
    const log = await gw.waitFor((l) => l.received.some((p) => p.op === GatewayOpcodes.Resume) && l.session?.live === true, { what: 'RESUME after the crash' });
    // READY is 1, the first message 2, the burst 3–12: the resume names what was stored.
    const { seq } = log.received.find((p) => p.op === GatewayOpcodes.Resume)!.d as { seq: number };
    expect(seq).toBeGreaterThanOrEqual(2);
    expect(seq).toBeLessThanOrEqual(12);
    const ids = [first, ...burst].map((m) => m.id);
    expect(await stored(ids)).toEqual([...ids].sort());
  });

  it('stores an event and its sequence together before queueing it', async () => {
    const { gw, relay } = await started();
    const member = { guild_id: '1300000000000000001', user: { id: snowflake(), username: 'n', discriminator: '0', global_name: null, avatar: null }, roles: [], joined_at: '2026-11-22T00:00:00.000Z', deaf: false, mute: false, flags: 0 };
    await gw.dispatch('GUILD_MEMBER_ADD', member);
    await gw.dispatch('TYPING_START', { channel_id: '1' }); // not forwarded, but acknowledged
    await forwarded(relay, 1);
    await runInDurableObject(relay, async (_instance, state) => {
      expect(state.storage.kv.get('seq')).toBe(3);
      expect(state.storage.sql.exec('SELECT count(*) AS n FROM outbox').one().n).toBe(0);
    });
    expect(await stored([`${member.guild_id}:${member.user.id}:${member.joined_at}`])).toHaveLength(1);
  });

  it('sends events an earlier instance stored but never queued', async () => {
    const { relay } = await started();
    const id = snowflake();
    await runInDurableObject(relay, async (_instance, state) => {
      // As if the instance died between storing the event and sending it.
      state.storage.sql.exec('INSERT INTO outbox (body) VALUES (?)', JSON.stringify({ type: 'MESSAGE_CREATE', sourceId: id, guildId: null, payload: { ...message(), id, guild_id: undefined } }));
    });
    await abortAllDurableObjects();
    const revived = env.GATEWAY.get(relay.id) as DurableObjectStub<GatewayRelay>;
    relays.splice(0, relays.length, revived);
    await runDurableObjectAlarm(revived);
    expect((await forwarded(revived, 1)).pendingEvents).toBe(0);
    expect(await stored([id])).toEqual([id]);
  });

  it('queues a burst in packs, and every event of it reaches the lake once', async () => {
    const { gw, relay } = await started();
    // 90: the lake lookup below binds one parameter per id (D1 allows 100).
    const burst = Array.from({ length: 90 }, () => message('burst'));
    await gw.dispatchMany(burst.map((d) => ({ t: 'MESSAGE_CREATE', d })));
    const status = await forwarded(relay, burst.length);
    // Packed: far fewer queue messages than events (one per event without packing).
    expect(status.queueMessages).toBeLessThan(burst.length / 2);
    const ids = burst.map((m) => m.id).sort();
    expect(await stored(ids)).toEqual(ids);
  });
});

/** Waits until the consumer stored every source id (any number of them); returns how many it found. */
async function storedCount(sourceIds: string[], timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let found = 0;
    for (let i = 0; i < sourceIds.length; i += 90) {
      const rows = await getDb(env).select({ sourceId: gatewayEvents.sourceId }).from(gatewayEvents).where(inArray(gatewayEvents.sourceId, sourceIds.slice(i, i + 90)));
      found += rows.length;
    }
    if (found >= sourceIds.length || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the relay forwarded `n` events and holds none back (or `timeoutMs` passed). */
async function drained(relay: DurableObjectStub<GatewayRelay>, n: number, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await relay.status();
    if ((status.eventsForwarded >= n && status.pendingEvents === 0) || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('gateway relay: sizes in bytes, through the real queue', () => {
  it('a burst of CJK and emoji-heavy messages reaches the lake, none stuck', { timeout: 30_000 }, async () => {
    const { gw, relay } = await started();
    // 60 CJK messages alone made a 154 KB pack and a 370 KB batch when packs were sized in characters.
    const burst = [...Array.from({ length: 150 }, () => message(CJK)), ...Array.from({ length: 60 }, () => message(EMOJI))];
    await gw.dispatchMany(burst.map((d) => ({ t: 'MESSAGE_CREATE', d })));
    const status = await drained(relay, burst.length);
    expect(status).toMatchObject({ eventsForwarded: burst.length, pendingEvents: 0, quarantined: 0 });
    expect(await storedCount(burst.map((m) => m.id))).toBe(burst.length);
  });

  it('quarantines a stored row no queue message can hold, and the events behind it flow', { timeout: 30_000 }, async () => {
    const { gw, relay } = await started();
    const huge = snowflake();
    const body = JSON.stringify({ type: 'MESSAGE_CREATE', sourceId: huge, guildId: null, payload: { ...message(CJK.repeat(25)), id: huge } });
    await runInDurableObject(relay, async (_instance, state) => {
      // As stored before rows were sized in bytes: 50,000 characters, 150 KB.
      state.storage.sql.exec('INSERT INTO outbox (body) VALUES (?)', body);
    });
    const behind = Array.from({ length: 30 }, () => message(CJK));
    await gw.dispatchMany(behind.map((d) => ({ t: 'MESSAGE_CREATE', d })));
    const status = await drained(relay, behind.length);
    expect(status).toMatchObject({ eventsForwarded: behind.length, pendingEvents: 0, quarantined: 1 });
    expect(status.quarantine).toEqual([{ id: expect.any(Number), sourceId: huge, type: 'MESSAGE_CREATE', bytes: utf8Bytes(body), reason: 'larger than a queue message', at: expect.any(Number) }]);
    expect(await storedCount(behind.map((m) => m.id))).toBe(behind.length);
    // `/gateway status` shows it.
    expect(gatewayEmbed({ ok: true, started: true, shards: [status] }).description).toContain(`1 event quarantined`);
    expect(gatewayEmbed({ ok: true, started: true, shards: [status] }).description).toContain(`\`${huge}\` MESSAGE_CREATE, ${(utf8Bytes(body) / 1000).toFixed(1)} KB`);
    // Kept whole for the operator, and never sent.
    await runInDurableObject(relay, async (_instance, state) => {
      expect(state.storage.sql.exec<{ body: string }>('SELECT body FROM quarantine').one().body).toBe(body);
    });
    expect(await storedCount([huge], 500)).toBe(0);
  });

  it('when the queue refuses a send as too large after all, finds the row it refuses alone and quarantines only that one', { timeout: 30_000 }, async () => {
    const { gw, relay } = await started();
    const refused = message('refuse me');
    // A stand-in for Cloudflare's queue that counts stricter than the relay does: it refuses
    // any send holding the marked event (as Queues answers an oversized message), else delivers.
    await runInDurableObject(relay, async (instance) => {
      const real = (instance as unknown as { env: Env }).env.EVENTS;
      const strict = {
        send: real.send.bind(real),
        sendBatch: async (messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) => {
          const list = [...messages];
          if (list.some((m) => String(m.body).includes('refuse me'))) throw new Error('message in batch has length 130000 bytes which exceeds single message size limit of 128000 (10204)');
          return real.sendBatch(list, options);
        },
      } as unknown as Queue;
      (instance as unknown as { env: Env }).env = { ...(instance as unknown as { env: Env }).env, EVENTS: strict };
    });
    const before = Array.from({ length: 10 }, () => message('before'));
    const after = Array.from({ length: 10 }, () => message('after'));
    await gw.dispatchMany([...before, refused, ...after].map((d) => ({ t: 'MESSAGE_CREATE', d })));
    const status = await drained(relay, before.length + after.length);
    expect(status).toMatchObject({ eventsForwarded: 20, pendingEvents: 0, quarantined: 1, quarantine: [{ sourceId: refused.id, type: 'MESSAGE_CREATE', reason: expect.stringContaining('refused by the queue') }] });
    expect(await storedCount([...before, ...after].map((m) => m.id))).toBe(20);
  });
});

describe('packOutbox', () => {
  const row = (id: number, bytes = 100) => ({ id, body: JSON.stringify({ type: 'MESSAGE_CREATE', sourceId: String(id), guildId: null, payload: { pad: 'x'.repeat(bytes) } }) });

  it('packs up to EVENTS_PER_MESSAGE events per message, as JSON the consumer reads back in order', () => {
    const rows = Array.from({ length: EVENTS_PER_MESSAGE * 2 + 3 }, (_, i) => row(i + 1));
    const { messages, events, lastId } = packOutbox(rows);
    expect(messages).toHaveLength(3);
    expect(events).toBe(rows.length);
    expect(lastId).toBe(rows.length);
    // Read back with the consumer's own unpacking: the two ends agree on the wire format.
    const unpacked = messages.map((m) => unpackEvents(m));
    expect(unpacked.every((u) => u.invalid.length === 0)).toBe(true);
    expect(unpacked.map((u) => u.events.length)).toEqual([EVENTS_PER_MESSAGE, EVENTS_PER_MESSAGE, 3]);
    expect(unpacked.flatMap((u) => u.events).map((e) => Number(e.sourceId))).toEqual(rows.map((r) => r.id));
  });

  /** What Queues counts for a send: UTF-8 bodies plus each message's metadata. */
  const sendBytes = (messages: string[]) => messages.reduce((n, m) => n + utf8Bytes(m) + QUEUE_LIMITS.metadataBytes, 0);

  it('keeps each message under 64 KB unless one event is bigger, and a send under the batch limits', () => {
    const big = packOutbox([row(1, 30_000), row(2, 30_000), row(3, 90_000), row(4, 10)]);
    expect(big.messages.map((m) => unpackEvents(m).events.length)).toEqual([2, 1, 1]);
    expect(Math.max(...big.messages.map(utf8Bytes))).toBeLessThan(QUEUE_LIMITS.messageBytes - QUEUE_LIMITS.metadataBytes);

    // 300 KB of events: the first send stops under the 256 KB batch limit; the rest waits.
    const many = packOutbox(Array.from({ length: 100 }, (_, i) => row(i + 1, 3_000)));
    expect(sendBytes(many.messages)).toBeLessThanOrEqual(BATCH_BYTES);
    expect(many.bytes).toBe(sendBytes(many.messages));
    expect(many.events).toBeLessThan(100);
    expect(many.lastId).toBe(many.events);
    // 3,000 tiny events: at most 100 messages per send.
    const tiny = packOutbox(Array.from({ length: 3_000 }, (_, i) => ({ id: i + 1, body: '{}' })));
    expect(tiny.messages).toHaveLength(100);
    expect(tiny.events).toBe(100 * EVENTS_PER_MESSAGE);
  });

  it('sizes in UTF-8 bytes: 2,000-character CJK and emoji messages stay under both queue limits with headroom', () => {
    const cjk = (id: number) => ({ id, body: JSON.stringify({ type: 'MESSAGE_CREATE', sourceId: String(id), guildId: '1', payload: message(CJK) }) });
    const emoji = (id: number) => ({ id, body: JSON.stringify({ type: 'MESSAGE_CREATE', sourceId: String(id), guildId: '1', payload: message(EMOJI) }) });
    for (const rows of [Array.from({ length: 60 }, (_, i) => cjk(i + 1)), Array.from({ length: 60 }, (_, i) => emoji(i + 1))]) {
      // Sized in characters these were one 25-event message of 154 KB and a 370 KB send.
      expect(utf8Bytes(rows[0]!.body)).toBeGreaterThan(rows[0]!.body.length * 1.5);
      const batch = packOutbox(rows);
      expect(Math.max(...batch.messages.map(utf8Bytes))).toBeLessThanOrEqual(PACK_BYTES);
      expect(sendBytes(batch.messages)).toBeLessThanOrEqual(BATCH_BYTES);
      expect(BATCH_BYTES).toBeLessThan(QUEUE_LIMITS.batchBytes);
      expect(batch.events).toBeGreaterThan(10);
      expect(batch.messages.flatMap((m) => unpackEvents(m).events).map((e) => Number(e.sourceId))).toEqual(rows.slice(0, batch.events).map((r) => r.id));
    }
  });

  it('sets aside a row too big for any message and packs the rows around it', () => {
    const huge = { id: 2, body: JSON.stringify({ type: 'MESSAGE_CREATE', sourceId: '2', guildId: null, payload: { pad: CJK.repeat(21) } }) };
    expect(utf8Bytes(huge.body)).toBeGreaterThan(MAX_EVENT_BYTES);
    const batch = packOutbox([row(1), huge, row(3)]);
    expect(batch.oversized.map((r) => r.id)).toEqual([2]);
    expect(batch.packed).toEqual([1, 3]);
    expect(batch.lastId).toBe(3);
    expect(batch.messages.flatMap((m) => unpackEvents(m).events).map((e) => e.sourceId)).toEqual(['1', '3']);
  });
});
