import { afterEach, describe, expect, it } from 'vitest';
import { createDiscord } from '../../discord';
import { modmailWorld, asTicketMember, type ModmailWorld } from './modmail.fixture';
import { openTicket } from './objects';
import type { OpenRequest } from './ticket.types';

let w: ModmailWorld;
afterEach(async () => {
  await w.fake.assertNoViolations();
});

const THREADS = { method: 'POST', route: '/channels/{channel_id}/threads' } as const;

describe('opening a ticket: a retry never makes a second staff thread', () => {
  for (const forum of [false, true]) {
    it(`${forum ? 'forum post' : 'private thread'}: Discord made the thread but the answer was lost; the retry adopts it`, async () => {
      w = await modmailWorld({ forum });
      const member = await w.member();
      const request: OpenRequest = { guildId: w.g.guildId, member: asTicketMember(member.user), via: 'command', openedBy: member.user.id, sourceId: 'press-1' };
      // The create is applied, then answered with a 500: the thread exists, the ticket does not know it.
      await w.fake.failNext({ ...THREADS, status: 500, afterApply: true });
      await expect(openTicket(w.env, request)).rejects.toThrow();
      const [half] = await w.tickets();
      expect(half!.threadId).toBeNull();
      expect(await w.fake.calls(THREADS)).toHaveLength(1);

      const retried = await openTicket(w.env, { ...request, sourceId: 'press-2' });
      expect(retried.ok).toBe(true);
      const threads = await w.fake.calls(THREADS);
      expect(threads).toHaveLength(1);
      const { threads: active } = await createDiscord(w.env).guilds.activeThreads(w.g.guildId);
      expect(active).toHaveLength(1);
      const made = active[0]!.id;
      const [ticket] = await w.tickets();
      expect(ticket).toMatchObject({ id: half!.id, threadId: made, parentId: forum ? w.forumId : w.modmailChannelId });
      // One card, the open action and the greeting, done by the retry the first call never reached.
      const cards = (await w.fake.messages(made)).filter((m) => m.embeds[0]?.title === `Ticket #${ticket!.id}`);
      expect(cards).toHaveLength(1);
      expect((await w.transcript(ticket!.id)).map((e) => [e.kind, e.action ?? e.sourceId])).toEqual([
        ['action', 'open'],
        ['message_out', `greeting:${ticket!.id}`],
      ]);
      expect(await w.fake.dms(member.user.id)).toHaveLength(1);
      // A third open finds the finished ticket and changes nothing.
      const again = await openTicket(w.env, { ...request, sourceId: 'press-3' });
      expect(again).toMatchObject({ ok: true, created: false });
      expect(await w.fake.calls(THREADS)).toHaveLength(1);
      expect(await w.fake.dms(member.user.id)).toHaveLength(1);
    });
  }

  it('private thread: the card post failed after the thread was recorded; the retry posts it once', async () => {
    w = await modmailWorld();
    const member = await w.member();
    const request: OpenRequest = { guildId: w.g.guildId, member: asTicketMember(member.user), via: 'command', openedBy: member.user.id, sourceId: 'press-1' };
    // The card post is applied, then lost three times (the client retries a nonce'd post twice).
    await w.fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', status: 500, afterApply: true, times: 3 });
    await expect(openTicket(w.env, request)).rejects.toThrow();
    const [ticket] = await w.tickets();
    expect(ticket!.threadId).not.toBeNull();
    expect(await openTicket(w.env, { ...request, sourceId: 'press-2' })).toMatchObject({ ok: true });
    const cards = (await w.fake.messages(ticket!.threadId!)).filter((m) => m.embeds[0]?.title === `Ticket #${ticket!.id}`);
    expect(cards).toHaveLength(1);
    expect(await w.fake.calls(THREADS)).toHaveLength(1);
    expect(await w.fake.dms(member.user.id)).toHaveLength(1);
  });

  it('the greeting DM failed (not 50007): the retry sends it, once', async () => {
    // A forum: the card goes with the post, so the first message post is the greeting.
    w = await modmailWorld({ forum: true });
    const member = await w.member();
    const request: OpenRequest = { guildId: w.g.guildId, member: asTicketMember(member.user), via: 'command', openedBy: member.user.id, sourceId: 'press-1' };
    await w.fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', status: 500, times: 3 });
    await expect(openTicket(w.env, request)).rejects.toThrow();
    expect(await w.fake.dms(member.user.id)).toHaveLength(0);
    expect(await openTicket(w.env, { ...request, sourceId: 'press-2' })).toMatchObject({ ok: true });
    expect(await w.fake.dms(member.user.id)).toHaveLength(1);
    expect(await openTicket(w.env, { ...request, sourceId: 'press-3' })).toMatchObject({ ok: true, created: false });
    expect(await w.fake.dms(member.user.id)).toHaveLength(1);
    expect(await w.fake.calls(THREADS)).toHaveLength(1);
  });
});
