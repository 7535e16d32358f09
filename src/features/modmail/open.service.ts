/**
 * Opening a ticket, run inside the ticket object (one at a time per guild and member), in an
 * order that resumes after a crash at any step:
 *
 * 1. The member's open ticket, if there is one, is the answer (`created: false`).
 * 2. Otherwise modmail-ops' admission (`admitOpen`: blocks, account age, cap) and the
 *    destination (the category's, else the `modmail` channel) are checked, and the ticket row
 *    is written (the partial unique index settles any race with another path).
 * 3. A ticket without a thread gets one (private thread, or forum post whose first message is
 *    the card), recorded on the row at once; the card is posted (nonce) if not yet.
 * 4. The `open` action, the member's answers (as their first message) and the greeting DM are
 *    recorded and sent; a refused DM is recorded as undelivered and staff are warned.
 */
import { ChannelType, type APIEmbed, type APIMessage, type RESTPostAPIChannelMessageJSONBody, type RESTPostAPIGuildForumThreadsJSONBody } from 'discord-api-types/v10';
import type { BaseContext } from '../../core/context';
import { GuildConfig } from '../../core/guild-config.repo';
import { DiscordApiError } from '../../discord/errors';
import { messageNonce } from '../../discord/nonce';
import { latestApplication } from '../gate/public';
import { caseSummary, memberStanding } from '../moderation/public';
import { clip, contextCard, displayName, type CardFacts } from './card';
import { GuildCategories, type CategoryRow } from './categories.repo';
import { readModmailSettings } from './config';
import { admitOpen } from './ops-hooks';
import { relayFromMember, sendToMember, UNDELIVERED_WARNING } from './relay.service';
import type { TicketRow } from './schema';
import { GuildTickets } from './tickets.repo';
import { recordAction } from './transcript';
import type { OpenOutcome, OpenRequest, Refusal } from './ticket.types';

const FORUMS = new Set<number>([ChannelType.GuildForum, ChannelType.GuildMedia]);
/** A week: the longest auto-archive; staff threads stay in the list while the ticket is open. */
const AUTO_ARCHIVE_MINUTES = 10080;

const refuse = (code: string, message: string): OpenOutcome => ({ ok: false, refusal: { code, message } });

/** The open ticket of the request's guild and member, opened if need be. See the module comment. */
export async function openTicketNow(ctx: BaseContext, request: OpenRequest): Promise<OpenOutcome> {
  const tickets = new GuildTickets(ctx.db, request.guildId);
  const categories = new GuildCategories(ctx.db, request.guildId);
  let ticket = await tickets.openFor(request.member.id);
  let created = false;
  if (!ticket) {
    const refusal: Refusal | null = await admitOpen(ctx, request);
    if (refusal) return { ok: false, refusal };
    const category = request.categoryId ? await categories.get(request.categoryId) : undefined;
    if (request.categoryId && (!category || category.removedAt !== null)) {
      return refuse('category_removed', 'That kind of request is no longer offered. Please pick another one.');
    }
    if (!(await destination(ctx, request.guildId, category))) {
      return refuse('not_set_up', 'Modmail is not set up in this server yet. Please contact a moderator another way.');
    }
    ticket = await tickets.insertOpen({
      memberId: request.member.id,
      openedVia: request.via,
      openedBy: request.openedBy,
      categoryId: category?.id ?? null,
      subject: request.subject ? clip(request.subject, 1000) : null,
    });
    if (ticket) created = true;
    else ticket = await tickets.openFor(request.member.id);
    if (!ticket) throw new Error('modmail: open ticket neither written nor found');
  }
  if (!ticket.threadId) ticket = await makeThread(ctx, ticket, request);
  if (created) {
    await recordAction(ctx.db, { ticketId: ticket.id, actorId: request.openedBy, action: 'open', content: `Opened (${request.via})`, sourceId: `open:${ticket.id}` });
  }
  if (request.answers?.length) {
    const content = request.answers.map((a) => `**${a.question}**\n${a.answer}`).join('\n\n');
    await relayFromMember(ctx, ticket, { member: request.member, content, attachments: [], sourceId: request.sourceId });
  }
  if (created) await greet(ctx, ticket, request);
  return { ok: true, ticket, created };
}

/** Where a ticket's thread goes: the category's destination, else the `modmail` channel. */
async function destination(ctx: BaseContext, guildId: string, category: CategoryRow | undefined): Promise<string | null> {
  return category?.destinationId ?? (await new GuildConfig(ctx.db, guildId).channel('modmail'));
}

async function makeThread(ctx: BaseContext, ticket: TicketRow, request: OpenRequest): Promise<TicketRow> {
  const tickets = new GuildTickets(ctx.db, ticket.guildId);
  const category = ticket.categoryId ? await new GuildCategories(ctx.db, ticket.guildId).get(ticket.categoryId) : undefined;
  const parentId = await destination(ctx, ticket.guildId, category);
  if (!parentId) throw new Error(`modmail: ticket ${ticket.id} has no destination`);
  const [parent, card, settings] = await Promise.all([
    ctx.discord.channels.get(parentId),
    buildCard(ctx, ticket, request, category),
    readModmailSettings(new GuildConfig(ctx.db, ticket.guildId)),
  ]);
  const roleId = category?.staffRoleId ?? settings.staffRoleId;
  const pings = [...(roleId ? [`<@&${roleId}>`] : []), ...(ticket.openedVia === 'contact' ? [`<@${ticket.openedBy}>`] : [])];
  const cardMessage: RESTPostAPIChannelMessageJSONBody = {
    ...(pings.length ? { content: pings.join(' ') } : {}),
    embeds: [card],
    allowed_mentions: { parse: [], roles: roleId ? [roleId] : [], users: ticket.openedVia === 'contact' ? [ticket.openedBy] : [] },
  };
  const name = clip(`${displayName(request.member)} · #${ticket.id}`, 100);
  let threadId: string;
  if (FORUMS.has(parent.type)) {
    const post = await ctx.discord.channels.startThread(parentId, { name, auto_archive_duration: AUTO_ARCHIVE_MINUTES, message: cardMessage as RESTPostAPIGuildForumThreadsJSONBody['message'] }, `Modmail ticket #${ticket.id}`);
    threadId = post.id;
  } else {
    const thread = await ctx.discord.channels.startThread(
      parentId,
      { name, type: ChannelType.PrivateThread, invitable: false, auto_archive_duration: AUTO_ARCHIVE_MINUTES },
      `Modmail ticket #${ticket.id}`,
    );
    threadId = thread.id;
  }
  const saved = (await tickets.setThread(ticket.id, threadId, parentId)) ?? (await tickets.byId(ticket.id));
  if (!saved) throw new Error(`modmail: ticket ${ticket.id} vanished`);
  if (!FORUMS.has(parent.type)) {
    await ctx.discord.channels.createMessage(threadId, { ...cardMessage, nonce: await messageNonce('modmail.card', String(ticket.id)), enforce_nonce: true });
  }
  return saved;
}

/** Everything the card shows, each source asked once and in parallel; a failing source is left out. */
async function buildCard(ctx: BaseContext, ticket: TicketRow, request: OpenRequest, category: CategoryRow | undefined): Promise<APIEmbed> {
  const { guildId } = ticket;
  const memberId = ticket.memberId;
  const quiet = <T>(p: Promise<T>): Promise<T | null> =>
    p.catch((error: unknown) => {
      if (!(error instanceof DiscordApiError && error.isUnknownMember)) console.error(JSON.stringify({ msg: 'modmail card source failed', ticket: ticket.id, error: String(error) }));
      return null;
    });
  const [guildMember, priorTickets, cases, standing, application] = await Promise.all([
    quiet(ctx.discord.members.get(guildId, memberId)),
    new GuildTickets(ctx.db, guildId).priorCount(memberId),
    quiet(caseSummary(ctx.db, guildId, memberId)),
    quiet(memberStanding(ctx.db, guildId, memberId)),
    quiet(latestApplication(ctx.db, guildId, memberId)),
  ]);
  const facts: CardFacts = {
    ticket,
    member: request.member,
    categoryName: category?.name ?? null,
    joinedAt: guildMember?.joined_at ? Date.parse(guildMember.joined_at) : null,
    roleIds: guildMember?.roles ?? [],
    priorTickets,
    cases,
    standing,
    application: application ? { status: application.status, submittedAt: application.submittedAt, avatarRisk: application.avatarRisk } : null,
  };
  return contextCard(facts);
}

/** The member's first DM: the greeting (or the staff's reason, for `/modmail contact`) with a Reply button. */
async function greet(ctx: BaseContext, ticket: TicketRow, request: OpenRequest): Promise<void> {
  const config = new GuildConfig(ctx.db, ticket.guildId);
  const [settings, guild] = await Promise.all([readModmailSettings(config), ctx.discord.guilds.get(ticket.guildId).catch(() => null)]);
  const guildName = guild?.name ?? 'the server';
  const contact = ticket.openedVia === 'contact';
  const outcome = await sendToMember(ctx, ticket, {
    sender: { id: contact ? ticket.openedBy : ctx.discord.applicationId, name: contact ? 'Staff' : guildName, avatarUrl: null },
    content: contact
      ? `The staff of **${guildName}** opened a conversation with you${ticket.subject ? `:\n\n${ticket.subject}` : '.'}\n\nAnswer with the Reply button below.`
      : settings.greeting.replaceAll('{server}', guildName),
    anonymous: true,
    anonymousName: contact ? settings.anonymousName : guildName,
    guildName,
    sourceId: `greeting:${ticket.id}`,
  });
  if (!outcome.delivered && ticket.threadId) await warnStaff(ctx, ticket.threadId, `greeting:${ticket.id}`);
}

/** Posts the undelivered warning in the staff thread (once per source). */
export async function warnStaff(ctx: BaseContext, threadId: string, sourceId: string): Promise<APIMessage> {
  return ctx.discord.channels.createMessage(threadId, {
    content: UNDELIVERED_WARNING,
    allowed_mentions: { parse: [] },
    nonce: await messageNonce('modmail.undelivered', sourceId),
    enforce_nonce: true,
  });
}
