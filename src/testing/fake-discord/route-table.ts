/**
 * Route-table machinery: route definitions keyed by Discord's own path templates (checked against
 * discord-api-spec's `pathsList`, at compile time through the types and at module load at run
 * time), path matching, and small query-validation helpers.
 *
 * Portable: no Node APIs.
 */
import { pathsList } from 'discord-api-spec';
import type { FlatIssue } from './errors.ts';
import { isSnowflake } from './snowflake.ts';
import type { SessionState } from './state.ts';
import type { HttpMethod, RecordedFile } from './types.ts';

/** A path template Discord's spec lists for method `M`. */
export type SpecPath<M extends HttpMethod> = (typeof pathsList)[Lowercase<M>][number];

/** What a handler receives. `body` has been validated against the route's checks. */
export interface RouteContext<B> {
  state: SessionState;
  params: Record<string, string>;
  query: URLSearchParams;
  body: B;
  files: RecordedFile[];
  /** Decoded X-Audit-Log-Reason. */
  reason: string | null;
  /** `http-response`: an interaction callback the bot returned as its HTTP response, reported by the test harness. */
  source: 'api' | 'http-response';
  /** On `user` routes called with an OAuth2 bearer token: whose it is and its scopes. */
  bearer: { userId: string; scopes: string[] } | null;
}

/** What a handler returns (errors are thrown as `DiscordHttpError`/`ViolationError`). */
export interface RouteResult {
  status: number;
  body?: unknown;
}

/** Extra facts about the request available to body checks. */
export interface BodyMeta {
  hasFiles: boolean;
}

/** A route definition. */
export interface RouteDef<M extends HttpMethod, B> {
  method: M;
  path: SpecPath<M>;
  /**
   * `bot`: requires `Authorization: Bot <token>`. `user`: that, or `Bearer <OAuth2 access
   * token>` (handlers see `bearer`). `none`: interaction webhooks/callbacks.
   */
  auth: 'bot' | 'user' | 'none';
  /** Body validation; routes without it ignore any body. */
  body?: (body: unknown, meta: BodyMeta) => FlatIssue[];
  /** Query validation. */
  query?: (query: URLSearchParams) => FlatIssue[];
  handler: (ctx: RouteContext<B>) => RouteResult | Promise<RouteResult>;
}

/** A route in the table (body type erased). */
export interface AnyRoute {
  method: HttpMethod;
  path: string;
  auth: 'bot' | 'user' | 'none';
  body?: (body: unknown, meta: BodyMeta) => FlatIssue[];
  query?: (query: URLSearchParams) => FlatIssue[];
  handler: (ctx: RouteContext<unknown>) => RouteResult | Promise<RouteResult>;
}

/**
 * Define a route whose validated body has type `B` (a discord-api-types body type):
 * `route<RESTPostAPIChannelMessageJSONBody>()({ method: 'POST', path: '/channels/{channel_id}/messages', … })`.
 */
export function route<B = undefined>() {
  return <M extends HttpMethod>(def: RouteDef<M, B>): AnyRoute => def as unknown as AnyRoute;
}

type Segment = { literal: string } | { param: string };

/** A path template compiled for matching. */
export interface CompiledTemplate {
  template: string;
  /** Template with parameter names removed (`/channels/{}/messages`), for name-agnostic comparison. */
  shape: string;
  segments: Segment[];
  literals: number;
}

/** `/channels/{channel_id}` → `/channels/{}`. */
export function templateShape(template: string): string {
  return template.replace(/\{[^}]*\}/g, '{}');
}

/** Compile a template. */
export function compileTemplate(template: string): CompiledTemplate {
  const segments: Segment[] = template
    .split('/')
    .slice(1)
    .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : { literal: s }));
  return { template, shape: templateShape(template), segments, literals: segments.filter((s) => 'literal' in s).length };
}

/** Match decoded path segments against a template; returns params or null. */
export function matchTemplate(t: CompiledTemplate, parts: readonly string[]): Record<string, string> | null {
  if (parts.length !== t.segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = t.segments[i];
    const part = parts[i];
    if (seg === undefined || part === undefined) return null;
    if ('literal' in seg) {
      if (seg.literal !== part) return null;
    } else {
      if (part === '') return null;
      params[seg.param] = part;
    }
  }
  return params;
}

/** Split a path into decoded segments (without the leading empty one). */
export function splitPath(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
}

const SPEC_METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** Every (method, template) in Discord's spec, compiled. */
const SPEC_TEMPLATES: { method: HttpMethod; t: CompiledTemplate }[] = SPEC_METHODS.flatMap((m) =>
  pathsList[m].map((p: string) => ({ method: m.toUpperCase() as HttpMethod, t: compileTemplate(p) })),
);

/** Which methods Discord's spec allows on a path (empty when the path does not exist in Discord's API). */
export function specMethodsFor(parts: readonly string[]): { methods: HttpMethod[]; template: string | null } {
  const hits = SPEC_TEMPLATES.filter((s) => matchTemplate(s.t, parts) !== null);
  if (hits.length === 0) return { methods: [], template: null };
  const best = Math.max(...hits.map((h) => h.t.literals));
  const top = hits.filter((h) => h.t.literals === best);
  return { methods: top.map((h) => h.method), template: top[0]?.t.template ?? null };
}

/** Throws when a route's template/method is not in Discord's spec (called at module load). */
export function assertInSpec(routes: readonly AnyRoute[]): void {
  for (const r of routes) {
    const list: readonly string[] = pathsList[r.method.toLowerCase() as Lowercase<HttpMethod>];
    if (!list.includes(r.path)) {
      throw new Error(`fake-discord: route ${r.method} ${r.path} is not in Discord's OpenAPI spec (discord-api-spec pathsList)`);
    }
  }
}

/** A route table ready for matching. */
export interface CompiledRoute {
  route: AnyRoute;
  t: CompiledTemplate;
}

/** Compile the table (most specific templates first). */
export function compileRoutes(routes: readonly AnyRoute[]): CompiledRoute[] {
  assertInSpec(routes);
  const seen = new Set<string>();
  for (const r of routes) {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) throw new Error(`fake-discord: duplicate route ${key}`);
    seen.add(key);
  }
  return routes.map((route) => ({ route, t: compileTemplate(route.path) })).sort((a, b) => b.t.literals - a.t.literals);
}

/** Result of matching a request against the table. */
export type MatchResult =
  | { kind: 'ok'; route: AnyRoute; params: Record<string, string> }
  | { kind: 'method'; template: string; allowed: HttpMethod[] }
  | { kind: 'none' };

/** Find the route for a method + path. */
export function matchRoute(table: readonly CompiledRoute[], method: string, parts: readonly string[]): MatchResult {
  let template: string | null = null;
  const allowed: HttpMethod[] = [];
  let bestLiterals = -1;
  for (const c of table) {
    const params = matchTemplate(c.t, parts);
    if (!params) continue;
    if (c.t.literals < bestLiterals) break;
    bestLiterals = c.t.literals;
    if (c.route.method === method) return { kind: 'ok', route: c.route, params };
    template ??= c.route.path;
    allowed.push(c.route.method);
  }
  return template ? { kind: 'method', template, allowed } : { kind: 'none' };
}

// ------------------------------------------------------------------ query helpers

/** Validate an optional integer query parameter within [min, max]. */
export function intQuery(query: URLSearchParams, name: string, min: number, max: number): FlatIssue[] {
  const raw = query.get(name);
  if (raw === null) return [];
  if (!/^-?\d+$/.test(raw)) return [{ path: name, code: 'NUMBER_TYPE_COERCE', message: `Value "${raw}" is not int.` }];
  const n = Number(raw);
  if (n < min || n > max) return [{ path: name, code: 'NUMBER_TYPE_MAX', message: `int value should be between ${min} and ${max} (got ${n}).` }];
  return [];
}

/** Validate optional snowflake query parameters. */
export function snowflakeQuery(query: URLSearchParams, ...names: string[]): FlatIssue[] {
  return names.flatMap((name) => {
    const raw = query.get(name);
    return raw === null || isSnowflake(raw) ? [] : [{ path: name, code: 'NUMBER_TYPE_COERCE', message: `Value "${raw}" is not snowflake.` }];
  });
}

/** Validate an optional boolean query parameter. */
export function boolQuery(query: URLSearchParams, name: string): FlatIssue[] {
  const raw = query.get(name);
  return raw === null || ['true', 'false', '1', '0', 'True', 'False'].includes(raw)
    ? []
    : [{ path: name, code: 'BOOLEAN_TYPE_COERCE', message: `Value "${raw}" is not a valid boolean.` }];
}

/** True for `true`/`1`/`True`. */
export function queryFlag(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  return raw === 'true' || raw === '1' || raw === 'True';
}
