import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { testEnv } from '../../testing/harness';
import { snowflake } from '../../testing/snowflake';
import { modmailTickets } from './schema';
import { latestOpenTickets, openTicketsOfUser } from './tickets.repo';

describe('latestOpenTickets', () => {
  it('gives each user the open ticket their DM goes to (as openTicketsOfUser’s first), one read for many users', async () => {
    const db = getDb(testEnv());
    const [a, b, c] = [snowflake(), snowflake(), snowflake()];
    const [g1, g2, g3] = [snowflake(), snowflake(), snowflake()];
    const ticket = (guildId: string, memberId: string, fields: Partial<typeof modmailTickets.$inferInsert>) => ({ guildId, memberId, openedVia: 'command' as const, openedBy: memberId, openedAt: 1_000, ...fields });
    await db.insert(modmailTickets).values([
      ticket(g1, a, { lastMemberMessageAt: 5_000 }),
      ticket(g2, a, { lastStaffMessageAt: 9_000 }), // a's most recent activity
      ticket(g3, a, { state: 'closed', lastMemberMessageAt: 20_000 }),
      ticket(g1, b, { state: 'closed' }),
    ]);
    const latest = await latestOpenTickets(db, [a, b, c]);
    expect([...latest.keys()]).toEqual([a]);
    expect(latest.get(a)!.guildId).toBe(g2);
    expect(latest.get(a)!.id).toBe((await openTicketsOfUser(db, a))[0]!.id);
    // More users than one read binds: still every user's ticket.
    const many = Array.from({ length: 200 }, () => snowflake());
    const rows = many.filter((_, i) => i % 2 === 0).map((m) => ticket(g1, m, {}));
    for (let i = 0; i < rows.length; i += 10) await db.insert(modmailTickets).values(rows.slice(i, i + 10));
    const found = await latestOpenTickets(db, [...many, a]);
    expect(found.size).toBe(101);
    expect(many.every((m, i) => found.has(m) === (i % 2 === 0))).toBe(true);
  });
});
