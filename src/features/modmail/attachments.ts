/**
 * Copies a ticket's attachments from Discord's CDN to the private R2 archive, so the
 * transcript outlives Discord's expiring links. Bounded twice: a file over the per-file limit
 * is never fetched, and a file that would take the ticket past its total is not copied. The
 * ticket total is checked and the bytes reserved by the same INSERT (no read before the
 * write), and the row exists before the copy; a failed copy marks it `failed`, which gives
 * the bytes back. A repeated call (a redelivered event) copies nothing twice.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { modmailAttachments, type ModmailAttachmentRow } from './ops.schema';
import type { EntryAttachment } from './schema';
import type { AttachmentStatus } from './transcript-doc';

/** Hosts an attachment is fetched from: Discord's CDN only (a URL from anywhere else is never fetched). */
import { DISCORD_ATTACHMENT_HOSTS as ATTACHMENT_HOSTS } from '../../discord/attachments';

/** An attachment as a ticket entry records it (Discord's `APIAttachment` fields we keep). */
export interface AttachmentRef {
  id: string;
  filename: string;
  size: number;
  url: string;
  content_type?: string | null;
}

/** An attachment as the transcript entry keeps it, as the copier takes it. */
export function attachmentRef(a: EntryAttachment): AttachmentRef {
  return { id: a.id, filename: a.filename, size: a.size, url: a.url, content_type: a.contentType ?? null };
}

/** Per-file and per-ticket byte limits. */
export interface AttachmentLimits {
  maxFileBytes: number;
  maxTicketBytes: number;
}

/** What the copier needs. */
export interface ArchiveDeps {
  db: Db;
  bucket: R2Bucket;
  /** Fetches the CDN URL; the global `fetch` in production. */
  fetch?: typeof fetch;
  now?: number;
}

/** The R2 prefix of one ticket: everything the archive keeps for it. */
export function ticketPrefix(guildId: string, ticketId: number): string {
  return `modmail/${guildId}/${ticketId}/`;
}

/** The R2 key of an attachment's copy. */
export function attachmentKey(guildId: string, ticketId: number, a: Pick<AttachmentRef, 'id' | 'filename'>): string {
  const safe = a.filename.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'file';
  return `${ticketPrefix(guildId, ticketId)}attachments/${a.id}/${safe}`;
}

async function existing(db: Db, ticketId: number, attachmentId: string): Promise<ModmailAttachmentRow | null> {
  const [row] = await db
    .select()
    .from(modmailAttachments)
    .where(and(eq(modmailAttachments.ticketId, ticketId), eq(modmailAttachments.attachmentId, attachmentId)));
  return row ?? null;
}

async function record(db: Db, guildId: string, ticketId: number, a: AttachmentRef, status: AttachmentStatus, now: number): Promise<ModmailAttachmentRow> {
  const [row] = await db
    .insert(modmailAttachments)
    .values({ guildId, ticketId, attachmentId: a.id, filename: a.filename, contentType: a.content_type ?? null, size: a.size, status, r2Key: null, createdAt: now })
    .onConflictDoNothing()
    .returning();
  return row ?? (await existing(db, ticketId, a.id))!;
}

/**
 * Reserves `a`'s bytes against the ticket's total and writes its row as `stored` in one
 * statement; null when the total would be exceeded or the row already exists.
 */
async function reserve(db: Db, guildId: string, ticketId: number, a: AttachmentRef, key: string, limit: number, now: number): Promise<number | null> {
  const t = modmailAttachments;
  const rows = await db.all<{ id: number }>(sql`
    INSERT INTO ${t} (guild_id, ticket_id, attachment_id, filename, content_type, size, status, r2_key, created_at)
    SELECT ${guildId}, ${ticketId}, ${a.id}, ${a.filename}, ${a.content_type ?? null}, ${a.size}, 'stored', ${key}, ${now}
    WHERE (SELECT COALESCE(SUM(${t.size}), 0) FROM ${t} WHERE ${t.ticketId} = ${ticketId} AND ${t.status} = 'stored') + ${a.size} <= ${limit}
    ON CONFLICT DO NOTHING RETURNING id`);
  return rows[0]?.id ?? null;
}

async function fetchBounded(fetcher: typeof fetch, url: string, maxBytes: number): Promise<ArrayBuffer> {
  const res = await fetcher(url);
  if (!res.ok) throw new Error(`attachment fetch answered ${res.status}`);
  const body = await res.arrayBuffer();
  if (body.byteLength > maxBytes) throw new Error(`attachment is ${body.byteLength} bytes, more than the ${maxBytes} declared`);
  return body;
}

/**
 * Copies one attachment (or records why not) and returns its row. Safe to call again for
 * the same attachment: the first row stands.
 */
export async function archiveAttachment(deps: ArchiveDeps, guildId: string, ticketId: number, a: AttachmentRef, limits: AttachmentLimits): Promise<ModmailAttachmentRow> {
  const now = deps.now ?? Date.now();
  const prior = await existing(deps.db, ticketId, a.id);
  if (prior) return prior;
  if (a.size > limits.maxFileBytes) return record(deps.db, guildId, ticketId, a, 'too_large', now);
  let host = '';
  try {
    host = new URL(a.url).hostname;
  } catch {
    // not a URL: recorded as failed below
  }
  if (!ATTACHMENT_HOSTS.has(host)) return record(deps.db, guildId, ticketId, a, 'failed', now);
  const key = attachmentKey(guildId, ticketId, a);
  const id = await reserve(deps.db, guildId, ticketId, a, key, limits.maxTicketBytes, now);
  if (id === null) {
    const raced = await existing(deps.db, ticketId, a.id);
    return raced ?? record(deps.db, guildId, ticketId, a, 'over_ticket_limit', now);
  }
  try {
    const body = await fetchBounded(deps.fetch ?? fetch, a.url, Math.min(a.size, limits.maxFileBytes));
    await deps.bucket.put(key, body, {
      httpMetadata: { contentType: a.content_type ?? 'application/octet-stream', contentDisposition: 'attachment' },
      customMetadata: { guildId, ticketId: String(ticketId), filename: a.filename },
    });
  } catch (error) {
    console.warn(JSON.stringify({ msg: 'modmail: attachment copy failed', guildId, ticketId, attachmentId: a.id, error: String(error) }));
    const [failed] = await deps.db
      .update(modmailAttachments)
      .set({ status: 'failed', r2Key: null })
      .where(eq(modmailAttachments.id, id))
      .returning();
    return failed!;
  }
  return (await existing(deps.db, ticketId, a.id))!;
}

/** Copies every attachment of an entry in order (the ticket total is shared, so one at a time). */
export async function archiveAttachments(deps: ArchiveDeps, guildId: string, ticketId: number, list: readonly AttachmentRef[], limits: AttachmentLimits): Promise<ModmailAttachmentRow[]> {
  const out: ModmailAttachmentRow[] = [];
  for (const a of list) out.push(await archiveAttachment(deps, guildId, ticketId, a, limits));
  return out;
}

/** A ticket's attachment rows by Discord attachment id (for the transcript). */
export async function ticketAttachments(db: Db, ticketId: number): Promise<Map<string, ModmailAttachmentRow>> {
  const rows = await db.select().from(modmailAttachments).where(eq(modmailAttachments.ticketId, ticketId));
  return new Map(rows.map((r) => [r.attachmentId, r]));
}
