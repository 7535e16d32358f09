import { env as baseEnv } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../db/client';
import { api, dashboardWorld, DASHBOARD_ORIGIN, signIn, type DashboardWorld } from '../../testing/dashboard';
import { dashboardSessions } from './schema';
import { hashSessionId, SESSION_IDLE_MS } from './session';
import { encryptToken } from './token-crypto';

const SECRET = 'a-dashboard-secret-of-at-least-32-chars';

/** Cookie pairs (`name=value`) from an answer's Set-Cookie headers. */
function cookiesOf(headers: Headers): Record<string, { pair: string; raw: string }> {
  const out: Record<string, { pair: string; raw: string }> = {};
  for (const raw of headers.getSetCookie()) {
    const pair = raw.split(';')[0]!;
    out[pair.split('=')[0]!] = { pair, raw };
  }
  return out;
}

/** Logs in through the fake Discord's authorize page as `userId`; the session cookie. */
async function logInThroughDiscord(w: DashboardWorld, userId: string, returnTo = '/guilds/1/overview'): Promise<{ cookie: string; raw: string; location: string }> {
  const login = await api(w.env, 'GET', `/api/auth/login?return=${encodeURIComponent(returnTo)}`);
  expect(login.status).toBe(302);
  const authorize = new URL(login.headers.get('location')!);
  expect(authorize.toString().startsWith(w.fake.authorizeUrl)).toBe(true);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('scope')).toBe('identify guilds');
  const state = cookiesOf(login.headers).gh_oauth!;
  expect(state.raw).toMatch(/HttpOnly/i);

  const page = await fetch(authorize);
  expect(await page.text()).toContain(`data-user-id="${userId}"`);
  authorize.searchParams.set('user', userId);
  const picked = await fetch(authorize, { redirect: 'manual' });
  expect(picked.status).toBe(302);
  const callback = new URL(picked.headers.get('location')!);
  expect(callback.origin + callback.pathname).toBe(`${DASHBOARD_ORIGIN}/api/auth/callback`);

  const done = await api(w.env, 'GET', callback.pathname + callback.search, { cookie: state.pair });
  expect(done.status, JSON.stringify(done.body)).toBe(302);
  const session = cookiesOf(done.headers).gh_session!;
  return { cookie: session.pair, raw: session.raw, location: done.headers.get('location')! };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('login with Discord (OAuth2 code flow with PKCE)', () => {
  it('logs in, lists the guilds, and logs out revoking the Discord token', async () => {
    const w = await dashboardWorld({ DASHBOARD_SECRET: SECRET } as Partial<Env>);
    const { cookie, raw, location } = await logInThroughDiscord(w, w.g.ownerId);
    expect(location).toBe('/guilds/1/overview');
    expect(raw).toMatch(/HttpOnly/i);
    expect(raw).toMatch(/Secure/i);
    expect(raw).toMatch(/SameSite=Lax/i);

    const me = await api(w.env, 'GET', '/api/me', { cookie });
    expect(me.body.user.id).toBe(w.g.ownerId);

    // The table keeps the id's hash, never the id; the Discord token only encrypted.
    const id = cookie.split('=')[1]!;
    const [row] = await getDb(w.env).select().from(dashboardSessions).where(eq(dashboardSessions.idHash, await hashSessionId(id)));
    expect(row).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(id);
    expect(row!.tokenEnc).toBeTruthy();
    expect((await w.fake.oauth()).revoked).toEqual([]);

    const guilds = await api(w.env, 'GET', '/api/guilds', { cookie });
    expect(guilds.status).toBe(200);
    expect(guilds.body.guilds).toEqual([expect.objectContaining({ id: w.g.guildId, botPresent: true, manager: true })]);

    const logout = await api(w.env, 'POST', '/api/auth/logout', { cookie });
    expect(logout.status).toBe(200);
    expect((await w.fake.oauth()).revoked).toHaveLength(1);
    expect((await api(w.env, 'GET', '/api/me', { cookie })).status).toBe(401);
    expect(await getDb(w.env).select().from(dashboardSessions).where(eq(dashboardSessions.userId, w.g.ownerId))).toEqual([]);
  });

  it('without DASHBOARD_SECRET keeps no Discord token: it is revoked right after login', async () => {
    const w = await dashboardWorld();
    const { cookie } = await logInThroughDiscord(w, w.ids.reviewer);
    const [row] = await getDb(w.env).select().from(dashboardSessions).where(eq(dashboardSessions.userId, w.ids.reviewer));
    expect(row!.tokenEnc).toBeNull();
    expect((await w.fake.oauth()).revoked).toHaveLength(1);
    const guilds = await api(w.env, 'GET', '/api/guilds?refresh=1', { cookie });
    expect(guilds.body.guilds).toEqual([expect.objectContaining({ id: w.g.guildId, manager: false, level: 'reviewer' })]);
    expect(guilds.body.note).toMatch(/log in again/);
  });

  it('refuses a callback whose state does not match the cookie', async () => {
    const w = await dashboardWorld();
    const login = await api(w.env, 'GET', '/api/auth/login');
    const state = cookiesOf(login.headers).gh_oauth!;
    const res = await api(w.env, 'GET', '/api/auth/callback?code=abc&state=forged', { cookie: state.pair });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/?login_error=state');
    expect(cookiesOf(res.headers).gh_session).toBeUndefined();
  });

  it('never returns to another site after login', async () => {
    const w = await dashboardWorld();
    const { location } = await logInThroughDiscord(w, w.ids.member, '//evil.example/x');
    expect(location).toBe('/');
  });
});

describe('sessions', () => {
  it('roll their expiry forward when used, and end when idle', async () => {
    const w = await dashboardWorld();
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const cookie = await signIn(w.env, { userId: w.ids.owner });
    vi.setSystemTime(start + 2 * 3600_000);
    const used = await api(w.env, 'GET', '/api/me', { cookie });
    expect(used.status).toBe(200);
    expect(Date.parse(used.body.expiresAt)).toBe(start + 2 * 3600_000 + SESSION_IDLE_MS);
    expect(cookiesOf(used.headers).gh_session?.pair).toBe(cookie);
    vi.setSystemTime(start + 2 * 3600_000 + SESSION_IDLE_MS + 1);
    expect((await api(w.env, 'GET', '/api/me', { cookie })).status).toBe(401);
  });
});

describe('the guild picker', () => {
  it('answers the cached list with a note when Discord rate-limits /users/@me/guilds', async () => {
    const w = await dashboardWorld({ DASHBOARD_SECRET: SECRET } as Partial<Env>);
    const { cookie } = await logInThroughDiscord(w, w.ids.manager);
    await w.fake.failNext({ route: '/users/@me/guilds', status: 429, retryAfter: 30 });
    const res = await api(w.env, 'GET', '/api/guilds?refresh=1', { cookie });
    expect(res.status).toBe(200);
    expect(res.body.guilds).toEqual([expect.objectContaining({ id: w.g.guildId, manager: true })]);
    expect(res.body.note).toMatch(/rate limited/);
  });

  it('offers an invite for a manageable guild the bot is not in, and leaves out guilds without access', async () => {
    const w = await dashboardWorld();
    const cookie = await signIn(w.env, {
      userId: w.ids.member,
      guilds: [
        { id: '123456789012345678', name: 'No bot here', icon: null, owner: true, permissions: '0' },
        { id: w.g.guildId, name: 'Dashboard Test', icon: null, owner: false, permissions: '0' },
      ],
    });
    const res = await api(w.env, 'GET', '/api/guilds', { cookie });
    expect(res.body.guilds).toHaveLength(1);
    expect(res.body.guilds[0]).toMatchObject({ id: '123456789012345678', botPresent: false });
    const invite = new URL(res.body.guilds[0].invite);
    expect(invite.searchParams.get('client_id')).toBe(baseEnv.DISCORD_APPLICATION_ID);
    expect(invite.searchParams.get('guild_id')).toBe('123456789012345678');
  });
});

describe('token encryption', () => {
  it('does not open with another secret', async () => {
    const { decryptToken } = await import('./token-crypto');
    const sealed = await encryptToken(SECRET, 'the-token');
    expect(sealed).not.toContain('the-token');
    expect(await decryptToken(SECRET, sealed)).toBe('the-token');
    expect(await decryptToken(`${SECRET}x`, sealed)).toBeNull();
  });
});
