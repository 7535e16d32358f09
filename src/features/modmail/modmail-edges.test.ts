/**
 * Bad input and the less-travelled paths of issue 13: an oversized context card, a category
 * removed while a ticket uses it, oversized and empty messages both ways, and a guild whose
 * modmail channel is a forum.
 */
import type { APIMessage, APIModalInteractionResponseCallbackData } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { EMBED_LIMITS, embedSize } from '../../discord/embeds';
import { send } from '../../testing/harness';
import { buttonPress, modalSubmit } from '../../testing/interactions';
import { snowflake } from '../../testing/snowflake';
import { GuildCategories } from './categories.repo';
import { asTicketMember, deliver, dmChannelOf, dmEvent, modmailWorld, type ModmailWorld, type Person } from './modmail.fixture';
import { openTicket } from './objects';
import { modmailTickets, type TicketRow } from './schema';
import { REPLY_MAX } from './interaction';

let w: ModmailWorld;
afterEach(async () => {
  await w.fake.assertNoViolations();
});

async function openFor(member: Person, extra: { categoryId?: number; subject?: string } = {}): Promise<TicketRow> {
  const outcome = await openTicket(w.env, { guildId: w.g.guildId, member: asTicketMember(member.user), via: 'command', openedBy: member.user.id, sourceId: snowflake(), ...extra });
  if (!outcome.ok) throw new Error(outcome.refusal.message);
  return outcome.ticket;
}

const memberPosts = async (ticket: TicketRow) => (await w.fake.messages(ticket.threadId!)).filter((m) => m.embeds[0]?.footer?.text.startsWith('From the member'));

/** The member's Reply modal submitted from their DMs with `text`. */
async function memberReply(member: Person, text: string) {
  const { body } = await send(modalSubmit(`modmail.mreplied:${w.g.guildId}`, { text }, { guildId: null, user: member.user }), w.env, { fake: w.fake });
  return body as { type: number; data?: { content?: string } };
}

describe('modmail: bad input and edge paths', () => {
  it('the context card of a member with 250 roles, 30 prior tickets and a 4,000-character subject fits Discord’s limits', async () => {
    w = await modmailWorld();
    const roles: string[] = [];
    for (let i = 0; i < 250; i++) roles.push((await w.fake.addRole(w.g.guildId, { name: `role-${i}-with-a-long-name`, position: 1 })).id);
    const id = await w.fake.addMember(w.g.guildId, { username: 'x'.repeat(32), globalName: 'Ｗ'.repeat(32), roles });
    const user = { id, username: 'x'.repeat(32), discriminator: '0', global_name: 'Ｗ'.repeat(32), avatar: null };
    const db = getDb(w.env);
    for (let i = 0; i < 30; i++) {
      await db.insert(modmailTickets).values({ guildId: w.g.guildId, memberId: id, openedVia: 'command', openedBy: id, state: 'closed', openedAt: Date.now() - 86_400_000 * (i + 1), closedAt: Date.now() - 86_400_000 * i });
    }
    const outcome = await openTicket(w.env, { guildId: w.g.guildId, member: asTicketMember(user as never), via: 'command', openedBy: id, sourceId: 'big', subject: 'why '.repeat(1000) });
    expect(outcome.ok).toBe(true);
    const ticket = (outcome as { ticket: TicketRow }).ticket;
    const [card] = await w.fake.messages(ticket.threadId!);
    const embed = card!.embeds[0]!;
    expect(embed.title).toBe(`Ticket #${ticket.id}`);
    expect(embedSize(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    const rolesField = embed.fields!.find((f) => f.name === 'Roles (250)')!;
    expect(rolesField.value).toMatch(/\+\d+ more$/);
    expect(rolesField.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    expect(embed.fields!.find((f) => f.name === 'Prior tickets')!.value).toBe('30');
  }, 60_000);

  it('a category removed while a ticket uses it: the ticket goes on (relay, reply, its name kept); new opens of it are refused', async () => {
    w = await modmailWorld();
    const categories = new GuildCategories(getDb(w.env), w.g.guildId);
    const appeal = (await categories.add({ name: 'Appeal', questions: [{ label: 'Which case?', style: 'short', required: true }], createdBy: w.admin.user.id }))!;
    const member = await w.member();
    const ticket = await openFor(member, { categoryId: appeal.id });
    expect(ticket.categoryId).toBe(appeal.id);
    await categories.remove('Appeal');
    // The member still reaches staff, staff still answer.
    expect((await memberReply(member, 'still about my appeal')).type).toBe(5);
    expect((await memberPosts(ticket)).map((m) => m.embeds[0]!.description)).toEqual(['still about my appeal']);
    const answered = await w.run(w.helper, 'reply', { text: 'We are looking at it' }, undefined, { channelId: ticket.threadId! });
    expect(answered.message!.embeds![0]!.footer!.text).toBe('Sent to the member');
    const [row] = await w.tickets();
    expect(row).toMatchObject({ state: 'open', categoryId: appeal.id });
    // A new open for the removed category is refused with a clear answer, and writes nothing.
    const other = await w.member();
    const refused = await openTicket(w.env, { guildId: w.g.guildId, member: asTicketMember(other.user), via: 'panel', openedBy: other.user.id, sourceId: 'late', categoryId: appeal.id });
    expect(refused).toMatchObject({ ok: false, refusal: { code: 'category_removed' } });
    expect(await w.tickets()).toHaveLength(1);
    // The stats still name it.
    const stats = await w.run(w.moderator, 'modmail', {}, 'stats');
    expect(JSON.stringify(stats.message ?? stats.content)).toContain('Appeal');
  });

  it('a 4,000-character DM (Nitro) reaches the thread whole; an over-long modal reply or /reply is refused clearly and sends nothing', async () => {
    w = await modmailWorld();
    const member = await w.member();
    const ticket = await openFor(member);
    const long = 'a'.repeat(1990) + ' ' + 'b'.repeat(2009);
    const dm = await dmChannelOf(w.env, member.user.id);
    expect((await deliver(w.env, [await dmEvent(w.fake, member.user, dm, long)])).retried).toEqual([]);
    expect((await memberPosts(ticket)).map((m) => m.embeds[0]!.description)).toEqual([long]);
    expect((await w.transcript(ticket.id)).find((e) => e.kind === 'message_in')!.content).toBe(long);

    // A crafted modal submit past the modal's limit: told, nothing relayed or recorded.
    const tooLong = 'c'.repeat(REPLY_MAX + 1);
    const refused = await memberReply(member, tooLong);
    expect(refused.data?.content).toContain(`at most ${REPLY_MAX} fit`);
    expect(await memberPosts(ticket)).toHaveLength(1);
    // Staff: over the limit is refused, under it (over 2,000) is sent whole.
    const entriesBefore = (await w.transcript(ticket.id)).length;
    const over = await w.run(w.helper, 'reply', { text: 'd'.repeat(REPLY_MAX + 500) }, undefined, { channelId: ticket.threadId! });
    expect(over.content).toContain(`at most ${REPLY_MAX} fit`);
    expect(await w.transcript(ticket.id)).toHaveLength(entriesBefore);
    const staffLong = 'e'.repeat(3000);
    await w.run(w.helper, 'reply', { text: staffLong }, undefined, { channelId: ticket.threadId! });
    expect((await w.fake.dms(member.user.id)).at(-1)!.embeds[0]!.description).toBe(staffLong);
    expect((await w.transcript(ticket.id)).at(-1)).toMatchObject({ kind: 'message_out', content: staffLong });
  });

  it('an empty Reply modal (member or staff) gets a clear answer and sends nothing', async () => {
    w = await modmailWorld();
    const member = await w.member();
    const ticket = await openFor(member);
    const before = (await w.transcript(ticket.id)).length;
    expect((await memberReply(member, '   \n ')).data?.content).toContain('Your message was empty');
    const staff = await send(
      modalSubmit(`modmail.sreplied:${ticket.id}:0`, { text: '  ' }, { guildId: w.g.guildId, channelId: ticket.threadId!, user: w.helper.user, roles: w.helper.roles }),
      w.env,
      { fake: w.fake },
    );
    expect((staff.body as { data: { content: string } }).data.content).toContain('The reply is empty');
    expect(await w.transcript(ticket.id)).toHaveLength(before);
    expect(await memberPosts(ticket)).toHaveLength(0);
    expect(await w.fake.dms(member.user.id)).toHaveLength(1); // the greeting only
  });

  it('a forum as the modmail channel: the ticket is a forum post (the card its first message), and both ways go there', async () => {
    w = await modmailWorld({ forum: true });
    const member = await w.member();
    const ticket = await openFor(member);
    expect(ticket.parentId).toBe(w.forumId);
    const threads = await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/threads' });
    expect(threads).toHaveLength(1);
    expect(threads[0]!.params.channel_id).toBe(w.forumId);
    expect((threads[0]!.body as { message?: unknown }).message).toBeDefined();
    const [first] = await w.fake.messages(ticket.threadId!);
    expect(first!.id).toBe(ticket.threadId);
    expect(first!.embeds[0]!.title).toBe(`Ticket #${ticket.id}`);
    // Member → staff, over HTTP (Reply button → modal) and through the gateway.
    const greeting = (await w.fake.dms(member.user.id))[0]!;
    const pressed = await send(buttonPress(`modmail.mreply:${w.g.guildId}`, { guildId: null, channelId: greeting.channel_id, user: member.user, message: greeting as APIMessage }), w.env, { fake: w.fake });
    const modal = (pressed.body as { data: APIModalInteractionResponseCallbackData }).data;
    await send(modalSubmit(modal.custom_id, { text: 'from the modal' }, { guildId: null, channelId: greeting.channel_id, user: member.user }), w.env, { fake: w.fake });
    await deliver(w.env, [await dmEvent(w.fake, member.user, greeting.channel_id, 'from a DM')]);
    expect((await memberPosts(ticket)).map((m) => m.embeds[0]!.description)).toEqual(['from the modal', 'from a DM']);
    // Staff → member from the post.
    const answered = await w.run(w.helper, 'reply', { text: 'Answer from the forum post' }, undefined, { channelId: ticket.threadId! });
    expect(answered.message!.embeds![0]!.footer!.text).toBe('Sent to the member');
    expect((await w.fake.dms(member.user.id)).at(-1)!.embeds[0]!.description).toBe('Answer from the forum post');
    // Closing archives and locks the post.
    const closed = await w.run(w.helper, 'close', { reason: 'done' }, undefined, { channelId: ticket.threadId! });
    expect(closed.content ?? '').not.toContain('Something went wrong');
    expect((await w.tickets())[0]!.state).toBe('closed');
  });
});
