import type { APIModalInteractionResponseCallbackData } from 'discord-api-types/v10';
import { runDurableObjectAlarm } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { send } from '../../testing/harness';
import { messageCommand, modalSubmit } from '../../testing/interactions';
import { snowflake } from '../../testing/snowflake';
import { asTicketMember, deliver, dmChannelOf, dmEvent, modmailWorld, type ModmailWorld, type Person } from './modmail.fixture';
import { inboxObject, openTicket } from './objects';
import type { TicketRow } from './schema';

let w: ModmailWorld;
beforeEach(async () => {
  w = await modmailWorld();
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

async function openFor(member: Person): Promise<TicketRow> {
  const outcome = await openTicket(w.env, { guildId: w.g.guildId, member: asTicketMember(member.user), via: 'command', openedBy: member.user.id, sourceId: snowflake() });
  if (!outcome.ok) throw new Error(outcome.refusal.message);
  return outcome.ticket;
}

const inThread = (ticket: TicketRow) => ({ channelId: ticket.threadId! });

describe('modmail: relay', () => {
  it('the events consumer never waits on a failing relay: the DM is kept and the inbox’s backstop alarm relays it', async () => {
    const member = await w.member();
    const ticket = await openFor(member);
    const dm = await dmChannelOf(w.env, member.user.id);
    const event = await dmEvent(w.fake, member.user, dm, 'are you there?');
    // The staff-thread post fails (every retry of the REST client too): the event is still acked
    // (the inbox stored the DM), nothing is posted yet.
    await w.fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', status: 500, times: 20 });
    const first = await deliver(w.env, [event]);
    expect(first.retried).toEqual([]);
    await w.fake.clearFailures();
    const relayed = async () => (await w.fake.messages(ticket.threadId!)).filter((m) => m.embeds[0]?.footer?.text.startsWith('From the member')).map((m) => m.embeds[0]!.description);
    expect(await relayed()).toEqual([]);
    // The backstop alarm (run on demand here; it is armed for 30 s later) drains the inbox again: posted once.
    const inbox = inboxObject(w.env, member.user.id);
    expect(await runDurableObjectAlarm(inbox)).toBe(true);
    await inbox.idle();
    expect(await relayed()).toEqual(['are you there?']);
    expect((await w.transcript(ticket.id)).filter((e) => e.kind === 'message_in').map((e) => e.content)).toEqual(['are you there?']);
    // Nothing pending: no alarm is left armed, and a redelivery relays nothing twice.
    expect(await runDurableObjectAlarm(inbox)).toBe(false);
    await deliver(w.env, [event]);
    expect(await relayed()).toEqual(['are you there?']);
  });

  it('a DM flood (20 in one second, delivered out of order in two concurrent batches) reaches the thread in order, none lost', async () => {
    const member = await w.member();
    const ticket = await openFor(member);
    const dm = await dmChannelOf(w.env, member.user.id);
    const start = Date.now() - 1000;
    const events = [];
    for (let i = 0; i < 20; i++) events.push(await dmEvent(w.fake, member.user, dm, `message ${i}`, {}, start + i * 50));
    const shuffled = [...events].sort(() => Math.random() - 0.5);
    const results = await Promise.all([deliver(w.env, shuffled.slice(0, 10)), deliver(w.env, shuffled.slice(10))]);
    expect(results.flatMap((r) => r.retried)).toEqual([]);
    const posted = (await w.fake.messages(ticket.threadId!)).filter((m) => m.embeds[0]?.footer?.text.startsWith('From the member'));
    expect(posted.map((m) => m.embeds[0]!.description)).toEqual(events.map((_, i) => `message ${i}`));
    const entries = (await w.transcript(ticket.id)).filter((e) => e.kind === 'message_in');
    expect(entries.map((e) => e.content)).toEqual(events.map((_, i) => `message ${i}`));
    expect(entries.every((e) => e.threadMessageId !== null)).toBe(true);
  }, 30_000);

  it('relays a DM’s attachments and never lets the member’s mentions ping', async () => {
    const member = await w.member();
    const ticket = await openFor(member);
    const dm = await dmChannelOf(w.env, member.user.id);
    const attachment = { id: snowflake(), filename: 'proof.png', size: 2048, url: 'https://cdn.discordapp.com/attachments/1/2/proof.png', proxy_url: 'https://media.discordapp.net/x', content_type: 'image/png' };
    await deliver(w.env, [await dmEvent(w.fake, member.user, dm, '@everyone look <@&1>', { attachments: [attachment] as never })]);
    const [post] = (await w.fake.messages(ticket.threadId!)).slice(-1);
    expect(post!.embeds[0]!.image?.url).toBe(attachment.url);
    expect(post!.embeds[0]!.fields![0]!.value).toContain('proof.png');
    expect(post!.mention_everyone).toBe(false);
    const [entry] = (await w.transcript(ticket.id)).filter((e) => e.kind === 'message_in');
    expect(entry!.attachments).toEqual([{ id: attachment.id, filename: 'proof.png', size: 2048, url: attachment.url, contentType: 'image/png' }]);
  });

  it('/reply and /areply reach the member, signed or as the team; the thread shows a copy', async () => {
    const member = await w.member();
    const ticket = await openFor(member);
    const signed = await w.run(w.helper, 'reply', { text: 'Hi, I can help' }, undefined, inThread(ticket));
    expect(signed.ephemeral).toBe(false);
    expect(signed.message!.embeds![0]!.footer!.text).toBe('Sent to the member');
    await w.run(w.helper, 'areply', { text: 'From all of us' }, undefined, inThread(ticket));
    const dms = (await w.fake.dms(member.user.id)).slice(1);
    expect(dms.map((m) => [m.embeds[0]!.author!.name, m.embeds[0]!.description])).toEqual([
      [w.helper.user.username, 'Hi, I can help'],
      ['Staff team', 'From all of us'],
    ]);
    const out = (await w.transcript(ticket.id)).filter((e) => e.kind === 'message_out' && e.authorId === w.helper.user.id);
    expect(out.map((e) => [e.content, e.anonymous, e.dmMessageId !== null, e.threadMessageId !== null])).toEqual([
      ['Hi, I can help', false, true, true],
      ['From all of us', true, true, true],
    ]);
    const [row] = await w.tickets();
    expect(row!.firstResponseAt).not.toBeNull();
    // Outside a ticket's thread the commands refuse.
    expect((await w.run(w.helper, 'reply', { text: 'x' })).content).toContain('only works in a modmail ticket');
  });

  it('a reply Discord refuses with 50007 is recorded as undelivered and staff are warned', async () => {
    const member = await w.member({ dmsClosed: true });
    const ticket = await openFor(member);
    const greeting = (await w.transcript(ticket.id)).find((e) => e.sourceId === `greeting:${ticket.id}`);
    expect(greeting!.kind).toBe('undelivered');
    const answer = await w.run(w.helper, 'reply', { text: 'Are you there?' }, undefined, inThread(ticket));
    expect(answer.content).toContain('Not delivered');
    expect(answer.message!.embeds![0]!.footer!.text).toBe('NOT delivered (kept as undelivered)');
    const entry = (await w.transcript(ticket.id)).find((e) => e.content === 'Are you there?');
    expect(entry).toMatchObject({ kind: 'undelivered', authorId: w.helper.user.id, dmMessageId: null });
    expect((await w.fake.messages(ticket.threadId!)).some((m) => m.content.includes('Not delivered'))).toBe(true);
  });

  it('the Reply button on a relayed message opens the modal whose submit is sent; "Send to member" sends a staff note once', async () => {
    const member = await w.member();
    const ticket = await openFor(member);
    const dm = await dmChannelOf(w.env, member.user.id);
    await deliver(w.env, [await dmEvent(w.fake, member.user, dm, 'question?')]);
    const relayed = (await w.fake.messages(ticket.threadId!)).at(-1)!;
    const button = (relayed.components![0] as { components: { custom_id: string }[] }).components[1]!.custom_id;
    const pressed = await w.press(w.helper, button, relayed);
    const modal = (pressed.response as { data: APIModalInteractionResponseCallbackData }).data;
    await send(modalSubmit(modal.custom_id, { text: 'Anonymous answer' }, { guildId: w.g.guildId, channelId: ticket.threadId!, user: w.helper.user, roles: w.helper.roles }), w.env, { fake: w.fake });
    expect((await w.fake.dms(member.user.id)).at(-1)!.embeds[0]).toMatchObject({ author: { name: 'Staff team' }, description: 'Anonymous answer' });

    // A staff message typed in the thread is an internal note (recorded, not sent)…
    const note = await w.fake.seedMessage(ticket.threadId!, { authorId: w.helper.user.id, content: 'Internal: check case 4, then tell them' });
    const noteEvent = {
      type: 'MESSAGE_CREATE',
      sourceId: note.id,
      guildId: w.g.guildId,
      payload: { ...note, guild_id: w.g.guildId, position: 3 },
      receivedAt: Date.now(),
    };
    await deliver(w.env, [noteEvent]);
    expect((await w.transcript(ticket.id)).find((e) => e.sourceId === note.id)).toMatchObject({ kind: 'note', content: 'Internal: check case 4, then tell them' });
    const dmsBefore = (await w.fake.dms(member.user.id)).length;
    // …until "Send to member" sends it; pressing it twice sends it once.
    const sendIt = () =>
      send(messageCommand('Send to member', note, { guildId: w.g.guildId, channelId: ticket.threadId!, user: w.helper.user, roles: w.helper.roles }), w.env, { fake: w.fake });
    await sendIt();
    await sendIt();
    const dms = await w.fake.dms(member.user.id);
    expect(dms).toHaveLength(dmsBefore + 1);
    expect(dms.at(-1)!.embeds[0]!.description).toBe('Internal: check case 4, then tell them');
    expect((await w.transcript(ticket.id)).filter((e) => e.sourceId === `send:${note.id}`)).toHaveLength(1);
  });

  it('claim, transfer, unclaim, priority and subscribe are recorded; a subscriber is pinged on the next member message', async () => {
    const member = await w.member();
    const ticket = await openFor(member);
    const where = inThread(ticket);
    expect((await w.run(w.helper, 'ticket', {}, 'claim', where)).content).toBe(`<@${w.helper.user.id}> claimed ticket #${ticket.id}.`);
    expect((await w.run(w.moderator, 'ticket', {}, 'claim', where)).content).toBe(`<@${w.helper.user.id}> holds this ticket; ask them to transfer it.`);
    await w.run(w.helper, 'ticket', { to: { user: w.moderator.user.id } }, 'transfer', where);
    expect((await w.tickets())[0]!.claimedBy).toBe(w.moderator.user.id);
    await w.run(w.moderator, 'ticket', {}, 'unclaim', where);
    await w.run(w.helper, 'ticket', { level: 'urgent' }, 'priority', where);
    expect((await w.tickets())[0]).toMatchObject({ claimedBy: null, priority: 'urgent' });
    expect((await w.run(w.helper, 'ticket', {}, 'subscribe', where)).ephemeral).toBe(true);
    const actions = (await w.transcript(ticket.id)).filter((e) => e.kind === 'action').map((e) => e.action);
    expect(actions).toEqual(['open', 'claim', 'transfer', 'unclaim', 'priority', 'subscribe']);
    const dm = await dmChannelOf(w.env, member.user.id);
    await deliver(w.env, [await dmEvent(w.fake, member.user, dm, 'ping me')]);
    const post = (await w.fake.messages(ticket.threadId!)).at(-1)!;
    expect(post.content).toBe(`<@${w.helper.user.id}>`);
    const call = (await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).at(-1)!;
    expect((call.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [], users: [w.helper.user.id], roles: [] });
  });
});
