/**
 * Applications and their review state. Every status change is one conditional UPDATE …
 * RETURNING: the caller that gets the row back won the transition and alone performs its
 * side effects; everyone else gets `null` and explains the current state.
 */
import { and, asc, count, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { gateApplications, gateBlocks, type ApplicationStatus, type AvatarRisk, type GateApplicationRow, type StoredAnswer } from './schema';

/** Statuses of an application still waiting for a decision. */
export const OPEN_STATUSES = ['pending', 'claimed'] as const satisfies readonly ApplicationStatus[];

/** Decisions a reviewer can make. */
export type Decision = Extract<ApplicationStatus, 'accepted' | 'rejected' | 'kicked' | 'blocked'>;

/** What a new application is made of. */
export interface NewApplication {
  userId: string;
  userTag: string;
  answers: StoredAnswer[];
  accountCreatedAt: number;
  joinedAt: number | null;
  youngAccount: boolean;
  submittedAt: number;
}

/** Who acts on an application: their id and staff rank (`levelRank`). */
export interface Actor {
  userId: string;
  rank: number;
}

/** Guild-scoped applications. */
export class ApplicationsRepo {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  private scope(id: number) {
    return and(eq(gateApplications.guildId, this.guildId), eq(gateApplications.id, id));
  }

  /** The statement inserting an application (fails on the one-open-per-user index). */
  insertStatement(app: NewApplication) {
    return this.db
      .insert(gateApplications)
      .values({ ...app, guildId: this.guildId, status: 'pending' })
      .returning();
  }

  /** One application, or null. */
  async get(id: number): Promise<GateApplicationRow | null> {
    const [row] = await this.db.select().from(gateApplications).where(this.scope(id));
    return row ?? null;
  }

  /** The user's open application, or null. */
  async openFor(userId: string): Promise<GateApplicationRow | null> {
    const [row] = await this.db
      .select()
      .from(gateApplications)
      .where(and(eq(gateApplications.guildId, this.guildId), eq(gateApplications.userId, userId), inArray(gateApplications.status, [...OPEN_STATUSES])))
      .limit(1);
    return row ?? null;
  }

  /** When the user's latest rejection or kick was decided, or null. */
  async lastRejectedAt(userId: string): Promise<number | null> {
    const [row] = await this.db
      .select({ at: sql<number | null>`max(${gateApplications.decidedAt})` })
      .from(gateApplications)
      .where(and(eq(gateApplications.guildId, this.guildId), eq(gateApplications.userId, userId), inArray(gateApplications.status, ['rejected', 'kicked'])));
    return row?.at ?? null;
  }

  /** The user's applications, newest first. */
  history(userId: string, limit = 10): Promise<GateApplicationRow[]> {
    return this.db
      .select()
      .from(gateApplications)
      .where(and(eq(gateApplications.guildId, this.guildId), eq(gateApplications.userId, userId)))
      .orderBy(desc(gateApplications.submittedAt), desc(gateApplications.id))
      .limit(limit);
  }

  /** One page of the open queue, oldest first, and the queue's length. */
  async queue(offset: number, limit: number): Promise<{ rows: GateApplicationRow[]; total: number }> {
    const open = and(eq(gateApplications.guildId, this.guildId), inArray(gateApplications.status, [...OPEN_STATUSES]));
    const [rows, totals] = await this.db.batch([
      this.db.select().from(gateApplications).where(open).orderBy(asc(gateApplications.submittedAt), asc(gateApplications.id)).limit(limit).offset(offset),
      this.db.select({ n: count() }).from(gateApplications).where(open),
    ]);
    return { rows, total: totals[0]?.n ?? 0 };
  }

  /** Claims a pending application. Null when it is not pending any more. */
  async claim(id: number, actor: Actor, now = Date.now()): Promise<GateApplicationRow | null> {
    const [row] = await this.db
      .update(gateApplications)
      .set({ status: 'claimed', claimedBy: actor.userId, claimedRank: actor.rank, claimedAt: now })
      .where(and(this.scope(id), eq(gateApplications.status, 'pending')))
      .returning();
    return row ?? null;
  }

  /** Releases a claim: the claimant, or staff who outrank them. Null when not possible. */
  async unclaim(id: number, actor: Actor): Promise<GateApplicationRow | null> {
    const [row] = await this.db
      .update(gateApplications)
      .set({ status: 'pending', claimedBy: null, claimedRank: null, claimedAt: null })
      .where(
        and(
          this.scope(id),
          eq(gateApplications.status, 'claimed'),
          or(eq(gateApplications.claimedBy, actor.userId), lt(gateApplications.claimedRank, actor.rank)),
        ),
      )
      .returning();
    return row ?? null;
  }

  /**
   * Decides an open application: unclaimed, claimed by the actor, or claimed by someone the
   * actor outranks (recorded as an override). For `blocked`, the block row is written in the
   * same batch, conditioned on this decision having happened. Null when the actor lost.
   */
  async decide(id: number, decision: Decision, actor: Actor, reason: string | null, now = Date.now()): Promise<GateApplicationRow | null> {
    const update = this.db
      .update(gateApplications)
      .set({
        status: decision,
        decidedBy: actor.userId,
        decidedAt: now,
        reason,
        lastError: null,
        override: sql`CASE WHEN ${gateApplications.claimedBy} IS NOT NULL AND ${gateApplications.claimedBy} != ${actor.userId} THEN 1 ELSE 0 END`,
      })
      .where(
        and(
          this.scope(id),
          inArray(gateApplications.status, [...OPEN_STATUSES]),
          or(isNull(gateApplications.claimedBy), eq(gateApplications.claimedBy, actor.userId), lt(gateApplications.claimedRank, actor.rank)),
        ),
      )
      .returning();
    if (decision !== 'blocked') {
      const [row] = await update;
      return row ?? null;
    }
    const block = this.db
      .insert(gateBlocks)
      .select(
        sql`SELECT guild_id, user_id, id, reason, decided_by, decided_at FROM gate_applications
          WHERE guild_id = ${this.guildId} AND id = ${id} AND status = 'blocked' AND decided_by = ${actor.userId} AND decided_at = ${now}`,
      )
      .onConflictDoUpdate({
        target: [gateBlocks.guildId, gateBlocks.userId],
        set: {
          applicationId: sql`excluded.application_id`,
          reason: sql`excluded.reason`,
          createdBy: sql`excluded.created_by`,
          createdAt: sql`excluded.created_at`,
        },
      });
    const [rows] = await this.db.batch([update, block]);
    return rows[0] ?? null;
  }

  /**
   * Undoes a decision whose side effect failed (role grant, kick): back to `pending` or
   * `claimed`, with the error kept for the card. Conditional on the decision being the
   * caller's own, so it never undoes someone else's.
   */
  async revertDecision(row: GateApplicationRow, error: string): Promise<GateApplicationRow | null> {
    const [reverted] = await this.db
      .update(gateApplications)
      .set({
        status: sql`CASE WHEN ${gateApplications.claimedBy} IS NULL THEN 'pending' ELSE 'claimed' END`,
        decidedBy: null,
        decidedAt: null,
        reason: null,
        override: false,
        lastError: error,
      })
      .where(
        and(
          this.scope(row.id),
          eq(gateApplications.status, row.status),
          eq(gateApplications.decidedBy, row.decidedBy ?? ''),
          eq(gateApplications.decidedAt, row.decidedAt ?? -1),
        ),
      )
      .returning();
    return reverted ?? null;
  }

  /** Records where the review card is. */
  async setCard(id: number, channelId: string, messageId: string): Promise<void> {
    await this.db.update(gateApplications).set({ cardChannelId: channelId, cardMessageId: messageId }).where(this.scope(id));
  }

  /** Records why the applicant's DM failed. */
  async setDmError(id: number, error: string): Promise<GateApplicationRow | null> {
    const [row] = await this.db.update(gateApplications).set({ dmError: error }).where(this.scope(id)).returning();
    return row ?? null;
  }

  /** Records the avatar-scan verdict. */
  async setAvatarRisk(id: number, risk: AvatarRisk): Promise<GateApplicationRow | null> {
    const [row] = await this.db.update(gateApplications).set({ avatarRisk: risk }).where(this.scope(id)).returning();
    return row ?? null;
  }

  /** Whether the user is permanently rejected. */
  async isBlocked(userId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ userId: gateBlocks.userId })
      .from(gateBlocks)
      .where(and(eq(gateBlocks.guildId, this.guildId), eq(gateBlocks.userId, userId)));
    return Boolean(row);
  }

  /** The user's block, or null. */
  async block(userId: string) {
    const [row] = await this.db.select().from(gateBlocks).where(and(eq(gateBlocks.guildId, this.guildId), eq(gateBlocks.userId, userId)));
    return row ?? null;
  }

  /** A statement lifting the user's block. */
  unblockStatement(userId: string) {
    return this.db.delete(gateBlocks).where(and(eq(gateBlocks.guildId, this.guildId), eq(gateBlocks.userId, userId)));
  }
}

