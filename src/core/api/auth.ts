/**
 * The platform's own API routes (not guild-scoped, so not in any feature's `api` list):
 * `GET /auth/login` → Discord's authorize page (state + PKCE verifier in a short-lived cookie),
 * `GET /auth/callback` → session, `POST /auth/logout` (deletes the session, revokes the Discord
 * token), `GET /me`, `GET /guilds` (the picker's list; `?refresh=1` asks Discord again).
 */
import { generateCodeVerifier, generateState, OAuth2RequestError } from 'arctic';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { getDb } from '../../db/client';
import { appConfig } from '../env';
import { forgetAccessFacts } from './access';
import { requireSession, type ApiEnv } from './context';
import { clearSessionCookie, setSessionCookie } from './cookies';
import { guildPicker } from './guild-list';
import { authorizeUrl, currentUser, currentUserGuilds, oauthClient, oauthEndpoints } from './oauth';
import { createSession, deleteSession } from './session';
import { decryptToken, encryptToken } from './token-crypto';

const STATE_COOKIE = 'gh_oauth';
const STATE_TTL_S = 600;

/** A same-origin path to come back to after login (anything else: `/`). */
export function safeReturnPath(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\') || /[\u0000-\u001f]/.test(value)) return '/';
  return value;
}

const callbackUrl = (c: Context) => `${new URL(c.req.url).origin}/api/auth/callback`;

/** Where a failed login lands: the dashboard, with `login_error` (`denied`, `state`, `code`) to say why. */
const loginFailed = (c: Context, reason: string) => c.redirect(`/?login_error=${encodeURIComponent(reason)}`, 302);

/** Revokes a kept (encrypted) token; failures are logged, never thrown (logout must finish). */
async function revokeKept(env: Env, tokenEnc: string | null): Promise<void> {
  const config = appConfig(env);
  if (!tokenEnc || !config.DASHBOARD_SECRET) return;
  const token = await decryptToken(config.DASHBOARD_SECRET, tokenEnc);
  if (token) await revoke(env, token);
}

async function revoke(env: Env, token: string): Promise<void> {
  const config = appConfig(env);
  try {
    await oauthClient(config, null).revokeToken(oauthEndpoints(config.DISCORD_API_BASE).revoke, token);
  } catch (error) {
    console.error(JSON.stringify({ msg: 'discord token revocation failed', error: error instanceof Error ? error.name : 'Error' }));
  }
}

/** The auth, `/me` and `/guilds` routes. */
export function authRoutes(): Hono<ApiEnv> {
  const auth = new Hono<ApiEnv>();

  auth.get('/auth/login', (c) => {
    const config = appConfig(c.env);
    const state = generateState();
    const verifier = generateCodeVerifier();
    const url = authorizeUrl(config, callbackUrl(c), state, verifier);
    const back = safeReturnPath(c.req.query('return'));
    setCookie(c, STATE_COOKIE, `${state}|${verifier}|${encodeURIComponent(back)}`, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/api/auth', maxAge: STATE_TTL_S });
    return c.redirect(url.toString(), 302);
  });

  auth.get('/auth/callback', async (c) => {
    const config = appConfig(c.env);
    const [state, verifier, back] = (getCookie(c, STATE_COOKIE) ?? '').split('|');
    deleteCookie(c, STATE_COOKIE, { path: '/api/auth', secure: true });
    if (c.req.query('error')) return loginFailed(c, 'denied');
    const code = c.req.query('code');
    if (!state || !verifier || !code || c.req.query('state') !== state) return loginFailed(c, 'state');
    let token: string;
    try {
      token = (await oauthClient(config, callbackUrl(c)).validateAuthorizationCode(oauthEndpoints(config.DISCORD_API_BASE).token, code, verifier)).accessToken();
    } catch (error) {
      if (error instanceof OAuth2RequestError) return loginFailed(c, 'code');
      throw error;
    }
    const [user, guilds] = await Promise.all([currentUser(config, token), currentUserGuilds(config, token)]);
    // Kept only encrypted; without a secret it is revoked at once (the guild list is then refreshed by logging in again).
    const tokenEnc = config.DASHBOARD_SECRET ? await encryptToken(config.DASHBOARD_SECRET, token) : null;
    if (!tokenEnc) c.executionCtx.waitUntil(revoke(c.env, token));
    const session = await createSession(getDb(c.env), { user: { id: user.id, username: user.global_name ?? user.username, avatar: user.avatar }, tokenEnc, guilds });
    setSessionCookie(c, session.id, session.expiresAt);
    return c.redirect(safeReturnPath(decodeURIComponent(back ?? '/')), 302);
  });

  auth.post('/auth/logout', async (c) => {
    const session = c.get('session');
    if (session) {
      const deleted = await deleteSession(getDb(c.env), session.idHash);
      forgetAccessFacts(session.user.id);
      if (deleted) await revokeKept(c.env, deleted.tokenEnc);
    }
    clearSessionCookie(c);
    return c.json({ ok: true });
  });

  auth.get('/me', (c) => {
    const session = requireSession(c);
    return c.json({ user: session.user, expiresAt: new Date(session.expiresAt).toISOString() });
  });

  auth.get('/guilds', async (c) => c.json(await guildPicker(c, requireSession(c), c.req.query('refresh') === '1')));

  return auth;
}
