/**
 * Internal events: what one feature tells others happened (`level_up`, `currency_changed`,
 * `application_accepted`, `case_created`, `milestone_earned`), delivered to the
 * `internalEvents` handlers of every feature in the same invocation, one after the other.
 *
 * Chains are bounded: an event emitted while handling another carries `depth + 1` and the
 * chain of rules that fired so far; past {@link MAX_INTERNAL_DEPTH} it is dropped (logged),
 * and the rules engine never fires a rule already in the chain, so no chain can loop.
 *
 * Delivery is at most once per emit: a handler that fails is logged and the others still
 * run; the emitter's own work is never undone by a consumer's failure. Emitters give each
 * event a `key` that is stable across retries (an application id, a case id, a ledger
 * transaction id), so consumers derive idempotent effects from it.
 *
 * A context without the registry (a Durable Object's services: an alarm has no caller) hands
 * the event to the EVENTS queue instead (`emitInternalFrom`): one message of type
 * {@link INTERNAL_EVENT_DISPATCH} whose source id is made of the event's type and key, which the
 * consumer, holding the registry, records in the lake and emits like any other event
 * ({@link internalEventRelay}). The lake's unique source id makes a repeat of the same event
 * (a retried alarm) a duplicate that runs nothing.
 */
import * as z from 'zod';
import type { QueuedEvent } from '../discord/gateway/wire';
import type { Budget } from './budget';
import type { BaseContext, EventContext } from './context';
import type { EventHandler, EventType, Feature } from './define';
import { GuildConfig } from './guild-config.repo';
import type { Registry } from './registry';

/**
 * The internal event types features emit (their payloads: docs/api.md, "Webhook event types";
 * ids and facts only, never message content or tokens).
 */
export const INTERNAL_EVENT_TYPES = [
  'level_up',
  'milestone_earned',
  'currency_changed',
  'application_accepted',
  'case_created',
  'member_joined',
  'member_left',
  'application_submitted',
  'application_decided',
  'case_updated',
  'ticket_opened',
  'ticket_closed',
] as const;
export type InternalEventType = (typeof INTERNAL_EVENT_TYPES)[number];

/** How deep a chain of internal events may go (the first emit is depth 1). */
export const MAX_INTERNAL_DEPTH = 4;

/** One internal event as its handlers receive it. */
export interface InternalEvent {
  type: InternalEventType;
  guildId: string;
  /** The member it is about. */
  userId: string;
  /** Stable across retries of the emitter: consumers key their idempotent effects on it. */
  key: string;
  occurredAt: number;
  payload: Record<string, unknown>;
  depth: number;
  /** Ids of the rules that fired on the way here (the rules engine's loop guard). */
  chain: string[];
}

/** What emitting needs: the services of any context, and the registry. */
export interface InternalContext extends BaseContext {
  registry: Registry;
  budget?: Budget;
}

function log(msg: string, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ msg, ...fields }));
}

/**
 * Emits an internal event to every handler of its type (in features enabled in the guild).
 * `parent` is the event being handled when this one is a consequence of it.
 */
export async function emitInternal(
  ctx: InternalContext,
  type: InternalEventType,
  fields: { guildId: string; userId: string; key: string; payload?: Record<string, unknown>; occurredAt?: number },
  parent?: Pick<InternalEvent, 'depth' | 'chain'>,
  chainAdd: readonly string[] = [],
): Promise<void> {
  const handlers = ctx.registry.internalHandlers.get(type);
  if (!handlers?.length) return;
  const depth = (parent?.depth ?? 0) + 1;
  if (depth > MAX_INTERNAL_DEPTH) {
    log('internal event dropped', { reason: 'depth limit', type, guildId: fields.guildId, key: fields.key, depth });
    return;
  }
  const event: InternalEvent = {
    type,
    guildId: fields.guildId,
    userId: fields.userId,
    key: fields.key,
    occurredAt: fields.occurredAt ?? Date.now(),
    payload: fields.payload ?? {},
    depth,
    chain: [...(parent?.chain ?? []), ...chainAdd],
  };
  const config = new GuildConfig(ctx.db, event.guildId);
  for (const { feature, def } of handlers) {
    if (feature.toggleable !== false && !(await config.moduleEnabled(feature.name, feature.enabledByDefault ?? true))) continue;
    try {
      await def.handler(ctx, event);
    } catch (error) {
      log('internal event handler failed', { handler: `${feature.name}.${def.name}`, type, key: event.key, error: String(error) });
    }
  }
}

/** The EVENTS message type of an internal event handed over by a context without the registry. */
export const INTERNAL_EVENT_DISPATCH = 'GATEHOUSE_INTERNAL_EVENT';

/** Longest key kept as is in a handed-over event's source id (longer ones are hashed there). */
const SOURCE_KEY_MAX = 200;

/** What an EVENTS message of type {@link INTERNAL_EVENT_DISPATCH} carries, checked before it is emitted. */
const handedOverSchema = z.object({
  type: z.enum(INTERNAL_EVENT_TYPES),
  guildId: z.string().min(1).max(32),
  userId: z.string().max(64),
  key: z.string().min(1).max(1000),
  occurredAt: z.number().int().nonnegative(),
  payload: z.record(z.string(), z.unknown()),
});
type HandedOver = z.infer<typeof handedOverSchema>;

/**
 * The EVENTS message of an internal event. Its source id is `internal:<type>:<key>` (the key
 * hashed past {@link SOURCE_KEY_MAX} characters): the same event always gets the same one.
 */
export async function handedOverEvent(type: InternalEventType, fields: { guildId: string; userId: string; key: string; payload?: Record<string, unknown>; occurredAt?: number }): Promise<QueuedEvent> {
  const now = Date.now();
  let key = fields.key;
  if (key.length > SOURCE_KEY_MAX) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
    key = `#${[...digest].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
  const payload: HandedOver = { type, guildId: fields.guildId, userId: fields.userId, key: fields.key, occurredAt: fields.occurredAt ?? now, payload: fields.payload ?? {} };
  return { type: INTERNAL_EVENT_DISPATCH, sourceId: `internal:${type}:${key}`, guildId: fields.guildId, payload, receivedAt: now };
}

/**
 * The EVENTS consumer's handler of handed-over internal events: emits them with the
 * consumer's registry. The consumer routes {@link INTERNAL_EVENT_DISPATCH} messages here
 * itself (`src/core/events.ts`), whatever features there are.
 */
export const internalEventRelay: EventHandler<unknown, 'guild'> = {
  name: 'internal-events',
  // Not a gateway dispatch: the consumer looks this type up itself, never the relay.
  type: INTERNAL_EVENT_DISPATCH as EventType,
  // The internal event's consumers (the rules engine, webhooks): a few statements each.
  cost: 10,
  handler: async (ctx: EventContext<'guild'>, payload: unknown) => {
    const parsed = handedOverSchema.safeParse(payload);
    if (!parsed.success) {
      log('internal event dropped', { reason: 'malformed hand-over', sourceId: ctx.sourceId, issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) });
      return;
    }
    const { type, ...fields } = parsed.data;
    await emitInternal(ctx, type, fields);
  },
};

/** The owner of {@link internalEventRelay} in the consumer's bookkeeping (`handled`: `platform-core.internal-events`). */
export const INTERNAL_RELAY_OWNER: Feature = { name: 'platform-core', description: 'Internal events handed over by contexts without the registry', toggleable: false };

/**
 * `emitInternal` from a context that may not carry the registry: interaction, event, cron and
 * API contexts do, and emit at once; a Durable Object's services do not, and hand the event to
 * the EVENTS queue, whose consumer emits it (module comment). A refused send is logged: the
 * emitter's own work stands.
 */
export async function emitInternalFrom(
  ctx: BaseContext & { registry?: Registry; budget?: Budget },
  type: InternalEventType,
  fields: { guildId: string; userId: string; key: string; payload?: Record<string, unknown>; occurredAt?: number },
): Promise<void> {
  if (!ctx.registry) {
    try {
      ctx.budget?.count(1);
      await ctx.env.EVENTS.send(await handedOverEvent(type, fields), { contentType: 'json' });
    } catch (error) {
      log('internal event not emitted', { reason: 'the EVENTS queue refused the hand-over', type, guildId: fields.guildId, key: fields.key, error: String(error) });
    }
    return;
  }
  const registry = ctx.registry;
  const internal: InternalContext = {
    env: ctx.env,
    get db() {
      return ctx.db;
    },
    get discord() {
      return ctx.discord;
    },
    waitUntil: (promise) => ctx.waitUntil(promise),
    registry,
    ...(ctx.budget ? { budget: ctx.budget } : {}),
  };
  await emitInternal(internal, type, fields);
}
