/**
 * API keys end to end in workerd, against the fake Discord: the lifecycle (create on the
 * dashboard, use under /api/v1, rotate with an overlap, revoke, expire), every refusal with its
 * reason, key writes audited with the key as actor through the same service, private notes
 * withheld without `notes:read`, the RateLimit-* headers, CORS for listed origins only, and
 * exact quota counting under 200 concurrent requests.
 */
import { env as baseEnv } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../db/client';
import { createKey, keyApi } from '../../testing/api-keys';
import { api, dashboardWorld, type DashboardWorld } from '../../testing/dashboard';
import { auditLog } from '../schema';
import { apiKeys } from './schema';

let w: DashboardWorld;
const v1 = (path: string, guildId = w.g.guildId) => `/api/v1/guilds/${guildId}${path}`;
const audits = (action: string) => getDb(w.env).select().from(auditLog).where(and(eq(auditLog.guildId, w.g.guildId), eq(auditLog.action, action)));

beforeAll(async () => {
  w = await dashboardWorld();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('key lifecycle', () => {
  it('creates a key shown once, stored as a hash with a visible prefix, audited', async () => {
    const { id, secret, key } = await createKey(w, { name: 'site' });
    expect(secret).toMatch(/^gh_live_[0-9a-f]{64}$/);
    expect(key.prefix).toBe(secret.slice(0, 16));
    expect(key).not.toHaveProperty('hash');
    const [row] = await getDb(w.env).select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(row!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret.slice(16));
    const list = await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/api-keys`, { cookie: await w.as('owner') });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(secret.slice(16));
    expect(list.body.keys.find((k: { id: string }) => k.id === id)).toMatchObject({ prefix: key.prefix, status: 'live', usage: { total: 0, lastUsedAt: null } });
    expect((await audits('api_key.create')).some((a) => (a.after as { id: string }).id === id)).toBe(true);

    const summary = await keyApi(w, secret, 'GET', v1('/summary'));
    expect(summary.status).toBe(200);
    expect(summary.body.guild.id).toBe(w.g.guildId);
    const after = await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/api-keys`, { cookie: await w.as('owner') });
    expect(after.body.keys.find((k: { id: string }) => k.id === id).usage).toMatchObject({ total: 1, month: { used: 1 } });
    expect(after.body.keys.find((k: { id: string }) => k.id === id).usage.lastUsedAt).toBeGreaterThan(0);
  });

  it('rotates with an overlap: both keys work, then only the new one; revoking refuses at once', async () => {
    const { id, secret } = await createKey(w, { name: 'rotating' });
    const owner = await w.as('owner');
    const rotated = await api(w.env, 'POST', `/api/guilds/${w.g.guildId}/api-keys/${id}/rotate`, { cookie: owner, body: { overlapHours: 1 } });
    expect(rotated.status).toBe(200);
    const next = rotated.body.secret as string;
    expect(next).not.toBe(secret);
    expect(rotated.body.old).toMatchObject({ id, rotatedTo: rotated.body.key.id, status: 'live' });
    expect(rotated.body.key).toMatchObject({ rotatedFrom: id, scopes: ['guild:read', 'applications:read', 'cases:read', 'stats:read'] });
    expect((await keyApi(w, secret, 'GET', v1('/summary'))).status).toBe(200);
    expect((await keyApi(w, next, 'GET', v1('/summary'))).status).toBe(200);
    // A second rotation of the same key is refused.
    expect((await api(w.env, 'POST', `/api/guilds/${w.g.guildId}/api-keys/${id}/rotate`, { cookie: owner, body: { overlapHours: 1 } })).body.error).toBe('already_rotated');
    expect((await audits('api_key.rotate')).filter((a) => (a.before as { id: string }).id === id)).toHaveLength(1);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61 * 60_000);
    const old = await keyApi(w, secret, 'GET', v1('/summary'));
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('key_expired');
    expect((await keyApi(w, next, 'GET', v1('/summary'))).status).toBe(200);
    vi.useRealTimers();

    const revoke = await api(w.env, 'DELETE', `/api/guilds/${w.g.guildId}/api-keys/${rotated.body.key.id}`, { cookie: owner });
    expect(revoke.status).toBe(200);
    expect(revoke.body.key.status).toBe('revoked');
    const refused = await keyApi(w, next, 'GET', v1('/summary'));
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'key_revoked' });
    expect((await audits('api_key.revoke')).some((a) => (a.before as { id: string }).id === rotated.body.key.id)).toBe(true);
  });

  it('refuses a key past its expiry', async () => {
    const { secret } = await createKey(w, { expiresAt: new Date(Date.now() + 24 * 3600_000).toISOString() });
    expect((await keyApi(w, secret, 'GET', v1('/summary'))).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 25 * 3600_000);
    const res = await keyApi(w, secret, 'GET', v1('/summary'));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('key_expired');
  });

  it('only managers manage keys; a key cannot', async () => {
    const { secret, id } = await createKey(w);
    const mod = await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/api-keys`, { cookie: await w.as('moderator') });
    expect(mod.status).toBe(403);
    const viaKey = await keyApi(w, secret, 'DELETE', v1(`/api-keys/${id}`));
    expect(viaKey.status).toBe(403);
    expect(viaKey.body.error).toBe('not_available_with_key');
  });
});

describe('refusals name their reason', () => {
  it.each([
    ['no key', null, 401, 'key_required'],
    ['a malformed key', 'gh_live_nothex', 401, 'malformed_key'],
    ['an unknown key', `gh_live_${'0'.repeat(64)}`, 401, 'unknown_key'],
  ])('%s', async (_name, secret, status, error) => {
    const res = await keyApi(w, secret, 'GET', v1('/summary'));
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(res.body.message).toBeTruthy();
  });

  it('another guild, a missing scope, a route outside the public API', async () => {
    const { secret } = await createKey(w, { scopes: ['guild:read'] });
    expect((await keyApi(w, secret, 'GET', v1('/summary', w.other.guildId))).body.error).toBe('wrong_guild');
    const scope = await keyApi(w, secret, 'GET', v1('/moderation/cases'));
    expect(scope.status).toBe(403);
    expect(scope.body).toMatchObject({ error: 'missing_scope', required: 'cases:read' });
    expect((await keyApi(w, secret, 'GET', v1('/config'))).body.error).toBe('not_available_with_key');
  });

  it('a cookie is not read under /api/v1, and a key is not accepted outside it', async () => {
    const cookie = await w.as('owner');
    const res = await api(w.env, 'GET', v1('/summary'), { cookie });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('key_required');
    const { secret } = await createKey(w);
    const dash = await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/summary`, { headers: { authorization: `Bearer ${secret}` }, origin: null });
    expect(dash.status).toBe(401);
    expect(dash.body.error).toBe('login_required');
  });
});

describe('writes with a key', () => {
  it('adds a note through the same service, audited with the key as actor; no Origin needed', async () => {
    const { id, secret } = await createKey(w, { scopes: ['notes:write', 'cases:read'] });
    const target = w.ids.member;
    const res = await keyApi(w, secret, 'POST', v1(`/moderation/members/${target}/notes`), { body: { text: 'Asked about the rules via the website.' } });
    expect(res.status).toBe(201);
    expect(res.body.actorId).toBe(id);
    const [entry] = (await audits('moderation.note.add')).filter((a) => a.actorId === id);
    expect(entry).toBeDefined();
    const invalid = await keyApi(w, secret, 'POST', v1(`/moderation/members/${target}/notes`), { body: { text: '' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.fields).toHaveProperty('text');

    // cases:read alone does not show private notes; notes:read does.
    const without = await keyApi(w, secret, 'GET', v1(`/moderation/members/${target}`));
    expect(without.status).toBe(200);
    expect(without.body).not.toHaveProperty('notes');
    const reader = await createKey(w, { scopes: ['cases:read', 'notes:read'] });
    const withNotes = await keyApi(w, reader.secret, 'GET', v1(`/moderation/members/${target}`));
    expect(withNotes.body.notes.map((n: { text: string }) => n.text)).toContain('Asked about the rules via the website.');
  });
});

describe('headers and CORS', () => {
  it('every answer carries RateLimit-* (draft-06), refusals after the key too', async () => {
    const { secret } = await createKey(w, { scopes: ['guild:read'] });
    const first = await keyApi(w, secret, 'GET', v1('/summary'));
    expect(first.headers.get('ratelimit-limit')).toBe('60');
    expect(first.headers.get('ratelimit-remaining')).toBe('59');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(Number(first.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
    expect(first.headers.get('ratelimit-policy')).toMatch(/^60;w=60, 10000;w=\d+$/);
    const refused = await keyApi(w, secret, 'GET', v1('/moderation/cases'));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('ratelimit-remaining')).toBe('58');
  });

  it('CORS only for the origins the key lists; preflights answered', async () => {
    const { secret } = await createKey(w, { scopes: ['guild:read'], origins: ['https://app.example'] });
    const ok = await keyApi(w, secret, 'GET', v1('/summary'), { origin: 'https://app.example' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(ok.headers.get('access-control-expose-headers')).toContain('RateLimit-Remaining');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await keyApi(w, secret, 'GET', v1('/summary'), { origin: 'https://evil.example' });
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('origin_not_allowed');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await keyApi(w, null, 'OPTIONS', v1('/summary'), { origin: 'https://app.example', headers: { 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    // The dashboard's own routes still send no CORS headers.
    const dash = await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/summary`, { cookie: await w.as('owner'), origin: 'https://app.example' });
    expect(dash.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a write from a listed origin is refused for an unlisted one before it runs', async () => {
    const { secret } = await createKey(w, { scopes: ['notes:write'], origins: ['https://app.example'] });
    const res = await keyApi(w, secret, 'POST', v1(`/moderation/members/${w.ids.helper}/notes`), { origin: 'https://evil.example', body: { text: 'from elsewhere' } });
    expect(res.status).toBe(403);
    const member = await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/moderation/members/${w.ids.helper}`, { cookie: await w.as('owner') });
    expect(member.body.notes.map((n: { text: string }) => n.text)).not.toContain('from elsewhere');
  });
});

describe('quotas are exact', () => {
  it('200 concurrent requests against 60 a minute: exactly 60 succeed, the rest 429 with Retry-After', async () => {
    // Fixed UTC-minute windows: start early in a minute so the burst cannot straddle two.
    const into = Date.now() % 60_000;
    if (into > 30_000) await new Promise((r) => setTimeout(r, 60_000 - into + 50));
    const { secret } = await createKey(w, { scopes: ['guild:read'], tier: 'basic' });
    const results = await Promise.all(Array.from({ length: 200 }, () => keyApi(w, secret, 'GET', v1('/summary'))));
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(60);
    expect(limited).toHaveLength(140);
    expect(limited[0]!.body.error).toBe('quota_exceeded');
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.headers.get('ratelimit-remaining')).toBe('0');
    expect(new Set(ok.map((r) => r.headers.get('ratelimit-remaining'))).size).toBe(60);
  }, 90_000);

  it('the monthly window: exactly N of 200 concurrent takes, then Retry-After to the month’s end', async () => {
    const stub = baseEnv.API_KEY_QUOTA.get(baseEnv.API_KEY_QUOTA.idFromName('key_month_test'));
    const now = Date.UTC(2026, 11, 31, 23, 0, 0);
    const decisions = await Promise.all(Array.from({ length: 200 }, (_, i) => stub.take({ perMinute: 1_000, perMonth: 37 }, now + i)));
    expect(decisions.filter((d) => d.ok)).toHaveLength(37);
    const refused = decisions.find((d) => !d.ok)!;
    expect(refused.retryAfterS).toBeGreaterThan(3500);
    expect(refused.retryAfterS).toBeLessThanOrEqual(3600);
    // A new month starts from zero.
    expect((await stub.take({ perMinute: 1_000, perMonth: 37 }, Date.UTC(2027, 0, 1, 0, 0, 1))).ok).toBe(true);
  });
});

describe('the OpenAPI document and /api/docs', () => {
  it('lists the public routes under /v1 with their scope and the key security, only those', async () => {
    const res = await api(w.env, 'GET', '/api/openapi.json');
    const paths = res.body.paths as Record<string, Record<string, { 'x-key-scope'?: string; security: unknown[]; responses: Record<string, unknown> }>>;
    expect(paths['/v1/guilds/{guildId}/applications']!.get).toMatchObject({ 'x-key-scope': 'applications:read', security: [{ apiKey: [] }] });
    expect(paths['/v1/guilds/{guildId}/applications']!.get!.responses).toHaveProperty('429');
    expect(paths['/v1/guilds/{guildId}/moderation/members/{userId}/notes']!.post!['x-key-scope']).toBe('notes:write');
    expect(paths['/v1/guilds/{guildId}/config']).toBeUndefined();
    expect(paths['/guilds/{guildId}/config']!.get!.security).toEqual([{ session: [] }]);
    expect(res.body.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const docs = await api(w.env, 'GET', '/api/docs');
    expect(docs.status).toBe(200);
    expect(docs.body).toContain('<script type="module" src="/js/api-docs.js">');
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
