/**
 * Opening a ticket, run inside the ticket object (one at a time per guild and member), in an
 * order that resumes after a crash at any step:
 *
 * 1. The member's open ticket, if there is one, is the answer (`created: false`).
 * 2. Otherwise modmail-ops' admission (`admitOpen`: blocks, account age, cap) and the
 *    destination (the category's, else the `modmail` channel) are checked, and the ticket row
 *    is written (the partial unique index settles any race with another path).
 * 3. A ticket without a thread gets one (private thread, or forum post whose first message is
 *    the card), recorded on the row at once; the card is posted (nonce) if not yet. Creating a
 *    thread cannot carry a nonce, so the intent (parent and name, which holds the ticket id) is
 *    written to the object's journal first: a retry after a crash or a lost response between
 *    the create and the record adopts the thread it finds among the guild's active threads
 *    instead of making a second one, and checks the thread's first messages for the card.
 * 4. The `open` action, the member's answers (as their first message) and the greeting DM are
 *    recorded and sent (each idempotent on its source id), by the call that created the ticket
 *    or, after a crash, by the one that finished its thread; a refused DM is recorded as
 *    undelivered and staff are warned.
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

/**
 * Where an open writes its intent before an act that carries no nonce (the ticket object's
 * storage: it outlives the instance, and the object runs one open at a time).
 */
export interface OpenJournal {
  get<T = unknown>(key: string): T | undefined;
  put<T>(key: string, value: T): void;
  delete(key: string): boolean;
}

/** What the journal holds while a ticket's thread is being made. */
interface ThreadIntent {
  parentId: string;
  name: string;
  /** The thread was recorded on the ticket, the card (private threads) not yet confirmed. */
  stage: 'create' | 'card';
}

const intentKey = (ticketId: number) => `thread-intent:${ticketId}`;
/** Set while an open that wrote a ticket has not finished (the object is one per guild and member). */
const OPEN_PENDING_KEY = 'open-pending';

/** A journal that forgets (callers outside the ticket object; tests of the pure flow). */
export function memoryJournal(): OpenJournal {
  const m = new Map<string, unknown>();
  return { get: <T>(k: string) => m.get(k) as T | undefined, put: (k, v) => void m.set(k, v), delete: (k) => m.delete(k) };
}

/** The open ticket of the request's guild and member, opened if need be. See the module comment. */
export async function openTicketNow(ctx: BaseContext, request: OpenRequest, journal: OpenJournal = memoryJournal()): Promise<OpenOutcome> {
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
    // Until this open is finished, a later call (after a crash or a failed Discord call) does
    // the rest of it: the thread, the card, the open action, the greeting.
    journal.put(OPEN_PENDING_KEY, true);
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
  // A thread (or its card) left unfinished by an earlier call is finished here, and then this
  // call does the rest of the open that call never reached.
  if (journal.get(OPEN_PENDING_KEY)) created = true;
  if (!ticket.threadId || journal.get(intentKey(ticket.id))) {
    ticket = await makeThread(ctx, ticket, request, journal);
    created = true;
  }
  if (created) {
    await recordAction(ctx.db, { ticketId: ticket.id, actorId: request.openedBy, action: 'open', content: `Opened (${request.via})`, sourceId: `open:${ticket.id}` });
  }
  if (request.answers?.length) {
    const content = request.answers.map((a) => `**${a.question}**\n${a.answer}`).join('\n\n');
    await relayFromMember(ctx, ticket, { member: request.member, content, attachments: [], sourceId: request.sourceId });
  }
  if (created) await greet(ctx, ticket, request);
  journal.delete(OPEN_PENDING_KEY);
  return { ok: true, ticket, created };
}

/** Where a ticket's thread goes: the category's destination, else the `modmail` channel. */
async function destination(ctx: BaseContext, guildId: string, category: CategoryRow | undefined): Promise<string | null> {
  return category?.destinationId ?? (await new GuildConfig(ctx.db, guildId).channel('modmail'));
}

async function makeThread(ctx: BaseContext, ticket: TicketRow, request: OpenRequest, journal: OpenJournal): Promise<TicketRow> {
  const tickets = new GuildTickets(ctx.db, ticket.guildId);
  const key = intentKey(ticket.id);
  const intent = journal.get<ThreadIntent>(key);
  const category = ticket.categoryId ? await new GuildCategories(ctx.db, ticket.guildId).get(ticket.categoryId) : undefined;
  const parentId = intent?.parentId ?? (await destination(ctx, ticket.guildId, category));
  if (!parentId) throw new Error(`modmail: ticket ${ticket.id} has no destination`);
  const [parent, card] = await Promise.all([ctx.discord.channels.get(parentId), cardMessage(ctx, ticket, request, category)]);
  const forum = FORUMS.has(parent.type);
  // The name carries the ticket id: it is how a retry knows its thread among the active ones.
  const name = clip(`${displayName(request.member)} · #${ticket.id}`, 100);
  let threadId = ticket.threadId;
  if (!threadId && intent) threadId = await findThread(ctx, ticket.guildId, intent);
  if (!threadId) {
    journal.put<ThreadIntent>(key, { parentId, name, stage: 'create' });
    if (forum) {
      const post = await ctx.discord.channels.startThread(parentId, { name, auto_archive_duration: AUTO_ARCHIVE_MINUTES, message: card as RESTPostAPIGuildForumThreadsJSONBody['message'] }, `Modmail ticket #${ticket.id}`);
      threadId = post.id;
    } else {
      const thread = await ctx.discord.channels.startThread(
        parentId,
        { name, type: ChannelType.PrivateThread, invitable: false, auto_archive_duration: AUTO_ARCHIVE_MINUTES },
        `Modmail ticket #${ticket.id}`,
      );
      threadId = thread.id;
    }
  }
  const saved = (await tickets.setThread(ticket.id, threadId, parentId)) ?? (await tickets.byId(ticket.id));
  if (!saved?.threadId) throw new Error(`modmail: ticket ${ticket.id} vanished`);
  if (!forum) {
    journal.put<ThreadIntent>(key, { parentId, name, stage: 'card' });
    await postCard(ctx, saved, saved.threadId, card, intent !== undefined);
  }
  journal.delete(key);
  return saved;
}

/** The thread an earlier attempt made (same parent and name) among the guild's active threads, if any. */
async function findThread(ctx: BaseContext, guildId: string, intent: ThreadIntent): Promise<string | null> {
  const { threads } = await ctx.discord.guilds.activeThreads(guildId);
  return threads.find((t) => 'parent_id' in t && t.parent_id === intent.parentId && t.name === intent.name)?.id ?? null;
}

/**
 * Posts the card in a private thread once: with a nonce (Discord's window is minutes), and
 * on a retry (`resumed`) only when the thread's first messages do not hold it already.
 */
async function postCard(ctx: BaseContext, ticket: TicketRow, threadId: string, card: RESTPostAPIChannelMessageJSONBody, resumed: boolean): Promise<void> {
  if (resumed) {
    const title = card.embeds?.[0]?.title;
    const first = await ctx.discord.channels.listMessages(threadId, { after: '0', limit: 5 });
    if (first.some((m) => m.author.id === ctx.discord.applicationId && m.embeds[0]?.title === title)) return;
  }
  await ctx.discord.channels.createMessage(threadId, { ...card, nonce: await messageNonce('modmail.card', String(ticket.id)), enforce_nonce: true });
}

/** The card as posted: the embed, and the staff role (or the contacting staff member) mentioned. */
async function cardMessage(ctx: BaseContext, ticket: TicketRow, request: OpenRequest, category?: CategoryRow): Promise<RESTPostAPIChannelMessageJSONBody> {
  category ??= ticket.categoryId ? await new GuildCategories(ctx.db, ticket.guildId).get(ticket.categoryId) : undefined;
  const [card, settings] = await Promise.all([buildCard(ctx, ticket, request, category), readModmailSettings(new GuildConfig(ctx.db, ticket.guildId))]);
  const roleId = category?.staffRoleId ?? settings.staffRoleId;
  const pings = [...(roleId ? [`<@&${roleId}>`] : []), ...(ticket.openedVia === 'contact' ? [`<@${ticket.openedBy}>`] : [])];
  return {
    ...(pings.length ? { content: pings.join(' ') } : {}),
    embeds: [card],
    allowed_mentions: { parse: [], roles: roleId ? [roleId] : [], users: ticket.openedVia === 'contact' ? [ticket.openedBy] : [] },
  };
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
