/**
 * Bot-wide controls belong to the bot's operators: `/gateway` (which can clear a fatal stop
 * for every guild) is refused to a guild administrator who is not one, and allowed to an
 * operator with no standing in the guild. Operators are `BOT_OWNER_IDS`, else the
 * application's owner (or its team's owner and admins) as the fake Discord reports them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { APIInteractionResponseChannelMessageWithSource } from 'discord-api-types/v10';
import { fakeDiscord, send } from '../testing/harness';
import { slashCommand, subcommand, user } from '../testing/interactions';

const OAUTH_APP = { method: 'GET', route: '/oauth2/applications/@me' } as const;

function content(sent: { body: unknown }): string {
  const data = (sent.body as APIInteractionResponseChannelMessageWithSource).data;
  return data?.content ?? data?.embeds?.[0]?.title ?? '';
}

async function gatewayStatus(env: Env, guildId: string, invoker: ReturnType<typeof user>, permissions = '0') {
  return send(slashCommand('gateway', { guildId, user: invoker, permissions, options: [subcommand('status')] }), env);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('operators: BOT_OWNER_IDS', () => {
  it('refuses /gateway to a guild administrator who is not an operator, and allows an operator without any role', async () => {
    const operator = user();
    const { fake, env } = await fakeDiscord({ BOT_OWNER_IDS: `1100000000000000777, ${operator.id}` });
    const g = await fake.seedGuild();
    const admin = user();

    const refused = await gatewayStatus(env, g.guildId, admin, '8');
    expect(content(refused)).toBe("Only the bot's operators can use this.");
    const allowed = await gatewayStatus(env, g.guildId, operator);
    expect(content(allowed)).toMatch(/^Gateway relay: /);
    // A list of ids never asks Discord.
    expect(await fake.calls(OAUTH_APP)).toHaveLength(0);
    await fake.assertNoViolations();
  });
});

describe('operators: the application owner by default', () => {
  it('allows the owner Discord names, refuses a guild administrator, and asks Discord once per isolate', async () => {
    const { fake, env } = await fakeDiscord();
    const g = await fake.seedGuild();
    const owner = user({ id: fake.ownerId });

    expect(content(await gatewayStatus(env, g.guildId, user(), '8'))).toBe("Only the bot's operators can use this.");
    expect(content(await gatewayStatus(env, g.guildId, owner))).toMatch(/^Gateway relay: /);
    expect(content(await gatewayStatus(env, g.guildId, owner))).toMatch(/^Gateway relay: /);
    expect(await fake.calls(OAUTH_APP)).toHaveLength(1);
    await fake.assertNoViolations();
  });

  it("a team's application: the team owner and its admins are operators, its developers are not", async () => {
    const [teamOwner, teamAdmin, developer] = [user(), user(), user()];
    const { fake, env } = await fakeDiscord({}, { team: { ownerId: teamOwner.id, admins: [teamAdmin.id], developers: [developer.id] } });
    const g = await fake.seedGuild();
    expect(content(await gatewayStatus(env, g.guildId, teamOwner))).toMatch(/^Gateway relay: /);
    expect(content(await gatewayStatus(env, g.guildId, teamAdmin))).toMatch(/^Gateway relay: /);
    expect(content(await gatewayStatus(env, g.guildId, developer, '8'))).toBe("Only the bot's operators can use this.");
    // The team's synthetic owner user is nobody.
    expect(content(await gatewayStatus(env, g.guildId, user({ id: fake.ownerId })))).toBe("Only the bot's operators can use this.");
  });

  it('when Discord does not answer, refuses with a clear message and asks again next time', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { fake, env } = await fakeDiscord();
    const g = await fake.seedGuild();
    const owner = user({ id: fake.ownerId });
    await fake.failNext({ route: '/oauth2/applications/@me', status: 500, times: 10 });
    expect(content(await gatewayStatus(env, g.guildId, owner))).toMatch(/couldn't ask Discord who owns this bot.*BOT_OWNER_IDS/);
    await fake.clearFailures();
    expect(content(await gatewayStatus(env, g.guildId, owner))).toMatch(/^Gateway relay: /);
  });

  it('/help lists /gateway to operators only', async () => {
    const { fake, env } = await fakeDiscord();
    const g = await fake.seedGuild();
    const help = async (invoker: ReturnType<typeof user>) => {
      const sent = await send(slashCommand('help', { guildId: g.guildId, user: invoker, permissions: '8' }), env);
      return JSON.stringify((sent.body as APIInteractionResponseChannelMessageWithSource).data?.embeds);
    };
    expect(await help(user({ id: fake.ownerId }))).toContain('/gateway status');
    const admin = await help(user());
    expect(admin).toContain('/config');
    expect(admin).not.toContain('/gateway');
  });
});
