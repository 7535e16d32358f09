/**
 * The seeded server of a first `npm start`: a guild with an owner, an administrator, a
 * moderator, a reviewer, members and a newcomer; roles mapped to staff levels and a channel for
 * every purpose the features declare, configured through the bot's own commands (`/config`,
 * `/gate`), exactly as a server owner would; the commands registered from the manifest the way
 * `npm run register` does.
 */
import { Registry } from '../core/registry.ts';
import { features } from '../features/index.ts';
import { register } from '../../scripts/register.ts';
import type { Emulator, OptionInput } from './emulator.ts';

/** Usernames of the seeded people (the page and `npm run demo` refer to them). */
export const PEOPLE = {
  owner: 'olivia_owner',
  admin: 'ada_admin',
  moderator: 'max_moderator',
  reviewer: 'rita_reviewer',
  members: ['sam', 'alex', 'jo'],
  newcomer: 'nina_newcomer',
} as const;

/** The application form of the seeded gate. */
export const SEED_QUESTIONS = ['How did you find us?', 'Why do you want to join?', 'Have you read the rules?'];

/** Ids of what was seeded. */
export interface SeededWorld {
  guildId: string;
  users: Record<string, string>;
  roles: Record<string, string>;
  channels: Record<string, string>;
}

const STR = 3;
const INT = 4;
const BOOL = 5;
const CHANNEL = 7;
const ROLE = 8;

/** Channel name of a purpose (`mod_log` → `mod-log`). */
export function channelName(purpose: string): string {
  return purpose.replace(/_/g, '-');
}

/** Seeds the fake world and configures the bot; `apiBase` is the bot's DISCORD_API_BASE. */
export async function seedWorld(emulator: Emulator, env: { DISCORD_BOT_TOKEN: string; DISCORD_APPLICATION_ID: string; DISCORD_API_BASE: string }, log: (line: string) => void = () => {}): Promise<SeededWorld> {
  const s = emulator.state;
  const registry = new Registry(features);
  const purposes = [...new Set(registry.features.flatMap((f) => Object.keys(f.channels ?? {})))];
  const owner = s.addUser({ username: PEOPLE.owner, globalName: 'Olivia (owner)' });
  const g = s.seedGuild({
    name: 'Gatehouse Playground',
    ownerId: owner.id,
    roles: [
      { name: 'Unverified', color: 0x95a5a6 },
      { name: 'Member', color: 0x2ecc71 },
      { name: 'Reviewers', color: 0x3498db, hoist: true },
      { name: 'Moderators', color: 0xe67e22, hoist: true },
      { name: 'Admins', color: 0xe74c3c, hoist: true, permissions: ['Administrator'] },
    ],
    channels: [
      { name: 'Welcome', type: 4 },
      { name: 'gate', parent: 'Welcome', topic: 'Press Apply to join' },
      { name: 'general', parent: 'Welcome', topic: 'Chat' },
      { name: 'Staff', type: 4 },
      ...purposes.map((p) => ({ name: channelName(p), parent: p === 'welcome' ? 'Welcome' : 'Staff', topic: registry.features.map((f) => f.channels?.[p]).find(Boolean) ?? null })),
    ],
  });
  const users: Record<string, string> = { [PEOPLE.owner]: owner.id };
  const add = (username: string, globalName: string, roles: string[], joinedDaysAgo: number) => {
    const m = s.addMember(g.guildId, { username, globalName, roles, joinedAt: Date.now() - joinedDaysAgo * 86400_000 });
    users[username] = m.userId;
  };
  add(PEOPLE.admin, 'Ada (admin)', ['Admins', 'Member'], 200);
  add(PEOPLE.moderator, 'Max (moderator)', ['Moderators', 'Member'], 150);
  add(PEOPLE.reviewer, 'Rita (reviewer)', ['Reviewers', 'Member'], 120);
  for (const [i, name] of PEOPLE.members.entries()) add(name, name[0]!.toUpperCase() + name.slice(1), ['Member'], 90 - i * 10);
  add(PEOPLE.newcomer, 'Nina (newcomer)', ['Unverified'], 0);
  emulator.guildId = g.guildId;
  emulator.changed();

  log('registering commands from the manifest (as `npm run register -- --guild`)…');
  const count = await register(env, g.guildId);
  log(`registered ${count} commands`);

  const ownerId = owner.id;
  const cmd = async (name: string, options: OptionInput[]) => {
    const meta = await emulator.command(ownerId, g.channels.general!, name, options);
    if (meta.status !== 'answered') throw new Error(`seeding: /${name} failed: ${meta.error}`);
    const data = meta.response?.data as { content?: string; flags?: number } | undefined;
    if (data?.content && /went wrong|Unknown|cannot/i.test(data.content)) throw new Error(`seeding: /${name} said: ${data.content}`);
  };
  const sub = (name: string, options: OptionInput[]): OptionInput => ({ name, type: 1, options });
  const grp = (name: string, inner: OptionInput): OptionInput => ({ name, type: 2, options: [inner] });
  const opt = (name: string, type: number, value: string | number | boolean): OptionInput => ({ name, type, value });

  log('configuring the bot through /config and /gate (as the owner)…');
  for (const [level, role] of [['reviewer', 'Reviewers'], ['moderator', 'Moderators'], ['administrator', 'Admins']] as const) {
    await cmd('config', [grp('role', sub('set', [opt('level', STR, level), opt('role', ROLE, g.roles[role]!)]))]);
  }
  for (const p of purposes) await cmd('config', [grp('channel', sub('set', [opt('purpose', STR, p), opt('channel', CHANNEL, g.channels[channelName(p)]!)]))]);
  await cmd('gate', [
    sub('setup', [
      opt('review_channel', CHANNEL, g.channels.review!),
      opt('accepted_role', ROLE, g.roles.Member!),
      opt('unverified_role', ROLE, g.roles.Unverified!),
      opt('welcome_channel', CHANNEL, g.channels.welcome!),
      opt('welcome_message', STR, 'Welcome {user} to {server}! You are member number {memberCount}.'),
      opt('reviewer_role', ROLE, g.roles.Reviewers!),
      opt('admin_role', ROLE, g.roles.Admins!),
    ]),
  ]);
  for (const [i, label] of SEED_QUESTIONS.entries()) {
    await cmd('gate', [grp('questions', sub('add', [opt('label', STR, label), opt('style', STR, i === 1 ? 'paragraph' : 'short'), opt('required', BOOL, i < 2)]))]);
  }
  await cmd('gate', [sub('post', [opt('channel', CHANNEL, g.channels.gate!)])]);
  void INT;
  return { guildId: g.guildId, users, roles: g.roles, channels: g.channels };
}
