/**
 * The EVENTS queue consumer. Delivery is at least once, and so are handlers' effects: a
 * handler's effect (a Discord call) and the record that it ran are separate writes, so a
 * handler can run again after an effect that happened (its record failed, the isolate died,
 * its claim ran out, or Discord applied a call whose answer was lost). Each handler therefore
 * makes its effects idempotent (docs/operations.md, "At least once, idempotent"); what this
 * consumer guarantees is that repeats are rare:
 *
 * 1. Each event is written to the event lake (`gateway_events`) with insert-or-ignore on its
 *    source id, and claimed in the same `db.batch` by a conditional update (pending and not
 *    leased for {@link EVENT_LEASE_MS}). Only the consumer that holds the claim runs handlers;
 *    a redelivered event whose row is done is acked without running anything. Every REST
 *    call settles well inside the lease (timeouts in `src/discord/rest.ts`).
 * 2. Handlers that finish are recorded on the row, so a retry after a partial failure runs
 *    only the handlers that have not succeeded yet (and repeats the one that failed).
 * 3. Events are acked or retried one by one (backoff), so one failing event never holds
 *    back the rest of its batch. After `EVENT_MAX_ATTEMPTS` attempts an event goes to the
 *    dead-letter queue, its row is marked `dead`, and it is logged with its source id.
 * 4. A handler whose Discord call would wait out a rate limit longer than
 *    `EVENT_REST_MAX_WAIT_MS` defers its event instead (not counted as an attempt).
 * 5. A batch has a subrequest budget (`SUBREQUEST_BUDGET`, counted at the db layer and in the
 *    REST client). An event starts only once its cost (its handlers' declared `cost`s plus the
 *    lake's statements) is reserved; events that do not fit are handed back unclaimed with
 *    a short delay, like a deferral (no attempt spent).
 *
 * A queue message holds one event or a pack of up to `EVENTS_PER_MESSAGE` (the relay packs
 * bursts); events of a pack are settled one by one as above.
 */
import { and, eq, lte, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import * as z from 'zod';
import { columnList, inJsonList, insertFromTuples, type TupleValue } from '../db/bulk';
import type { Db } from '../db/client';
import { RateLimitedError } from '../discord/errors';
import { Budget, subrequestBudget, withinBudget } from './budget';
import { guildIdOf } from '../discord/gateway/dispatch';
import { EVENTS_PER_MESSAGE, type PackedEvents, type QueuedEvent } from '../discord/gateway/wire';
import { lakeFacts, type LakeFacts } from './gateway/lake';
import { gatewayEvents } from './gateway/schema';
import type { EventContext, LakeHookContext } from './context';
import { DEFAULT_EVENT_COST, type AnyLakeHook, type EventHandler, type LakeEvent, type LakeHook } from './define';
import { appConfig } from './env';
import { GuildConfig } from './guild-config.repo';
import { lazyServices } from './interaction-context';
import { INTERNAL_EVENT_DISPATCH, INTERNAL_RELAY_OWNER, internalEventRelay } from './internal-events';
import type { Owned, Registry } from './registry';

export { EVENTS_PER_MESSAGE, type PackedEvents, type QueuedEvent };

/** One event, checked before anything trusts it. */
export const queuedEventSchema = z.object({
  type: z.string().min(1).max(64),
  sourceId: z.string().min(1).max(256),
  guildId: z.string().nullable(),
  payload: z.unknown(),
  receivedAt: z.number().int().positive().optional(),
});

const packedEventsSchema = z.object({
  events: z.array(z.unknown()).min(1).max(EVENTS_PER_MESSAGE),
  priorAttempts: z.number().int().nonnegative().optional(),
});

/**
 * A queue message's body: one event, or a pack. The relay sends packs as JSON text (its outbox
 * rows already are JSON, so it never parses and re-serialises them); other producers send
 * objects. Events of a pack that fail their check are returned apart, to be dead-lettered alone.
 */
export function unpackEvents(body: unknown): { events: QueuedEvent[]; invalid: unknown[]; priorAttempts: number } {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return { events: [], invalid: [body], priorAttempts: 0 };
    }
  }
  const single = queuedEventSchema.safeParse(value);
  if (single.success) return { events: [single.data], invalid: [], priorAttempts: 0 };
  const pack = packedEventsSchema.safeParse(value);
  if (!pack.success) return { events: [], invalid: [value], priorAttempts: 0 };
  const events: QueuedEvent[] = [];
  const invalid: unknown[] = [];
  for (const item of pack.data.events) {
    const event = queuedEventSchema.safeParse(item);
    if (event.success) events.push(event.data);
    else invalid.push(item);
  }
  return { events, invalid, priorAttempts: pack.data.priorAttempts ?? 0 };
}

/** How long a claim holds an event before another delivery may take it over (ms). */
export const EVENT_LEASE_MS = 60_000;

/** Delay before the n-th retry (seconds): 5, 10, 20, … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

/**
 * A handler's Discord call that would wait longer than this for a rate limit gives up, and
 * the event is deferred (tried again once the limit resets, not counted as a failure) instead
 * of holding its whole batch: a raid's welcomes must not stall everything behind them.
 */
export const EVENT_REST_MAX_WAIT_MS = 250;

/** Seconds before events that did not fit a batch's budget are delivered again. */
export const BUDGET_DEFER_SECONDS = 2;

/**
 * Subrequests an event costs besides its handlers: the record-and-claim batch, the guild's
 * config snapshot (module flags), and its settlement (the final update, or a dead-letter send
 * and its update).
 */
const EVENT_OVERHEAD = 4;

/** Internal events handed over by contexts without the registry: the platform's own handler (src/core/internal-events.ts). */
const INTERNAL_RELAY: readonly Owned<EventHandler>[] = [{ feature: INTERNAL_RELAY_OWNER, def: internalEventRelay as EventHandler }];

/** The per-event handlers an event reaches: its type and scope, and each handler's `accepts`. */
export function handlersOf(registry: Registry, event: QueuedEvent): readonly Owned<EventHandler>[] {
  if (event.type === INTERNAL_EVENT_DISPATCH) return eventGuildId(event) ? INTERNAL_RELAY : [];
  const all = registry.eventHandlers(event.type, eventGuildId(event));
  if (!all.some((h) => h.def.accepts)) return all;
  return all.filter(({ def }) => {
    if (!def.accepts) return true;
    try {
      return def.accepts(event.payload);
    } catch {
      return true; // the handler decides (and fails or not) on its own terms
    }
  });
}

/** Most subrequests one event may cost: each handler's and hook's declared cost, plus the lake's (the settlement records what ran). */
export function eventCost(registry: Registry, event: QueuedEvent): number {
  let cost = EVENT_OVERHEAD;
  for (const { def } of handlersOf(registry, event)) cost += def.cost ?? DEFAULT_EVENT_COST;
  for (const { def } of registry.hooksFor(event.type, eventGuildId(event))) cost += def.cost(1);
  return cost;
}

/** The services the events of one batch share: one counted database handle and REST client, one budget. */
export type EventServices = ReturnType<typeof lazyServices> & { budget: Budget };

/** Services for one batch, counting against `budget`. */
export function eventServices(env: Env, ctx: ExecutionContext, budget: Budget): EventServices {
  return Object.assign(lazyServices({ env, waitUntil: (p) => ctx.waitUntil(p), discordOptions: { maxWaitMs: EVENT_REST_MAX_WAIT_MS }, budget }), { budget });
}

/** What happened to one queued event. */
export type EventOutcome = 'handled' | 'duplicate' | 'busy' | 'retry' | 'deferred' | 'dead';

function maxAttempts(env: Env): number {
  return appConfig(env).EVENT_MAX_ATTEMPTS;
}

function log(msg: string, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ msg, ...fields }));
}

/** The guild an event belongs to (the relay's field, else the payload's), or null (DMs). */
export function eventGuildId(event: QueuedEvent): string | null {
  return event.guildId ?? guildIdOf(event.payload);
}

/** The context a handler of one event receives; no guild configuration outside a guild. */
function eventContext(registry: Registry, env: Env, services: EventServices, event: QueuedEvent): EventContext {
  const guildId = eventGuildId(event);
  let config: GuildConfig | undefined;
  return {
    env,
    registry,
    budget: services.budget,
    sourceId: event.sourceId,
    guildId,
    waitUntil: services.waitUntil,
    get db() {
      return services.db;
    },
    get discord() {
      return services.discord;
    },
    get config() {
      return guildId ? (config ??= new GuildConfig(services.db, guildId)) : undefined;
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
 * Records one event and runs the handlers it still owes. Attempts are counted on the lake row
 * (one per claim; a deferral gives its attempt back). Resolves with what happened; the caller
 * acks or retries accordingly.
 */
export async function processEvent(
  registry: Registry,
  event: QueuedEvent,
  env: Env,
  ctx: ExecutionContext,
  services: EventServices = eventServices(env, ctx, Budget.unlimited()),
): Promise<{ outcome: EventOutcome; delaySeconds?: number }> {
  const db = services.db;
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
  const handlerCtx = eventContext(registry, env, services, event);
  const enabled = new Map<string, Promise<boolean>>();
  // What has run, written with the settlement (one update per event): a retry after a failure
  // skips what finished; an isolate that dies mid-event runs its finished handlers again, which
  // at-least-once handlers allow.
  const finished = [...claim.handled];
  try {
    for (const { feature, def } of handlersOf(registry, event)) {
      const name = `${feature.name}.${def.name}`;
      if (finished.includes(name)) continue;
      if (handlerCtx.config && feature.toggleable !== false) {
        if (!enabled.has(feature.name)) enabled.set(feature.name, handlerCtx.config.moduleEnabled(feature.name, feature.enabledByDefault ?? true));
        if (!(await enabled.get(feature.name))) continue;
      }
      try {
        await def.handler(handlerCtx, event.payload);
      } catch (error) {
        if (!(error instanceof RateLimitedError)) log('event handler failed', { handler: name, sourceId: event.sourceId, attempt: claim.attempts, error: String(error) });
        throw error;
      }
      finished.push(name);
    }
    // Lake hooks of a type that also has handlers see the event here, as a batch of one.
    const guildId = handlerCtx.guildId;
    for (const { feature, def } of registry.hooksFor(event.type, guildId)) {
      const name = `${feature.name}.${def.name}`;
      if (finished.includes(name)) continue;
      if (guildId && feature.toggleable !== false && !(await handlerCtx.config!.moduleEnabled(feature.name, feature.enabledByDefault ?? true))) continue;
      await callHook(def, hookContext(registry, env, services), [{ sourceId: event.sourceId, type: event.type, guildId, payload: event.payload, facts: lakeFacts(event.type, event.payload, event.receivedAt ?? now) }]);
      finished.push(name);
    }
  } catch (error) {
    if (error instanceof RateLimitedError) {
      // Not a failure: give the attempt back and come back when the limit has reset.
      await db
        .update(gatewayEvents)
        .set({ attempts: sql`max(0, ${gatewayEvents.attempts} - 1)`, leaseUntil: 0, handled: finished })
        .where(bySource);
      return { outcome: 'deferred', delaySeconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) };
    }
    const lastError = String(error).slice(0, 500);
    const tries = claim.attempts;
    if (tries >= maxAttempts(env)) {
      services.budget.count(1);
      await env.EVENTS_DLQ.send(event);
      await db.update(gatewayEvents).set({ status: 'dead', leaseUntil: 0, lastError, handled: finished }).where(bySource);
      log('event dead-lettered', { sourceId: event.sourceId, type: event.type, attempts: tries, error: lastError });
      return { outcome: 'dead' };
    }
    await db.update(gatewayEvents).set({ leaseUntil: 0, lastError, handled: finished }).where(bySource);
    return { outcome: 'retry', delaySeconds: retryDelaySeconds(tries) };
  }
  await db.update(gatewayEvents).set({ status: 'done', leaseUntil: 0, lastError: null, handled: finished }).where(bySource);
  return { outcome: 'handled' };
}

/** The lake columns a first write fills, in the order of {@link lakeTuple}. */
const LAKE_INSERT_COLUMNS = [
  gatewayEvents.sourceId,
  gatewayEvents.type,
  gatewayEvents.guildId,
  gatewayEvents.channelId,
  gatewayEvents.userId,
  gatewayEvents.occurredAt,
  gatewayEvents.receivedAt,
  gatewayEvents.payload,
  gatewayEvents.status,
  gatewayEvents.attempts,
  gatewayEvents.leaseUntil,
];

/** An event with its lake facts and its lake row as JSON text (a tuple of {@link LAKE_INSERT_COLUMNS}' first eight): computed once per delivery. */
interface LakeEntry {
  facts: LakeFacts;
  /** The row's JSON text, for {@link lakeInsert}; its length bounds a chunk's bytes. */
  row: string;
}

function lakeEntry(event: QueuedEvent, now: number): LakeEntry {
  const facts = lakeFacts(event.type, event.payload, event.receivedAt ?? now);
  const r = lakeRow(event, now, facts);
  const tuple: TupleValue[] = [r.sourceId, r.type, r.guildId, r.channelId, r.userId, r.occurredAt, r.receivedAt, r.payload as Record<string, unknown>];
  return { facts, row: JSON.stringify(tuple) };
}

/**
 * One statement that writes the lake rows (`lakeEntry(…).row`) of a chunk of events
 * (insert-or-ignore on the source id) in `state`, returning the source ids it created: a
 * chunk of events is one statement and one parameter, not one per event (`db/bulk.ts`).
 */
function lakeInsert(db: Db, rows: readonly string[], state: { status: 'pending' | 'done'; attempts: number; leaseUntil: number }) {
  return db.all<{ source_id: string }>(
    sql`${insertFromTuples(gatewayEvents, LAKE_INSERT_COLUMNS, [0, 1, 2, 3, 4, 5, 6, 7, sql`${state.status}`, sql`${state.attempts}`, sql`${state.leaseUntil}`], { json: `[${rows.join(',')}]` })} ON CONFLICT ${columnList([gatewayEvents.sourceId])} DO NOTHING RETURNING ${columnList([gatewayEvents.sourceId])}`,
  );
}

/** The lake row of an event, as first written. */
function lakeRow(event: QueuedEvent, now: number, facts = lakeFacts(event.type, event.payload, event.receivedAt ?? now)) {
  const receivedAt = event.receivedAt ?? now;
  return {
    sourceId: event.sourceId,
    type: event.type,
    guildId: eventGuildId(event),
    channelId: facts.channelId,
    userId: facts.userId,
    occurredAt: facts.occurredAt,
    receivedAt,
    payload: facts.summary,
  };
}

/** The context lake hooks of one batch share. */
function hookContext(registry: Registry, env: Env, services: EventServices): LakeHookContext {
  const configs = new Map<string, GuildConfig>();
  return {
    env,
    registry,
    budget: services.budget,
    waitUntil: services.waitUntil,
    get db() {
      return services.db;
    },
    get discord() {
      return services.discord;
    },
    config(guildId: string) {
      let config = configs.get(guildId);
      if (!config) configs.set(guildId, (config = new GuildConfig(services.db, guildId)));
      return config;
    },
  };
}

/**
 * Runs a lake hook of either scope. The caller hands it events of its scope only (guild events
 * to a guild hook, events without a guild to a DM hook), which the union type cannot express.
 */
function callHook(def: AnyLakeHook, ctx: LakeHookContext, events: LakeEvent<string | null>[]): Promise<void> {
  return (def.handler as (ctx: LakeHookContext, events: LakeEvent<string | null>[]) => Promise<void>)(ctx, events);
}

/** The key of a (guild or DM, type) pair in {@link hookWants}' answer. */
function hookKey(guildId: string | null, type: string): string {
  return `${guildId ?? 'dm'}:${type}`;
}

/** The `guild:type` pairs (and `dm:type` for DM hooks) of a batch some lake hook wants (asked once per guild pair). */
async function hookWants(registry: Registry, env: Env, services: EventServices, deliveries: readonly Delivery[]): Promise<Set<string>> {
  const pairs = new Map<string, { guildId: string; type: string }>();
  const out = new Set<string>();
  for (const d of deliveries) {
    const guildId = eventGuildId(d.event);
    if (registry.hooksFor(d.event.type, guildId).length === 0) continue;
    // A DM hook wants every event of its types (there is no guild to ask about).
    if (guildId) pairs.set(hookKey(guildId, d.event.type), { guildId, type: d.event.type });
    else out.add(hookKey(null, d.event.type));
  }
  if (pairs.size === 0) return out;
  const ctx = hookContext(registry, env, services);
  await Promise.all(
    [...pairs].map(async ([key, { guildId, type }]) => {
      for (const { def } of registry.hooksFor(type, guildId)) {
        // A failing check hands the events to the hook (which fails or succeeds on its own terms).
        const wants = def.scope === 'dm' ? undefined : (def as LakeHook).wants;
        if (!wants || (await wants(ctx, guildId, type).catch(() => true))) {
          out.add(key);
          return;
        }
      }
    }),
  );
  return out;
}

/**
 * Most events a chunk of the hooked path takes: a whole queue batch (20 messages of 25
 * events). The insert, the claim of redeliveries and the settle each carry the chunk's rows
 * or source ids in one JSON parameter, so the size is bounded by {@link HOOKED_ROW_CHARS}
 * and the hooks' cost, not by D1's 100 bound parameters; fewer, larger chunks are fewer
 * round trips for the same rows (issue 14: 80-event chunks ran the rules pipeline ≈ 25 %
 * slower).
 */
const HOOKED_PER_BATCH = 500;
/** Most characters of lake rows in one chunk's insert (D1 takes a value up to 2 MB; a member's role list makes a row up to a few KB). */
const HOOKED_ROW_CHARS = 1_000_000;

/**
 * The path of guild events no per-event handler takes but lake hooks do (the rules engine's
 * messages): recorded and claimed a chunk at a time (insert-or-ignore as `pending` and leased:
 * a row the insert creates is claimed by it; redeliveries are claimed by a conditional update
 * of those pending and not leased), handed to each hook at once,
 * then settled together: `done` with the hooks' names in `handled`, or, when a hook throws,
 * released for a retry (the hooks that finished are recorded and not run again). Costs per
 * chunk: 1 (+ 1 with redeliveries) + each hook's `cost(n)` + 1, reserved before it starts.
 */
async function processHooked(registry: Registry, deliveries: Delivery[], env: Env, services: EventServices): Promise<void> {
  const db = services.db;
  const hookCtx = hookContext(registry, env, services);
  const now = Date.now();
  const entries = deliveries.map((d) => lakeEntry(d.event, now));
  for (let i = 0; i < deliveries.length; ) {
    let end = i + 1;
    let chars = entries[i]!.row.length;
    while (end < deliveries.length && end - i < HOOKED_PER_BATCH && chars + entries[end]!.row.length <= HOOKED_ROW_CHARS) chars += entries[end++]!.row.length;
    const chunk = deliveries.slice(i, end);
    const chunkEntries = entries.slice(i, end);
    const hooks = new Map<string, Owned<AnyLakeHook>>();
    for (const d of chunk) for (const h of registry.hooksFor(d.event.type, eventGuildId(d.event))) hooks.set(`${h.feature.name}.${h.def.name}`, h);
    const cost = 3 + [...hooks.values()].reduce((n, h) => n + h.def.cost(chunk.length), 0);
    const slot = services.budget.reserve(Math.min(cost, services.budget.capacity));
    if (!slot) {
      for (const d of deliveries.slice(i)) {
        d.retryIn = BUDGET_DEFER_SECONDS;
        d.deferred = true;
      }
      return;
    }
    try {
      await processHookedChunk(registry, chunk, chunkEntries, hooks, env, services, hookCtx, db);
    } catch (error) {
      log('event consumer failed', { events: chunk.length, error: String(error) });
      for (const d of chunk) d.retryIn ??= retryDelaySeconds(d.attempts);
    } finally {
      slot.release();
    }
    i = end;
  }
}

async function processHookedChunk(
  registry: Registry,
  chunk: Delivery[],
  entries: LakeEntry[],
  hooks: Map<string, Owned<AnyLakeHook>>,
  env: Env,
  services: EventServices,
  hookCtx: LakeHookContext,
  db: Db,
): Promise<void> {
  const now = Date.now();
  // A row this insert creates is claimed by it (pending, attempt 1, leased): one round trip for first deliveries.
  const inserted = await lakeInsert(
    db,
    entries.map((e) => e.row),
    { status: 'pending', attempts: 1, leaseUntil: now + EVENT_LEASE_MS },
  );
  const factsOf = new Map(chunk.map((d, i) => [d, entries[i]!.facts]));
  const claims = new Map<string, { handled: string[]; attempts: number }>();
  for (const r of inserted) claims.set(r.source_id, { handled: [], attempts: 1 });
  const again = chunk.filter((d) => !claims.has(d.event.sourceId));
  if (again.length > 0) {
    // Redeliveries: claim those still pending and not leased; the others are done or held elsewhere.
    const bySources = inJsonList(
      gatewayEvents.sourceId,
      again.map((d) => d.event.sourceId),
    );
    const [claimedAgain, current] = await db.batch([
      db
        .update(gatewayEvents)
        .set({ attempts: sql`${gatewayEvents.attempts} + 1`, leaseUntil: now + EVENT_LEASE_MS })
        .where(and(bySources, eq(gatewayEvents.status, 'pending'), lte(gatewayEvents.leaseUntil, now)))
        .returning({ sourceId: gatewayEvents.sourceId, handled: gatewayEvents.handled, attempts: gatewayEvents.attempts }),
      db.select({ sourceId: gatewayEvents.sourceId, status: gatewayEvents.status, leaseUntil: gatewayEvents.leaseUntil }).from(gatewayEvents).where(bySources),
    ]);
    for (const c of claimedAgain) claims.set(c.sourceId, { handled: c.handled, attempts: c.attempts });
    const rows = new Map(current.map((c) => [c.sourceId, c]));
    for (const d of again) {
      const row = rows.get(d.event.sourceId);
      if (!claims.has(d.event.sourceId) && row?.status === 'pending') d.retryIn = Math.max(1, Math.ceil((row.leaseUntil - now) / 1000)); // another delivery holds it
    }
  }
  const claimed = chunk.filter((d) => claims.has(d.event.sourceId));
  if (claimed.length === 0) return;
  const finished = new Map<string, string[]>(claimed.map((d) => [d.event.sourceId, [...claims.get(d.event.sourceId)!.handled]]));
  // Events that owe a hook after this run: failed (retry with backoff), or deferred (a rate
  // limit, or no budget left to isolate a failure: no attempt spent).
  const owed = new Map<string, { error: unknown; deferred: boolean; retryAfterMs?: number }>();
  let rateLimited: RateLimitedError | undefined;
  /**
   * Runs a hook over `events`. When it throws (not a rate limit), the events are split in
   * halves and each half tried on its own (within the budget), down to single events, so one
   * event the hook cannot take fails alone instead of sending the whole chunk round again
   * until it is dead-lettered. Hooks are at least once, so a half that repeats work is fine.
   */
  const runHook = async (name: string, def: AnyLakeHook, events: LakeEvent<string | null>[], nested: boolean): Promise<void> => {
    try {
      await callHook(def, hookCtx, events);
      for (const e of events) finished.get(e.sourceId)!.push(name);
      return;
    } catch (error) {
      if (error instanceof RateLimitedError) {
        rateLimited = error;
        return;
      }
      if (!nested || events.length === 1) log('lake hook failed', { handler: name, events: events.length, error: String(error) });
      if (events.length === 1) {
        owed.set(events[0]!.sourceId, { error, deferred: false });
        return;
      }
      const half = Math.ceil(events.length / 2);
      for (const part of [events.slice(0, half), events.slice(half)]) {
        if (rateLimited) return;
        const slot = services.budget.reserve(Math.min(def.cost(part.length), services.budget.capacity));
        if (!slot) {
          for (const e of part) owed.set(e.sourceId, { error, deferred: true });
          continue;
        }
        try {
          await runHook(name, def, part, true);
        } finally {
          slot.release();
        }
      }
    }
  };
  for (const [name, { feature, def }] of hooks) {
    const enabled = new Map<string, boolean>();
    const events: LakeEvent<string | null>[] = [];
    const dmHook = def.scope === 'dm';
    for (const d of claimed) {
      const guildId = eventGuildId(d.event);
      if (owed.has(d.event.sourceId) || !def.types.includes(d.event.type as never) || finished.get(d.event.sourceId)!.includes(name)) continue;
      if (dmHook !== (guildId === null)) continue;
      if (guildId && feature.toggleable !== false) {
        if (!enabled.has(guildId)) enabled.set(guildId, await hookCtx.config(guildId).moduleEnabled(feature.name, feature.enabledByDefault ?? true));
        if (!enabled.get(guildId)) continue;
      }
      events.push({ sourceId: d.event.sourceId, type: d.event.type, guildId, payload: d.event.payload, facts: factsOf.get(d)! });
    }
    if (events.length === 0) continue;
    await runHook(name, def, events, false);
    if (rateLimited) break;
  }
  if (rateLimited) {
    // Every event that has not finished goes back for when the limit resets (finished hooks are recorded).
    for (const d of claimed) if (!owed.has(d.event.sourceId)) owed.set(d.event.sourceId, { error: rateLimited, deferred: true, retryAfterMs: rateLimited.retryAfterMs });
  }
  const complete = claimed.filter((d) => !owed.has(d.event.sourceId));
  const statements: BatchItem<'sqlite'>[] = [];
  // One statement per distinct `handled` list (normally one for the whole chunk).
  const groups = new Map<string, string[]>();
  for (const d of complete) {
    const k = JSON.stringify(finished.get(d.event.sourceId)!);
    groups.set(k, [...(groups.get(k) ?? []), d.event.sourceId]);
  }
  for (const [names, group] of groups) {
    statements.push(
      db
        .update(gatewayEvents)
        .set({ status: 'done', leaseUntil: 0, lastError: null, handled: JSON.parse(names) as string[] })
        .where(inJsonList(gatewayEvents.sourceId, group)),
    );
  }
  const incomplete = claimed.filter((d) => owed.has(d.event.sourceId));
  const dead = incomplete.filter((d) => !owed.get(d.event.sourceId)!.deferred && claims.get(d.event.sourceId)!.attempts >= maxAttempts(env));
  const deadIds = new Set(dead.map((d) => d.event.sourceId));
  for (const d of incomplete) {
    const { error, deferred } = owed.get(d.event.sourceId)!;
    statements.push(
      db
        .update(gatewayEvents)
        .set({
          handled: finished.get(d.event.sourceId)!,
          leaseUntil: 0,
          lastError: String(error).slice(0, 500),
          ...(deferred ? { attempts: sql`max(0, ${gatewayEvents.attempts} - 1)` } : {}),
          ...(deadIds.has(d.event.sourceId) ? { status: 'dead' } : {}),
        })
        .where(eq(gatewayEvents.sourceId, d.event.sourceId)),
    );
  }
  for (const d of dead) {
    services.budget.count(1);
    await env.EVENTS_DLQ.send(d.event);
    log('event dead-lettered', { sourceId: d.event.sourceId, type: d.event.type, attempts: claims.get(d.event.sourceId)!.attempts, error: String(owed.get(d.event.sourceId)!.error).slice(0, 500) });
  }
  if (statements.length > 0) await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  for (const d of incomplete) {
    if (deadIds.has(d.event.sourceId)) continue;
    const o = owed.get(d.event.sourceId)!;
    if (o.deferred) {
      d.retryIn = o.retryAfterMs !== undefined ? Math.max(1, Math.ceil(o.retryAfterMs / 1000)) : BUDGET_DEFER_SECONDS;
      d.deferred = true;
    } else d.retryIn = retryDelaySeconds(d.attempts);
  }
}

/** Statements per D1 batch when recording events no feature handles. */
const UNHANDLED_PER_BATCH = 100;

/**
 * Records events no feature handles (the lake's analytics rows), already `done`: one
 * statement per hundred events instead of two round trips per event.
 */
async function recordUnhandled(db: Db, events: QueuedEvent[], now: number): Promise<void> {
  const chunks: Promise<unknown>[] = [];
  for (let i = 0; i < events.length; i += UNHANDLED_PER_BATCH) {
    const rows = events.slice(i, i + UNHANDLED_PER_BATCH).map((e) => lakeEntry(e, now).row);
    chunks.push(lakeInsert(db, rows, { status: 'done', attempts: 0, leaseUntil: 0 }));
  }
  await Promise.all(chunks);
}

/** Sends a message's malformed bodies to the dead-letter queue; false when that queue is unreachable. */
async function deadLetter(env: Env, budget: Budget, messageId: string, bodies: unknown[]): Promise<boolean> {
  if (bodies.length === 0) return true;
  try {
    for (const body of bodies) {
      log('event dead-lettered', { reason: 'invalid body', messageId });
      budget.count(1);
      await env.EVENTS_DLQ.send(body);
    }
    return true;
  } catch (error) {
    log('event consumer failed', { reason: 'dead-letter queue unreachable', messageId, error: String(error) });
    return false;
  }
}

/** One event of a delivered message, and what became of it. */
interface Delivery {
  event: QueuedEvent;
  /** Deliveries of this event so far, this one included. */
  attempts: number;
  /** Seconds until it should be tried again; undefined once it needs nothing more. */
  retryIn?: number;
  /** Rate-limited, not failed: goes back as a new message so no delivery count is spent. */
  deferred?: boolean;
}

/**
 * Consumes a batch. Messages carry one event or a pack of them. Events no feature handles are
 * recorded together; every other event is processed on its own. Then each message is settled:
 * acked when all its events are done, retried (backoff) when all of them failed, and
 * otherwise the ones still owed (failed, or deferred by a rate limit) are sent again as a pack
 * of their own with a delay and the message is acked. So one failing event never holds back
 * the rest of its message or batch, and a deferral never spends the queue's delivery count.
 */
export async function consumeEvents(registry: Registry, batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  const budget = new Budget(subrequestBudget(env));
  const services = eventServices(env, ctx, budget);
  const db = services.db;
  const unpacked = batch.messages.map((message) => ({ message, ...unpackEvents(message.body) }));
  // Settling may send each message's leftovers again (one queue send each) and dead-letter malformed bodies: held
  // first, but never more than half the budget (a small budget with a large batch still processes events).
  const settling = budget.reserve(Math.min(Math.floor(budget.limit / 2), unpacked.length + unpacked.reduce((n, m) => n + m.invalid.length, 0)));
  const messages = unpacked.map(({ message, events, invalid, priorAttempts }) => {
    const attempts = priorAttempts + message.attempts;
    return { message, priorAttempts, deliveries: events.map((event): Delivery => ({ event, attempts })), deadLettered: deadLetter(env, budget, message.id, invalid) };
  });
  const all = messages.flatMap((m) => m.deliveries);
  // By type and scope: a guild message that only a DM handler's type matches is just recorded.
  const unhandled: Delivery[] = [];
  const handled: Delivery[] = [];
  const hooked: Delivery[] = [];
  const wanted = await hookWants(registry, env, services, all);
  for (const d of all) {
    const guildId = eventGuildId(d.event);
    (handlersOf(registry, d.event).length > 0 ? handled : wanted.has(hookKey(guildId, d.event.type)) ? hooked : unhandled).push(d);
  }
  const overBudget = (d: Delivery) => {
    d.retryIn = BUDGET_DEFER_SECONDS;
    d.deferred = true;
  };

  const lakeSlot = unhandled.length > 0 ? budget.reserve(Math.ceil(unhandled.length / UNHANDLED_PER_BATCH)) : null;
  if (unhandled.length > 0 && !lakeSlot) unhandled.forEach(overBudget);
  const recorded = !lakeSlot
    ? Promise.resolve()
    : recordUnhandled(
        db,
        unhandled.map((d) => d.event),
        Date.now(),
      )
        .catch((error: unknown) => {
          log('event consumer failed', { events: unhandled.length, error: String(error) });
          for (const d of unhandled) d.retryIn = retryDelaySeconds(d.attempts);
        })
        .finally(() => lakeSlot.release());
  const processed = withinBudget(budget, handled, { cost: (d) => eventCost(registry, d.event) }, async (d) => {
    try {
      const { outcome, delaySeconds } = await processEvent(registry, d.event, env, ctx, services);
      if (outcome === 'retry' || outcome === 'busy' || outcome === 'deferred') d.retryIn = delaySeconds ?? retryDelaySeconds(d.attempts);
      if (outcome === 'deferred') d.deferred = true;
    } catch (error) {
      // The lake or the dead-letter queue is unreachable: nothing was lost, try again later.
      log('event consumer failed', { sourceId: d.event.sourceId, error: String(error) });
      d.retryIn = retryDelaySeconds(d.attempts);
    }
  });
  const bulk = hooked.length > 0 ? processHooked(registry, hooked, env, services) : Promise.resolve();
  const [, { left }] = await Promise.all([recorded, processed, bulk]);
  left.forEach(overBudget);
  settling?.release();

  await Promise.all(
    messages.map(async ({ message, deliveries, priorAttempts, deadLettered }) => {
      if (!(await deadLettered)) {
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
        return;
      }
      const again = deliveries.filter((d) => d.retryIn !== undefined);
      const delaySeconds = Math.max(0, ...again.map((d) => d.retryIn!));
      if (again.length === 0) {
        message.ack();
        return;
      }
      if (again.length === deliveries.length && !again.some((d) => d.deferred)) {
        message.retry({ delaySeconds });
        return;
      }
      try {
        const pack: PackedEvents = { events: again.map((d) => d.event), priorAttempts: priorAttempts + message.attempts };
        budget.count(1);
        await env.EVENTS.send(pack, { contentType: 'json', delaySeconds });
        message.ack();
      } catch (error) {
        // Could not split the message: deliver it whole again (what is done stays done).
        log('event consumer failed', { reason: 'retry send failed', events: again.length, error: String(error) });
        message.retry({ delaySeconds });
      }
    }),
  );
  if (left.length > 0 || budget.overrun || budget.used > budget.limit / 2) {
    const line = { msg: 'events batch', budget: budget.limit, used: budget.used, events: all.length, done: handled.length - left.length, left: left.length };
    if (budget.overrun) log('events batch', { ...line, overrun: true });
    else console.log(JSON.stringify(line));
  }
}
