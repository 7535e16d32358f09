/**
 * Drives the bot Worker inside workerd the way Discord does: signed requests in, background
 * work awaited, REST calls observed on the fake Discord. Workers tests only.
 */
import { createExecutionContext, env as baseEnv, waitOnExecutionContext } from 'cloudflare:test';
import type { APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import worker from '../../workers/bot/index';
import type { FakeDiscord } from './fake-discord/client';
import { signedRequest, type SignedRequestOptions } from './interactions';

/** The test environment, optionally pointed at a fake Discord session. */
export function testEnv(overrides: Partial<Env> = {}): Env {
  return { ...baseEnv, ...overrides } as Env;
}

/** A fresh fake Discord session and an env whose REST calls go to it. */
export async function fakeDiscord(overrides: Partial<Env> = {}): Promise<{ fake: FakeDiscord; env: Env }> {
  const { FakeDiscord } = await import('./fake-discord/client');
  const fake = await FakeDiscord.create(baseEnv.TEST_FAKE_DISCORD_URL);
  return { fake, env: testEnv({ DISCORD_API_BASE: fake.apiBase, ...overrides }) };
}

/** Sends a raw request to the Worker and waits for its background work. */
export async function fetchWorker(request: Request, env: Env = testEnv()): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Signs and sends an interaction; resolves once its background work is done. */
export async function send(
  interaction: APIInteraction | unknown,
  env: Env = testEnv(),
  options: SignedRequestOptions = {},
): Promise<{ status: number; body: APIInteractionResponse }> {
  const request = await signedRequest(env.TEST_SIGNING_KEY, interaction, options);
  const response = await fetchWorker(request, env);
  const text = await response.text();
  return { status: response.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as APIInteractionResponse };
}
