/**
 * `/config show` by an administrator (permission bit 8, so the level needs no lookup): one
 * D1 batch of three reads, an embed, and the command-log row written in `waitUntil`.
 */
import { slashCommand, subcommand, user } from '../../src/testing/interactions';
import { defineScenario, expectThat } from '../scenario';

const GUILD_ID = '1200000000000000002';
const admin = user({ id: '1300000000000000002' });

export default defineScenario({
  name: '/config show',
  description: '/config show by an administrator: D1 read (3 selects in one batch) + command-log write',
  targets: { throughputRatio: 0.5, p99Ms: 20 },
  async setup({ bot }) {
    const { db } = bot;
    const rows = [
      db.prepare('INSERT INTO staff_roles (guild_id, role_id, level) VALUES (?, ?, ?)').bind(GUILD_ID, '1400000000000000001', 'moderator'),
      db.prepare('INSERT INTO staff_roles (guild_id, role_id, level) VALUES (?, ?, ?)').bind(GUILD_ID, '1400000000000000002', 'senior_moderator'),
      db.prepare('INSERT INTO staff_roles (guild_id, role_id, level) VALUES (?, ?, ?)').bind(GUILD_ID, '1400000000000000003', 'helper'),
      db.prepare('INSERT INTO guild_channels (guild_id, purpose, channel_id) VALUES (?, ?, ?)').bind(GUILD_ID, 'bot_log', '1500000000000000001'),
    ];
    await db.batch(rows);
  },
  interaction: () => slashCommand('config', { guildId: GUILD_ID, user: admin, permissions: '8', options: [subcommand('show')] }),
  expect: (body) => {
    const reply = body as { type?: number; data?: { embeds?: { title?: string; fields?: { value?: string }[] }[] } };
    const embed = reply.data?.embeds?.[0];
    expectThat(reply.type === 4 && embed?.title === 'Gatehouse configuration', 'configuration embed', body);
    expectThat(embed?.fields?.[1]?.value?.includes('<@&1400000000000000001>') === true, 'seeded staff roles read back', body);
  },
});
