/**
 * Drives the bot Worker inside workerd the way Discord does: signed requests in, background
 * work awaited, REST calls observed on the fake Discord. Workers tests only.
 */
import { createExecutionContext, env as baseEnv, waitOnExecutionContext } from 'cloudflare:test';
import type { APIInteractionResponse } from 'discord-api-types/v10';
import worker from '../../workers/bot/index';
import webWorker, { type BotService, type WebEnv } from '../../workers/web/index';
import type { OptionalSecrets } from '../core/env';
import type { FakeDiscord } from './fake-discord/client';
import type { CreateSessionOptions } from './fake-discord/types';
import { signedRequest, type SignedRequestOptions } from './interactions';

const fakes = new WeakMap<Env, FakeDiscord>();

/** The test environment with `overrides` (optional secrets such as `HEALTH_TOKEN` included). */
export function testEnv(overrides: Partial<Env> & OptionalSecrets = {}): Env {
  return { ...baseEnv, ...overrides } as Env;
}

/** A fresh, isolated fake Discord session and an env whose REST calls go to it. */
export async function fakeDiscord(overrides: Partial<Env> & OptionalSecrets = {}, options: CreateSessionOptions = {}): Promise<{ fake: FakeDiscord; env: Env }> {
  const { FakeDiscord } = await import('./fake-discord/client');
  const fake = await FakeDiscord.create(baseEnv.TEST_FAKE_DISCORD_URL, { applicationId: baseEnv.DISCORD_APPLICATION_ID, ...options });
  const env = testEnv({ DISCORD_API_BASE: fake.apiBase, ...overrides });
  fakes.set(env, fake);
  return { fake, env };
}

/** Sends a raw request to the Worker and waits for its background work. */
export async function fetchWorker(request: Request, env: Env = testEnv()): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/**
 * The `BOT` service binding of the web Worker, in tests: the bot Worker's real handlers, called
 * in this isolate, each call's background work awaited like `fetchWorker`'s.
 */
function botService(env: Env): BotService {
  return {
    fetch: (request) => fetchWorker(request, env),
    runCron: async (cron, scheduledTime) => {
      const ctx = createExecutionContext();
      await worker.scheduled({ cron, scheduledTime, noRetry: () => {} }, env, ctx);
      await waitOnExecutionContext(ctx);
    },
  };
}

/** Sends a raw request to the web Worker (dashboard, API, calendar) and waits for its background work. */
export async function fetchWeb(request: Request, env: Env = testEnv()): Promise<Response> {
  const webEnv: WebEnv = { ...env, BOT: botService(env) };
  const ctx = createExecutionContext();
  const response = await webWorker.fetch(request as Request<unknown, IncomingRequestCfProperties>, webEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** What `send` returns. */
export interface Sent {
  status: number;
  body: APIInteractionResponse;
  /** The interaction's token as sent (the fake's, when it registered the interaction). */
  token: string | undefined;
}

/**
 * Signs and sends an interaction; resolves once its background work is done. With an env
 * from `fakeDiscord()` (or a `fake` given), the interaction is first registered with the
 * fake Discord (its id and token replaced by the fake's, and the message a component sits on
 * recorded), and the HTTP reply is handed to the fake as the interaction's callback, so the
 * reply is validated like every REST call and later `@original` edits land on the right
 * message.
 */
export async function send(
  interaction: unknown,
  env: Env = testEnv(),
  options: SignedRequestOptions & { fake?: FakeDiscord } = {},
): Promise<Sent> {
  const fake = options.fake ?? fakes.get(env);
  const raw = interaction as Record<string, unknown> & { id?: unknown; token?: unknown; type?: unknown };
  let body: unknown = interaction;
  let registered: { id: string; token: string } | undefined;
  if (fake && raw && typeof raw === 'object' && typeof raw.id === 'string' && raw.type !== 1) {
    const message = raw.message as { id?: string } | undefined;
    const member = raw.member as { user?: { id?: string } } | undefined;
    const userId = member?.user?.id ?? (raw.user as { id?: string } | undefined)?.id;
    registered = await fake.newInteraction({
      ...(typeof raw.guild_id === 'string' ? { guildId: raw.guild_id } : {}),
      ...(typeof raw.channel_id === 'string' ? { channelId: raw.channel_id } : {}),
      ...(userId ? { userId } : {}),
      ...(message?.id ? { messageId: message.id } : {}),
    });
    body = { ...raw, id: registered.id, token: registered.token };
  }
  const request = await signedRequest(env.TEST_SIGNING_KEY, body, options);
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  const text = await response.text();
  const parsed = (text.startsWith('{') ? JSON.parse(text) : text) as APIInteractionResponse;
  if (fake && registered && response.status === 200) await fake.recordInteractionResponse(registered, parsed);
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: parsed, token: registered?.token ?? (typeof raw?.token === 'string' ? raw.token : undefined) };
}
