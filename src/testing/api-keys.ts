/**
 * API-key tests: `createKey` makes a key through the dashboard's own route (as a manager of
 * `dashboardWorld`) and returns its secret; `keyApi` calls `/api/v1` with it (no cookie, and no
 * `Origin` unless given, as a script would).
 */
import { api, type ApiCallOptions, type ApiResult, type DashboardWorld } from './dashboard';

/** What `createKey` makes: scopes default to every read scope. */
export interface TestKeyOptions {
  name?: string;
  scopes?: string[];
  origins?: string[];
  tier?: string;
  expiresAt?: string | null;
  /** The guild; default `w.g`. */
  guildId?: string;
}

/** A key created on the dashboard by the guild's owner: `{ id, secret, key }`. */
export async function createKey(w: DashboardWorld, options: TestKeyOptions = {}): Promise<{ id: string; secret: string; key: any }> {
  const res = await api(w.env, 'POST', `/api/guilds/${options.guildId ?? w.g.guildId}/api-keys`, {
    cookie: await w.as('owner'),
    body: {
      name: options.name ?? 'test key',
      scopes: options.scopes ?? ['guild:read', 'applications:read', 'cases:read', 'stats:read'],
      origins: options.origins ?? [],
      tier: options.tier ?? 'basic',
      expiresAt: options.expiresAt ?? null,
    },
  });
  if (res.status !== 201) throw new Error(`creating a key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.key.id, secret: res.body.secret, key: res.body.key };
}

/** Calls the public API with `secret` as the bearer (`null`: no Authorization header). */
export function keyApi<T = any>(w: DashboardWorld, secret: string | null, method: string, path: string, options: Omit<ApiCallOptions, 'cookie'> = {}): Promise<ApiResult<T>> {
  return api<T>(w.env, method, path, {
    origin: null,
    ...options,
    headers: { ...(secret !== null ? { authorization: `Bearer ${secret}` } : {}), ...options.headers },
  });
}
