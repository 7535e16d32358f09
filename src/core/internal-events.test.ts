/**
 * Internal events from a context without the registry (a Durable Object's alarm): handed to
 * the EVENTS queue, emitted by its consumer with the consumer's registry, once per event even
 * when the hand-over is delivered (or made) twice.
 */
import { recordingQueue } from '../testing/recording-queue';
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../db/client';
import { testEnv } from '../testing/harness';
import { defineFeature } from './define';
import { consumeEvents, type QueuedEvent } from './events';
import { gatewayEvents } from './gateway/schema';
import { lazyServices } from './interaction-context';
import { emitInternalFrom, INTERNAL_EVENT_DISPATCH, type InternalEvent } from './internal-events';
import { Registry } from './registry';

let counter = 0;
const guildId = () => `4${String(Date.now()).slice(-12)}${String(++counter).padStart(5, '0')}`;


/** A registry whose one feature hears `ticket_closed` and `case_created`. */
function listening(heard: InternalEvent[]): Registry {
  return new Registry([
    defineFeature({
      name: 'listener',
      description: 'listener',
      internalEvents: [
        { name: 'hear-closed', type: 'ticket_closed', handler: async (_ctx, event) => void heard.push(event) },
        { name: 'hear-case', type: 'case_created', handler: async (_ctx, event) => void heard.push(event) },
      ],
    }),
  ]);
}

async function deliver(registry: Registry, env: Env, bodies: unknown[]) {
  const batch = createMessageBatch<QueuedEvent>('gatehouse-events', bodies.map((body, i) => ({ id: `m${Date.now()}-${i}`, timestamp: new Date(), attempts: 1, body: body as QueuedEvent })));
  const ctx = createExecutionContext();
  await consumeEvents(registry, batch, env, ctx);
  return getQueueResult(batch, ctx);
}

afterEach(() => vi.restoreAllMocks());

describe('internal events without a registry', () => {
  it('are handed to the EVENTS queue and emitted once by its consumer, even when the hand-over arrives twice', async () => {
    const events = recordingQueue();
    const env = testEnv({ EVENTS: events.queue });
    const guild = guildId();
    // A Durable Object's services: no registry.
    const services = lazyServices({ env, waitUntil: () => undefined });
    const fields = { guildId: guild, userId: '300000000000000001', key: `ticket:${guild}:closed:1`, occurredAt: 1_800_000_000_000, payload: { ticketId: 7, how: 'timed', closedBy: '1' } };
    await emitInternalFrom(services, 'ticket_closed', fields);
    // The same event again (a retried alarm): the same message.
    await emitInternalFrom(services, 'ticket_closed', fields);
    expect(events.sent).toHaveLength(2);
    // (`receivedAt` is when each was sent.)
    const { receivedAt: _a, ...first } = events.sent[0] as QueuedEvent;
    const { receivedAt: _b, ...again } = events.sent[1] as QueuedEvent;
    expect(again).toEqual(first);
    expect(events.sent[0]).toMatchObject({ type: INTERNAL_EVENT_DISPATCH, sourceId: `internal:ticket_closed:${fields.key}`, guildId: guild, payload: { type: 'ticket_closed', ...fields } });

    const heard: InternalEvent[] = [];
    const registry = listening(heard);
    expect((await deliver(registry, env, [events.sent[0]])).explicitAcks).toHaveLength(1);
    expect((await deliver(registry, env, [events.sent[1]])).explicitAcks).toHaveLength(1);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ type: 'ticket_closed', guildId: guild, userId: fields.userId, key: fields.key, occurredAt: fields.occurredAt, payload: fields.payload, depth: 1 });
    const [row] = await getDb(env).select().from(gatewayEvents).where(eq(gatewayEvents.sourceId, `internal:ticket_closed:${fields.key}`));
    expect(row).toMatchObject({ status: 'done', type: INTERNAL_EVENT_DISPATCH, guildId: guild, handled: ['platform-core.internal-events'] });
  });

  it('a context with the registry emits at once and sends nothing', async () => {
    const events = recordingQueue();
    const env = testEnv({ EVENTS: events.queue });
    const heard: InternalEvent[] = [];
    const ctx = { ...lazyServices({ env, waitUntil: () => undefined }), registry: listening(heard) };
    await emitInternalFrom(ctx, 'case_created', { guildId: guildId(), userId: '300000000000000002', key: 'case:abc' });
    expect(heard.map((e) => e.key)).toEqual(['case:abc']);
    expect(events.sent).toEqual([]);
  });

  it('a long key is hashed into a bounded source id (the same key, the same id); the event keeps its key', async () => {
    const events = recordingQueue();
    const env = testEnv({ EVENTS: events.queue });
    const services = lazyServices({ env, waitUntil: () => undefined });
    const key = `rule:${'x'.repeat(400)}`;
    const guild = guildId();
    await emitInternalFrom(services, 'case_created', { guildId: guild, userId: '300000000000000003', key });
    await emitInternalFrom(services, 'case_created', { guildId: guild, userId: '300000000000000003', key });
    const [a, b] = events.sent as QueuedEvent[];
    expect(a!.sourceId).toMatch(/^internal:case_created:#[0-9a-f]{64}$/);
    expect(b!.sourceId).toBe(a!.sourceId);
    const heard: InternalEvent[] = [];
    await deliver(listening(heard), env, [a]);
    expect(heard.map((e) => e.key)).toEqual([key]);
  });

  it('a malformed hand-over is dropped and logged, not retried', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
    const heard: InternalEvent[] = [];
    const guild = guildId();
    const result = await deliver(listening(heard), testEnv(), [{ type: INTERNAL_EVENT_DISPATCH, sourceId: `internal:bogus:${guild}`, guildId: guild, payload: { type: 'not_a_type', key: 'k' } }]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
    expect(heard).toEqual([]);
    expect(errors.some((e) => e.includes('malformed hand-over'))).toBe(true);
  });
});
