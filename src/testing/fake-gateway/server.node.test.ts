import { GatewayOpcodes } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FakeGateway } from './client.ts';
import { startFakeGateway, type RunningFakeGateway } from './server.ts';

let server: RunningFakeGateway;
beforeAll(async () => {
  server = await startFakeGateway();
});
afterAll(() => server.close());

interface Frame {
  op: number;
  d: any;
  s: number | null;
  t: string | null;
}

/** A raw gateway client that queues frames and the close code. */
function connect(url: string) {
  const ws = new WebSocket(`${url}?v=10&encoding=json`);
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  let closed: number | null = null;
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Frame);
    waiters.splice(0).forEach((w) => w());
  });
  ws.on('close', (code) => {
    closed = code;
    waiters.splice(0).forEach((w) => w());
  });
  return {
    send: (op: number, d: unknown) => ws.send(JSON.stringify({ op, d })),
    async next(pred: (f: Frame) => boolean = () => true): Promise<Frame> {
      for (;;) {
        const i = frames.findIndex(pred);
        if (i >= 0) return frames.splice(i, 1)[0]!;
        if (closed !== null) throw new Error(`closed ${closed}`);
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    async closeCode(): Promise<number> {
      while (closed === null) await new Promise<void>((r) => waiters.push(r));
      return closed;
    },
    close: () => ws.close(4000),
  };
}

const identify = (token = 'test-bot-token', intents = 37379) => ({ token, intents, properties: { os: 'linux', browser: 'x', device: 'x' }, shard: [0, 1] });

describe('fake gateway', () => {
  it('says HELLO, checks IDENTIFY, sends READY, ACKs heartbeats and replays on RESUME', async () => {
    const gw = await FakeGateway.create(server.url, { heartbeatIntervalMs: 5000 });
    const a = connect(gw.url);
    expect((await a.next()).op).toBe(GatewayOpcodes.Hello);
    a.send(GatewayOpcodes.Identify, identify());
    const ready = await a.next((f) => f.t === 'READY');
    expect(ready.s).toBe(1);
    a.send(GatewayOpcodes.Heartbeat, 1);
    expect((await a.next((f) => f.op === GatewayOpcodes.HeartbeatAck)).d).toBeNull();
    await gw.dispatch('MESSAGE_CREATE', { id: '1' });
    expect((await a.next((f) => f.t === 'MESSAGE_CREATE')).s).toBe(2);
    await gw.drop();
    expect(await a.closeCode()).toBe(1006);
    expect(await gw.dispatchMany([{ t: 'MESSAGE_CREATE', d: { id: '2' } }, { t: 'MESSAGE_CREATE', d: { id: '3' } }])).toEqual([3, 4]);

    const b = connect(ready.d.resume_gateway_url);
    await b.next();
    b.send(GatewayOpcodes.Resume, { token: 'test-bot-token', session_id: ready.d.session_id, seq: 2 });
    expect((await b.next((f) => f.op === 0)).d).toEqual({ id: '2' });
    expect((await b.next((f) => f.op === 0)).d).toEqual({ id: '3' });
    expect((await b.next((f) => f.op === 0)).t).toBe('RESUMED');
    const log = await gw.log();
    expect(log.connections.map((c) => c.path)).toEqual([`/g/${gw.id}`, `/g/${gw.id}/resume`]);
    b.close();
  });

  it('closes 4004 on a bad token, 4014 on privileged intents not enabled, 4005 on double identify', async () => {
    const gw = await FakeGateway.create(server.url, { privilegedIntents: 0 });
    const a = connect(gw.url);
    await a.next();
    a.send(GatewayOpcodes.Identify, identify('wrong'));
    expect(await a.closeCode()).toBe(4004);
    const b = connect(gw.url);
    await b.next();
    b.send(GatewayOpcodes.Identify, identify());
    expect(await b.closeCode()).toBe(4014);
    const c = connect(gw.url);
    await c.next();
    c.send(GatewayOpcodes.Identify, identify('test-bot-token', 1));
    await c.next((f) => f.t === 'READY');
    c.send(GatewayOpcodes.Identify, identify('test-bot-token', 1));
    expect(await c.closeCode()).toBe(4005);
  });

  it('answers RESUME of an unknown session with op 9 false, and closes on a missed heartbeat', async () => {
    const gw = await FakeGateway.create(server.url, { heartbeatIntervalMs: 100 });
    const a = connect(gw.url);
    await a.next();
    a.send(GatewayOpcodes.Resume, { token: 'test-bot-token', session_id: 'nope', seq: 1 });
    expect(await a.next((f) => f.op === GatewayOpcodes.InvalidSession)).toMatchObject({ d: false });
    expect(await a.closeCode()).toBe(4009);
  });
});

describe('instance ids', () => {
  it('uses the id asked for (when free), so a restarted emulator keeps its gateway URL; a resume there is told the session is gone', async () => {
    const restarted = await startFakeGateway();
    try {
      const gw = await FakeGateway.create(restarted.url, { id: '0123456789abcdef', missedHeartbeatFactor: 0 });
      expect(gw.id).toBe('0123456789abcdef');
      expect(gw.url).toBe(`${restarted.url.replace(/^http/, 'ws')}/g/0123456789abcdef`);
      expect((await FakeGateway.create(restarted.url, { id: '0123456789abcdef' })).id).not.toBe('0123456789abcdef');
      const c = connect(`${gw.url}/resume`);
      await c.next((f) => f.op === GatewayOpcodes.Hello);
      c.send(GatewayOpcodes.Resume, { token: 'test-bot-token', session_id: 'from-before-the-restart', seq: 12 });
      expect(await c.next((f) => f.op === GatewayOpcodes.InvalidSession)).toMatchObject({ d: false });
    } finally {
      await restarted.close();
    }
  });
});
