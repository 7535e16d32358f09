/**
 * Drives the bot Worker inside workerd the way Discord does: signed requests in, background
 * work awaited, REST calls observed on the fake Discord. Workers tests only.
 */
import { createExecutionContext, env as baseEnv, waitOnExecutionContext } from 'cloudflare:test';
import type { APIInteractionResponse } from 'discord-api-types/v10';
import worker from '../../workers/bot/index';
import type { FakeDiscord } from './fake-discord/client';
import { signedRequest, type SignedRequestOptions } from './interactions';

const fakes = new WeakMap<Env, FakeDiscord>();

/** The test environment with `overrides`. */
export function testEnv(overrides: Partial<Env> = {}): Env {
  return { ...baseEnv, ...overrides } as Env;
}

/** A fresh, isolated fake Discord session and an env whose REST calls go to it. */
export async function fakeDiscord(overrides: Partial<Env> = {}): Promise<{ fake: FakeDiscord; env: Env }> {
  const { FakeDiscord } = await import('./fake-discord/client');
  const fake = await FakeDiscord.create(baseEnv.TEST_FAKE_DISCORD_URL, { applicationId: baseEnv.DISCORD_APPLICATION_ID });
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
 * Signs and sends an interaction; resolves once its background work is done. With an env
 * from `fakeDiscord()`, the HTTP reply is handed to the fake as the interaction's callback,
 * so it is validated like every REST call.
 */
export async function send(
  interaction: unknown,
  env: Env = testEnv(),
  options: SignedRequestOptions = {},
): Promise<{ status: number; body: APIInteractionResponse }> {
  const request = await signedRequest(env.TEST_SIGNING_KEY, interaction, options);
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  const text = await response.text();
  const body = (text.startsWith('{') ? JSON.parse(text) : text) as APIInteractionResponse;
  const fake = fakes.get(env);
  const it = interaction as { id?: unknown; token?: unknown; type?: unknown };
  if (fake && response.status === 200 && typeof it.id === 'string' && typeof it.token === 'string' && it.type !== 1) {
    await fake.recordInteractionResponse({ id: it.id, token: it.token }, body);
  }
  await waitOnExecutionContext(ctx);
  return { status: response.status, body };
}
