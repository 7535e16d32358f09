/**
 * The EVENTS queue consumer. Delivery is at least once; effects happen once:
 *
 * 1. Each event is written to the event lake (`gateway_events`) with insert-or-ignore on its
 *    source id, and claimed in the same `db.batch` by a conditional update (pending and not
 *    leased). Only the consumer that claims it runs handlers; a redelivered event whose row
 *    is done is acked without running anything.
 * 2. Handlers that finish are recorded on the row, so a retry after a partial failure runs
 *    only the handlers that have not succeeded yet.
 * 3. Messages are acked or retried one by one (backoff), so one failing event never holds
 *    back the rest of its batch. After `EVENT_MAX_ATTEMPTS` attempts an event goes to the
 *    dead-letter queue, its row is marked `dead`, and it is logged with its source id.
 */
import { and, eq, lte, sql } from 'drizzle-orm';
import * as z from 'zod';
import { getDb, type Db } from '../db/client';
import { guildIdOf, lakeFacts } from '../discord/gateway/dispatch';
import { gatewayEvents } from '../discord/gateway/schema';
import type { EventContext } from './context';
import { GuildConfig } from './guild-config.repo';
import { lazyServices } from './interaction-context';
import type { Registry } from './registry';

/** A gateway event as the relay queues it. */
export interface QueuedEvent {
  /** Gateway dispatch type, e.g. `GUILD_MEMBER_ADD`. */
  type: string;
  /** Deterministic id: redelivery of the same event carries the same one. */
  sourceId: string;
  guildId: string | null;
  /** The dispatch's `d`, whole: handlers that need message content read it here, in memory. */
  payload: unknown;
  /** When the relay received it (ms since epoch). */
  receivedAt?: number;
}

/** The queue body, checked before anything trusts it. */
export const queuedEventSchema = z.object({
  type: z.string().min(1).max(64),
  sourceId: z.string().min(1).max(256),
  guildId: z.string().nullable(),
  payload: z.unknown(),
  receivedAt: z.number().int().positive().optional(),
});

/** How long a claim holds an event before another delivery may take it over (ms). */
export const EVENT_LEASE_MS = 60_000;

/** Attempts before an event is dead-lettered, unless `EVENT_MAX_ATTEMPTS` says otherwise. */
export const DEFAULT_EVENT_MAX_ATTEMPTS = 5;

/** Delay before the n-th retry (seconds): 5, 10, 20, … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

/** What happened to one queued message. */
export type EventOutcome = 'handled' | 'duplicate' | 'busy' | 'retry' | 'dead' | 'invalid';

function maxAttempts(env: Env): number {
  const n = Number(env.EVENT_MAX_ATTEMPTS);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_EVENT_MAX_ATTEMPTS;
}

function log(msg: string, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ msg, ...fields }));
}

/** The context a handler of one event receives. */
function eventContext(registry: Registry, env: Env, ctx: ExecutionContext, event: QueuedEvent): EventContext {
  const services = lazyServices({ env, waitUntil: (p) => ctx.waitUntil(p) });
  let config: GuildConfig | undefined;
  return {
    env,
    registry,
    sourceId: event.sourceId,
    guildId: event.guildId,
    waitUntil: services.waitUntil,
    get db() {
      return services.db;
    },
    get discord() {
      return services.discord;
    },
    get config(): GuildConfig {
      if (!event.guildId) throw new Error(`event ${event.sourceId} has no guild`);
      return (config ??= new GuildConfig(services.db, event.guildId));
    },
  };
}

/** Writes the event to the lake and tries to claim it. */
async function recordAndClaim(db: Db, event: QueuedEvent, now: number) {
  const bySource = eq(gatewayEvents.sourceId, event.sourceId);
  const [, claimed, current] = await db.batch([
    db.insert(gatewayEvents).values(lakeRow(event, now)).onConflictDoNothing({ target: gatewayEvents.sourceId }),
    db
      .update(gatewayEvents)
      .set({ attempts: sql`${gatewayEvents.attempts} + 1`, leaseUntil: now + EVENT_LEASE_MS })
      .where(and(bySource, eq(gatewayEvents.status, 'pending'), lte(gatewayEvents.leaseUntil, now)))
      .returning({ handled: gatewayEvents.handled, attempts: gatewayEvents.attempts }),
    db.select({ status: gatewayEvents.status, leaseUntil: gatewayEvents.leaseUntil }).from(gatewayEvents).where(bySource),
  ]);
  return { claim: claimed[0], current: current[0] };
}

/**
 * Records one event and runs the handlers it still owes. Resolves with what happened; the
 * caller acks or retries the queue message accordingly.
 */
export async function processEvent(
  registry: Registry,
  message: Pick<Message<unknown>, 'body' | 'attempts'>,
  env: Env,
  ctx: ExecutionContext,
): Promise<{ outcome: EventOutcome; delaySeconds?: number }> {
  const parsed = queuedEventSchema.safeParse(message.body);
  if (!parsed.success) {
    log('event dead-lettered', { reason: 'invalid body', error: parsed.error.issues[0]?.message });
    await env.EVENTS_DLQ.send(message.body);
    return { outcome: 'invalid' };
  }
  const event: QueuedEvent = parsed.data;
  const db = getDb(env);
  const now = Date.now();
  const { claim, current } = await recordAndClaim(db, event, now);
  if (!claim) {
    if (current?.status === 'pending') {
      // Another delivery holds it; come back when its lease ends.
      return { outcome: 'busy', delaySeconds: Math.max(1, Math.ceil((current.leaseUntil - now) / 1000)) };
    }
    return { outcome: 'duplicate' };
  }

  const bySource = eq(gatewayEvents.sourceId, event.sourceId);
  const handlerCtx = eventContext(registry, env, ctx, event);
  const enabled = new Map<string, Promise<boolean>>();
  try {
    for (const { feature, def } of registry.events.get(event.type) ?? []) {
      const name = `${feature.name}.${def.name}`;
      if (claim.handled.includes(name)) continue;
      if (event.guildId && feature.toggleable !== false) {
        if (!enabled.has(feature.name)) enabled.set(feature.name, handlerCtx.config.moduleEnabled(feature.name, feature.enabledByDefault ?? true));
        if (!(await enabled.get(feature.name))) continue;
      }
      try {
        await def.handler(handlerCtx, event.payload);
      } catch (error) {
        log('event handler failed', { handler: name, sourceId: event.sourceId, attempt: claim.attempts, error: String(error) });
        throw error;
      }
      await db
        .update(gatewayEvents)
        .set({ handled: sql`json_insert(${gatewayEvents.handled}, '$[#]', ${name})` })
        .where(bySource);
    }
  } catch (error) {
    const lastError = String(error).slice(0, 500);
    const attempts = Math.max(claim.attempts, message.attempts);
    if (attempts >= maxAttempts(env)) {
      await env.EVENTS_DLQ.send(event);
      await db.update(gatewayEvents).set({ status: 'dead', leaseUntil: 0, lastError }).where(bySource);
      log('event dead-lettered', { sourceId: event.sourceId, type: event.type, attempts, error: lastError });
      return { outcome: 'dead' };
    }
    await db.update(gatewayEvents).set({ leaseUntil: 0, lastError }).where(bySource);
    return { outcome: 'retry', delaySeconds: retryDelaySeconds(attempts) };
  }
  await db.update(gatewayEvents).set({ status: 'done', leaseUntil: 0, lastError: null }).where(bySource);
  return { outcome: 'handled' };
}

/** The lake row of an event, as first written. */
function lakeRow(event: QueuedEvent, now: number) {
  const receivedAt = event.receivedAt ?? now;
  const facts = lakeFacts(event.type, event.payload, receivedAt);
  return {
    sourceId: event.sourceId,
    type: event.type,
    guildId: event.guildId ?? guildIdOf(event.payload),
    channelId: facts.channelId,
    userId: facts.userId,
    occurredAt: facts.occurredAt,
    receivedAt,
    payload: facts.summary,
  };
}

/**
 * Records events no feature handles (the lake's analytics rows) in one batch, already
 * `done`: one round trip for the lot instead of two per event.
 */
async function recordUnhandled(db: Db, events: QueuedEvent[], now: number): Promise<void> {
  if (events.length === 0) return;
  const inserts = events.map((event) =>
    db.insert(gatewayEvents).values({ ...lakeRow(event, now), status: 'done' }).onConflictDoNothing({ target: gatewayEvents.sourceId }),
  );
  await db.batch(inserts as [(typeof inserts)[number], ...typeof inserts]);
}

/**
 * Consumes a batch: events no feature handles are recorded together in one batch; every
 * other message is processed, and acked or retried, on its own.
 */
export async function consumeEvents(registry: Registry, batch: MessageBatch<QueuedEvent>, env: Env, ctx: ExecutionContext): Promise<void> {
  const unhandled: Message<QueuedEvent>[] = [];
  const handled: Message<QueuedEvent>[] = [];
  for (const message of batch.messages) {
    const parsed = queuedEventSchema.safeParse(message.body);
    if (parsed.success && !registry.events.has(parsed.data.type)) unhandled.push(message);
    else handled.push(message);
  }
  const recorded = recordUnhandled(
    getDb(env),
    unhandled.map((m) => m.body),
    Date.now(),
  ).then(
    () => unhandled.forEach((m) => m.ack()),
    (error: unknown) => {
      log('event consumer failed', { events: unhandled.length, error: String(error) });
      unhandled.forEach((m) => m.retry({ delaySeconds: retryDelaySeconds(m.attempts) }));
    },
  );
  await Promise.all([
    recorded,
    ...handled.map(async (message) => {
      try {
        const { outcome, delaySeconds } = await processEvent(registry, message, env, ctx);
        if (outcome === 'retry' || outcome === 'busy') message.retry({ delaySeconds: delaySeconds ?? retryDelaySeconds(message.attempts) });
        else message.ack();
      } catch (error) {
        // The lake or the dead-letter queue is unreachable: nothing was lost, try again later.
        log('event consumer failed', { sourceId: (message.body as Partial<QueuedEvent>)?.sourceId, error: String(error) });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  ]);
}
