/**
 * Subrequest budgets. A Worker invocation may make 1,000 subrequests on the paid plan (50 on
 * free); every `fetch` (each REST retry too), every D1 statement or `batch` and every libSQL
 * HTTP request counts, and past the limit the platform throws mid-work. So the scheduler and
 * the events consumer give each invocation a {@link Budget} below that limit
 * (`SUBREQUEST_BUDGET`), count what it actually spends at the db layer and in the REST client,
 * and work is taken on only while it fits:
 *
 * 1. A job sizes its claim by what fits (`budget.fit(costPerItem)`), leaving the rest due.
 * 2. Each unit reserves its cost (an upper bound) before it starts and gives the reservation
 *    back when it ends (`withinBudget`); a unit that does not fit is not started, and a
 *    unit that started is finished. Reservations count in full while a unit runs, even the
 *    part it has already spent, so the run stays under its budget without knowing which
 *    unit spent what.
 * 3. What was claimed and not started is released at once (leases cleared), so the next run
 *    takes it.
 *
 * One cron invocation runs several jobs side by side: each gets an equal share of a
 * {@link BudgetPool}, and a job that finishes gives what it did not use back to the pool, where
 * the jobs still running may borrow it. No job can starve another of its share.
 */
import * as z from 'zod';

/** Subrequests per invocation the platform allows, by plan. */
export const PLAN_SUBREQUESTS = { paid: 1000, free: 50 } as const;

/** What `SUBREQUEST_BUDGET=paid|free` means: the plan's limit with headroom (20 %). */
export const BUDGET_PRESETS = { paid: 800, free: 40 } as const;

/** Smallest budget accepted: one member join's handlers must fit in a whole invocation. */
export const MIN_BUDGET = 20;

/** `SUBREQUEST_BUDGET`: `paid` (default), `free`, or a number of subrequests. */
export const subrequestBudgetSchema = z
  .union([z.enum(['paid', 'free']), z.string().regex(/^\d+$/, 'must be paid, free or a whole number')])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '' || value === 'paid') return BUDGET_PRESETS.paid;
    if (value === 'free') return BUDGET_PRESETS.free;
    const n = Number(value);
    if (n < MIN_BUDGET) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${MIN_BUDGET}` });
      return z.NEVER;
    }
    return n;
  });

const parsed = new Map<string | undefined, number>();

/** The per-invocation budget `env` configures. Throws, naming the variable, on a bad value. */
export function subrequestBudget(env: { SUBREQUEST_BUDGET?: string }): number {
  const raw = env.SUBREQUEST_BUDGET?.trim() || undefined;
  let n = parsed.get(raw);
  if (n === undefined) {
    const result = subrequestBudgetSchema.safeParse(raw);
    if (!result.success) throw new Error(`SUBREQUEST_BUDGET ${JSON.stringify(raw)} ${result.error.issues[0]?.message ?? 'is invalid'} (paid, free or a number ≥ ${MIN_BUDGET})`);
    parsed.set(raw, (n = result.data));
  }
  return n;
}

/** A held part of a budget, for one unit of work in flight. */
export interface Reservation {
  /** Gives the reservation back (idempotent); what the unit spent stays counted. */
  release(): void;
}

/**
 * Subrequests shared by the jobs of one invocation. Jobs take equal shares; a job that
 * finishes returns its unused share, which the others may borrow.
 */
export class BudgetPool {
  private free: number;

  constructor(readonly total: number) {
    this.free = total;
  }

  /** Subrequests no job holds (yet, or any more). */
  get available(): number {
    return this.free;
  }

  /** A budget holding `amount` of the pool (at most what is free). */
  share(amount: number): Budget {
    const taken = Math.max(0, Math.min(Math.floor(amount), this.free));
    this.free -= taken;
    return new Budget(taken, this);
  }

  /** Splits the pool into `n` equal budgets. */
  split(n: number): Budget[] {
    const each = Math.floor(this.total / Math.max(1, n));
    return Array.from({ length: n }, () => this.share(each));
  }

  /** Lends `amount` to a budget; false when the pool has less. */
  lend(amount: number): boolean {
    if (amount > this.free) return false;
    this.free -= amount;
    return true;
  }

  /** Takes back what a budget no longer needs. */
  giveBack(amount: number): void {
    this.free += Math.max(0, amount);
  }
}

/** One job's (or one events batch's) subrequests: what it may spend, and what it has. */
export class Budget {
  private spent = 0;
  private held = 0;
  private allotment: number;
  private closed = false;

  /** A budget of `limit` subrequests; with a `pool`, it may borrow from it when short. */
  constructor(
    limit: number,
    private readonly pool?: BudgetPool,
  ) {
    this.allotment = limit;
  }

  /** A budget that never runs out (for callers outside an invocation's budget, e.g. tests of a service). */
  static unlimited(): Budget {
    return new Budget(Number.POSITIVE_INFINITY);
  }

  /** What this budget holds now (its share plus what it borrowed). */
  get limit(): number {
    return this.allotment;
  }

  /** Subrequests made so far (counted by the db layer and the REST client). */
  get used(): number {
    return this.spent;
  }

  /** Subrequests still free to start work with: own allotment, less spent and reserved, plus what the pool could lend. */
  get remaining(): number {
    return this.own() + (this.pool?.available ?? 0);
  }

  /** The most this budget could ever hold: its allotment and what the pool has free. */
  get capacity(): number {
    return this.allotment + (this.pool?.available ?? 0);
  }

  /** Whether more was spent than the budget held (a cost estimate was too low). */
  get overrun(): boolean {
    return this.spent > this.allotment;
  }

  /** Records `n` subrequests made. */
  count(n = 1): void {
    this.spent += n;
  }

  /** Whether a unit costing `cost` would fit now. */
  canAfford(cost: number): boolean {
    return cost <= this.remaining;
  }

  /**
   * How many units of `cost` fit now, at most `wanted`, keeping `overhead` aside (the claim
   * statement and a possible release). Size claims with it: claim only what fits.
   */
  fit(cost: number, wanted = Number.POSITIVE_INFINITY, overhead = 0): number {
    const room = this.remaining - overhead;
    if (room <= 0 || cost <= 0) return room <= 0 ? 0 : wanted;
    return Math.max(0, Math.min(wanted, Math.floor(room / cost)));
  }

  /**
   * Holds `cost` for one unit of work, borrowing from the pool when this budget's own share
   * is short; null when it does not fit. Release it when the unit ends.
   */
  reserve(cost: number): Reservation | null {
    const short = cost - this.own();
    if (short > 0) {
      if (!this.pool || this.closed || !this.pool.lend(short)) return null;
      this.allotment += short;
    }
    this.held += cost;
    let open = true;
    return {
      release: () => {
        if (!open) return;
        open = false;
        this.held -= cost;
      },
    };
  }

  /** Ends the budget: what it did not spend goes back to the pool for the jobs still running. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.pool) return;
    const unused = Math.max(0, this.allotment - this.spent - this.held);
    this.allotment -= unused;
    this.pool.giveBack(unused);
  }

  private own(): number {
    return Math.max(0, this.allotment - this.spent - this.held);
  }
}

/** What `withinBudget` did. */
export interface BudgetedRun<T, R> {
  /** Settled results of the items that were started, in input order (`undefined`: not started). */
  results: (PromiseSettledResult<R> | undefined)[];
  /** Items that were not started because they did not fit, in input order. */
  left: T[];
}

/**
 * Runs `work` over `items` in order, at most `concurrency` at once, starting an item only
 * once its `cost` (an upper bound of its subrequests) is reserved. When the next item does
 * not fit it waits for running items to end (their reservations come back); when nothing is
 * running and it still does not fit, it stops: the rest is returned in `left` for the caller
 * to release or hand back. An item whose cost exceeds the whole budget is capped to it, so
 * it runs alone rather than never.
 */
export async function withinBudget<T, R>(
  budget: Budget,
  items: readonly T[],
  options: { cost: (item: T) => number; concurrency?: number },
  work: (item: T) => Promise<R>,
): Promise<BudgetedRun<T, R>> {
  const concurrency = Math.max(1, options.concurrency ?? items.length);
  const results: (PromiseSettledResult<R> | undefined)[] = new Array(items.length).fill(undefined);
  const running = new Set<Promise<void>>();
  let next = 0;
  let costOfNext: number | undefined;
  while (next < items.length) {
    if (running.size >= concurrency) {
      await Promise.race(running);
      continue;
    }
    const i = next;
    const item = items[i] as T;
    // Asked once per item: a cost function may remember what it counted (a lookup shared by later items).
    let cost = (costOfNext ??= options.cost(item));
    if (cost > budget.capacity) {
      // Never fits any run: let it run alone on what is left rather than never.
      if (running.size > 0) {
        await Promise.race(running);
        continue;
      }
      cost = Math.max(1, budget.remaining);
    }
    const reservation = budget.reserve(cost);
    if (!reservation) {
      if (running.size === 0) break;
      await Promise.race(running);
      continue;
    }
    next++;
    costOfNext = undefined;
    const run: Promise<void> = work(item).then(
      (value) => void (results[i] = { status: 'fulfilled', value }),
      (reason: unknown) => void (results[i] = { status: 'rejected', reason }),
    );
    const tracked = run.finally(() => {
      reservation.release();
      running.delete(tracked);
    });
    running.add(tracked);
  }
  await Promise.all(running);
  return { results, left: items.slice(next) };
}
