/**
 * `GuildCases`: one guild's cases, their reason history and the case-number allocator. The
 * number is allocated inside the INSERT (`max(case_number) + 1` of the guild) and settled by
 * the `(guild_id, case_number)` unique index: a writer that loses a race retries the insert.
 */
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import type { ModAction } from './actions';
import { modCaseAmendments, modCases, type CaseRow, type CaseState, type CaseType } from './schema';
import { isUniqueViolation } from '../../db/errors';

/** What a new case is made of (the number and id are allocated by `create`). */
export interface NewCase {
  type: CaseType;
  actorId: string;
  targetId: string;
  reason: string;
  durationMs?: number | null;
  expiresAt?: number | null;
  dmSent?: boolean | null;
  refs?: number[] | null;
  createdAt?: number;
  /** `pending` with the `action` about to be made (intent before a Discord call); default `done`. */
  state?: CaseState;
  action?: ModAction | null;
}

/** Statements that must commit together with a new case. */
export interface CaseBatch {
  before?: BatchItem<'sqlite'>[];
  after?: (caseId: string) => BatchItem<'sqlite'>[];
}

/** A reason amendment. */
export type Amendment = typeof modCaseAmendments.$inferSelect;

/** How many times `create` re-runs its insert after losing a numbering race. */
export const CASE_INSERT_ATTEMPTS = 8;

/** Guild-scoped access to cases. */
export class GuildCases {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** The allocating insert of one case (exactly one row, numbered in the statement). */
  private insert(id: string, input: NewCase, guard?: SQL) {
    const now = input.createdAt ?? Date.now();
    const dm = input.dmSent === undefined || input.dmSent === null ? null : input.dmSent ? 1 : 0;
    const refs = input.refs?.length ? JSON.stringify(input.refs) : null;
    const action = input.action ? JSON.stringify(input.action) : null;
    // Column order is the table's; the aggregate makes the SELECT yield exactly one row.
    return this.db
      .insert(modCases)
      .select(
        sql`select ${id}, ${this.guildId}, coalesce(max(${modCases.caseNumber}), 0) + 1, ${input.type}, ${input.actorId},
          ${input.targetId}, ${input.reason}, ${input.durationMs ?? null}, ${input.expiresAt ?? null}, ${dm}, ${refs},
          null, null, null, null, ${now}, ${now}, ${input.state ?? 'done'}, ${action}, 0, null, null, null
          from ${modCases} where ${modCases.guildId} = ${this.guildId}
          ${guard ? sql`having ${guard}` : sql``}`,
      )
      .returning();
  }

  /**
   * Creates a case. `batch.before` statements run first and `batch.after(caseId)` after the
   * insert, in the same batch (all or nothing). Retries the whole batch when another writer
   * took the same number first.
   */
  async create(input: NewCase, batch: CaseBatch = {}): Promise<CaseRow> {
    const row = await this.createIf(input, batch);
    if (!row) throw new Error('case insert returned no row');
    return row;
  }

  /**
   * Like `create`, but the case is only inserted when `batch.guard` (SQL evaluated after the
   * `before` statements) is true; returns null when it was not.
   */
  async createIf(input: NewCase, batch: CaseBatch & { guard?: SQL } = {}): Promise<CaseRow | null> {
    const before = batch.before ?? [];
    for (let attempt = 1; ; attempt++) {
      const id = crypto.randomUUID();
      try {
        const items = [...before, this.insert(id, input, batch.guard), ...(batch.after?.(id) ?? [])] as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]];
        const results = await this.db.batch(items);
        return (results[before.length] as CaseRow[] | undefined)?.[0] ?? null;
      } catch (error) {
        if (!isUniqueViolation(error, 'mod_cases') || attempt >= CASE_INSERT_ATTEMPTS) throw error;
      }
    }
  }

  /** A case by number (soft-deleted ones only when asked). */
  async byNumber(caseNumber: number, options: { includeDeleted?: boolean } = {}): Promise<CaseRow | null> {
    const [row] = await this.db
      .select()
      .from(modCases)
      .where(
        and(
          eq(modCases.guildId, this.guildId),
          eq(modCases.caseNumber, caseNumber),
          options.includeDeleted ? undefined : isNull(modCases.deletedAt),
        ),
      );
    return row ?? null;
  }

  /** A case by its global id. */
  async byId(id: string): Promise<CaseRow | null> {
    const [row] = await this.db
      .select()
      .from(modCases)
      .where(and(eq(modCases.guildId, this.guildId), eq(modCases.id, id)));
    return row ?? null;
  }

  /** One page of a member's cases, newest first, and how many there are. */
  async forTarget(targetId: string, page: number, pageSize: number): Promise<{ rows: CaseRow[]; total: number }> {
    const where = and(eq(modCases.guildId, this.guildId), eq(modCases.targetId, targetId), isNull(modCases.deletedAt));
    const [rows, totals] = await this.db.batch([
      this.db
        .select()
        .from(modCases)
        .where(where)
        .orderBy(desc(modCases.caseNumber))
        .limit(pageSize)
        .offset(page * pageSize),
      this.db.select({ n: count() }).from(modCases).where(where),
    ]);
    return { rows, total: totals[0]?.n ?? 0 };
  }

  /**
   * Cases newest first, optionally one member's only, keyset-paged by case number (the
   * `(guild_id, case_number)` and `(guild_id, target_id, …)` indexes). Deleted cases are included.
   */
  async page(options: { targetId?: string; beforeNumber?: number; limit: number }): Promise<{ rows: CaseRow[]; next: number | null }> {
    const rows = await this.db
      .select()
      .from(modCases)
      .where(
        and(
          eq(modCases.guildId, this.guildId),
          options.targetId ? eq(modCases.targetId, options.targetId) : undefined,
          options.beforeNumber ? lt(modCases.caseNumber, options.beforeNumber) : undefined,
        ),
      )
      .orderBy(desc(modCases.caseNumber))
      .limit(options.limit + 1);
    const more = rows.length > options.limit;
    const page = more ? rows.slice(0, options.limit) : rows;
    return { rows: page, next: more ? (page.at(-1)?.caseNumber ?? null) : null };
  }

  /**
   * The member's warnings created at or after `since`, not deleted; with `upTo`, only those
   * numbered up to that case (a warning counts what came before it, never a concurrent later one).
   */
  async warningsSince(targetId: string, since: number, upTo?: number): Promise<CaseRow[]> {
    return this.db
      .select()
      .from(modCases)
      .where(
        and(
          eq(modCases.guildId, this.guildId),
          eq(modCases.targetId, targetId),
          eq(modCases.type, 'warn'),
          isNull(modCases.deletedAt),
          gte(modCases.createdAt, since),
          upTo === undefined ? undefined : lte(modCases.caseNumber, upTo),
        ),
      )
      .orderBy(asc(modCases.caseNumber));
  }

  /** The reason history of cases, oldest first. */
  async amendments(caseIds: string[]): Promise<Amendment[]> {
    if (caseIds.length === 0) return [];
    return this.db
      .select()
      .from(modCaseAmendments)
      .where(and(eq(modCaseAmendments.guildId, this.guildId), inArray(modCaseAmendments.caseId, caseIds)))
      .orderBy(asc(modCaseAmendments.id));
  }

  /**
   * Appends `text` to a live case's reason history (one statement: nothing is written when
   * the case does not exist or is deleted). Returns the case, or null.
   */
  async amendReason(caseNumber: number, actorId: string, text: string): Promise<CaseRow | null> {
    const now = Date.now();
    const live = and(eq(modCases.guildId, this.guildId), eq(modCases.caseNumber, caseNumber), isNull(modCases.deletedAt));
    const [inserted, updated] = await this.db.batch([
      this.db
        .insert(modCaseAmendments)
        .select(
          sql`select null, ${modCases.id}, ${this.guildId}, ${actorId}, ${text}, ${now} from ${modCases} where ${live}`,
        )
        .returning({ id: modCaseAmendments.id }),
      this.db.update(modCases).set({ updatedAt: now }).where(live).returning(),
    ]);
    return inserted.length > 0 ? (updated[0] ?? null) : null;
  }

  /** Soft-deletes a live case; returns it, or null when there was none. */
  async softDelete(caseNumber: number, actorId: string): Promise<CaseRow | null> {
    const now = Date.now();
    const [row] = await this.db
      .update(modCases)
      .set({ deletedAt: now, deletedBy: actorId, updatedAt: now })
      .where(and(eq(modCases.guildId, this.guildId), eq(modCases.caseNumber, caseNumber), isNull(modCases.deletedAt)))
      .returning();
    return row ?? null;
  }

  /** Stores where the case's mod-log embed lives. */
  async setLogMessage(caseId: string, channelId: string, messageId: string): Promise<void> {
    await this.db
      .update(modCases)
      .set({ logChannelId: channelId, logMessageId: messageId })
      .where(and(eq(modCases.guildId, this.guildId), eq(modCases.id, caseId)));
  }
}
