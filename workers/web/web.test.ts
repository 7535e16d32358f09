import { InteractionResponseType, InteractionType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { fetchWeb, fetchWorker, testEnv } from '../../src/testing/harness';
import { signedRequest } from '../../src/testing/interactions';

function signedPing(env: Env): Promise<Request> {
  return signedRequest(env.TEST_SIGNING_KEY, { id: '1200000000000000001', application_id: env.DISCORD_APPLICATION_ID, type: InteractionType.Ping, token: 'ping-token', version: 1 });
}

describe('the web Worker and the bot Worker', () => {
  it('passes /interactions and /health on to the bot Worker: a signed ping is answered, a bad signature is a 401', async () => {
    const env = testEnv();
    const pong = await fetchWeb(await signedPing(env), env);
    expect(pong.status).toBe(200);
    expect(await pong.json()).toEqual({ type: InteractionResponseType.Pong });

    const forged = await signedPing(env);
    const tampered = new Request(forged.url, { method: 'POST', headers: forged.headers, body: (await forged.text()).replace('ping-token', 'pong-token') });
    expect((await fetchWeb(tampered, env)).status).toBe(401);

    const [viaWeb, direct] = await Promise.all([fetchWeb(new Request('https://gatehouse.test/health'), env), fetchWorker(new Request('https://gatehouse.test/health'), env)]);
    expect(viaWeb.status).toBe(200);
    expect(await viaWeb.json()).toEqual(await direct.json());
  });

  it('serves the API and the calendar feeds; the bot Worker serves neither', async () => {
    const env = testEnv();
    const doc = await fetchWeb(new Request('https://gatehouse.test/api/openapi.json'), env);
    expect(doc.status).toBe(200);
    const paths = Object.keys(((await doc.json()) as { paths: Record<string, unknown> }).paths);
    expect(paths).toContain('/guilds/{guildId}/applications');

    expect((await fetchWorker(new Request('https://gatehouse.test/api/openapi.json'), env)).status).toBe(404);
    expect((await fetchWorker(new Request(`https://gatehouse.test/calendar/1100000000000000009/${'0'.repeat(32)}.ics`), env)).status).toBe(404);
    expect((await fetchWeb(new Request(`https://gatehouse.test/calendar/1100000000000000009/${'0'.repeat(32)}.ics`), env)).status).toBe(404);
  });
});
