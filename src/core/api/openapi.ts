/**
 * `/api/openapi.json`: the OpenAPI 3.0 document, generated from the same route definitions the
 * API dispatches with (zod's own `toJSONSchema`), built once per isolate on first request.
 * (@hono/zod-openapi was tried: it imports zod's whole namespace, which added 78 KiB gzip to the
 * bot bundle.)
 */
import * as z from 'zod';
import type { Registry } from '../registry';
import type { AnyApiRoute } from './define';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'A stable code, e.g. `login_required`, `level_too_low`, `invalid`' },
    message: { type: 'string', description: 'What the user reads' },
    ref: { type: 'string', description: 'On 500: the reference of the log line' },
    fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'On 422: field path → message' },
  },
};
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, s]) => ({ name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: s }));
}

function operation(route: AnyApiRoute, feature: string, viaKey = false): Record<string, unknown> {
  const status = route.status ?? 200;
  return {
    summary: route.summary,
    tags: route.tags ?? [feature],
    'x-access': route.access,
    ...(route.keyScope ? { 'x-key-scope': route.keyScope } : {}),
    security: viaKey ? [{ apiKey: [] }] : [{ session: [] }],
    ...(viaKey ? { operationId: `v1 ${route.method} ${route.path}`, description: `API key scope: \`${route.keyScope}\`. Same handler and schemas as the dashboard's \`${route.path}\`.` } : {}),
    parameters: [
      { name: 'guildId', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{17,20}$' } },
      ...parameters(route.request?.params, 'path'),
      ...parameters(route.request?.query, 'query'),
    ],
    ...(route.request?.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.request.body, 'input') } } } } : {}),
    responses: {
      [status]: { description: route.summary, content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } },
      ...(viaKey
        ? {
            401: errorResponse('No key, or a malformed, unknown, revoked or expired one (`key_required`, `malformed_key`, `unknown_key`, `key_revoked`, `key_expired`)'),
            403: errorResponse('Another server’s key (`wrong_guild`), a key without the scope (`missing_scope`), or an origin the key does not allow (`origin_not_allowed`)'),
            429: errorResponse('Past the key’s quota (`quota_exceeded`; see `Retry-After`)'),
          }
        : {
            401: errorResponse('Not logged in'),
            403: errorResponse('Not staff in this server, or below the route’s access, or a write from another origin'),
          }),
      404: errorResponse('Unknown server or item, or the bot is not in the server'),
      422: errorResponse('The request failed validation (`fields`)'),
      500: errorResponse('Unexpected failure (`ref` matches the log line)'),
    },
  };
}

/** The document for every route in the registry (plus the platform's own, listed by `extra`). */
export function openApiDocument(registry: Registry, version: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = { ...(extra as Record<string, Record<string, unknown>>) };
  for (const { feature, def } of registry.apiRoutes.values()) {
    (paths[def.path] ??= {})[def.method] = operation(def, feature.name);
    // The public API: the same route under /v1, for API keys, when it declares a keyScope.
    if (def.keyScope) (paths[`/v1${def.path}`] ??= {})[def.method] = operation(def, feature.name, true);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Gatehouse API',
      version,
      description:
        'One API, two ways in. The dashboard calls `/guilds/…` with the session cookie from logging in at /api/auth/login (docs/dashboard.md). Third parties call the same routes under `/v1/guilds/…` with an API key, `Authorization: Bearer gh_live_…`, within the key’s scopes and quota; every answer carries `RateLimit-*` headers (docs/api.md).',
    },
    servers: [{ url: '/api' }],
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'gh_session', description: 'The dashboard session (log in at /api/auth/login)' },
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'gh_live_ + 64 hex characters', description: 'An API key from the dashboard’s API keys page or /api-keys create' },
      },
    },
  };
}
