/**
 * Settling pending cases. A case that acts on Discord is written `pending` first; whoever
 * settles it (the moderator's request right after the call, or the reconcile cron later)
 * does so with one batch whose statements are each guarded by "the case is still pending",
 * so a case is confirmed or failed exactly once and only the winner posts to the mod log.
 * `PendingCases` is the reconcile cron's cross-guild view: it claims cases left pending past
 * a grace period with one conditional UPDATE under a lease and a claim token, so two
 * overlapping runs never hold the same case.
 */
import { and, asc, eq, gt, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { modCases, modPunishments, type CaseRow, type PunishmentKind } from './schema';

const LIVE = ['pending', 'processing'] as const;

function stillPending(caseId: string) {
  return sql`exists (select 1 from ${modCases} where ${modCases.id} = ${caseId} and ${modCases.state} = 'pending')`;
}

/**
 * Statements confirming a pending case: the member's live punishments of the kinds it
 * replaces are cancelled, its own held punishment goes live, the case becomes `done`. The
 * last statement returns the case when this batch won (empty when it was already settled).
 * `dmSent` undefined keeps what is stored.
 */
export function confirmStatements(db: Db, row: CaseRow, cancels: readonly PunishmentKind[], dmSent?: boolean | null): BatchItem<'sqlite'>[] {
  const now = Date.now();
  const guard = stillPending(row.id);
  const cancelOthers = cancels.map((kind) =>
    db
      .update(modPunishments)
      .set({ status: 'cancelled', nextActionAt: null, claimToken: null, leaseUntil: null, updatedAt: now })
      .where(
        and(
          eq(modPunishments.guildId, row.guildId),
          eq(modPunishments.targetId, row.targetId),
          eq(modPunishments.kind, kind),
          inArray(modPunishments.status, [...LIVE]),
          ne(modPunishments.caseId, row.id),
          guard,
        ),
      ),
  );
  const promote = db
    .update(modPunishments)
    .set({ status: 'pending', updatedAt: now })
    .where(and(eq(modPunishments.caseId, row.id), eq(modPunishments.status, 'held'), guard));
  const confirm = db
    .update(modCases)
    .set({ state: 'done', claimToken: null, leaseUntil: null, lastError: null, updatedAt: now, ...(dmSent === undefined ? {} : { dmSent }) })
    .where(and(eq(modCases.id, row.id), eq(modCases.state, 'pending')))
    .returning();
  // Cancel first: the live-punishment unique index must never see two live rows.
  return [...cancelOthers, promote, confirm];
}

/**
 * Statements failing a pending case: its held punishment is cancelled (nothing else is
 * touched: the punishments it would have replaced stay live), the case becomes `failed` with
 * `error`. The last statement returns the case when this batch won.
 */
export function failStatements(db: Db, row: CaseRow, error: string): BatchItem<'sqlite'>[] {
  const now = Date.now();
  return [
    db
      .update(modPunishments)
      .set({ status: 'cancelled', nextActionAt: null, updatedAt: now })
      .where(and(eq(modPunishments.caseId, row.id), eq(modPunishments.status, 'held'), stillPending(row.id))),
    db
      .update(modCases)
      .set({ state: 'failed', claimToken: null, leaseUntil: null, lastError: error.slice(0, 500), updatedAt: now })
      .where(and(eq(modCases.id, row.id), eq(modCases.state, 'pending')))
      .returning(),
  ];
}

/** Runs a settle batch; returns the settled case when this batch won, else null. */
export async function settle(db: Db, statements: BatchItem<'sqlite'>[]): Promise<CaseRow | null> {
  const [first, ...rest] = statements;
  if (!first) return null;
  const results = await db.batch([first, ...rest]);
  return (results.at(-1) as CaseRow[] | undefined)?.[0] ?? null;
}

/** Options of a claim. */
export interface PendingClaimOptions {
  now: number;
  /** Cases younger than this are left to the request that wrote them. */
  graceMs: number;
  limit: number;
  /** How long a claim is exclusive; longer than a reconcile run may last. */
  leaseMs: number;
}

/** The cross-guild queue of cases left pending (reconcile cron only). */
export class PendingCases {
  constructor(private readonly db: Db) {}

  /**
   * Claims up to `limit` cases pending for longer than the grace period and not held by a
   * live lease (a released case waits in `lease_until` for its next attempt), in one
   * statement. Returns the claimed rows, their attempt count already increased.
   */
  async claim({ now, graceMs, limit, leaseMs }: PendingClaimOptions): Promise<{ token: string; rows: CaseRow[] }> {
    const token = crypto.randomUUID();
    const due = and(eq(modCases.state, 'pending'), lte(modCases.createdAt, now - graceMs), or(isNull(modCases.leaseUntil), lte(modCases.leaseUntil, now)));
    const rows = await this.db
      .update(modCases)
      .set({ claimToken: token, leaseUntil: now + leaseMs, attempts: sql`${modCases.attempts} + 1`, updatedAt: now })
      .where(inArray(modCases.id, this.db.select({ id: modCases.id }).from(modCases).where(due).orderBy(asc(modCases.createdAt)).limit(limit)))
      .returning();
    return { token, rows };
  }

  /** Puts a held case back to wait until `retryAt`, with `error` recorded. False when the claim was lost. */
  async release(id: string, token: string, error: string, retryAt: number): Promise<boolean> {
    const rows = await this.db
      .update(modCases)
      .set({ claimToken: null, leaseUntil: retryAt, lastError: error.slice(0, 500), updatedAt: Date.now() })
      .where(and(eq(modCases.id, id), eq(modCases.claimToken, token), eq(modCases.state, 'pending')))
      .returning({ id: modCases.id });
    return rows.length > 0;
  }

  /**
   * Gives back cases claimed under `token` that the run never started (its subrequest budget
   * ran out): due again at once, and the claim's attempt given back. One statement.
   */
  async releaseUnstarted(ids: string[], token: string): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.db
      .update(modCases)
      .set({ claimToken: null, leaseUntil: null, attempts: sql`max(0, ${modCases.attempts} - 1)`, updatedAt: Date.now() })
      .where(and(inArray(modCases.id, ids), eq(modCases.claimToken, token), eq(modCases.state, 'pending')))
      .returning({ id: modCases.id });
    return rows.length;
  }

  /** The first case after `row` on the same member that was not failed, if any (it supersedes a retry). */
  async laterCase(row: CaseRow): Promise<CaseRow | null> {
    const [later] = await this.db
      .select()
      .from(modCases)
      .where(
        and(
          eq(modCases.guildId, row.guildId),
          eq(modCases.targetId, row.targetId),
          gt(modCases.caseNumber, row.caseNumber),
          ne(modCases.state, 'failed'),
          isNull(modCases.deletedAt),
        ),
      )
      .orderBy(asc(modCases.caseNumber))
      .limit(1);
    return later ?? null;
  }
}
