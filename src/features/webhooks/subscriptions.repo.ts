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
   * Inserts a subscription unless the guild already has `MAX_SUBSCRIPTIONS` (the count and the
   * insert are one statement, so two managers at once cannot pass the cap together).
   */
  insertStatement(id: string, s: NewSubscription, now: number) {
    return this.db.run(sql`INSERT INTO ${webhookSubscriptions} (id, guild_id, url, events, secret_sealed, secret_hint, enabled, failures, created_by, created_at, updated_at)
      SELECT ${id}, ${this.guildId}, ${s.url}, ${JSON.stringify(s.events)}, ${s.secretSealed}, ${s.secretHint}, ${s.enabled ? 1 : 0}, 0, ${s.createdBy}, ${now}, ${now}
      WHERE (SELECT count(*) FROM ${webhookSubscriptions} WHERE guild_id = ${this.guildId}) < ${MAX_SUBSCRIPTIONS}`);
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

  rotateStatement(id: string, secretSealed: string, secretHint: string, now: number) {
    return this.db.update(webhookSubscriptions).set({ secretSealed, secretHint, updatedAt: now }).where(this.byId(id));
  }

  /** The subscription and its delivery log. */
  deleteStatements(id: string) {
    return [
      this.db.delete(webhookDeliveries).where(and(eq(webhookDeliveries.guildId, this.guildId), eq(webhookDeliveries.subscriptionId, id))),
      this.db.delete(webhookSubscriptions).where(this.byId(id)),
    ] as const;
  }
}
