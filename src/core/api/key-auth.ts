/**
 * API-key authentication of `/api/v1/*` (the public API: the dashboard's routes again, under a
 * version). Cookies are never read there, so the dashboard's CSRF rule (a write must carry our
 * own `Origin`) has nothing to defend: a browser never adds an `Authorization` header by itself,
 * so a request with a key was made by someone holding the key. What the key's owner controls
 * instead is which *websites* may use it from a browser: a request that carries an `Origin` not
 * in the key's list is refused (403 `origin_not_allowed`, before anything runs), and an allowed
 * one gets the CORS headers. Preflights carry no key, so they are answered for any origin
 * (without credentials); the actual request is the one checked.
 *
 * In order: the key (401 `key_required` / `malformed_key` / `unknown_key` / `key_revoked` /
 * `key_expired`), its origins (403), its quota (the Durable Object per key: `RateLimit-*` on
 * every answer, 429 with `Retry-After` past it), then per guild route the guild (403
 * `wrong_guild`; 404 when the bot left) and the route's `keyScope` (403
 * `not_available_with_key` / `missing_scope`).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { getDb } from '../../db/client';
import { DiscordApiError, type Discord } from '../../discord';
import { guildUnavailable } from './access';
import { discordOf, type ApiEnv } from './context';
import type { AnyApiRoute, ApiGuildInfo } from './define';
import { ApiError } from './errors';
import { API_KEY_TIERS, type ApiKeyTier } from './key-scopes';
import { findKeyByHash, hashKey, isKeyShaped, keyStatus, type ApiKeyInfo } from './keys';
import type { QuotaDecision } from './quota.object';

const CORS_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const CORS_HEADERS = 'Authorization, Content-Type, Idempotency-Key';
const EXPOSED = 'RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Retry-After';
const GUILD_INFO_MAX_AGE_MS = 60_000;

/** The `RateLimit-*` fields (draft-ietf-httpapi-ratelimit-headers-06) of a quota decision. */
export function rateLimitHeaders(d: QuotaDecision): Record<string, string> {
  // The draft's Limit/Remaining/Reset describe the window closest to running out.
  const w = d.month.remaining < d.minute.remaining ? d.month : d.minute;
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(w.limit),
    'RateLimit-Remaining': String(w.remaining),
    'RateLimit-Reset': String(w.resetS),
    'RateLimit-Policy': `${d.minute.limit};w=${d.minute.windowS}, ${d.month.limit};w=${d.month.windowS}`,
  };
  if (d.retryAfterS !== undefined) headers['Retry-After'] = String(d.retryAfterS);
  return headers;
}

/** Counts one request of `key` on its Durable Object. */
export function takeQuota(env: Env, key: Pick<ApiKeyInfo, 'id' | 'tier'>): Promise<QuotaDecision> {
  const stub = env.API_KEY_QUOTA.get(env.API_KEY_QUOTA.idFromName(key.id));
  return stub.take(API_KEY_TIERS[key.tier] ?? API_KEY_TIERS.basic) as Promise<QuotaDecision>;
}

/** The key from `Authorization: Bearer …`; throws the 401 that names what is wrong. */
async function authenticate(c: Context<ApiEnv>): Promise<ApiKeyInfo> {
  const header = c.req.header('authorization');
  if (!header) throw new ApiError(401, 'key_required', 'Send an API key: Authorization: Bearer gh_live_… (create one on the dashboard, API keys page).');
  const [scheme, token, extra] = header.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined || !isKeyShaped(token)) {
    throw new ApiError(401, 'malformed_key', 'The Authorization header must be “Bearer gh_live_” followed by 64 hex characters.');
  }
  const row = await findKeyByHash(getDb(c.env), await hashKey(token));
  if (!row) throw new ApiError(401, 'unknown_key', 'This API key does not exist (check for a typo, or it was never created).');
  const status = keyStatus(row);
  if (status === 'revoked') throw new ApiError(401, 'key_revoked', `This API key (${row.prefix}…) was revoked.`);
  if (status === 'expired') throw new ApiError(401, 'key_expired', `This API key (${row.prefix}…) expired at ${new Date(row.expiresAt!).toISOString()}.`);
  return { id: row.id, guildId: row.guildId, name: row.name, scopes: row.scopes, origins: row.origins, tier: row.tier as ApiKeyTier };
}

/** Sets headers on the answer, including error answers rendered by `onError`. */
function stickyHeaders(c: Context<ApiEnv>, headers: Record<string, string>): void {
  c.set('answerHeaders', { ...(c.get('answerHeaders') ?? {}), ...headers });
}

/** Applies `stickyHeaders` to a response (called by the API's error handler too). */
export function withAnswerHeaders(c: Context<ApiEnv>, response: Response): Response {
  const headers = c.get('answerHeaders');
  if (!headers) return response;
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/** The middleware of `/api/v1/*`: preflight, key, origins, quota. */
export const keyAuth: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const origin = c.req.header('origin');
  if (c.req.method === 'OPTIONS') {
    // A preflight carries no key, so it cannot know the key's origins; the actual request is checked.
    return c.body(null, 204, {
      ...(origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {}),
      'Access-Control-Allow-Methods': CORS_METHODS,
      'Access-Control-Allow-Headers': CORS_HEADERS,
      'Access-Control-Max-Age': '600',
    });
  }
  const key = await authenticate(c);
  if (origin !== undefined) {
    if (!key.origins.includes(origin)) {
      throw new ApiError(403, 'origin_not_allowed', `This key may not be used from ${origin}: add the origin to the key's allowed origins on the dashboard.`);
    }
    stickyHeaders(c, { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED, Vary: 'Origin' });
  }
  const quota = await takeQuota(c.env, key);
  stickyHeaders(c, rateLimitHeaders(quota));
  if (!quota.ok) {
    const which = quota.month.remaining === 0 ? `its monthly quota (${quota.month.limit})` : `its per-minute quota (${quota.minute.limit})`;
    throw new ApiError(429, 'quota_exceeded', `This key has used ${which}; try again in ${quota.retryAfterS} s.`, { retryAfter: quota.retryAfterS });
  }
  c.set('apiKey', key);
  c.set('session', null);
  await next();
  withAnswerHeaders(c, c.res);
};

const guildInfos = new Map<string, { at: number; value: Promise<ApiGuildInfo> }>();

/** The guild as the bot sees it, cached per isolate for a minute; 404 when the bot is not there. */
function guildInfoOf(discord: Discord, guildId: string): Promise<ApiGuildInfo> {
  const now = Date.now();
  const hit = guildInfos.get(guildId);
  if (hit && now - hit.at <= GUILD_INFO_MAX_AGE_MS) return hit.value;
  const value = discord.guilds.get(guildId).then(
    (g) => ({ id: g.id, name: g.name, icon: g.icon, ownerId: g.owner_id }),
    (error: unknown) => {
      if (error instanceof DiscordApiError && (error.status === 404 || error.code === RESTJSONErrorCodes.MissingAccess)) throw guildUnavailable();
      throw error;
    },
  );
  if (guildInfos.size >= 2000) guildInfos.delete(guildInfos.keys().next().value!);
  guildInfos.set(guildId, { at: now, value });
  value.catch(() => guildInfos.get(guildId)?.value === value && guildInfos.delete(guildId));
  return value;
}

/** `/api/v1/guilds/:guildId/*`: the key's own guild only. */
export const keyGuildMiddleware: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const key = c.get('apiKey');
  if (!key) throw new ApiError(401, 'key_required', 'Send an API key: Authorization: Bearer gh_live_….');
  const guildId = c.req.param('guildId') ?? '';
  if (guildId !== key.guildId) throw new ApiError(403, 'wrong_guild', 'This API key belongs to another server.');
  c.set('guild', guildId);
  c.set('guildInfo', await guildInfoOf(discordOf(c.env), guildId));
  await next();
};

/** A route's scope check under `/api/v1` (after the guild, before the request is validated). */
export function requireKeyScope(route: AnyApiRoute): MiddlewareHandler<ApiEnv> {
  // A key acts at the route's own level: handlers comparing ranks see the least that reaches it.
  const grant = { manager: false, level: route.access === 'manager' ? 'administrator' : route.access } as const;
  return async (c, next) => {
    const key = c.get('apiKey')!;
    if (!route.keyScope) throw new ApiError(403, 'not_available_with_key', 'This route is not part of the public API: it cannot be called with an API key.');
    if (!key.scopes.includes(route.keyScope)) throw new ApiError(403, 'missing_scope', `This key lacks the ${route.keyScope} scope.`, { required: route.keyScope });
    c.set('grant', grant);
    await next();
  };
}
