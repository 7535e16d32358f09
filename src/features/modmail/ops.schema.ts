/**
 * Modmail's operational tables (beside the ticket tables in `schema.ts`): who may not open
 * tickets, staff snippets, attachments copied to R2 and the transcript index. Times are ms
 * since epoch; every table is guild-scoped.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { AttachmentStatus } from './transcript-doc';

/**
 * A member who may not open tickets, until `expires_at` (null: until unblocked). One row per
 * (guild, member): blocking again replaces it; an expired row counts as no block.
 */
export const modmailBlocks = sqliteTable(
  'modmail_blocks',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    reason: text('reason').notNull(),
    blockedBy: text('blocked_by').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] })],
);

/** A block row. */
export type ModmailBlockRow = typeof modmailBlocks.$inferSelect;

/** A canned staff reply; names unique per guild (lower case). */
export const modmailSnippets = sqliteTable(
  'modmail_snippets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    name: text('name').notNull(),
    content: text('content').notNull(),
    /** Sent as the staff team by default (`/snippet use … anonymous:` overrides it). */
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull().default(false),
    uses: integer('uses').notNull().default(0),
    createdBy: text('created_by').notNull(),
    updatedBy: text('updated_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('modmail_snippets_guild_name').on(t.guildId, t.name)],
);

/** A snippet row. */
export type ModmailSnippetRow = typeof modmailSnippets.$inferSelect;

/**
 * One attachment of a ticket entry and where its copy is. The row is written (reserving its
 * bytes against the ticket's limit, in the same statement that checks it) before the copy;
 * a failed copy marks it `failed`, which gives the bytes back. Unique per (ticket,
 * attachment): a repeated delivery copies nothing twice.
 */
export const modmailAttachments = sqliteTable(
  'modmail_attachments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    ticketId: integer('ticket_id').notNull(),
    /** Discord's attachment id. */
    attachmentId: text('attachment_id').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type'),
    size: integer('size').notNull(),
    status: text('status').$type<AttachmentStatus>().notNull(),
    /** R2 key of the copy (status `stored`). */
    r2Key: text('r2_key'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('modmail_attachments_ticket_attachment').on(t.ticketId, t.attachmentId), index('modmail_attachments_guild').on(t.guildId)],
);

/** An attachment row. */
export type ModmailAttachmentRow = typeof modmailAttachments.$inferSelect;

/**
 * Where a ticket's transcript is: its R2 key (JSON), the log message that carries the HTML,
 * and its size. One row per ticket: a reopened ticket closed again replaces it.
 */
export const modmailTranscripts = sqliteTable(
  'modmail_transcripts',
  {
    ticketId: integer('ticket_id').primaryKey(),
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    r2Key: text('r2_key').notNull(),
    entries: integer('entries').notNull(),
    bytes: integer('bytes').notNull(),
    logChannelId: text('log_channel_id'),
    logMessageId: text('log_message_id'),
    closedAt: integer('closed_at').notNull(),
  },
  (t) => [index('modmail_transcripts_guild_user').on(t.guildId, t.userId, t.closedAt)],
);

/** A transcript index row. */
export type ModmailTranscriptRow = typeof modmailTranscripts.$inferSelect;
