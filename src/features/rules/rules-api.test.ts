import { and, eq, like } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../core/schema';
import { getDb } from '../../db/client';
import { api, signIn } from '../../testing/dashboard';
import { guildWorld, type GuildWorld } from '../../testing/guild-world';
import { balanceOf, findCurrency } from '../economy/public';
import { ledgerTx } from '../economy/schema';
import { deliver, messageEvent } from './rules.fixture';
import { ruleFires } from './schema';

let w: GuildWorld;
let owner: string;
let moderator: string;
const base = () => `/api/guilds/${w.g.guildId}`;
const db = () => getDb(w.env);
const count = async (table: typeof ledgerTx | typeof ruleFires | typeof auditLog) => (await db().select().from(table)).length;

beforeEach(async () => {
  w = await guildWorld();
  owner = await signIn(w.env, { userId: w.owner.user.id, username: 'owner' });
  moderator = await signIn(w.env, { userId: w.moderator.user.id, username: 'moderator' });
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

const flat = (amount: number) => ({ name: 'message-xp', trigger: { event: 'MESSAGE_CREATE' }, conditions: [{ type: 'message_length', min: 1 }, { type: 'cooldown', seconds: 60 }], effects: [{ type: 'credit', currency: 'xp', amount }] });

describe('rules dashboard API', () => {
  it('creates from JSON (zod paths as 422 fields), lists, shows, disables, enables, replaces and deletes a rule, each audited', async () => {
    expect((await api(w.env, 'POST', `${base()}/rules/presets/mee6-messages`, { cookie: moderator })).status).toBe(403);
    const bad = await api(w.env, 'POST', `${base()}/rules`, { cookie: owner, body: { name: 'Bad Name', trigger: { event: 'NOPE' }, effects: [{ type: 'credit', currency: 'xp', amount: 0 }] } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.fields)).toEqual(expect.arrayContaining(['name', 'trigger.event', 'effects.0.amount']));
    const noCurrency = await api(w.env, 'POST', `${base()}/rules`, { cookie: owner, body: { ...flat(5), name: 'gems' , effects: [{ type: 'credit', currency: 'gems', amount: 5 }] } });
    expect(noCurrency.status).toBe(422);
    expect(noCurrency.body.fields['effects.0.currency']).toContain('no currency');

    const preset = await api(w.env, 'POST', `${base()}/rules/presets/mee6-messages`, { cookie: owner });
    expect(preset.status).toBe(200);
    const list = await api(w.env, 'GET', `${base()}/rules`, { cookie: owner });
    expect(list.body.rules.map((r: { rule: { name: string } }) => r.rule.name)).toEqual(['message-xp']);
    expect(list.body.presets.map((p: { name: string }) => p.name)).toContain('mee6-messages');
    const created = await api(w.env, 'POST', `${base()}/rules`, { cookie: owner, body: { ...flat(5), name: 'bonus' } });
    expect(created.status).toBe(201);
    expect((await api(w.env, 'POST', `${base()}/rules`, { cookie: owner, body: { ...flat(5), name: 'bonus' } })).status).toBe(409);
    expect((await api(w.env, 'GET', `${base()}/rules/bonus`, { cookie: owner })).body.rule.effects[0].amount).toBe(5);
    const off = await api(w.env, 'PUT', `${base()}/rules/bonus/enabled`, { cookie: owner, body: { enabled: false } });
    expect(off.body.enabled).toBe(false);
    const replaced = await api(w.env, 'PUT', `${base()}/rules/bonus`, { cookie: owner, body: { ...flat(9), name: 'bonus' } });
    expect(replaced.body.rule.effects[0].amount).toBe(9);
    const renamed = await api(w.env, 'PUT', `${base()}/rules/bonus`, { cookie: owner, body: { ...flat(9), name: 'other' } });
    expect(renamed.status).toBe(422);
    expect(renamed.body.fields).toHaveProperty('name');
    expect((await api(w.env, 'DELETE', `${base()}/rules/bonus`, { cookie: owner })).status).toBe(200);
    expect((await api(w.env, 'GET', `${base()}/rules/bonus`, { cookie: owner })).status).toBe(404);
    const actions = (await db().select().from(auditLog).where(and(eq(auditLog.guildId, w.g.guildId), like(auditLog.action, 'rules.%')))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['rules.create.bonus', 'rules.disable.bonus', 'rules.update.bonus', 'rules.delete.bonus']));
  });

  it('a dry run (saved rule, or a changed definition) reports per member what a real run credits on the same events and why it refused, writing nothing; recompute applies the change once', { timeout: 60_000 }, async () => {
    await api(w.env, 'POST', `${base()}/rules/presets/mee6-messages`, { cookie: owner });
    // The fixture of rules.test.ts: 60 messages of 3 members over 10 minutes, every 7th empty.
    const members = [await w.member(), await w.member(), await w.member()];
    const now = Date.now();
    const events = [];
    for (let i = 0; i < 60; i++) events.push(messageEvent(w.g.guildId, w.g.channels.general!, members[i % 3]!.user.id, { at: now - 3 * 86_400_000 + i * 10_000, length: i % 7 === 0 ? 0 : 30 }));
    await deliver(w.env, events);
    const xp = (await findCurrency(db(), w.g.guildId, 'xp'))!;

    const writes = async () => [await count(ledgerTx), await count(ruleFires), await count(auditLog)];
    const before = await writes();
    const report = await api(w.env, 'POST', `${base()}/rules/dry-run`, { cookie: owner, body: { name: 'message-xp', days: 7 } });
    expect(report.status).toBe(200);
    expect(report.body.events).toBe(60);
    expect(report.body.refused).toMatchObject({ message_length: expect.any(Number), cooldown: expect.any(Number) });
    expect(report.body.currencies).toEqual({ [xp.id]: 'xp' });
    for (const m of members) {
      const row = report.body.members.find((r: { userId: string }) => r.userId === m.user.id);
      expect(row.credits[xp.id]).toBe(await balanceOf(db(), w.g.guildId, xp.id, m.user.id));
      expect(row.refused.cooldown).toBeGreaterThan(0);
    }
    expect(await writes()).toEqual(before);

    // A changed definition, before saving it: zod paths under `rule.`, then the report.
    const bad = await api(w.env, 'POST', `${base()}/rules/dry-run`, { cookie: owner, body: { rule: { ...flat(40), effects: [{ type: 'credit', currency: 'xp', amount: -1 }] }, days: 7 } });
    expect(bad.status).toBe(422);
    expect(bad.body.fields).toHaveProperty(['rule.effects.0.amount']);
    const notReplayable = await api(w.env, 'POST', `${base()}/rules/dry-run`, { cookie: owner, body: { rule: { ...flat(40), name: 'lvl', trigger: { event: 'level_up' } }, days: 7 } });
    expect(notReplayable.status).toBe(422);
    expect(notReplayable.body.fields).toHaveProperty(['rule.trigger.event']);
    const tried = await api(w.env, 'POST', `${base()}/rules/dry-run`, { cookie: owner, body: { rule: flat(40), days: 7 } });
    expect(tried.status).toBe(200);
    for (const row of tried.body.members) expect(row.credits[xp.id] % 40).toBe(0);
    expect(await writes()).toEqual(before);

    // Save it, recompute: the balances become what the dry run said; a second recompute finds nothing.
    await api(w.env, 'PUT', `${base()}/rules/message-xp`, { cookie: owner, body: flat(40) });
    const first = await api(w.env, 'POST', `${base()}/rules/message-xp/recompute`, { cookie: owner, body: { days: 7 } });
    expect(first.status).toBe(200);
    expect(first.body.moved).toBe(3);
    for (const row of tried.body.members) expect(await balanceOf(db(), w.g.guildId, xp.id, row.userId)).toBe(row.credits[xp.id]);
    const second = await api(w.env, 'POST', `${base()}/rules/message-xp/recompute`, { cookie: owner, body: { days: 7 } });
    expect(second.body).toMatchObject({ moved: 0, corrections: [] });
    expect((await db().select().from(auditLog).where(eq(auditLog.action, 'rules.recompute.message-xp'))).length).toBe(1);
  });
});

describe('levels settings and pickers API', () => {
  it('sets the XP currency, curve, announcements and level roles (stack/replace); roles and channels are checked against the server; the pickers list names', async () => {
    const pickers = await api(w.env, 'GET', `${base()}/pickers`, { cookie: moderator });
    expect(pickers.status).toBe(200);
    expect(pickers.body.roles.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['Helpers', 'Moderators', '@everyone']));
    expect(pickers.body.channels).toEqual(expect.arrayContaining([expect.objectContaining({ id: w.g.channels.general, name: 'general', kind: 'text' })]));

    await api(w.env, 'POST', `${base()}/economy/currencies`, { cookie: owner, body: { name: 'xp', kind: 'xp' } });
    await api(w.env, 'POST', `${base()}/economy/currencies`, { cookie: owner, body: { name: 'coins' } });
    expect((await api(w.env, 'GET', `${base()}/levels/settings`, { cookie: moderator })).status).toBe(403);
    const spendable = await api(w.env, 'PATCH', `${base()}/levels/settings`, { cookie: owner, body: { currency: 'coins' } });
    expect(spendable.status).toBe(422);
    expect(spendable.body.fields.currency).toContain('spendable');
    const badRoles = await api(w.env, 'PATCH', `${base()}/levels/settings`, {
      cookie: owner,
      body: { rewards: [{ level: 5, roleId: '123456789012345678', mode: 'stack' }, { level: 0, roleId: w.g.roles.Helpers, mode: 'replace' }], announce: { mode: 'channel', channelId: null, template: 'hi' } },
    });
    expect(badRoles.status).toBe(422);
    expect(Object.keys(badRoles.body.fields).sort()).toEqual(['announce.channelId', 'rewards.1.level']);
    const unknownRole = await api(w.env, 'PATCH', `${base()}/levels/settings`, { cookie: owner, body: { rewards: [{ level: 5, roleId: '123456789012345678', mode: 'stack' }] } });
    expect(unknownRole.body.fields).toEqual({ 'rewards.0.roleId': 'There is no such role in this server.' });

    const saved = await api(w.env, 'PATCH', `${base()}/levels/settings`, {
      cookie: owner,
      body: {
        currency: 'xp',
        curve: { kind: 'linear', base: 100, step: 20, maxLevel: 50 },
        announce: { mode: 'channel', channelId: w.g.channels.general, template: '{user} is level {level}' },
        rewards: [{ level: 10, roleId: w.g.roles.Moderators, mode: 'replace' }, { level: 5, roleId: w.g.roles.Helpers, mode: 'stack' }],
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ currency: { name: 'xp' }, curve: { kind: 'linear', base: 100, step: 20, maxLevel: 50 }, announce: { mode: 'channel', channelId: w.g.channels.general } });
    expect(saved.body.rewards.map((r: { level: number; mode: string }) => `${r.level}:${r.mode}`)).toEqual(['5:stack', '10:replace']);
    const actions = (await db().select().from(auditLog).where(eq(auditLog.guildId, w.g.guildId))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['settings.levels', 'economy.currency.edit']));
  });
});
