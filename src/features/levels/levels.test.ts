import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { guildWorld, type GuildWorld } from '../../testing/guild-world';
import { applyChangeAndNotify, findCurrency } from '../economy/public';
import { deliver, messageEvent } from '../rules/rules.fixture';
import { memberLevels } from './schema';

let w: GuildWorld;
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const MIN = 60_000;

beforeEach(async () => {
  w = await guildWorld({ roles: [{ name: 'L1' }, { name: 'L2' }, { name: 'L3' }] });
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

const db = () => getDb(w.env);

describe('levels', () => {
  it('level-ups from message XP: stack and replace rewards, announced in the message channel once, not for a member who opted out', { timeout: 30_000 }, async () => {
    await w.run(w.admin, 'rules', { preset: 'mee6-messages' }, 'preset');
    const r = await w.roles();
    expect((await w.run(w.admin, 'levels', { level: 1, role: { role: r.L1!.id }, mode: 'stack' }, 'reward')).content).toContain('(stack)');
    await w.run(w.admin, 'levels', { level: 1, role: { role: r.L2!.id }, mode: 'replace' }, 'reward');
    await w.run(w.admin, 'levels', { level: 2, role: { role: r.L3!.id }, mode: 'replace' }, 'reward');
    const a = await w.member();
    const quiet = await w.member();
    expect((await w.run(quiet, 'levels', { on: false }, 'announcements')).content).toBe('Your level-ups are no longer announced.');
    const other = w.g.channels.other!;
    // 7 messages a minute apart: 105-175 XP, level 1 (100) but not 2 (255).
    const burst = (userId: string, from: number, n: number) => Array.from({ length: n }, (_, i) => messageEvent(w.g.guildId, other, userId, { at: from + i * MIN }));
    await deliver(w.env, [...burst(a.user.id, T0, 7), ...burst(quiet.user.id, T0, 7)]);
    expect((await w.refresh(a)).roles).toEqual(expect.arrayContaining([r.L1!.id, r.L2!.id]));
    const announce = async () => (await w.fake.calls({ route: '/channels/{channel_id}/messages', method: 'POST' })).map((c) => (c.body as { content: string }).content);
    expect(await announce()).toEqual([`<@${a.user.id}> reached level 1!`]);
    expect((await w.refresh(quiet)).roles).toEqual(expect.arrayContaining([r.L1!.id, r.L2!.id]));
    // To level 2: L3 replaces L2, L1 (stack) stays.
    await deliver(w.env, burst(a.user.id, T0 + 10 * MIN, 12));
    const roles = (await w.refresh(a)).roles;
    expect(roles).toEqual(expect.arrayContaining([r.L1!.id, r.L3!.id]));
    expect(roles).not.toContain(r.L2!.id);
    expect(await announce()).toEqual([`<@${a.user.id}> reached level 1!`, `<@${a.user.id}> reached level 2!`]);
    expect((await w.run(a, 'rank', {})).content).toMatch(/level \*\*2\*\*/);
  });

  it('backfill brings every member in line with a changed reward within the cron budget, without announcements; awards level up through currency_changed', { timeout: 30_000 }, async () => {
    await w.run(w.admin, 'rules', { preset: 'mee6-messages' }, 'preset');
    const xp = (await findCurrency(db(), w.g.guildId, 'xp'))!;
    const members = [await w.member(), await w.member(), await w.member()];
    for (const [i, m] of members.entries()) {
      await applyChangeAndNotify({ env: w.env, db: db(), discord: undefined as never, waitUntil: () => {} }, { guildId: w.g.guildId, currencyId: xp.id, userId: m.user.id, amount: 300, direction: 'credit', source: 'award', idempotencyKey: `award-${i}`, actorId: w.admin.user.id });
    }
    const rows = await db().select().from(memberLevels).where(eq(memberLevels.guildId, w.g.guildId));
    expect(rows.map((r) => r.level)).toEqual([2, 2, 2]);
    await w.cron();
    const r = await w.roles();
    await w.run(w.admin, 'levels', { level: 2, role: { role: r.L3!.id } }, 'reward');
    expect((await w.run(w.admin, 'levels', {}, 'backfill')).content).toContain('Backfill started for 3 members');
    const postsBefore = (await w.fake.calls({ route: '/channels/{channel_id}/messages', method: 'POST' })).length;
    await w.cron();
    for (const m of members) expect((await w.refresh(m)).roles).toContain(r.L3!.id);
    expect((await w.fake.calls({ route: '/channels/{channel_id}/messages', method: 'POST' })).length).toBe(postsBefore);
    const pending = await db().select().from(memberLevels).where(and(eq(memberLevels.guildId, w.g.guildId), eq(memberLevels.pending, true)));
    expect(pending).toHaveLength(0);
  });
});
