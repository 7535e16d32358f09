/**
 * Files staff send to a member (the staff Reply modal's upload, `/reply file:`). Discord gives
 * them to the bot as ephemeral attachments: links on its CDN that it removes after a while,
 * and no way to attach an existing file to another message. So a reply's files are
 * 1. checked against the limits before anything is sent (a clear refusal, nothing recorded);
 * 2. read once from Discord's CDN (only its hosts, never more bytes than Discord declared);
 * 3. uploaded with the DM (`sendToMember`), so the member keeps them;
 * 4. copied to the private archive from the same bytes (`archiveAttachments`, bounded per
 *    file and per ticket like a member's files), after the DM.
 */
import type { BaseContext, InteractionContext } from '../../core/context';
import { UserError } from '../../core/errors';
import { discordAttachmentUrl } from '../../discord/attachments';
import type { RestFile } from '../../discord/rest';
import { archiveAttachments, attachmentRef, type AttachmentLimits } from './attachments';
import { opsSettings } from './ops.config';
import type { EntryAttachment, TicketRow } from './schema';

const MIB = 1024 * 1024;

/**
 * Most bytes of files one reply uploads: Discord's default upload limit (10 MiB; a server's
 * boosts raise it in the server, not in DMs). It also bounds what the Worker holds at once.
 */
export const REPLY_FILES_MAX_BYTES = 10 * MIB;

const mib = (bytes: number) => `${Math.round((bytes / MIB) * 10) / 10} MiB`;

/**
 * Refuses files that could not be both sent and kept: one over the guild's per-file archive
 * limit (`/modmail limits max_file_mib`), or more than `REPLY_FILES_MAX_BYTES` together.
 * @returns the guild's attachment limits, for the archive copy
 */
export async function checkReplyFiles(ctx: InteractionContext, files: readonly EntryAttachment[]): Promise<AttachmentLimits> {
  const settings = await opsSettings(ctx.config);
  const limits = { maxFileBytes: settings.maxAttachmentBytes, maxTicketBytes: settings.maxTicketAttachmentBytes };
  const big = files.find((f) => f.size > limits.maxFileBytes);
  if (big) {
    throw new UserError(
      'file_too_large',
      `\`${big.filename.slice(0, 80)}\` is ${mib(big.size)}; this server keeps files up to ${mib(limits.maxFileBytes)} each (\`/modmail limits max_file_mib\`). Nothing was sent.`,
    );
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > REPLY_FILES_MAX_BYTES) {
    throw new UserError('files_too_large', `These files are ${mib(total)} together; one reply takes at most ${mib(REPLY_FILES_MAX_BYTES)}. Nothing was sent: send them in separate replies.`);
  }
  return limits;
}

/**
 * Reads each file from Discord's CDN, in order, for the upload. A file Discord no longer
 * serves, or whose body is larger than declared, is refused (nothing is sent).
 */
export async function readReplyFiles(files: readonly EntryAttachment[], fetcher: typeof fetch = fetch): Promise<RestFile[]> {
  const out: RestFile[] = [];
  for (const f of files) {
    const url = discordAttachmentUrl(f.url);
    const res = url ? await fetcher(url.href).catch(() => null) : null;
    const body = res?.ok ? new Uint8Array(await res.arrayBuffer()) : null;
    if (!body || body.byteLength > f.size) {
      if (res && !res.ok) console.warn(JSON.stringify({ msg: 'modmail: reply file read failed', attachmentId: f.id, status: res.status }));
      throw new UserError('file_unreadable', `Discord no longer serves \`${f.filename.slice(0, 80)}\`. Nothing was sent: upload it again.`);
    }
    out.push({ name: f.filename, data: body, ...(f.contentType ? { contentType: f.contentType } : {}) });
  }
  return out;
}

/** Copies a sent reply's files to the archive from the bytes already read (the CDN is not asked twice). */
export function archiveReplyFiles(ctx: BaseContext, ticket: TicketRow, files: readonly EntryAttachment[], bytes: readonly RestFile[], limits: AttachmentLimits): Promise<unknown> {
  const byUrl = new Map(files.map((f, i) => [f.url, bytes[i]!.data]));
  const served = (async (input: RequestInfo | URL) => {
    const data = byUrl.get(String(input));
    return data ? new Response(data as Uint8Array<ArrayBuffer>) : new Response('not read', { status: 404 });
  }) as typeof fetch;
  return archiveAttachments({ db: ctx.db, bucket: ctx.env.MODMAIL_ARCHIVE, fetch: served }, ticket.guildId, ticket.id, files.map(attachmentRef), limits);
}
