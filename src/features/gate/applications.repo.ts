/**
 * Applications and their review state. Every status change is one conditional UPDATE …
 * RETURNING: the caller that gets the row back won the transition and alone performs its
 * side effects; everyone else gets `null` and explains the current state.
 */
import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
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

/** Statuses of a decided application. */
export const DECIDED_STATUSES = ['accepted', 'rejected', 'kicked', 'blocked'] as const satisfies readonly ApplicationStatus[];

/** What the dashboard's queue lists: open (pending + claimed, oldest first), one open status, or decided (newest first). */
export type QueueFilter = 'open' | 'pending' | 'claimed' | 'decided';

/** Where a page of the list continues: the sort time and id of the last row shown. */
export interface QueueCursor {
  at: number;
  id: number;
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

  /**
   * One page of applications for the dashboard, keyset-paged (no OFFSET): open ones oldest
   * first by submission, decided ones newest first by decision. Served by the
   * `(guild_id, status, submitted_at)` and `(guild_id, decided_at)` indexes.
   * @returns the rows and the cursor of the next page (null on the last)
   */
  async list(filter: QueueFilter, limit: number, after?: QueueCursor): Promise<{ rows: GateApplicationRow[]; next: QueueCursor | null }> {
    const a = gateApplications;
    const guild = eq(a.guildId, this.guildId);
    let rows: GateApplicationRow[];
    if (filter === 'decided') {
      const past = after ? or(lt(a.decidedAt, after.at), and(eq(a.decidedAt, after.at), lt(a.id, after.id))) : undefined;
      rows = await this.db
        .select()
        .from(a)
        .where(and(guild, isNotNull(a.decidedAt), inArray(a.status, [...DECIDED_STATUSES]), past))
        .orderBy(desc(a.decidedAt), desc(a.id))
        .limit(limit + 1);
    } else {
      const statuses = filter === 'open' ? [...OPEN_STATUSES] : [filter];
      const past = after ? or(gt(a.submittedAt, after.at), and(eq(a.submittedAt, after.at), gt(a.id, after.id))) : undefined;
      // `+` keeps SQLite from walking `(guild_id, submitted_at)` to skip the sort (it would read
      // every decided application before the open ones): it seeks the open rows by status and
      // sorts those.
      rows = await this.db
        .select()
        .from(a)
        .where(and(guild, inArray(a.status, statuses), past))
        .orderBy(asc(sql`+${a.submittedAt}`), asc(sql`+${a.id}`))
        .limit(limit + 1);
    }
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page.at(-1);
    const next = more && last ? { at: (filter === 'decided' ? last.decidedAt : last.submittedAt) ?? 0, id: last.id } : null;
    return { rows: page, next };
  }

  /** How many applications are open, by status. */
  async openCounts(): Promise<{ pending: number; claimed: number }> {
    const rows = await this.db
      .select({ status: gateApplications.status, n: count() })
      .from(gateApplications)
      .where(and(eq(gateApplications.guildId, this.guildId), inArray(gateApplications.status, [...OPEN_STATUSES])))
      .groupBy(gateApplications.status);
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    return { pending: by.pending ?? 0, claimed: by.claimed ?? 0 };
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

