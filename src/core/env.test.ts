/**
 * The configuration is checked once, with clear errors: a bad value of any variable answers
 * `/interactions` with a JSON 500 naming it, `/health` with a 503 carrying the same text, fails
 * crons and the queue consumer, and is logged once however many requests see it.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../../workers/bot/index';
import { fetchWorker, send, testEnv } from '../testing/harness';
import { ping, signedRequest, slashCommand } from '../testing/interactions';

/** One bad value per variable (and the ways a required one can be missing). */
const BAD: [variable: string, value: string, says: RegExp][] = [
  ['DISCORD_PUBLIC_KEY', 'not-a-key', /64 hex characters/],
  ['DISCORD_PUBLIC_KEY', '', /is not set/],
  ['DISCORD_APPLICATION_ID', 'my-bot', /Discord id/],
  ['DISCORD_BOT_TOKEN', ' ', /is not set/],
  ['DISCORD_API_BASE', 'discord.com/api/v10', /https?:\/\/ URL/],
  ['DISCORD_GATEWAY_URL', 'https://gateway.discord.gg', /wss:\/\/ or ws:\/\/ URL/],
  ['INTERACTION_MAX_AGE_S', 'five minutes', /whole number of seconds/],
  ['DEFER_AFTER_MS', '4000', /whole number of milliseconds from 0 to 2900/],
  ['COMMAND_LOG_FLUSH_MS', '-1', /whole number of milliseconds/],
  ['GATEWAY_INTENTS', '0x9303', /whole number of intent bits/],
  ['EVENT_MAX_ATTEMPTS', '0', /whole number of attempts from 1/],
  ['EVENT_RETENTION_DAYS', '90d', /whole number of days/],
  ['SUBREQUEST_BUDGET', 'lots', /paid, free or a whole number/],
  ['SUBREQUEST_BUDGET', '5', /at least 20/],
  ['TURSO_DATABASE_URL', 'postgres://db.example', /libsql:\/\//],
  ['BOT_OWNER_IDS', 'alice, 1100000000000000009', /user ids separated by commas/],
  ['HEALTH_TOKEN', 'short', /at least 16 characters/],
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('configuration errors', () => {
  it.each(BAD)('%s = %j: /interactions answers a JSON 500 naming it, /health a 503 with the same text, logged once', async (variable, value, says) => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const env = testEnv({ [variable]: value } as Partial<Env>);

    const first = await fetchWorker(await signedPing(env), env);
    expect(first.status).toBe(500);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await first.json()) as { error: string; message: string; variables: string[] };
    expect(body.error).toBe('configuration');
    expect(body.variables).toEqual([variable]);
    expect(body.message).toContain(variable);
    expect(body.message).toMatch(says);
    // The value itself is never echoed (some variables are secrets).
    if (value.trim().length > 3) expect(body.message).not.toContain(value);

    const again = await send(slashCommand('ping'), env);
    expect(again.status).toBe(500);

    const health = await fetchWorker(new Request('https://gatehouse.test/health'), env);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ok: false, error: body.message });

    const logged = errors.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('"configuration error"'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ msg: 'configuration error', variables: [variable], error: body.message });
  });

  it("a well-formed key that is not the application's refuses every signature (401), never a 500", async () => {
    const env = testEnv({ DISCORD_PUBLIC_KEY: 'ff'.repeat(32) });
    const res = await fetchWorker(await signedPing(env), env);
    expect(res.status).toBe(401);
    expect((await fetchWorker(new Request('https://gatehouse.test/health'), env)).status).toBe(200);
  });

  it('names every bad variable at once', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const env = testEnv({ INTERACTION_MAX_AGE_S: 'soon', EVENT_MAX_ATTEMPTS: 'many' });
    const res = await fetchWorker(await signedPing(env), env);
    expect(((await res.json()) as { variables: string[] }).variables).toEqual(['INTERACTION_MAX_AGE_S', 'EVENT_MAX_ATTEMPTS']);
  });

  it('a non-numeric INTERACTION_MAX_AGE_S no longer turns replay protection off', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const env = testEnv({ INTERACTION_MAX_AGE_S: 'NaN' });
    const replay = await send(ping(), env, { timestamp: Math.floor(Date.now() / 1000) - 86_400 });
    expect(replay.status).toBe(500);
  });

  it('crons and the EVENTS consumer fail with the same error instead of running on defaults', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const env = testEnv({ EVENT_MAX_ATTEMPTS: 'lots' });
    const ctx = createExecutionContext();
    await expect(worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env, ctx)).rejects.toThrow(
      /EVENT_MAX_ATTEMPTS must be a whole number/,
    );
    const batch = createMessageBatch('gatehouse-events', [{ id: 'm1', timestamp: new Date(), attempts: 1, body: {} }]);
    await expect(worker.queue(batch, env, ctx)).rejects.toThrow(/EVENT_MAX_ATTEMPTS/);
    await waitOnExecutionContext(ctx);
  });

  it('empty optional variables take their defaults', async () => {
    const env = testEnv({ INTERACTION_MAX_AGE_S: '', DEFER_AFTER_MS: '', GATEWAY_INTENTS: '', BOT_OWNER_IDS: ' ', DISCORD_GATEWAY_URL: '' });
    expect((await send(ping(), env)).status).toBe(200);
    // The default replay window (300 s) still applies.
    expect((await send(ping(), env, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    expect((await fetchWorker(new Request('https://gatehouse.test/health'), env)).status).toBe(200);
  });
});

function signedPing(env: Env): Promise<Request> {
  return signedRequest(env.TEST_SIGNING_KEY, ping());
}
