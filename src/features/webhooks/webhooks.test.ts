
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registry } from '../../../workers/bot/index';
import { auditLog } from '../../core/schema';
import { GuildConfig } from '../../core/guild-config.repo';
import { emitInternal } from '../../core/internal-events';
import { lazyServices } from '../../core/interaction-context';
import { api } from '../../testing/dashboard';
import { requeueDeliveriesCron, STUCK_GRACE_MS } from './crons/requeue-deliveries.cron';
import { webhookDeliveries, webhookSubscriptions } from './schema';
import { advance, webhooksWorld, type WebhooksWorld } from './webhooks.fixture';
import { Budget } from '../../core/budget';

/**
 * The receiver's check, copied from docs/api.md ("Verifying a signature (JavaScript)") and
 * nothing else: if these lines stop verifying what Gatehouse sends, the docs are wrong.
 */
async function verifyGatehouse(secret: string, headers: Headers, rawBody: string, toleranceSeconds = 300) {
  const timestamp = headers.get('x-gatehouse-timestamp');
  if (!timestamp || Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const signed = enc.encode(`${timestamp}.${rawBody}`);
  // One `sha256=<hex>` per valid secret (two during a rotation's overlap): any match will do.
  for (const part of (headers.get('x-gatehouse-signature') ?? '').split(',').slice(0, 4)) {
    const hex = /^sha256=([0-9a-f]{64})$/.exec(part.trim())?.[1];
    if (!hex) continue;
    const mac = Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
    if (await crypto.subtle.verify('HMAC', key, mac, signed)) return true; // constant time
  }
  return false;
}

const base = (w: WebhooksWorld) => `/api/guilds/${w.g.guildId}/webhooks`;

async function subscribe(w: WebhooksWorld, url: string, events: string[] = ['case_created', 'member_joined']) {
  const cookie = await w.as('owner');
  const res = await api(w.env, 'POST', base(w), { cookie, body: { url, events } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { cookie, id: res.body.webhook.id as string, secret: res.body.secret as string };
}

async function deliveries(w: WebhooksWorld, cookie: string, id: string) {
  const res = await api(w.env, 'GET', `${base(w)}/${id}/deliveries`, { cookie });
  expect(res.status).toBe(200);
  return res.body.deliveries as { id: string; status: string; attempts: number; responseCode: number | null; latencyMs: number | null; lastError: string | null; eventType: string }[];
}

afterEach(() => {
  vi.useRealTimers();
});

describe('webhooks: signing, retries, disabling, replay', () => {
  it('signs each delivery so that the receiver written from docs/api.md verifies it; the secret is shown once and never listed', { timeout: 30_000 }, async () => {
    const w = await webhooksWorld();
    const hook = await w.hook();
    const { cookie, id, secret } = await subscribe(w, hook.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await api(w.env, 'GET', base(w), { cookie });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.webhooks[0]).toMatchObject({ id, url: hook.url, enabled: true, secretHint: `whsec_…${secret.slice(-4)}` });
    const [stored] = await w.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
    expect(stored!.secretSealed).not.toContain(secret.slice(6, 20));

    const test = await api(w.env, 'POST', `${base(w)}/${id}/test`, { cookie });
    expect(test.status).toBe(201);
    expect(w.sent).toEqual([{ d: test.body.delivery.id }]); // ids only on the queue
    expect(await w.drain()).toMatchObject({ acked: 1, retried: [] });

    const [got] = await hook.received();
    expect(got).toBeDefined();
    const headers = new Headers(got!.headers);
    expect(await verifyGatehouse(secret, headers, got!.body)).toBe(true);
    expect(await verifyGatehouse(secret, headers, got!.body.replace('test', 'tesT'))).toBe(false);
    expect(await verifyGatehouse(`${secret}x`, headers, got!.body)).toBe(false);
    expect(headers.get('x-gatehouse-delivery')).toBe(test.body.delivery.id);
    expect(headers.get('x-gatehouse-event')).toBe('test');
    const body = JSON.parse(got!.body);
    expect(body).toMatchObject({ id: test.body.delivery.id, type: 'test', guildId: w.g.guildId, data: { userId: w.ids.owner } });

    const [logged] = await deliveries(w, cookie, id);
    expect(logged).toMatchObject({ status: 'delivered', attempts: 1, responseCode: 200, lastError: null });
    expect(logged!.latencyMs).toBeGreaterThanOrEqual(0);

    // Rotating without an overlap: the old secret no longer verifies the next delivery.
    const rotated = await api(w.env, 'POST', `${base(w)}/${id}/rotate-secret`, { cookie, body: { overlapSeconds: 0 } });
    expect(rotated.status).toBe(200);
    await api(w.env, 'POST', `${base(w)}/${id}/test`, { cookie });
    await w.drain();
    const second = (await hook.received())[1]!;
    expect(await verifyGatehouse(secret, new Headers(second.headers), second.body)).toBe(false);
    expect(await verifyGatehouse(rotated.body.secret, new Headers(second.headers), second.body)).toBe(true);
    expect(second.headers['x-gatehouse-signature']).toMatch(/^sha256=[0-9a-f]{64}$/); // one signature only
    expect(rotated.body).toMatchObject({ previousValidUntil: null, webhook: { previousSecret: null } });
    const actions = (await w.db.select({ action: auditLog.action, after: auditLog.after }).from(auditLog).where(eq(auditLog.guildId, w.g.guildId))).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['webhooks.subscription.create', 'webhooks.subscription.rotate_secret']));
    expect(JSON.stringify(await w.db.select().from(auditLog).where(eq(auditLog.guildId, w.g.guildId)))).not.toContain(secret);
  });

  it('rotates with an overlap: deliveries verify with the old and the new secret until the overlap ends, then only with the new', { timeout: 30_000 }, async () => {
    const w = await webhooksWorld();
    const hook = await w.hook();
    const { cookie, id, secret: old } = await subscribe(w, hook.url);
    const sendOne = async () => {
      expect((await api(w.env, 'POST', `${base(w)}/${id}/test`, { cookie })).status).toBe(201);
      expect(await w.drain()).toMatchObject({ acked: 1, retried: [] });
      const got = await hook.received();
      const last = got[got.length - 1]!;
      return { headers: new Headers(last.headers), body: last.body };
    };

    const started = Date.now();
    const rotated = await api(w.env, 'POST', `${base(w)}/${id}/rotate-secret`, { cookie, body: { overlapSeconds: 3600 } });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(old);
    expect(rotated.body.previousValidUntil).toBeGreaterThanOrEqual(started + 3600_000);
    expect(rotated.body.previousValidUntil).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(rotated.body.webhook).toMatchObject({ secretHint: `whsec_…${fresh.slice(-4)}`, previousSecret: { hint: `whsec_…${old.slice(-4)}`, expiresAt: rotated.body.previousValidUntil } });
    const listed = await api(w.env, 'GET', base(w), { cookie });
    expect(listed.body.webhooks[0].previousSecret).toMatchObject({ hint: `whsec_…${old.slice(-4)}` });
    expect(JSON.stringify(listed.body)).not.toContain(old);

    // During the overlap: two signatures, the new one first; a receiver with either secret verifies.
    const during = await sendOne();
    expect(during.headers.get('x-gatehouse-signature')).toMatch(/^sha256=[0-9a-f]{64},sha256=[0-9a-f]{64}$/);
    expect(await verifyGatehouse(old, during.headers, during.body)).toBe(true);
    expect(await verifyGatehouse(fresh, during.headers, during.body)).toBe(true);
    expect(await verifyGatehouse(`${old}x`, during.headers, during.body)).toBe(false);
    expect(await verifyGatehouse(old, during.headers, during.body.replace('test', 'tesT'))).toBe(false);

    // The overlap ends (the clock moved by data: the stored expiry put in the past): only the new one.
    await w.db.update(webhookSubscriptions).set({ previousSecretExpiresAt: Date.now() - 1 }).where(eq(webhookSubscriptions.id, id));
    const after = await sendOne();
    expect(after.headers.get('x-gatehouse-signature')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await verifyGatehouse(old, after.headers, after.body)).toBe(false);
    expect(await verifyGatehouse(fresh, after.headers, after.body)).toBe(true);
    expect((await api(w.env, 'GET', base(w), { cookie })).body.webhooks[0].previousSecret).toBeNull();

    const audit = await w.db.select().from(auditLog).where(and(eq(auditLog.guildId, w.g.guildId), eq(auditLog.action, 'webhooks.subscription.rotate_secret')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ secretHint: fresh.slice(-4), previousSecretHint: old.slice(-4), previousValidUntil: rotated.body.previousValidUntil });
    expect(JSON.stringify(audit)).not.toContain(old);
    expect(JSON.stringify(audit)).not.toContain(fresh);
  });

  it('rotating again during an overlap keeps only the secret it replaces; no overlap given means a day', { timeout: 30_000 }, async () => {
    const w = await webhooksWorld();
    const hook = await w.hook();
    const { cookie, id, secret: first } = await subscribe(w, hook.url);
    const before = Date.now();
    const second = await api(w.env, 'POST', `${base(w)}/${id}/rotate-secret`, { cookie, body: {} });
    expect(second.status).toBe(200);
    expect(second.body.previousValidUntil).toBeGreaterThanOrEqual(before + 86_400_000);
    const third = await api(w.env, 'POST', `${base(w)}/${id}/rotate-secret`, { cookie, body: { overlapSeconds: 600 } });
    expect(third.body.webhook.previousSecret).toMatchObject({ hint: `whsec_…${(second.body.secret as string).slice(-4)}` });
    await api(w.env, 'POST', `${base(w)}/${id}/test`, { cookie });
    await w.drain();
    const [got] = await hook.received();
    const headers = new Headers(got!.headers);
    expect(await verifyGatehouse(third.body.secret, headers, got!.body)).toBe(true);
    expect(await verifyGatehouse(second.body.secret, headers, got!.body)).toBe(true);
    expect(await verifyGatehouse(first, headers, got!.body)).toBe(false);
  });

  it('refuses an overlap that is not a whole number of seconds within 30 days with a 422 naming overlapSeconds; the secret is unchanged', { timeout: 30_000 }, async () => {
    const w = await webhooksWorld();
    const { cookie, id } = await subscribe(w, 'https://hooks.example.com/x');
    const [stored] = await w.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
    for (const overlapSeconds of [-1, 1.5, 'an hour', 30 * 86_400 + 1, null]) {
      const res = await api(w.env, 'POST', `${base(w)}/${id}/rotate-secret`, { cookie, body: { overlapSeconds } });
      expect(res.status, String(overlapSeconds)).toBe(422);
      expect(Object.keys(res.body.fields), String(overlapSeconds)).toEqual(['overlapSeconds']);
    }
    expect((await api(w.env, 'POST', `${base(w)}/${id}/rotate-secret`, { cookie, body: { overlapSeconds: 30 * 86_400 } })).status).toBe(200);
    const [now] = await w.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
    expect(now!.previousSecretSealed).toBe(stored!.secretSealed);
  });

  it('retries with backoff: a receiver failing twice then answering gets the same delivery three times, and the log shows it delivered', { timeout: 30_000 }, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const w = await webhooksWorld();
    const hook = await w.hook({ failFirst: 2, failStatus: 503 });
    const { cookie, id } = await subscribe(w, hook.url);
    await api(w.env, 'POST', `${base(w)}/${id}/test`, { cookie });
    const first = await w.drain();
    expect(first.retried.map((r) => r.delaySeconds)).toEqual([10]);
    let [row] = await deliveries(w, cookie, id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, responseCode: 503 });
    expect(row!.lastError).toContain('HTTP 503');

    // A message arriving before the row is due does nothing (acked; the retry carries on).
    w.sent.push(first.retried[0]!.body);
    expect(await w.drain()).toMatchObject({ acked: 1, retried: [] });
    expect((await hook.received()).length).toBe(1);

    advance(10);
    w.sent.push(first.retried[0]!.body);
    const secondTry = await w.drain();
    expect(secondTry.retried.map((r) => r.delaySeconds)).toEqual([30]);
    advance(30);
    w.sent.push(secondTry.retried[0]!.body);
    expect(await w.drain()).toMatchObject({ acked: 1, retried: [] });

    const got = await hook.received();
    expect(got).toHaveLength(3);
    expect(new Set(got.map((g) => g.headers['x-gatehouse-delivery'])).size).toBe(1);
    expect(new Set(got.map((g) => g.body)).size).toBe(1);
    [row] = await deliveries(w, cookie, id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, responseCode: 200, lastError: null });
    const [sub] = await w.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
    expect(sub!.failures).toBe(0);
  });

  it('times out a slow receiver, reads only a little of a huge answer, and gives up after WEBHOOK_MAX_ATTEMPTS', { timeout: 30_000 }, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const w = await webhooksWorld({ WEBHOOK_TIMEOUT_MS: '500', WEBHOOK_MAX_ATTEMPTS: '2' });
    // Far slower than the 500 ms timeout, so the bound below tells a timeout from an answer even on a loaded machine.
    const slow = await w.hook({ delayMs: 6000 });
    const big = await w.hook({ bodyBytes: 5_000_000, status: 500 });
    const a = await subscribe(w, slow.url);
    const b = await subscribe(w, big.url);
    await api(w.env, 'POST', `${base(w)}/${a.id}/test`, { cookie: a.cookie });
    await api(w.env, 'POST', `${base(w)}/${b.id}/test`, { cookie: b.cookie });
    const started = performance.now();
    const first = await w.drain();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(first.retried).toHaveLength(2);
    const [slowRow] = await deliveries(w, a.cookie, a.id);
    expect(slowRow!.lastError).toBe('timed out after 500 ms');
    const [bigRow] = await deliveries(w, b.cookie, b.id);
    expect(bigRow).toMatchObject({ responseCode: 500 });
    expect(bigRow!.lastError!.length).toBeLessThan(260);
    advance(10);
    w.sent.push(...first.retried.map((r) => r.body));
    expect(await w.drain()).toMatchObject({ acked: 2, retried: [] });
    expect((await deliveries(w, b.cookie, b.id))[0]).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('disables a subscription that keeps failing: audited, a notice in bot_log, later deliveries skipped', { timeout: 30_000 }, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const w = await webhooksWorld({ WEBHOOK_DISABLE_AFTER: '3', WEBHOOK_MAX_ATTEMPTS: '2' });
    await new GuildConfig(w.db, w.g.guildId).setChannel(w.g.ownerId, 'bot_log', w.g.channels.general!);
    const hook = await w.hook({ failFirst: 1000 });
    const { cookie, id } = await subscribe(w, hook.url);
    await api(w.env, 'POST', `${base(w)}/${id}/test`, { cookie });
    await api(w.env, 'POST', `${base(w)}/${id}/test`, { cookie });
    const first = await w.drain(); // 2 failures
    expect(first.retried).toHaveLength(2);
    advance(10);
    w.sent.push(first.retried[0]!.body);
    await w.drain(); // the 3rd: disabled
    const [sub] = await w.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
    expect(sub).toMatchObject({ enabled: false, failures: 3 });
    expect(sub!.disabledReason).toContain('3 failed attempts in a row');
    const audit = await w.db.select().from(auditLog).where(and(eq(auditLog.guildId, w.g.guildId), eq(auditLog.action, 'webhooks.subscription.disabled')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(w.env.DISCORD_APPLICATION_ID);
    const notices = await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.path).toContain(w.g.channels.general!);
    expect(JSON.stringify(notices[0]!.body)).toContain('disabled');

    w.sent.push(first.retried[1]!.body);
    await w.drain();
    const log = await deliveries(w, cookie, id);
    expect(log.map((d) => d.status).sort()).toEqual(['failed', 'skipped']);
    expect((await hook.received()).length).toBe(3);
    // Events are no longer written for it; enabling it again clears the count.
    const enabled = await api(w.env, 'PATCH', `${base(w)}/${id}`, { cookie, body: { enabled: true } });
    expect(enabled.body.webhook).toMatchObject({ enabled: true, failures: 0, disabledReason: null });
    await w.fake.assertNoViolations();
  });

  it('replays a delivery with the same id and body; a pending one cannot be replayed', { timeout: 30_000 }, async () => {
    const w = await webhooksWorld();
    const hook = await w.hook();
    const { cookie, id } = await subscribe(w, hook.url);
    const test = await api(w.env, 'POST', `${base(w)}/${id}/test`, { cookie });
    const deliveryId = test.body.delivery.id;
    const early = await api(w.env, 'POST', `${base(w)}/${id}/deliveries/${deliveryId}/replay`, { cookie });
    expect(early.status).toBe(409);
    expect(early.body.error).toBe('delivery_pending');
    await w.drain();
    const replay = await api(w.env, 'POST', `${base(w)}/${id}/deliveries/${deliveryId}/replay`, { cookie });
    expect(replay.status).toBe(200);
    expect(replay.body.delivery).toMatchObject({ id: deliveryId, status: 'pending', attempts: 0 });
    await w.drain();
    const got = await hook.received();
    expect(got).toHaveLength(2);
    expect(got[1]!.headers['x-gatehouse-delivery']).toBe(deliveryId);
    expect(got[1]!.body).toBe(got[0]!.body);
    expect((await deliveries(w, cookie, id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    const unknown = await api(w.env, 'POST', `${base(w)}/${id}/deliveries/whd_${'0'.repeat(32)}/replay`, { cookie });
    expect(unknown.status).toBe(404);
  });

  it('writes one delivery per event and subscription when an internal event arrives twice; the cron resends a row whose message was lost', { timeout: 30_000 }, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const w = await webhooksWorld();
    const hook = await w.hook();
    const other = await w.hook();
    const { id } = await subscribe(w, hook.url, ['case_created']);
    const { id: unrelated } = await subscribe(w, other.url, ['member_left']);
    const ctx = { ...lazyServices({ env: w.env, waitUntil: () => undefined }), registry };
    const fields = { guildId: w.g.guildId, userId: w.ids.member, key: 'case:test-1', payload: { caseId: 'test-1', caseNumber: 1 } };
    await emitInternal(ctx, 'case_created', fields);
    await emitInternal(ctx, 'case_created', fields);
    const rows = await w.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.guildId, w.g.guildId));
    expect(rows.map((r) => [r.subscriptionId, r.eventType, r.eventKey])).toEqual([[id, 'case_created', 'case:test-1']]);
    expect(w.sent).toHaveLength(1);
    expect(unrelated).toBeDefined();

    // The message is lost: the cron resends it once the row is past due, and the consumer delivers it.
    w.sent.splice(0);
    const run = (at: number) => requeueDeliveriesCron.handler({ ...lazyServices({ env: w.env, waitUntil: () => undefined }), scheduledTime: at, cron: '* * * * *', budget: Budget.unlimited(), registry });
    expect(await run(Date.now())).toMatchObject({ claimed: 0 });
    advance(STUCK_GRACE_MS / 1000 + 1);
    expect(await run(Date.now())).toMatchObject({ claimed: 1 });
    expect(w.sent).toHaveLength(1);
    await w.drain();
    expect(await hook.received()).toHaveLength(1);
    expect(await other.received()).toHaveLength(0);
    advance(STUCK_GRACE_MS / 1000 + 1);
    expect(await run(Date.now())).toMatchObject({ claimed: 0 });
  });
});

describe('webhooks: safe targets', () => {
  it('refuses non-https, private, loopback, link-local and local-name targets outside local deployments', { timeout: 30_000 }, async () => {
    const w = await webhooksWorld({ WEBHOOKS_LOCAL: '', WEBHOOK_DOH_URL: 'off' });
    const cookie = await w.as('owner');
    for (const url of ['http://example.com/hook', 'https://127.0.0.1/hook', 'https://[::1]/hook', 'https://169.254.169.254/latest/meta-data', 'https://10.1.2.3/', 'https://192.168.0.10/', 'https://[fe80::1]/', 'https://[::ffff:127.0.0.1]/', 'https://2130706433/', 'https://localhost/', 'https://api.internal/', 'https://user:pw@example.com/', 'ftp://example.com/']) {
      const res = await api(w.env, 'POST', base(w), { cookie, body: { url, events: ['test_nope'] } });
      expect(res.status, url).toBe(422);
      const ok = await api(w.env, 'POST', base(w), { cookie, body: { url, events: ['case_created'] } });
      expect(ok.status, url).toBe(422);
      expect(ok.body.error, url).toBe('unsafe_target');
    }
    const good = await api(w.env, 'POST', base(w), { cookie, body: { url: 'https://hooks.example.com/gatehouse', events: ['case_created'] } });
    expect(good.status).toBe(201);
    // Managers only.
    const moderator = await w.as('moderator');
    expect((await api(w.env, 'GET', base(w), { cookie: moderator })).status).toBe(403);
  });

  it('checks the target again at send time: a loopback URL saved in a local deployment is refused when the deployment is not local', { timeout: 30_000 }, async () => {
    const w = await webhooksWorld();
    const hook = await w.hook();
    const { cookie, id } = await subscribe(w, hook.url);
    await api(w.env, 'POST', `${base(w)}/${id}/test`, { cookie });
    const strict = { ...w.env, WEBHOOKS_LOCAL: '', WEBHOOK_DOH_URL: 'off' } as Env;
    expect(await w.drain(strict)).toMatchObject({ acked: 1, retried: [] });
    expect(await hook.received()).toHaveLength(0);
    const [row] = await deliveries(w, cookie, id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.lastError).toContain('target refused');
  });

  it('answers 503 when the deployment has no WEBHOOKS_SECRET', async () => {
    const w = await webhooksWorld({ WEBHOOKS_SECRET: '' });
    const res = await api(w.env, 'POST', base(w), { cookie: await w.as('owner'), body: { url: 'https://hooks.example.com/x', events: ['case_created'] } });
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('webhooks_off');
  });
});
