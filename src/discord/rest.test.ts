import { describe, expect, it } from 'vitest';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { fakeDiscord } from '../testing/harness';
import { createDiscord, DiscordApiError, describeDiscordError, RateLimitedError } from '.';

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
