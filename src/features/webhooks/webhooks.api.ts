/**
 * Webhooks' dashboard API (managers): subscriptions (list, create with the secret shown once,
 * edit, delete, rotate the secret), a subscription's delivery log (paged), replaying a
 * delivery and sending a test event. Each write is audited; the target URL is checked
 * (`targets.ts`) before it is stored.
 */
import * as z from 'zod';
import { defineApiRoute, type ApiContext } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { deliveryRow, forgetSubscriptions, newDeliveryId, writeAndSend } from './enqueue.service';
import { GuildDeliveries } from './deliveries.repo';
import { WEBHOOK_EVENT_TYPES } from './events';
import { DELIVERY_STATUSES, type WebhookDeliveryRow, type WebhookSubscriptionRow } from './schema';
import { newWebhookSecret, sealSecret } from './signing';
import { GuildWebhooks, MAX_SUBSCRIPTIONS } from './subscriptions.repo';
import { checkTarget } from './targets';

const subscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  /** Failed attempts in a row. */
  failures: z.number().int(),
  /** `whsec_…` and the secret's last 4 characters. */
  secretHint: z.string(),
  /** The secret a rotation replaced, while its overlap lasts (deliveries are signed with both); else null. */
  previousSecret: z.object({ hint: z.string(), expiresAt: z.number() }).nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  lastSuccessAt: z.number().nullable(),
});

const deliverySchema = z.object({
  id: z.string(),
  eventType: z.string(),
  eventKey: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  responseCode: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  deliveredAt: z.number().nullable(),
  /** When a pending delivery is due next. */
  nextAt: z.number().nullable(),
});

const toSubscription = (s: WebhookSubscriptionRow, now = Date.now()): z.input<typeof subscriptionSchema> => ({
  id: s.id,
  url: s.url,
  events: s.events,
  enabled: s.enabled,
  disabledReason: s.disabledReason,
  failures: s.failures,
  secretHint: `whsec_…${s.secretHint}`,
  previousSecret: s.previousSecretSealed && s.previousSecretHint && s.previousSecretExpiresAt !== null && s.previousSecretExpiresAt > now ? { hint: `whsec_…${s.previousSecretHint}`, expiresAt: s.previousSecretExpiresAt } : null,
  createdBy: s.createdBy,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
  lastSuccessAt: s.lastSuccessAt,
});

const toDelivery = (d: WebhookDeliveryRow): z.input<typeof deliverySchema> => ({
  id: d.id,
  eventType: d.eventType,
  eventKey: d.eventKey,
  status: d.status,
  attempts: d.attempts,
  responseCode: d.responseCode,
  latencyMs: d.latencyMs,
  lastError: d.lastError,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
  deliveredAt: d.deliveredAt,
  nextAt: d.status === 'pending' ? d.nextAt : null,
});

/** What the audit log keeps of a subscription (never its secret). */
const audited = (s: Pick<WebhookSubscriptionRow, 'id' | 'url' | 'events' | 'enabled'>) => ({ id: s.id, url: s.url, events: s.events, enabled: s.enabled });

const urlField = z.string().trim().min(1).max(2000);
const eventsField = z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length).transform((e) => [...new Set(e)]);
const webhookParams = z.object({ webhookId: z.string().regex(/^wh_[0-9a-f]{16}$/, 'must be a webhook id') });

/** The key secrets are sealed under, or a 503 naming the missing setting. */
function masterSecret(ctx: ApiContext): string {
  const secret = ctx.appConfig.WEBHOOKS_SECRET;
  if (!secret) throw new ApiError(503, 'webhooks_off', 'Outgoing webhooks are off on this deployment: the operator must set the WEBHOOKS_SECRET secret (at least 32 characters).');
  return secret;
}

/** Refuses an unsafe target with a 422 on the `url` field. */
async function safeUrl(ctx: ApiContext, raw: string): Promise<string> {
  const checked = await checkTarget(raw, { local: ctx.appConfig.WEBHOOKS_LOCAL, dohUrl: ctx.appConfig.WEBHOOK_DOH_URL });
  if ('reason' in checked) throw new ApiError(422, 'unsafe_target', `The target URL ${checked.reason}.`, { fields: { url: `The URL ${checked.reason}.` } });
  return checked.url.toString();
}

async function existing(ctx: ApiContext, id: string): Promise<WebhookSubscriptionRow> {
  const row = await new GuildWebhooks(ctx.db, ctx.guild).get(id);
  if (!row) throw new ApiError(404, 'unknown_webhook', 'There is no such webhook in this server.');
  return row;
}

const newSubscriptionId = () => `wh_${[...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;

export const listWebhooksRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/webhooks',
  access: 'manager',
  summary: 'Webhook subscriptions, newest first, and the event types they may take',
  response: z.object({ webhooks: z.array(subscriptionSchema), eventTypes: z.array(z.string()), max: z.number().int(), enabled: z.boolean() }),
  handler: async (ctx) => ({
    webhooks: (await new GuildWebhooks(ctx.db, ctx.guild).list()).map((w) => toSubscription(w)),
    eventTypes: [...WEBHOOK_EVENT_TYPES],
    max: MAX_SUBSCRIPTIONS,
    enabled: ctx.appConfig.WEBHOOKS_SECRET !== null,
  }),
});

export const createWebhookRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/webhooks',
  access: 'manager',
  summary: 'Subscribe a URL to event types; the signing secret is in this answer only',
  status: 201,
  request: { body: z.object({ url: urlField, events: eventsField, enabled: z.boolean().default(true) }) },
  response: z.object({ webhook: subscriptionSchema, secret: z.string() }),
  handler: async (ctx, { body }) => {
    const master = masterSecret(ctx);
    const url = await safeUrl(ctx, body.url);
    const secret = newWebhookSecret();
    const id = newSubscriptionId();
    const repo = new GuildWebhooks(ctx.db, ctx.guild);
    const now = Date.now();
    const count = await repo.insertCounted(id, { url, events: body.events, secretSealed: await sealSecret(master, secret), secretHint: secret.slice(-4), enabled: body.enabled, createdBy: ctx.user.id }, now);
    if (count > MAX_SUBSCRIPTIONS) {
      await ctx.db.batch([...repo.deleteStatements(id)]);
      throw new ApiError(409, 'too_many_webhooks', `A server may have at most ${MAX_SUBSCRIPTIONS} webhooks. Delete one first.`);
    }
    const row = await repo.get(id);
    if (!row) throw new Error('webhooks: inserted subscription not found');
    await ctx.config.audited(ctx.user.id, 'webhooks.subscription.create', null, audited(row));
    forgetSubscriptions(ctx.guild);
    return { webhook: toSubscription(row), secret };
  },
});

export const updateWebhookRoute = defineApiRoute({
  method: 'patch',
  path: '/guilds/{guildId}/webhooks/{webhookId}',
  access: 'manager',
  summary: 'Change a webhook’s URL, event types or enabled flag (enabling clears its failure count)',
  request: { params: webhookParams, body: z.object({ url: urlField.optional(), events: eventsField.optional(), enabled: z.boolean().optional() }) },
  response: z.object({ webhook: subscriptionSchema }),
  handler: async (ctx, { params, body }) => {
    const before = await existing(ctx, params.webhookId);
    const url = body.url !== undefined ? await safeUrl(ctx, body.url) : undefined;
    const repo = new GuildWebhooks(ctx.db, ctx.guild);
    const change = { ...(url !== undefined ? { url } : {}), ...(body.events ? { events: body.events } : {}), ...(body.enabled !== undefined ? { enabled: body.enabled } : {}) };
    await ctx.config.audited(ctx.user.id, 'webhooks.subscription.update', audited(before), { ...audited(before), ...change }, repo.updateStatement(before.id, change, Date.now()));
    forgetSubscriptions(ctx.guild);
    return { webhook: toSubscription((await repo.get(before.id)) ?? before) };
  },
});

export const deleteWebhookRoute = defineApiRoute({
  method: 'delete',
  path: '/guilds/{guildId}/webhooks/{webhookId}',
  access: 'manager',
  summary: 'Delete a webhook and its delivery log',
  request: { params: webhookParams },
  response: z.object({ deleted: z.boolean() }),
  handler: async (ctx, { params }) => {
    const before = await existing(ctx, params.webhookId);
    await ctx.config.audited(ctx.user.id, 'webhooks.subscription.delete', audited(before), null, ...new GuildWebhooks(ctx.db, ctx.guild).deleteStatements(before.id));
    forgetSubscriptions(ctx.guild);
    return { deleted: true };
  },
});

/** Longest overlap a rotation may keep the old secret for (as API keys: 30 days). */
export const MAX_SECRET_OVERLAP_SECONDS = 30 * 86_400;
/** The overlap when none is given: a day. */
export const DEFAULT_SECRET_OVERLAP_SECONDS = 86_400;

export const rotateWebhookSecretRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/webhooks/{webhookId}/rotate-secret',
  access: 'manager',
  summary: 'Replace the signing secret; the old one keeps signing too for `overlapSeconds` (default a day, 0: it stops at once). The new one is in this answer only',
  request: {
    params: webhookParams,
    body: z.object({
      overlapSeconds: z
        .number({ error: 'Must be a number of seconds.' })
        .int('Must be a whole number of seconds.')
        .min(0, 'Must be 0 (the old secret stops at once) or more.')
        .max(MAX_SECRET_OVERLAP_SECONDS, `At most 30 days (${MAX_SECRET_OVERLAP_SECONDS} seconds).`)
        .default(DEFAULT_SECRET_OVERLAP_SECONDS),
    }),
  },
  response: z.object({ webhook: subscriptionSchema, secret: z.string(), previousValidUntil: z.number().nullable() }),
  handler: async (ctx, { params, body }) => {
    const master = masterSecret(ctx);
    const before = await existing(ctx, params.webhookId);
    const secret = newWebhookSecret();
    const repo = new GuildWebhooks(ctx.db, ctx.guild);
    const now = Date.now();
    const previousValidUntil = body.overlapSeconds > 0 ? now + body.overlapSeconds * 1000 : null;
    await ctx.config.audited(
      ctx.user.id,
      'webhooks.subscription.rotate_secret',
      { id: before.id, secretHint: before.secretHint },
      { id: before.id, secretHint: secret.slice(-4), previousSecretHint: previousValidUntil ? before.secretHint : null, previousValidUntil },
      repo.rotateStatement(before.id, await sealSecret(master, secret), secret.slice(-4), body.overlapSeconds * 1000, now),
    );
    return { webhook: toSubscription((await repo.get(before.id)) ?? before), secret, previousValidUntil };
  },
});

export const listDeliveriesRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/webhooks/{webhookId}/deliveries',
  access: 'manager',
  summary: 'A webhook’s delivery log, newest first (status, attempts, response code, latency)',
  request: {
    params: webhookParams,
    query: z.object({
      status: z.enum(DELIVERY_STATUSES).optional(),
      /** The `next` of the previous page. */
      before: z
        .string()
        .regex(/^\d+:whd_[0-9a-f]{32}$/, 'must be the next cursor of a previous page')
        .optional(),
      limit: z.coerce.number().int().min(1).max(100).default(25),
    }),
  },
  response: z.object({ deliveries: z.array(deliverySchema), next: z.string().nullable() }),
  handler: async (ctx, { params, query }) => {
    await existing(ctx, params.webhookId);
    const [at, id] = query.before ? query.before.split(':') : [];
    const page = await new GuildDeliveries(ctx.db, ctx.guild).page(params.webhookId, { limit: query.limit, ...(query.status ? { status: query.status } : {}), ...(at && id ? { before: { at: Number(at), id } } : {}) });
    return { deliveries: page.rows.map(toDelivery), next: page.next ? `${page.next.at}:${page.next.id}` : null };
  },
});

export const replayDeliveryRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/webhooks/{webhookId}/deliveries/{deliveryId}/replay',
  access: 'manager',
  summary: 'Send a settled delivery again (same id and body, fresh attempts)',
  request: { params: webhookParams.extend({ deliveryId: z.string().regex(/^whd_[0-9a-f]{32}$/, 'must be a delivery id') }) },
  response: z.object({ delivery: deliverySchema }),
  handler: async (ctx, { params }) => {
    const sub = await existing(ctx, params.webhookId);
    if (!sub.enabled) throw new ApiError(409, 'webhook_disabled', 'This webhook is disabled: enable it first, then replay.');
    const repo = new GuildDeliveries(ctx.db, ctx.guild);
    if (!(await repo.get(sub.id, params.deliveryId))) throw new ApiError(404, 'unknown_delivery', 'There is no such delivery for this webhook.');
    const row = await repo.replay(sub.id, params.deliveryId, Date.now());
    if (!row) throw new ApiError(409, 'delivery_pending', 'This delivery is still pending: it is sent (or retried) on its own.');
    await ctx.env.WEBHOOKS.send({ d: row.id }, { contentType: 'json' });
    await ctx.config.audited(ctx.user.id, 'webhooks.delivery.replay', null, { webhook: sub.id, delivery: row.id, event: row.eventType });
    return { delivery: toDelivery(row) };
  },
});

export const testWebhookRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/webhooks/{webhookId}/test',
  access: 'manager',
  summary: 'Queue a `test` event to this webhook (signed like any other)',
  status: 201,
  request: { params: webhookParams },
  response: z.object({ delivery: deliverySchema }),
  handler: async (ctx, { params }) => {
    const sub = await existing(ctx, params.webhookId);
    if (!sub.enabled) throw new ApiError(409, 'webhook_disabled', 'This webhook is disabled: enable it first.');
    const now = Date.now();
    const row = deliveryRow(sub.id, { type: 'test', guildId: ctx.guild, userId: ctx.user.id, key: `test:${newDeliveryId()}`, occurredAt: now, payload: { message: 'A test event from the Gatehouse dashboard.' } }, now);
    await writeAndSend(ctx, [row]);
    const stored = await new GuildDeliveries(ctx.db, ctx.guild).get(sub.id, row.id!);
    return { delivery: toDelivery(stored ?? (row as WebhookDeliveryRow)) };
  },
});

/** Every webhooks route, for the feature's `api` list. */
export const webhooksApi = [listWebhooksRoute, createWebhookRoute, updateWebhookRoute, deleteWebhookRoute, rotateWebhookSecretRoute, listDeliveriesRoute, replayDeliveryRoute, testWebhookRoute];
