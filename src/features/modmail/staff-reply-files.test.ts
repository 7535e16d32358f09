import { ApplicationCommandOptionType, ComponentType, type APIAttachment, type APIModalInteractionResponseCallbackData } from 'discord-api-types/v10';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../db/client';
import { send } from '../../testing/harness';
import { messageCommand, modalSubmit, slashCommand } from '../../testing/interactions';
import { snowflake } from '../../testing/snowflake';
import { asTicketMember, deliver, dmChannelOf, dmEvent, modmailWorld, type ModmailWorld, type Person } from './modmail.fixture';
import { openTicket } from './objects';
import { modmailAttachments } from './ops.schema';
import type { TicketRow } from './schema';

let w: ModmailWorld;
/** The URLs the bot asked Discord's CDN for. */
let cdnCalls: string[];
/** What Discord's CDN serves (the fake Discord serves the API, not the CDN). */
let cdnFiles: Map<string, Uint8Array>;

beforeEach(async () => {
  w = await modmailWorld();
  cdnCalls = [];
  cdnFiles = new Map();
  const real = globalThis.fetch;
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (new URL(url).hostname !== 'cdn.discordapp.com') return real(input, init);
    cdnCalls.push(url);
    const body = cdnFiles.get(url);
    return Promise.resolve(body ? new Response(body) : new Response('gone', { status: 404 }));
  });
});
afterEach(async () => {
  vi.unstubAllGlobals();
  await w.fake.assertNoViolations();
});

async function openFor(member: Person): Promise<TicketRow> {
  const outcome = await openTicket(w.env, { guildId: w.g.guildId, member: asTicketMember(member.user), via: 'command', openedBy: member.user.id, sourceId: snowflake() });
  if (!outcome.ok) throw new Error(outcome.refusal.message);
  return outcome.ticket;
}

/**
 * An attachment as Discord resolves it: a modal's or an option's upload (ephemeral), or with
 * `channelId` a file of a message in that channel; `bytes` are put on the CDN.
 */
function upload(filename: string, size: number, contentType: string, bytes?: Uint8Array, channelId?: string): APIAttachment {
  const id = snowflake();
  const url = `https://cdn.discordapp.com/${channelId ? `attachments/${channelId}` : `ephemeral-attachments/${snowflake()}`}/${id}/${filename}?ex=1&hm=2`;
  if (bytes) cdnFiles.set(url, bytes);
  return { id, filename, size, url, proxy_url: url.replace('cdn.discordapp.com', 'media.discordapp.net'), content_type: contentType };
}

/** Opens the staff Reply modal on the member's relayed message and submits it with `text` and `files`. */
async function staffModalReply(ticket: TicketRow, member: Person, text: string, files: APIAttachment[]) {
  await deliver(w.env, [await dmEvent(w.fake, member.user, await dmChannelOf(w.env, member.user.id), 'can you look at this?')]);
  const relayed = (await w.fake.messages(ticket.threadId!)).at(-1)!;
  const button = (relayed.components![0] as { components: { custom_id: string }[] }).components[0]!.custom_id;
  const modal = ((await w.press(w.helper, button, relayed)).response as { data: APIModalInteractionResponseCallbackData }).data;
  const submit = modalSubmit(modal.custom_id, {}, { guildId: w.g.guildId, channelId: ticket.threadId!, user: w.helper.user, roles: w.helper.roles }) as unknown as { data: Record<string, unknown> };
  submit.data.components = [
    { type: ComponentType.Label, component: { type: ComponentType.TextInput, custom_id: 'text', value: text } },
    { type: ComponentType.Label, component: { type: ComponentType.FileUpload, custom_id: 'files', values: files.map((f) => f.id) } },
  ];
  submit.data.resolved = { attachments: Object.fromEntries(files.map((f) => [f.id, f])) };
  return { modal, sent: await send(submit as never, w.env, { fake: w.fake }) };
}

async function archived(ticketId: number) {
  return getDb(w.env).select().from(modmailAttachments).where(eq(modmailAttachments.ticketId, ticketId));
}

describe('modmail: files in staff replies', () => {
  it('"Send to member" on a staff note with files sends the files too; a file-only note is fine; a file too big is refused before anything is sent', async () => {
    const member = await w.member();
    const ticket = await openFor(member);
    const bytes = new TextEncoder().encode('the form, filled in');
    const form = upload('form.pdf', bytes.byteLength, 'application/pdf', bytes, ticket.threadId!);
    const seeded = await w.fake.seedMessage(ticket.threadId!, { authorId: w.helper.user.id, content: 'Please fill this in' });
    const sendIt = (message: typeof seeded) =>
      send(messageCommand('Send to member', message, { guildId: w.g.guildId, channelId: ticket.threadId!, user: w.helper.user, roles: w.helper.roles }), w.env, { fake: w.fake });

    await sendIt({ ...seeded, attachments: [form] });
    const dm = (await w.fake.dms(member.user.id)).at(-1)!;
    expect(dm.embeds[0]!.description).toBe('Please fill this in');
    expect(dm.attachments).toMatchObject([{ filename: 'form.pdf', size: bytes.byteLength, content_type: 'application/pdf' }]);
    const entry = (await w.transcript(ticket.id)).find((e) => e.sourceId === `send:${seeded.id}`)!;
    expect(entry.attachments).toEqual([{ id: form.id, filename: 'form.pdf', size: bytes.byteLength, url: form.url, contentType: 'application/pdf' }]);
    expect((await archived(ticket.id)).map((r) => [r.attachmentId, r.status])).toEqual([[form.id, 'stored']]);

    const shot = upload('only.png', 5, 'image/png', new Uint8Array(5), ticket.threadId!);
    const bare = await w.fake.seedMessage(ticket.threadId!, { authorId: w.helper.user.id, content: '' });
    await sendIt({ ...bare, attachments: [shot] });
    expect((await w.fake.dms(member.user.id)).at(-1)!.attachments).toMatchObject([{ filename: 'only.png', size: 5 }]);

    const dmsBefore = (await w.fake.dms(member.user.id)).length;
    const callsBefore = cdnCalls.length;
    const big = upload('video.mp4', 9 * 1024 * 1024, 'video/mp4', undefined, ticket.threadId!);
    const heavy = await w.fake.seedMessage(ticket.threadId!, { authorId: w.helper.user.id, content: 'the recording' });
    const refused = (await sendIt({ ...heavy, attachments: [big] })).body as { type: number; data: { content: string; flags: number } };
    expect(refused.type).toBe(4);
    expect(refused.data.flags & 64).toBe(64);
    expect(refused.data.content).toContain('`video.mp4` is 9 MiB');
    expect(await w.fake.dms(member.user.id)).toHaveLength(dmsBefore);
    expect(cdnCalls).toHaveLength(callsBefore);
    expect((await w.transcript(ticket.id)).filter((e) => e.sourceId === `send:${heavy.id}`)).toEqual([]);
  });

  it('the staff Reply modal uploads files to the member’s DM, the transcript entry lists them, and the archive keeps a copy', async () => {
    const member = await w.member();
    const ticket = await openFor(member);
    const bytes = new Uint8Array(3000).map((_, i) => i % 251);
    const shot = upload('steps.png', bytes.byteLength, 'image/png', bytes);
    const { modal, sent } = await staffModalReply(ticket, member, 'Here is how to do it', [shot]);
    const field = modal.components.map((c) => (c as { component?: { type: number; custom_id: string } }).component).find((c) => c?.type === ComponentType.FileUpload);
    expect(field).toMatchObject({ type: ComponentType.FileUpload, custom_id: 'files' });
    expect((sent.body as { type: number }).type).toBe(5);

    // The member's DM carries the file itself (uploaded, multipart), not the ephemeral link.
    const dm = (await w.fake.dms(member.user.id)).at(-1)!;
    expect(dm.embeds[0]!.description).toBe('Here is how to do it');
    expect(dm.attachments).toMatchObject([{ filename: 'steps.png', size: 3000, content_type: 'image/png' }]);
    expect(JSON.stringify(dm.embeds)).not.toContain('ephemeral-attachments');
    const post = (await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).find((c) => c.files?.length);
    expect(post!.files).toEqual([{ field: 'files[0]', filename: 'steps.png', contentType: 'image/png', size: 3000 }]);

    const entry = (await w.transcript(ticket.id)).find((e) => e.kind === 'message_out' && e.authorId === w.helper.user.id)!;
    expect(entry).toMatchObject({ content: 'Here is how to do it', dmMessageId: dm.id });
    expect(entry.attachments).toEqual([{ id: shot.id, filename: 'steps.png', size: 3000, url: shot.url, contentType: 'image/png' }]);

    // The archive's copy is the same bytes, read from the CDN once (for the DM and the archive).
    const [row] = await archived(ticket.id);
    expect(row).toMatchObject({ attachmentId: shot.id, status: 'stored' });
    const copy = await w.env.MODMAIL_ARCHIVE.get(row!.r2Key!);
    expect(new Uint8Array(await copy!.arrayBuffer())).toEqual(bytes);
    expect(cdnCalls).toEqual([shot.url]);

    // Staff see in the thread what went with the reply.
    const echo = (await w.fake.messages(ticket.threadId!)).find((m) => m.embeds[0]?.footer?.text === 'Sent to the member' && m.embeds[0]?.description === 'Here is how to do it');
    expect(echo!.embeds[0]!.fields).toEqual([{ name: 'Files', value: 'steps.png (3 KiB)' }]);
  });

  it('a file over the limit is refused with a clear answer before anything is read, recorded or sent', async () => {
    const member = await w.member();
    const ticket = await openFor(member);
    const big = upload('video.mp4', 9 * 1024 * 1024, 'video/mp4');
    const fromBot = async () => (await w.fake.dms(member.user.id)).filter((m) => m.author.id !== member.user.id);
    const dmsBefore = (await fromBot()).length;
    const { sent } = await staffModalReply(ticket, member, 'the recording', [big]);
    const answer = sent.body as { type: number; data: { content: string; flags: number } };
    expect(answer.type).toBe(4);
    expect(answer.data.flags & 64).toBe(64);
    expect(answer.data.content).toBe('`video.mp4` is 9 MiB; this server keeps files up to 8 MiB each (`/modmail limits max_file_mib`). Nothing was sent.');
    expect(await fromBot()).toHaveLength(dmsBefore);
    expect((await w.transcript(ticket.id)).filter((e) => e.authorId === w.helper.user.id)).toEqual([]);
    expect(cdnCalls).toEqual([]);
    expect(await archived(ticket.id)).toEqual([]);
  });

  it('/reply file: sends the file with the text; a file only, without text, is fine in the modal', async () => {
    const member = await w.member();
    const ticket = await openFor(member);
    const doc = upload('rules.txt', 11, 'text/plain', new TextEncoder().encode('hello rules'));
    const run = slashCommand('reply', {
      guildId: w.g.guildId,
      channelId: ticket.threadId!,
      user: w.helper.user,
      roles: w.helper.roles,
      options: [
        { name: 'text', type: ApplicationCommandOptionType.String, value: 'See the file' },
        { name: 'file', type: ApplicationCommandOptionType.Attachment, value: doc.id },
      ],
      resolved: { attachments: { [doc.id]: doc } },
    });
    await send(run, w.env, { fake: w.fake });
    const dm = (await w.fake.dms(member.user.id)).at(-1)!;
    expect(dm.embeds[0]!.description).toBe('See the file');
    expect(dm.attachments).toMatchObject([{ filename: 'rules.txt', size: 11 }]);
    expect((await archived(ticket.id)).map((r) => [r.attachmentId, r.status])).toEqual([[doc.id, 'stored']]);

    const shot = upload('only.png', 5, 'image/png', new Uint8Array(5));
    await staffModalReply(ticket, member, '', [shot]);
    const filesOnly = (await w.fake.dms(member.user.id)).at(-1)!;
    expect(filesOnly.embeds[0]!.description).toBeUndefined();
    expect(filesOnly.attachments).toMatchObject([{ filename: 'only.png', size: 5 }]);
  });
});
