/**
 * `/api-keys create|list|revoke`: the same service and audit as the dashboard; the secret is in
 * the ephemeral reply only and works on /api/v1 at once; moderators may not manage keys.
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../core/schema';
import { getDb } from '../../db/client';
import { api } from '../../testing/dashboard';
import { guildWorld, type GuildWorld } from '../../testing/guild-world';

let w: GuildWorld;

beforeEach(async () => {
  w = await guildWorld();
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

describe('/api-keys', () => {
  it('creates a key shown once, lists it with its usage, revokes it; audited; moderators refused', async () => {
    const created = await w.run(w.admin, 'api-keys', { name: 'Site', scopes: 'guild:read, cases:read', tier: 'standard', expires_in_days: 30 }, 'create');
    expect(created.ephemeral).toBe(true);
    const secret = /gh_live_[0-9a-f]{64}/.exec(created.content ?? '')?.[0];
    expect(secret).toBeDefined();
    const use = await api(w.env, 'GET', `/api/v1/guilds/${w.g.guildId}/summary`, { origin: null, headers: { authorization: `Bearer ${secret}` } });
    expect(use.status).toBe(200);
    expect(use.headers.get('ratelimit-limit')).toBe('300');

    const list = await w.run(w.admin, 'api-keys', {}, 'list');
    expect(list.content).toContain(`\`${secret!.slice(0, 16)}…\``);
    expect(list.content).toContain('1/100000 this month');
    expect(list.content).not.toContain(secret!.slice(16));

    const bad = await w.run(w.admin, 'api-keys', { name: 'x', scopes: 'cases:read, everything' }, 'create');
    expect(bad.content).toContain('Unknown scope `everything`');
    expect((await w.run(w.moderator, 'api-keys', {}, 'list')).content).toMatch(/administrator/i);

    const id = /`(key_[0-9a-f]{16})`/.exec(created.content ?? '')![1]!;
    const revoked = await w.run(w.admin, 'api-keys', { key: id }, 'revoke');
    expect(revoked.content).toContain('Revoked **Site**');
    const refused = await api(w.env, 'GET', `/api/v1/guilds/${w.g.guildId}/summary`, { origin: null, headers: { authorization: `Bearer ${secret}` } });
    expect(refused.body.error).toBe('key_revoked');
    const actions = (await getDb(w.env).select().from(auditLog).where(and(eq(auditLog.guildId, w.g.guildId), eq(auditLog.actorId, w.admin.user.id)))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['api_key.create', 'api_key.revoke']));
  });
});
