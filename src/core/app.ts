/**
 * The HTTP surface of the bot Worker: `POST /interactions` (verified, then routed), `GET
 * /health` (liveness: version and configuration, no I/O) and `GET /health/detail` (database
 * and relay, behind the `HEALTH_TOKEN` secret). The dashboard and its API are the web
 * Worker's (workers/web). A bad configuration (`./env`) answers every route with its JSON error.
 */
import { Hono } from 'hono';
import * as z from 'zod';
import { InteractionResponseType, InteractionType, MessageFlags, type APIInteraction } from 'discord-api-types/v10';
import { checkedConfig, type ConfigError } from './env';
import { errorRef } from './errors';
import { healthRoutes, type HealthCheck } from './health';
import type { Router } from './router';
import { verifySignature } from './verify';

/** Largest interaction body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The app's Hono environment. */
export type AppEnv = { Bindings: Env };

export type { HealthCheck };

/** What `createApp` takes. */
export interface AppOptions {
  router: Router;
  version: string;
  health?: Record<string, HealthCheck>;
}

const snowflake = z.string().regex(/^\d{1,20}$/);
const user = z.object({ id: snowflake });
const member = z.object({ user, roles: z.array(snowflake), permissions: z.string().regex(/^\d{1,40}$/).optional() });
type RawOption = { name: string; type: number; value?: string | number | boolean; options?: RawOption[]; focused?: boolean };
const commandOption: z.ZodType<RawOption> = z.object({
  name: z.string().max(32),
  type: z.number().int(),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  options: z.array(z.lazy(() => commandOption)).max(25).optional(),
  focused: z.boolean().optional(),
});
const resolved = z.object({}).optional();
const customId = z.string().min(1).max(100);

const common = {
  id: snowflake,
  application_id: snowflake,
  token: z.string().min(1).max(1000),
  guild_id: snowflake.optional(),
  member: member.optional(),
  user: user.optional(),
};

/**
 * The shape every interaction must have before the router looks at it: a discriminated
 * union on `type`, checking only what routing and preconditions read. Objects strip rather
 * than copy unknown keys: the check's output is discarded and the router reads the original
 * payload, so validation allocates little on the hot path.
 */
const envelope = z.discriminatedUnion('type', [
  z.object({ ...common, type: z.literal(InteractionType.Ping) }),
  z.object({
    ...common,
    type: z.union([z.literal(InteractionType.ApplicationCommand), z.literal(InteractionType.ApplicationCommandAutocomplete)]),
    data: z.object({
      id: snowflake,
      name: z.string().min(1).max(32),
      type: z.number().int(),
      options: z.array(commandOption).max(25).optional(),
      resolved,
      target_id: snowflake.optional(),
    }),
  }),
  z.object({
    ...common,
    type: z.literal(InteractionType.MessageComponent),
    message: z.object({ id: snowflake }),
    data: z.object({ custom_id: customId, component_type: z.number().int(), values: z.array(z.string()).optional() }),
  }),
  z.object({
    ...common,
    type: z.literal(InteractionType.ModalSubmit),
    data: z.object({ custom_id: customId, components: z.array(z.object({})).max(25) }),
  }),
]);

const text = (status: 400 | 401 | 413, message: string) =>
  new Response(message, { status, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
const JSON_HEADERS = { 'content-type': 'application/json' };
const json = (body: unknown) => new Response(JSON.stringify(body), { headers: JSON_HEADERS });
const decoder = new TextDecoder();
const PONG = JSON.stringify({ type: InteractionResponseType.Pong });

/** The JSON 500 every request gets while the configuration is bad (never wrangler's HTML page). */
export function configErrorResponse(error: ConfigError): Response {
  return new Response(JSON.stringify({ error: 'configuration', message: error.message, variables: error.variables }), {
    status: 500,
    headers: JSON_HEADERS,
  });
}

/**
 * `POST /interactions`: the hot path. Verifies, parses, checks the envelope and routes; a
 * plain function so the Worker entry can call it without the general HTTP router in front.
 */
export async function handleInteractionRequest(request: Request, env: Env, ctx: ExecutionContext, router: Router): Promise<Response> {
  const checked = await checkedConfig(env);
  if (!checked.ok) return configErrorResponse(checked.error);
  const { config, key } = checked;
  const signature = request.headers.get('x-signature-ed25519');
  const timestamp = request.headers.get('x-signature-timestamp');
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return text(401, 'invalid request signature');
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) return text(413, 'body too large');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > config.INTERACTION_MAX_AGE_S) return text(401, 'stale request timestamp');

  const body = new Uint8Array(await request.arrayBuffer());
  if (body.byteLength > MAX_BODY_BYTES) return text(413, 'body too large');
  if (!(await verifySignature(key, signature, timestamp, body))) return text(401, 'invalid request signature');

  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(body));
  } catch {
    return text(400, 'body is not JSON');
  }
  // A PING carries nothing else we read: answer before the envelope check.
  if ((raw as { type?: unknown } | null)?.type === InteractionType.Ping) return new Response(PONG, { headers: JSON_HEADERS });
  const parsed = envelope.safeParse(raw);
  if (!parsed.success) return text(400, `malformed interaction: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const interaction = raw as APIInteraction;
  if (interaction.type === InteractionType.Ping) return new Response(PONG, { headers: JSON_HEADERS });
  if (!interaction.member?.user && !interaction.user) return text(400, 'malformed interaction: no user');

  try {
    const response = await router.handle(interaction, { env, waitUntil: (p) => ctx.waitUntil(p) }, config.DEFER_AFTER_MS);
    return json(response);
  } catch (error) {
    // The router answers every failure itself; this is the last line before a 5xx.
    const ref = errorRef();
    console.error(JSON.stringify({ msg: 'router failed', ref, interaction: interaction.id, error: String(error) }));
    return json({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: `Something went wrong (ref ${ref}).`, flags: MessageFlags.Ephemeral },
    });
  }
}

/** True for `POST /interactions`, checked without parsing the whole URL. */
export function isInteractionRequest(request: Request): boolean {
  if (request.method !== 'POST') return false;
  const url = request.url;
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const end = url.indexOf('?', start);
  return start !== -1 && url.slice(start, end === -1 ? undefined : end) === '/interactions';
}

/** Builds the bot's HTTP app. */
export function createApp({ router, version, health = {} }: AppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/interactions', (c) => handleInteractionRequest(c.req.raw, c.env, c.executionCtx as ExecutionContext, router));

  app.route('/', healthRoutes(version, health));

  app.onError((error, c) => {
    console.error(JSON.stringify({ msg: 'unhandled request error', path: c.req.path, error: String(error), stack: error.stack }));
    return c.json({ error: 'internal error' }, 500);
  });

  return app;
}
