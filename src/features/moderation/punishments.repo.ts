/**
 * Timed punishments. `GuildPunishments` is one guild's view (what moderators' commands
 * change); `PunishmentQueue` is the expiry cron's cross-guild view: it claims due rows with
 * one conditional UPDATE under a lease and a claim token, so two overlapping runs never take
 * the same row, and only the holder of the token can finish it.
 */
import { and, asc, desc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { modPunishments, type PunishmentKind, type PunishmentRow } from './schema';
import { isUniqueViolation } from '../../db/errors';

const LIVE = ['pending', 'processing'] as const;

/**
 * True when `error` (or a cause of it) is a unique index of `mod_punishments` refusing a
 * second punishment (`mod_punishments_live`: one live punishment of a kind per member;
 * `mod_punishments_one_suspension`: one suspension, counted from its intent): a concurrent
 * action got there first.
 */
export function isLivePunishmentConflict(error: unknown): boolean {
  return isUniqueViolation(error, 'mod_punishments');
}

/** What a new punishment row holds. */
export interface NewPunishment {
  kind: PunishmentKind;
  targetId: string;
  endsAt: number | null;
  nextActionAt: number | null;
  roleId?: string | null;
  restoreRoles?: string[] | null;
}

/** Guild-scoped access to punishments. */
export class GuildPunishments {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Statement: cancel the member's live punishment of `kind` (for a batch). */
  cancel(targetId: string, kind: PunishmentKind) {
    return this.db
      .update(modPunishments)
      .set({ status: 'cancelled', nextActionAt: null, claimToken: null, leaseUntil: null, updatedAt: Date.now() })
      .where(
        and(
          eq(modPunishments.guildId, this.guildId),
          eq(modPunishments.targetId, targetId),
          eq(modPunishments.kind, kind),
          inArray(modPunishments.status, [...LIVE]),
        ),
      );
  }

  /**
   * Statement: insert a punishment for case `caseId` (for a batch): live (`pending`, after
   * `cancel`), or `held` with a pending case until the case is confirmed.
   */
  insert(caseId: string, input: NewPunishment, status: 'pending' | 'held' = 'pending') {
    const now = Date.now();
    return this.db.insert(modPunishments).values({
      guildId: this.guildId,
      caseId,
      kind: input.kind,
      targetId: input.targetId,
      endsAt: input.endsAt,
      nextActionAt: input.nextActionAt,
      roleId: input.roleId ?? null,
      restoreRoles: input.restoreRoles ?? null,
      status,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** The member's live punishment of `kind`, if any. */
  async live(targetId: string, kind: PunishmentKind): Promise<PunishmentRow | null> {
    const [row] = await this.db
      .select()
      .from(modPunishments)
      .where(
        and(
          eq(modPunishments.guildId, this.guildId),
          eq(modPunishments.targetId, targetId),
          eq(modPunishments.kind, kind),
          inArray(modPunishments.status, [...LIVE]),
        ),
      );
    return row ?? null;
  }

  /** A member's punishments, live and finished, newest first. */
  async forTarget(targetId: string, limit = 100): Promise<PunishmentRow[]> {
    return this.db
      .select()
      .from(modPunishments)
      .where(and(eq(modPunishments.guildId, this.guildId), eq(modPunishments.targetId, targetId)))
      .orderBy(desc(modPunishments.id))
      .limit(limit);
  }

  /** The punishment a case started, if any. */
  async forCase(caseId: string): Promise<PunishmentRow | null> {
    const [row] = await this.db
      .select()
      .from(modPunishments)
      .where(and(eq(modPunishments.guildId, this.guildId), eq(modPunishments.caseId, caseId)));
    return row ?? null;
  }
}

/** Options of a claim. */
export interface ClaimOptions {
  now: number;
  limit: number;
  /** How long a claim is exclusive; longer than any cron run may last. */
  leaseMs: number;
}

/** The cross-guild queue of due punishments (expiry cron only). */
export class PunishmentQueue {
  constructor(private readonly db: Db) {}

  /**
   * Claims up to `limit` due rows (pending and due, or processing with a lapsed lease) in one
   * statement, marking them `processing` under a fresh token. Returns the claimed rows.
   */
  async claim({ now, limit, leaseMs }: ClaimOptions): Promise<{ token: string; rows: PunishmentRow[] }> {
    const token = crypto.randomUUID();
    const due = or(
      and(eq(modPunishments.status, 'pending'), lte(modPunishments.nextActionAt, now)),
      and(eq(modPunishments.status, 'processing'), lte(modPunishments.leaseUntil, now)),
    );
    const rows = await this.db
      .update(modPunishments)
      .set({
        status: 'processing',
        claimToken: token,
        leaseUntil: now + leaseMs,
        attempts: sql`${modPunishments.attempts} + 1`,
        updatedAt: now,
      })
      .where(
        inArray(
          modPunishments.id,
          this.db.select({ id: modPunishments.id }).from(modPunishments).where(due).orderBy(asc(modPunishments.nextActionAt)).limit(limit),
        ),
      )
      .returning();
    return { token, rows };
  }

  /** The condition "row `id` is still held under `token`" (guards follow-up statements). */
  held(id: number, token: string) {
    return and(eq(modPunishments.id, id), eq(modPunishments.claimToken, token), eq(modPunishments.status, 'processing'));
  }

  /** Statement: finish a held row. */
  complete(id: number, token: string, note: string | null = null) {
    return this.db
      .update(modPunishments)
      .set({ status: 'done', nextActionAt: null, leaseUntil: null, lastError: note, updatedAt: Date.now() })
      .where(this.held(id, token));
  }

  /** SQL that is true once row `id` was completed under `token` (guards a case insert after `complete`). */
  completedBy(id: number, token: string) {
    return sql`exists (select 1 from ${modPunishments} where ${modPunishments.id} = ${id} and ${modPunishments.claimToken} = ${token} and ${modPunishments.status} = 'done')`;
  }

  /** Puts a held row back to wait until `nextActionAt` (a renewed long timeout). */
  async reschedule(id: number, token: string, nextActionAt: number): Promise<boolean> {
    const rows = await this.db
      .update(modPunishments)
      .set({ status: 'pending', nextActionAt, claimToken: null, leaseUntil: null, attempts: 0, lastError: null, updatedAt: Date.now() })
      .where(this.held(id, token))
      .returning({ id: modPunishments.id });
    return rows.length > 0;
  }

  /**
   * Hands rows claimed under `token` back untouched (the run's budget ran out before their
   * turn): due again at once, and the claim's attempt is not counted. One statement.
   */
  async release(ids: number[], token: string): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.db
      .update(modPunishments)
      .set({ status: 'pending', claimToken: null, leaseUntil: null, attempts: sql`max(0, ${modPunishments.attempts} - 1)`, updatedAt: Date.now() })
      .where(and(inArray(modPunishments.id, ids), eq(modPunishments.claimToken, token), eq(modPunishments.status, 'processing')))
      .returning({ id: modPunishments.id });
    return rows.length;
  }

  /** Releases a held row after a failure: due again at `nextAttemptAt`, `error` recorded. */
  async fail(id: number, token: string, error: string, nextAttemptAt: number): Promise<void> {
    await this.db
      .update(modPunishments)
      .set({ status: 'pending', nextActionAt: nextAttemptAt, claimToken: null, leaseUntil: null, lastError: error.slice(0, 500), updatedAt: Date.now() })
      .where(this.held(id, token));
  }
}
