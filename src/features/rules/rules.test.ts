import { and, eq } from 'drizzle-orm';
import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import worker from '../../../workers/bot/index';
import { meterD1 } from '../../testing/metered';
import { getDb } from '../../db/client';
import { gatewayEvents } from '../../core/gateway/schema';
import { emitInternal, MAX_INTERNAL_DEPTH } from '../../core/internal-events';
import { guildWorld, type GuildWorld } from '../../testing/guild-world';
import { balanceOf, findCurrency } from '../economy/public';
import { ledgerTx } from '../economy/schema';
import { dryRun, recompute } from './dry-run.service';
import { deliver, messageEvent, reactionEvent, registry } from './rules.fixture';
import { ruleByName } from './rules.service';
import { ruleFires } from './schema';

let w: GuildWorld;
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const MIN = 60_000;

beforeEach(async () => {
  w = await guildWorld();
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

const db = () => getDb(w.env);
async function xp(userId: string) {
  const c = (await findCurrency(db(), w.g.guildId, 'xp'))!;
  return balanceOf(db(), w.g.guildId, c.id, userId);
}
async function txCount() {
  return (await db().select().from(ledgerTx).where(eq(ledgerTx.guildId, w.g.guildId))).length;
}

describe('rules: the MEE6 preset on the live path', () => {
  it('credits 15-25 XP at most once a minute; the same event delivered 3 times credits once; a message that earns nothing writes nothing beyond the lake', { timeout: 30_000 }, async () => {
    const applied = await w.run(w.admin, 'rules', { preset: 'mee6-messages' }, 'preset');
    expect(applied.content).toContain('Applied the preset: `message-xp`');
    const a = await w.member();
    const general = w.g.channels.general!;
    const first = messageEvent(w.g.guildId, general, a.user.id, { at: T0 });
    await deliver(w.env, [first]);
    const one = await xp(a.user.id);
    expect(one).toBeGreaterThanOrEqual(15);
    expect(one).toBeLessThanOrEqual(25);
    // The same event again: in a later batch, and three times in one batch.
    await deliver(w.env, [first]);
    await deliver(w.env, [first, first, first]);
    expect(await xp(a.user.id)).toBe(one);
    expect(await txCount()).toBe(1);
    // Within the minute: recorded in the lake, nothing else written.
    const fires = async () => (await db().select().from(ruleFires).where(eq(ruleFires.guildId, w.g.guildId))).length;
    expect(await fires()).toBe(1);
    const quiet = messageEvent(w.g.guildId, general, a.user.id, { at: T0 + 20_000 });
    await deliver(w.env, [quiet, messageEvent(w.g.guildId, general, a.user.id, { at: T0 + 30_000, length: 0 })]);
    expect(await fires()).toBe(1);
    expect(await txCount()).toBe(1);
    const [row] = await db().select().from(gatewayEvents).where(eq(gatewayEvents.sourceId, quiet.sourceId));
    expect(row).toMatchObject({ status: 'done' });
    expect(row!.handled).toContain('rules.rules');
    // The next minute credits again.
    await deliver(w.env, [messageEvent(w.g.guildId, general, a.user.id, { at: T0 + MIN })]);
    expect(await xp(a.user.id)).toBeGreaterThanOrEqual(one + 15);
  });

  it('a dry run reports what the real run credited on the same events, per member, with the refusals; recompute of a changed rule applies the difference once', { timeout: 30_000 }, async () => {
    await w.run(w.admin, 'rules', { preset: 'mee6-messages' }, 'preset');
    const members = [await w.member(), await w.member(), await w.member()];
    const now = Date.now();
    const events = [];
    for (let i = 0; i < 60; i++) {
      const m = members[i % 3]!;
      events.push(messageEvent(w.g.guildId, w.g.channels.general!, m.user.id, { at: now - 3 * 86_400_000 + i * 10_000, length: i % 7 === 0 ? 0 : 30 }));
    }
    await deliver(w.env, events);
    const rule = await ruleByName(db(), w.g.guildId, 'message-xp');
    const report = await dryRun(db(), w.g.guildId, rule, 7);
    const currency = (await findCurrency(db(), w.g.guildId, 'xp'))!;
    expect(report.events).toBe(60);
    expect(report.refused.get('message_length')).toBeGreaterThan(0);
    expect(report.refused.get('cooldown')).toBeGreaterThan(0);
    for (const m of members) expect(report.members.get(m.user.id)?.[currency.id]).toBe(await xp(m.user.id));
    // Through the command: the report names members and reasons, and writes nothing.
    const before = await txCount();
    const shown = await w.run(w.admin, 'rules', { name: 'message-xp', days: 7 }, 'dry-run');
    expect(shown.content).toContain('**Dry run of `message-xp`**');
    expect(shown.content).toContain('cooldown');
    expect(await txCount()).toBe(before);

    // Change the rule: a flat 40 XP, and recompute.
    const changed = await w.run(w.admin, 'rules', { json: JSON.stringify({ name: 'message-xp', trigger: { event: 'MESSAGE_CREATE' }, conditions: [{ type: 'message_length', min: 1 }, { type: 'cooldown', seconds: 60 }], effects: [{ type: 'credit', currency: 'xp', amount: 40 }] }), replace: true }, 'create');
    expect(changed.content).toContain('Saved `message-xp`');
    const v2 = await ruleByName(db(), w.g.guildId, 'message-xp');
    const wanted = await dryRun(db(), w.g.guildId, v2, 7);
    const first = await recompute(db(), w.g.guildId, w.admin.user.id, v2, 7);
    expect(first.corrections.filter((c) => c.ok && !c.duplicate)).toHaveLength(3);
    for (const m of members) expect(await xp(m.user.id)).toBe(wanted.members.get(m.user.id)![currency.id]);
    const txAfter = await txCount();
    const second = await recompute(db(), w.g.guildId, w.admin.user.id, v2, 7);
    expect(second.corrections).toHaveLength(0);
    expect(await txCount()).toBe(txAfter);
    const viaCommand = await w.run(w.admin, 'rules', { name: 'message-xp', days: 7 }, 'recompute');
    expect(viaCommand.content).toContain('0 corrections');
  });
});

describe('rules: effects, chains and bad input', () => {
  it('role, announce and credit effects of a rule; thanks reactions credit the author, not the reactor', { timeout: 30_000 }, async () => {
    const roles = await w.roles();
    const helperRole = roles.Helpers!.id;
    const res = await w.run(w.admin, 'rules', { preset: 'thanks' }, 'preset');
    expect(res.content).toContain('thanks-xp');
    const rule = { name: 'greeter', trigger: { event: 'MESSAGE_CREATE' }, conditions: [{ type: 'daily_cap', max: 1 }], effects: [{ type: 'add_role', role: helperRole }, { type: 'announce', to: 'event', template: 'Welcome back {user}!' }] };
    expect((await w.run(w.admin, 'rules', { json: JSON.stringify(rule) }, 'create')).content).toContain('Saved `greeter`');
    const a = await w.member();
    const b = await w.member();
    await deliver(w.env, [messageEvent(w.g.guildId, w.g.channels.general!, a.user.id, { at: T0 }), messageEvent(w.g.guildId, w.g.channels.general!, a.user.id, { at: T0 + 1000 })]);
    expect((await w.refresh(a)).roles).toContain(helperRole);
    const posts = await w.fake.calls({ route: '/channels/{channel_id}/messages', method: 'POST' });
    // Concurrent events may both try the post: one firing key, one nonce, so Discord keeps one message.
    const welcomes = posts.filter((p) => (p.body as { content?: string }).content === `Welcome back <@${a.user.id}>!`);
    expect(welcomes.length).toBeGreaterThan(0);
    expect(new Set(welcomes.map((p) => (p.body as { nonce?: string }).nonce)).size).toBe(1);
    await deliver(w.env, [reactionEvent(w.g.guildId, w.g.channels.general!, b.user.id, a.user.id, '🙏'), reactionEvent(w.g.guildId, w.g.channels.general!, b.user.id, a.user.id, '😀')]);
    expect(await xp(a.user.id)).toBe(10);
    expect(await xp(b.user.id)).toBe(0);
  });

  it('internal events chain (level_up → milestone_earned → credit), a loop is refused before saving, and the depth limit drops deeper events', { timeout: 30_000 }, async () => {
    await w.run(w.admin, 'rules', { preset: 'mee6-messages' }, 'preset');
    await w.run(w.admin, 'rules', { preset: 'daily' }, 'preset');
    const chainA = { name: 'level-milestone', trigger: { event: 'level_up' }, effects: [{ type: 'emit', event: 'milestone_earned' }] };
    const chainB = { name: 'milestone-coins', trigger: { event: 'milestone_earned' }, effects: [{ type: 'credit', currency: 'coins', amount: 100 }] };
    expect((await w.run(w.admin, 'rules', { json: JSON.stringify(chainA) }, 'create')).content).toContain('Saved');
    expect((await w.run(w.admin, 'rules', { json: JSON.stringify(chainB) }, 'create')).content).toContain('Saved');
    const loop = { name: 'loopy', trigger: { event: 'milestone_earned' }, effects: [{ type: 'emit', event: 'level_up' }] };
    const refused = await w.run(w.admin, 'rules', { json: JSON.stringify(loop) }, 'create');
    expect(refused.content).toBe('This rule would make a loop: `level-milestone` → `loopy` → `level-milestone`. Nothing was saved.');
    const a = await w.member();
    const coins = (await findCurrency(db(), w.g.guildId, 'coins'))!;
    // 6 messages a minute apart: ≥ 90 XP, below 100 (level 1) … then enough for level 1.
    const events = Array.from({ length: 8 }, (_, i) => messageEvent(w.g.guildId, w.g.channels.general!, a.user.id, { at: T0 + i * MIN }));
    await deliver(w.env, events);
    expect(await xp(a.user.id)).toBeGreaterThanOrEqual(100);
    // daily (50) + one milestone from the level-up (100)
    expect(await balanceOf(db(), w.g.guildId, coins.id, a.user.id)).toBe(150);
    // Depth: an event emitted at the limit reaches no handler.
    const ctx = { env: w.env, db: db(), discord: undefined as never, waitUntil: () => {}, registry };
    await emitInternal(ctx, 'milestone_earned', { guildId: w.g.guildId, userId: a.user.id, key: 'deep' }, { depth: MAX_INTERNAL_DEPTH, chain: [] });
    expect(await balanceOf(db(), w.g.guildId, coins.id, a.user.id)).toBe(150);
    await emitInternal(ctx, 'milestone_earned', { guildId: w.g.guildId, userId: a.user.id, key: 'shallow' }, { depth: MAX_INTERNAL_DEPTH - 1, chain: [] });
    expect(await balanceOf(db(), w.g.guildId, coins.id, a.user.id)).toBe(250);
  });

  it('invalid rule JSON is refused with the zod path; an unknown currency names its effect; nothing is written', { timeout: 30_000 }, async () => {
    const bad = await w.run(w.admin, 'rules', { json: JSON.stringify({ name: 'x', trigger: { event: 'MESSAGE_CREATE' }, effects: [{ type: 'credit', currency: 'xp', amount: 0 }] }) }, 'create');
    expect(bad.content).toMatch(/^The rule is not valid: effects\.0\.amount: /);
    expect((await w.run(w.admin, 'rules', { json: '{"name":' }, 'create')).content).toMatch(/^The rule is not valid: not JSON/);
    const unknown = await w.run(w.admin, 'rules', { json: JSON.stringify({ name: 'x', trigger: { event: 'MESSAGE_CREATE' }, effects: [{ type: 'credit', currency: 'gold', amount: 5 }] }) }, 'create');
    expect(unknown.content).toBe('effects.0.currency: there is no currency `gold` (see `/currency list`).');
    expect((await w.run(w.admin, 'rules', {}, 'list')).content).toContain('No rules yet');
    const member = await w.member();
    expect((await w.run(member, 'rules', {}, 'list')).content).toMatch(/administrator/i);
  });

  it('enable, disable, show and delete; a disabled rule credits nothing', { timeout: 30_000 }, async () => {
    await w.run(w.admin, 'rules', { preset: 'mee6-messages' }, 'preset');
    expect((await w.run(w.admin, 'rules', { name: 'message-xp' }, 'disable')).content).toContain('Disabled `message-xp` ⚪');
    const a = await w.member();
    await deliver(w.env, [messageEvent(w.g.guildId, w.g.channels.general!, a.user.id, { at: T0 })]);
    expect(await xp(a.user.id)).toBe(0);
    expect((await w.run(w.admin, 'rules', { name: 'message-xp' }, 'show')).content).toContain('"cooldown"');
    expect((await w.run(w.admin, 'rules', { name: 'message-xp' }, 'enable')).content).toContain('🟢');
    await deliver(w.env, [messageEvent(w.g.guildId, w.g.channels.general!, a.user.id, { at: T0 + MIN })]);
    expect(await xp(a.user.id)).toBeGreaterThan(0);
    expect((await w.run(w.admin, 'rules', { name: 'message-xp' }, 'delete')).content).toBe('Deleted the rule `message-xp`.');
    const rows = await db().select().from(ruleFires).where(and(eq(ruleFires.guildId, w.g.guildId)));
    expect(rows.length).toBe(1);
  });
});

describe('rules: rule_fires retention', () => {
  it('the hourly cron deletes firings older than EVENT_RETENTION_DAYS, keeps the rest, and stays within its budget', { timeout: 30_000 }, async () => {
    const env = { ...w.env, EVENT_RETENTION_DAYS: '30' };
    const now = Date.now();
    const day = 86_400_000;
    const fire = (ageDays: number, i: number) => ({
      guildId: w.g.guildId,
      ruleId: 'r-retention',
      userId: `u${i}`,
      fireKey: `retention:${ageDays}:${i}`,
      sourceId: `s${ageDays}:${i}`,
      day: Math.floor((now - ageDays * day) / day),
      at: now - ageDays * day,
      amounts: { c: 1 },
      ruleVersion: 1,
    });
    // Oldest first, as firings are written: 600 past the window (more than a page), then younger ones.
    const old = Array.from({ length: 600 }, (_, i) => fire(45 - (i % 10), i));
    for (let i = 0; i < old.length; i += 100) await db().batch(old.slice(i, i + 100).map((f) => db().insert(ruleFires).values(f)) as never);
    await db().insert(ruleFires).values([fire(31, 9001), fire(29, 9002), fire(1, 9003)]);
    const metered = meterD1(env);
    await worker.scheduled(createScheduledController({ cron: '0 * * * *', scheduledTime: now }), metered.env, createExecutionContext());
    const left = await db().select({ fireKey: ruleFires.fireKey }).from(ruleFires).where(eq(ruleFires.ruleId, 'r-retention'));
    expect(left.map((r) => r.fireKey).sort()).toEqual(['retention:1:9003', 'retention:29:9002']);
    // Two pages of two statements each, among the hourly jobs' round trips (well inside the run's budget).
    expect(metered.takeD1()).toBeLessThan(100);
  });
});

describe('rules: voice minutes and reactions', () => {
  const voice = (userId: string, channelId: string | null, at: number, opts: { mute?: boolean; bot?: boolean } = {}) => ({
    type: 'VOICE_STATE_UPDATE',
    sourceId: `VOICE_STATE_UPDATE:${userId}:${at}`,
    guildId: w.g.guildId,
    payload: { guild_id: w.g.guildId, channel_id: channelId, user_id: userId, session_id: 's', deaf: false, mute: false, self_deaf: false, self_mute: opts.mute === true, self_video: false, suppress: false, request_to_speak_timestamp: null, member: { user: { id: userId, bot: opts.bot === true }, roles: [], joined_at: '2025-01-01T00:00:00.000Z' } },
    receivedAt: at,
  });
  const minuteCron = (at: number) => worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: at }), w.env, createExecutionContext());

  it('the voice preset: XP per minute only with two non-bot members in the channel and not muted; a repeated minute pays once', { timeout: 30_000 }, async () => {
    expect((await w.run(w.admin, 'rules', { preset: 'voice' }, 'preset')).content).toContain('voice-xp');
    const [a, b, c] = [await w.member(), await w.member(), await w.member()];
    const room = w.g.channels.general!;
    const t = Math.floor(Date.now() / MIN) * MIN;
    // a alone with a bot: nothing.
    await deliver(w.env, [voice(a.user.id, room, t - 5000), voice('999', room, t - 5000, { bot: true })]);
    await minuteCron(t);
    expect(await xp(a.user.id)).toBe(0);
    // b joins, c joins muted: a and b earn, c does not.
    await deliver(w.env, [voice(b.user.id, room, t + 1000), voice(c.user.id, room, t + 1000, { mute: true })]);
    await minuteCron(t + MIN);
    await minuteCron(t + MIN); // the same minute again (a retried run)
    expect([await xp(a.user.id), await xp(b.user.id), await xp(c.user.id)]).toEqual([5, 5, 0]);
    // b leaves (an older state delivered late does not bring b back); muted c still counts as a member there, so a earns.
    await deliver(w.env, [voice(b.user.id, null, t + MIN + 2000), voice(b.user.id, room, t + MIN + 1500)]);
    await minuteCron(t + 2 * MIN);
    expect([await xp(a.user.id), await xp(b.user.id)]).toEqual([10, 5]);
    // c leaves too: a is alone and earns nothing.
    await deliver(w.env, [voice(c.user.id, null, t + 2 * MIN + 1000)]);
    await minuteCron(t + 3 * MIN);
    expect(await xp(a.user.id)).toBe(10);
  });
});
