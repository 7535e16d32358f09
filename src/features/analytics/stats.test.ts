import { createExecutionContext, createMessageBatch } from 'cloudflare:test';
import { ApplicationCommandOptionType, type APIMessage } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { consumeEvents, type QueuedEvent } from '../../core/events';
import { Registry } from '../../core/registry';
import { getDb } from '../../db/client';
import { fakeDiscord, send } from '../../testing/harness';
import { option, slashCommand, subcommand, user } from '../../testing/interactions';
import { snowflake } from '../../testing/snowflake';
import { DAY_MS, HOUR_MS, hourOf } from './periods';
import { rollupHours } from './rollup.service';

async function deliver(env: Env, events: QueuedEvent[]) {
  const messages = [];
  for (let i = 0; i < events.length; i += 25) messages.push({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: { events: events.slice(i, i + 25) } });
  await consumeEvents(new Registry([]), createMessageBatch('gatehouse-events', messages), env, createExecutionContext());
}

const message = (guildId: string, channelId: string, userId: string, at: number, i: number): QueuedEvent => ({
  type: 'MESSAGE_CREATE',
  sourceId: `stats-test:${guildId}:${i}`,
  guildId,
  receivedAt: at,
  payload: { id: snowflake(at), guild_id: guildId, channel_id: channelId, author: { id: userId, username: 'x' }, content: '', member: { roles: [], joined_at: new Date(at - 400 * DAY_MS).toISOString() } },
});

async function world() {
  const { fake, env } = await fakeDiscord();
  const g = await fake.seedGuild({ roles: [{ name: 'Member' }], channels: [{ name: 'general' }, { name: 'memes' }] });
  const now = Date.now();
  const active = await fake.addMember(g.guildId, { joinedAt: now - 300 * DAY_MS });
  const silentNoRoles = await fake.addMember(g.guildId, { joinedAt: now - 200 * DAY_MS });
  const silentWithRole = await fake.addMember(g.guildId, { joinedAt: now - 200 * DAY_MS, roles: [g.roles.Member!] });
  const newcomer = await fake.addMember(g.guildId, { joinedAt: now - 2 * DAY_MS });
  const events: QueuedEvent[] = [];
  for (let i = 0; i < 30; i++) events.push(message(g.guildId, i % 3 === 0 ? g.channels.memes! : g.channels.general!, active, now - (i % 5) * DAY_MS - 60_000 * (i + 1), i));
  // Messages by the one with a role, long ago: they count for the rollups, and make them a lurker now.
  for (let i = 0; i < 3; i++) events.push(message(g.guildId, g.channels.general!, silentWithRole, now - 60 * DAY_MS - i * HOUR_MS, 100 + i));
  await deliver(env, events);
  await rollupHours(getDb(env), hourOf(now - 70 * DAY_MS), now);
  const moderator = user();
  await fake.addMember(g.guildId, { userId: moderator.id });
  const run = (name: string, options: ReturnType<typeof option>[] = [], resolved?: unknown) =>
    send(slashCommand('stats', { guildId: g.guildId, user: moderator, permissions: '8', options: [subcommand(name, options)], ...(resolved ? { resolved: resolved as never } : {}) }), env);
  return { fake, env, g, now, run, ids: { active, silentNoRoles, silentWithRole, newcomer } };
}

async function original(w: Awaited<ReturnType<typeof world>>, token: string | undefined) {
  const record = await w.fake.interactionResponses(token!);
  return { callback: record!.callback, message: record!.original as APIMessage };
}

describe('/stats', () => {
  it('heatmap: deferred, then a PNG attachment and the busiest hour', async () => {
    const w = await world();
    const res = await w.run('heatmap', [option('days', ApplicationCommandOptionType.Integer, 90), option('timezone', ApplicationCommandOptionType.String, 'europe/paris')]);
    expect((res.body as { type: number }).type).toBe(5);
    const { message } = await original(w, res.token);
    expect(message.content).toMatch(/Busiest hour: \*\*\w+day \d\d:00\*\* \(Europe\/Paris\), \d+ of 33 messages in the last 90 days/);
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({ filename: 'heatmap.png', content_type: 'image/png' });
    expect(message.attachments[0]!.size).toBeGreaterThan(500);
    const [patch] = await w.fake.calls({ method: 'PATCH', route: '/webhooks/{webhook_id}/{webhook_token}/messages/@original' });
    expect(patch!.files).toEqual([expect.objectContaining({ field: 'files[0]', filename: 'heatmap.png', contentType: 'image/png' })]);
    await w.fake.assertNoViolations();
  });

  it('activity, channels and members answer with charts and one-line summaries', async () => {
    const w = await world();
    const activity = await original(w, (await w.run('activity', [option('days', ApplicationCommandOptionType.Integer, 90)])).token);
    expect(activity.message.content).toMatch(/^\*\*33\*\* messages, 0 reactions, 0 voice minutes and 0 commands in the last 90 days/);
    expect(activity.message.attachments[0]!.filename).toBe('activity.png');
    const channels = await original(w, (await w.run('channels', [option('days', ApplicationCommandOptionType.Integer, 90)])).token);
    expect(channels.message.content).toContain(`<#${w.g.channels.general}> leads with **23** of 33 messages (70%)`);
    const members = await original(w, (await w.run('members')).token);
    expect(members.message.content).toBe('Nobody joined or left in the last 30 days (as far as the event lake saw).');
    expect(members.message.attachments[0]!.filename).toBe('members.png');
    await w.fake.assertNoViolations();
  });

  it('lurkers: the silent members, and what the prune would remove and why not', async () => {
    const w = await world();
    const res = await w.run('lurkers', [option('days', ApplicationCommandOptionType.Integer, 30)]);
    expect((res.body as { type: number; data?: { flags?: number } }).data?.flags).toBe(64);
    const { message } = await original(w, res.token);
    // Gatehouse saw the role holder (messages 60 days ago); the no-role member never did anything it saw.
    expect(message.content).toContain(`**1** members silent for 30+ days (joined 7+ days ago): <@${w.ids.silentWithRole}>.`);
    // Prune over the fake's roster (its seeded owner and bot included; the exact rules are in queries.test.ts).
    expect(message.content).toMatch(/Prune preview \(30 days, first 7 members\): Discord's prune would remove \*\*\d+\*\*; it keeps 2 with roles, 1 active, \d+ who joined recently, 1 bots\./);
    expect(message.attachments[0]!.filename).toBe('lurkers.png');
    await w.fake.assertNoViolations();
  });

  it('bad input and empty guilds get clear answers', async () => {
    const w = await world();
    const bad = await w.run('heatmap', [option('timezone', ApplicationCommandOptionType.String, 'Mars/Olympus_Mons')]);
    expect(bad.body).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringContaining('`Mars/Olympus_Mons` is not a timezone I know') } });
    const far = await w.run('activity', [option('days', ApplicationCommandOptionType.Integer, 400)]);
    expect(far.body).toMatchObject({ type: 4, data: { flags: 64, content: '`days` must be a whole number from 1 to 366 (got 400).' } });

    const empty = await w.fake.seedGuild({ channels: [{ name: 'quiet' }] });
    const mod = user();
    await w.fake.addMember(empty.guildId, { userId: mod.id });
    const res = await send(slashCommand('stats', { guildId: empty.guildId, user: mod, permissions: '8', options: [subcommand('heatmap')] }), w.env);
    const { message } = await original(w, res.token);
    expect(message.content).toBe('No messages recorded in the last 30 days yet (rollups run hourly from the event lake).');
    expect(message.attachments[0]!.filename).toBe('heatmap.png');
  });

  it('timezone: an administrator sets the heatmap’s default zone', async () => {
    const w = await world();
    const set = await w.run('timezone', [option('zone', ApplicationCommandOptionType.String, 'asia/tokyo')]);
    expect(set.body).toMatchObject({ data: { content: 'The heatmap is now drawn in **Asia/Tokyo**.' } });
    const { message } = await original(w, (await w.run('heatmap')).token);
    expect(message.content).toContain('(Asia/Tokyo)');
  });
});
