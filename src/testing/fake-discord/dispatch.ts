/**
 * Serves one Discord API request for a session: routing, auth, validation, failure injection,
 * latency, the handler, rate-limit headers — and records the call (and any violation).
 *
 * Portable: no Node APIs.
 */
import { DiscordHttpError, errorTree, ViolationError, type FlatIssue } from './errors.ts';
import { type AnyRoute, matchRoute, specMethodsFor, splitPath, templateShape } from './route-table.ts';
import { ROUTE_TABLE } from './routes.ts';
import { isSnowflake } from './snowflake.ts';
import type { FailState, SessionState } from './state.ts';
import type { HttpMethod, RecordedCall, RecordedFile, ViolationKind } from './types.ts';
import { LIMITS } from './validate.ts';

const RATE_LIMIT = 50;
const RATE_WINDOW_MS = 1000;
const USER_AGENT = /^DiscordBot \(\S+, \S+\)/;

/** Header marking a request the control API synthesised from the bot's HTTP interaction response. */
export const SOURCE_HEADER = 'x-fake-discord-source';

/** Response header telling the HTTP server to close the connection instead of answering (`failNext({ drop: true })`). */
export const DROP_HEADER = 'x-fake-discord-drop';

interface Outcome {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  injected: boolean;
}

/** Route templates (parameter names ignored) and methods are compared case-insensitively by these. */
export function routeMatches(filterRoute: string | undefined, route: string | null): boolean {
  return filterRoute === undefined || (route !== null && templateShape(filterRoute) === templateShape(route));
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * Bucket of a request: like Discord, the hash is per route (shared across major parameters) and the
 * counter per route + major parameter. Hashes also differ per session so clients that cache bucket
 * state globally (per isolate) do not leak rate-limit state between parallel test sessions.
 */
function bucketFor(sessionId: string, route: string | null, params: Record<string, string>): { key: string; hash: string } {
  const major = params.channel_id ?? params.guild_id ?? (params.webhook_id ? `${params.webhook_id}/${params.webhook_token ?? ''}` : '');
  const template = route ?? 'unknown';
  return { key: `${template}|${major}`, hash: `${fnv1a(`${sessionId}|${template}`)}${fnv1a(`${template}#${sessionId}`)}` };
}

function rateLimitHeaders(state: SessionState, route: string | null, params: Record<string, string>): Record<string, string> {
  const { key, hash } = bucketFor(state.id, route, params);
  const now = Date.now();
  let bucket = state.rateBuckets.get(key);
  if (!bucket || now - bucket.windowStart >= RATE_WINDOW_MS) {
    bucket = { windowStart: now, count: 0 };
    state.rateBuckets.set(key, bucket);
  }
  bucket.count += 1;
  const resetAfter = Math.max(0, RATE_WINDOW_MS - (now - bucket.windowStart)) / 1000;
  return {
    'x-ratelimit-bucket': hash,
    'x-ratelimit-limit': String(RATE_LIMIT),
    'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - bucket.count)),
    'x-ratelimit-reset': ((now + resetAfter * 1000) / 1000).toFixed(3),
    'x-ratelimit-reset-after': resetAfter.toFixed(3),
  };
}

/** Default Discord error code for an injected 404 on a route. */
function default404(route: string | null): number {
  const r = route ?? '';
  if (r.includes('{message_id}') || r.endsWith('@original')) return 10008;
  if (r.includes('/members/')) return 10007;
  if (r.includes('/bans/')) return 10026;
  if (r.startsWith('/webhooks/')) return 10015;
  if (r.startsWith('/interactions/')) return 10062;
  if (r.startsWith('/channels/')) return 10003;
  if (r.includes('/roles/')) return 10011;
  if (r.startsWith('/guilds/')) return 10004;
  if (r.startsWith('/users/')) return 10013;
  return 0;
}

function injectedOutcome(rule: FailState, route: string | null, rl: Record<string, string>): Outcome {
  if (rule.drop) return { status: 0, body: null, headers: {}, injected: true };
  if (rule.status === 429) {
    const retryAfter = rule.retryAfter ?? 1;
    return {
      status: 429,
      injected: true,
      body: { message: rule.message ?? 'You are being rate limited.', retry_after: retryAfter, global: false, code: rule.code ?? 0 },
      headers: {
        ...rl,
        'retry-after': String(Math.ceil(retryAfter)),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': retryAfter.toFixed(3),
        'x-ratelimit-reset': ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
        'x-ratelimit-scope': rule.scope ?? 'user',
      },
    };
  }
  const status = rule.status ?? 500;
  const code = rule.code ?? (status === 403 ? 50013 : status === 404 ? default404(route) : 0);
  const err = new DiscordHttpError(status, code, rule.message ?? (code === 0 ? `${status}: ${statusText(status)}` : undefined));
  return { status, body: err.toBody(), headers: rl, injected: true };
}

function statusText(status: number): string {
  const texts: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };
  return texts[status] ?? 'Error';
}

function takeFailure(state: SessionState, method: string, route: string | null): FailState | null {
  const idx = state.failRules.findIndex((r) => (r.method === undefined || r.method.toUpperCase() === method) && routeMatches(r.route, route));
  if (idx < 0) return null;
  const rule = state.failRules[idx];
  if (!rule) return null;
  rule.remaining -= 1;
  if (rule.remaining <= 0) state.failRules.splice(idx, 1);
  return rule;
}

function latencyFor(state: SessionState, method: string, route: string | null): number {
  let ms = 0;
  for (const rule of state.latencyRules) {
    if ((rule.method === undefined || rule.method.toUpperCase() === method) && routeMatches(rule.route, route)) ms = rule.ms;
  }
  return ms;
}

type ParsedBody = { ok: true; body: unknown; files: RecordedFile[] } | { ok: false; status: number; code: number; reason: string };

async function readBody(req: Request): Promise<ParsedBody> {
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await req.formData();
    } catch (e) {
      return { ok: false, status: 400, code: 50035, reason: `malformed multipart body: ${String(e)}` };
    }
    const files: RecordedFile[] = [];
    let body: unknown = undefined;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') {
          try {
            body = JSON.parse(value);
          } catch {
            return { ok: false, status: 400, code: 50109, reason: 'payload_json is not valid JSON' };
          }
        }
      } else {
        files.push({ field, filename: value.name, contentType: value.type || 'application/octet-stream', size: value.size });
      }
    }
    return { ok: true, body, files };
  }
  const text = await req.text();
  if (text === '') return { ok: true, body: undefined, files: [] };
  if (!type.startsWith('application/json')) {
    return { ok: false, status: 400, code: 50035, reason: `body sent with Content-Type "${type || '(none)'}"; Discord needs application/json or multipart/form-data` };
  }
  try {
    return { ok: true, body: JSON.parse(text), files: [] };
  } catch {
    return { ok: false, status: 400, code: 50109, reason: 'request body is not valid JSON' };
  }
}

function headersObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key.toLowerCase()] = value;
  });
  return out;
}

function decodeReason(raw: string | null): { reason: string | null; issue: FlatIssue | null } {
  if (raw === null) return { reason: null, issue: null };
  let reason: string;
  try {
    reason = decodeURIComponent(raw);
  } catch {
    return { reason: raw, issue: { path: 'X-Audit-Log-Reason', code: 'INVALID_ENCODING', message: 'X-Audit-Log-Reason must be URI-encoded.' } };
  }
  if (reason.length > LIMITS.auditLogReason) {
    return { reason, issue: { path: 'X-Audit-Log-Reason', code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.auditLogReason} or fewer in length.` } };
  }
  return { reason, issue: null };
}

/** Serve one Discord API request (`apiPath` is below `/api/v10`, e.g. `/channels/1/messages`). */
export async function dispatch(state: SessionState, req: Request, apiPath: string, search: URLSearchParams): Promise<Response> {
  const method = req.method.toUpperCase();
  const parts = splitPath(apiPath);
  const headers = headersObject(req.headers);
  const at = new Date().toISOString();
  const seq = state.nextSeq();
  const match = matchRoute(ROUTE_TABLE, method, parts);
  const routeDef: AnyRoute | null = match.kind === 'ok' ? match.route : null;
  const params = match.kind === 'ok' ? match.params : {};
  const routeTemplate = routeDef?.path ?? (match.kind === 'method' ? match.template : specMethodsFor(parts).template);
  const { reason, issue: reasonIssue } = decodeReason(req.headers.get('x-audit-log-reason'));
  let body: unknown = null;
  let files: RecordedFile[] = [];

  const violate = (kind: ViolationKind, why: string, issues: FlatIssue[] = []): void => {
    state.violations.push({ seq, kind, method, path: apiPath, route: routeTemplate, reason: why, issues, at });
  };

  const outcome = await (async (): Promise<Outcome> => {
    const rl = rateLimitHeaders(state, routeTemplate, params);
    const fail = (status: number, err: DiscordHttpError): Outcome => ({ status, body: err.toBody(), headers: rl, injected: false });

    if (!routeDef) {
      const spec = specMethodsFor(parts);
      if (spec.methods.includes(method as HttpMethod)) {
        violate('unimplemented', `${method} ${spec.template ?? apiPath} exists in Discord's API but fake-discord does not implement it`);
        return fail(501, new DiscordHttpError(501, 0, `501: fake-discord does not implement ${method} ${spec.template ?? apiPath}`));
      }
      const allowed = match.kind === 'method' ? match.allowed : spec.methods;
      if (allowed.length > 0) {
        violate('method_not_allowed', `${method} is not allowed on ${routeTemplate ?? apiPath} (allowed: ${[...new Set(allowed)].join(', ')})`);
        return fail(405, new DiscordHttpError(405, 0, '405: Method Not Allowed'));
      }
      violate('unknown_route', `${method} ${apiPath} is not a Discord API route`);
      return fail(404, new DiscordHttpError(404, 0, '404: Not Found'));
    }

    let bearer: { userId: string; scopes: string[] } | null = null;
    const bearerToken = routeDef.auth === 'user' ? /^Bearer (\S+)$/.exec(req.headers.get('authorization') ?? '')?.[1] : undefined;
    if (bearerToken !== undefined) {
      bearer = state.oauth.bearer(bearerToken);
      if (!bearer) return fail(401, new DiscordHttpError(401, 0, '401: Unauthorized'));
    } else if (routeDef.auth === 'bot' || routeDef.auth === 'user') {
      const auth = req.headers.get('authorization') ?? '';
      const m = /^Bot (\S+)$/.exec(auth);
      if (!m) {
        violate('unauthorized', auth === '' ? 'missing Authorization header (needs "Bot <token>")' : `Authorization header is not "Bot <token>" (got "${auth.split(' ')[0] ?? ''} …")`);
        return fail(401, new DiscordHttpError(401, 0, '401: Unauthorized'));
      }
      if (state.token !== null && m[1] !== state.token) {
        violate('unauthorized', 'bot token does not match the session token');
        return fail(401, new DiscordHttpError(401, 0, '401: Unauthorized'));
      }
    }
    if (state.requireUserAgent && !USER_AGENT.test(req.headers.get('user-agent') ?? '')) {
      violate('user_agent', `User-Agent must look like "DiscordBot ($url, $version)" (got ${JSON.stringify(req.headers.get('user-agent'))})`);
    }
    if (reasonIssue) violate('invalid_body', reasonIssue.message, [reasonIssue]);

    const badParams: FlatIssue[] = Object.entries(params)
      .filter(([name, value]) => name.endsWith('_id') && !isSnowflake(value))
      .map(([name, value]) => ({ path: name, code: 'NUMBER_TYPE_COERCE', message: `Value "${value}" is not snowflake.` }));
    if (badParams.length > 0) {
      violate('invalid_path', `path parameter is not a snowflake: ${badParams.map((i) => i.message).join(' ')}`, badParams);
      return fail(400, new DiscordHttpError(400, 50035, undefined, errorTree(badParams)));
    }

    const queryIssues = routeDef.query?.(search) ?? [];
    if (queryIssues.length > 0) {
      violate('invalid_query', `invalid query: ${queryIssues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, queryIssues);
      return fail(400, new DiscordHttpError(400, 50035, undefined, errorTree(queryIssues)));
    }

    if (routeDef.body) {
      const parsed = await readBody(req);
      if (!parsed.ok) {
        violate('invalid_body', parsed.reason);
        return fail(parsed.status, new DiscordHttpError(parsed.status, parsed.code));
      }
      body = parsed.body ?? null;
      files = parsed.files;
      const issues = routeDef.body(parsed.body, { hasFiles: files.length > 0 });
      if (issues.length > 0) {
        violate('invalid_body', `body does not match Discord's schema for ${method} ${routeDef.path}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
        const empty = issues.length === 1 && issues[0]?.code === 'MESSAGE_EMPTY';
        return fail(400, empty ? new DiscordHttpError(400, 50006) : new DiscordHttpError(400, 50035, undefined, errorTree(issues)));
      }
    }

    const rule = takeFailure(state, method, routeDef.path);
    if (rule && !rule.afterApply) return injectedOutcome(rule, routeDef.path, rl);

    try {
      const source = req.headers.get(SOURCE_HEADER) === 'http-response' ? 'http-response' : 'api';
      const result = await routeDef.handler({ state, params, query: search, body: body ?? undefined, files, reason, source, bearer });
      if (rule) return injectedOutcome(rule, routeDef.path, rl);
      return { status: result.status, body: result.body ?? null, headers: rl, injected: false };
    } catch (e) {
      if (e instanceof ViolationError) {
        violate(e.kind, e.reason, e.issues);
        return fail(e.status, e);
      }
      if (e instanceof DiscordHttpError) return fail(e.status, e);
      console.error('fake-discord handler crashed', e);
      return fail(500, new DiscordHttpError(500, 0, `500: fake-discord bug: ${String(e)}`));
    }
  })();

  const delay = latencyFor(state, method, routeTemplate);
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

  const call: RecordedCall = {
    seq,
    method,
    path: apiPath,
    route: routeTemplate,
    params,
    query: Object.fromEntries(search.entries()),
    headers,
    reason,
    body,
    files,
    status: outcome.status,
    response: outcome.status === 204 ? null : outcome.body,
    injected: outcome.injected,
    at,
  };
  state.calls.push(call);
  state.onCall?.(call);

  if (outcome.status === 0) return new Response(null, { status: 500, headers: { [DROP_HEADER]: '1' } });
  const responseHeaders = new Headers(outcome.headers);
  if (outcome.status === 204) return new Response(null, { status: 204, headers: responseHeaders });
  responseHeaders.set('content-type', 'application/json');
  return new Response(JSON.stringify(outcome.body), { status: outcome.status, headers: responseHeaders });
}
