/**
 * One `ApiKeyQuota` Durable Object per API key (`API_KEY_QUOTA`, named by the key id) counts
 * the key's requests exactly: per UTC minute and per UTC calendar month (fixed windows). A
 * Durable Object runs one request at a time, and `take` reads, checks and writes its counters
 * synchronously (SQLite-backed storage, no await between the check and the increment), so 200
 * requests at once against a quota of 60 let exactly 60 through. (Workers' rate-limit binding
 * counts per location and only approximately, over 10 s or 60 s windows: not enough for a
 * monthly quota or an exact one.) A refused request is not counted.
 */
import { DurableObject } from 'cloudflare:workers';

/** A tier's limits (`keys.ts` `API_KEY_TIERS`). */
export interface QuotaLimits {
  perMinute: number;
  perMonth: number;
}

/** One window's state after a request. */
export interface QuotaWindow {
  limit: number;
  used: number;
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetS: number;
  /** The window's length in seconds (the draft's `w`). */
  windowS: number;
}

/** What `take` answers. */
export interface QuotaDecision {
  ok: boolean;
  minute: QuotaWindow;
  month: QuotaWindow;
  /** When refused: seconds until the exhausted window resets (`Retry-After`). */
  retryAfterS?: number;
}

/** A key's usage, for the dashboard. */
export interface QuotaUsage {
  minute: { used: number; startsAt: number };
  month: { used: number; startsAt: number };
  /** Every counted request since the key's first. */
  total: number;
  /** Requests refused past the quota (429) this month. */
  refusedThisMonth: number;
  lastUsedAt: number | null;
}

interface State {
  minuteStart: number;
  minuteCount: number;
  monthStart: number;
  monthCount: number;
  refused: number;
  total: number;
  lastUsedAt: number | null;
}

/** The UTC minute and calendar month `now` falls in: starts and ends (ms). */
export function windowsAt(now: number): { minuteStart: number; minuteEnd: number; monthStart: number; monthEnd: number } {
  const minuteStart = now - (now % 60_000);
  const d = new Date(now);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { minuteStart, minuteEnd: minuteStart + 60_000, monthStart, monthEnd };
}

const EMPTY: State = { minuteStart: 0, minuteCount: 0, monthStart: 0, monthCount: 0, refused: 0, total: 0, lastUsedAt: null };

/** Pure: the decision for one request against `state` at `now`, and the state after it. */
export function decide(state: State, limits: QuotaLimits, now: number): { decision: QuotaDecision; next: State } {
  const w = windowsAt(now);
  const s: State = { ...state };
  if (s.minuteStart !== w.minuteStart) Object.assign(s, { minuteStart: w.minuteStart, minuteCount: 0 });
  if (s.monthStart !== w.monthStart) Object.assign(s, { monthStart: w.monthStart, monthCount: 0, refused: 0 });
  const minuteFull = s.minuteCount >= limits.perMinute;
  const monthFull = s.monthCount >= limits.perMonth;
  const ok = !minuteFull && !monthFull;
  if (ok) {
    s.minuteCount += 1;
    s.monthCount += 1;
    s.total += 1;
    s.lastUsedAt = now;
  } else {
    s.refused += 1;
  }
  const secs = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
  const window = (limit: number, used: number, end: number, start: number): QuotaWindow => ({
    limit,
    used,
    remaining: Math.max(0, limit - used),
    resetS: secs(end - now),
    windowS: Math.round((end - start) / 1000),
  });
  const minute = window(limits.perMinute, s.minuteCount, w.minuteEnd, w.minuteStart);
  const month = window(limits.perMonth, s.monthCount, w.monthEnd, w.monthStart);
  const retryAfterS = ok ? undefined : Math.max(monthFull ? month.resetS : 0, minuteFull ? minute.resetS : 0);
  return { decision: { ok, minute, month, ...(retryAfterS ? { retryAfterS } : {}) }, next: s };
}

/** The per-key counter. */
export class ApiKeyQuota extends DurableObject<Env> {
  private state: State;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.state = ctx.storage.kv.get<State>('state') ?? { ...EMPTY };
  }

  /** Counts one request if it fits both windows; the headers' figures either way. */
  take(limits: QuotaLimits, now: number = Date.now()): QuotaDecision {
    const { decision, next } = decide(this.state, limits, now);
    this.state = next;
    this.ctx.storage.kv.put('state', next);
    return decision;
  }

  /** The key's usage now (windows that ended read as zero). */
  usage(now: number = Date.now()): QuotaUsage {
    const w = windowsAt(now);
    const s = this.state;
    return {
      minute: { used: s.minuteStart === w.minuteStart ? s.minuteCount : 0, startsAt: w.minuteStart },
      month: { used: s.monthStart === w.monthStart ? s.monthCount : 0, startsAt: w.monthStart },
      total: s.total,
      refusedThisMonth: s.monthStart === w.monthStart ? s.refused : 0,
      lastUsedAt: s.lastUsedAt,
    };
  }
}
