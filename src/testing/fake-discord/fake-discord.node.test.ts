import { PrivateApplicationResponseSchema } from 'discord-api-spec/zod';
import type { APIApplication, APIChannel, APIGuildMember, APIMessage, APIUser, RESTGetAPIGatewayBotResult } from 'discord-api-types/v10';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, FakeDiscordViolationError } from './client.ts';
import { startFakeDiscord, type RunningFakeDiscord } from './server.ts';
import { snowflake, snowflakeTime } from './snowflake.ts';
import type { SeededGuild } from './types.ts';

const TOKEN = 'test-token';
const UA = 'DiscordBot (https://github.com/gatehouse/gatehouse, 0.1.0)';

let server: RunningFakeDiscord;
let fake: FakeDiscord;
let g: SeededGuild;

interface CallResult<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Call the fake's Discord API the way the bot would. */
async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  opts: { headers?: Record<string, string>; auth?: boolean; on?: FakeDiscord } = {},
): Promise<CallResult<T>> {
  const target = opts.on ?? fake;
  const headers: Record<string, string> = { 'user-agent': UA, ...opts.headers };
  if (opts.auth !== false) headers.authorization = `Bot ${TOKEN}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${target.apiBase}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
}

beforeAll(async () => {
  server = await startFakeDiscord();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  fake = await FakeDiscord.create(server.url);
  g = await fake.seedGuild({
    name: 'Gatehouse Test',
    roles: [
      { name: 'Member', position: 1 },
      { name: 'Moderator', position: 2, permissions: ['KickMembers', 'BanMembers'] },
      { name: 'Admin', position: 10, permissions: ['Administrator'] },
    ],
    channels: [{ name: 'general' }, { name: 'mod-log' }],
  });
});

describe('sessions and recording', () => {
  it('gives each session its own api base, state and recordings', async () => {
    const other = await FakeDiscord.create(server.url);
    expect(fake.apiBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/s\/[0-9a-f]+\/api\/v10$/);
    expect(other.apiBase).not.toBe(fake.apiBase);

    const res = await api<APIMessage>('POST', `/channels/${g.channels.general}/messages`, { content: 'hi' });
    expect(res.status).toBe(200);
    expect(await fake.calls()).toHaveLength(1);
    expect(await other.calls()).toHaveLength(0);
    // The other session does not know this channel at all.
    const miss = await api('POST', `/channels/${g.channels.general}/messages`, { content: 'hi' }, { on: other });
    expect(miss).toMatchObject({ status: 404, body: { code: 10003, message: 'Unknown Channel' } });
    await other.dispose();
  });

  it('records method, route template, headers, decoded audit-log reason, body and status', async () => {
    const res = await api<APIMessage>('POST', `/channels/${g.channels['mod-log']}/messages`, { content: 'Banned <@1>' }, {
      headers: { 'x-audit-log-reason': encodeURIComponent('spam – repeated') },
    });
    expect(res.status).toBe(200);
    const [call] = await fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' });
    expect(call).toMatchObject({
      method: 'POST',
      path: `/channels/${g.channels['mod-log']}/messages`,
      route: '/channels/{channel_id}/messages',
      params: { channel_id: g.channels['mod-log'] },
      reason: 'spam – repeated',
      body: { content: 'Banned <@1>' },
      status: 200,
      injected: false,
    });
    expect(call?.headers.authorization).toBe(`Bot ${TOKEN}`);
    expect(call?.headers['x-audit-log-reason']).toBe(encodeURIComponent('spam – repeated'));
    // Parameter names do not matter when filtering.
    expect(await fake.calls({ route: '/channels/{id}/messages' })).toHaveLength(1);
    expect(await fake.calls({ method: 'GET' })).toHaveLength(0);
  });

  it('answers realistic bodies: snowflake ids from the current time, rate-limit headers', async () => {
    const before = Date.now();
    const res = await api<APIMessage>('POST', `/channels/${g.channels.general}/messages`, { content: 'hello', embeds: [{ title: 'T' }] });
    expect(res.body.id).toMatch(/^\d{18,20}$/);
    expect(snowflakeTime(res.body.id)).toBeGreaterThanOrEqual(before - 5);
    expect(snowflakeTime(res.body.id)).toBeLessThanOrEqual(Date.now() + 5);
    expect(res.body.author.id).toBe(fake.botUserId);
    expect(res.body.author.bot).toBe(true);
    expect(res.body.embeds[0]).toMatchObject({ type: 'rich', title: 'T' });
    expect(res.body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(res.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{16}$/);
    expect(res.headers.get('x-ratelimit-limit')).toBe('50');
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBe(49);
    expect(Number(res.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(0);
    expect((await fake.messages(g.channels.general ?? '')).map((m) => m.content)).toEqual(['hello']);
  });

  it('reset() clears state and recordings but keeps the session', async () => {
    await api('GET', `/guilds/${g.guildId}`);
    await fake.reset();
    expect(await fake.calls()).toEqual([]);
    expect(await api('GET', `/guilds/${g.guildId}`)).toMatchObject({ status: 404, body: { code: 10004 } });
  });
});

describe('violations', () => {
  it('flags an unknown route, a wrong method and a Discord route the fake lacks', async () => {
    expect(await api('GET', '/channels/1/not-a-thing')).toMatchObject({ status: 404, body: { code: 0, message: '404: Not Found' } });
    expect(await api('PUT', `/channels/${g.channels.general}/messages`, { content: 'x' })).toMatchObject({ status: 405 });
    expect((await api('GET', `/guilds/${g.guildId}/audit-logs`)).status).toBe(501);
    const v = await fake.violations();
    expect(v.map((x) => x.kind)).toEqual(['unknown_route', 'method_not_allowed', 'unimplemented']);
    expect(v[1]?.route).toBe('/channels/{channel_id}/messages');
    expect(v[2]?.route).toBe('/guilds/{guild_id}/audit-logs');
    // Unknown routes are recorded as calls too.
    expect((await fake.calls()).map((c) => c.status)).toEqual([404, 405, 501]);
  });

  it('flags a body that breaks Discord limits with a 50035 error tree', async () => {
    const res = await api<{ code: number; errors: Record<string, unknown> }>('POST', `/channels/${g.channels.general}/messages`, {
      content: 'x'.repeat(2001),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 50035, message: 'Invalid Form Body', errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
    const [v] = await fake.violations();
    expect(v).toMatchObject({ kind: 'invalid_body', route: '/channels/{channel_id}/messages', issues: [{ path: 'content', code: 'BASE_TYPE_MAX_LENGTH' }] });
    await expect(fake.assertNoViolations()).rejects.toThrow(FakeDiscordViolationError);
    await expect(fake.assertNoViolations()).rejects.toThrow(/\[invalid_body\] POST \/channels\/\d+\/messages[\s\S]*content \[BASE_TYPE_MAX_LENGTH\] Must be 2000 or fewer/);
    expect(await fake.messages(g.channels.general ?? '')).toEqual([]);
  });

  it('checks embeds, components, unknown fields and empty messages', async () => {
    const ch = g.channels.general;
    const field = { name: 'n', value: 'v'.repeat(1000) };
    const bigEmbed = { title: 't', fields: Array.from({ length: 7 }, () => field) };
    const row = { type: 1, components: [{ type: 2, style: 1, label: 'a', custom_id: 'dup' }] };
    const cases: [unknown, string][] = [
      [{ embeds: [bigEmbed] }, 'MAX_EMBED_SIZE_EXCEEDED'],
      [{ embeds: [{ title: 'x'.repeat(257) }] }, 'BASE_TYPE_MAX_LENGTH'],
      [{ embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: 'a', value: 'b' })) }] }, 'BASE_TYPE_MAX_LENGTH'],
      [{ components: Array.from({ length: 6 }, (_, i) => ({ type: 1, components: [{ type: 2, style: 1, label: 'a', custom_id: `c${i}` }] })) }, 'BASE_TYPE_MAX_LENGTH'],
      [{ components: [row, row] }, 'COMPONENT_CUSTOM_ID_DUPLICATED'],
      [{ components: [{ type: 1, components: [{ type: 2, style: 1, label: 'a', custom_id: 'x'.repeat(101) }] }] }, 'BASE_TYPE_MAX_LENGTH'],
      [{ content: 'hi', embed: { title: 'singular' } }, 'UNKNOWN_FIELD'],
      [{}, 'MESSAGE_EMPTY'],
    ];
    for (const [body, code] of cases) {
      await fake.clearCalls();
      const res = await api('POST', `/channels/${ch}/messages`, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const [v] = await fake.violations();
      expect(v?.issues.map((i) => i.code), JSON.stringify(body).slice(0, 80)).toContain(code);
    }
    await fake.clearCalls();
    expect((await api('POST', `/channels/${ch}/messages`, {})).body).toMatchObject({ code: 50006, message: 'Cannot send an empty message' });
  });

  it('flags missing auth, a non-snowflake id, a bad query and a missing User-Agent', async () => {
    expect(await api('GET', '/users/@me', undefined, { auth: false })).toMatchObject({ status: 401, body: { message: '401: Unauthorized' } });
    expect(await api('GET', '/channels/undefined/messages')).toMatchObject({ status: 400, body: { code: 50035, errors: { channel_id: { _errors: [{ code: 'NUMBER_TYPE_COERCE' }] } } } });
    expect((await api('GET', `/channels/${g.channels.general}/messages?limit=101`)).status).toBe(400);
    const res = await fetch(`${fake.apiBase}/users/@me`, { headers: { authorization: `Bot ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect((await fake.violations()).map((v) => v.kind)).toEqual(['unauthorized', 'invalid_path', 'invalid_query', 'user_agent']);
  });

  it('flags an API base without /v10', async () => {
    const res = await fetch(fake.apiBase.replace('/v10', '/v9') + '/users/@me', { headers: { authorization: `Bot ${TOKEN}`, 'user-agent': UA } });
    expect(res.status).toBe(404);
    expect((await fake.violations())[0]?.reason).toMatch(/must end in \/api\/v10/);
  });
});

describe('failure injection and latency', () => {
  it('answers 429 with retry_after, Retry-After and X-RateLimit-* headers, once', async () => {
    await fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', status: 429, retryAfter: 2.5 });
    const limited = await api<{ retry_after: number; global: boolean; message: string }>('POST', `/channels/${g.channels.general}/messages`, { content: 'a' });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ retry_after: 2.5, global: false, message: 'You are being rate limited.' });
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset-after')).toBe('2.500');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    expect(limited.headers.get('x-ratelimit-bucket')).toBeTruthy();
    const ok = await api('POST', `/channels/${g.channels.general}/messages`, { content: 'a' });
    expect(ok.status).toBe(200);
    const calls = await fake.calls();
    expect(calls.map((c) => [c.status, c.injected])).toEqual([
      [429, true],
      [200, false],
    ]);
    expect(await fake.messages(g.channels.general ?? '')).toHaveLength(1);
  });

  it('injects 403 50013 and route-appropriate 404s, `times` times, only on matching routes', async () => {
    const user = await fake.addMember(g.guildId);
    await fake.failNext({ route: '/guilds/{guild_id}/members/{user_id}', method: 'GET', status: 404, times: 2 });
    await fake.failNext({ route: '/channels/{channel_id}/messages', status: 403 });
    expect((await api('GET', `/guilds/${g.guildId}/roles`)).status).toBe(200);
    expect(await api('GET', `/guilds/${g.guildId}/members/${user}`)).toMatchObject({ status: 404, body: { code: 10007, message: 'Unknown Member' } });
    expect(await api('GET', `/guilds/${g.guildId}/members/${user}`)).toMatchObject({ status: 404, body: { code: 10007 } });
    expect((await api('GET', `/guilds/${g.guildId}/members/${user}`)).status).toBe(200);
    expect(await api('POST', `/channels/${g.channels.general}/messages`, { content: 'x' })).toMatchObject({ status: 403, body: { code: 50013, message: 'Missing Permissions' } });
    await fake.failNext({ route: '/channels/{channel_id}/messages/{message_id}', status: 404 });
    expect((await api('GET', `/channels/${g.channels.general}/messages/${snowflake()}`)).body).toMatchObject({ code: 10008, message: 'Unknown Message' });
    await fake.failNext({ route: '/channels/{channel_id}', status: 404 });
    expect((await api('GET', `/channels/${g.channels.general}`)).body).toMatchObject({ code: 10003 });
    await fake.assertNoViolations();
  });

  it('drops the connection without applying the request (a network error)', async () => {
    await fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', drop: true });
    await expect(api('POST', `/channels/${g.channels.general}/messages`, { content: 'lost' })).rejects.toThrow();
    expect((await fake.calls()).map((c) => [c.status, c.injected])).toEqual([[0, true]]);
    expect(await fake.messages(g.channels.general ?? '')).toHaveLength(0);
  });

  it('marks an injected 429 with the scope asked for', async () => {
    await fake.failNext({ route: '/users/@me', status: 429, scope: 'shared', retryAfter: 0.1 });
    expect((await api('GET', '/users/@me')).headers.get('x-ratelimit-scope')).toBe('shared');
  });

  it('delays responses', async () => {
    await fake.setLatency(150, { route: '/users/@me' });
    let t = Date.now();
    await api('GET', '/users/@me');
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    t = Date.now();
    await api('GET', `/guilds/${g.guildId}`);
    expect(Date.now() - t).toBeLessThan(140);
    await fake.setLatency(0);
    t = Date.now();
    await api('GET', '/users/@me');
    expect(Date.now() - t).toBeLessThan(140);
  });
});

describe('enforce_nonce', () => {
  it('returns the first message for a repeated nonce from the same author, as Discord does', async () => {
    const channel = g.channels.general ?? '';
    const first = await api<APIMessage>('POST', `/channels/${channel}/messages`, { content: 'once', nonce: 'n-1', enforce_nonce: true });
    const again = await api<APIMessage>('POST', `/channels/${channel}/messages`, { content: 'once', nonce: 'n-1', enforce_nonce: true });
    expect(first.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(first.body.nonce).toBe('n-1');
    // Without enforce_nonce the nonce is only echoed; a new message is created.
    const loose = await api<APIMessage>('POST', `/channels/${channel}/messages`, { content: 'twice', nonce: 'n-1' });
    expect(loose.body.id).not.toBe(first.body.id);
    expect((await fake.messages(channel)).map((m) => m.content)).toEqual(['once', 'twice']);
    await fake.assertNoViolations();
  });
});

describe('guild state and Discord rules', () => {
  it('seeds a guild Discord-style', async () => {
    expect(g.everyoneRoleId).toBe(g.guildId);
    const roles = (await api<{ id: string; name: string; position: number; managed: boolean }[]>('GET', `/guilds/${g.guildId}/roles`)).body;
    expect(roles.map((r) => r.name)).toEqual(['@everyone', 'Member', 'Moderator', 'Admin', 'Gatehouse']);
    expect(roles.find((r) => r.id === g.botRoleId)).toMatchObject({ managed: true, position: 11 });
    const channels = (await api<APIChannel[]>('GET', `/guilds/${g.guildId}/channels`)).body;
    expect(channels.map((c) => c.name)).toEqual(['general', 'mod-log']);
    const me = await fake.member(g.guildId, fake.botUserId);
    expect(me?.roles).toEqual([g.botRoleId]);
    expect((await api('GET', `/guilds/${g.guildId}`)).body).toMatchObject({ id: g.guildId, owner_id: g.ownerId, name: 'Gatehouse Test' });
  });

  it('adds and removes roles, visible in GET member; refuses roles at/above the bot with 50013', async () => {
    const user = await fake.addMember(g.guildId, { username: 'newbie', avatar: null });
    expect((await api('PUT', `/guilds/${g.guildId}/members/${user}/roles/${g.roles.Member}`)).status).toBe(204);
    const member = await api<APIGuildMember>('GET', `/guilds/${g.guildId}/members/${user}`);
    expect(member.body.roles).toEqual([g.roles.Member]);
    expect(member.body.user).toMatchObject({ id: user, username: 'newbie', avatar: null, discriminator: '0' });

    expect(await api('PUT', `/guilds/${g.guildId}/members/${user}/roles/${g.botRoleId}`)).toMatchObject({ status: 403, body: { code: 50013 } });
    const high = await fake.addRole(g.guildId, { name: 'Above bot', position: 20 });
    expect((await api('PUT', `/guilds/${g.guildId}/members/${user}/roles/${high.id}`)).status).toBe(403);
    expect((await api('DELETE', `/guilds/${g.guildId}/members/${user}/roles/${g.roles.Member}`)).status).toBe(204);
    expect((await fake.member(g.guildId, user))?.roles).toEqual([]);
    expect(await api('PUT', `/guilds/${g.guildId}/members/${user}/roles/${snowflake()}`)).toMatchObject({ status: 404, body: { code: 10011 } });
    expect(await api('GET', `/guilds/${g.guildId}/members/${snowflake()}`)).toMatchObject({ status: 404, body: { code: 10007, message: 'Unknown Member' } });
    // PATCH roles obeys the same rule.
    expect((await api('PATCH', `/guilds/${g.guildId}/members/${user}`, { roles: [high.id] })).status).toBe(403);
    expect((await api<APIGuildMember>('PATCH', `/guilds/${g.guildId}/members/${user}`, { roles: [g.roles.Member, g.roles.Moderator] })).body.roles).toEqual([
      g.roles.Member,
      g.roles.Moderator,
    ]);
    await fake.assertNoViolations();
  });

  it('kicks, bans and times out only members below the bot', async () => {
    const above = await fake.addRole(g.guildId, { name: 'Senior staff', position: 20 });
    const pleb = await fake.addMember(g.guildId, { roles: ['Member'] });
    const boss = await fake.addMember(g.guildId, { roles: [above.id] });
    const peer = await fake.addMember(g.guildId, { roles: [g.botRoleId] });
    const admin = await fake.addMember(g.guildId, { roles: ['Admin'] });

    expect(await api('DELETE', `/guilds/${g.guildId}/members/${boss}`)).toMatchObject({ status: 403, body: { code: 50013 } });
    expect((await api('DELETE', `/guilds/${g.guildId}/members/${peer}`)).status).toBe(403);
    expect((await api('DELETE', `/guilds/${g.guildId}/members/${g.ownerId}`)).status).toBe(403);
    expect((await api('PUT', `/guilds/${g.guildId}/bans/${boss}`, {})).status).toBe(403);
    const until = new Date(Date.now() + 3600_000).toISOString();
    expect((await api('PATCH', `/guilds/${g.guildId}/members/${boss}`, { communication_disabled_until: until })).status).toBe(403);
    // Administrators cannot be timed out even below the bot, but can be kicked.
    expect((await api('PATCH', `/guilds/${g.guildId}/members/${admin}`, { communication_disabled_until: until })).status).toBe(403);
    expect((await api('DELETE', `/guilds/${g.guildId}/members/${admin}`)).status).toBe(204);

    expect((await api<APIGuildMember>('PATCH', `/guilds/${g.guildId}/members/${pleb}`, { communication_disabled_until: until })).body.communication_disabled_until).toBe(until);
    expect((await fake.member(g.guildId, pleb))?.communication_disabled_until).toBe(until);
    expect((await api('DELETE', `/guilds/${g.guildId}/members/${pleb}`)).status).toBe(204);
    expect(await fake.member(g.guildId, pleb)).toBeNull();
    expect(await api('DELETE', `/guilds/${g.guildId}/members/${pleb}`)).toMatchObject({ status: 404, body: { code: 10007 } });
    await fake.assertNoViolations();
  });

  it('refuses a timeout more than 28 days ahead (400 + violation)', async () => {
    const user = await fake.addMember(g.guildId);
    const until = new Date(Date.now() + 29 * 86400_000).toISOString();
    const res = await api('PATCH', `/guilds/${g.guildId}/members/${user}`, { communication_disabled_until: until });
    expect(res).toMatchObject({ status: 400, body: { code: 50035, errors: { communication_disabled_until: { _errors: [{ code: 'BASE_TYPE_BAD_TIMEOUT' }] } } } });
    expect((await fake.violations())[0]).toMatchObject({ kind: 'invalid_body', reason: expect.stringMatching(/28 days/) });
    expect((await fake.member(g.guildId, user))?.communication_disabled_until).toBeNull();
  });

  it('bans (removing the member and their recent messages) and unbans', async () => {
    const user = await fake.addMember(g.guildId, { roles: ['Member'] });
    const keep = await fake.seedMessage(g.channels.general ?? '', { authorId: user, content: 'old', timestamp: Date.now() - 3 * 86400_000 });
    await fake.seedMessage(g.channels.general ?? '', { authorId: user, content: 'spam' });
    const res = await api('PUT', `/guilds/${g.guildId}/bans/${user}`, { delete_message_seconds: 3600 }, { headers: { 'x-audit-log-reason': 'raid' } });
    expect(res.status).toBe(204);
    expect(await fake.member(g.guildId, user)).toBeNull();
    expect((await fake.bans(g.guildId)).map((b) => [b.user.id, b.reason])).toEqual([[user, 'raid']]);
    expect((await fake.messages(g.channels.general ?? '')).map((m) => m.id)).toEqual([keep.id]);
    expect((await api('GET', `/guilds/${g.guildId}/bans/${user}`)).body).toMatchObject({ reason: 'raid', user: { id: user } });
    expect((await api('DELETE', `/guilds/${g.guildId}/bans/${user}`)).status).toBe(204);
    expect(await api('DELETE', `/guilds/${g.guildId}/bans/${user}`)).toMatchObject({ status: 404, body: { code: 10026, message: 'Unknown Ban' } });
    expect((await api('PUT', `/guilds/${g.guildId}/bans/${user}`, { delete_message_seconds: 604801 })).status).toBe(400);
    expect((await fake.violations()).map((v) => v.kind)).toEqual(['invalid_body']);
  });

  it('lists members with limit/after', async () => {
    await fake.addMember(g.guildId);
    await fake.addMember(g.guildId);
    const all = (await api<APIGuildMember[]>('GET', `/guilds/${g.guildId}/members?limit=1000`)).body;
    expect(all).toHaveLength(4); // owner, bot, two members
    const ids = all.map((m) => m.user.id);
    expect([...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))).toEqual(ids);
    const page = (await api<APIGuildMember[]>('GET', `/guilds/${g.guildId}/members?limit=2&after=${ids[1]}`)).body;
    expect(page.map((m) => m.user.id)).toEqual(ids.slice(2, 4));
    expect((await api<APIGuildMember[]>('GET', `/guilds/${g.guildId}/members`)).body).toHaveLength(1);
  });
});

describe('messages', () => {
  it('gets, edits, lists and deletes messages', async () => {
    const ch = g.channels.general ?? '';
    const other = await fake.seedMessage(ch, { content: 'from a user' });
    const mine = (await api<APIMessage>('POST', `/channels/${ch}/messages`, { content: 'v1' })).body;
    expect((await api<APIMessage>('PATCH', `/channels/${ch}/messages/${mine.id}`, { content: 'v2' })).body).toMatchObject({ content: 'v2', edited_timestamp: expect.any(String) });
    expect((await api<APIMessage>('GET', `/channels/${ch}/messages/${mine.id}`)).body.content).toBe('v2');
    expect(await api('PATCH', `/channels/${ch}/messages/${other.id}`, { content: 'hijack' })).toMatchObject({ status: 403, body: { code: 50005 } });
    const list = (await api<APIMessage[]>('GET', `/channels/${ch}/messages?limit=10`)).body;
    expect(list.map((m) => m.id)).toEqual([mine.id, other.id]);
    expect((await api<APIMessage[]>('GET', `/channels/${ch}/messages?before=${mine.id}`)).body.map((m) => m.id)).toEqual([other.id]);
    expect((await api('DELETE', `/channels/${ch}/messages/${other.id}`)).status).toBe(204);
    expect(await api('GET', `/channels/${ch}/messages/${other.id}`)).toMatchObject({ status: 404, body: { code: 10008 } });
    await fake.assertNoViolations();
  });

  it('accepts multipart bodies (payload_json + files)', async () => {
    const form = new FormData();
    form.set('payload_json', JSON.stringify({ content: 'see file', attachments: [{ id: 0, filename: 'report.txt', description: 'the report' }] }));
    form.set('files[0]', new Blob(['hello world'], { type: 'text/plain' }), 'report.txt');
    const res = await fetch(`${fake.apiBase}/channels/${g.channels.general}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${TOKEN}`, 'user-agent': UA },
      body: form,
    });
    expect(res.status).toBe(200);
    const msg = (await res.json()) as APIMessage;
    expect(msg.attachments).toMatchObject([{ filename: 'report.txt', size: 11, content_type: 'text/plain', description: 'the report' }]);
    const [call] = await fake.calls();
    expect(call?.body).toMatchObject({ content: 'see file' });
    expect(call?.files).toEqual([{ field: 'files[0]', filename: 'report.txt', contentType: 'text/plain', size: 11 }]);
    await fake.assertNoViolations();
  });

  it('bulk-deletes 2-100 recent messages and refuses old ones with 50034', async () => {
    const ch = g.channels.general ?? '';
    const a = await fake.seedMessage(ch);
    const b = await fake.seedMessage(ch);
    const old = await fake.seedMessage(ch, { timestamp: Date.now() - 15 * 86400_000 });
    expect(await api('POST', `/channels/${ch}/messages/bulk-delete`, { messages: [a.id, old.id] })).toMatchObject({
      status: 400,
      body: { code: 50034, message: 'You can only bulk delete messages that are under 14 days old.' },
    });
    expect(await fake.violations()).toEqual([]);
    expect((await api('POST', `/channels/${ch}/messages/bulk-delete`, { messages: [a.id] })).status).toBe(400);
    expect((await fake.violations()).map((v) => v.kind)).toEqual(['invalid_body']);
    expect((await api('POST', `/channels/${ch}/messages/bulk-delete`, { messages: [a.id, b.id] })).status).toBe(204);
    expect((await fake.messages(ch)).map((m) => m.id)).toEqual([old.id]);
  });

  it('opens stable DM channels and refuses DMs to users who closed them (50007)', async () => {
    const open = await fake.addUser({ username: 'reachable' });
    const closed = await fake.addUser({ dmsClosed: true });
    const dm1 = (await api<APIChannel>('POST', '/users/@me/channels', { recipient_id: open.id })).body;
    const dm2 = (await api<APIChannel>('POST', '/users/@me/channels', { recipient_id: open.id })).body;
    expect(dm1.id).toBe(dm2.id);
    expect(dm1).toMatchObject({ type: 1, recipients: [{ id: open.id }] });
    expect((await api('POST', `/channels/${dm1.id}/messages`, { content: 'welcome!' })).status).toBe(200);
    expect((await fake.dms(open.id)).map((m) => m.content)).toEqual(['welcome!']);

    const dm3 = (await api<APIChannel>('POST', '/users/@me/channels', { recipient_id: closed.id })).body;
    expect(await api('POST', `/channels/${dm3.id}/messages`, { content: 'hi' })).toMatchObject({ status: 403, body: { code: 50007, message: 'Cannot send messages to this user' } });
    await fake.updateUser(open.id, { dmsClosed: true });
    expect((await api('POST', `/channels/${dm1.id}/messages`, { content: 'again' })).status).toBe(403);
    expect(await api('POST', '/users/@me/channels', { recipient_id: snowflake() })).toMatchObject({ status: 400, body: { code: 50033 } });
    await fake.assertNoViolations();
  });

  it('serves users and the gateway', async () => {
    expect((await api<APIUser>('GET', '/users/@me')).body).toMatchObject({ id: fake.botUserId, bot: true, username: 'Gatehouse' });
    expect((await api<APIUser>('GET', `/users/${g.ownerId}`)).body.id).toBe(g.ownerId);
    expect(await api('GET', `/users/${snowflake()}`)).toMatchObject({ status: 404, body: { code: 10013 } });
    expect((await api<RESTGetAPIGatewayBotResult>('GET', '/gateway/bot')).body).toMatchObject({ url: 'ws://127.0.0.1:0/', shards: 1 });
    await fake.setGatewayUrl('ws://127.0.0.1:9999/', 2);
    expect((await api<RESTGetAPIGatewayBotResult>('GET', '/gateway/bot')).body).toEqual({
      url: 'ws://127.0.0.1:9999/',
      shards: 2,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    });
  });
});

describe('the bot application (GET /oauth2/applications/@me)', () => {
  it('answers with its owner, in the shape Discord\'s spec gives the response', async () => {
    const res = await api<APIApplication>('GET', '/oauth2/applications/@me');
    expect(res.status).toBe(200);
    expect(PrivateApplicationResponseSchema.safeParse(res.body).error).toBeUndefined();
    expect(res.body).toMatchObject({ id: fake.applicationId, owner: { id: fake.ownerId }, team: null, bot: { id: fake.botUserId } });
    await fake.assertNoViolations();
  });

  it('names the chosen owner, or a team with its owner and members by role', async () => {
    const solo = await FakeDiscord.create(server.url, { ownerId: '1200000000000000001' });
    expect((await api<APIApplication>('GET', '/oauth2/applications/@me', undefined, { on: solo })).body.owner?.id).toBe('1200000000000000001');
    const teamed = await FakeDiscord.create(server.url, { team: { ownerId: '1200000000000000002', admins: ['1200000000000000003'], developers: ['1200000000000000004'] } });
    const res = await api<APIApplication>('GET', '/oauth2/applications/@me', undefined, { on: teamed });
    expect(PrivateApplicationResponseSchema.safeParse(res.body).error).toBeUndefined();
    expect(res.body.team?.owner_user_id).toBe('1200000000000000002');
    expect(res.body.team?.members.map((m) => [m.user.id, m.role])).toEqual([
      ['1200000000000000002', 'admin'],
      ['1200000000000000003', 'admin'],
      ['1200000000000000004', 'developer'],
    ]);
    expect(await api('GET', '/oauth2/applications/@me', undefined, { auth: false })).toMatchObject({ status: 401 });
  });
});

describe('rate-limit headers option', () => {
  it('sends X-RateLimit-* headers by default and none when turned off', async () => {
    const servers = [await startFakeDiscord(), await startFakeDiscord({ rateLimitHeaders: false })];
    try {
      const [withHeaders, without] = await Promise.all(
        servers.map(async (server) => {
          const fake = await FakeDiscord.create(server.url);
          const res = await fetch(`${fake.apiBase}/users/@me`, {
            headers: { authorization: 'Bot t', 'user-agent': 'DiscordBot (https://example.com, 1.0)' },
          });
          expect(res.status).toBe(200);
          return [...res.headers.keys()].filter((k) => k.startsWith('x-ratelimit-'));
        }),
      );
      expect(withHeaders).toEqual(expect.arrayContaining(['x-ratelimit-bucket', 'x-ratelimit-remaining', 'x-ratelimit-reset-after']));
      expect(without).toEqual([]);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});
