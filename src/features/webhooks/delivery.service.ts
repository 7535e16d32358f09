/**
 * The WEBHOOKS queue consumer. Per message (a delivery id), in this order:
 *
 * 1. Claim the row: a conditional UPDATE (pending, due, not leased) counts the attempt and
 *    leases it; a message for a delivered, settled or leased row is acked and does nothing
 *    (queues are at least once; the requeue cron covers a lost message).
 * 2. Check the subscription (still there and enabled: else the delivery is `skipped`) and
 *    its target (`targets.ts`, again at send time: DNS answers change).
 * 3. Sign (`signing.ts`) with a fresh timestamp (with the current secret, and with the previous
 *    one too while a rotation's overlap lasts) and POST the stored body, redirects not
 *    followed, within `WEBHOOK_TIMEOUT_MS`; at most `RESPONSE_BYTES_READ` of the answer are read.
 * 4. Record status, response code and latency. A 2xx delivers and clears the subscription's
 *    failure count. Anything else retries the message with bounded exponential backoff until
 *    `WEBHOOK_MAX_ATTEMPTS`, then marks the delivery `failed`; each failed attempt counts
 *    against the subscription, which `WEBHOOK_DISABLE_AFTER` failures in a row disable (one
 *    conditional UPDATE decides who disables it; that one audits it and posts a notice to the
 *    guild's `bot_log` channel).
 */
import { and, eq, sql } from 'drizzle-orm';
import * as z from 'zod';
import { Budget } from '../../core/budget';
import { appConfig, type Config } from '../../core/env';
import { eventServices, type EventServices } from '../../core/events';
import { GuildConfig } from '../../core/guild-config.repo';
import { messageNonce } from '../../discord/nonce';
import { claimDelivery, settleStatement, type AttemptRecord } from './deliveries.repo';
import { webhookSubscriptions, type WebhookDeliveryRow, type WebhookSubscriptionRow } from './schema';
import { openSecret, signatureHeader } from './signing';
import { checkTarget } from './targets';

/** The queue's name (wrangler.toml), which the bot Worker's `queue` handler dispatches on. */
export const WEBHOOKS_QUEUE = 'gatehouse-webhooks';

/** Bytes of a response read (to record a snippet of an error); the rest is cancelled unread. */
export const RESPONSE_BYTES_READ = 1024;

/** Delay before the n-th retry (seconds): 10, 30, 90, 270, … capped at an hour. */
export function webhookRetryDelaySeconds(attempts: number): number {
  return Math.min(3600, 10 * 3 ** Math.max(0, attempts - 1));
}

const messageSchema = z.object({ d: z.string().min(1).max(64) });

function log(msg: string, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ msg, ...fields }));
}

/** What one message's processing decided. */
export type DeliveryOutcome = { ack: true; status?: WebhookDeliveryRow['status'] | 'not_ours' } | { ack: false; delaySeconds: number };

/** Reads at most `limit` bytes of a response, then cancels the rest. */
async function readSome(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const all = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, Math.min(c.byteLength, all.length - at));
    all.set(part, at);
    at += part.byteLength;
    if (at >= all.length) break;
  }
  return new TextDecoder().decode(all);
}

/** One POST of a delivery: the outcome as it is recorded. */
async function attempt(config: Config, sub: WebhookSubscriptionRow, row: WebhookDeliveryRow, secrets: readonly string[], doFetch: typeof fetch): Promise<{ ok: boolean; code: number | null; latencyMs: number | null; error: string | null; transient: boolean }> {
  const target = await checkTarget(sub.url, { local: config.WEBHOOKS_LOCAL, dohUrl: config.WEBHOOK_DOH_URL, fetch: doFetch });
  if ('reason' in target) return { ok: false, code: null, latencyMs: null, error: `target refused: the URL ${target.reason}`, transient: target.transient };
  const timestamp = String(Math.floor(Date.now() / 1000));
  const started = Date.now();
  try {
    const res = await doFetch(target.url.toString(), {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(config.WEBHOOK_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Gatehouse-Webhooks/1',
        'x-gatehouse-delivery': row.id,
        'x-gatehouse-event': row.eventType,
        'x-gatehouse-timestamp': timestamp,
        'x-gatehouse-signature': await signatureHeader(secrets, timestamp, row.body),
      },
      body: row.body,
    });
    const text = await readSome(res, RESPONSE_BYTES_READ).catch(() => '');
    const latencyMs = Date.now() - started;
    if (res.status >= 200 && res.status < 300) return { ok: true, code: res.status, latencyMs, error: null, transient: false };
    const why = res.status >= 300 && res.status < 400 ? 'redirects are not followed' : text.replace(/\s+/g, ' ').trim().slice(0, 200);
    return { ok: false, code: res.status, latencyMs, error: `HTTP ${res.status}${why ? `: ${why}` : ''}`, transient: true };
  } catch (error) {
    const latencyMs = Date.now() - started;
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { ok: false, code: null, latencyMs, error: timedOut ? `timed out after ${config.WEBHOOK_TIMEOUT_MS} ms` : `connection failed: ${String(error).slice(0, 200)}`, transient: true };
  }
}

/** Disables a subscription that kept failing, once: the winner audits it and tells the guild. */
async function disableFailing(services: EventServices, sub: WebhookSubscriptionRow, failures: number, lastError: string | null): Promise<void> {
  const reason = `disabled after ${failures} failed attempts in a row (last: ${lastError ?? 'unknown'})`.slice(0, 500);
  const [won] = await services.db
    .update(webhookSubscriptions)
    .set({ enabled: false, disabledReason: reason, updatedAt: Date.now() })
    .where(and(eq(webhookSubscriptions.id, sub.id), eq(webhookSubscriptions.enabled, true)))
    .returning({ id: webhookSubscriptions.id });
  if (!won) return;
  const config = new GuildConfig(services.db, sub.guildId);
  const actor = services.discord.applicationId;
  await config.audited(actor, 'webhooks.subscription.disabled', { id: sub.id, url: sub.url, enabled: true }, { id: sub.id, url: sub.url, enabled: false, reason });
  const channel = await config.channel('bot_log');
  if (!channel) return;
  try {
    await services.discord.channels.createMessage(channel, {
      content: `⚠️ Webhook \`${sub.id}\` (${sub.url.slice(0, 200)}) was **disabled**: ${reason}. Fix the receiver, then enable it again on the dashboard (Webhooks); failed deliveries can be replayed.`,
      allowed_mentions: { parse: [] },
      nonce: await messageNonce('webhooks.disabled', sub.id, String(sub.updatedAt)),
      enforce_nonce: true,
    });
  } catch (error) {
    log('webhook disable notice failed', { guild: sub.guildId, subscription: sub.id, error: String(error) });
  }
}

/** Processes one delivery id: claim, check, send, record. */
export async function processDelivery(services: EventServices, env: Env, deliveryId: string, doFetch: typeof fetch = fetch): Promise<DeliveryOutcome> {
  const config = appConfig(env);
  const db = services.db;
  const now = Date.now();
  const row = await claimDelivery(db, deliveryId, now);
  if (!row) return { ack: true, status: 'not_ours' };
  const [sub] = await db.select().from(webhookSubscriptions).where(and(eq(webhookSubscriptions.id, row.subscriptionId), eq(webhookSubscriptions.guildId, row.guildId)));
  const settle = (r: AttemptRecord) => db.batch([settleStatement(db, row, r, Date.now())]);
  if (!sub || !sub.enabled) {
    await settle({ status: 'skipped', responseCode: null, latencyMs: null, error: sub ? `subscription disabled${sub.disabledReason ? `: ${sub.disabledReason}` : ''}` : 'subscription deleted' });
    return { ack: true, status: 'skipped' };
  }
  const secret = config.WEBHOOKS_SECRET ? await openSecret(config.WEBHOOKS_SECRET, sub.secretSealed) : null;
  if (!secret) {
    await settle({ status: 'skipped', responseCode: null, latencyMs: null, error: 'the signing secret does not open (WEBHOOKS_SECRET unset or changed): rotate the secret' });
    return { ack: true, status: 'skipped' };
  }
  // A rotation's overlap: the previous secret signs too until it expires (one that no longer
  // opens is left out; the current one still signs).
  const previous = config.WEBHOOKS_SECRET && sub.previousSecretSealed && (sub.previousSecretExpiresAt ?? 0) > Date.now() ? await openSecret(config.WEBHOOKS_SECRET, sub.previousSecretSealed) : null;
  const result = await attempt(config, sub, row, previous ? [secret, previous] : [secret], doFetch);
  if (result.ok) {
    await db.batch([
      settleStatement(db, row, { status: 'delivered', responseCode: result.code, latencyMs: result.latencyMs, error: null }, Date.now()),
      db.update(webhookSubscriptions).set({ failures: 0, lastSuccessAt: Date.now() }).where(eq(webhookSubscriptions.id, sub.id)),
    ]);
    return { ack: true, status: 'delivered' };
  }
  const retry = result.transient && row.attempts < config.WEBHOOK_MAX_ATTEMPTS;
  const delaySeconds = webhookRetryDelaySeconds(row.attempts);
  const [, counted] = await db.batch([
    settleStatement(db, row, { status: retry ? 'pending' : 'failed', responseCode: result.code, latencyMs: result.latencyMs, error: result.error, ...(retry ? { nextAt: Date.now() + delaySeconds * 1000 } : {}) }, Date.now()),
    db
      .update(webhookSubscriptions)
      .set({ failures: sql`${webhookSubscriptions.failures} + 1` })
      .where(eq(webhookSubscriptions.id, sub.id))
      .returning({ failures: webhookSubscriptions.failures }),
  ]);
  const failures = counted[0]?.failures ?? 0;
  if (failures >= config.WEBHOOK_DISABLE_AFTER) await disableFailing(services, sub, failures, result.error);
  return retry ? { ack: false, delaySeconds } : { ack: true, status: 'failed' };
}

/**
 * The WEBHOOKS queue handler: each message settled on its own (ack, or retry with its
 * delay), so one slow or failing receiver never holds back the rest of the batch.
 */
export async function consumeWebhooks(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext, doFetch: typeof fetch = fetch): Promise<void> {
  const services = eventServices(env, ctx, Budget.unlimited());
  await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = messageSchema.safeParse(message.body);
      if (!parsed.success) {
        log('webhook message malformed', { messageId: message.id });
        message.ack();
        return;
      }
      try {
        const outcome = await processDelivery(services, env, parsed.data.d, doFetch);
        if (outcome.ack) message.ack();
        else message.retry({ delaySeconds: outcome.delaySeconds });
      } catch (error) {
        // The database was unreachable: nothing was sent or nothing recorded; the lease (if
        // any) runs out and this message, or the requeue cron, tries again.
        log('webhook delivery failed', { delivery: parsed.data.d, error: String(error) });
        message.retry({ delaySeconds: 30 });
      }
    }),
  );
}
