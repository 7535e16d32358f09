/**
 * The dashboard API's vocabulary. A feature lists its routes in `defineFeature({ api: [...] })`,
 * each built with `defineApiRoute`: method, path under `/api`, the access it needs, zod schemas
 * for the request and the response, and a handler that returns the response's data. Every
 * feature route is guild-scoped (its path starts with `/guilds/{guildId}/`), so it always
 * passes through the one guild middleware (`./guild.ts`); the platform validates the request
 * (422 with field errors), checks access, runs the handler, validates (and strips) the
 * response, and turns errors into JSON with a reference (`./errors.ts`).
 */
import type * as z from 'zod';
import type { Db } from '../../db/client';
import type { Discord } from '../../discord';
import type { Config } from '../env';
import type { GuildConfig } from '../guild-config.repo';
import type { Registry } from '../registry';
import type { StaffLevel } from '../staff';
import type { Feature } from '../define';
import { API_KEY_SCOPES, type ApiKeyScope } from './key-scopes';
import type { ApiKeyInfo } from './keys';

/** HTTP methods a route may use. Anything but `get` is a write (CSRF-checked, fresh access facts). */
export type ApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: `'manager'` (the guild's owner, or Administrator / Manage Server, with
 * the bot in the guild) or a staff level from `src/core/staff.ts` (managers pass every level).
 * `everyone` and `verified` are not staff, so they are not offered.
 */
export type ApiAccess = 'manager' | Exclude<StaffLevel, 'everyone' | 'verified'>;

/** The signed-in dashboard user. */
export interface ApiUser {
  id: string;
  username: string;
  avatar: string | null;
}

/** What the caller holds in the guild, from facts at most `ACCESS_FACTS_MAX_AGE_MS` old. */
export interface ApiGrant {
  /** Owner, Administrator or Manage Server (managers pass every staff level). */
  manager: boolean;
  /** The staff level from the guild's role mapping (or a delegation); `administrator` for managers. */
  level: StaffLevel;
  /** Set when a read-only delegation raised `level`: the level writes are checked against. */
  writeLevel?: StaffLevel;
  /** The delegated access that raised `level`, if any (`grants.repo.ts`). */
  delegated?: { level: StaffLevel; write: boolean; expiresAt: number };
}

/** The guild a route runs in, as the bot sees it. */
export interface ApiGuildInfo {
  id: string;
  name: string;
  icon: string | null;
  ownerId: string;
}

/** What a route handler receives besides its validated input. */
export interface ApiContext {
  env: Env;
  /** The parsed configuration (`src/core/env.ts`). */
  appConfig: Config;
  db: Db;
  /** Discord with the bot token. */
  discord: Discord;
  /** Every feature's definitions (modules, channels purposes, routes). */
  registry: Registry;
  /** The guild id from the path (checked: the bot is in it and the caller has access). */
  guild: string;
  guildInfo: ApiGuildInfo;
  user: ApiUser;
  access: ApiGrant;
  /** The guild's configuration: `config.audited(actor, action, before, after, ...batch)` etc. */
  config: GuildConfig;
  /**
   * The API key the request authenticated with (`/api/v1`), or null for a dashboard session.
   * With a key, `user.id` is the key's id (`key_…`): the actor of everything it does.
   */
  apiKey: ApiKeyInfo | null;
  /** Keeps `promise` alive after the response; a failure is logged. */
  waitUntil(promise: Promise<unknown>): void;
}

/** A route's request schemas. `params` must declare every `{name}` of the path except `guildId`. */
export interface ApiRequest {
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** The validated input a handler receives. */
export interface ApiInput<R extends ApiRequest> {
  params: Out<R['params']> & { guildId: string };
  query: Out<R['query']>;
  body: Out<R['body']>;
}

/** One API route, as declared by a feature. */
export interface ApiRoute<R extends ApiRequest = ApiRequest, S extends z.ZodType = z.ZodType> {
  method: ApiMethod;
  /** OpenAPI template under `/api`, starting `/guilds/{guildId}/`, e.g. `/guilds/{guildId}/cases/{caseId}`. */
  path: `/guilds/{guildId}/${string}`;
  access: ApiAccess;
  /**
   * The API-key scope that reaches this route under `/api/v1` (`keys.ts` `API_KEY_SCOPES`: a
   * `:read` scope for GET, a `:write` scope otherwise). Without one the route is never
   * reachable with a key (403 `not_available_with_key`).
   */
  keyScope?: ApiKeyScope;
  /** One line for the OpenAPI document. */
  summary: string;
  /** OpenAPI tags; default: the owning feature's name. */
  tags?: string[];
  request?: R;
  /** The success body's schema; unknown keys are stripped before sending. */
  response: S;
  /** Success status: 200 (default) or 201. */
  status?: 200 | 201;
  handler: (ctx: ApiContext, input: ApiInput<R>) => Promise<z.input<S>>;
}

/** Every route, whatever its schemas (what a feature's `api` list holds). */
export type AnyApiRoute = ApiRoute<any, any>;

const PATH = /^\/guilds\/\{guildId\}(\/[A-Za-z0-9._~-]+|\/\{[A-Za-z][A-Za-z0-9]*\})+$/;

/**
 * Declares a dashboard API route; types flow from the schemas to the handler. Throws at
 * definition when the path is not a guild route or names a parameter `params` does not declare.
 *
 * ```ts
 * export const listCases = defineApiRoute({
 *   method: 'get', path: '/guilds/{guildId}/cases', access: 'moderator', summary: 'Cases, newest first',
 *   request: { query: z.object({ member: snowflake.optional() }) },
 *   response: z.object({ cases: z.array(caseSchema) }),
 *   handler: async (ctx, { query }) => ({ cases: await new GuildCases(ctx.db, ctx.guild).list(query) }),
 * });
 * ```
 */
export function defineApiRoute<R extends ApiRequest = {}, S extends z.ZodType = z.ZodType>(route: ApiRoute<R, S>): ApiRoute<R, S> {
  if (!PATH.test(route.path) || route.path.split('/').some((part) => /^\.+$/.test(part))) throw new Error(`API route path "${route.path}" must look like /guilds/{guildId}/things/{thingId}`);
  const declared = new Set(Object.keys(route.request?.params?.shape ?? {}));
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    if (name !== 'guildId' && !declared.has(name!)) throw new Error(`API route ${route.path}: request.params does not declare "${name}"`);
  }
  if (route.keyScope !== undefined) {
    if (!(API_KEY_SCOPES as readonly string[]).includes(route.keyScope)) throw new Error(`API route ${route.path}: unknown keyScope "${route.keyScope}"`);
    if (route.keyScope.endsWith(':read') !== (route.method === 'get')) throw new Error(`API route ${route.method.toUpperCase()} ${route.path}: a GET takes a :read keyScope, a write a :write one`);
  }
  return route;
}

/**
 * True when the caller may see what `scope` guards: always for a dashboard session (its access
 * level already decided), and for a key only when it holds the scope. For parts of an answer
 * a key must be scoped for separately (private notes under `notes:read`).
 */
export function hasKeyScope(ctx: Pick<ApiContext, 'apiKey'>, scope: ApiKeyScope): boolean {
  return ctx.apiKey === null || ctx.apiKey.scopes.includes(scope);
}

/** What an unauthenticated public route's handler receives: no user, no grant, only the guild id. */
export interface PublicApiContext {
  env: Env;
  appConfig: Config;
  db: Db;
  /** The guild id from the path (a snowflake; nothing else is checked: the handler decides). */
  guild: string;
}

/**
 * An unauthenticated, read-only route under `/api/public/guilds/{guildId}/…`, for what a guild
 * chose to publish (e.g. an opt-in activity page). It passes no session or guild middleware, so
 * its handler must answer 404 `not_found` for a guild that did not opt in (the same answer as
 * an unknown guild: nothing to enumerate) and return counts only, never members.
 */
export interface PublicApiRoute<Q extends z.ZodObject | undefined = z.ZodObject | undefined, S extends z.ZodType = z.ZodType> {
  path: `/public/guilds/{guildId}/${string}`;
  summary: string;
  request?: { query?: Q };
  response: S;
  handler: (ctx: PublicApiContext, input: { params: { guildId: string }; query: Q extends z.ZodType ? z.output<Q> : undefined }) => Promise<z.input<S>>;
}

/** Every public route, whatever its schemas (what a feature's `publicApi` list holds). */
export type AnyPublicApiRoute = PublicApiRoute<any, any>;

/** Declares a public (unauthenticated, GET) route; throws on a path outside `/public/guilds/{guildId}/`. */
export function definePublicApiRoute<Q extends z.ZodObject | undefined = undefined, S extends z.ZodType = z.ZodType>(route: PublicApiRoute<Q, S>): PublicApiRoute<Q, S> {
  if (!/^\/public\/guilds\/\{guildId\}(\/[A-Za-z0-9._~-]+)+$/.test(route.path)) throw new Error(`public API route path "${route.path}" must look like /public/guilds/{guildId}/things`);
  return route;
}

/** A route's key for logs and duplicates: `GET /guilds/{guildId}/cases`. */
export function apiRouteKey(route: Pick<AnyApiRoute, 'method' | 'path'>): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}

/**
 * A feature's dashboard API routes. They are listed in `src/features/api.ts`, apart from the
 * feature itself, so that only the web Worker (workers/web) imports them.
 */
export interface FeatureApi {
  feature: Feature;
  routes: readonly AnyApiRoute[];
  /** Unauthenticated read-only routes under `/api/public/guilds/{guildId}/` (opt-in publications only). */
  publicRoutes?: readonly AnyPublicApiRoute[];
}

/** Declares a feature's API routes: `defineFeatureApi(gate, [listApplications, …])`. */
export function defineFeatureApi(feature: Feature, routes: readonly AnyApiRoute[], publicRoutes: readonly AnyPublicApiRoute[] = []): FeatureApi {
  return { feature, routes, publicRoutes };
}
