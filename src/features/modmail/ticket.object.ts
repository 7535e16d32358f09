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

const TIMER_PREFIX = 'timer:';
const API_BASE_KEY = 'apiBase';
/** A timer whose handler threw is tried again this much later. */
const TIMER_RETRY_MS = 60_000;

/** The ticket object; its RPC methods are the API other modules call through `env.MODMAIL_TICKETS`. */
export class ModmailTicket extends DurableObject<Env> {
  private chain: Promise<unknown> = Promise.resolve();
  private services: BaseContext | undefined;

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
    const kv = this.ctx.storage.kv;
    if (apiBase && apiBase !== kv.get(API_BASE_KEY)) {
      kv.put(API_BASE_KEY, apiBase);
      this.services = undefined;
    }
    const base = kv.get<string>(API_BASE_KEY) ?? this.env.DISCORD_API_BASE;
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

  /** Every pending timer, earliest first. */
  timers(): TicketTimer[] {
    return [...this.ctx.storage.kv.list<TicketTimer>({ prefix: TIMER_PREFIX })].map(([, t]) => t).sort((a, b) => a.when - b.when);
  }

  private async arm(): Promise<void> {
    const next = this.timers()[0];
    if (next) await this.ctx.storage.setAlarm(next.when);
    else await this.ctx.storage.deleteAlarm();
  }

  /** Runs every due timer through its kind's handler (modmail-ops'), then re-arms. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const kv = this.ctx.storage.kv;
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
    await this.arm();
  }

  // -------------------------------------------------------------------------- DM inbox

  /**
   * Takes one gateway DM (inbox instances only) and relays, in message order, it and every DM
   * the user sent before it that was not relayed yet (see `inbox.service.ts`), or holds them
   * while the user has no open ticket and asks them to confirm. A DM seen before is a
   * duplicate. Resolves once this DM was relayed or held; rejects (the event is retried) when
   * Discord failed, leaving it stored for the next delivery.
   */
  async deliverDm(dm: InboundDm, apiBase?: string): Promise<DmOutcome> {
    const kv = this.ctx.storage.kv;
    const services = this.svc(apiBase);
    if (seen(kv, dm.messageId)) return 'duplicate';
    kv.put(PENDING_PREFIX + padId(dm.messageId), dm);
    await this.serial(() => drainInbox(services, kv));
    return kv.get(HELD_PREFIX + padId(dm.messageId)) ? 'held' : 'relayed';
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
