/**
 * Relaying, both ways. Each message is recorded (`recordEntry`) before it is posted, then
 * linked to the Discord message it became, so the transcript holds it even if the post fails
 * (and a retry finds the entry and posts it once: posts carry a nonce from the entry's source).
 *
 * - Member → staff (`relayFromMember`): an embed in the staff thread with the member's name and
 *   avatar, the text, the attachments, and a Reply button; subscribers are pinged, nothing the
 *   member wrote ever pings (`allowed_mentions`).
 * - Staff → member (`sendToMember`): a DM signed by the staff member or, anonymous, by the
 *   team; with a Reply button so the member can answer over HTTP, and the staff's files uploaded
 *   with it. Discord's 50007 ("Cannot send messages to this user") turns the entry into
 *   `undelivered` and posts a warning in the thread.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type APIMessage } from 'discord-api-types/v10';
import { eq } from 'drizzle-orm';
import type { BaseContext } from '../../core/context';
import { GuildConfig } from '../../core/guild-config.repo';
import { encodeCustomId } from '../../core/custom-id';
import { DiscordApiError } from '../../discord/errors';
import type { RestFile } from '../../discord/rest';
import { EMBED_LIMITS } from '../../discord/embeds';
import { messageNonce } from '../../discord/nonce';
import { avatarUrl, clip, displayName } from './card';
import { afterMemberMessage } from './ops-hooks';
import { OPS_SETTINGS_KEY, opsSettingsSchema } from './ops.config';
import { modmailSubscriptions, type EntryAttachment, type EntryRow, type TicketRow } from './schema';
import { GuildTickets } from './tickets.repo';
import { markUndelivered, recordEntry, setEntryMessages } from './transcript';
import type { TicketMember } from './ticket.types';

/** Nothing in a relayed post pings but what `users` lists. */
function mentions(users: string[] = []) {
  return { parse: [], users, roles: [] } as { parse: []; users: string[]; roles: string[] };
}

/** The Reply button staff press on a relayed message (opens the reply modal). */
export function staffReplyButton(ticketId: number): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [
      { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Reply', custom_id: encodeCustomId('modmail.sreply', String(ticketId), '0') },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Reply anonymously', custom_id: encodeCustomId('modmail.sreply', String(ticketId), '1') },
    ],
  };
}

/** The Reply button on the bot's DMs (a member answers over HTTP, without the gateway). */
export function memberReplyButton(guildId: string): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Reply', custom_id: encodeCustomId('modmail.mreply', guildId) }],
  };
}

function attachmentLines(attachments: readonly EntryAttachment[]): string {
  return attachments.map((a) => `[${clip(a.filename, 80)}](${a.url}) (${Math.ceil(a.size / 1024)} KiB)`).join('\n');
}

/** The staff-thread post of a member's message. */
export function memberMessageEmbed(member: TicketMember, content: string, attachments: readonly EntryAttachment[]): APIEmbed {
  const image = attachments.find((a) => a.contentType?.startsWith('image/'));
  const files = attachmentLines(attachments);
  return {
    author: { name: clip(displayName(member), EMBED_LIMITS.title), icon_url: avatarUrl(member) },
    description: clip(content || (attachments.length ? '*(attachments only)*' : '*(empty message)*'), EMBED_LIMITS.description),
    color: 0x5865f2,
    ...(files ? { fields: [{ name: 'Attachments', value: clip(files, EMBED_LIMITS.fieldValue) }] } : {}),
    ...(image ? { image: { url: image.url } } : {}),
    footer: { text: `From the member · ${member.id}` },
  };
}

/** A member message to relay. */
export interface MemberMessage {
  member: TicketMember;
  content: string;
  attachments: EntryAttachment[];
  /** The DM message id (gateway) or the interaction id (modal). */
  sourceId: string;
  dmMessageId?: string | null;
  at?: number;
}

/**
 * Records a member's message in the ticket and posts it in the staff thread (once, however
 * often this runs for one source).
 */
export async function relayFromMember(ctx: BaseContext, ticket: TicketRow, message: MemberMessage): Promise<{ entry: EntryRow; posted: APIMessage | null }> {
  const at = message.at ?? Date.now();
  const tickets = new GuildTickets(ctx.db, ticket.guildId);
  // One round trip: the entry, the ticket's last message time, and the two reads the post and
  // its timers need (the subscribers to ping, the ops settings).
  const { entry, also } = await recordEntry(
    ctx.db,
    {
      ticketId: ticket.id,
      kind: 'message_in',
      authorId: message.member.id,
      content: message.content,
      attachments: message.attachments,
      sourceId: message.sourceId,
      dmMessageId: message.dmMessageId ?? null,
      createdAt: at,
    },
    tickets.touchMember(ticket.id, at),
    ctx.db.select({ userId: modmailSubscriptions.userId }).from(modmailSubscriptions).where(eq(modmailSubscriptions.ticketId, ticket.id)),
    new GuildConfig(ctx.db, ticket.guildId).settingsRead(OPS_SETTINGS_KEY),
  );
  if (entry.threadMessageId || !ticket.threadId) return { entry, posted: null };
  const [, subscribers, settingsRows] = also as [unknown, { userId: string }[], { value: unknown }[]];
  const ping = subscribers.map((s) => s.userId).slice(0, 50);
  const posted = await ctx.discord.channels.createMessage(ticket.threadId, {
    ...(ping.length ? { content: ping.map((id) => `<@${id}>`).join(' ') } : {}),
    embeds: [memberMessageEmbed(message.member, message.content, message.attachments)],
    components: [staffReplyButton(ticket.id)],
    allowed_mentions: mentions(ping),
    nonce: await messageNonce('modmail.in', String(ticket.id), message.sourceId),
    enforce_nonce: true,
  });
  await setEntryMessages(ctx.db, entry.id, { threadMessageId: posted.id });
  await afterMemberMessage(ctx, ticket, entry, GuildConfig.parseSettings(settingsRows, opsSettingsSchema));
  return { entry, posted };
}

/** Who sends a staff reply, as the member will see it. */
export interface StaffSender {
  id: string;
  name: string;
  avatarUrl: string | null;
}

/** A staff reply to send. */
export interface StaffReply {
  sender: StaffSender;
  content: string;
  anonymous: boolean;
  /** Team name shown on anonymous replies. */
  anonymousName: string;
  guildName: string;
  sourceId: string;
  /** The files as the transcript keeps them (Discord's ids, names, sizes and CDN links). */
  attachments?: EntryAttachment[];
  /**
   * Their bytes, in the same order, uploaded with the DM: a file staff upload in a modal or a
   * command option is an ephemeral attachment whose link Discord removes, and Discord has no way
   * to attach an existing file to another message, so the DM carries its own copy.
   */
  files?: RestFile[];
}

/** What happened to a reply. */
export interface ReplyOutcome {
  entry: EntryRow;
  delivered: boolean;
  /** Why not, for staff. */
  warning: string | null;
}

/** File names and sizes, without links (the DM carries the files themselves). */
function attachmentNames(attachments: readonly EntryAttachment[]): string {
  return attachments.map((a) => `${clip(a.filename, 80)} (${Math.ceil(a.size / 1024)} KiB)`).join('\n');
}

/** The DM embed of a staff reply (its files are the message's own attachments). */
export function staffReplyEmbed(reply: StaffReply): APIEmbed {
  return {
    author: { name: clip(reply.anonymous ? reply.anonymousName : reply.sender.name, EMBED_LIMITS.title), ...(!reply.anonymous && reply.sender.avatarUrl ? { icon_url: reply.sender.avatarUrl } : {}) },
    ...(reply.content ? { description: clip(reply.content, EMBED_LIMITS.description) } : {}),
    color: 0x57f287,
    footer: { text: clip(`Staff of ${reply.guildName}`, EMBED_LIMITS.footer) },
  };
}

/** The warning staff read when Discord refused the DM. */
export const UNDELIVERED_WARNING =
  '⚠️ **Not delivered.** Discord refused the DM (50007: the member closed DMs, blocked the bot or shares no server with it). The reply is kept in the transcript as undelivered.';

/**
 * Records a staff reply and DMs it to the member (once per source). 50007 is not an error: the
 * entry becomes `undelivered` and the outcome carries a warning (the caller shows it in the
 * thread). Other Discord failures throw, with the entry recorded as sent-but-unconfirmed.
 */
export async function sendToMember(ctx: BaseContext, ticket: TicketRow, reply: StaffReply): Promise<ReplyOutcome> {
  const at = Date.now();
  const tickets = new GuildTickets(ctx.db, ticket.guildId);
  const { entry, created } = await recordEntry(
    ctx.db,
    {
      ticketId: ticket.id,
      kind: 'message_out',
      authorId: reply.sender.id,
      anonymous: reply.anonymous,
      content: reply.content,
      attachments: reply.attachments ?? [],
      sourceId: reply.sourceId,
      createdAt: at,
    },
    tickets.touchStaff(ticket.id, at),
  );
  if (!created && entry.kind === 'undelivered') return { entry, delivered: false, warning: UNDELIVERED_WARNING };
  if (!created && entry.dmMessageId) return { entry, delivered: true, warning: null };
  const files = reply.files ?? [];
  try {
    const body = {
      embeds: [staffReplyEmbed(reply)],
      components: [memberReplyButton(ticket.guildId)],
      allowed_mentions: mentions(),
      nonce: await messageNonce('modmail.out', String(ticket.id), reply.sourceId),
      enforce_nonce: true,
      ...(files.length ? { attachments: files.map((f, i) => ({ id: String(i), filename: f.name })) } : {}),
    };
    const dm = ticket.dmChannelId
      ? await ctx.discord.channels.createMessage(ticket.dmChannelId, body, files)
      : await ctx.discord.users.sendDm(ticket.memberId, body, files);
    if (!ticket.dmChannelId) await tickets.setDmChannel(ticket.id, dm.channel_id);
    await setEntryMessages(ctx.db, entry.id, { dmMessageId: dm.id });
    return { entry: { ...entry, dmMessageId: dm.id }, delivered: true, warning: null };
  } catch (error) {
    if (error instanceof DiscordApiError && error.isCannotDm) {
      await markUndelivered(ctx.db, entry.id);
      return { entry: { ...entry, kind: 'undelivered' }, delivered: false, warning: UNDELIVERED_WARNING };
    }
    throw error;
  }
}

/** The staff thread's copy of a reply (what was sent, by whom, and whether it arrived). */
export function replyEchoEmbed(reply: StaffReply, outcome: ReplyOutcome): APIEmbed {
  const who = reply.anonymous ? `${reply.sender.name} (anonymous, as ${reply.anonymousName})` : reply.sender.name;
  return {
    author: { name: clip(`Reply by ${who}`, EMBED_LIMITS.title), ...(reply.sender.avatarUrl ? { icon_url: reply.sender.avatarUrl } : {}) },
    description: clip(reply.content || '*(files only)*', EMBED_LIMITS.description),
    color: outcome.delivered ? 0x57f287 : 0xed4245,
    ...(reply.attachments?.length ? { fields: [{ name: 'Files', value: clip(attachmentNames(reply.attachments), EMBED_LIMITS.fieldValue) }] } : {}),
    footer: { text: outcome.delivered ? 'Sent to the member' : 'NOT delivered (kept as undelivered)' },
  };
}
