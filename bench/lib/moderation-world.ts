/**
 * Seeds the moderation benchmark worlds into the bot's D1 and the fake Discord's default
 * session: guilds with staff roles, a mod-log channel and the bot's member (under the
 * application id the served bot uses), due punishments whose targets exist on the fake in
 * the state the expiry job expects (banned, muted, suspended, timed out), and members to warn.
 */
import { FakeDiscord } from '../../src/testing/fake-discord/client';
import { insertRows, lit, mapLimit } from './gate-bench-kit';
import type { BenchD1 } from './workers';

/** The application id `serveBot` gives the bot (its `DISCORD_APPLICATION_ID`). */
export const BENCH_APPLICATION_ID = '1100000000000000001';

/** A moderated guild on the fake and in D1. */
export interface ModGuild {
  guildId: string;
  ownerId: string;
  roles: Record<'Members' | 'Muted' | 'Suspended' | 'Helpers' | 'Moderators', string>;
  channels: { modLog: string; general: string };
  /** A moderator (holds the Moderators role). */
  moderatorId: string;
}

/** Creates a guild on the fake (the bot's application user is a member with the top role) and its moderation configuration in D1. */
export async function seedModGuild(db: BenchD1, fakeDiscordUrl: string, name: string): Promise<ModGuild> {
  const fake = await FakeDiscord.attach(fakeDiscordUrl, 'default');
  const g = await fake.seedGuild({
    name,
    roles: [
      { name: 'Members', position: 1 },
      { name: 'Muted', position: 2 },
      { name: 'Suspended', position: 3 },
      { name: 'Helpers', position: 4 },
      { name: 'Moderators', position: 5 },
    ],
    channels: [{ name: 'mod-log' }, { name: 'general' }],
    botRolePosition: 10,
  });
  // The fake's default session has its own bot user; the served bot asks for its member under its application id.
  await fake.addMember(g.guildId, { userId: BENCH_APPLICATION_ID, username: 'Gatehouse', bot: true, roles: [g.botRoleId] });
  const moderatorId = await fake.addMember(g.guildId, { username: 'moderator', roles: [g.roles.Moderators!] });
  const world: ModGuild = {
    guildId: g.guildId,
    ownerId: g.ownerId,
    roles: {
      Members: g.roles.Members!,
      Muted: g.roles.Muted!,
      Suspended: g.roles.Suspended!,
      Helpers: g.roles.Helpers!,
      Moderators: g.roles.Moderators!,
    },
    channels: { modLog: g.channels['mod-log']!, general: g.channels.general! },
    moderatorId,
  };
  await db.batch([
    db.prepare('INSERT INTO staff_roles (guild_id, role_id, level) VALUES (?, ?, ?)').bind(world.guildId, world.roles.Helpers, 'helper'),
    db.prepare('INSERT INTO staff_roles (guild_id, role_id, level) VALUES (?, ?, ?)').bind(world.guildId, world.roles.Moderators, 'moderator'),
    db.prepare('INSERT INTO guild_channels (guild_id, purpose, channel_id) VALUES (?, ?, ?)').bind(world.guildId, 'mod_log', world.channels.modLog),
  ]);
  return world;
}

/** The kinds of due punishments, with their share of the seeded rows. */
export const DUE_MIX = [
  { kind: 'ban', share: 0.6 },
  { kind: 'mute', share: 0.25 },
  { kind: 'suspend', share: 0.1 },
  { kind: 'timeout', share: 0.05 },
] as const;

type Kind = (typeof DUE_MIX)[number]['kind'];

/** Interleaved: every 20 consecutive rows (in due order) hold 12 bans, 5 mutes, 2 suspensions, 1 timeout. */
function kindOf(i: number): Kind {
  let acc = 0;
  const x = (((i * 7) % 20) + 0.5) / 20;
  for (const { kind, share } of DUE_MIX) {
    acc += share;
    if (x < acc) return kind;
  }
  return 'ban';
}

/**
 * `count` due punishments in `world`, each with its original case (numbers 1…count): temporary
 * bans (the user is banned on the fake), mutes (member with the muted role), suspensions
 * (member with the suspended role; Members to restore) and long timeouts (60 days, so the job
 * renews them). All became due during the last hour.
 */
export async function seedDuePunishments(db: BenchD1, fakeDiscordUrl: string, world: ModGuild, count: number): Promise<Record<Kind, number>> {
  const fake = await FakeDiscord.attach(fakeDiscordUrl, 'default');
  const api = `${fakeDiscordUrl.replace(/\/+$/, '')}/api/v10`;
  const kinds = Array.from({ length: count }, (_, i) => kindOf(i));
  const targets = await mapLimit(kinds, 32, async (kind, i) => {
    if (kind === 'ban') {
      const user = await fake.addUser({ username: `banned${i}` });
      const res = await fetch(`${api}/guilds/${world.guildId}/bans/${user.id}`, {
        method: 'PUT',
        headers: { authorization: 'Bot bench-bot-token', 'content-type': 'application/json' },
        body: '{}',
      });
      if (res.status !== 204) throw new Error(`seeding a ban failed: ${res.status} ${await res.text()}`);
      return user.id;
    }
    const roles = kind === 'mute' ? [world.roles.Muted] : kind === 'suspend' ? [world.roles.Suspended] : [world.roles.Members];
    return fake.addMember(world.guildId, { username: `${kind}${i}`, roles });
  });
  const now = Date.now();
  const day = 86_400_000;
  const cases: (string | number | null)[][] = [];
  const punishments: (string | number | null)[][] = [];
  kinds.forEach((kind, i) => {
    const caseId = crypto.randomUUID();
    const createdAt = now - 7 * day - i;
    const due = now - 3_600_000 + Math.floor((i * 3_600_000) / count);
    const endsAt = kind === 'timeout' ? now + 60 * day : due;
    cases.push([caseId, world.guildId, i + 1, kind, world.moderatorId, targets[i]!, `bench ${kind} ${i}`, endsAt - createdAt, endsAt, 1, createdAt, createdAt]);
    punishments.push([
      world.guildId,
      caseId,
      kind,
      targets[i]!,
      endsAt,
      due,
      'pending',
      kind === 'mute' ? world.roles.Muted : kind === 'suspend' ? world.roles.Suspended : null,
      kind === 'suspend' ? JSON.stringify([world.roles.Members]) : null,
      createdAt,
      createdAt,
    ]);
  });
  await insertRows(db, 'mod_cases', ['id', 'guild_id', 'case_number', 'type', 'actor_id', 'target_id', 'reason', 'duration_ms', 'expires_at', 'dm_sent', 'created_at', 'updated_at'], cases);
  await insertRows(
    db,
    'mod_punishments',
    ['guild_id', 'case_id', 'kind', 'target_id', 'ends_at', 'next_action_at', 'status', 'role_id', 'restore_roles', 'created_at', 'updated_at'],
    punishments,
  );
  const tally = { ban: 0, mute: 0, suspend: 0, timeout: 0 } satisfies Record<Kind, number>;
  for (const k of kinds) tally[k]++;
  return tally;
}

/** Adds `count` plain members (warn targets) to the guild on the fake; returns their ids. */
export async function seedMembers(fakeDiscordUrl: string, world: ModGuild, count: number): Promise<string[]> {
  const fake = await FakeDiscord.attach(fakeDiscordUrl, 'default');
  return mapLimit(Array.from({ length: count }, (_, i) => i), 32, (i) => fake.addMember(world.guildId, { username: `member${i}`, roles: [world.roles.Members] }));
}

/** Deletes what the moderation scenarios put in D1 for `guildIds`. */
export async function dropModGuilds(db: BenchD1, guildIds: readonly string[]): Promise<void> {
  const list = guildIds.map(lit).join(', ');
  await db.batch(
    ['mod_punishments', 'mod_case_amendments', 'mod_cases', 'mod_notes', 'staff_roles', 'guild_channels', 'guild_settings', 'audit_log', 'command_log'].map((t) =>
      db.prepare(`DELETE FROM ${t} WHERE guild_id IN (${list})`),
    ),
  );
}
