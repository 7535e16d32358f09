import { env } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readTranscript, transcriptKey } from './archive.service';
import { opsWorld, type OpsWorld } from './modmail-ops.fixture';
import { transcriptJson, type TranscriptDoc } from './transcript-doc';
import { recordEntry } from './transcript';
import { getDb } from '../../db/client';
import { closeTicketFor } from './public';

let w: OpsWorld;
// In the future of the real clock, so workerd never fires an alarm on its own during a test.
const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);
const at = (s: number) => vi.setSystemTime(T0 + s * 1000);

beforeEach(async () => {
  w = await opsWorld();
});
afterEach(async () => {
  vi.useRealTimers();
  await w.fake.assertNoViolations();
});

async function nameOf(id: string): Promise<string> {
  const u = await w.ctx.discord.users.get(id);
  return u.global_name ?? u.username;
}

describe('closing a ticket', () => {
  it('the transcript of a scripted conversation equals the expected JSON exactly; HTML to the log; member told; thread archived and locked', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const member = await w.member();
    at(0);
    const ticket = await w.open(member);
    at(60);
    await w.memberSays(ticket, member, 'Hello <@&123456789012345678>, my appeal <b>please</b>', [
      { id: '900000000000000001', filename: 'evidence.zip', size: 9 * 1024 * 1024, url: 'https://cdn.discordapp.com/attachments/1/900000000000000001/evidence.zip', contentType: 'application/zip' },
    ]);
    at(120);
    await recordEntry(getDb(w.env), { ticketId: ticket.id, kind: 'note', authorId: w.helper.user.id, content: 'Looks legit', sourceId: 'note-1' });
    at(180);
    await w.staffSays(ticket, w.helper, 'We will look at it.', true);
    at(240);
    const closed = await w.run(w.helper, 'close', { reason: 'Appeal accepted' }, undefined, { channelId: ticket.threadId! });
    await w.settle();
    expect(closed.ephemeral).toBe(true);
    expect(closed.content).toBe(`Closed ticket #${ticket.id}.`);

    const bot = env.DISCORD_APPLICATION_ID;
    const [memberName, helperName, botName] = await Promise.all([nameOf(member.user.id), nameOf(w.helper.user.id), nameOf(bot)]);
    const expected: TranscriptDoc = {
      version: 1,
      ticket: { id: String(ticket.id), guildId: w.g.guildId, memberId: member.user.id, memberName, category: null, openedAt: T0, closedAt: T0 + 240_000, closedBy: w.helper.user.id, closeReason: 'Appeal accepted' },
      entries: [
        { seq: 1, kind: 'action', at: T0, authorId: member.user.id, authorName: memberName, anonymous: false, content: 'Opened (command)', attachments: [] },
        { seq: 2, kind: 'message_out', at: T0, authorId: bot, authorName: botName, anonymous: true, content: 'Thanks for reaching out to the staff of **Utility Test**. Your message was passed on; we will answer here.', attachments: [] },
        {
          seq: 3, kind: 'message_in', at: T0 + 60_000, authorId: member.user.id, authorName: memberName, anonymous: false, content: 'Hello <@&123456789012345678>, my appeal <b>please</b>',
          attachments: [{ filename: 'evidence.zip', size: 9 * 1024 * 1024, contentType: 'application/zip', status: 'too_large', key: null }],
        },
        { seq: 4, kind: 'note', at: T0 + 120_000, authorId: w.helper.user.id, authorName: helperName, anonymous: false, content: 'Looks legit', attachments: [] },
        { seq: 5, kind: 'message_out', at: T0 + 180_000, authorId: w.helper.user.id, authorName: helperName, anonymous: true, content: 'We will look at it.', attachments: [] },
        { seq: 6, kind: 'action', at: T0 + 240_000, authorId: w.helper.user.id, authorName: helperName, anonymous: false, content: 'Closed (staff): Appeal accepted', attachments: [] },
      ],
    };
    const stored = await env.MODMAIL_ARCHIVE.get(transcriptKey(w.g.guildId, ticket.id));
    expect(await stored!.text()).toBe(transcriptJson(expected));
    expect(await readTranscript(w.env, w.g.guildId, ticket.id)).toEqual(expected);

    const [log] = await w.fake.messages(w.logChannelId);
    expect(log!.content).toBe(`Ticket #${ticket.id} · <@${member.user.id}> · closed by <@${w.helper.user.id}> (staff): Appeal accepted\n6 entries.`);
    expect(log!.attachments.map((a) => [a.filename, a.content_type])).toEqual([[`ticket-${ticket.id}.html`, 'text/html']]);
    const dms = (await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).filter((c) => c.body && JSON.stringify(c.body).includes('was closed'));
    expect(dms).toHaveLength(1);
    const thread = await w.ctx.discord.channels.get(ticket.threadId!);
    expect((thread as { thread_metadata?: { archived: boolean; locked: boolean } }).thread_metadata).toMatchObject({ archived: true, locked: true });
    expect((await w.ticket(ticket.id)).state).toBe('closed');
    expect(await w.timers(ticket)).toEqual([]);

    // A second close (someone else, a moment later) finds nothing to do and posts nothing.
    const again = await w.run(w.moderator, 'close', {}, undefined, { channelId: ticket.threadId! });
    expect(again.content).toBe(`Ticket #${ticket.id} is already closed. \`/reopen\` reopens it.`);
    expect(await w.fake.messages(w.logChannelId)).toHaveLength(1);
  });
});
