import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../db/client';
import { createDiscord } from '../../discord';
import { guildWorld, type GuildWorld, type Person } from '../../testing/guild-world';
import { MAX_REMINDERS_PER_MEMBER } from './commands/remind.command';
import { LEASE_MS, reminderMessage } from './delivery.service';
import { GuildReminders, ReminderQueue } from './reminders.repo';
import { reminders } from './schema';

const HOUR = 3_600_000;
let w: GuildWorld;
let m: Person;
let t0: number;
const at = (ms: number) => vi.setSystemTime(ms);
const general = () => w.fake.messages(w.g.channels.general!);
const row = async (id: number) => (await getDb(w.env).select().from(reminders).where(and(eq(reminders.guildId, w.g.guildId), eq(reminders.id, id))))[0];
const idOf = (content: string) => Number(/#(\d+)/.exec(content)?.[1]);

beforeEach(async () => {
  w = await guildWorld();
  m = await w.member();
  t0 = Date.parse('2026-12-01T10:00:00Z');
  vi.useFakeTimers({ toFake: ['Date'] });
  at(t0);
});
afterEach(async () => {
  vi.useRealTimers();
  await w.fake.assertNoViolations();
});

describe('/remind me', () => {
  it('delivers once in the channel, pinging only its owner, even when the cron runs twice at once and again later', async () => {
    const set = await w.run(m, 'remind', { when: 'in 2h', text: 'stretch @everyone' }, 'me');
    expect(set.ephemeral).toBe(true);
    expect(set.content).toMatch(/^Reminder \*\*#\d+\*\* set for <t:\d+:F>/);
    at(t0 + HOUR);
    await w.cron();
    expect(await general()).toHaveLength(0);
    at(t0 + 2 * HOUR + 5_000);
    await w.fake.setLatency(150, { method: 'POST', route: '/channels/{channel_id}/messages' });
    await Promise.all([w.cron(), w.cron(), w.cron()]);
    await w.cron();
    const posted = await general();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.content).toContain(`<@${m.user.id}>, you asked me to remind you`);
    expect(posted[0]!.content).toContain('stretch @everyone');
    expect(posted[0]!.content).not.toContain('late');
    const [call] = await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' });
    expect((call!.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [], users: [m.user.id] });
    expect(await row(idOf(set.content))).toMatchObject({ status: 'delivered', deliveredTo: 'channel', messageId: posted[0]!.id });
  });

  it('after a simulated restart (a run claimed and posted, then died before marking) the next run does not post again', async () => {
    const set = await w.run(m, 'remind', { when: 'in 1h', text: 'water' }, 'me');
    at(t0 + HOUR + 1_000);
    // The run that died: claimed the row and posted, exactly as the job does, then vanished.
    const db = getDb(w.env);
    const { rows } = await new ReminderQueue(db).claim({ now: Date.now(), limit: 100, leaseMs: LEASE_MS });
    expect(rows).toHaveLength(1);
    const first = await createDiscord(w.env).channels.createMessage(rows[0]!.channelId, reminderMessage(rows[0]!, Date.now()));
    // Still leased: a run now leaves it alone.
    await w.cron();
    expect(await general()).toHaveLength(1);
    at(t0 + HOUR + 1_000 + LEASE_MS + 1_000);
    await w.cron();
    expect(await general()).toHaveLength(1);
    expect(await row(idOf(set.content))).toMatchObject({ status: 'delivered', messageId: first.id, attempts: 2 });
  });

  it('a run that died before posting: the reminder is delivered once the lease lapses', async () => {
    const set = await w.run(m, 'remind', { when: 'in 1h', text: 'tea' }, 'me');
    at(t0 + HOUR + 1_000);
    await new ReminderQueue(getDb(w.env)).claim({ now: Date.now(), limit: 100, leaseMs: LEASE_MS });
    at(t0 + HOUR + LEASE_MS + 2_000);
    await w.cron();
    await w.cron();
    expect(await general()).toHaveLength(1);
    expect((await row(idOf(set.content)))?.status).toBe('delivered');
  });

  it('a late reminder says how late it is', async () => {
    await w.run(m, 'remind', { when: 'in 1h', text: 'call back' }, 'me');
    at(t0 + 3 * HOUR);
    await w.cron();
    const [posted] = await general();
    expect(posted!.content).toContain('This reminder is 2h late');
  });

  it('falls back to DM when its channel is gone, and DMs when asked to', async () => {
    const inOther = await w.run(m, 'remind', { when: 'in 1h', text: 'in other' }, 'me', { channelId: w.g.channels.other! });
    await w.run(m, 'remind', { when: 'in 1h', text: 'by dm', dm: true }, 'me');
    await w.fake.deleteChannel(w.g.channels.other!);
    at(t0 + HOUR + 1_000);
    await w.cron();
    const dms = await w.fake.dms(m.user.id);
    expect(dms.map((d) => d.content.split('\n')[0]!.split(': ').at(-1))).toEqual(expect.arrayContaining(['in other', 'by dm']));
    expect(dms.find((d) => d.content.includes('in other'))!.content).toContain("I couldn't post in <#");
    expect(await row(idOf(inOther.content))).toMatchObject({ status: 'delivered', deliveredTo: 'dm' });
    expect(await general()).toHaveLength(0);
  });

  it('a reminder with nowhere to go (channel gone, DMs closed) is marked failed, not retried forever', async () => {
    const closed = await w.member({ dmsClosed: true });
    const set = await w.run(closed, 'remind', { when: 'in 1h', text: 'x' }, 'me', { channelId: w.g.channels.other! });
    await w.fake.deleteChannel(w.g.channels.other!);
    at(t0 + HOUR + 1_000);
    await w.cron();
    expect(await row(idOf(set.content))).toMatchObject({ status: 'failed' });
  });

  it('answers bad times clearly and ephemerally', async () => {
    const cases: [string, string][] = [
      ['soonish', "I can't read `soonish` as a time"],
      ['in 0s', 'A duration must be longer than zero'],
      [`<t:${Math.floor(t0 / 1000) - 60}>`, 'That time is in the past'],
      ['in 400d', 'reminders go at most a year ahead'],
      ['in 10s', 'at least a minute ahead'],
    ];
    for (const [when, expected] of cases) {
      const out = await w.run(m, 'remind', { when, text: 'x' }, 'me');
      expect(out.ephemeral).toBe(true);
      expect(out.content).toContain(expected);
    }
    expect(await getDb(w.env).select().from(reminders).where(eq(reminders.guildId, w.g.guildId))).toHaveLength(0);
  });

  it(`refuses a reminder past the per-member limit (${MAX_REMINDERS_PER_MEMBER})`, async () => {
    const repo = new GuildReminders(getDb(w.env), w.g.guildId);
    for (let i = 0; i < MAX_REMINDERS_PER_MEMBER; i++) {
      await repo.create({ userId: m.user.id, channelId: w.g.channels.general!, target: 'channel', text: `r${i}`, dueAt: t0 + HOUR }, MAX_REMINDERS_PER_MEMBER);
    }
    const out = await w.run(m, 'remind', { when: 'in 2h', text: 'one more' }, 'me');
    expect(out.content).toContain(`You already have ${MAX_REMINDERS_PER_MEMBER} reminders here`);
    const other = await w.member();
    expect((await w.run(other, 'remind', { when: 'in 2h', text: 'mine' }, 'me')).content).toContain('set for');
  });
});

describe('/remind list, cancel, timezone', () => {
  it('lists and cancels (only your own); a cancelled reminder never fires', async () => {
    const a = await w.run(m, 'remind', { when: 'in 1h', text: 'first' }, 'me');
    await w.run(m, 'remind', { when: 'in 2h', text: 'second' }, 'me');
    const list = await w.run(m, 'remind', {}, 'list');
    expect(list.message?.embeds?.[0]?.description).toMatch(/#\d+.*first[\s\S]*#\d+.*second/);
    const choices = await w.complete(m, 'remind', 'cancel', 'id', '');
    expect(choices.map((c) => c.value)).toContain(idOf(a.content));
    const someoneElse = await w.member();
    expect((await w.run(someoneElse, 'remind', { id: idOf(a.content) }, 'cancel')).content).toContain('You have no pending reminder');
    expect((await w.run(m, 'remind', { id: idOf(a.content) }, 'cancel')).content).toBe(`Cancelled reminder **#${idOf(a.content)}**.`);
    at(t0 + 2 * HOUR + 5_000);
    // Other tests' reminders (same clock, other guilds) may be due too, and the every-minute
    // jobs share one budget: a few runs drain the backlog. The cancelled one must never fire.
    for (let run = 0; run < 3; run++) await w.cron();
    expect((await general()).map((msg) => msg.content.split(': ').at(-1))).toEqual(['second']);
  });

  it('reads "at 18:30" in the member\'s timezone; refuses an unknown zone', async () => {
    expect((await w.run(m, 'remind', { zone: 'Mars/Olympus' }, 'timezone')).content).toContain('is not a timezone I know');
    expect((await w.run(m, 'remind', { zone: 'europe/paris' }, 'timezone')).content).toContain('**Europe/Paris**');
    const set = await w.run(m, 'remind', { when: 'at 18:30', text: 'dinner' }, 'me');
    expect(set.content).toContain('Times are read in Europe/Paris');
    expect((await row(idOf(set.content)))?.dueAt).toBe(Date.parse('2026-12-01T17:30:00Z'));
    const zones = await w.complete(m, 'remind', 'timezone', 'zone', 'paris');
    expect(zones.map((z) => z.value)).toContain('Europe/Paris');
  });
});
