import { DurableObject } from 'cloudflare:workers';
import { GatewayCloseCodes, GatewayOpcodes } from 'discord-api-types/v10';
import { Outbox } from './outbox';
import { EVENTS_PER_MESSAGE, type QueuedEvent } from './wire';
import { closeMeaning, FATAL_CLOSE_CODES, REIDENTIFY_CLOSE_CODES, RelayCloseCodes } from './close-codes';
import { DEFAULT_FORWARDED_EVENTS, guildIdOf, sourceIdFor } from './dispatch';
import { DEFAULT_INTENTS, shardName, type RelayStatus, type ShardPlan } from './shards';

export { DEFAULT_INTENTS, shardName, type RelayStatus, type ShardPlan };


interface Session {
  id: string;
  resumeUrl: string;
  startedAt: number;
}

interface Timers {
  /** Next heartbeat (while a socket is open). */
  heartbeatAt: number | null;
  heartbeatIntervalMs: number | null;
  /** Next connection attempt (while no socket is open). */
  reconnectAt: number | null;
  /** Next queue flush retry. */
  flushAt: number | null;
}

interface Stats {
  forwarded: number;
  queueMessages: number;
  lastAckLatencyMs: number | null;
  lastClose: RelayStatus['lastClose'];
  /** Connection attempts since the last READY/RESUMED (backoff exponent). */
  attempts: number;
  flushFailures: number;
}

const KEY = { plan: 'plan', session: 'session', seq: 'seq', timers: 'timers', stats: 'stats', stopped: 'stopped', identifyAt: 'identifyAt' } as const;
const NO_TIMERS: Timers = { heartbeatAt: null, heartbeatIntervalMs: null, reconnectAt: null, flushAt: null };
const NO_STATS: Stats = { forwarded: 0, queueMessages: 0, lastAckLatencyMs: null, lastClose: null, attempts: 0, flushFailures: 0 };
/**
 * When the outbox holds less than a full pack, the flush waits this long for more events
 * first (a producer's linger): a burst then travels in full packs, a lone event is ≤ 25 ms late.
 */
const FLUSH_LINGER_MS = 25;
/**
 * Dispatches are stored a few at a time: those that arrive within this long share one storage
 * transaction (one commit, one fsync), instead of one each. Until then they are only in memory,
 * and so is their sequence: an instance that dies first resumes from the last stored sequence,
 * and Discord replays them (the lake dedupes by source id).
 */
const SAVE_COALESCE_MS = 2;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 60_000;
/** While no socket is open and nothing else is due, look again this often. */
const WATCH_MS = 60_000;
/** A socket that has not said HELLO by then is given up and replaced. */
const HELLO_TIMEOUT_MS = 20_000;

/** Delay before connection attempt `attempt` (0 = at once): exponential with jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  if (attempt <= 0) return 0;
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** `ws(s)://host/…` → `http(s)://host/…?v=10&encoding=json` for a `fetch` upgrade. */
export function gatewayFetchUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol === 'wss:') u.protocol = 'https:';
  else if (u.protocol === 'ws:') u.protocol = 'http:';
  u.searchParams.set('v', '10');
  u.searchParams.set('encoding', 'json');
  u.searchParams.delete('compress');
  return u.toString();
}

/**
 * Whether a failed send was refused for its size. Queues says so only in words ("batch size of
 * … bytes exceeds limit of 256000 bytes (10205)", "… exceeds single message size limit …";
 * Miniflare: "Payload Too Large"), so this reads them; anything else is a plain failure.
 */
function isTooLarge(error: unknown): boolean {
  return /too large|exceeds\b.*\blimit|\b413\b/i.test(String(error));
}

let forwardedTypes: ReadonlySet<string> = new Set(DEFAULT_FORWARDED_EVENTS);

/**
 * The gateway relay: one instance per shard (`shard-<i>-of-<n>`) holding Discord's gateway
 * websocket. It heartbeats, resumes and re-identifies on its own, persists its session, and
 * forwards the dispatches features subscribe to into the EVENTS queue. Every timer is a
 * Durable Object alarm, so the relay survives eviction and picks up where it left off.
 *
 * Dispatches are written to an outbox table together with the sequence number in one
 * storage transaction, then flushed to the queue in batches by a separate path, so a
 * heartbeat never waits behind a queue send and a crash between the two loses nothing.
 */
export class GatewayRelay extends DurableObject<Env> {
  /** Adds dispatch types to forward (the bot Worker passes the registry's event types). */
  static forward(types: Iterable<string>): void {
    forwardedTypes = new Set([...DEFAULT_FORWARDED_EVENTS, ...types]);
  }

  private ws: WebSocket | null = null;
  /** Bumped per connection; events of older sockets are ignored. */
  private generation = 0;
  private connecting = false;
  private ready = false;
  /** The stored session, as `onDispatch` last read or wrote it (storage stays the source of truth across instances). */
  private sessionMemo: { value: Session | undefined } | null = null;
  private awaitingAck = false;
  private heartbeatSentAt = 0;
  private openedAt = 0;
  private flushing: Promise<void> | null = null;
  private readonly outbox: Outbox;
  /**
   * After the queue refused a send as too large (its count disagreed with ours), rows up to
   * this id are sent one per message and send, so the one it refuses alone is found and
   * quarantined. In memory: a new instance finds it again the same way.
   */
  private probeUntil: number | null = null;
  /** Dispatches received and not stored yet, and the sequence of the newest (see {@link SAVE_COALESCE_MS}). */
  private unsaved: QueuedEvent[] = [];
  private unsavedSeq: number | null = null;
  private saveScheduled = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.outbox = new Outbox(ctx.storage.sql);
  }

  // ---------------------------------------------------------------------------------- RPC

  /**
   * Starts the shard unless it is already running. A relay stopped by a fatal close (bad
   * token, intents not enabled) stays stopped unless `force` (the admin command) says so.
   */
  async ensure(plan: ShardPlan, { force = false }: { force?: boolean } = {}): Promise<RelayStatus> {
    const kv = this.ctx.storage.kv;
    const previous = kv.get<ShardPlan>(KEY.plan);
    kv.put(KEY.plan, plan);
    if (previous && (previous.shard[0] !== plan.shard[0] || previous.shard[1] !== plan.shard[1])) this.forgetSession();
    if (force) kv.delete(KEY.stopped);
    if (kv.get(KEY.stopped)) return this.status();
    if (!this.ws && !this.connecting) {
      if (!kv.get<Session>(KEY.session)) kv.put(KEY.identifyAt, Date.now() + (plan.identifyDelayMs ?? 0));
      const timers = this.timers();
      if (force || timers.reconnectAt === null || timers.reconnectAt <= Date.now()) {
        this.setTimers({ reconnectAt: null });
        await this.openSocket();
      }
    }
    await this.schedule();
    return this.status();
  }

  /** Reconnects with the stored plan if the socket is gone and nothing is scheduled (keep-alive cron). */
  async wake(): Promise<RelayStatus> {
    const kv = this.ctx.storage.kv;
    if (kv.get(KEY.plan) && !kv.get(KEY.stopped) && !this.ws && !this.connecting) {
      const { reconnectAt } = this.timers();
      if (reconnectAt === null || reconnectAt <= Date.now()) {
        this.setTimers({ reconnectAt: null });
        await this.openSocket();
      }
    }
    await this.schedule();
    return this.status();
  }

  /** Stops the shard for good (resharding): closes the socket and ends the session. */
  async stop(reason: string): Promise<RelayStatus> {
    this.ctx.storage.kv.put(KEY.stopped, { code: null, reason, at: Date.now() });
    this.forgetSession();
    this.detach(1000, reason);
    this.setTimers({ heartbeatAt: null, reconnectAt: null });
    await this.schedule();
    return this.status();
  }

  /** The relay's report. */
  async status(): Promise<RelayStatus> {
    this.saveDispatches();
    const kv = this.ctx.storage.kv;
    const plan = kv.get<ShardPlan>(KEY.plan) ?? null;
    const session = kv.get<Session>(KEY.session) ?? null;
    const stats = this.stats();
    const stopped = kv.get<NonNullable<RelayStatus['stopped']>>(KEY.stopped) ?? null;
    const connected = this.ws !== null && this.ready;
    const state: RelayStatus['state'] = stopped
      ? 'stopped'
      : connected
        ? 'connected'
        : this.ws || this.connecting
          ? 'connecting'
          : plan
            ? 'reconnecting'
            : 'idle';
    const pending = this.pendingEvents();
    const quarantine = this.outbox.quarantined();
    const detail = stopped
      ? `stopped: ${stopped.reason}`
      : connected
        ? `connected, session ${session?.id.slice(0, 8)}`
        : stats.lastClose
          ? `not connected: last close ${stats.lastClose.code} (${stats.lastClose.meaning})`
          : plan
            ? 'not connected yet'
            : 'not started';
    return {
      ok: !stopped || stopped.code === null,
      name: plan ? shardName(plan.shard[0], plan.shard[1]) : null,
      shard: plan?.shard ?? null,
      state,
      connected,
      sessionAgeMs: connected && session ? Date.now() - session.startedAt : null,
      lastAckLatencyMs: stats.lastAckLatencyMs,
      lastSeq: kv.get<number>(KEY.seq) ?? null,
      eventsForwarded: stats.forwarded,
      queueMessages: stats.queueMessages,
      pendingEvents: pending,
      quarantined: quarantine.count,
      quarantine: quarantine.newest,
      lastClose: stats.lastClose,
      stopped,
      detail,
    };
  }

  /** Every timer: heartbeat, reconnect (also after eviction), queue flush retries. */
  override async alarm(): Promise<void> {
    this.saveDispatches();
    const now = Date.now();
    const timers = this.timers();
    if (this.ws && timers.heartbeatAt !== null && timers.heartbeatAt <= now) this.heartbeat(now);
    if (this.ws && timers.heartbeatAt === null && now >= this.openedAt + HELLO_TIMEOUT_MS) {
      console.error(JSON.stringify({ msg: 'gateway sent no HELLO', shard: this.ctx.storage.kv.get<ShardPlan>(KEY.plan)?.shard }));
      this.reconnect(GatewayCloseCodes.UnknownError, { resume: true });
    }
    const stopped = this.ctx.storage.kv.get(KEY.stopped);
    if (!this.ws && !this.connecting && !stopped && this.ctx.storage.kv.get(KEY.plan)) {
      if (timers.reconnectAt === null || timers.reconnectAt <= now) {
        this.setTimers({ reconnectAt: null });
        await this.openSocket();
      }
    }
    if (timers.flushAt !== null && timers.flushAt <= now) this.setTimers({ flushAt: null });
    // Also picks up events an earlier instance stored but never sent (it was evicted mid-flush).
    if (this.timers().flushAt === null && this.pendingEvents() > 0) this.startFlush();
    await this.schedule();
  }

  // --------------------------------------------------------------------------- connection

  private async openSocket(): Promise<void> {
    const kv = this.ctx.storage.kv;
    const plan = kv.get<ShardPlan>(KEY.plan);
    if (!plan || this.connecting) return;
    const session = kv.get<Session>(KEY.session);
    const identifyAt = kv.get<number>(KEY.identifyAt) ?? 0;
    if (!session && identifyAt > Date.now()) {
      this.setTimers({ reconnectAt: identifyAt });
      return;
    }
    const stats = this.stats();
    this.setStats({ attempts: stats.attempts + 1 });
    const generation = ++this.generation;
    this.connecting = true;
    let ws: WebSocket | null = null;
    try {
      const res = await fetch(gatewayFetchUrl(session ? session.resumeUrl : plan.url), { headers: { Upgrade: 'websocket' } });
      ws = res.webSocket;
      if (!ws) throw new Error(`gateway answered ${res.status} without a websocket`);
    } catch (error) {
      console.error(JSON.stringify({ msg: 'gateway connect failed', shard: plan.shard, error: String(error) }));
      this.setStats({ lastClose: { code: 1006, meaning: `could not connect: ${String(error).slice(0, 200)}`, at: Date.now() } });
      this.retryLater();
      return;
    } finally {
      this.connecting = false;
    }
    if (generation !== this.generation) {
      ws.accept();
      ws.close(RelayCloseCodes.Stopped, 'superseded');
      return;
    }
    ws.accept();
    this.ws = ws;
    this.openedAt = Date.now();
    this.ready = false;
    this.awaitingAck = false;
    ws.addEventListener('message', (event) => this.onMessage(generation, event.data));
    ws.addEventListener('close', (event) => this.onClose(generation, event.code || 1005));
    ws.addEventListener('error', () => this.onClose(generation, 1006));
  }

  /** Closes the current socket (if any) without reacting to its close event. */
  private detach(code: number, reason: string): void {
    this.saveDispatches();
    const ws = this.ws;
    this.generation++;
    this.ws = null;
    this.ready = false;
    this.awaitingAck = false;
    this.setTimers({ heartbeatAt: null });
    if (!ws) return;
    this.setStats({ lastClose: { code, meaning: closeMeaning(code), at: Date.now() } });
    try {
      ws.close(code, reason);
    } catch (error) {
      // Already closing: nothing left to close.
      console.error(JSON.stringify({ msg: 'gateway close failed', error: String(error) }));
    }
  }

  /** Schedules the next connection attempt with backoff (the first is immediate). */
  private retryLater(minDelayMs = 0): void {
    const delay = Math.max(minDelayMs, backoffMs(this.stats().attempts));
    this.setTimers({ reconnectAt: Date.now() + delay });
    this.ctx.waitUntil(this.schedule());
  }

  /** Resumes on the next connection if a session is kept, else identifies. */
  private reconnect(code: number, { resume, minDelayMs = 0 }: { resume: boolean; minDelayMs?: number }): void {
    this.detach(code, closeMeaning(code));
    if (!resume) this.forgetSession();
    this.retryLater(minDelayMs);
  }

  private onClose(generation: number, code: number): void {
    if (generation !== this.generation) return;
    this.saveDispatches();
    this.ws = null;
    this.ready = false;
    this.generation++;
    this.setTimers({ heartbeatAt: null });
    const meaning = closeMeaning(code);
    this.setStats({ lastClose: { code, meaning, at: Date.now() } });
    const shard = this.ctx.storage.kv.get<ShardPlan>(KEY.plan)?.shard;
    if (FATAL_CLOSE_CODES.has(code)) {
      console.error(JSON.stringify({ msg: 'gateway stopped', shard, code, meaning }));
      this.ctx.storage.kv.put(KEY.stopped, { code, reason: `${code}: ${meaning}`, at: Date.now() });
      this.forgetSession();
      this.setTimers({ reconnectAt: null });
      this.ctx.waitUntil(this.schedule());
      return;
    }
    console.error(JSON.stringify({ msg: 'gateway closed', shard, code, meaning }));
    if (REIDENTIFY_CLOSE_CODES.has(code)) this.forgetSession();
    this.retryLater();
  }

  private send(payload: { op: GatewayOpcodes; d: unknown }): void {
    this.ws?.send(JSON.stringify(payload));
  }

  private heartbeat(now: number): void {
    this.saveDispatches();
    if (this.awaitingAck) {
      // No ACK since the last heartbeat: the connection is a zombie. Resume on a fresh one.
      console.error(JSON.stringify({ msg: 'gateway zombie connection', shard: this.ctx.storage.kv.get<ShardPlan>(KEY.plan)?.shard }));
      this.reconnect(RelayCloseCodes.Zombie, { resume: true });
      return;
    }
    this.send({ op: GatewayOpcodes.Heartbeat, d: this.ctx.storage.kv.get<number>(KEY.seq) ?? null });
    this.awaitingAck = true;
    this.heartbeatSentAt = now;
    const interval = this.timers().heartbeatIntervalMs ?? 41_250;
    this.setTimers({ heartbeatAt: now + interval });
  }

  private onMessage(generation: number, data: unknown): void {
    if (generation !== this.generation || typeof data !== 'string') return;
    let payload: { op: number; d: unknown; s?: number | null; t?: string | null };
    try {
      payload = JSON.parse(data) as typeof payload;
    } catch {
      console.error(JSON.stringify({ msg: 'gateway sent invalid JSON' }));
      return;
    }
    const kv = this.ctx.storage.kv;
    const now = Date.now();
    switch (payload.op) {
      case GatewayOpcodes.Hello: {
        const interval = Number((payload.d as { heartbeat_interval?: number } | null)?.heartbeat_interval) || 41_250;
        this.setTimers({ heartbeatIntervalMs: interval, heartbeatAt: now + Math.round(interval * Math.random()) });
        const plan = kv.get<ShardPlan>(KEY.plan);
        const session = kv.get<Session>(KEY.session);
        if (!plan) return;
        if (session) {
          this.send({ op: GatewayOpcodes.Resume, d: { token: this.env.DISCORD_BOT_TOKEN, session_id: session.id, seq: kv.get<number>(KEY.seq) ?? 0 } });
        } else {
          kv.delete(KEY.seq);
          this.send({
            op: GatewayOpcodes.Identify,
            d: {
              token: this.env.DISCORD_BOT_TOKEN,
              intents: plan.intents,
              properties: { os: 'linux', browser: 'gatehouse', device: 'gatehouse' },
              shard: plan.shard,
            },
          });
        }
        this.ctx.waitUntil(this.schedule());
        return;
      }
      case GatewayOpcodes.HeartbeatAck:
        this.awaitingAck = false;
        this.setStats({ lastAckLatencyMs: now - this.heartbeatSentAt });
        return;
      case GatewayOpcodes.Heartbeat:
        this.saveDispatches();
        this.send({ op: GatewayOpcodes.Heartbeat, d: kv.get<number>(KEY.seq) ?? null });
        return;
      case GatewayOpcodes.Reconnect:
        this.reconnect(RelayCloseCodes.Reconnect, { resume: true });
        return;
      case GatewayOpcodes.InvalidSession: {
        const resumable = payload.d === true;
        // Discord asks for a 1–5 s pause before identifying again.
        this.reconnect(RelayCloseCodes.InvalidSession, { resume: resumable, minDelayMs: resumable ? 0 : 1000 + Math.round(4000 * Math.random()) });
        return;
      }
      case GatewayOpcodes.Dispatch:
        this.onDispatch(payload.t ?? '', payload.d, payload.s ?? null, now);
        return;
    }
  }

  /** Ends the stored session (the next connection identifies). */
  private forgetSession(): void {
    this.saveDispatches();
    this.ctx.storage.kv.delete(KEY.session);
    this.sessionMemo = { value: undefined };
  }

  private onDispatch(type: string, d: unknown, seq: number | null, now: number): void {
    const kv = this.ctx.storage.kv;
    if (type === 'READY') {
      const ready = d as { session_id: string; resume_gateway_url: string };
      const session: Session = { id: ready.session_id, resumeUrl: ready.resume_gateway_url, startedAt: now };
      kv.put(KEY.session, session);
      this.sessionMemo = { value: session };
    }
    if (type === 'READY' || type === 'RESUMED') {
      this.ready = true;
      this.setStats({ attempts: 0 });
    }
    if (seq === null) return;
    // Read from storage once, then from memory: every dispatch needs it (its source id).
    const session = (this.sessionMemo ??= { value: kv.get<Session>(KEY.session) }).value;
    if (forwardedTypes.has(type) && session) this.unsaved.push({ type, sourceId: sourceIdFor(type, d, session.id, seq), guildId: guildIdOf(d), payload: d, receivedAt: now });
    this.unsavedSeq = seq;
    if (!this.saveScheduled) {
      this.saveScheduled = true;
      this.ctx.waitUntil(
        scheduler.wait(SAVE_COALESCE_MS).then(() => {
          this.saveScheduled = false;
          this.saveDispatches();
        }),
      );
    }
  }

  /**
   * Stores the dispatches received since the last save, and the sequence that acknowledges
   * them, in one transaction: a resume after a crash starts after the last stored event, never
   * after one that was lost. Everything that reads the sequence or the outbox saves first.
   */
  private saveDispatches(): void {
    if (this.unsavedSeq === null) return;
    const events = this.unsaved;
    const seq = this.unsavedSeq;
    this.unsaved = [];
    this.unsavedSeq = null;
    this.ctx.storage.transactionSync(() => {
      for (const event of events) this.outbox.add(event);
      this.ctx.storage.kv.put(KEY.seq, seq);
    });
    if (events.length > 0) this.startFlush();
  }

  // ------------------------------------------------------------------------------- flush

  /** Starts draining the outbox unless a drain is running; never awaited by the socket path. */
  private startFlush(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
    });
    this.ctx.waitUntil(this.flushing);
  }

  private async flush(): Promise<void> {
    for (;;) {
      if (this.pendingEvents() < EVENTS_PER_MESSAGE) await scheduler.wait(FLUSH_LINGER_MS);
      this.saveDispatches();
      const probing = this.probeUntil !== null;
      const batch = this.outbox.next({ probe: probing });
      if (batch.oversized.length > 0) this.quarantine(batch.oversized, 'larger than a queue message');
      if (batch.messages.length === 0) {
        if (batch.oversized.length > 0) continue;
        this.probeUntil = null;
        return;
      }
      try {
        await this.env.EVENTS.sendBatch(batch.messages.map((body) => ({ body, contentType: 'text' as const })));
      } catch (error) {
        if (isTooLarge(error)) {
          // The queue counts more than we did. Alone and still refused: it can never go.
          if (probing) {
            this.quarantine(this.outbox.rows(batch.packed), `refused by the queue: ${String(error)}`);
          } else {
            console.error(JSON.stringify({ msg: 'gateway queue refused a send as too large; sending its events one by one', events: batch.events, bytes: batch.bytes, error: String(error) }));
            this.probeUntil = batch.lastId;
          }
          continue;
        }
        const failures = this.stats().flushFailures + 1;
        console.error(JSON.stringify({ msg: 'gateway queue send failed', events: batch.events, failures, error: String(error) }));
        this.setStats({ flushFailures: failures });
        this.setTimers({ flushAt: Date.now() + Math.max(1000, backoffMs(failures)) });
        await this.schedule();
        return;
      }
      const stats = this.stats();
      this.ctx.storage.transactionSync(() => {
        this.outbox.sent(batch.lastId);
        this.setStats({ forwarded: stats.forwarded + batch.events, queueMessages: stats.queueMessages + batch.messages.length, flushFailures: 0 });
      });
      if (this.probeUntil !== null && batch.lastId >= this.probeUntil) this.probeUntil = null;
    }
  }

  /** Moves rows that can never be queued aside (kept for the operator), so the rest flows. */
  private quarantine(rows: Parameters<Outbox['quarantine']>[0], reason: string): void {
    this.ctx.storage.transactionSync(() => this.outbox.quarantine(rows, reason));
    for (const row of rows) {
      console.error(JSON.stringify({ msg: 'gateway event quarantined', shard: this.ctx.storage.kv.get<ShardPlan>(KEY.plan)?.shard, outboxId: row.id, bytes: row.bytes, reason }));
    }
  }

  // ----------------------------------------------------------------------------- storage

  /** Sets the alarm to the earliest due timer. */
  private async schedule(): Promise<void> {
    this.saveDispatches();
    const timers = this.timers();
    const kv = this.ctx.storage.kv;
    const running = kv.get(KEY.plan) && !kv.get(KEY.stopped);
    const due: number[] = [];
    if (this.ws) due.push(timers.heartbeatAt ?? this.openedAt + HELLO_TIMEOUT_MS);
    if (!this.ws && running) due.push(timers.reconnectAt ?? Date.now() + WATCH_MS);
    if (timers.flushAt !== null) due.push(timers.flushAt);
    else if (!this.flushing && this.pendingEvents() > 0) due.push(Date.now() + 1000);
    if (due.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.setAlarm(Math.min(...due));
  }

  private pendingEvents(): number {
    return this.outbox.pending();
  }

  private timers(): Timers {
    return { ...NO_TIMERS, ...this.ctx.storage.kv.get<Partial<Timers>>(KEY.timers) };
  }

  private setTimers(patch: Partial<Timers>): void {
    this.ctx.storage.kv.put(KEY.timers, { ...this.timers(), ...patch });
  }

  private stats(): Stats {
    return { ...NO_STATS, ...this.ctx.storage.kv.get<Partial<Stats>>(KEY.stats) };
  }

  private setStats(patch: Partial<Stats>): void {
    this.ctx.storage.kv.put(KEY.stats, { ...this.stats(), ...patch });
  }
}
