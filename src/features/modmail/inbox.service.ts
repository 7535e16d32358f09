/**
 * A user's DM inbox (run by their inbox object, one drain at a time). Gateway events are only
 * triggers: their delivery order is not message order (a batch runs its events concurrently,
 * and batches overlap). So the inbox keeps a cursor, the id of the last DM it relayed or held,
 * and on each drain reads the DM channel's history after the cursor: every message the user
 * sent since, in Discord's order, whichever event arrived first. A flood is relayed in the
 * order it was typed, and a DM whose event was lost is relayed with the next one. Without a
 * cursor yet (the user's first DM), the history of the minute before it is read, never older
 * conversation.
 *
 * Each DM is relayed, oldest first, into the user's most recently active open ticket. With no
 * open ticket it is held (`held:<padded id>`, without reading the history) and the user is asked, once an hour at most,
 * whether to contact staff (a confirm button, or a server picker when several servers
 * qualify); confirming opens the ticket and releases the held DMs in order. The cursor moves
 * past a DM only once it was recorded and posted (or held), so a failure relays it on the next
 * drain (the next delivery, or the inbox's backstop alarm) instead of losing it. The inbox
 * object answers the events consumer as soon as a DM is stored and drains on its own, so a
 * slow or rate-limited Discord call never holds a consumer batch.
 */
import {
  ButtonStyle,
  ComponentType,
  MessageType,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIMessage,
} from 'discord-api-types/v10';
import type { BaseContext } from '../../core/context';
import { encodeCustomId } from '../../core/custom-id';
import { snowflakeTime } from '../../discord/snowflake';
import { clip } from './card';
import { relayFromMember } from './relay.service';
import { modmailGuildsOf } from './shared-guilds';
import { openTicketsOfUser } from './tickets.repo';
import type { EntryAttachment, TicketRow } from './schema';
import type { InboundDm } from './ticket.types';

/** Storage keys of the inbox. */
export const PENDING_PREFIX = 'pending:';
export const HELD_PREFIX = 'held:';
export const CURSOR_KEY = 'cursor';
export const PROMPTED_KEY = 'prompted';
/** A user who ignored the prompt is asked again after this long (ms). */
const PROMPT_AGAIN_MS = 3_600_000;
/** Most history messages one drain reads (Discord's page). */
const HISTORY_PAGE = 100;
/** On a user's first DM, how far back (ms) the history is read for the rest of its burst. */
const FIRST_BURST_MS = 60_000;
/** The DM message types relayed to staff (others are only recorded). */
export const RELAYED_TYPES: ReadonlySet<number> = new Set<number>([MessageType.Default, MessageType.Reply]);

/** Snowflakes zero-padded to 20 digits: key order is message order. */
export function padId(messageId: string): string {
  return messageId.padStart(20, '0');
}

/** Whether `id` is at or before the cursor (relayed or held already). */
export function seen(kv: SyncKvStorage, id: string): boolean {
  const cursor = kv.get<string>(CURSOR_KEY);
  return cursor !== undefined && padId(id) <= padId(cursor);
}

/** A message's attachments as the transcript keeps them. */
export function messageAttachments(message: Pick<APIMessage, 'attachments'>): EntryAttachment[] {
  return (message.attachments ?? []).map((a) => ({ id: a.id, filename: a.filename, size: a.size, url: a.url, ...(a.content_type ? { contentType: a.content_type } : {}) }));
}

/** A DM (from the gateway or the channel's history) as the inbox keeps it. */
export function inboundFromMessage(message: APIMessage, author: InboundDm['author']): InboundDm {
  return {
    messageId: message.id,
    channelId: message.channel_id,
    author,
    content: message.content ?? '',
    attachments: messageAttachments(message),
    sentAt: snowflakeTime(message.id) ?? Date.now(),
  };
}

/** The pending DMs plus everything the user sent after the cursor, oldest first, once each. */
async function backlog(ctx: BaseContext, kv: SyncKvStorage, pending: InboundDm[]): Promise<InboundDm[]> {
  const byId = new Map(pending.map((dm) => [dm.messageId, dm]));
  const cursor = kv.get<string>(CURSOR_KEY);
  const newest = pending.reduce((a, b) => (padId(a.messageId) < padId(b.messageId) ? b : a));
  try {
    // After the cursor; or, on the user's first DM, what they sent just before it (a burst
    // whose first event is late), never older conversation.
    const history = await ctx.discord.channels.listMessages(newest.channelId, cursor ? { after: cursor, limit: HISTORY_PAGE } : { limit: HISTORY_PAGE });
    const since = cursor ? 0 : newest.sentAt - FIRST_BURST_MS;
    for (const m of history) {
      if (m.author.id !== newest.author.id || !RELAYED_TYPES.has(m.type) || byId.has(m.id)) continue;
      if ((snowflakeTime(m.id) ?? 0) >= since) byId.set(m.id, inboundFromMessage(m, newest.author));
    }
  } catch (error) {
    // Without history the delivered DMs still go, in id order.
    console.error(JSON.stringify({ msg: 'modmail inbox history failed', error: String(error) }));
  }
  return [...byId.values()].filter((dm) => !seen(kv, dm.messageId)).sort((a, b) => (padId(a.messageId) < padId(b.messageId) ? -1 : 1));
}

/** Moves the cursor forward to `id` (never back). */
export function advanceCursor(kv: SyncKvStorage, id: string): void {
  const cursor = kv.get<string>(CURSOR_KEY);
  if (cursor === undefined || padId(id) > padId(cursor)) kv.put(CURSOR_KEY, id);
}

/**
 * Relays every DM not relayed yet, oldest first, into the user's open ticket; with no open
 * ticket, holds what was delivered (see {@link holdDms}).
 */
export async function drainInbox(ctx: BaseContext, kv: SyncKvStorage, known?: TicketRow | null): Promise<void> {
  const stored = [...kv.list<InboundDm>({ prefix: PENDING_PREFIX })];
  if (stored.length === 0) return;
  // `known`: the open ticket (or none) the events consumer read for this batch's DM authors at
  // once, milliseconds ago; otherwise (the backstop alarm's drain) read here. Before the
  // history, so a user with no ticket never costs a history read.
  const [ticket] = known !== undefined ? (known ? [known] : []) : await openTicketsOfUser(ctx.db, stored[0]![1].author.id);
  if (!ticket) {
    await holdDms(ctx, kv, stored);
    return;
  }
  // Held DMs wait for the user's confirmation (or cancel): never relayed from the history.
  const dms = (await backlog(ctx, kv, stored.map(([, dm]) => dm))).filter((dm) => kv.get(HELD_PREFIX + padId(dm.messageId)) === undefined);
  for (const dm of dms) {
    await relayFromMember(ctx, ticket, { member: dm.author, content: dm.content, attachments: dm.attachments, sourceId: dm.messageId, dmMessageId: dm.messageId, at: dm.sentAt });
    kv.put(CURSOR_KEY, dm.messageId);
    kv.delete(PENDING_PREFIX + padId(dm.messageId));
  }
  for (const [key] of stored) kv.delete(key);
}

/**
 * A user with no open ticket: the delivered DMs are held (`held:<padded id>`, so they are
 * released in message order whatever order their events came in) and the user is asked, once
 * an hour at most, whether to contact staff. No channel history is read: nothing is relayed,
 * so the order only matters at release, which the keys give, and a DM whose event comes late
 * is held when it comes. The cursor stays where relaying left it; releasing or discarding the
 * held DMs moves it past them.
 */
async function holdDms(ctx: BaseContext, kv: SyncKvStorage, stored: [string, InboundDm][]): Promise<void> {
  let first: InboundDm | undefined;
  for (const [key, dm] of stored) {
    if (!seen(kv, dm.messageId)) {
      kv.put(HELD_PREFIX + padId(dm.messageId), dm);
      if (!first || padId(dm.messageId) < padId(first.messageId)) first = dm;
    }
    kv.delete(key);
  }
  const prompted = kv.get<number>(PROMPTED_KEY);
  if (first && (!prompted || Date.now() - prompted > PROMPT_AGAIN_MS)) {
    await promptToOpen(ctx, first);
    kv.put(PROMPTED_KEY, Date.now());
  }
}

/** Relays the held DMs into the user's open ticket, oldest first; how many. */
export async function releaseHeldDms(ctx: BaseContext, kv: SyncKvStorage): Promise<number> {
  const held = [...kv.list<InboundDm>({ prefix: HELD_PREFIX })];
  if (held.length === 0) return 0;
  const [ticket] = await openTicketsOfUser(ctx.db, held[0]![1].author.id);
  if (!ticket) return 0;
  for (const [key, dm] of held) {
    await relayFromMember(ctx, ticket, { member: dm.author, content: dm.content, attachments: dm.attachments, sourceId: dm.messageId, dmMessageId: dm.messageId, at: dm.sentAt });
    advanceCursor(kv, dm.messageId);
    kv.delete(key);
  }
  kv.delete(PROMPTED_KEY);
  return held.length;
}

/** Asks a user with no open ticket whether their DMs should go to staff, and of which server. */
async function promptToOpen(ctx: BaseContext, dm: InboundDm): Promise<void> {
  const guilds = await modmailGuildsOf(ctx, dm.author.id);
  let content: string;
  let components: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  if (guilds.length === 0) {
    content = "I pass messages on to a server's staff, but none of the servers we share has modmail turned on.";
  } else if (guilds.length === 1) {
    content = `Do you want to send your message to the staff of **${clip(guilds[0]!.name, 100)}**? Nothing is sent until you confirm.`;
    components = [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Success, label: 'Contact staff', custom_id: encodeCustomId('modmail.dmopen', guilds[0]!.id) },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Cancel', custom_id: encodeCustomId('modmail.dmcancel') },
        ],
      },
    ];
  } else {
    content = 'Which server’s staff do you want to contact? Nothing is sent until you pick one.';
    components = [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.StringSelect,
            custom_id: encodeCustomId('modmail.dmpick'),
            placeholder: 'Pick a server',
            options: guilds.map((g) => ({ label: clip(g.name, 100), value: g.id })),
          },
        ],
      },
      { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Cancel', custom_id: encodeCustomId('modmail.dmcancel') }] },
    ];
  }
  await ctx.discord.channels.createMessage(dm.channelId, { content, components, allowed_mentions: { parse: [] } });
}

/** The held DMs' first words, for the subject of the ticket they open. */
export function heldSubject(kv: SyncKvStorage): string | null {
  for (const [, dm] of kv.list<InboundDm>({ prefix: HELD_PREFIX, limit: 1 })) return dm.content ? clip(dm.content, 200) : null;
  return null;
}
