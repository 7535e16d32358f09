/**
 * Discord restricts an IP for a while after 10,000 invalid requests in 10 minutes: answers
 * 401, 403 and 429 (except 429s with `X-RateLimit-Scope: shared`, which are not counted).
 * An `InvalidRequestGuard` counts them over a sliding 10-minute window (in 10 s slots, so it
 * errs on the side of counting too long) and refuses to send once the count reaches its
 * limit, failing fast with `InvalidRequestLimitError` and one log line per episode.
 *
 * The count is per isolate (`InvalidRequestGuard.isolate`, shared by every client): isolates
 * vanish and others run beside it, so this is a brake on one runaway isolate, not a global
 * count.
 */
import { InvalidRequestLimitError } from './errors';

/** Discord's window for invalid requests. */
export const INVALID_REQUEST_WINDOW_MS = 10 * 60_000;

/** Where the isolate stops sending: below Discord's 10,000, with room for other isolates. */
export const DEFAULT_INVALID_REQUEST_LIMIT = 9_000;

const SLOT_MS = 10_000;

/** Counts invalid Discord answers and stops sending before Discord's ban. */
export class InvalidRequestGuard {
  /** The isolate's guard, shared by every `RestClient` that is not given its own. */
  static readonly isolate = new InvalidRequestGuard();

  /** Invalid answers per 10 s slot (slot index → count). */
  private readonly slots = new Map<number, number>();
  private tripped = false;

  constructor(readonly limit: number = DEFAULT_INVALID_REQUEST_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`invalid-request limit must be a positive integer, got ${limit}`);
  }

  /** Whether Discord counts this answer as an invalid request. */
  static counts(response: Response): boolean {
    if (response.status === 401 || response.status === 403) return true;
    return response.status === 429 && response.headers.get('X-RateLimit-Scope') !== 'shared';
  }

  /** Records one invalid answer. */
  record(now = Date.now()): void {
    const slot = Math.floor(now / SLOT_MS);
    this.slots.set(slot, (this.slots.get(slot) ?? 0) + 1);
  }

  /** Invalid answers in the last 10 minutes (slots that end inside the window). */
  count(now = Date.now()): number {
    const first = Math.floor((now - INVALID_REQUEST_WINDOW_MS) / SLOT_MS);
    let total = 0;
    for (const [slot, n] of this.slots) {
      if (slot < first) this.slots.delete(slot);
      else total += n;
    }
    return total;
  }

  /** Throws `InvalidRequestLimitError` when the limit is reached; logs the first refusal of an episode. */
  check(route: string, now = Date.now()): void {
    const invalid = this.count(now);
    if (invalid < this.limit) {
      this.tripped = false;
      return;
    }
    const retryAfterMs = this.msUntilBelowLimit(invalid, now);
    if (!this.tripped) {
      this.tripped = true;
      console.error(JSON.stringify({ msg: 'discord invalid-request limit reached: not sending', invalid, limit: this.limit, retryAfterMs, route }));
    }
    throw new InvalidRequestLimitError(route, retryAfterMs, invalid);
  }

  private msUntilBelowLimit(invalid: number, now: number): number {
    let left = invalid;
    for (const slot of [...this.slots.keys()].sort((a, b) => a - b)) {
      left -= this.slots.get(slot)!;
      if (left < this.limit) return Math.max(1, (slot + 1) * SLOT_MS + INVALID_REQUEST_WINDOW_MS - now);
    }
    return SLOT_MS;
  }
}
