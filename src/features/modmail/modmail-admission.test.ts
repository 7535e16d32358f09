import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lazyServices } from '../../core/interaction-context';
import { getDb } from '../../db/client';
import { guildWorld, type GuildWorld, type Person } from '../../testing/guild-world';
import { admitOpen, BUSY_REFUSAL } from './admission';
import { GuildTickets } from './tickets.repo';
import type { OpenRequest } from './ticket.types';

let w: GuildWorld;
beforeEach(async () => {
  w = await guildWorld();
});
afterEach(async () => {
  vi.useRealTimers();
  await w.fake.assertNoViolations();
});

const request = (p: Person, via: OpenRequest['via'] = 'panel'): OpenRequest => ({
  guildId: w.g.guildId,
  member: { id: p.user.id, username: p.user.username, globalName: null, avatar: null },
  via,
  openedBy: p.user.id,
  sourceId: `src-${p.user.id}`,
});
const admit = (p: Person, via?: OpenRequest['via']) => admitOpen(lazyServices({ env: w.env, waitUntil: () => {} }), request(p, via));

describe('modmail admission', () => {
  it('a blocked member is refused until the block runs out or is lifted; staff contact still reaches them', async () => {
    const member = await w.member();
    const blocked = await w.run(w.moderator, 'modmail', { member: { user: member.user.id }, duration: '2h', reason: 'spam' }, 'block');
    expect(blocked.ephemeral).toBe(true);
    expect(blocked.content).toMatch(new RegExp(`<@${member.user.id}> can't open modmail tickets until <t:\\d+:f> \\(2h\\)`));
    const refusal = await admit(member);
    expect(refusal?.code).toBe('blocked');
    expect(refusal?.message).toMatch(/^You can't contact the staff of this server through modmail until <t:\d+:f>\.$/);
    expect(refusal?.message).not.toContain('spam');
    expect(await admit(member, 'contact')).toBeNull();

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2 * 3_600_000 + 1000);
    expect(await admit(member)).toBeNull();
    vi.useRealTimers();

    await w.run(w.moderator, 'modmail', { member: { user: member.user.id } }, 'block');
    expect((await admit(member))?.message).toBe("You can't contact the staff of this server through modmail.");
    expect((await w.run(w.moderator, 'modmail', { member: { user: member.user.id } }, 'unblock')).content).toBe(`<@${member.user.id}> can open modmail tickets again.`);
    expect(await admit(member)).toBeNull();
    expect((await w.run(w.moderator, 'modmail', { member: { user: member.user.id } }, 'unblock')).content).toBe(`<@${member.user.id}> is not blocked from modmail.`);
    const helperTry = await w.run(w.helper, 'modmail', { member: { user: member.user.id } }, 'block');
    expect(helperTry.content).toMatch(/moderator/i);
  });

  it('refuses accounts younger than the minimum age, and answers "we are busy" at the open-ticket cap', async () => {
    const member = await w.member();
    const saved = await w.run(w.admin, 'modmail', { min_account_age: '30d', max_open: 2 }, 'limits');
    expect(saved.content).toContain('Minimum account age: 4w2d · open ticket cap: 2');
    // The fake's ids are minted now: the account is minutes old.
    const young = await admit(member);
    expect(young?.code).toBe('account_too_new');
    expect(young?.message).toMatch(/^Your account is too new to contact the staff of this server through modmail\. Please try again <t:\d+:R>\.$/);
    await w.run(w.admin, 'modmail', { min_account_age: 'off' }, 'limits');
    expect(await admit(member)).toBeNull();

    const tickets = new GuildTickets(getDb(w.env), w.g.guildId);
    await tickets.insertOpen({ memberId: '100000000000000001', openedVia: 'panel', openedBy: '100000000000000001' });
    expect(await admit(member)).toBeNull();
    await tickets.insertOpen({ memberId: '100000000000000002', openedVia: 'panel', openedBy: '100000000000000002' });
    expect(await admit(member)).toEqual(BUSY_REFUSAL);
    expect(await admit(member, 'contact')).toBeNull();
  });

  it('limits: shows the defaults, refuses what does not parse, and only administrators change them', async () => {
    const shown = await w.run(w.admin, 'modmail', {}, 'limits');
    expect(shown.content).toBe(
      'Modmail limits:\nReopen window: 1d\nStale warning after: 2d · auto-close after the warning: 1d\nClose when the member leaves: yes\nMinimum account age: none · open ticket cap: none\nAttachments kept: up to 8 MiB per file, 50 MiB per ticket',
    );
    expect((await w.run(w.admin, 'modmail', { stale_after: '10m' }, 'limits')).content).toContain("Those limits don't fit: staleAfterMs");
    expect((await w.run(w.admin, 'modmail', { stale_after: 'soon' }, 'limits')).content).toContain('is not a duration');
    expect((await w.run(w.moderator, 'modmail', { max_open: 5 }, 'limits')).content).toMatch(/administrator/i);
  });
});
