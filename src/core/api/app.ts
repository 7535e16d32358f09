/**
 * The dashboard API, mounted at `/api` by `src/core/app.ts`. In order, every request gets:
 * secure headers (a CSP without inline script), the CSRF check (a write must come with an
 * `Origin` equal to ours), its session read from the cookie; `/guilds/:guildId/*` then passes
 * the guild middleware (`./guild.ts`) and the route's access check, before its request is
 * validated (422 with field errors) and its handler runs. Feature routes come from the
 * registry (`feature.api`); `/api/openapi.json` is generated from the same definitions.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import * as z from 'zod';
import { getDb } from '../../db/client';
import { appConfig } from '../env';
import type { Registry } from '../registry';
import { apiContext, type ApiEnv } from './context';
import { apiRouteKey, type AnyApiRoute, type AnyPublicApiRoute } from './define';
import { apiErrorResponse, ApiError, invalidResponse } from './errors';
import { authRoutes } from './auth';
import { guildMiddleware, isWrite, requireAccess } from './guild';
import { keyAuth, keyGuildMiddleware, requireKeyScope, withAnswerHeaders } from './key-auth';
import { openApiDocument } from './openapi';
import { readSession, SESSION_COOKIE } from './session';
import { setSessionCookie } from './cookies';

/** The Content-Security-Policy of API answers and dashboard pages: no inline script, same origin only. */
export const DASHBOARD_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'https://cdn.discordapp.com'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const API_DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">
<title>Gatehouse API reference</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/css/app.css"><script type="module" src="/js/api-docs.js"></script></head>
<body><main id="main" tabindex="-1"><p class="loading" aria-busy="true">Loading the API reference…</p></main></body></html>`;

/** A write must carry our own origin: the CSRF defence (cookies are SameSite=Lax as well). */
export const originCheck: MiddlewareHandler<ApiEnv> = async (c, next) => {
  // Under /api/v1 no cookie is read (the key is the credential; key-auth.ts checks its origins).
  if (c.get('apiKey')) return next();
  if (isWrite(c.req.method) && c.req.header('origin') !== new URL(c.req.url).origin) {
    throw new ApiError(403, 'bad_origin', 'This request did not come from the dashboard (Origin check).');
  }
  await next();
};

/** Reads the session cookie (no session: `null`) and re-sends it when its expiry rolled. */
export const sessionLoader: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (c.get('apiKey')) return next();
  const id = getCookie(c, SESSION_COOKIE);
  const found = id ? await readSession(getDb(c.env), id) : null;
  c.set('session', found?.session ?? null);
  if (id && found?.rolled) setSessionCookie(c, id, found.session.expiresAt);
  await next();
};

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id');
const NOT_JSON = Symbol('not JSON');

/** Issues of one part of the request, their paths prefixed (`query.limit`; the body's are bare). */
function check(schema: z.ZodType | undefined, value: unknown, prefix: string, issues: z.core.$ZodIssue[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) issues.push({ ...issue, path: prefix ? [prefix, ...issue.path] : issue.path });
  return undefined;
}

/**
 * Mounts one feature route twice: for dashboard sessions at its path (access check) and for
 * API keys under `/v1` (scope check); then validation (422), handler, response check.
 */
function mount(api: Hono<ApiEnv>, registry: Registry, route: AnyApiRoute): void {
  const status = route.status ?? 200;
  const params = (route.request?.params ?? z.object({})).extend({ guildId: snowflake });
  const { query, body } = route.request ?? {};
  const path = route.path.replace(/\{(\w+)\}/g, ':$1');
  const handler: MiddlewareHandler<ApiEnv> = async (c) => {
    const issues: z.core.$ZodIssue[] = [];
    let raw: unknown = undefined;
    if (body) raw = (c.req.header('content-type') ?? '').includes('application/json') ? await c.req.json().catch(() => NOT_JSON) : NOT_JSON;
    if (raw === NOT_JSON) issues.push({ code: 'custom', path: [], message: 'The body must be JSON (Content-Type: application/json).', input: undefined });
    const input = {
      params: check(params, c.req.param(), 'params', issues),
      query: check(query, c.req.query(), 'query', issues),
      body: raw === NOT_JSON ? undefined : check(body, raw, '', issues),
    };
    if (issues.length) return invalidResponse(c, issues);
    const data = await route.handler(apiContext(c, registry), input as never);
    const out = route.response.safeParse(data);
    if (!out.success) throw new Error(`${apiRouteKey(route)} answered data that does not match its response schema: ${out.error.message}`);
    return c.json(out.data as object, status);
  };
  api.on(route.method.toUpperCase(), path, requireAccess(route.access), handler);
  api.on(route.method.toUpperCase(), `/v1${path}`, requireKeyScope(route), handler);
}

/** Mounts one public route: GET, no session, the guild id checked for shape only, the handler decides (404 when not published). */
function mountPublic(api: Hono<ApiEnv>, route: AnyPublicApiRoute): void {
  api.get(route.path.replace('{guildId}', ':guildId'), async (c) => {
    const guildId = c.req.param('guildId') ?? '';
    if (!/^\d{17,20}$/.test(guildId)) throw new ApiError(404, 'not_found', 'There is no such page.');
    const issues: z.core.$ZodIssue[] = [];
    const query = check(route.request?.query, c.req.query(), 'query', issues);
    if (issues.length) return invalidResponse(c, issues);
    const data = await route.handler({ env: c.env, appConfig: appConfig(c.env), db: getDb(c.env), guild: guildId }, { params: { guildId }, query } as never);
    const out = route.response.safeParse(data);
    if (!out.success) throw new Error(`GET ${route.path} answered data that does not match its response schema: ${out.error.message}`);
    return c.json(out.data as object, 200);
  });
}

/** What `createApiApp` takes. */
export interface ApiOptions {
  registry: Registry;
  version: string;
}

/** Builds the `/api` sub-app: platform routes, then every feature's routes from the registry. */
export function createApiApp({ registry, version }: ApiOptions): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  api.use('*', secureHeaders({ contentSecurityPolicy: DASHBOARD_CSP, crossOriginResourcePolicy: 'same-origin' }));
  api.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  api.use('/v1/*', keyAuth);
  api.use('*', originCheck);
  api.use('*', sessionLoader);
  api.route('/', authRoutes());
  for (const { def } of registry.publicApiRoutes.values()) mountPublic(api, def);
  api.use('/guilds/:guildId/*', guildMiddleware);
  api.use('/v1/guilds/:guildId/*', keyGuildMiddleware);

  for (const { def } of registry.apiRoutes.values()) mount(api, registry, def);

  let document: Record<string, unknown> | undefined;
  api.get('/openapi.json', (c) => c.json((document ??= openApiDocument(registry, version))));
  // The reference page: a shell whose same-origin module renders /api/openapi.json (the CSP above allows it as is).
  api.get('/docs', (c) => c.html(API_DOCS_HTML));

  api.notFound((c) => c.json({ error: 'not_found', message: 'There is no such API route.' }, 404));
  api.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) return withAnswerHeaders(c, c.json({ error: 'bad_request', message: error.message || 'Bad request.' }, error.status));
    return withAnswerHeaders(c, apiErrorResponse(c, error));
  });
  return api;
}
