/**
 * The HTTP surface of the bot Worker: `POST /interactions` (verified, then routed) and
 * `GET /health`. Other surfaces (dashboard API) mount on the returned app.
 */
import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { InteractionResponseType, InteractionType, MessageFlags, type APIInteraction } from 'discord-api-types/v10';
import { getDb } from '../db/client';
import { errorRef } from './errors';
import type { Router } from './router';
import { importPublicKey, verifySignature } from './verify';

/** Largest interaction body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The app's Hono environment. */
export type AppEnv = { Bindings: Env };

/** Extra facts `/health` reports (the gateway relay adds its status). */
export type HealthCheck = (env: Env) => Promise<Record<string, unknown>>;

/** What `createApp` takes. */
export interface AppOptions {
  router: Router;
  version: string;
  health?: Record<string, HealthCheck>;
}

const snowflake = z.string().regex(/^\d{1,20}$/);
const user = z.looseObject({ id: snowflake });
const member = z.looseObject({ user, roles: z.array(snowflake), permissions: z.string().regex(/^\d{1,40}$/).optional() });
type RawOption = { name: string; type: number; value?: string | number | boolean; options?: RawOption[]; focused?: boolean };
const commandOption: z.ZodType<RawOption> = z.looseObject({
  name: z.string().max(32),
  type: z.number().int(),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  options: z.array(z.lazy(() => commandOption)).max(25).optional(),
  focused: z.boolean().optional(),
});
const resolved = z.looseObject({}).optional();
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
 * union on `type`, checking only what routing and preconditions read.
 */
const envelope = z.discriminatedUnion('type', [
  z.looseObject({ ...common, type: z.literal(InteractionType.Ping) }),
  z.looseObject({
    ...common,
    type: z.union([z.literal(InteractionType.ApplicationCommand), z.literal(InteractionType.ApplicationCommandAutocomplete)]),
    data: z.looseObject({
      id: snowflake,
      name: z.string().min(1).max(32),
      type: z.number().int(),
      options: z.array(commandOption).max(25).optional(),
      resolved,
      target_id: snowflake.optional(),
    }),
  }),
  z.looseObject({
    ...common,
    type: z.literal(InteractionType.MessageComponent),
    message: z.looseObject({ id: snowflake }),
    data: z.looseObject({ custom_id: customId, component_type: z.number().int(), values: z.array(z.string()).optional() }),
  }),
  z.looseObject({
    ...common,
    type: z.literal(InteractionType.ModalSubmit),
    data: z.looseObject({ custom_id: customId, components: z.array(z.looseObject({})).max(25) }),
  }),
]);

const text = (status: 400 | 401 | 413, message: string) =>
  new Response(message, { status, headers: { 'content-type': 'text/plain;charset=UTF-8' } });

/** Builds the bot's HTTP app. */
export function createApp({ router, version, health = {} }: AppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/interactions', async (c) => {
    const env = c.env;
    const signature = c.req.header('x-signature-ed25519');
    const timestamp = c.req.header('x-signature-timestamp');
    if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return text(401, 'invalid request signature');
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) return text(413, 'body too large');
    const maxAge = Number(env.INTERACTION_MAX_AGE_S || 300);
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > maxAge) return text(401, 'stale request timestamp');

    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.byteLength > MAX_BODY_BYTES) return text(413, 'body too large');
    const key = await importPublicKey(env.DISCORD_PUBLIC_KEY);
    if (!(await verifySignature(key, signature, timestamp, body))) return text(401, 'invalid request signature');

    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(body));
    } catch {
      return text(400, 'body is not JSON');
    }
    const parsed = envelope.safeParse(json);
    if (!parsed.success) return text(400, `malformed interaction: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const interaction = parsed.data as unknown as APIInteraction;
    if (interaction.type !== InteractionType.Ping && !interaction.member?.user && !interaction.user) {
      return text(400, 'malformed interaction: no user');
    }

    try {
      const response = await router.handle(
        interaction,
        { env, waitUntil: (p) => c.executionCtx.waitUntil(p) },
        Number(env.DEFER_AFTER_MS || 2500),
      );
      return c.json(response);
    } catch (error) {
      // The router answers every failure itself; this is the last line before a 5xx.
      const ref = errorRef();
      console.error(JSON.stringify({ msg: 'router failed', ref, interaction: interaction.id, error: String(error) }));
      return c.json({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { content: `Something went wrong (ref ${ref}).`, flags: MessageFlags.Ephemeral },
      });
    }
  });

  app.get('/health', async (c) => {
    const started = Date.now();
    let database: Record<string, unknown>;
    try {
      await getDb(c.env).run(sql`select 1`);
      database = { ok: true, ms: Date.now() - started };
    } catch (error) {
      database = { ok: false, error: String(error) };
    }
    const extra: Record<string, unknown> = {};
    for (const [name, check] of Object.entries(health)) {
      try {
        extra[name] = await check(c.env);
      } catch (error) {
        extra[name] = { ok: false, error: String(error) };
      }
    }
    const ok = database.ok === true && Object.values(extra).every((v) => (v as { ok?: boolean }).ok !== false);
    return c.json({ ok, version, database, ...extra }, ok ? 200 : 503);
  });

  app.onError((error, c) => {
    console.error(JSON.stringify({ msg: 'unhandled request error', path: c.req.path, error: String(error), stack: error.stack }));
    return c.json({ error: 'internal error' }, 500);
  });

  return app;
}
