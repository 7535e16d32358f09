/**
 * `/gate setup` and `/gate post` change the gate's settings concurrently without losing each
 * other's keys (the platform's versioned settings write).
 */
import { ApplicationCommandOptionType, ChannelType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { GuildConfig } from '../../core/guild-config.repo';
import { getDb } from '../../db/client';
import { option, slashCommand, subcommand } from '../../testing/interactions';
import { readGateSettings } from './config';
import { gateWorld, type GateWorld } from './gate.fixture';

const T = ApplicationCommandOptionType;

function channel(w: GateWorld, name: string) {
  return { id: w.g.channels[name]!, name, type: ChannelType.GuildText, permissions: '0' };
}

/** `/gate setup` with the required options plus `extra`. */
function setup(w: GateWorld, extra: ReturnType<typeof option>[]) {
  return slashCommand('gate', {
    ...w.base(w.admin),
    options: [subcommand('setup', [option('review_channel', T.Channel, w.g.channels.review!), option('accepted_role', T.Role, w.g.roles.Member!), ...extra])],
    resolved: { channels: { [w.g.channels.review!]: channel(w, 'review') }, roles: { [w.g.roles.Member!]: w.roles.Member! } } as never,
  });
}

describe('gate: concurrent configuration', () => {
  it('keeps every key when /gate setup (different keys) and /gate post run at the same moment', async () => {
    const w = await gateWorld();
    const before = await readGateSettings(new GuildConfig(getDb(w.env), w.g.guildId));
    expect(before).toMatchObject({ cooldownHours: 24, youngAccountDays: 7 });
    const post = slashCommand('gate', {
      ...w.base(w.admin),
      options: [subcommand('post', [option('channel', T.Channel, w.g.channels.welcome!)])],
      resolved: { channels: { [w.g.channels.welcome!]: channel(w, 'welcome') } } as never,
    });
    const replies = await Promise.all([
      w.drive(setup(w, [option('cooldown_hours', T.Integer, 5)]), w.admin),
      w.drive(setup(w, [option('young_account_days', T.Integer, 3)]), w.admin),
      w.drive(setup(w, [option('welcome_message', T.String, 'Hello {user}')]), w.admin),
      w.drive(post, w.admin),
    ]);
    expect(replies.map((r) => JSON.stringify(r)).filter((r) => r.includes('Gate settings saved') || r.includes('Gate message posted'))).toHaveLength(4);
    const posted = (await w.fake.messages(w.g.channels.welcome!)).find((m) => m.components?.length);
    const after = await readGateSettings(new GuildConfig(getDb(w.env), w.g.guildId));
    expect(after).toMatchObject({
      cooldownHours: 5,
      youngAccountDays: 3,
      welcomeTemplate: 'Hello {user}',
      gateChannelId: w.g.channels.welcome,
      gateMessageId: posted?.id,
      unverifiedRoleId: before.unverifiedRoleId,
    });
    await w.fake.assertNoViolations();
  });
});
