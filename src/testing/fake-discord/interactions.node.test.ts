import type { APIApplicationCommand, APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from './client.ts';
import { route, compileRoutes } from './route-table.ts';
import { ROUTES } from './routes.ts';
import { startFakeDiscord, type RunningFakeDiscord } from './server.ts';
import type { SeededGuild } from './types.ts';

const UA = 'DiscordBot (https://example.test, 1.0)';
let server: RunningFakeDiscord;
let fake: FakeDiscord;
let g: SeededGuild;

async function call<T = unknown>(method: string, path: string, body?: unknown, auth = false): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'user-agent': UA };
  if (auth) headers.authorization = 'Bot t';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${fake.apiBase}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

beforeAll(async () => {
  server = await startFakeDiscord();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  fake = await FakeDiscord.create(server.url, { applicationId: '1100000000000000001' });
  g = await fake.seedGuild({ channels: [{ name: 'general' }] });
});

describe('interaction responses', () => {
  it('records a deferred response, the @original edit and follow-ups per token', async () => {
    const it = await fake.newInteraction({ guildId: g.guildId, channelId: g.channels.general });
    expect(it.applicationId).toBe('1100000000000000001');
    expect(fake.botUserId).toBe('1100000000000000001');

    expect((await call('POST', `/interactions/${it.id}/${it.token}/callback`, { type: 5, data: { flags: 64 } })).status).toBe(204);
    let rec = await fake.interactionResponses(it.token);
    expect(rec?.callback).toEqual({ type: 5, data: { flags: 64 } });
    expect(rec?.callbackDelayMs).toBeGreaterThanOrEqual(0);
    expect(rec?.original?.flags).toBe(64 | 128); // ephemeral + loading

    const edited = await call<APIMessage>('PATCH', `/webhooks/${it.applicationId}/${it.token}/messages/@original`, { content: 'Done: verified' });
    expect(edited.body).toMatchObject({ content: 'Done: verified', flags: 64, webhook_id: it.applicationId });
    expect((await call<APIMessage>('GET', `/webhooks/${it.applicationId}/${it.token}/messages/@original`)).body.content).toBe('Done: verified');

    expect((await call('POST', `/webhooks/${it.applicationId}/${it.token}`, { content: 'no wait' })).status).toBe(204);
    const followup = await call<APIMessage>('POST', `/webhooks/${it.applicationId}/${it.token}?wait=true`, { content: 'with wait' });
    expect(followup.status).toBe(200);
    expect(followup.body.id).toMatch(/^\d+$/);
    expect((await call('PATCH', `/webhooks/${it.applicationId}/${it.token}/messages/${followup.body.id}`, { content: 'edited follow-up' })).status).toBe(200);

    rec = await fake.interactionResponses(it.token);
    expect(rec?.original?.content).toBe('Done: verified');
    expect(rec?.followups.map((m) => m.content)).toEqual(['no wait', 'edited follow-up']);
    // Ephemeral responses are not in the channel; public follow-ups are.
    expect((await fake.messages(g.channels.general ?? '')).map((m) => m.content)).toEqual(['no wait', 'edited follow-up']);

    expect((await call('DELETE', `/webhooks/${it.applicationId}/${it.token}/messages/@original`)).status).toBe(204);
    expect((await fake.interactionResponses(it.token))?.original).toBeNull();
    // Interaction routes need no Authorization header.
    expect((await fake.calls()).every((c) => c.headers.authorization === undefined)).toBe(true);
    await fake.assertNoViolations();
  });

  it('accepts tokens the test did not register and answers with_response', async () => {
    const res = await call<{ resource: { message: APIMessage } }>('POST', '/interactions/1234567890123456789/some-token/callback?with_response=true', {
      type: 4,
      data: { content: 'pong', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Again', custom_id: 'ping:again' }] }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.resource.message.content).toBe('pong');
    expect((await fake.interactionResponses('some-token'))?.original?.content).toBe('pong');
    await fake.assertNoViolations();
  });

  it('flags a second callback, a callback after 3 s, unknown fields and webhook calls before acknowledging', async () => {
    const it = await fake.newInteraction();
    expect((await call('POST', `/interactions/${it.id}/${it.token}/callback`, { type: 4, data: { content: 'hi', ephemeral: true } })).status).toBe(400);
    expect((await call('POST', `/interactions/${it.id}/${it.token}/callback`, { type: 4, data: {} })).body).toMatchObject({ code: 50006 });
    expect((await call('POST', `/interactions/${it.id}/${it.token}/callback`, { type: 4, data: { content: 'hi', flags: 64 } })).status).toBe(204);
    expect((await call('POST', `/interactions/${it.id}/${it.token}/callback`, { type: 4, data: { content: 'again' } })).body).toMatchObject({ code: 40060 });
    expect((await call('POST', `/webhooks/999/${it.token}`, { content: 'wrong app' })).body).toMatchObject({ code: 10015 });

    const v = await fake.violations();
    expect(v.map((x) => x.kind)).toEqual(['invalid_body', 'invalid_body', 'interaction', 'invalid_path']);
    expect(v[0]?.issues).toEqual([expect.objectContaining({ path: 'data.ephemeral', code: 'UNKNOWN_FIELD' })]);
  });

  it('rejects a late initial callback', async () => {
    const it = await fake.newInteraction({ ageMs: 3500 });
    expect((await call('POST', `/interactions/${it.id}/${it.token}/callback`, { type: 5 })).body).toMatchObject({ code: 10062, message: 'Unknown interaction' });
    expect((await fake.violations())[0]?.reason).toMatch(/3000 ms/);
  });

  it('accepts webhook calls for interactions acknowledged in the HTTP response, and adopts the application id', async () => {
    const loose = await FakeDiscord.create(server.url);
    const base = loose.apiBase;
    const patch = await fetch(`${base}/webhooks/1100000000000000002/tok-1/messages/@original`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'user-agent': UA },
      body: JSON.stringify({ content: 'late answer', allowed_mentions: { parse: [] } }),
    });
    expect(patch.status).toBe(200);
    expect((await loose.interactionResponses('tok-1'))?.original?.content).toBe('late answer');
    await loose.assertNoViolations();
    // The first application id used is adopted; another one is a violation.
    const other = await fetch(`${base}/webhooks/1100000000000000003/tok-2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': UA },
      body: JSON.stringify({ content: 'x' }),
    });
    expect(other.status).toBe(404);
    expect((await loose.violations())[0]?.reason).toMatch(/not the bot's application id 1100000000000000002/);
  });

  it('validates and records the interaction response the bot returned over HTTP', async () => {
    const it = await fake.newInteraction({ channelId: g.channels.general });
    expect(await fake.recordInteractionResponse(it, { type: 4, data: { content: 'Welcome!' } })).toEqual({ status: 204, body: null });
    const rec = await fake.interactionResponses(it.token);
    expect(rec?.callback).toEqual({ type: 4, data: { content: 'Welcome!' } });
    expect(rec?.original?.content).toBe('Welcome!');
    const [recorded] = await fake.calls({ route: '/interactions/{interaction_id}/{interaction_token}/callback' });
    expect(recorded?.headers['x-fake-discord-source']).toBe('http-response');
    await fake.assertNoViolations();

    const bad = await fake.newInteraction();
    expect((await fake.recordInteractionResponse(bad, { type: 4, data: { content: 'x'.repeat(2001) } })).status).toBe(400);
    expect((await fake.violations())[0]).toMatchObject({ kind: 'invalid_body', issues: [{ path: 'data.content' }] });
  });

  it('validates modals and autocomplete callbacks against the spec', async () => {
    const a = await fake.newInteraction();
    const modal = {
      type: 9,
      data: { custom_id: 'appeal', title: 'Appeal', components: [{ type: 1, components: [{ type: 4, custom_id: 'why', style: 2, label: 'Why?' }] }] },
    };
    expect((await call('POST', `/interactions/${a.id}/${a.token}/callback`, modal)).status).toBe(204);
    const b = await fake.newInteraction();
    expect((await call('POST', `/interactions/${b.id}/${b.token}/callback`, { type: 9, data: { custom_id: 'appeal', title: 'x'.repeat(46), components: [] } })).status).toBe(400);
    const c = await fake.newInteraction();
    expect((await call('POST', `/interactions/${c.id}/${c.token}/callback`, { type: 8, data: { choices: [{ name: 'one', value: '1' }] } })).status).toBe(204);
    expect((await call('POST', `/interactions/${c.id}/x/callback`, { type: 3 })).status).toBe(400);
    const v = await fake.violations();
    expect(v.map((x) => x.issues.map((i) => i.path))).toEqual([expect.arrayContaining(['data.title', 'data.components']), ['type']]);
  });
});

describe('application commands', () => {
  const commands = [
    { name: 'ban', description: 'Ban a member', default_member_permissions: '4', options: [{ type: 6, name: 'user', description: 'Who', required: true }] },
    { name: 'Report message', type: 3 },
  ];

  it('bulk-overwrites global and guild commands with stable ids', async () => {
    const first = await call<APIApplicationCommand[]>('PUT', `/applications/${fake.applicationId}/commands`, commands, true);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject([
      { name: 'ban', type: 1, application_id: fake.applicationId, default_member_permissions: '4', description: 'Ban a member' },
      { name: 'Report message', type: 3, description: '' },
    ]);
    const second = await call<APIApplicationCommand[]>('PUT', `/applications/${fake.applicationId}/commands`, commands.slice(0, 1), true);
    expect(second.body[0]?.id).toBe(first.body[0]?.id);
    expect((await call<APIApplicationCommand[]>('GET', `/applications/${fake.applicationId}/commands`, undefined, true)).body.map((c) => c.name)).toEqual(['ban']);
    expect((await fake.commands()).map((c) => c.name)).toEqual(['ban']);

    const guild = await call<APIApplicationCommand[]>('PUT', `/applications/${fake.applicationId}/guilds/${g.guildId}/commands`, commands, true);
    expect(guild.body.every((c) => c.guild_id === g.guildId)).toBe(true);
    expect(await fake.commands(g.guildId)).toHaveLength(2);
    await fake.assertNoViolations();
  });

  it('flags invalid commands and a foreign application id', async () => {
    const bad = [
      { name: 'Ban', description: 'upper case' },
      { name: 'kick', description: '' },
      { name: 'warn', description: 'ok', options: [{ type: 3, name: 'note', description: 'n' }, { type: 6, name: 'user', description: 'u', required: true }] },
      { name: 'warn', description: 'dup' },
    ];
    const res = await call<{ code: number }>('PUT', `/applications/${fake.applicationId}/commands`, bad, true);
    expect(res).toMatchObject({ status: 400, body: { code: 50035 } });
    const [v] = await fake.violations();
    expect(v?.issues.map((i) => `${i.path}:${i.code}`)).toEqual([
      '0.name:APPLICATION_COMMAND_INVALID_NAME',
      '1.description:BASE_TYPE_REQUIRED',
      '2.options.1.required:APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
      '3.name:APPLICATION_COMMANDS_DUPLICATE_NAME',
    ]);
    expect((await call('PUT', '/applications/42/commands', [], true)).body).toMatchObject({ code: 50001 });
    expect((await fake.violations()).map((x) => x.kind)).toEqual(['invalid_body', 'invalid_path']);
  });
});

describe('route table', () => {
  it('only contains routes from Discord\'s spec', () => {
    expect(ROUTES.length).toBeGreaterThan(30);
    const bogus = route()({ method: 'GET', path: '/guilds/{guild_id}' as const, auth: 'bot', handler: () => ({ status: 200 }) });
    expect(() => compileRoutes([{ ...bogus, path: '/guilds/{guild_id}/vibes' }])).toThrow(/not in Discord's OpenAPI spec/);
    expect(() => compileRoutes([{ ...bogus, method: 'POST' }])).toThrow(/POST \/guilds\/\{guild_id\} is not in Discord's OpenAPI spec/);
  });
});
