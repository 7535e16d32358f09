import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modmailWorld, asTicketMember, type ModmailWorld } from './modmail.fixture';
import { openTicket } from './objects';

let w: ModmailWorld;
beforeEach(async () => {
  w = await modmailWorld();
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

describe('opening a ticket', () => {
  it('50 concurrent opens by one member give one ticket, one private thread and one card', async () => {
    const member = await w.member();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        openTicket(w.env, { guildId: w.g.guildId, member: asTicketMember(member.user), via: 'command', openedBy: member.user.id, sourceId: `press-${i}` }),
      ),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.filter((o) => o.ok && o.created)).toHaveLength(1);
    const tickets = await w.tickets();
    expect(tickets).toHaveLength(1);
    expect(new Set(outcomes.map((o) => (o.ok ? o.ticket.id : 0)))).toEqual(new Set([tickets[0]!.id]));
    const threads = await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/threads' });
    expect(threads).toHaveLength(1);
    const threadId = tickets[0]!.threadId!;
    const posted = await w.fake.messages(threadId);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.embeds[0]!.title).toBe(`Ticket #${tickets[0]!.id}`);
    const entries = await w.transcript(tickets[0]!.id);
    expect(entries.map((e) => [e.kind, e.action ?? e.sourceId])).toEqual([
      ['action', 'open'],
      ['message_out', 'greeting:' + tickets[0]!.id],
    ]);
  });
});
