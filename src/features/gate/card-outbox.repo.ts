/**
 * The review-card outbox (`gate_card_outbox`): a row is written in the same batch as its
 * application, so a card can never be forgotten. Posters claim rows with one conditional
 * UPDATE under a lease and a claim token (two runs, or a run and the submitting request,
 * never post the same card at once) and only the holder records the posted message, in one
 * batch with the application's card columns.
 */
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { OPEN_STATUSES } from './applications.repo';
import { gateApplications, gateCardOutbox, type GateCardOutboxRow } from './schema';

/** Options of a claim: due rows, or one application's row whatever its next attempt time. */
export interface CardClaimOptions {
  now: number;
  limit: number;
  leaseMs: number;
  applicationId?: number;
}

/** The outbox, across guilds. */
export class CardOutbox {
  constructor(private readonly db: Db) {}

  /**
   * Statement (for the submission's batch, after the application's insert): the outbox row
   * of the user's open application, due at once.
   */
  enqueueStatement(guildId: string, userId: string, now: number) {
    return this.db.insert(gateCardOutbox).select(
      sql`select ${gateApplications.id}, ${guildId}, 'pending', 0, ${now}, null, null, null, null, ${now}, null
        from ${gateApplications}
        where ${gateApplications.guildId} = ${guildId} and ${gateApplications.userId} = ${userId}
          and ${inArray(gateApplications.status, [...OPEN_STATUSES])}`,
    );
  }

  /** Claims pending rows not held by a live lease, marking them under a fresh token. */
  async claim({ now, limit, leaseMs, applicationId }: CardClaimOptions): Promise<{ token: string; rows: GateCardOutboxRow[] }> {
    const token = crypto.randomUUID();
    const due = and(
      eq(gateCardOutbox.status, 'pending'),
      applicationId === undefined ? lte(gateCardOutbox.nextAttemptAt, now) : eq(gateCardOutbox.applicationId, applicationId),
      or(isNull(gateCardOutbox.leaseUntil), lte(gateCardOutbox.leaseUntil, now)),
    );
    const rows = await this.db
      .update(gateCardOutbox)
      .set({ claimToken: token, leaseUntil: now + leaseMs, attempts: sql`${gateCardOutbox.attempts} + 1` })
      .where(
        inArray(
          gateCardOutbox.applicationId,
          this.db.select({ id: gateCardOutbox.applicationId }).from(gateCardOutbox).where(due).orderBy(asc(gateCardOutbox.nextAttemptAt)).limit(limit),
        ),
      )
      .returning();
    return { token, rows };
  }

  private held(applicationId: number, token: string) {
    return and(eq(gateCardOutbox.applicationId, applicationId), eq(gateCardOutbox.claimToken, token), eq(gateCardOutbox.status, 'pending'));
  }

  /** Records the posted card (outbox row and application, one batch). False when the claim was lost. */
  async markPosted(row: GateCardOutboxRow, token: string, channelId: string, messageId: string): Promise<boolean> {
    const now = Date.now();
    const [posted] = await this.db.batch([
      this.db
        .update(gateCardOutbox)
        .set({ status: 'posted', messageId, postedAt: now, claimToken: null, leaseUntil: null, lastError: null })
        .where(this.held(row.applicationId, token))
        .returning({ id: gateCardOutbox.applicationId }),
      this.db
        .update(gateApplications)
        .set({ cardChannelId: channelId, cardMessageId: messageId })
        .where(
          and(
            eq(gateApplications.guildId, row.guildId),
            eq(gateApplications.id, row.applicationId),
            sql`exists (select 1 from ${gateCardOutbox} where ${gateCardOutbox.applicationId} = ${row.applicationId} and ${gateCardOutbox.messageId} = ${messageId})`,
          ),
        ),
    ]);
    return posted.length > 0;
  }

  /** Releases a held row after a failed post: due again at `nextAttemptAt`, `error` recorded. */
  async release(applicationId: number, token: string, error: string, nextAttemptAt: number): Promise<void> {
    await this.db
      .update(gateCardOutbox)
      .set({ claimToken: null, leaseUntil: null, nextAttemptAt, lastError: error.slice(0, 500) })
      .where(this.held(applicationId, token));
  }

  /** Gives back rows claimed under `token` that were never tried (the run's budget ran out): due at once, attempt given back. */
  async releaseUnstarted(applicationIds: number[], token: string): Promise<void> {
    if (applicationIds.length === 0) return;
    await this.db
      .update(gateCardOutbox)
      .set({ claimToken: null, leaseUntil: null, attempts: sql`max(0, ${gateCardOutbox.attempts} - 1)` })
      .where(and(inArray(gateCardOutbox.applicationId, applicationIds), eq(gateCardOutbox.claimToken, token), eq(gateCardOutbox.status, 'pending')));
  }
}
