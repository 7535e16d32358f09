/**
 * `ModmailTicket`: the ticket Durable Object. One instance per ticket key
 * (`ticketObjectName(guildId, memberId)`) serialises everything that must happen once per
 * (guild, member): opening (find the open ticket, or write it, make its staff thread and post
 * its card, in that order), and holds the ticket's timers in one alarm (timed close, stale
 * warnings, auto-close: their handlers are modmail-ops', `ops-hooks.ts`). One more instance per
 * user (`inboxObjectName(userId)`) is that user's DM inbox: it takes their gateway DMs in any
 * order, and relays them in message order (read back from the DM channel's history), holding
 * them while no ticket is open.
 *
 * Nothing here must survive in memory: timers and held DMs are in the object's storage, the
 * ticket in D1 (the partial unique index is the last word on "one open ticket"), and every
 * operation resumes where a dead instance left it (a ticket without a thread gets one).
 */
import { DurableObject } from 'cloudflare:workers';
import { lazyServices } from '../../core/interaction-context';
import type { BaseContext } from '../../core/context';
import { HELD_PREFIX, PENDING_PREFIX, PROMPTED_KEY, advanceCursor, drainInbox, heldSubject, padId, releaseHeldDms, seen } from './inbox.service';
import { openTicketNow } from './open.service';
import { ticketAlarmHandlers, type TicketAlarmContext } from './ops-hooks';
import type { DmOutcome, InboundDm, OpenOutcome, OpenRequest, TicketTimer } from './ticket.types';
import type { TicketRow } from './schema';

const TIMER_PREFIX = 'timer:';
const API_BASE_KEY = 'apiBase';
/** A timer whose handler threw is tried again this much later. */
const TIMER_RETRY_MS = 60_000;
/** Storage key: when the inbox's backstop alarm drains again (set while DMs are pending). */
const INBOX_DUE_KEY = 'inbox-due';
/** How long after a DM was stored the backstop drains again if the first drain did not finish. */
export const INBOX_RETRY_MS = 30_000;
/** How long the open ticket the events consumer read with a DM stands in for the inbox's own read. */
const KNOWN_TICKET_FRESH_MS = 2_000;

/** The ticket object; its RPC methods are the API other modules call through `env.MODMAIL_TICKETS`. */
export class ModmailTicket extends DurableObject<Env> {
  private chain: Promise<unknown> = Promise.resolve();
  private services: BaseContext | undefined;
  /** The API base in storage (null: none stored), once read. */
  private apiBase: string | null | undefined;

  /** Runs `work` after everything queued before it: one open (or inbox drain) at a time. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * The object's services. REST goes to the API base its caller uses (the same var in
   * production; in tests, the caller's fake Discord session), remembered for alarms, which
   * have no caller.
   */
  private svc(apiBase?: string): BaseContext {
    // The stored base is read once per instance (every call passes it; storage reads are not free).
    if (this.apiBase === undefined) this.apiBase = this.ctx.storage.kv.get<string>(API_BASE_KEY) ?? null;
    if (apiBase && apiBase !== this.apiBase) {
      this.ctx.storage.kv.put(API_BASE_KEY, apiBase);
      this.apiBase = apiBase;
      this.services = undefined;
    }
    const base = this.apiBase ?? this.env.DISCORD_API_BASE;
    return (this.services ??= lazyServices({ env: { ...this.env, DISCORD_API_BASE: base }, waitUntil: (p) => this.ctx.waitUntil(p) }));
  }

  // ---------------------------------------------------------------------------- opening

  /**
   * The open ticket of the request's (guild, member): the existing one (`created: false`), or
   * a new one with its staff thread and card. 50 concurrent calls give one ticket, one thread.
   */
  open(request: OpenRequest, apiBase?: string): Promise<OpenOutcome> {
    return this.serial(() => openTicketNow(this.svc(apiBase), request, this.ctx.storage.kv));
  }

  // ----------------------------------------------------------------------------- timers

  /** Sets (or replaces) the timer of `timer.kind` and arms the alarm for the earliest timer. */
  async scheduleAt(timer: TicketTimer, apiBase?: string): Promise<void> {
    this.svc(apiBase);
    this.ctx.storage.kv.put(TIMER_PREFIX + timer.kind, timer);
    await this.arm();
  }

  /** Removes the timer of `kind`. */
  async cancel(kind: string): Promise<boolean> {
    const had = this.ctx.storage.kv.delete(TIMER_PREFIX + kind);
    await this.arm();
    return had;
  }

  /**
   * Removes the timers of `cancel` and sets `set` (each replacing its kind), arming the alarm
   * once: what a member's message does to a ticket's timers, in one call instead of one per
   * timer. Returns the kinds of `cancel` that were pending.
   */
  async retime(cancel: readonly string[], set: readonly TicketTimer[], apiBase?: string): Promise<string[]> {
    this.svc(apiBase);
    const kv = this.ctx.storage.kv;
    const had = cancel.filter((kind) => kv.delete(TIMER_PREFIX + kind));
    for (const timer of set) kv.put(TIMER_PREFIX + timer.kind, timer);
    await this.arm();
    return had;
  }

  /** Every pending timer, earliest first. */
  timers(): TicketTimer[] {
    return [...this.ctx.storage.kv.list<TicketTimer>({ prefix: TIMER_PREFIX })].map(([, t]) => t).sort((a, b) => a.when - b.when);
  }

  /**
   * Arms the alarm for the earliest of the timers and the inbox's backstop. Outside the alarm
   * handler an alarm that is already set for no later than that is left alone (`exact` false):
   * firing early is harmless (nothing is due, and the handler re-arms exactly), and it saves an
   * alarm write on every member message (each moves the stale clock later) and on every DM (its
   * backstop is set once for a burst, not set and cleared per DM). The alarm handler arms exactly.
   */
  private async arm(exact = false): Promise<void> {
    const next = this.timers()[0]?.when;
    const inbox = this.ctx.storage.kv.get<number>(INBOX_DUE_KEY);
    const when = next === undefined ? inbox : inbox === undefined ? next : Math.min(next, inbox);
    const current = exact ? null : await this.ctx.storage.getAlarm();
    if (when !== undefined) {
      if (current === null || current > when) await this.ctx.storage.setAlarm(when);
    } else if (exact) await this.ctx.storage.deleteAlarm();
  }

  /** Runs every due timer through its kind's handler (modmail-ops'), then re-arms. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const kv = this.ctx.storage.kv;
    // An inbox whose drain did not finish (the instance died, or Discord failed): drain again.
    if (kv.get<number>(INBOX_DUE_KEY) !== undefined) await this.serial(() => this.drain());
    const ctx: TicketAlarmContext = {
      ...this.svc(),
      scheduleAt: (timer) => kv.put(TIMER_PREFIX + timer.kind, timer),
      cancel: (kind) => void kv.delete(TIMER_PREFIX + kind),
    };
    for (const timer of this.timers()) {
      if (timer.when > now) break;
      const handler = ticketAlarmHandlers[timer.kind];
      // Removed before it runs: a handler may set the same kind again for later.
      kv.delete(TIMER_PREFIX + timer.kind);
      if (!handler) {
        console.error(JSON.stringify({ msg: 'modmail timer of unknown kind dropped', kind: timer.kind, ticket: timer.ticketId }));
        continue;
      }
      try {
        await handler(ctx, timer);
      } catch (error) {
        console.error(JSON.stringify({ msg: 'modmail timer failed', kind: timer.kind, ticket: timer.ticketId, error: String(error) }));
        if (!kv.get(TIMER_PREFIX + timer.kind)) kv.put(TIMER_PREFIX + timer.kind, { ...timer, when: now + TIMER_RETRY_MS });
      }
    }
    await this.arm(true);
  }

  // -------------------------------------------------------------------------- DM inbox

  /**
   * Takes one gateway DM (inbox instances only): stored, then relayed in message order with
   * every DM the user sent before it that was not relayed yet (see `inbox.service.ts`), or held
   * while the user has no open ticket (and the user asked to confirm). Resolves once the DM is
   * stored, before the relay: the events consumer never waits on this user's Discord calls. The
   * drain starts at once; a backstop alarm {@link INBOX_RETRY_MS} later drains again if it did
   * not finish (the instance died, Discord failed), so a stored DM is never lost. A DM seen
   * before is a duplicate.
   */
  async deliverDm(dm: InboundDm, apiBase?: string, known?: { ticket: TicketRow | null }): Promise<DmOutcome> {
    const kv = this.ctx.storage.kv;
    this.svc(apiBase);
    if (seen(kv, dm.messageId)) return 'duplicate';
    kv.put(PENDING_PREFIX + padId(dm.messageId), dm);
    if (kv.get(INBOX_DUE_KEY) === undefined) {
      kv.put(INBOX_DUE_KEY, Date.now() + INBOX_RETRY_MS);
      await this.arm();
    }
    const hint = known ? { ticket: known.ticket, at: Date.now() } : undefined;
    void this.serial(() => this.drain(hint));
    return 'accepted';
  }

  /**
   * Relays or holds every pending DM; clears the backstop when none is left, else moves it later.
   * `hint`: the user's open ticket as the events consumer read it for the DM's batch, used while
   * it is at most {@link KNOWN_TICKET_FRESH_MS} old (a drain that waited longer reads again).
   */
  private async drain(hint?: { ticket: TicketRow | null; at: number }): Promise<void> {
    const kv = this.ctx.storage.kv;
    try {
      await drainInbox(this.svc(), kv, hint && Date.now() - hint.at <= KNOWN_TICKET_FRESH_MS ? hint.ticket : undefined);
    } catch (error) {
      console.error(JSON.stringify({ msg: 'modmail inbox drain failed', error: String(error) }));
    }
    const left = [...kv.list({ prefix: PENDING_PREFIX, limit: 1 })].length > 0;
    if (left) {
      kv.put(INBOX_DUE_KEY, Date.now() + INBOX_RETRY_MS);
      await this.arm();
    } else if (kv.delete(INBOX_DUE_KEY)) await this.arm();
  }

  /** Resolves once every drain and open queued so far has finished (tests: the DM is relayed or held). */
  idle(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  /** Relays the DMs held for this user into their (now open) ticket, in order: after they confirmed. */
  releaseHeld(apiBase?: string): Promise<number> {
    const services = this.svc(apiBase);
    return this.serial(() => releaseHeldDms(services, this.ctx.storage.kv));
  }

  /** Drops the held DMs (the user cancelled the prompt); they were never sent anywhere. */
  discardHeld(): Promise<number> {
    const kv = this.ctx.storage.kv;
    return this.serial(async () => {
      let n = 0;
      for (const [key, dm] of kv.list<InboundDm>({ prefix: HELD_PREFIX })) {
        advanceCursor(kv, dm.messageId); // never relayed from the history later
        kv.delete(key);
        n++;
      }
      kv.delete(PROMPTED_KEY);
      return n;
    });
  }

  /** The held DMs' first words (the subject of the ticket they open), or null. */
  heldSubject(): string | null {
    return heldSubject(this.ctx.storage.kv);
  }
}
