import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { api, dashboardWorld } from '../../testing/dashboard';
import { GuildCases } from './cases.repo';

describe('moderation dashboard API', () => {
  it('lists cases by member, amends a reason (history kept), adds a note and shows the member history', async () => {
    const w = await dashboardWorld();
    const cookie = await w.as('moderator');
    const base = `/api/guilds/${w.g.guildId}/moderation`;
    const cases = new GuildCases(getDb(w.env), w.g.guildId);
    const target = w.ids.member;
    await cases.create({ type: 'warn', actorId: w.ids.moderator, targetId: target, reason: 'Spam' });
    await cases.create({ type: 'warn', actorId: w.ids.moderator, targetId: w.ids.helper, reason: 'Other' });
    await cases.create({ type: 'timeout', actorId: w.ids.moderator, targetId: target, reason: 'More spam', durationMs: 3_600_000 });

    const all = await api(w.env, 'GET', `${base}/cases?limit=2`, { cookie });
    expect(all.body.cases.map((c: { number: number }) => c.number)).toEqual([3, 2]);
    expect(all.body.next).toBe(2);
    const theirs = await api(w.env, 'GET', `${base}/cases?member=${target}`, { cookie });
    expect(theirs.body.cases.map((c: { number: number }) => c.number)).toEqual([3, 1]);

    const empty = await api(w.env, 'POST', `${base}/cases/1/reason`, { cookie, body: { text: '   ' } });
    expect(empty.status).toBe(422);
    expect(empty.body.fields).toHaveProperty('text');
    const amended = await api(w.env, 'POST', `${base}/cases/1/reason`, { cookie, body: { text: 'Spam in #general' } });
    expect(amended.status).toBe(200);
    expect(amended.body.case.reason).toBe('Spam');
    expect(amended.body.case.amendments).toMatchObject([{ actorId: w.ids.moderator, text: 'Spam in #general' }]);
    expect((await api(w.env, 'POST', `${base}/cases/99/reason`, { cookie, body: { text: 'x' } })).status).toBe(404);

    const note = await api(w.env, 'POST', `${base}/members/${target}/notes`, { cookie, body: { text: 'Watch this one' } });
    expect(note.status).toBe(201);
    const history = await api(w.env, 'GET', `${base}/members/${target}`, { cookie });
    expect(history.body.cases).toHaveLength(2);
    expect(history.body.notes).toMatchObject([{ text: 'Watch this one', actorId: w.ids.moderator }]);

    const audit = await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/audit?area=moderation`, { cookie: await w.as('owner') });
    expect(audit.body.entries.map((e: { action: string; revertible: boolean }) => [e.action, e.revertible])).toEqual([
      ['moderation.note.add', false],
      ['moderation.case.reason', false],
    ]);
    // A reviewer is below the moderation pages.
    expect((await api(w.env, 'GET', `${base}/cases`, { cookie: await w.as('reviewer') })).status).toBe(403);
  });
});
