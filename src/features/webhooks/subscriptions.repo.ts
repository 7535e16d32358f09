/**
 * `GuildWebhooks`: one guild's webhook subscriptions (the guild is fixed at construction).
 * Writes are returned as statements so callers audit them in the same batch.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { webhookDeliveries, webhookSubscriptions, type WebhookSubscriptionRow } from './schema';

/** Most subscriptions one guild may have. */
export const MAX_SUBSCRIPTIONS = 10;

/** A new subscription's fields. */
export interface NewSubscription {
  url: string;
  events: string[];
  secretSealed: string;
  secretHint: string;
  enabled: boolean;
  createdBy: string;
}

/** The subscriptions of one guild. */
export class GuildWebhooks {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  private byId(id: string) {
    return and(eq(webhookSubscriptions.guildId, this.guildId), eq(webhookSubscriptions.id, id));
  }

  /** Every subscription, newest first. */
  list(): Promise<WebhookSubscriptionRow[]> {
    return this.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.guildId, this.guildId)).orderBy(desc(webhookSubscriptions.createdAt));
  }

  async get(id: string): Promise<WebhookSubscriptionRow | null> {
    const [row] = await this.db.select().from(webhookSubscriptions).where(this.byId(id));
    return row ?? null;
  }

  /** Enabled subscriptions that take `type` (one indexed query per internal event). */
  subscribedTo(type: string): Promise<Pick<WebhookSubscriptionRow, 'id'>[]> {
    return this.db
      .select({ id: webhookSubscriptions.id })
      .from(webhookSubscriptions)
      .where(
        and(
          eq(webhookSubscriptions.guildId, this.guildId),
          eq(webhookSubscriptions.enabled, true),
          sql`EXISTS (SELECT 1 FROM json_each(${webhookSubscriptions.events}) WHERE value = ${type})`,
        ),
      );
  }

  /**
   * Inserts a subscription and answers how many the guild has now, in one batch. Past
   * `MAX_SUBSCRIPTIONS` the caller deletes it again: two managers racing past the cap both
   * lose and may retry, but the cap holds (no read-then-write).
   */
  async insertCounted(id: string, s: NewSubscription, now: number): Promise<number> {
    const [, counted] = await this.db.batch([
      this.db.insert(webhookSubscriptions).values({ id, guildId: this.guildId, url: s.url, events: s.events, secretSealed: s.secretSealed, secretHint: s.secretHint, enabled: s.enabled, failures: 0, createdBy: s.createdBy, createdAt: now, updatedAt: now }),
      this.db.select({ n: sql<number>`count(*)` }).from(webhookSubscriptions).where(eq(webhookSubscriptions.guildId, this.guildId)),
    ]);
    return counted[0]?.n ?? 0;
  }

  /** Changes URL, events or the enabled flag; enabling clears the failure count and reason. */
  updateStatement(id: string, change: { url?: string; events?: string[]; enabled?: boolean }, now: number) {
    return this.db
      .update(webhookSubscriptions)
      .set({
        ...(change.url !== undefined ? { url: change.url } : {}),
        ...(change.events !== undefined ? { events: change.events } : {}),
        ...(change.enabled !== undefined ? { enabled: change.enabled, ...(change.enabled ? { failures: 0, disabledReason: null } : { disabledReason: 'disabled by a manager' }) } : {}),
        updatedAt: now,
      })
      .where(this.byId(id));
  }

  /**
   * Replaces the secret. With `overlapMs` > 0 the current secret becomes the previous one, valid
   * until `now + overlapMs` (copied by the UPDATE itself, which reads the row as it was: two
   * rotations racing each keep the secret they replaced, no read-then-write); a previous secret
   * from an earlier rotation is dropped. With 0 there is no previous secret.
   */
  rotateStatement(id: string, secretSealed: string, secretHint: string, overlapMs: number, now: number) {
    const keep = overlapMs > 0;
    return this.db
      .update(webhookSubscriptions)
      .set({
        previousSecretSealed: keep ? sql`${webhookSubscriptions.secretSealed}` : null,
        previousSecretHint: keep ? sql`${webhookSubscriptions.secretHint}` : null,
        previousSecretExpiresAt: keep ? now + overlapMs : null,
        secretSealed,
        secretHint,
        updatedAt: now,
      })
      .where(this.byId(id));
  }

  /** The subscription and its delivery log. */
  deleteStatements(id: string) {
    return [
      this.db.delete(webhookDeliveries).where(and(eq(webhookDeliveries.guildId, this.guildId), eq(webhookDeliveries.subscriptionId, id))),
      this.db.delete(webhookSubscriptions).where(this.byId(id)),
    ] as const;
  }
}
