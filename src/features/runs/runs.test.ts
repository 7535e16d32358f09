import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import type { APIMessage } from 'discord-api-types/v10';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../db/client';
import { encodeCustomId } from '../../core/custom-id';
import { KEYS } from './panel';
import type { RunObject } from './run.object';
import { runParticipants, runs } from './schema';
import { runStub } from './runs.service';
import { runsWorld, type RunsWorld } from './runs.fixture';
import { pointsOf } from './quota.service';
import { periodAt } from './quota-period';

let w: RunsWorld;

beforeEach(async () => {
  w = await runsWorld();
});
afterEach(async () => {
  vi.useRealTimers();
  await w.fake.assertNoViolations();
});

const press = (who: Parameters<RunsWorld['press']>[0], key: string, runId: string, panel: APIMessage) => w.press(who, encodeCustomId(key, runId), panel);
const row = async (runId: string) => (await getDb(w.env).select().from(runs).where(and(eq(runs.guildId, w.g.guildId), eq(runs.id, runId))))[0];
const stubOf = (runId: string) => runStub(env, runId) as DurableObjectStub<RunObject>;
const currentPeriod = () => periodAt({ period: 'weekly', resetDay: 1, resetHour: 0, timezone: 'UTC' }, Date.now()).key;

describe('/run start', () => {
  it('posts the panel with Join/Bench/Leave and a class select, gives the organizer private controls, and refuses a second active run', async () => {
    const { panel, runId, controls } = await w.start(w.helper, 'Raid', { location: 'North gate' });
    expect(panel.embeds[0]!.title).toBe('⚔️ Raid');
    expect(panel.embeds[0]!.description).toContain('Location: **North gate**');
    const rows = panel.components as { components: { custom_id: string; type: number }[] }[];
    expect(rows[0]!.components.map((c) => c.custom_id)).toEqual([`runs.join:${runId}`, `runs.bench:${runId}`, `runs.leave:${runId}`]);
    expect(rows[1]!.components[0]!.custom_id).toBe(`runs.class:${runId}`);
    expect(controls.flags! & 64).toBe(64);
    const controlIds = (controls.components as { components: { custom_id: string }[] }[]).flatMap((r) => r.components.map((c) => c.custom_id.split(':')[2]));
    expect(controlIds).toEqual(['start', 'end', 'cancel', 'lock', 'location', 'ping']);

    const again = await w.run(w.helper, 'run', { activity: 'Event' }, 'start');
    expect(again.ephemeral).toBe(true);
    expect(again.content).toContain('You already have an active run');
    expect(await w.fake.messages(w.g.channels.general!)).toHaveLength(1);

    const member = await w.member();
    const refused = await w.run(member, 'run', { activity: 'Event' }, 'start');
    expect(refused.content).toContain('Only organizers can do that');
    const unknown = await w.run(w.moderator, 'run', { activity: 'Chess' }, 'start');
    expect(unknown.content).toContain('There is no activity `Chess`');
  });

  it('a panel that cannot be posted leaves nothing behind (no row, no active slot)', async () => {
    await w.fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', status: 403, code: 50013 });
    const out = await w.run(w.helper, 'run', { activity: 'Event' }, 'start');
    expect(out.content).toContain("I couldn't post the run");
    expect(await getDb(w.env).select().from(runs).where(eq(runs.guildId, w.g.guildId))).toHaveLength(0);
    await w.fake.clearFailures();
    expect((await w.start(w.helper, 'Event')).runId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('joins', () => {
  it('200 concurrent Join presses give an exact roster: the cap respected, the rest waitlisted in arrival order, a leaver replaced by the first waitlisted', async () => {
    const { panel, runId } = await w.start(w.helper, 'Raid');
    const people = Array.from({ length: 200 }, () => w.stranger());
    const outcomes = await Promise.all(people.map((p) => press(p, KEYS.join, runId, panel)));
    expect(outcomes.every((o) => o.ephemeral)).toBe(true);
    const view = (await stubOf(runId).view())!;
    const main = view.roster.filter((e) => e.slot === 'main');
    const wait = view.roster.filter((e) => e.slot === 'wait');
    expect(main).toHaveLength(150);
    expect(wait).toHaveLength(50);
    expect(new Set(view.roster.map((e) => e.userId)).size).toBe(200);
    expect(new Set(view.roster.map((e) => e.userId))).toEqual(new Set(people.map((p) => p.user.id)));
    // Each press was told exactly where it stands: roster places 1..150, waitlist places 1..50, in arrival (seq) order.
    const told = new Map(outcomes.map((o, i) => [people[i]!.user.id, o.content]));
    main.forEach((e, i) => expect(told.get(e.userId)).toBe(`You're in: #${i + 1} on the roster.`));
    wait.forEach((e, i) => expect(told.get(e.userId)).toContain(`you're #${i + 1} on the waitlist`));
    // Later arrivals queue behind; a leaver's place goes to the first on the waitlist.
    const late = w.stranger();
    expect((await press(late, KEYS.join, runId, panel)).content).toContain("you're #51 on the waitlist");
    const leaver = people.find((p) => p.user.id === main[10]!.userId)!;
    expect((await press(leaver, KEYS.leave, runId, panel)).content).toBe('You left the run.');
    const after = (await stubOf(runId).view())!;
    expect(after.roster.find((e) => e.userId === wait[0]!.userId)?.slot).toBe('main');
    expect(after.roster.filter((e) => e.slot === 'main')).toHaveLength(150);
    expect(after.roster.filter((e) => e.slot === 'wait').map((e) => e.userId)).toEqual([...wait.slice(1).map((e) => e.userId), late.user.id]);
    // The panel catches up with the roster, edited at most once a second.
    await w.panelWhen(panel.id, (e) => (e.description ?? '').includes('**Roster (150/150)**') && (e.fields ?? []).some((f) => f.name === 'Waitlist (50)'), 'the full roster');
    const edits = await w.fake.calls({ method: 'PATCH', route: '/channels/{channel_id}/messages/{message_id}' });
    const times = edits.map((c) => Date.parse(c.at)).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(900);
  }, 60_000);

  it('classes: a choice joins with it, a class the activity lacks is refused, a full class waitlists; Bench and a locked run', async () => {
    const { panel, runId, controls } = await w.start(w.helper, 'Raid');
    const [a, b, c, d] = [w.stranger(), w.stranger(), w.stranger(), w.stranger()];
    expect((await w.choose(a, encodeCustomId(KEYS.pick, runId), ['Tank'], panel)).content).toBe("You're in as **Tank**: #1 on the roster.");
    expect((await w.choose(b, encodeCustomId(KEYS.pick, runId), ['Tank'], panel)).content).toContain('as **Tank**: #2');
    expect((await w.choose(c, encodeCustomId(KEYS.pick, runId), ['Tank'], panel)).content).toContain('waitlist as **Tank**');
    const bad = await w.choose(d, encodeCustomId(KEYS.pick, runId), ['Bard'], panel);
    expect(bad.ephemeral).toBe(true);
    expect(bad.content).toBe('This activity has no class `Bard`.');
    expect((await stubOf(runId).view())!.roster.find((e) => e.userId === d.user.id)).toBeUndefined();
    expect((await press(d, KEYS.bench, runId, panel)).content).toBe("You're on the bench.");

    const lock = await w.press(w.helper, encodeCustomId(KEYS.control, runId, 'lock'), controls);
    expect(lock.content).toContain('Joins locked');
    const locked = await press(w.stranger(), KEYS.join, runId, panel);
    expect(locked.ephemeral).toBe(true);
    expect(locked.content).toBe('Joins are locked for this run.');
    // Only the organizer (or a moderator) holds the controls.
    const stranger = await w.press(w.stranger(), encodeCustomId(KEYS.control, runId, 'unlock'), controls);
    expect(stranger.content).toContain("Only this run's organizer");
    await w.panelWhen(panel.id, (e) => (e.description ?? '').includes('🔒 Joins are locked.'), 'the lock');
  });

  it('a full run without a waitlist refuses the next join', async () => {
    const { panel, runId } = await w.start(w.helper, 'Trio');
    for (let i = 0; i < 3; i++) await press(await w.member(), KEYS.join, runId, panel);
    const full = await press(w.stranger(), KEYS.join, runId, panel);
    expect(full.content).toBe('This run is full.');
    expect((await stubOf(runId).view())!.roster).toHaveLength(3);
  });
});

describe('the run Object', () => {
  it('restarted mid-run (the Object evicted, a new stub) keeps its roster and still takes joins', async () => {
    const { panel, runId } = await w.start(w.helper, 'Event');
    const first = [w.stranger(), w.stranger(), w.stranger()];
    for (const p of first) await press(p, KEYS.join, runId, panel);
    await runInDurableObject(stubOf(runId), (_instance, state) => {
      // Evict: the next request gets a new instance that has only its storage.
      state.abort?.('test eviction');
    }).catch(() => undefined);
    const fresh = runStub(env, runId);
    const view = (await fresh.view())!;
    expect(view.roster.map((e) => e.userId)).toEqual(first.map((p) => p.user.id));
    const late = w.stranger();
    expect((await press(late, KEYS.join, runId, panel)).content).toBe("You're in: #4 on the roster.");
  });

  it('its alarm ends the run exactly at its duration: participants recorded, the organizer credited once, the panel closed, the temporary role deleted', async () => {
    const { panel, runId } = await w.start(w.helper, 'Trio');
    const members = [await w.member(), await w.member()];
    for (const m of members) await press(m, KEYS.join, runId, panel);
    const { roleId, endsAt } = (await stubOf(runId).view())!.state;
    expect(roleId).toBeTruthy();
    expect(Math.abs(endsAt! - (await row(runId))!.endsAt!)).toBeLessThan(5_000);
    // The panel and the temporary role follow within a second (the Object's own alarm); then
    // the one alarm left is the end, exactly at the run's duration.
    const deadline = Date.now() + 5_000;
    let alarmAt: number | null = null;
    while (Date.now() < deadline) {
      alarmAt = await runInDurableObject(stubOf(runId), (_i, state) => state.storage.getAlarm());
      if (alarmAt === endsAt) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(alarmAt).toBe(endsAt);
    for (const m of members) expect((await w.fake.member(w.g.guildId, m.user.id))!.roles).toContain(roleId);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(endsAt!);
    expect(await runDurableObjectAlarm(stubOf(runId))).toBe(true);
    vi.useRealTimers();

    expect(await row(runId)).toMatchObject({ status: 'ended', activeOrganizer: null });
    const recorded = await getDb(w.env).select().from(runParticipants).where(eq(runParticipants.runId, runId));
    expect(recorded.map((r) => r.userId).sort()).toEqual(members.map((m) => m.user.id).sort());
    expect(await pointsOf(getDb(w.env), w.g.guildId, w.helper.user.id, currentPeriod())).toBe(100);
    const closed = await w.panel(panel.id);
    expect(closed.embeds[0]!.description).toContain('This run has ended.');
    expect(closed.components ?? []).toHaveLength(0);
    expect((await w.fake.guild(w.g.guildId))!.roles.some((r) => r.id === roleId)).toBe(false);
    // Joining after the end is refused; ending again changes nothing and credits nothing more.
    expect((await press(w.stranger(), KEYS.join, runId, panel)).content).toBe('This run is over.');
    expect((await stubOf(runId).finish('ended')).ok).toBe(false);
    expect(await pointsOf(getDb(w.env), w.g.guildId, w.helper.user.id, currentPeriod())).toBe(100);
    // The organizer is free to start another.
    expect((await w.start(w.helper, 'Event')).runId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('/headcount', () => {
  it('gathers interest with the same panel and becomes a run with one press', async () => {
    const before = new Set((await w.fake.messages(w.g.channels.general!)).map((m) => m.id));
    const out = await w.run(w.helper, 'headcount', { activity: 'Event' });
    const panel = (await w.fake.messages(w.g.channels.general!)).find((m) => !before.has(m.id))!;
    expect(panel.embeds[0]!.title).toBe('📅 Headcount: Event');
    const runId = (panel.components![0] as { components: { custom_id: string }[] }).components[0]!.custom_id.split(':')[1]!;
    const interested = w.stranger();
    await press(interested, KEYS.join, runId, panel);
    const convert = await w.press(w.helper, encodeCustomId(KEYS.control, runId, 'convert'), out.message as APIMessage);
    expect(convert.content).toContain('Converted into a run');
    expect((await row(runId))!.kind).toBe('run');
    const view = (await stubOf(runId).view())!;
    expect(view.state.kind).toBe('run');
    expect(view.roster.map((e) => e.userId)).toEqual([interested.user.id]);
    await w.panelWhen(panel.id, (e) => e.title === '📅 Event', 'the converted title');
  });
});
