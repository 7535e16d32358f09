/**
 * The fake's OAuth2 endpoints on the `default` session, the way `npm start`'s emulator serves
 * them (DISCORD_API_BASE = http://127.0.0.1:PORT/api/v10): authorize page → code → token with
 * PKCE → /users/@me and /users/@me/guilds with the bearer token → revoke.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord } from './server';
import { SessionState } from './state';

const APP = '1100000000000000001';
const state = new SessionState('default', { applicationId: APP, requireUserAgent: false });
let fake: Awaited<ReturnType<typeof startFakeDiscord>>;
let g: ReturnType<SessionState['seedGuild']>;
let nina: string;

const verifier = 'v'.repeat(50);
const challenge = createHash('sha256').update(verifier).digest('base64url');
const basic = `Basic ${Buffer.from(`${APP}:secret`).toString('base64')}`;

beforeAll(async () => {
  fake = await startFakeDiscord({ port: 0, defaultState: state });
  g = state.seedGuild({ name: 'Playground', roles: [{ name: 'Mods', permissions: ['ManageGuild'] }] });
  nina = state.addMember(g.guildId, { username: 'nina', roles: ['Mods'] }).userId;
});
afterAll(() => fake.close());

function authorize(extra: Record<string, string> = {}): URL {
  const url = new URL(`${fake.url}/oauth2/authorize`);
  const params = { response_type: 'code', client_id: APP, redirect_uri: 'http://127.0.0.1:8787/api/auth/callback', scope: 'identify guilds', state: 'st', code_challenge: challenge, code_challenge_method: 'S256', ...extra };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

async function token(code: string, codeVerifier = verifier): Promise<Response> {
  return fetch(`${fake.url}/api/v10/oauth2/token`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:8787/api/auth/callback', code_verifier: codeVerifier }),
  });
}

async function codeFor(userId: string): Promise<string> {
  const res = await fetch(authorize({ user: userId }), { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.searchParams.get('state')).toBe('st');
  return back.searchParams.get('code')!;
}

describe('fake Discord OAuth2', () => {
  it('shows an authorize page listing the seeded people to pick', async () => {
    const page = await (await fetch(authorize())).text();
    expect(page).toContain(`data-user-id="${nina}"`);
    expect(page).toContain('Playground');
    expect(page).not.toContain('<script');
  });

  it('refuses an authorize request without PKCE', async () => {
    expect((await fetch(authorize({ code_challenge_method: 'plain' }))).status).toBe(400);
  });

  it('trades a code for a token only with the right verifier, once', async () => {
    expect((await token(await codeFor(nina), 'w'.repeat(50))).status).toBe(400);
    const code = await codeFor(nina);
    const ok = await token(code);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', scope: 'identify guilds' });
    expect((await token(code)).status).toBe(400);
  });

  it('answers /users/@me and /users/@me/guilds for the bearer, until revoked', async () => {
    const { access_token } = (await (await token(await codeFor(nina))).json()) as { access_token: string };
    const auth = { authorization: `Bearer ${access_token}` };
    expect(((await (await fetch(`${fake.url}/api/v10/users/@me`, { headers: auth })).json()) as { id: string }).id).toBe(nina);
    const guilds = (await (await fetch(`${fake.url}/api/v10/users/@me/guilds`, { headers: auth })).json()) as { id: string; owner: boolean; permissions: string }[];
    expect(guilds).toEqual([expect.objectContaining({ id: g.guildId, owner: false })]);
    expect(BigInt(guilds[0]!.permissions) & 0x20n).toBe(0x20n);

    const revoke = await fetch(`${fake.url}/api/v10/oauth2/token/revoke`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ token: access_token }) });
    expect(revoke.status).toBe(200);
    expect((await fetch(`${fake.url}/api/v10/users/@me`, { headers: auth })).status).toBe(401);
    expect(state.oauth.revoked).toContain(access_token);
  });
});
