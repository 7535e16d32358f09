import { describe, expect, it, vi } from 'vitest';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { fakeDiscord } from '../testing/harness';
import { createDiscord, DiscordApiError, DiscordNetworkError, describeDiscordError, InvalidRequestGuard, InvalidRequestLimitError, messageNonce, RateLimitedError } from '.';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setup() {
  const { fake, env } = await fakeDiscord();
  const seeded = await fake.seedGuild({ roles: [{ name: 'Member' }], channels: [{ name: 'general' }] });
  const userId = await fake.addMember(seeded.guildId, { username: 'alice' });
  return { fake, env, seeded, userId, discord: createDiscord(env) };
}

describe('Discord REST client', () => {
  it('sends Bot auth, the audit-log reason and a JSON body, and parses the answer', async () => {
    const { fake, seeded, discord } = await setup();
    const message = await discord.channels.createMessage(seeded.channels.general!, { content: 'hello', allowed_mentions: { parse: [] } });
    expect(message.id).toMatch(/^\d{17,20}$/);
    expect(message.content).toBe('hello');
    await discord.members.kick(seeded.guildId, await fake.addMember(seeded.guildId), 'spam: repeated links');
    const [post] = await fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' });
    expect(post!.headers.authorization).toBe('Bot test-bot-token');
    const [kick] = await fake.calls({ method: 'DELETE', route: '/guilds/{guild_id}/members/{user_id}' });
    expect(kick!.reason).toBe('spam: repeated links');
    await fake.assertNoViolations();
  });

  it('honours 429 retry_after and retries, within a bound', async () => {
    const { fake, seeded, discord } = await setup();
    await fake.failNext({ route: '/channels/{channel_id}/messages', status: 429, retryAfter: 0.05, times: 2 });
    const started = Date.now();
    const message = await discord.channels.createMessage(seeded.channels.general!, { content: 'third time lucky' });
    expect(message.content).toBe('third time lucky');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(await fake.calls({ route: '/channels/{channel_id}/messages' })).toHaveLength(3);

    await fake.failNext({ route: '/channels/{channel_id}/messages', status: 429, retryAfter: 0.01, times: 10 });
    await expect(discord.channels.createMessage(seeded.channels.general!, { content: 'never' })).rejects.toBeInstanceOf(RateLimitedError);
    expect(await fake.calls({ route: '/channels/{channel_id}/messages' })).toHaveLength(3 + 4);
  });

  it('maps 50013 to a typed error with a clear sentence', async () => {
    const { fake, seeded, userId, discord } = await setup();
    await fake.failNext({ route: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', status: 403, code: RESTJSONErrorCodes.MissingPermissions, message: 'Missing Permissions' });
    const error = await discord.members.addRole(seeded.guildId, userId, seeded.roles.Member!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordApiError);
    expect((error as DiscordApiError).isMissingPermissions).toBe(true);
    expect((error as DiscordApiError).status).toBe(403);
    expect(describeDiscordError(error as DiscordApiError, 'give that role')).toBe(
      "I can't give that role: I'm missing a permission, or my highest role is below the target's.",
    );
  });

  it("gets 50013 from the role hierarchy, as real Discord answers, and 10007 for a member who left", async () => {
    const { fake, seeded, discord } = await setup();
    const high = await fake.addRole(seeded.guildId, { name: 'Above bot', position: 99 });
    const target = await fake.addMember(seeded.guildId);
    await expect(discord.members.addRole(seeded.guildId, target, high.id)).rejects.toMatchObject({ code: RESTJSONErrorCodes.MissingPermissions });
    await expect(discord.members.get(seeded.guildId, '123456789012345678')).rejects.toMatchObject({ isUnknownMember: true });
  });

  it('waits for an exhausted bucket instead of hammering it', async () => {
    const { fake, seeded, discord } = await setup();
    await fake.setLatency(0);
    const channel = seeded.channels.general!;
    await Promise.all(Array.from({ length: 5 }, (_, i) => discord.channels.createMessage(channel, { content: `m${i}` })));
    expect((await fake.messages(channel)).map((m) => m.content).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });
});

describe('every call is bounded, and retried only when that is safe', () => {
  it('times an attempt out instead of waiting on a hung Discord, and does not repeat it', async () => {
    const { fake, env, seeded } = await setup();
    const discord = createDiscord(env, { timeoutMs: 150 });
    await fake.setLatency(800, { route: '/users/@me' });
    const started = Date.now();
    const error = await discord.users.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordNetworkError);
    expect(error).toMatchObject({ timedOut: true, attempts: 1, route: 'GET /users/@me' });
    expect(Date.now() - started).toBeLessThan(700);

    // A post that timed out may have been applied: it is not sent again.
    await fake.setLatency(800, { route: '/channels/{channel_id}/messages', method: 'POST' });
    await expect(discord.channels.createMessage(seeded.channels.general!, { content: 'slow' })).rejects.toMatchObject({ timedOut: true });
    await sleep(1000);
    expect(await fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).toHaveLength(1);
    expect((await fake.messages(seeded.channels.general!)).map((m) => m.content)).toEqual(['slow']);
  });

  it('retries 5xx answers with backoff for requests safe to repeat, never for a plain POST', async () => {
    const { fake, env, seeded } = await setup();
    const discord = createDiscord(env, { backoffMs: 10 });
    await fake.failNext({ route: '/users/@me', status: 503, times: 2 });
    expect((await discord.users.me()).id).toBe(fake.botUserId);
    expect((await fake.calls({ route: '/users/@me' })).map((c) => c.status)).toEqual([503, 503, 200]);

    await fake.failNext({ route: '/users/@me', status: 502, times: 3 });
    await expect(discord.users.me()).rejects.toMatchObject({ status: 502 });

    const channel = seeded.channels.general!;
    await fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', status: 500 });
    await expect(discord.channels.createMessage(channel, { content: 'plain' })).rejects.toMatchObject({ status: 500 });
    expect(await fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).toHaveLength(1);

    // With nonce + enforce_nonce Discord dedupes the post, so it is retried.
    await fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', status: 500 });
    const nonce = await messageNonce('test', 'retry');
    const posted = await discord.channels.createMessage(channel, { content: 'deduped', nonce, enforce_nonce: true });
    expect(posted.content).toBe('deduped');
    expect(await fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).toHaveLength(3);
    await fake.assertNoViolations();
  });

  it('retries a network error for requests safe to repeat, never for a plain POST', async () => {
    const { fake, env, seeded } = await setup();
    const discord = createDiscord(env, { backoffMs: 10 });
    await fake.failNext({ route: '/users/@me', drop: true });
    expect((await discord.users.me()).id).toBe(fake.botUserId);
    expect((await fake.calls({ route: '/users/@me' })).map((c) => c.status)).toEqual([0, 200]);

    await fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', drop: true });
    await expect(discord.channels.createMessage(seeded.channels.general!, { content: 'lost' })).rejects.toMatchObject({ name: 'DiscordNetworkError', timedOut: false });
    expect(await fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).toHaveLength(1);
  });

  it('counts invalid answers and stops sending at the limit, with one log line', async () => {
    const { fake, env, seeded, userId } = await setup();
    const guard = new InvalidRequestGuard(3);
    const discord = createDiscord(env, { invalidRequests: guard });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      // A shared-scope 429 is not counted (Discord does not count it either).
      await fake.failNext({ route: '/users/@me', status: 429, scope: 'shared', retryAfter: 0.01 });
      await discord.users.me();
      expect(guard.count()).toBe(0);

      await fake.failNext({ route: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', status: 403, times: 3 });
      for (let i = 0; i < 3; i++) await expect(discord.members.addRole(seeded.guildId, userId, seeded.roles.Member!)).rejects.toBeInstanceOf(DiscordApiError);
      expect(guard.count()).toBe(3);

      const refused = await discord.members.addRole(seeded.guildId, userId, seeded.roles.Member!).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InvalidRequestLimitError);
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect((refused as InvalidRequestLimitError).retryAfterMs).toBeGreaterThan(9 * 60_000);
      await expect(discord.users.me()).rejects.toBeInstanceOf(InvalidRequestLimitError);
      expect(await fake.calls({ route: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}' })).toHaveLength(3);
      expect(await fake.calls({ route: '/users/@me' })).toHaveLength(2);
      expect(errors.mock.calls.filter(([line]) => String(line).includes('invalid-request limit'))).toHaveLength(1);
    } finally {
      errors.mockRestore();
    }
  });

  it('names the route template in errors, never the interaction token', async () => {
    const { fake, env } = await setup();
    const { token } = await fake.newInteraction({});
    await fake.failNext({ route: '/webhooks/{webhook_id}/{webhook_token}/messages/@original', status: 404 });
    const error = await createDiscord(env).interactions.editOriginal(token, { content: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordApiError);
    expect(String(error)).toContain('PATCH /webhooks/:id/:token/messages/@original → 404');
    expect(`${String(error)} ${(error as Error).stack} ${JSON.stringify(error)}`).not.toContain(token);
  });
});
