/**
 * The reconcile job: settles cases left `pending` (their Discord call's outcome unknown, or
 * their confirmation never written: a D1 failure after the call, an isolate that vanished).
 * Cases older than the grace period are claimed under a lease (`PendingCases.claim`, one
 * conditional UPDATE: two overlapping runs never hold the same case). For each, Discord is
 * read back: an action in effect is confirmed; one not in effect is performed again, unless
 * a later case on the member superseded it or it can no longer make sense; a refusal, or
 * too many attempts, marks the case failed. Every settled case is posted to the mod log.
 * Other failures release the case with backoff. Each run claims at most `limit` cases
 * (`RECONCILE_LIMIT`) and only as many as fit the run's subrequest budget at
 * `RECONCILE_CASE_COST` each; a case is started only once its cost is reserved, and claimed
 * cases that never started are given back at once, so a backlog drains over the following
 * minutes without a run going over its budget.
 */
import { Budget, withinBudget } from '../../core/budget';
import type { BaseContext } from '../../core/context';
import type { Registry } from '../../core/registry';
import type { Db } from '../../db/client';
import { RateLimitedError, type Discord } from '../../discord';
import { CANCELS, actionInEffect, isDiscordRefusal, modActionSchema, performAction, type ActionTarget } from './actions';
import { CASE_EVENT_COST, backoffMs, describeFailure } from './expiry.service';
import { ModerationService } from './moderation.service';
import { PendingCases, confirmStatements, failStatements, settle } from './pending-cases.repo';
import type { CaseRow } from './schema';

/** A case younger than this belongs to the request that wrote it (which is done in seconds). */
export const RECONCILE_GRACE_MS = 2 * 60_000;
/** Cases claimed per run at most (the subrequest budget of one invocation; the rest waits a minute). */
export const RECONCILE_LIMIT = 25;
/**
 * Most subrequests one case costs: Discord read-back, a repeat and the member/guild lookups
 * (≤ 4 REST calls), the later-case check, settle and mod-log bookkeeping (≤ 4 queries), the
 * mod-log post (1), and announcing a confirmed case (`case_created`, {@link CASE_EVENT_COST}).
 */
export const RECONCILE_CASE_COST = 9 + CASE_EVENT_COST;
/** How long a claim is exclusive: far longer than a run lasts. */
export const RECONCILE_LEASE_MS = 5 * 60_000;
/** After this many attempts whose outcome stayed unknown, the case is marked failed. */
export const RECONCILE_MAX_ATTEMPTS = 6;

/** How the job runs (tests shorten nothing but may pass `now`). */
export interface ReconcileOptions {
  now?: number;
  limit?: number;
  graceMs?: number;
  leaseMs?: number;
}

/** What one run did. */
export interface ReconcileReport {
  claimed: number;
  /** Found in effect on Discord and confirmed. */
  confirmed: number;
  /** Not in effect: performed again, then confirmed. */
  repeated: number;
  /** Marked failed (refused, superseded, or out of attempts), and posted to the mod log. */
  failed: number;
  /** Outcome still unknown: released for a later run. */
  retrying: number;
  /** Settled by someone else meanwhile (the original request, finishing late). */
  lost: number;
  /** Claimed but not started (the budget ran out): given back, due again at once. */
  left: number;
}

type Outcome = keyof Omit<ReconcileReport, 'claimed' | 'left'>;

/** What the reconcile job runs with; `events` (the cron context) announces the cases it confirms. */
export interface ReconcileDeps {
  db: Db;
  discord: Discord;
  budget?: Budget;
  events?: BaseContext & { registry?: Registry; budget?: Budget };
}

/** Runs the reconcile job once. */
export async function runReconcile(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const { now = Date.now(), graceMs = RECONCILE_GRACE_MS, leaseMs = RECONCILE_LEASE_MS } = options;
  const budget = deps.budget ?? Budget.unlimited();
  const report: ReconcileReport = { claimed: 0, confirmed: 0, repeated: 0, failed: 0, retrying: 0, lost: 0, left: 0 };
  // Keep 2 aside: the claim and the release of what never started.
  const limit = budget.fit(RECONCILE_CASE_COST, options.limit ?? RECONCILE_LIMIT, 2);
  if (limit === 0) return report;
  const queue = new PendingCases(deps.db);
  const { token, rows } = await queue.claim({ now, graceMs, limit, leaseMs });
  report.claimed = rows.length;
  const releaseSlot = budget.reserve(1);
  const { results, left } = await withinBudget(budget, rows, { cost: () => RECONCILE_CASE_COST, concurrency: 4 }, (row) => reconcileCase(deps, queue, token, row, now));
  releaseSlot?.release();
  if (left.length > 0) report.left = await queue.releaseUnstarted(left.map((row) => row.id), token);
  const unexpected: unknown[] = [];
  for (const [i, result] of results.entries()) {
    if (!result) continue;
    if (result.status === 'fulfilled') report[result.value] += 1;
    else {
      unexpected.push(result.reason);
      console.error(JSON.stringify({ msg: 'reconcile case failed', case: rows[i]?.id, error: String(result.reason), stack: (result.reason as Error)?.stack }));
    }
  }
  if (unexpected.length > 0) throw new AggregateError(unexpected, `${unexpected.length} pending cases failed unexpectedly`);
  return report;
}

async function reconcileCase(deps: ReconcileDeps, queue: PendingCases, token: string, row: CaseRow, now: number): Promise<Outcome> {
  const { db, discord } = deps;
  const service = ModerationService.forGuild(db, discord, row.guildId, deps.events);
  const finish = async (statements: ReturnType<typeof failStatements>, outcome: Outcome): Promise<Outcome> => {
    const settled = await settle(db, statements);
    if (!settled) return 'lost';
    // A case confirmed here was never announced by the request that wrote it (it stopped before).
    await service.announce('case_created', settled);
    const problem = await service.modLog.post(settled);
    if (problem) console.warn(JSON.stringify({ msg: 'reconcile mod log failed', guild: row.guildId, case: row.caseNumber, problem }));
    console.info(JSON.stringify({ msg: 'reconciled case', guild: row.guildId, case: row.caseNumber, outcome, state: settled.state, error: settled.lastError }));
    return outcome;
  };
  const fail = (why: string) => finish(failStatements(db, row, why), 'failed');
  const confirm = (outcome: Outcome) => finish(confirmStatements(db, row, CANCELS[row.type]), outcome);

  const parsed = modActionSchema.safeParse(row.action);
  if (!parsed.success) return fail('No Discord action was recorded on the case, so it could not be checked.');
  const action = parsed.data;
  const target: ActionTarget = { guildId: row.guildId, targetId: row.targetId, auditReason: `${row.reason} (by ${row.actorId})` };
  try {
    if (await actionInEffect(discord, target, action, now)) return await confirm('confirmed');
    const later = await queue.laterCase(row);
    if (later) return await fail(`It was not in effect when checked, and case #${later.caseNumber} came after it, so it was not repeated.`);
    if (action.op === 'timeout' && action.until <= now) return await fail('It was not in effect when checked, and the timeout would have ended already, so it was not repeated.');
    const followUp = await performAction(discord, target, action);
    if (followUp) console.warn(JSON.stringify({ msg: 'reconcile softban unban failed', guild: row.guildId, case: row.caseNumber, error: describeFailure(followUp) }));
    return await confirm('repeated');
  } catch (error) {
    const why = describeFailure(error);
    if (isDiscordRefusal(error) && !(error instanceof RateLimitedError)) return fail(`Discord refused it when it was retried: ${why}`);
    if (row.attempts >= RECONCILE_MAX_ATTEMPTS) return fail(`Its outcome stayed unknown after ${row.attempts} attempts: ${why}`);
    await queue.release(row.id, token, why, now + backoffMs(row.attempts));
    console.warn(JSON.stringify({ msg: 'reconcile attempt failed', guild: row.guildId, case: row.caseNumber, attempts: row.attempts, error: why }));
    return 'retrying';
  }
}
