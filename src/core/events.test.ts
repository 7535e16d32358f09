import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from 'cloudflare:test';
import { eq, inArray, like } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../../workers/bot/index';
import { getDb } from '../db/client';
import { gatewayEvents } from './gateway/schema';
import { memberJoinEvent } from '../testing/gateway-events';
import { fakeDiscord, testEnv } from '../testing/harness';
import { snowflake as nextSnowflake } from '../testing/snowflake';
import { defineEvent, defineFeature, defineLakeHook } from './define';
import { meterD1 } from '../testing/metered';
import { consumeEvents, type QueuedEvent } from './events';
import { lakeFacts } from './gateway/lake';
import { GuildConfig } from './guild-config.repo';
import { Registry } from './registry';

let counter = 0;
const uid = (p: string) => `${p}-${Date.now()}-${++counter}`;

/** A queue binding (EVENTS or the DLQ), recorded (a stand-in for Cloudflare's queue, not for our code). */
function recordingDlq() {
  const sent: unknown[] = [];
  const options: unknown[] = [];
  const queue = {
    send: async (body: unknown, opts?: unknown) => {
      sent.push(body);
      if (opts !== undefined) options.push(opts);
    },
    sendBatch: async (msgs: Iterable<{ body: unknown }>) => void [...msgs].forEach((m) => sent.push(m.body)),
  } as unknown as Queue;
  return { sent, options, queue };
}

async function deliver(registry: Registry, env: Env, messages: { body: QueuedEvent | unknown; attempts?: number; id?: string }[]) {
  const batch = createMessageBatch<QueuedEvent>(
    'gatehouse-events',
    messages.map((m, i) => ({ id: m.id ?? `m${i}`, timestamp: new Date(), attempts: m.attempts ?? 1, body: m.body as QueuedEvent })),
  );
  // getQueueResult does not report delays: record them from the messages themselves.
  const delays: Record<string, number | undefined> = {};
  for (const m of batch.messages) {
    const retry = m.retry.bind(m);
    m.retry = (options?: QueueRetryOptions) => {
      delays[m.id] = options?.delaySeconds;
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await consumeEvents(registry, batch, env, ctx);
  return { ...(await getQueueResult(batch, ctx)), delays };
}

/** A registry whose one join handler fails on `{ poison: true }` payloads and records the rest in `done`. */
function poisonProbe(done: string[]): Registry {
  return new Registry([
    defineFeature({
      name: 'probe',
      description: 'probe',
      events: [
        defineEvent<{ poison?: boolean }>({
          name: 'maybe-fail',
          type: 'GUILD_MEMBER_ADD',
          handler: async (ctx, payload) => {
            if (payload.poison) throw new Error('cannot digest');
            done.push(ctx.sourceId);
          },
        }),
      ],
    }),
  ]);
}

const joinEvent = memberJoinEvent;

/** A guild message as the relay queues it (`extra` fields go in the payload). */
function guildMessage(guildId: string, extra: Record<string, unknown> = {}): QueuedEvent {
  const id = nextSnowflake();
  return {
    type: 'MESSAGE_CREATE',
    sourceId: id,
    guildId,
    payload: { id, guild_id: guildId, channel_id: nextSnowflake(), content: 'hi', author: { id: nextSnowflake() }, attachments: [], mentions: [], mention_roles: [], ...extra },
  };
}

afterEach(() => vi.restoreAllMocks());

describe('EVENTS consumer', () => {
  it('stores an event once and runs its handlers once, however often it is delivered', async () => {
    const seen: string[] = [];
    const registry = new Registry([
      defineFeature({ name: 'probe', description: 'probe', events: [defineEvent({ name: 'count', type: 'GUILD_MEMBER_ADD', handler: async (ctx) => void seen.push(ctx.sourceId) })] }),
    ]);
    const env = testEnv();
    const event = joinEvent(nextSnowflake(), nextSnowflake());
    const first = await deliver(registry, env, [{ body: event }, { body: event, id: 'dup-in-batch' }]);
    const second = await deliver(registry, env, [{ body: event, attempts: 2 }]);

    const rows = await getDb(env).select().from(gatewayEvents).where(eq(gatewayEvents.sourceId, event.sourceId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'done', handled: ['probe.count'], type: 'GUILD_MEMBER_ADD', guildId: event.guildId });
    expect(seen).toEqual([event.sourceId]);
    // The copy that raced the claim inside the batch is retried (and then finds it done).
    expect(first.explicitAcks).toContain('m0');
    expect(first.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(['dup-in-batch']);
    expect(second.explicitAcks).toEqual(['m0']);
  });

  it('records events no feature handles in one batch, done and once, and acks them', async () => {
    const registry = new Registry([]);
    const env = testEnv();
    const guildId = nextSnowflake();
    const messages = Array.from({ length: 30 }, (_, i): QueuedEvent => {
      const id = nextSnowflake();
      return { type: 'MESSAGE_CREATE', sourceId: id, guildId, payload: { id, guild_id: guildId, channel_id: guildId, content: `hi ${i}`, author: { id: guildId }, attachments: [], mentions: [] } };
    });
    const first = await deliver(registry, env, messages.map((body, i) => ({ body, id: `u${i}` })));
    const again = await deliver(registry, env, messages.slice(0, 5).map((body, i) => ({ body, id: `again${i}` })));
    expect(first.explicitAcks).toHaveLength(30);
    expect(again.explicitAcks).toHaveLength(5);
    const rows = await getDb(env).select().from(gatewayEvents).where(eq(gatewayEvents.guildId, guildId));
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.status === 'done' && r.attempts === 0)).toBe(true);
    // Privacy: the lake keeps the length, never the content.
    expect(JSON.stringify(rows)).not.toContain('hi 1');
  });

  it('writes a chunk of lake rows in one statement, each row holding its own event’s facts (unhandled and hooked paths)', async () => {
    const hooked: string[] = [];
    const registry = new Registry([
      defineFeature({
        name: 'probe',
        description: 'probe',
        lakeHooks: [defineLakeHook({ name: 'see', types: ['GUILD_MEMBER_ADD'], cost: () => 1, handler: async (_ctx, events) => void hooked.push(...events.map((e) => e.sourceId)) })],
      }),
    ]);
    const base = testEnv();
    const inserts: string[] = [];
    const DB = new Proxy(base.DB, {
      get(target, prop) {
        if (prop === 'prepare')
          return (query: string) => {
            if (/^insert into "gateway_events"/i.test(query)) inserts.push(query);
            return target.prepare(query);
          };
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const env = { ...base, DB } as Env;
    const guildId = nextSnowflake();
    const receivedAt = Date.now() - 5000;
    const messages = Array.from({ length: 20 }, (_, i) => ({ ...guildMessage(guildId, i % 3 === 0 ? { attachments: [{ id: '1' }], mentions: [{ id: '2' }] } : {}), receivedAt }));
    const joins = Array.from({ length: 20 }, () => ({ ...joinEvent(guildId, nextSnowflake()), receivedAt }));
    const result = await deliver(registry, env, [{ body: { events: messages }, id: 'plain' }, { body: { events: joins }, id: 'joins' }]);
    expect(result.explicitAcks.sort()).toEqual(['joins', 'plain']);
    // One insert statement for the 20 unhandled messages, one for the 20 hooked joins.
    expect(inserts).toHaveLength(2);
    expect(hooked.sort()).toEqual(joins.map((j) => j.sourceId).sort());
    const rows = await getDb(base).select().from(gatewayEvents).where(eq(gatewayEvents.guildId, guildId));
    expect(rows).toHaveLength(40);
    for (const event of [...messages, ...joins]) {
      const row = rows.find((r) => r.sourceId === event.sourceId)!;
      const facts = lakeFacts(event.type, event.payload, receivedAt);
      expect(row).toMatchObject({ type: event.type, guildId, channelId: facts.channelId, userId: facts.userId, occurredAt: facts.occurredAt, receivedAt, payload: facts.summary, lastError: null });
      expect(row.handled).toEqual(event.type === 'GUILD_MEMBER_ADD' ? ['probe.see'] : []);
      expect([row.status, row.attempts, row.leaseUntil]).toEqual(event.type === 'GUILD_MEMBER_ADD' ? ['done', 1, 0] : ['done', 0, 0]);
    }
  });

  it('a DM lake hook gets a batch’s DMs in one call (guild hooks never see them), settled together and never again on redelivery', async () => {
    const calls: { hook: string; events: { sourceId: string; guildId: string | null }[] }[] = [];
    const registry = new Registry([
      defineFeature({
        name: 'probe',
        description: 'probe',
        lakeHooks: [
          defineLakeHook({ name: 'guilds', types: ['MESSAGE_CREATE'], cost: () => 1, handler: async (_ctx, events) => void calls.push({ hook: 'guilds', events }) }),
          defineLakeHook({ name: 'dms', scope: 'dm', types: ['MESSAGE_CREATE'], cost: (n) => n, handler: async (_ctx, events) => void calls.push({ hook: 'dms', events }) }),
        ],
      }),
    ]);
    const env = testEnv();
    const guildId = nextSnowflake();
    const dm = (): QueuedEvent => {
      const id = nextSnowflake();
      return { type: 'MESSAGE_CREATE', sourceId: id, guildId: null, payload: { id, channel_id: nextSnowflake(), content: 'hello', author: { id: nextSnowflake() }, attachments: [], mentions: [], mention_roles: [] } };
    };
    const dms = [dm(), dm(), dm()];
    const inGuild = [guildMessage(guildId), guildMessage(guildId)];
    const meter = meterD1(env);
    const first = await deliver(registry, meter.env, [{ body: { events: [...dms, ...inGuild] }, id: 'mixed' }]);
    expect(first.explicitAcks).toEqual(['mixed']);
    const byHook = (hook: string) => calls.filter((c) => c.hook === hook);
    expect(byHook('dms')).toHaveLength(1);
    expect(byHook('dms')[0]!.events.map((e) => [e.sourceId, e.guildId])).toEqual(dms.map((d) => [d.sourceId, null]));
    expect(byHook('guilds').flatMap((c) => c.events.map((e) => e.sourceId)).sort()).toEqual(inGuild.map((e) => e.sourceId).sort());
    // The batched path: not two round trips per DM.
    expect(meter.takeD1()).toBeLessThanOrEqual(4);
    const rows = await getDb(env).select().from(gatewayEvents).where(inArray(gatewayEvents.sourceId, dms.map((d) => d.sourceId)));
    expect(rows.map((r) => [r.status, r.handled, r.attempts]).sort()).toEqual(dms.map(() => ['done', ['probe.dms'], 1]));
    calls.length = 0;
    const again = await deliver(registry, env, [{ body: { events: dms }, id: 'again' }]);
    expect(again.explicitAcks).toEqual(['again']);
    expect(calls).toEqual([]);
  });

  it('a full queue batch of hooked events (500, from 500 members) is one chunk: one insert, one hook call, one settle, within D1’s 100 parameters; rows past 1 MB start a new chunk', async () => {
    const calls: number[] = [];
    const registry = new Registry([
      defineFeature({
        name: 'probe',
        description: 'probe',
        lakeHooks: [defineLakeHook({ name: 'all', types: ['MESSAGE_CREATE'], cost: () => 1, handler: async (_ctx, events) => void calls.push(events.length) })],
      }),
    ]);
    const env = testEnv();
    const guildId = nextSnowflake();
    const pack = (events: QueuedEvent[]) => Array.from({ length: Math.ceil(events.length / 25) }, (_, i) => ({ body: { events: events.slice(i * 25, i * 25 + 25) }, id: `m${i}` }));
    const events = Array.from({ length: 500 }, () => guildMessage(guildId));
    const meter = meterD1(env);
    const first = await deliver(registry, meter.env, pack(events));
    expect(first.explicitAcks).toHaveLength(20);
    expect(calls).toEqual([500]);
    expect(meter.takeD1()).toBe(3); // the insert that claims them, the guild's module flags, the settle
    const rows = await getDb(env).select({ status: gatewayEvents.status, handled: gatewayEvents.handled }).from(gatewayEvents).where(eq(gatewayEvents.guildId, guildId));
    expect(rows).toHaveLength(500);
    expect(rows.every((r) => r.status === 'done' && r.handled.join() === 'probe.all')).toBe(true);
    // Redelivered whole: claimed again by one conditional update (none are pending), never handed to the hook.
    calls.length = 0;
    const again = await deliver(registry, meter.env, pack(events));
    expect(again.explicitAcks).toHaveLength(20);
    expect(calls).toEqual([]);
    expect(meter.takeD1()).toBe(2); // the insert (creates nothing), the claim of redeliveries; nothing to settle

    // Members with 250 roles each: a lake row of ≈ 5.5 KB, so 200 of them are more than 1 MB and two chunks.
    const roles = Array.from({ length: 250 }, () => nextSnowflake());
    const heavy = Array.from({ length: 200 }, () => guildMessage(guildId, { member: { roles, joined_at: '2026-01-01T00:00:00.000Z' } }));
    calls.length = 0;
    const split = await deliver(registry, env, pack(heavy));
    expect(split.explicitAcks).toHaveLength(8);
    expect(calls.length).toBe(2);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it('the same member join through the real Worker welcomes once', async () => {
    const { fake, env } = await fakeDiscord();
    const g = await fake.seedGuild({ channels: [{ name: 'welcome' }] });
    const channelId = g.channels.welcome!;
    await new GuildConfig(getDb(env), g.guildId).setChannel(g.ownerId, 'welcome', channelId);
    const event = joinEvent(g.guildId, nextSnowflake());
    for (const attempts of [1, 1, 2]) {
      const batch = createMessageBatch<QueuedEvent>('gatehouse-events', [{ id: uid('m'), timestamp: new Date(), attempts, body: event }]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env, ctx);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    }
    const posts = await fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' });
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toMatchObject({ content: expect.stringContaining(`<@${(event.payload as { user: { id: string } }).user.id}>`) });
    await fake.assertNoViolations();
  });

  it('a rate-limited handler defers its event (no attempt spent, nothing held back) and it finishes later, once', async () => {
    const events = recordingDlq();
    const { fake, env } = await fakeDiscord({ EVENTS: events.queue, EVENT_MAX_ATTEMPTS: '2' });
    const g = await fake.seedGuild({ channels: [{ name: 'welcome' }] });
    await new GuildConfig(getDb(env), g.guildId).setChannel(g.ownerId, 'welcome', g.channels.welcome!);
    const joins = [joinEvent(g.guildId, nextSnowflake()), joinEvent(g.guildId, nextSnowflake())];
    const pause = () => new Promise((r) => setTimeout(r, 350));

    for (let round = 1; round <= 3; round++) {
      // Discord answers the welcome post with a 429 asking for 300 ms, longer than a handler may wait.
      await fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', status: 429, retryAfter: 0.3 });
      events.sent.length = 0;
      events.options.length = 0;
      const batch = createMessageBatch<unknown>('gatehouse-events', [{ id: `r${round}`, timestamp: new Date(), attempts: 1, body: { events: [joins[0]] } }]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env, ctx);
      const result = await getQueueResult(batch, ctx);
      // Acked and sent again as a new message after the limit resets: no delivery is spent.
      expect(result.explicitAcks).toEqual([`r${round}`]);
      expect(events.sent).toEqual([{ events: [joins[0]], priorAttempts: 1 }]);
      expect(events.options).toEqual([{ contentType: 'json', delaySeconds: 1 }]);
      await pause(); // the limit resets
    }
    const [waiting] = await getDb(env).select().from(gatewayEvents).where(eq(gatewayEvents.sourceId, joins[0]!.sourceId));
    // Three deferrals with EVENT_MAX_ATTEMPTS 2: still pending, no attempt counted, not dead-lettered.
    expect(waiting).toMatchObject({ status: 'pending', attempts: 0 });

    // The deferred join and a new one both welcome, once each.
    events.sent.length = 0;
    const batch = createMessageBatch<unknown>('gatehouse-events', [{ id: 'last', timestamp: new Date(), attempts: 1, body: { events: joins } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['last']);
    expect(events.sent).toEqual([]);
    const posts = await fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' });
    expect(posts.filter((c) => c.status === 200)).toHaveLength(2);
    const rows = await getDb(env).select().from(gatewayEvents).where(eq(gatewayEvents.guildId, g.guildId));
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['done', 1],
      ['done', 1],
    ]);
  });

  it('retries a failing event with backoff without holding back the others, then dead-letters it', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const done: string[] = [];
    const registry = poisonProbe(done);
    const dlq = recordingDlq();
    const env = testEnv({ EVENTS_DLQ: dlq.queue, EVENT_MAX_ATTEMPTS: '3' });
    const good = [joinEvent(nextSnowflake(), nextSnowflake()), joinEvent(nextSnowflake(), nextSnowflake())];
    const poison: QueuedEvent = { ...joinEvent(nextSnowflake(), nextSnowflake()), payload: { poison: true } };

    const first = await deliver(registry, env, [{ body: good[0], id: 'a' }, { body: poison, id: 'p' }, { body: good[1], id: 'b' }]);
    expect(first.explicitAcks.sort()).toEqual(['a', 'b']);
    expect(first.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(['p']);
    expect(first.delays).toEqual({ p: 5 });
    expect(done).toEqual([good[0]!.sourceId, good[1]!.sourceId]);

    expect((await deliver(registry, env, [{ body: poison, id: 'p', attempts: 2 }])).delays).toEqual({ p: 10 });
    const last = await deliver(registry, env, [{ body: poison, id: 'p', attempts: 3 }]);
    expect(last.explicitAcks).toEqual(['p']);
    expect(dlq.sent).toEqual([poison]);
    const [row] = await getDb(env).select().from(gatewayEvents).where(eq(gatewayEvents.sourceId, poison.sourceId));
    expect(row).toMatchObject({ status: 'dead', attempts: 3, lastError: 'Error: cannot digest' });
    const logged = errors.mock.calls.map((c) => String(c[0])).find((l) => l.includes('event dead-lettered'));
    expect(JSON.parse(logged!)).toMatchObject({ sourceId: poison.sourceId, attempts: 3 });
    // A later redelivery of the dead event does nothing.
    expect((await deliver(registry, env, [{ body: poison, id: 'p', attempts: 4 }])).explicitAcks).toEqual(['p']);
    expect(dlq.sent).toHaveLength(1);
  });

  it('after a partial failure, a retry runs only the handlers that had not succeeded', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const calls: string[] = [];
    let failB = true;
    const registry = new Registry([
      defineFeature({
        name: 'probe',
        description: 'probe',
        events: [
          // A DM (no guild) below: these handlers take events of any scope.
          defineEvent({ name: 'a', type: 'MESSAGE_CREATE', scope: 'any', handler: async () => void calls.push('a') }),
          defineEvent({
            name: 'b',
            type: 'MESSAGE_CREATE',
            scope: 'any',
            handler: async () => {
              calls.push('b');
              if (failB) throw new Error('b failed');
            },
          }),
        ],
      }),
    ]);
    const env = testEnv();
    const id = nextSnowflake();
    const event: QueuedEvent = { type: 'MESSAGE_CREATE', sourceId: id, guildId: null, payload: { id, channel_id: nextSnowflake(), content: 'hi', author: { id: nextSnowflake() }, attachments: [], mentions: [], mention_roles: [] } };
    expect((await deliver(registry, env, [{ body: event }])).retryMessages).toHaveLength(1);
    failB = false;
    expect((await deliver(registry, env, [{ body: event, attempts: 2 }])).explicitAcks).toEqual(['m0']);
    expect(calls).toEqual(['a', 'b', 'b']);
  });

  it('a lake hook that fails on one event of a chunk: only that event is retried, the others are done and not redelivered', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: string[][] = [];
    let poison: string | undefined;
    const registry = new Registry([
      defineFeature({
        name: 'probe',
        description: 'probe',
        lakeHooks: [
          defineLakeHook({
            name: 'picky',
            types: ['MESSAGE_CREATE'],
            cost: () => 2,
            handler: async (_ctx, events) => {
              seen.push(events.map((e) => e.sourceId));
              if (events.some((e) => e.sourceId === poison)) throw new Error('cannot digest');
            },
          }),
        ],
      }),
    ]);
    const env = testEnv();
    const guildId = nextSnowflake();
    const events = Array.from({ length: 8 }, () => guildMessage(guildId));
    poison = events[5]!.sourceId;
    const first = await deliver(registry, env, [{ body: { events }, id: 'pack' }]);
    // The pack is acked; the poison event alone goes back as a pack of its own, with backoff.
    expect(first.explicitAcks).toEqual(['pack']);
    expect(first.retryMessages).toEqual([]);
    const rows = await getDb(env).select().from(gatewayEvents).where(inArray(gatewayEvents.sourceId, events.map((e) => e.sourceId)));
    const byId = new Map(rows.map((r) => [r.sourceId, r]));
    for (const e of events) {
      if (e.sourceId === poison) expect(byId.get(e.sourceId)).toMatchObject({ status: 'pending', leaseUntil: 0, lastError: 'Error: cannot digest', handled: [] });
      else expect(byId.get(e.sourceId)).toMatchObject({ status: 'done', handled: ['probe.picky'] });
    }
    // Halving: 8 → 4 + 4 → 2 + 2 → 1 + 1: the good events were each handed over at least once, the poison one ended alone.
    expect(seen).toContainEqual([poison]);
    expect(seen.length).toBeLessThanOrEqual(7);
    for (const e of events) expect(seen.some((batch) => batch.includes(e.sourceId))).toBe(true);
    // Redelivered with the poison fixed: only it runs again.
    poison = undefined;
    seen.length = 0;
    const again = await deliver(registry, env, [{ body: { events }, id: 'pack', attempts: 2 }]);
    expect(again.explicitAcks).toEqual(['pack']);
    expect(seen).toEqual([[events[5]!.sourceId]]);
  });

  it("a handler's accepts() keeps the events it refuses on the batched path (no per-event round trips)", async () => {
    const ran: string[] = [];
    const registry = new Registry([
      defineFeature({
        name: 'probe',
        description: 'probe',
        events: [
          defineEvent<{ position?: number }>({
            name: 'threads-only',
            type: 'MESSAGE_CREATE',
            accepts: (m) => m.position !== undefined,
            handler: async (ctx) => void ran.push(ctx.sourceId),
          }),
        ],
      }),
    ]);
    const metered = meterD1(testEnv());
    const guildId = nextSnowflake();
    const plain = Array.from({ length: 10 }, () => guildMessage(guildId));
    metered.takeD1();
    await deliver(registry, metered.env, [{ body: { events: plain }, id: 'plain' }]);
    // Ten plain messages: recorded in one statement batch, no handler, no per-event claim or settle.
    expect(metered.takeD1()).toBe(1);
    expect(ran).toEqual([]);
    const thread = guildMessage(guildId, { position: 2 });
    await deliver(registry, metered.env, [{ body: thread, id: 't' }]);
    expect(ran).toEqual([thread.sourceId]);
    // Claim, module flag (config), settle: the handler's "handled" record rides the settle.
    expect(metered.takeD1()).toBeLessThanOrEqual(3);
    const [row] = await getDb(metered.env).select().from(gatewayEvents).where(eq(gatewayEvents.sourceId, thread.sourceId));
    expect(row).toMatchObject({ status: 'done', handled: ['probe.threads-only'] });
  });

  it('keeps no message content in the event lake, only counts', async () => {
    const env = testEnv();
    const id = nextSnowflake();
    const channelId = nextSnowflake();
    const event: QueuedEvent = {
      type: 'MESSAGE_CREATE',
      sourceId: id,
      guildId: null,
      payload: { id, channel_id: channelId, content: 'my secret words', author: { id: '42', bot: false }, attachments: [{ id: '1' }], mentions: [{ id: '7' }], mention_roles: [] },
    };
    await deliver(new Registry([]), env, [{ body: event }]);
    const [row] = await getDb(env).select().from(gatewayEvents).where(eq(gatewayEvents.sourceId, id));
    expect(row).toMatchObject({ channelId, userId: '42', payload: { length: 15, attachments: 1, mentions: 1, dm: true, bot: false } });
    expect(JSON.stringify(row)).not.toContain('secret');
  });

  it('a pack: records every event, re-sends only the failing one (with backoff) and acks the pack', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const done: string[] = [];
    const registry = poisonProbe(done);
    const events = recordingDlq();
    const dlq = recordingDlq();
    const env = testEnv({ EVENTS: events.queue, EVENTS_DLQ: dlq.queue, EVENT_MAX_ATTEMPTS: '3' });
    const guildId = nextSnowflake();
    const chat = Array.from({ length: 3 }, (): QueuedEvent => {
      const id = nextSnowflake();
      return { type: 'MESSAGE_CREATE', sourceId: id, guildId, payload: { id, guild_id: guildId, channel_id: guildId, content: 'hi', author: { id: guildId }, attachments: [], mentions: [] } };
    });
    const good = joinEvent(guildId, nextSnowflake());
    const poison: QueuedEvent = { ...joinEvent(guildId, nextSnowflake()), payload: { poison: true } };
    // The relay sends packs as JSON text.
    const pack = JSON.stringify({ events: [chat[0], good, poison, chat[1], chat[2]] });

    const first = await deliver(registry, env, [{ body: pack, id: 'pack' }]);
    expect(first.explicitAcks).toEqual(['pack']);
    expect(first.retryMessages).toEqual([]);
    expect(done).toEqual([good.sourceId]);
    const rows = await getDb(env).select().from(gatewayEvents).where(eq(gatewayEvents.guildId, guildId));
    expect(rows).toHaveLength(5);
    expect(rows.filter((r) => r.status === 'done')).toHaveLength(4);
    // Only the failing event travels again, as a pack of its own that remembers its delivery.
    expect(events.sent).toEqual([{ events: [poison], priorAttempts: 1 }]);
    expect(events.options).toEqual([{ contentType: 'json', delaySeconds: 5 }]);

    // Its next deliveries count on from there: attempt 2 retries the (now single-event) pack, attempt 3 dead-letters.
    const second = await deliver(registry, env, [{ body: events.sent[0], id: 'again' }]);
    expect(second.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(['again']);
    expect(second.delays).toEqual({ again: 10 });
    const third = await deliver(registry, env, [{ body: events.sent[0], id: 'again', attempts: 2 }]);
    expect(third.explicitAcks).toEqual(['again']);
    expect(dlq.sent).toEqual([poison]);
    expect(done).toEqual([good.sourceId]);
  });

  it('a pack with one malformed event dead-letters that event alone', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const dlq = recordingDlq();
    const env = testEnv({ EVENTS_DLQ: dlq.queue });
    const id = nextSnowflake();
    const fine: QueuedEvent = { type: 'MESSAGE_CREATE', sourceId: id, guildId: null, payload: { id, channel_id: nextSnowflake(), content: 'x', author: { id: '1' }, attachments: [], mentions: [] } };
    const result = await deliver(new Registry([]), env, [{ body: { events: [fine, { type: '' }] }, id: 'p' }, { body: 'not json', id: 'q' }]);
    expect(result.explicitAcks.sort()).toEqual(['p', 'q']);
    expect(dlq.sent).toEqual([{ type: '' }, 'not json']);
    expect(await getDb(env).select().from(gatewayEvents).where(eq(gatewayEvents.sourceId, id))).toHaveLength(1);
  });

  it('dead-letters a body that is not an event', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const dlq = recordingDlq();
    const result = await deliver(new Registry([]), testEnv({ EVENTS_DLQ: dlq.queue }), [{ body: { nonsense: true } }]);
    expect(result.explicitAcks).toEqual(['m0']);
    expect(dlq.sent).toEqual([{ nonsense: true }]);
  });
});

describe('event lake retention', () => {
  it('the hourly cron deletes rows older than EVENT_RETENTION_DAYS and keeps the rest', async () => {
    const { env } = await fakeDiscord({ EVENT_RETENTION_DAYS: '30' });
    const prefix = uid('retention');
    const now = Date.now();
    const day = 86_400_000;
    await getDb(env)
      .insert(gatewayEvents)
      .values(
        [45, 31, 29, 1].map((ageDays) => ({
          sourceId: `${prefix}:${ageDays}`,
          type: 'GUILD_MEMBER_REMOVE',
          occurredAt: now - ageDays * day,
          receivedAt: now - ageDays * day,
          payload: {},
        })),
      );
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '0 * * * *', scheduledTime: now }), env, ctx);
    const left = await getDb(env).select({ sourceId: gatewayEvents.sourceId }).from(gatewayEvents).where(like(gatewayEvents.sourceId, `${prefix}:%`));
    expect(left.map((r) => r.sourceId).sort()).toEqual([`${prefix}:1`, `${prefix}:29`]);
  });
});
