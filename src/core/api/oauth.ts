/**
 * Discord OAuth2 for the dashboard: the authorization-code flow with PKCE (arctic's
 * `OAuth2Client`), endpoints derived from `DISCORD_API_BASE` (so tests and the emulator point
 * it at the fake Discord), and the two user-token reads the dashboard makes.
 */
import { CodeChallengeMethod, OAuth2Client } from 'arctic';
import type { APIUser, RESTAPIPartialCurrentUserGuild } from 'discord-api-types/v10';
import { DiscordApiError } from '../../discord';
import type { Config } from '../env';
import { ApiError } from './errors';
import type { SessionGuild } from './session';

/** The scopes the dashboard asks for. */
export const OAUTH_SCOPES = ['identify', 'guilds'];

/** Discord's endpoints for an API base: `https://discord.com/api/v10` → `https://discord.com/oauth2/authorize`, `…/api/v10/oauth2/token`. */
export function oauthEndpoints(apiBase: string): { authorize: string; token: string; revoke: string } {
  return {
    authorize: `${apiBase.replace(/\/api(\/v\d+)?$/, '')}/oauth2/authorize`,
    token: `${apiBase}/oauth2/token`,
    revoke: `${apiBase}/oauth2/token/revoke`,
  };
}

/** The OAuth2 client for `redirectUri`; 503 when the client secret is not configured. */
export function oauthClient(config: Config, redirectUri: string | null): OAuth2Client {
  if (!config.DISCORD_CLIENT_SECRET) throw new ApiError(503, 'dashboard_unconfigured', 'The dashboard is not set up: DISCORD_CLIENT_SECRET is not set.');
  return new OAuth2Client(config.DISCORD_APPLICATION_ID, config.DISCORD_CLIENT_SECRET, redirectUri);
}

/** The authorize URL with state and PKCE (S256). */
export function authorizeUrl(config: Config, redirectUri: string, state: string, verifier: string): URL {
  const url = oauthClient(config, redirectUri).createAuthorizationURLWithPKCE(oauthEndpoints(config.DISCORD_API_BASE).authorize, state, CodeChallengeMethod.S256, verifier, OAUTH_SCOPES);
  url.searchParams.set('prompt', 'none');
  return url;
}

const USER_AGENT = 'DiscordBot (https://github.com/gatehouse-bot/gatehouse, 0.1.0)';

/** A GET with the user's token; a non-2xx answer is a `DiscordApiError` (429 included). */
async function userGet<T>(config: Config, token: string, path: string): Promise<T> {
  const res = await fetch(`${config.DISCORD_API_BASE}${path}`, { headers: { authorization: `Bearer ${token}`, 'user-agent': USER_AGENT } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { code?: number; message?: string };
    throw new DiscordApiError(res.status, body.code ?? 0, body.message ?? res.statusText, `GET ${path}`);
  }
  return (await res.json()) as T;
}

/** `/users/@me` with the user's token. */
export function currentUser(config: Config, token: string): Promise<APIUser> {
  return userGet<APIUser>(config, token, '/users/@me');
}

/** `/users/@me/guilds` with the user's token (one page of 200: Discord's maximum). */
export async function currentUserGuilds(config: Config, token: string): Promise<SessionGuild[]> {
  const guilds = await userGet<RESTAPIPartialCurrentUserGuild[]>(config, token, '/users/@me/guilds?limit=200');
  return guilds.map((g) => ({ id: g.id, name: g.name, icon: g.icon, owner: g.owner, permissions: g.permissions }));
}
