/**
 * The API's Hono environment (what middleware puts on the request) and the handler context
 * built from it.
 */
import type { Context } from 'hono';
import { getDb } from '../../db/client';
import { createDiscord, type Discord } from '../../discord';
import { appConfig } from '../env';
import { GuildConfig } from '../guild-config.repo';
import type { Registry } from '../registry';
import type { ApiContext, ApiGrant, ApiGuildInfo } from './define';
import { ApiError } from './errors';
import type { ApiKeyInfo } from './keys';
import type { Session } from './session';

/** Variables the API's middleware sets. */
export interface ApiVariables {
  session: Session | null;
  guild: string;
  guildInfo: ApiGuildInfo;
  grant: ApiGrant;
  /** Under `/api/v1`: the key the request authenticated with (`key-auth.ts`). */
  apiKey?: ApiKeyInfo;
  /** Headers every answer of the request carries, error answers too (CORS, `RateLimit-*`). */
  answerHeaders?: Record<string, string>;
}

/** The API's Hono environment. */
export type ApiEnv = { Bindings: Env; Variables: ApiVariables };

const discords = new WeakMap<object, Discord>();

/** One bot-token Discord client per env object (its rate-limit state is shared). */
export function discordOf(env: Env): Discord {
  let discord = discords.get(env);
  if (!discord) discords.set(env, (discord = createDiscord(env)));
  return discord;
}

/** The request's session; a 401 asking to log in when there is none. */
export function requireSession(c: Context<ApiEnv>): Session {
  const session = c.get('session');
  if (!session) throw new ApiError(401, 'login_required', 'Log in with Discord to continue.', { login: '/api/auth/login' });
  return session;
}

/** The handler context of a guild route (after `guildMiddleware`). */
export function apiContext(c: Context<ApiEnv>, registry: Registry): ApiContext {
  const db = getDb(c.env);
  const guild = c.get('guild');
  const executionCtx = c.executionCtx;
  const key = c.get('apiKey') ?? null;
  return {
    env: c.env,
    appConfig: appConfig(c.env),
    db,
    discord: discordOf(c.env),
    registry,
    guild,
    guildInfo: c.get('guildInfo'),
    // With a key, the key is the actor: audit rows, notes and amendments name its id.
    user: key ? { id: key.id, username: `API key “${key.name}”`, avatar: null } : requireSession(c).user,
    apiKey: key,
    access: c.get('grant'),
    config: new GuildConfig(db, guild),
    waitUntil: (promise) =>
      executionCtx.waitUntil(
        promise.catch((error: unknown) => console.error(JSON.stringify({ msg: 'api background work failed', route: c.req.routePath, error: String(error) }))),
      ),
  };
}
