import { describe, expect, it } from 'vitest';
import { InteractionResponseType } from 'discord-api-types/v10';
import { fetchWorker, send, testEnv } from '../testing/harness';
import { ping, sign, signedRequest, slashCommand } from '../testing/interactions';

const env = testEnv();

async function raw(body: string, headers: Record<string, string>): Promise<Response> {
  return fetchWorker(new Request('https://gatehouse.test/interactions', { method: 'POST', headers, body }), env);
}

describe('POST /interactions signature check', () => {
  it('answers PING with PONG', async () => {
    const { status, body } = await send(ping(), env);
    expect(status).toBe(200);
    expect(body).toEqual({ type: InteractionResponseType.Pong });
  });

  it('refuses a request without signature headers with 401', async () => {
    expect((await raw(JSON.stringify(ping()), {})).status).toBe(401);
    expect((await raw(JSON.stringify(ping()), { 'x-signature-ed25519': 'ab' })).status).toBe(401);
    expect((await raw(JSON.stringify(ping()), { 'x-signature-timestamp': '1' })).status).toBe(401);
  });

  it('refuses malformed signatures with 401, never 500', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify(ping());
    for (const signature of ['zz'.repeat(64), 'ab'.repeat(63), 'ab'.repeat(65), 'a'.repeat(127), '', ' '.repeat(128)]) {
      const res = await raw(body, { 'x-signature-ed25519': signature, 'x-signature-timestamp': ts });
      expect(res.status, signature).toBe(401);
    }
  });

  it('refuses a signature made with another key with 401', async () => {
    const other = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    const jwk = JSON.stringify(await crypto.subtle.exportKey('jwk', (other as CryptoKeyPair).privateKey));
    const res = await fetchWorker(await signedRequest(jwk, ping()), env);
    expect(res.status).toBe(401);
  });

  it('refuses a tampered body with 401', async () => {
    const request = await signedRequest(env.TEST_SIGNING_KEY, slashCommand('ping'));
    const body = (await request.text()).replace('"ping"', '"help"');
    const res = await raw(body, Object.fromEntries(request.headers));
    expect(res.status).toBe(401);
  });

  it('refuses a stale timestamp as a replay, and a far-future one', async () => {
    const stale = await send(ping(), env, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.status).toBe(401);
    const future = await send(ping(), env, { timestamp: Math.floor(Date.now() / 1000) + 301 });
    expect(future.status).toBe(401);
    const tolerant = await send(ping(), testEnv({ INTERACTION_MAX_AGE_S: '900' }), { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(tolerant.status).toBe(200);
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const big = JSON.stringify({ ...ping(), padding: 'x'.repeat(1024 * 1024) });
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await raw(big, { 'x-signature-ed25519': await sign(env.TEST_SIGNING_KEY, ts, big), 'x-signature-timestamp': ts });
    expect(res.status).toBe(413);
  });

  it('answers 400 to a validly signed body that is not JSON or not an interaction', async () => {
    expect((await send('not json {', env)).status).toBe(400);
    expect((await send({ type: 99, id: '1', application_id: '1', token: 't' }, env)).status).toBe(400);
    expect((await send({ hello: 'world' }, env)).status).toBe(400);
    expect((await send([], env)).status).toBe(400);
  });
});

describe('GET /health', () => {
  it('is a liveness answer (version) that touches neither the database nor the relay', async () => {
    // Without D1 and the relay's namespace a database or Durable Object call would throw.
    const bare = testEnv({ DB: undefined, GATEWAY: undefined } as unknown as Partial<Env>);
    const res = await fetchWorker(new Request('https://gatehouse.test/health'), bare);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});

describe('GET /health/detail', () => {
  const HEALTH_TOKEN = 'health-token-for-tests-0123456789';
  const detail = (e: Env, authorization?: string) =>
    fetchWorker(new Request('https://gatehouse.test/health/detail', authorization ? { headers: { authorization } } : {}), e);

  it('is off (404) while HEALTH_TOKEN is unset', async () => {
    const res = await detail(env, `Bearer ${HEALTH_TOKEN}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: expect.stringContaining('HEALTH_TOKEN') });
  });

  it('refuses a missing or wrong bearer token with 401', async () => {
    const e = testEnv({ HEALTH_TOKEN });
    for (const authorization of [undefined, 'Bearer', `Bearer ${HEALTH_TOKEN}x`, `Bearer ${HEALTH_TOKEN.slice(0, -1)}`, `Basic ${HEALTH_TOKEN}`, HEALTH_TOKEN]) {
      const res = await detail(e, authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('with the token: the database round trip and the relay', async () => {
    const res = await detail(testEnv({ HEALTH_TOKEN }), `Bearer ${HEALTH_TOKEN}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; version: string; database: { ok: boolean; ms: number }; gateway: { ok: boolean; started: boolean; shards: unknown[] } };
    expect(body).toMatchObject({ ok: true, database: { ok: true }, gateway: { ok: true, started: false, shards: [] } });
    expect(body.database.ms).toBeGreaterThanOrEqual(0);
  });

  it('reports a failing check as 503 with a short message, not the raw error', async () => {
    const secretUrl = 'https://db.internal.example/v1?authToken=eyJhbGciOiJFZERTQSJ9.c2VjcmV0LXRva2Vu';
    const broken = {
      prepare() {
        throw new Error(`D1_ERROR: could not reach ${secretUrl}\n    at connect (internal.js:1:1)`);
      },
    };
    const res = await detail(testEnv({ HEALTH_TOKEN, DB: broken as unknown as D1Database }), `Bearer ${HEALTH_TOKEN}`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { ok: boolean; database: { ok: boolean; error: string }; gateway: { ok: boolean; error: string } };
    expect(body.ok).toBe(false);
    expect(body.database.ok).toBe(false);
    for (const error of [body.database.error, body.gateway.error]) {
      expect(error.length).toBeLessThanOrEqual(120);
      expect(error).not.toContain('db.internal.example');
      expect(error).not.toContain('c2VjcmV0LXRva2Vu');
      expect(error).not.toContain('internal.js');
    }
  });
});
