/**
 * Discord's OAuth2 authorization-code flow, faked: the authorize page (pick one of the
 * session's users instead of logging in), the token exchange with PKCE (S256), revocation,
 * and the bearer tokens `/users/@me` and `/users/@me/guilds` accept (`routes-oauth.ts`).
 * These endpoints are not in Discord's API spec (the token endpoints take forms, the authorize
 * page is a web page), so they are served beside the route table, following
 * https://discord.com/developers/docs/topics/oauth2 .
 *
 * URL layout (relative to the session's API base `…/api/v10`): `…/oauth2/authorize` (the page,
 * one level above `/api/v10`), `…/api/v10/oauth2/token`, `…/api/v10/oauth2/token/revoke`.
 *
 * Portable: no Node APIs.
 */
import type { Hono } from 'hono';
import { randomHex } from './snowflake.ts';
import type { SessionState } from './state.ts';

/** How long an authorization code is good for (Discord: a few minutes). */
export const CODE_TTL_MS = 5 * 60_000;
/** Access tokens live a week, as Discord's do. */
export const TOKEN_TTL_S = 604_800;

interface CodeRec {
  userId: string;
  clientId: string;
  redirectUri: string;
  challenge: string;
  scopes: string[];
  expiresAt: number;
}

/** A live access token. */
export interface TokenRec {
  userId: string;
  scopes: string[];
  expiresAt: number;
}

/** Codes and tokens of one session. */
export class OAuthLedger {
  private codes = new Map<string, CodeRec>();
  private tokens = new Map<string, TokenRec>();
  /** Access tokens revoked, in order (tests assert logout revoked the token). */
  revoked: string[] = [];
  /** Token exchanges answered, in order (user id, scopes). */
  grants: { userId: string; scopes: string[] }[] = [];

  issueCode(rec: Omit<CodeRec, 'expiresAt'>): string {
    const code = randomHex(16);
    this.codes.set(code, { ...rec, expiresAt: Date.now() + CODE_TTL_MS });
    return code;
  }

  /** Trades a code for a token; a reason string when Discord would refuse. */
  async exchange(code: string, clientId: string, redirectUri: string, verifier: string): Promise<{ token: string; rec: TokenRec } | string> {
    const rec = this.codes.get(code);
    this.codes.delete(code); // single use, as Discord's
    if (!rec || rec.expiresAt < Date.now()) return 'Invalid "code" in request.';
    if (rec.clientId !== clientId) return 'Invalid client_id for this code.';
    if (rec.redirectUri !== redirectUri) return 'Invalid "redirect_uri" in request.';
    if ((await s256(verifier)) !== rec.challenge) return 'Invalid "code_verifier".';
    const token = randomHex(24);
    const tokenRec = { userId: rec.userId, scopes: rec.scopes, expiresAt: Date.now() + TOKEN_TTL_S * 1000 };
    this.tokens.set(token, tokenRec);
    this.grants.push({ userId: rec.userId, scopes: rec.scopes });
    return { token, rec: tokenRec };
  }

  /** The live token's record, or null. */
  bearer(token: string): TokenRec | null {
    const rec = this.tokens.get(token);
    return rec && rec.expiresAt > Date.now() ? rec : null;
  }

  revoke(token: string): void {
    if (this.tokens.delete(token)) this.revoked.push(token);
  }

  /** What the control API reports. */
  summary(): { revoked: string[]; grants: { userId: string; scopes: string[] }[]; live: number } {
    return { revoked: this.revoked, grants: this.grants, live: this.tokens.size };
  }
}

async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const oauthError = (status: 400 | 401, error: string, description: string) =>
  Response.json({ error, error_description: description }, { status });

function authorizePage(state: SessionState, url: URL): Response {
  const q = url.searchParams;
  const problems: string[] = [];
  if (q.get('response_type') !== 'code') problems.push('response_type must be "code"');
  if (q.get('client_id') !== state.applicationId) problems.push(`client_id must be the application's id (${state.applicationId})`);
  if (!q.get('redirect_uri')) problems.push('redirect_uri is missing');
  if (!(q.get('scope') ?? '').split(' ').includes('identify')) problems.push('scope must include identify');
  if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) problems.push('PKCE is required: code_challenge with code_challenge_method=S256');
  if (problems.length) return new Response(`Invalid OAuth2 request: ${problems.join('; ')}`, { status: 400, headers: { 'content-type': 'text/plain' } });

  const pick = q.get('user');
  if (pick) {
    if (!state.users.has(pick)) return new Response(`unknown user ${pick}`, { status: 400 });
    const code = state.oauth.issueCode({
      userId: pick,
      clientId: q.get('client_id')!,
      redirectUri: q.get('redirect_uri')!,
      challenge: q.get('code_challenge')!,
      scopes: (q.get('scope') ?? '').split(' ').filter(Boolean),
    });
    const back = new URL(q.get('redirect_uri')!);
    back.searchParams.set('code', code);
    if (q.get('state') !== null) back.searchParams.set('state', q.get('state')!);
    return new Response(null, { status: 302, headers: { location: back.toString() } });
  }
  if (q.get('deny') !== null) {
    const back = new URL(q.get('redirect_uri')!);
    back.searchParams.set('error', 'access_denied');
    if (q.get('state') !== null) back.searchParams.set('state', q.get('state')!);
    return new Response(null, { status: 302, headers: { location: back.toString() } });
  }
  const people = [...state.users.values()]
    .filter((u) => !u.bot && u.id !== state.botUserId)
    .map((u) => {
      const link = new URL(url);
      link.searchParams.set('user', u.id);
      const guilds = [...state.guilds.values()].filter((g) => g.members.has(u.id)).map((g) => (g.ownerId === u.id ? `${g.name} (owner)` : g.name));
      return `<li><a href="${escapeHtml(link.pathname + link.search)}" data-user-id="${u.id}">${escapeHtml(u.globalName ?? u.username)}</a> <small>@${escapeHtml(u.username)} · ${escapeHtml(guilds.join(', ') || 'no servers')}</small></li>`;
    })
    .join('\n');
  const deny = new URL(url);
  deny.searchParams.set('deny', '1');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Authorize — fake Discord</title></head>
<body><main><h1>Log in to ${escapeHtml(state.botUsername)} as…</h1><p>This is the fake Discord: pick who you are. The application asks for: ${escapeHtml(q.get('scope') ?? '')}.</p>
<ul id="people">${people}</ul><p><a href="${escapeHtml(deny.pathname + deny.search)}">Cancel</a></p></main></body></html>`;
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}

/** Client credentials from `Authorization: Basic` or the form (`client_id`, `client_secret`). */
function clientOf(req: Request, form: URLSearchParams): { id: string; secret: string } | null {
  const basic = /^Basic (\S+)$/.exec(req.headers.get('authorization') ?? '');
  if (basic) {
    const [id, secret] = atob(basic[1]!).split(':');
    return id && secret ? { id: decodeURIComponent(id), secret: decodeURIComponent(secret) } : null;
  }
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  return id && secret ? { id, secret } : null;
}

async function tokenEndpoint(state: SessionState, req: Request): Promise<Response> {
  const form = new URLSearchParams(await req.text());
  const client = clientOf(req, form);
  if (!client || client.id !== state.applicationId) return oauthError(401, 'invalid_client', 'Unknown client or missing client secret.');
  if (form.get('grant_type') !== 'authorization_code') return oauthError(400, 'unsupported_grant_type', 'Only authorization_code is faked.');
  const result = await state.oauth.exchange(form.get('code') ?? '', client.id, form.get('redirect_uri') ?? '', form.get('code_verifier') ?? '');
  if (typeof result === 'string') return oauthError(400, 'invalid_grant', result);
  return Response.json({ access_token: result.token, token_type: 'Bearer', expires_in: TOKEN_TTL_S, refresh_token: randomHex(24), scope: result.rec.scopes.join(' ') });
}

async function revokeEndpoint(state: SessionState, req: Request): Promise<Response> {
  const form = new URLSearchParams(await req.text());
  const client = clientOf(req, form);
  if (!client || client.id !== state.applicationId) return oauthError(401, 'invalid_client', 'Unknown client or missing client secret.');
  state.oauth.revoke(form.get('token') ?? '');
  return Response.json({});
}

/**
 * Adds the OAuth2 endpoints to the fake's app, for sessions under `/s/<sid>` and the default
 * session at the root. Register before the `/api/*` catch-all.
 */
export function addOAuthRoutes(app: Hono, session: (sid: string) => SessionState | undefined, defaultSession: string): void {
  const on = (sid: string | undefined, handle: (state: SessionState) => Response | Promise<Response>) => {
    const state = session(sid ?? defaultSession);
    return state ? handle(state) : Response.json({ message: `unknown fake-discord session "${sid}"`, code: 0 }, { status: 404 });
  };
  for (const prefix of ['/s/:sid', '']) {
    app.get(`${prefix}/oauth2/authorize`, (c) => on(c.req.param('sid'), (s) => authorizePage(s, new URL(c.req.url))));
    app.post(`${prefix}/api/v10/oauth2/token`, (c) => on(c.req.param('sid'), (s) => tokenEndpoint(s, c.req.raw)));
    app.post(`${prefix}/api/v10/oauth2/token/revoke`, (c) => on(c.req.param('sid'), (s) => revokeEndpoint(s, c.req.raw)));
  }
}
