import { createExecutionContext, createMessageBatch } from 'cloudflare:test';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { consumeEvents, type QueuedEvent } from '../../core/events';
import { Registry } from '../../core/registry';
import { commandLog } from '../../core/schema';
import { getDb, type Db } from '../../db/client';
import { testEnv } from '../../testing/harness';
import { DAY_MS, HOUR_MS } from './periods';
import { compactDay, d1Runner, rollupHours } from './rollup.service';
import { analyticsChannelDays, analyticsChannelHours, analyticsGuildDays, analyticsGuildHours, analyticsMembers } from './schema';
import { commandRows, expected, randomWorld, type GenEvent } from './testing/lake-world';

let guildSerial = 0;
const newGuilds = (n: number) => Array.from({ length: n }, () => String(900000000000000000n + BigInt(Date.now() % 1000000) * 1000n + BigInt(++guildSerial)));

/** Sends the events through the real EVENTS consumer (no feature handles them: the lake's bulk path), in packs of 25. */
async function deliver(env: Env, events: readonly QueuedEvent[]): Promise<void> {
  const registry = new Registry([]);
  for (let i = 0; i < events.length; i += 100) {
    const slice = events.slice(i, i + 100);
    const messages = [];
    for (let j = 0; j < slice.length; j += 25) messages.push({ id: `m${i}-${j}`, timestamp: new Date(), attempts: 1, body: { events: slice.slice(j, j + 25) } });
    await consumeEvents(registry, createMessageBatch('gatehouse-events', messages), env, createExecutionContext());
  }
}

async function seed(env: Env, db: Db, events: readonly GenEvent[]) {
  await deliver(
    env,
    events.flatMap((e) => (e.queued ? [e.queued] : [])),
  );
  const rows = commandRows(events);
  for (let i = 0; i < rows.length; i += 10) await db.insert(commandLog).values(rows.slice(i, i + 10));
}

async function hourTables(db: Db, guilds: string[]) {
  const g = await db.select().from(analyticsGuildHours).where(inArray(analyticsGuildHours.guildId, guilds));
  const c = await db.select().from(analyticsChannelHours).where(inArray(analyticsChannelHours.guildId, guilds));
  const m = await db.select().from(analyticsMembers).where(inArray(analyticsMembers.guildId, guilds));
  const sort = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
  return { guild: sort(g), channel: sort(c), members: sort(m), rows: { g, c, m } };
}

describe('analytics rollups', () => {
  const fromHour = Math.floor(Date.UTC(2026, 9, 5) / HOUR_MS);

  it.each([1, 2, 3])('hourly rollups equal a direct count over the lake for a random event set (seed %i); recomputing and redelivery change nothing', async (seed_) => {
    const env = testEnv();
    const db = getDb(env);
    const guilds = newGuilds(2);
    const events = randomWorld({ guilds, channels: 3, users: 8, events: 400, fromHour, hours: 30, seed: seed_ });
    await seed(env, db, events);
    const until = (fromHour + 30) * HOUR_MS;
    await rollupHours(db, fromHour, until);

    const want = expected(events, until);
    const got = await hourTables(db, guilds);
    const guildGot = new Map(got.rows.g.map((r) => [`${r.guildId}|${r.hour}`, r]));
    expect(guildGot.size).toBe(want.guildHours.size);
    for (const [k, w] of want.guildHours) {
      const { who: _who, ...counts } = w;
      const r = guildGot.get(k);
      expect(r && { messages: r.messages, members: r.members, reactions: r.reactions, voiceMinutes: r.voiceMinutes, joins: r.joins, leaves: r.leaves, commands: r.commands }, k).toEqual(counts);
    }
    const channelGot = new Map(got.rows.c.map((r) => [`${r.guildId}|${r.hour}|${r.channelId}`, r]));
    expect(channelGot.size).toBe(want.channelHours.size);
    for (const [k, w] of want.channelHours) {
      const { who: _who, ...counts } = w;
      const r = channelGot.get(k);
      expect(r && { messages: r.messages, members: r.members, reactions: r.reactions, voiceMinutes: r.voiceMinutes }, k).toEqual(counts);
    }
    // Per-member facts: the latest of each kind, the latest join (event or payload).
    const people = events.filter((e) => !e.bot);
    for (const r of got.rows.m) {
      const mine = people.filter((e) => e.guildId === r.guildId && e.userId === r.userId);
      const last = (kinds: string[]) => Math.max(-1, ...mine.filter((e) => kinds.includes(e.kind)).map((e) => e.at));
      const orNull = (n: number) => (n < 0 ? null : n);
      expect(r.lastMessageAt).toBe(orNull(last(['MESSAGE_CREATE'])));
      expect(r.lastReactionAt).toBe(orNull(last(['MESSAGE_REACTION_ADD'])));
      expect(r.lastVoiceAt).toBe(orNull(last(['VOICE_STATE_UPDATE'])));
      expect(r.lastInteractionAt).toBe(orNull(last(['COMMAND', 'INTERACTION'])));
      expect(r.lastActiveAt).toBe(Math.max(0, last(['MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'VOICE_STATE_UPDATE', 'COMMAND', 'INTERACTION'])));
      expect(r.leftAt).toBe(orNull(last(['GUILD_MEMBER_REMOVE'])));
      const joins = [...mine.filter((e) => e.kind === 'GUILD_MEMBER_ADD').map((e) => e.at), ...mine.flatMap((e) => (e.memberJoinedAt ? [e.memberJoinedAt] : []))];
      expect(r.joinedAt).toBe(joins.length ? Math.max(...joins) : null);
    }
    expect(got.rows.m.length).toBe(new Set(people.map((e) => `${e.guildId}|${e.userId}`)).size);

    // Recomputing (whole, or in windows as the cron does) and redelivering every event change nothing.
    const first = await rollupHours(db, fromHour - 1, until, [], d1Runner(env.DB as never));
    expect(first.rowsRead).toBeGreaterThan(0);
    const again = await rollupHours(db, fromHour, until, [], d1Runner(env.DB as never));
    expect(again.rowsWritten).toBe(0);
    for (let h = fromHour; h < fromHour + 30; h += 6) await rollupHours(db, h, Math.min((h + 6) * HOUR_MS, until));
    await deliver(
      env,
      events.flatMap((e) => (e.queued ? [e.queued] : [])),
    );
    await rollupHours(db, fromHour, until);
    const after = await hourTables(db, guilds);
    expect(after.guild).toEqual(got.guild);
    expect(after.channel).toEqual(got.channel);
    expect(after.members).toEqual(got.members);
  });

  it('compacts a day: sums of its hours, distinct members of the whole day, per-hour messages kept', async () => {
    const env = testEnv();
    const db = getDb(env);
    const guilds = newGuilds(2);
    const day = Math.floor((fromHour * HOUR_MS) / DAY_MS) + 1;
    const events = randomWorld({ guilds, channels: 3, users: 6, events: 300, fromHour: day * 24, hours: 24, seed: 7 });
    await seed(env, db, events);
    await rollupHours(db, day * 24, (day + 1) * DAY_MS);
    await compactDay(db, day);
    const people = events.filter((e) => !e.bot);
    for (const g of guilds) {
      const [row] = await db.select().from(analyticsGuildDays).where(and(eq(analyticsGuildDays.guildId, g), eq(analyticsGuildDays.day, day)));
      const hours = await db.select().from(analyticsGuildHours).where(eq(analyticsGuildHours.guildId, g));
      const mine = people.filter((e) => e.guildId === g);
      expect(row!.messages).toBe(mine.filter((e) => e.kind === 'MESSAGE_CREATE').length);
      expect(row!.members).toBe(new Set(mine.filter((e) => ['MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'VOICE_STATE_UPDATE', 'COMMAND', 'INTERACTION'].includes(e.kind)).map((e) => e.userId)).size);
      expect(row!.members).toBeLessThan(hours.reduce((n, h) => n + h.members, 0)); // not a sum of hours
      expect(row!.voiceMinutes).toBe(hours.reduce((n, h) => n + h.voiceMinutes, 0));
      expect(row!.joins).toBe(mine.filter((e) => e.kind === 'GUILD_MEMBER_ADD').length);
      const hourly: Record<string, number> = {};
      for (const h of hours) if (h.messages > 0) hourly[String(h.hour - day * 24)] = h.messages;
      expect(row!.hourly).toEqual(hourly);
      const channels = await db.select().from(analyticsChannelDays).where(eq(analyticsChannelDays.guildId, g));
      for (const c of channels) {
        const inChannel = mine.filter((e) => e.channelId === c.channelId);
        expect(c.messages).toBe(inChannel.filter((e) => e.kind === 'MESSAGE_CREATE').length);
        expect(c.members).toBe(new Set(inChannel.map((e) => e.userId)).size);
      }
    }
    const before = await db.select().from(analyticsGuildDays).where(inArray(analyticsGuildDays.guildId, guilds));
    const second = await compactDay(db, day, 50, d1Runner(env.DB as never));
    expect(second.rowsWritten).toBe(0);
    expect(await db.select().from(analyticsGuildDays).where(inArray(analyticsGuildDays.guildId, guilds))).toEqual(before);
  });

  it('compacts a day of more guilds than one statement takes (their lists bound as one value: D1 allows 100 parameters a statement)', async () => {
    const env = testEnv();
    const db = getDb(env);
    const guilds = newGuilds(90);
    const day = Math.floor(Date.UTC(2026, 9, 20) / DAY_MS);
    const events = randomWorld({ guilds, channels: 2, users: 3, events: 270, fromHour: day * 24, hours: 24, seed: 7 });
    await seed(env, db, events);
    await rollupHours(db, day * 24, (day + 1) * DAY_MS);
    await compactDay(db, day, 50, d1Runner(env.DB as never));
    const rows = await db.select().from(analyticsGuildDays).where(and(inArray(analyticsGuildDays.guildId, guilds), eq(analyticsGuildDays.day, day)));
    const withHours = new Set((await db.select({ g: analyticsGuildHours.guildId }).from(analyticsGuildHours).where(inArray(analyticsGuildHours.guildId, guilds))).map((r) => r.g));
    expect(withHours.size).toBeGreaterThan(40);
    expect(rows.length).toBe(withHours.size);
    const people = events.filter((e) => !e.bot);
    for (const r of rows) expect(r.messages).toBe(people.filter((e) => e.guildId === r.guildId && e.kind === 'MESSAGE_CREATE').length);
  });
});
