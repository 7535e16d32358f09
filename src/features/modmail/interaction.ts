/**
 * What modmail's interaction handlers share: the member an interaction comes from, the
 * ticket of the thread a staff command runs in, how a staff reply is signed, and the modals.
 */
import { ComponentType, TextInputStyle, type APIModalInteractionResponseCallbackData, type APIModalSubmitInteraction, type APIUser, type APIAttachment } from 'discord-api-types/v10';
import type { InteractionContext } from '../../core/context';
import { encodeCustomId } from '../../core/custom-id';
import { UserError } from '../../core/errors';
import { discordAttachmentUrl } from '../../discord/attachments';
import { clip } from './card';
import type { CategoryRow } from './categories.repo';
import { readModmailSettings } from './config';
import type { AttachmentLimits } from './attachments';
import { replyEchoEmbed, sendToMember, type ReplyOutcome, type StaffReply } from './relay.service';
import { archiveReplyFiles, readReplyFiles } from './reply-files';
import type { EntryAttachment, TicketRow } from './schema';
import { GuildTickets } from './tickets.repo';
import type { TicketAnswer, TicketMember } from './ticket.types';
import { setEntryMessages } from './transcript';

/** Longest reply text (a DM embed's description holds 4,096). */
export const REPLY_MAX = 4000;

/** A user as tickets show them. */
export function ticketMember(user: APIUser): TicketMember {
  return { id: user.id, username: user.username, globalName: user.global_name ?? null, avatar: user.avatar ?? null };
}

/** The open ticket whose staff thread the interaction runs in, or a clear refusal. */
export async function ticketHere(ctx: InteractionContext): Promise<TicketRow> {
  const channelId = ctx.interaction.channel?.id ?? ctx.interaction.channel_id;
  const ticket = channelId ? await new GuildTickets(ctx.db, ctx.guild).byThread(channelId) : undefined;
  if (!ticket) throw new UserError('not_a_ticket', 'This only works in a modmail ticket’s thread.');
  if (ticket.state !== 'open') throw new UserError('ticket_closed', `Ticket #${ticket.id} is closed.`);
  return ticket;
}

/** An open ticket by id in this guild (buttons carry the id), or a clear refusal. */
export async function openTicketById(ctx: InteractionContext, rawId: string | undefined): Promise<TicketRow> {
  const id = Number(rawId);
  const ticket = Number.isSafeInteger(id) && id > 0 ? await new GuildTickets(ctx.db, ctx.guild).byId(id) : undefined;
  if (!ticket) throw new UserError('not_a_ticket', 'That ticket does not exist any more.');
  if (ticket.state !== 'open') throw new UserError('ticket_closed', `Ticket #${ticket.id} is closed.`);
  return ticket;
}

/** The staff member's name and avatar, as a non-anonymous reply shows them. */
function sender(ctx: InteractionContext) {
  const user = ctx.user;
  const nick = ctx.member?.nick;
  const name = nick ?? user.global_name ?? user.username;
  const avatarUrl = user.avatar ? `https://cdn.discordapp.com/avatars/${user.id}/${user.avatar}.png?size=64` : null;
  return { id: user.id, name, avatarUrl };
}

/** Files a staff reply sends, already checked against the guild's limits (`checkReplyFiles`). */
export interface ReplyFiles {
  list: EntryAttachment[];
  limits: AttachmentLimits;
}

/**
 * Sends a staff reply from an interaction in (or about) a ticket, then shows staff what was
 * sent as the interaction's public reply in the thread (linked to the entry), with the
 * undelivered warning when Discord refused the DM. Files are read before anything is
 * recorded, uploaded with the DM, and copied to the archive (in the background) whether or
 * not the DM arrived: the transcript keeps them either way.
 */
export async function replyFromStaff(ctx: InteractionContext, ticket: TicketRow, text: string, anonymous: boolean, sourceId: string, files?: ReplyFiles): Promise<void> {
  const content = text.trim();
  const attachments = files?.list ?? [];
  if (!content && attachments.length === 0) throw new UserError('empty_reply', 'The reply is empty: write something to send.');
  if (content.length > REPLY_MAX) throw new UserError('reply_too_long', `The reply is ${content.length} characters; at most ${REPLY_MAX} fit.`);
  const [settings, guild, bytes] = await Promise.all([readModmailSettings(ctx.config), ctx.discord.guilds.get(ticket.guildId).catch(() => null), readReplyFiles(attachments)]);
  const reply: StaffReply = {
    sender: sender(ctx),
    content,
    anonymous,
    anonymousName: settings.anonymousName,
    guildName: guild?.name ?? 'the server',
    sourceId,
    ...(attachments.length ? { attachments, files: bytes } : {}),
  };
  const outcome: ReplyOutcome = await sendToMember(ctx, ticket, reply);
  if (files && attachments.length) ctx.waitUntil(archiveReplyFiles(ctx, ticket, attachments, bytes, files.limits));
  const echo = await ctx.editOriginal({ ...(outcome.warning ? { content: outcome.warning } : {}), embeds: [replyEchoEmbed(reply, outcome)] });
  await setEntryMessages(ctx.db, outcome.entry.id, { threadMessageId: echo.id });
}

/** Most files one Reply modal takes (Discord allows 10). */
export const REPLY_FILES_MAX = 5;

/** A reply modal's optional file upload (component 19 in a label; its files arrive in `resolved.attachments`). */
function filesLabel(description: string): APIModalInteractionResponseCallbackData['components'][number] {
  return {
    type: ComponentType.Label,
    label: 'Files (optional)',
    description,
    component: { type: ComponentType.FileUpload, custom_id: 'files', min_values: 0, max_values: REPLY_FILES_MAX, required: false },
  };
}

/** The staff reply modal (Reply button, "Reply anonymously"): text and/or up to five files. */
export function staffReplyModal(ticketId: number, anonymous: boolean, prefill?: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: encodeCustomId('modmail.sreplied', String(ticketId), anonymous ? '1' : '0'),
    title: clip(anonymous ? `Anonymous reply · ticket #${ticketId}` : `Reply · ticket #${ticketId}`, 45),
    components: [
      {
        type: ComponentType.Label,
        label: 'Message to the member',
        component: { type: ComponentType.TextInput, custom_id: 'text', style: TextInputStyle.Paragraph, required: false, max_length: REPLY_MAX, ...(prefill ? { value: clip(prefill, REPLY_MAX) } : {}) },
      },
      filesLabel('Sent to the member with the message'),
    ],
  };
}

/** The member's reply modal (the Reply button on the bot's DMs): text and/or up to five files. */
export function memberReplyModal(guildId: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: encodeCustomId('modmail.mreplied', guildId),
    title: 'Reply to staff',
    components: [
      {
        type: ComponentType.Label,
        label: 'Your message',
        component: { type: ComponentType.TextInput, custom_id: 'text', style: TextInputStyle.Paragraph, required: false, max_length: REPLY_MAX },
      },
      filesLabel('Screenshots or other files for the staff'),
    ],
  };
}

/**
 * The files of a modal's file upload (`fields[customId]`: the attachment ids, comma-joined),
 * from the submit's `resolved.attachments`, as the transcript keeps them. Only files Discord
 * serves (its CDN hosts over https) are kept: the payload's URL is the sender's word.
 */
export function uploadedFiles(interaction: APIModalSubmitInteraction, fields: Record<string, string>, customId = 'files'): EntryAttachment[] {
  const ids = (fields[customId] ?? '').split(',').filter(Boolean).slice(0, REPLY_FILES_MAX);
  const resolved = interaction.data.resolved?.attachments ?? {};
  return ids.flatMap((id) => {
    const a = resolved[id] ? entryAttachment(resolved[id]) : null;
    return a ? [a] : [];
  });
}

/** An interaction's attachment as the transcript keeps it; null unless Discord's CDN serves it. */
export function entryAttachment(a: APIAttachment): EntryAttachment | null {
  if (!discordAttachmentUrl(a.url)) return null;
  return { id: a.id, filename: a.filename, size: a.size, url: a.url, ...(a.content_type ? { contentType: a.content_type } : {}) };
}

/** The default question when a guild has no categories. */
const DEFAULT_QUESTION = { label: 'How can we help?', style: 'paragraph', required: true, maxLength: 2000 } as const;

/** The open modal: the category's questions (at most five), or one default question. */
export function openModal(guildId: string, category: CategoryRow | null, via: 'panel' | 'command'): APIModalInteractionResponseCallbackData {
  const questions = category?.questions.length ? category.questions.slice(0, 5) : [DEFAULT_QUESTION];
  return {
    custom_id: encodeCustomId('modmail.opened', guildId, category ? String(category.id) : '0', via),
    title: clip(category ? `Contact staff: ${category.name}` : 'Contact staff', 45),
    components: questions.map((q, i) => ({
      type: ComponentType.Label,
      label: clip(q.label, 45),
      component: {
        type: ComponentType.TextInput,
        custom_id: `q${i}`,
        style: q.style === 'short' ? TextInputStyle.Short : TextInputStyle.Paragraph,
        required: q.required,
        max_length: Math.min(q.maxLength ?? 1000, q.style === 'short' ? 200 : 2000),
        ...('placeholder' in q && q.placeholder ? { placeholder: clip(q.placeholder, 100) } : {}),
      },
    })),
  };
}

/** The answers of a submitted open modal, against the questions it asked; empty answers are dropped. */
export function openAnswers(category: CategoryRow | null, fields: Record<string, string>): TicketAnswer[] {
  const questions = category?.questions.length ? category.questions.slice(0, 5) : [DEFAULT_QUESTION];
  return questions
    .map((q, i) => ({ question: q.label, answer: (fields[`q${i}`] ?? '').trim() }))
    .filter((a) => a.answer.length > 0);
}
