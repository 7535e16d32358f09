/**
 * The dashboard's enumeration test again, with API keys under /api/v1: every registered route,
 * whoever adds it, refuses no key (401), a revoked key (401), an expired key (401), another
 * server's key (403 `wrong_guild`), and a key holding every scope but the route's own (403
 * `missing_scope`, or `not_available_with_key` for a route without a `keyScope`: default deny).
 * The routes come from the Worker's own registry, so a new route is covered without edits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../../workers/web/index';
import { createKey, keyApi } from '../../testing/api-keys';
import { api, dashboardWorld, type DashboardWorld } from '../../testing/dashboard';
import { isWrite } from './guild';
import { API_KEY_SCOPES } from './key-scopes';

const routes = [...registry.apiRoutes.values()].map(({ feature, def }) => ({ feature: feature.name, method: def.method.toUpperCase(), path: def.path, keyScope: def.keyScope ?? null }));

let w: DashboardWorld;
const keys: Record<'revoked' | 'expired' | 'elsewhere', string> & { every: string } = { revoked: '', expired: '', elsewhere: '', every: '' };
const allBut = new Map<string, string>();

beforeAll(async () => {
  w = await dashboardWorld();
  const owner = await w.as('owner');
  const revoked = await createKey(w, { scopes: [...API_KEY_SCOPES], tier: 'high' });
  await api(w.env, 'DELETE', `/api/guilds/${w.g.guildId}/api-keys/${revoked.id}`, { cookie: owner });
  const expired = await createKey(w, { scopes: [...API_KEY_SCOPES], tier: 'high' });
  // Rotating with no overlap ends the old key at once.
  await api(w.env, 'POST', `/api/guilds/${w.g.guildId}/api-keys/${expired.id}/rotate`, { cookie: owner, body: { overlapHours: 0 } });
  const every = await createKey(w, { scopes: [...API_KEY_SCOPES], tier: 'high' });
  Object.assign(keys, { revoked: revoked.secret, expired: expired.secret, every: every.secret });
  // A key of another server: its owner signs in and creates one there.
  const elsewhereCookie = await w.as(w.other.ownerId);
  const elsewhere = await api(w.env, 'POST', `/api/guilds/${w.other.guildId}/api-keys`, { cookie: elsewhereCookie, body: { name: 'elsewhere', scopes: [...API_KEY_SCOPES], tier: 'high' } });
  if (elsewhere.status !== 201) throw new Error(`the other guild's key: ${elsewhere.status} ${JSON.stringify(elsewhere.body)}`);
  keys.elsewhere = elsewhere.body.secret;
  for (const scope of new Set(routes.map((r) => r.keyScope).filter((s) => s !== null))) {
    allBut.set(scope, (await createKey(w, { scopes: API_KEY_SCOPES.filter((s) => s !== scope), tier: 'high' })).secret);
  }
});

/** The route's path under /api/v1 with the guild id and a placeholder for every other parameter. */
function concrete(path: string, guildId: string): string {
  return `/api/v1${path.replace('{guildId}', guildId).replace(/\{\w+\}/g, '1')}`;
}

describe('every API route under /api/v1 refuses keys without access', () => {
  it('finds the registered routes, some of them public', () => {
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.keyScope).map((r) => `${r.method} ${r.path}`)).toContain('GET /guilds/{guildId}/summary');
  });

  it.each(routes)('$method $path ($feature, $keyScope)', async ({ method, path, keyScope }) => {
    const body = isWrite(method) ? {} : undefined;
    const url = concrete(path, w.g.guildId);
    const expectRefusal = async (secret: string | null, status: number, error: string, what: string, to = url) => {
      const res = await keyApi(w, secret, method, to, { body });
      expect({ what, status: res.status, error: res.body?.error }).toEqual({ what, status, error });
    };
    await expectRefusal(null, 401, 'key_required', 'no key');
    await expectRefusal(keys.revoked, 401, 'key_revoked', 'a revoked key');
    await expectRefusal(keys.expired, 401, 'key_expired', 'an expired key');
    await expectRefusal(keys.elsewhere, 403, 'wrong_guild', "another server's key");
    if (keyScope) await expectRefusal(allBut.get(keyScope)!, 403, 'missing_scope', `every scope but ${keyScope}`);
    else await expectRefusal(keys.every, 403, 'not_available_with_key', 'a route without a keyScope, with every scope');
  });
});
