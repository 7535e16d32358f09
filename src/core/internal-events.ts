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
 */
import type { Budget } from './budget';
import type { BaseContext } from './context';
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

/**
 * `emitInternal` from a context that may not carry the registry: interaction, event, cron and
 * API contexts do; a Durable Object's services (modmail's ticket object) do not, and there the
 * event is not emitted (logged), so emitters call this from the caller's side where they can.
 */
export async function emitInternalFrom(
  ctx: BaseContext & { registry?: Registry; budget?: Budget },
  type: InternalEventType,
  fields: { guildId: string; userId: string; key: string; payload?: Record<string, unknown>; occurredAt?: number },
): Promise<void> {
  if (!ctx.registry) {
    log('internal event not emitted', { reason: 'no registry in this context', type, guildId: fields.guildId, key: fields.key });
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
