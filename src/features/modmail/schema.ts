/**
 * Modmail tables: the categories a guild offers, tickets (one open per guild and member, held
 * by a partial unique index), the transcript entries written as each message or action
 * happens, and who is subscribed to a ticket. modmail-ops keeps its own tables in
 * `ops.schema.ts`.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One question of a category's modal (Discord text input; at most 5 per modal). */
export interface CategoryQuestion {
  label: string;
  /** `short` or `paragraph`. */
  style: 'short' | 'paragraph';
  required: boolean;
  maxLength?: number;
  placeholder?: string;
}

/** A kind of request a member can open ("Appeal", "Report a member"), with its own questions. */
export const modmailCategories = sqliteTable(
  'modmail_categories',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    emoji: text('emoji'),
    questions: text('questions', { mode: 'json' }).$type<CategoryQuestion[]>().notNull(),
    /** Pinged in the staff thread when a ticket of this category opens. */
    staffRoleId: text('staff_role_id'),
    /** Where its threads go (a text channel: private threads; a forum: posts); null: the `modmail` channel. */
    destinationId: text('destination_id'),
    position: integer('position').notNull().default(0),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Soft removal: tickets that use it keep their category; the panel no longer offers it. */
    removedAt: integer('removed_at'),
  },
  (t) => [uniqueIndex('modmail_categories_guild_name').on(t.guildId, t.name).where(sql`${t.removedAt} IS NULL`)],
);

/** Ticket states. */
export const TICKET_STATES = ['open', 'closed'] as const;
/** A ticket's state. */
export type TicketState = (typeof TICKET_STATES)[number];

/** Ticket priorities, lowest first. */
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
/** A ticket's priority. */
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** How a ticket was opened. */
export const OPENED_VIA = ['panel', 'command', 'dm', 'contact'] as const;
/** How a ticket was opened. */
export type OpenedVia = (typeof OPENED_VIA)[number];

/** One conversation between a member and a guild's staff. */
export const modmailTickets = sqliteTable(
  'modmail_tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    memberId: text('member_id').notNull(),
    categoryId: integer('category_id'),
    state: text('state').$type<TicketState>().notNull().default('open'),
    /** Staff thread (private thread or forum post); null until it is created. */
    threadId: text('thread_id'),
    /** The parent the thread was created in (text channel or forum). */
    parentId: text('parent_id'),
    /** The member's DM channel with the bot, once known. */
    dmChannelId: text('dm_channel_id'),
    openedVia: text('opened_via').$type<OpenedVia>().notNull(),
    /** Who opened it: the member, or the staff member of `/modmail contact`. */
    openedBy: text('opened_by').notNull(),
    /** Subject: the contact reason, or the first line of the member's answers. */
    subject: text('subject'),
    claimedBy: text('claimed_by'),
    priority: text('priority').$type<TicketPriority>().notNull().default('normal'),
    openedAt: integer('opened_at').notNull(),
    /** First staff message to the member (for first-response time). */
    firstResponseAt: integer('first_response_at'),
    lastMemberMessageAt: integer('last_member_message_at'),
    lastStaffMessageAt: integer('last_staff_message_at'),
    closedAt: integer('closed_at'),
    closedBy: text('closed_by'),
    closeReason: text('close_reason'),
  },
  (t) => [
    // One open ticket per (guild, member): a second open insert fails on this index.
    uniqueIndex('modmail_tickets_open').on(t.guildId, t.memberId).where(sql`${t.state} = 'open'`),
    uniqueIndex('modmail_tickets_thread').on(t.threadId),
    index('modmail_tickets_member').on(t.memberId, t.state),
    index('modmail_tickets_guild_state').on(t.guildId, t.state, t.openedAt),
  ],
);

/** A ticket row. */
export type TicketRow = typeof modmailTickets.$inferSelect;

/** Kinds of transcript entries. */
export const ENTRY_KINDS = ['message_in', 'message_out', 'note', 'action', 'undelivered'] as const;
/** A transcript entry's kind. */
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** An attachment as the transcript keeps it (modmail-ops copies `url` to R2 and fills `key`). */
export interface EntryAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  contentType?: string;
  /** R2 key of the copy, once made. */
  key?: string;
}

/**
 * The transcript: one row per message in either direction, internal note, staff action and
 * undelivered reply, written as it happens. `seq` orders a ticket's entries (allocated by the
 * insert itself); `source_id` makes a repeated write (an event delivered twice) a no-op.
 */
export const modmailEntries = sqliteTable(
  'modmail_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id').notNull(),
    seq: integer('seq').notNull(),
    kind: text('kind').$type<EntryKind>().notNull(),
    /** Who wrote or did it (member, staff member, or the bot's application id for system entries). */
    authorId: text('author_id').notNull(),
    /** Shown to the member as the staff team, not the author. */
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull().default(false),
    content: text('content').notNull(),
    attachments: text('attachments', { mode: 'json' }).$type<EntryAttachment[]>().notNull().default(sql`'[]'`),
    /** Deduplication key: the Discord message or interaction id the entry came from. */
    sourceId: text('source_id').notNull(),
    /** The message in the member's DMs (sent or received). */
    dmMessageId: text('dm_message_id'),
    /** The message in the staff thread. */
    threadMessageId: text('thread_message_id'),
    /** For `action`: what was done (`claim`, `transfer`, `priority`, …); modmail-ops adds its own. */
    action: text('action'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('modmail_entries_ticket_seq').on(t.ticketId, t.seq), uniqueIndex('modmail_entries_ticket_source').on(t.ticketId, t.sourceId)],
);

/** A transcript entry row. */
export type EntryRow = typeof modmailEntries.$inferSelect;

/** Staff members pinged on each new member message of a ticket. */
export const modmailSubscriptions = sqliteTable(
  'modmail_subscriptions',
  {
    ticketId: integer('ticket_id').notNull(),
    userId: text('user_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.userId] })],
);
