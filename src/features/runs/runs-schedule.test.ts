import { runDurableObjectAlarm } from 'cloudflare:test';
import ICAL from 'ical.js';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../db/client';
import { createDiscord } from '../../discord';
import { encodeCustomId } from '../../core/custom-id';
import { fetchWeb } from '../../testing/harness';
import { KEYS } from './panel';
import { runs } from './schema';
import { runStub } from './runs.service';
import { runsWorld, type RunsWorld } from './runs.fixture';

let w: RunsWorld;
beforeEach(async () => {
  w = await runsWorld();
});
afterEach(async () => {
  vi.useRealTimers();
  await w.fake.assertNoViolations();
});

const HOUR = 3_600_000;
const runRows = () => getDb(w.env).select().from(runs).where(eq(runs.guildId, w.g.guildId));

describe('/run schedule', () => {
  it('refuses a time in the past or unreadable, writing nothing', async () => {
    const past = await w.run(w.helper, 'run', { activity: 'Event', when: `<t:${Math.floor(Date.now() / 1000) - 3600}>` }, 'schedule');
    expect(past.ephemeral).toBe(true);
    expect(past.content).toContain('That time is in the past');
    const garbled = await w.run(w.helper, 'run', { activity: 'Event', when: 'someday' }, 'schedule');
    expect(garbled.content).toContain("I can't read `someday` as a time");
    expect(await runRows()).toHaveLength(0);
    expect(await createDiscord(w.env).guilds.scheduledEvents(w.g.guildId)).toHaveLength(0);
  });

  it('creates a Discord scheduled event, reminds joined members before the start (DM, or the channel when DMs are closed) once, and opens at its time', async () => {
    const startsAt = Math.floor((Date.now() + 2 * HOUR) / 1000) * 1000;
    const { panel, runId } = await w.start(w.helper, 'Event', { when: `<t:${startsAt / 1000}>`, location: 'Main hall' });
    const [event] = await createDiscord(w.env).guilds.scheduledEvents(w.g.guildId);
    expect(event).toMatchObject({ name: '📅 Event', scheduled_start_time: new Date(startsAt).toISOString(), entity_metadata: { location: 'Main hall' }, status: 1 });
    expect((await runRows())[0]).toMatchObject({ id: runId, kind: 'scheduled', status: 'scheduled', startsAt, eventId: event!.id, activeOrganizer: null });
    expect(panel.embeds[0]!.description).toContain(`Starts <t:${startsAt / 1000}:F>`);

    const open = await w.member();
    const closed = await w.member({ dmsClosed: true });
    for (const m of [open, closed]) await w.press(m, encodeCustomId(KEYS.join, runId), panel);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(startsAt - 15 * 60_000);
    await runDurableObjectAlarm(runStub(w.env, runId));
    await runDurableObjectAlarm(runStub(w.env, runId));
    const dms = await w.fake.dms(open.user.id);
    expect(dms).toHaveLength(1);
    expect(dms[0]!.content).toContain('**📅 Event** starts');
    const pings = (await w.fake.messages(w.g.channels.general!)).filter((m) => m.content.includes(`<@${closed.user.id}>`));
    expect(pings).toHaveLength(1);
    expect((await runRows())[0]!.status).toBe('scheduled');

    vi.setSystemTime(startsAt + 1_000);
    await runDurableObjectAlarm(runStub(w.env, runId));
    expect((await runRows())[0]).toMatchObject({ status: 'open', endsAt: startsAt + 60 * 60_000 });
    expect((await createDiscord(w.env).guilds.scheduledEvents(w.g.guildId))[0]!.status).toBe(2);
    expect(await w.fake.dms(open.user.id)).toHaveLength(1);
    vi.setSystemTime(startsAt + 60 * 60_000);
    await runDurableObjectAlarm(runStub(w.env, runId));
    expect((await runRows())[0]!.status).toBe('ended');
    expect((await createDiscord(w.env).guilds.scheduledEvents(w.g.guildId))[0]!.status).toBe(3);
  });
});

describe('the calendar feed', () => {
  it('serves the scheduled runs as iCalendar at a secret URL, which a calendar parser reads; a wrong token is a 404', async () => {
    const t1 = Math.floor((Date.now() + 3 * HOUR) / 1000) * 1000;
    const t2 = Math.floor((Date.now() + 30 * HOUR) / 1000) * 1000;
    const a = await w.start(w.helper, 'Event', { when: `<t:${t1 / 1000}>`, location: 'Main hall' });
    const b = await w.start(w.moderator, 'Raid', { when: `<t:${t2 / 1000}>` });
    const started = await w.start(w.admin, 'Trio');
    const link = await w.run(w.moderator, 'run', {}, 'calendar');
    const path = /`(\/calendar\/\d+\/[0-9a-f]{32}\.ics)`/.exec(link.content)![1]!;
    const res = await fetchWeb(new Request(`https://bot.example${path}`), w.env);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/calendar');
    const component = new ICAL.Component(ICAL.parse(await res.text()));
    const events = component.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.uid).sort()).toEqual([`run-${a.runId}@gatehouse`, `run-${b.runId}@gatehouse`].sort());
    const first = events.find((e) => e.uid === `run-${a.runId}@gatehouse`)!;
    expect(first.summary).toBe('📅 Event');
    expect(first.location).toBe('Main hall');
    expect(first.startDate.toJSDate().getTime()).toBe(t1);
    expect(first.endDate.toJSDate().getTime()).toBe(t1 + 60 * 60_000);
    expect(events.some((e) => e.uid.includes(started.runId))).toBe(false);

    const wrong = await fetchWeb(new Request(`https://bot.example/calendar/${w.g.guildId}/${'0'.repeat(32)}.ics`), w.env);
    expect(wrong.status).toBe(404);
    // Rotating the token retires the old link.
    await w.run(w.moderator, 'run', { rotate: true }, 'calendar');
    expect((await fetchWeb(new Request(`https://bot.example${path}`), w.env)).status).toBe(404);
  });
});
