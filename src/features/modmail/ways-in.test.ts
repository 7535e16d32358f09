import type { APIMessage, APIModalInteractionResponseCallbackData } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registry } from '../../../workers/bot/index';
import { commandOptions } from '../../testing/guild-world';
import { send } from '../../testing/harness';
import { buttonPress, modalSubmit, slashCommand, subcommand } from '../../testing/interactions';
import { deliver, dmChannelOf, dmEvent, modmailWorld, type ModmailWorld } from './modmail.fixture';

let w: ModmailWorld;
beforeEach(async () => {
  w = await modmailWorld();
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

const modalOf = (o: { response: unknown }) => (o.response as { type: number; data: APIModalInteractionResponseCallbackData }).data;

describe('modmail: the ways in', () => {
  it('panel → category select → the category’s modal → one ticket, its thread (card, answers) and the greeting DM', async () => {
    const add = async (name: string, questions: string) => {
      const { opts } = await commandOptions(w.fake, w.g.guildId, { name, questions });
      return send(
        slashCommand('modmail', { guildId: w.g.guildId, channelId: w.g.channels.general!, user: w.admin.user, roles: w.admin.roles, options: [{ type: 2, name: 'category', options: [subcommand('add', opts)] }] as never }),
        w.env,
        { fake: w.fake },
      );
    };
    await add('Appeal', 'Which case? | Why should we lift it?');
    await add('Report', 'Who? | What happened?');
    const posted = await w.run(w.admin, 'modmail', {}, 'panel');
    expect(posted.content).toContain('Posted the panel');
    const panel = (await w.fake.messages(w.g.channels.general!)).find((m) => m.embeds[0]?.title === 'Contact staff')!;
    const member = await w.member();
    const menu = await w.press(member, 'modmail.panel', panel);
    expect(menu.ephemeral).toBe(true);
    const select = (menu.message!.components![0] as { components: { custom_id: string; options: { label: string; value: string }[] }[] }).components[0]!;
    expect(select.options.map((o) => o.label)).toEqual(['Appeal', 'Report']);
    const chosen = await w.choose(member, select.custom_id, [select.options[0]!.value], panel);
    const modal = modalOf(chosen);
    expect(modal.title).toBe('Contact staff: Appeal');
    expect(modal.components).toHaveLength(2);
    const { body } = await send(
      modalSubmit(modal.custom_id, { q0: 'Case 12', q1: 'It was a <@&123> @everyone misunderstanding' }, { guildId: w.g.guildId, channelId: panel.channel_id, user: member.user, roles: member.roles }),
      w.env,
      { fake: w.fake },
    );
    expect(body.type).toBe(5);
    const [ticket] = await w.tickets();
    expect(ticket).toMatchObject({ memberId: member.user.id, openedVia: 'panel', state: 'open', parentId: w.modmailChannelId, subject: 'Case 12' });
    const thread = await w.fake.messages(ticket!.threadId!);
    expect(thread[0]!.embeds[0]!.title).toBe(`Ticket #${ticket!.id}`);
    expect(thread[0]!.embeds[0]!.fields!.find((f) => f.name === 'Category')!.value).toBe('Appeal');
    expect(thread[1]!.embeds[0]!.description).toBe('**Which case?**\nCase 12\n\n**Why should we lift it?**\nIt was a <@&123> @everyone misunderstanding');
    // Mentions in the member's words never ping.
    const relayCall = (await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).find((c) => (c.body as { embeds?: { description?: string }[] }).embeds?.[0]?.description?.includes('Case 12'));
    expect((relayCall!.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
    const dms = await w.fake.dms(member.user.id);
    expect(dms).toHaveLength(1);
    expect(dms[0]!.embeds[0]!.description).toContain('Thanks for reaching out');
    expect(JSON.stringify(dms[0]!.components)).toContain('modmail.mreply');
    expect((await w.transcript(ticket!.id)).map((e) => e.kind)).toEqual(['action', 'message_in', 'message_out']);
  });

  it('/modmail open in the server with no categories: one question, then the ticket', async () => {
    const member = await w.member();
    const opened = await w.run(member, 'modmail', {}, 'open');
    const modal = modalOf(opened);
    expect(modal.components).toHaveLength(1);
    await send(modalSubmit(modal.custom_id, { q0: 'Hello staff' }, { guildId: w.g.guildId, user: member.user, roles: member.roles }), w.env, { fake: w.fake });
    const [ticket] = await w.tickets();
    expect(ticket).toMatchObject({ openedVia: 'command', subject: 'Hello staff' });
    // An empty form is refused and opens nothing.
    const other = await w.member();
    const empty = await send(modalSubmit(modal.custom_id, { q0: '   ' }, { guildId: w.g.guildId, user: other.user, roles: other.roles }), w.env, { fake: w.fake });
    expect((empty.body as { data: { content: string } }).data.content).toContain('The form was empty');
    expect(await w.tickets()).toHaveLength(1);
  });

  it('/modmail open in the bot’s DMs (BOT_DM context): straight to the modal of the one shared server, then the ticket', async () => {
    const member = await w.member();
    const { body } = await send(slashCommand('modmail', { guildId: null, user: member.user, options: [subcommand('open')] }), w.env, { fake: w.fake });
    const modal = (body as { data: APIModalInteractionResponseCallbackData }).data;
    expect(modal.title).toBe('Contact staff');
    await send(modalSubmit(modal.custom_id, { q0: 'From my DMs' }, { guildId: null, user: member.user }), w.env, { fake: w.fake });
    const [ticket] = await w.tickets();
    expect(ticket).toMatchObject({ memberId: member.user.id, openedVia: 'command', guildId: w.g.guildId });
    // The manifest lets /modmail run in the bot's DMs (contexts 0 and 1).
    const manifest = registry.manifest().find((c) => c.name === 'modmail');
    expect((manifest as { contexts: number[] }).contexts).toEqual([0, 1]);
  });

  it('a plain DM through the gateway: held, confirm button, then relayed in order into the new ticket', async () => {
    const member = await w.member();
    const dm = await dmChannelOf(w.env, member.user.id);
    const first = await dmEvent(w.fake, member.user, dm, 'I need help', {}, Date.now() - 2000);
    const second = await dmEvent(w.fake, member.user, dm, 'with my role', {}, Date.now() - 1000);
    expect((await deliver(w.env, [second, first])).retried).toEqual([]);
    expect(await w.tickets()).toHaveLength(0);
    const prompts = (await w.fake.messages(dm)).filter((m) => m.author.bot);
    expect(prompts).toHaveLength(1);
    expect(prompts[0]!.content).toContain('Do you want to send your message to the staff of **Utility Test**');
    const confirm = (prompts[0]!.components![0] as { components: { custom_id: string }[] }).components[0]!.custom_id;
    const { body } = await send(
      buttonPress(confirm, { guildId: null, channelId: dm, user: member.user, message: prompts[0] as APIMessage }),
      w.env,
      { fake: w.fake },
    );
    expect(body.type).toBe(6);
    const [ticket] = await w.tickets();
    expect(ticket).toMatchObject({ openedVia: 'dm', subject: 'I need help' });
    const relayed = (await w.fake.messages(ticket!.threadId!)).slice(1).map((m) => m.embeds[0]?.description);
    expect(relayed).toEqual(['I need help', 'with my role']);
    // A later DM goes straight to the ticket; a redelivery relays nothing twice.
    const third = await dmEvent(w.fake, member.user, dm, 'still there?');
    await deliver(w.env, [third]);
    await deliver(w.env, [third]);
    expect((await w.fake.messages(ticket!.threadId!)).slice(1).map((m) => m.embeds[0]?.description)).toEqual(['I need help', 'with my role', 'still there?']);
    expect((await w.transcript(ticket!.id)).filter((e) => e.kind === 'message_in').map((e) => e.content)).toEqual(['I need help', 'with my role', 'still there?']);
  });

  it('a DM from a member with no ticket is held without reading the DM channel’s history, and prompts once', async () => {
    const member = await w.member();
    const dm = await dmChannelOf(w.env, member.user.id);
    const a = await dmEvent(w.fake, member.user, dm, 'hello', {}, Date.now() - 1000);
    const b = await dmEvent(w.fake, member.user, dm, 'anyone?');
    await deliver(w.env, [b]);
    await deliver(w.env, [a]);
    await deliver(w.env, [b]);
    expect(await w.fake.calls({ method: 'GET', path: `/channels/${dm}/messages` })).toEqual([]);
    const prompts = (await w.fake.messages(dm)).filter((m) => m.author.bot);
    expect(prompts).toHaveLength(1);
    // Confirming releases both in the order they were typed, although the later one came first.
    const confirm = (prompts[0]!.components![0] as { components: { custom_id: string }[] }).components[0]!.custom_id;
    await send(buttonPress(confirm, { guildId: null, channelId: dm, user: member.user, message: prompts[0] as APIMessage }), w.env, { fake: w.fake });
    const [ticket] = await w.tickets();
    expect((await w.fake.messages(ticket!.threadId!)).slice(1).map((m) => m.embeds[0]?.description)).toEqual(['hello', 'anyone?']);
  });

  it('/modmail contact: staff open a ticket with a member, who is DMed the reason with a Reply button', async () => {
    const member = await w.member();
    const done = await w.run(w.helper, 'modmail', { member: { user: member.user.id }, reason: 'About your report' }, 'contact');
    const [ticket] = await w.tickets();
    expect(done.content).toBe(`Opened ticket #${ticket!.id} with <@${member.user.id}> in <#${ticket!.threadId}>.`);
    expect(ticket).toMatchObject({ openedVia: 'contact', openedBy: w.helper.user.id, memberId: member.user.id });
    const dms = await w.fake.dms(member.user.id);
    expect(dms[0]!.embeds[0]!.description).toContain('About your report');
    // The member answers over HTTP: Reply → modal → relayed into the thread.
    const pressed = await send(buttonPress(`modmail.mreply:${w.g.guildId}`, { guildId: null, channelId: dms[0]!.channel_id, user: member.user, message: dms[0] }), w.env, { fake: w.fake });
    const modal = (pressed.body as { data: APIModalInteractionResponseCallbackData }).data;
    await send(modalSubmit(modal.custom_id, { text: 'Thanks, here is more' }, { guildId: null, channelId: dms[0]!.channel_id, user: member.user }), w.env, { fake: w.fake });
    const thread = await w.fake.messages(ticket!.threadId!);
    expect(thread.at(-1)!.embeds[0]!.description).toBe('Thanks, here is more');
  });
});
