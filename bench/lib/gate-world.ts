/**
 * Seeds the gate's benchmark worlds straight into the bot's D1 and the fake Discord's default
 * session: a gated guild (roles, channels, staff role, `/gate setup` settings), pending
 * applications whose applicants and review cards exist on the fake, and a history of decided
 * applications for the metrics rollup.
 */
import type { APIInteraction, APIMessage } from 'discord-api-types/v10';
import { encodeCustomId } from '../../src/core/custom-id';
import { FakeDiscord } from '../../src/testing/fake-discord/client';
import { buttonPress, user as makeUser } from '../../src/testing/interactions';
import { insertRows, lit, mapLimit } from './gate-bench-kit';
import type { BenchD1 } from './workers';

/** A gated guild on the fake and in D1. */
export interface GateGuild {
  guildId: string;
  /** The fake's bot user (author of seeded cards, so the bot may edit them). */
  fakeBotUserId: string;
  roles: { member: string; unverified: string; reviewers: string };
  channels: { review: string; welcome: string };
  /** The reviewer who presses Accept (holds the Reviewers role). */
  reviewerId: string;
}

/** A pending application with its applicant (a member with the unverified role) and card. */
export interface PendingApplication {
  id: number;
  userId: string;
  cardMessageId: string;
}

/** Creates the guild on the fake and its gate configuration in D1 (what `/gate setup` and `/config role set` write). */
export async function seedGateGuild(db: BenchD1, fakeDiscordUrl: string, name: string): Promise<GateGuild> {
  const fake = await FakeDiscord.attach(fakeDiscordUrl, 'default');
  const g = await fake.seedGuild({
    name,
    roles: [{ name: 'Member' }, { name: 'Unverified' }, { name: 'Reviewers' }],
    channels: [{ name: 'review' }, { name: 'welcome' }],
  });
  const reviewerId = await fake.addMember(g.guildId, { username: 'reviewer', roles: [g.roles.Reviewers!] });
  const world: GateGuild = {
    guildId: g.guildId,
    fakeBotUserId: g.botUserId,
    roles: { member: g.roles.Member!, unverified: g.roles.Unverified!, reviewers: g.roles.Reviewers! },
    channels: { review: g.channels.review!, welcome: g.channels.welcome! },
    reviewerId,
  };
  const settings = {
    acceptedRoleIds: [world.roles.member],
    unverifiedRoleId: world.roles.unverified,
    welcomeTemplate: 'Welcome {user} to {server}! We are {memberCount} now.',
    cooldownHours: 24,
    youngAccountDays: 7,
    reviewerRoleId: world.roles.reviewers,
    adminRoleId: null,
    gateChannelId: null,
    gateMessageId: null,
  };
  const now = Date.now();
  await db.batch([
    db.prepare('INSERT INTO staff_roles (guild_id, role_id, level) VALUES (?, ?, ?)').bind(world.guildId, world.roles.reviewers, 'reviewer'),
    db.prepare('INSERT INTO guild_channels (guild_id, purpose, channel_id) VALUES (?, ?, ?)').bind(world.guildId, 'review', world.channels.review),
    db.prepare('INSERT INTO guild_channels (guild_id, purpose, channel_id) VALUES (?, ?, ?)').bind(world.guildId, 'welcome', world.channels.welcome),
    db.prepare('INSERT INTO guild_settings (guild_id, key, value, updated_at) VALUES (?, ?, ?, ?)').bind(world.guildId, 'gate', JSON.stringify(settings), now),
  ]);
  return world;
}

const ANSWERS = JSON.stringify([
  { question: 'How did you find us?', answer: 'A friend linked the server.' },
  { question: 'Why do you want to join?', answer: 'To play together in the evenings and talk about the game. '.repeat(4).trim() },
  { question: 'Age group', answer: '25-34' },
  { question: 'Favourite game', answer: 'Factorio' },
  { question: 'Timezone', answer: 'UTC+1' },
  { question: 'Read the rules?', answer: 'Yes' },
  { question: 'Anything else?', answer: 'No' },
]);

/**
 * `count` pending applications: each applicant is a member of the fake guild with the
 * unverified role, each card a bot message in the review channel (so Accept's role grant, DM,
 * welcome and card edit all succeed), each row in D1 as the submit path stores it.
 */
export async function seedPendingApplications(db: BenchD1, fakeDiscordUrl: string, world: GateGuild, count: number): Promise<PendingApplication[]> {
  const fake = await FakeDiscord.attach(fakeDiscordUrl, 'default');
  const seeded = await mapLimit(Array.from({ length: count }, (_, i) => i), 32, async (i) => {
    const userId = await fake.addMember(world.guildId, { username: `applicant${i}`, roles: [world.roles.unverified] });
    const card: APIMessage = await fake.seedMessage(world.channels.review, { authorId: world.fakeBotUserId, content: `card ${i}` });
    return { userId, cardMessageId: card.id, i };
  });
  const now = Date.now();
  const [{ next }] = ((await db.prepare('SELECT COALESCE(MAX(id), 0) + 1 AS next FROM gate_applications').all()).results as { next: number }[]) as [{ next: number }];
  const rows = seeded.map((s, k) => [
    next + k,
    world.guildId,
    s.userId,
    `applicant${s.i}`,
    'pending',
    ANSWERS,
    now - 400 * 86_400_000,
    now - 3_600_000,
    0,
    now - 60_000 + k, // submitted in the last minute: no stale alert is due
    world.channels.review,
    s.cardMessageId,
  ]);
  await insertRows(
    db,
    'gate_applications',
    ['id', 'guild_id', 'user_id', 'user_tag', 'status', 'answers', 'account_created_at', 'joined_at', 'young_account', 'submitted_at', 'card_channel_id', 'card_message_id'],
    rows,
  );
  return seeded.map((s, k) => ({ id: next + k, userId: s.userId, cardMessageId: s.cardMessageId }));
}

/** The Accept press of a reviewer on an application's card. */
export function acceptPress(world: GateGuild, app: PendingApplication): APIInteraction {
  return buttonPress(encodeCustomId('gate.accept', app.id), {
    guildId: world.guildId,
    channelId: world.channels.review,
    user: makeUser({ id: world.reviewerId, username: 'reviewer' }),
    roles: [world.roles.reviewers],
    permissions: '0',
    message: { id: app.cardMessageId, channel_id: world.channels.review },
  });
}

/** Deletes what the gate scenarios put in D1 for `guildIds` (so later scenarios' crons see a clean database). */
export async function dropGateGuilds(db: BenchD1, guildIds: readonly string[]): Promise<void> {
  const list = guildIds.map(lit).join(', ');
  await db.batch(
    ['gate_applications', 'gate_reviewer_stats', 'staff_roles', 'guild_channels', 'guild_settings', 'audit_log', 'command_log'].map((t) =>
      db.prepare(`DELETE FROM ${t} WHERE guild_id IN (${list})`),
    ),
  );
}

/** Shape of the decision history the rollup benchmark seeds. */
export interface HistoryShape {
  applications: number;
  guilds: number;
  reviewersPerGuild: number;
  /** Submissions spread over this many days before now (windows are 7/30/90 days). */
  days: number;
}

/**
 * Seeds a decision history in one `WITH RECURSIVE … INSERT … SELECT` (deterministic
 * pseudo-random draws from the row number, so every run seeds the same history): per
 * application, submission uniformly over `days`; 96 % claimed after 2 min to 2 days, skewed
 * (u³: the median is about 4 h); 94 % of those decided after 1 min to 8 h, skewed likewise
 * (accepted 72 %, rejected 18 %, kicked 6 %, permanently rejected 4 %); 3 % of decisions made
 * by another reviewer than the claimant (overrides); the rest still open. Returns the guild ids.
 */
export async function seedDecisionHistory(db: BenchD1, shape: HistoryShape, now: number, guildBase = 1_210_000_000_000_000_000n): Promise<string[]> {
  const guilds = Array.from({ length: shape.guilds }, (_, i) => String(guildBase + BigInt(i)));
  const day = 86_400_000;
  // Draw k of row i, uniform in [0, 1): a Weyl sequence per draw (distinct multipliers mod a prime).
  const M = 1_000_003;
  const u = (k: number) => `(((i * ${[7_919, 104_729, 611_953, 882_377, 350_377, 506_683][k]} + ${k * 7_777}) % ${M}) / ${M}.0)`;
  const sql = `
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${shape.applications}),
    draws AS (
      SELECT i,
        ${guildBase} + (i % ${shape.guilds}) AS g,
        (i / ${shape.guilds}) % ${shape.reviewersPerGuild} AS r,
        ${now} - CAST(${u(0)} * ${shape.days * day} AS INTEGER) AS sub,
        ${u(1)} AS pc, ${u(2)} AS pd, ${u(3)} AS kind,
        120000 + CAST(172800000 * ${u(4)} * ${u(4)} * ${u(4)} AS INTEGER) AS cdelay,
        60000 + CAST(28800000 * ${u(5)} * ${u(5)} * ${u(5)} AS INTEGER) AS ddelay
      FROM n
    ),
    shaped AS (
      SELECT *, pc < 0.96 AND sub + cdelay <= ${now} AS claimed,
             pc < 0.96 AND pd < 0.94 AND sub + cdelay + ddelay <= ${now} AS decided,
             i % 33 = 0 AS ov
      FROM draws
    )
    INSERT INTO gate_applications (guild_id, user_id, user_tag, status, answers, account_created_at, joined_at, young_account,
      submitted_at, claimed_by, claimed_rank, claimed_at, decided_by, decided_at, override, alerts_sent)
    SELECT CAST(g AS TEXT), CAST(1300000000000000000 + i AS TEXT), 'applicant' || i,
      CASE WHEN decided THEN (CASE WHEN kind < 0.72 THEN 'accepted' WHEN kind < 0.90 THEN 'rejected' WHEN kind < 0.96 THEN 'kicked' ELSE 'blocked' END)
           WHEN claimed THEN 'claimed' ELSE 'pending' END,
      '[]', sub - 400 * ${day}, sub - 3600000, 0, sub,
      CASE WHEN claimed THEN CAST(1400000000000000000 + (g % 1000) * 100 + r AS TEXT) END,
      CASE WHEN claimed THEN 1 END,
      CASE WHEN claimed THEN sub + cdelay END,
      CASE WHEN decided THEN CAST(1400000000000000000 + (g % 1000) * 100 + (CASE WHEN ov THEN (r + 1) % ${shape.reviewersPerGuild} ELSE r END) AS TEXT) END,
      CASE WHEN decided THEN sub + cdelay + ddelay END,
      CASE WHEN decided AND ov THEN 1 ELSE 0 END,
      3
    FROM shaped`;
  await db.prepare(sql).run();
  return guilds;
}
