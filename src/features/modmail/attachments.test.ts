import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { archiveAttachments, attachmentKey, type AttachmentRef } from './attachments';

const db = getDb(env);
let next = 0;
const ids = () => ({ guildId: `9${String(++next).padStart(17, '0')}`, ticketId: next * 1000 + Math.floor(Math.random() * 1000) });

/** Discord's CDN, serving `bytes[url]` (what the copier would fetch over the network). */
function cdn(bytes: Record<string, Uint8Array>, calls: string[] = []): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    calls.push(url);
    const body = bytes[url];
    return body ? new Response(body) : new Response('gone', { status: 404 });
  }) as typeof fetch;
}

const file = (id: string, size: number, url = `https://cdn.discordapp.com/attachments/1/${id}/f${id}.png`): AttachmentRef => ({ id, filename: `f${id}.png`, size, url, content_type: 'image/png' });

describe('archiveAttachments', () => {
  it('copies within both bounds, refuses the oversized file unfetched and the one past the ticket total', async () => {
    const { guildId, ticketId } = ids();
    const a = file('1', 400);
    const big = file('2', 2_000);
    const b = file('3', 700);
    const c = file('4', 200);
    const calls: string[] = [];
    const fetcher = cdn({ [a.url]: new Uint8Array(400).fill(1), [b.url]: new Uint8Array(700).fill(2), [c.url]: new Uint8Array(200).fill(3) }, calls);
    const rows = await archiveAttachments({ db, bucket: env.MODMAIL_ARCHIVE, fetch: fetcher }, guildId, ticketId, [a, big, b, c], { maxFileBytes: 1_000, maxTicketBytes: 1_000 });
    expect(rows.map((r) => r.status)).toEqual(['stored', 'too_large', 'over_ticket_limit', 'stored']);
    expect(calls).toEqual([a.url, c.url]);
    const stored = await env.MODMAIL_ARCHIVE.get(attachmentKey(guildId, ticketId, a));
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(new Uint8Array(400).fill(1));
    expect(stored!.httpMetadata?.contentDisposition).toBe('attachment');
    expect(await env.MODMAIL_ARCHIVE.get(attachmentKey(guildId, ticketId, b))).toBeNull();
  });

  it('a failed copy gives its bytes back, a repeat copies nothing twice, and only Discord hosts are fetched', async () => {
    const { guildId, ticketId } = ids();
    const gone = file('1', 800);
    const ok = file('2', 800);
    const evil = file('3', 10, 'http://169.254.169.254/latest/meta-data');
    const calls: string[] = [];
    const fetcher = cdn({ [ok.url]: new Uint8Array(800) }, calls);
    const deps = { db, bucket: env.MODMAIL_ARCHIVE, fetch: fetcher };
    const limits = { maxFileBytes: 1_000, maxTicketBytes: 1_000 };
    const first = await archiveAttachments(deps, guildId, ticketId, [gone, ok, evil], limits);
    expect(first.map((r) => r.status)).toEqual(['failed', 'stored', 'failed']);
    const again = await archiveAttachments(deps, guildId, ticketId, [gone, ok, evil], limits);
    expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));
    expect(calls).toEqual([gone.url, ok.url]);
  });

  it('a body larger than Discord declared is not kept', async () => {
    const { guildId, ticketId } = ids();
    const liar = file('1', 10);
    const [row] = await archiveAttachments({ db, bucket: env.MODMAIL_ARCHIVE, fetch: cdn({ [liar.url]: new Uint8Array(5_000) }) }, guildId, ticketId, [liar], { maxFileBytes: 1_000, maxTicketBytes: 10_000 });
    expect(row!.status).toBe('failed');
    expect(await env.MODMAIL_ARCHIVE.get(attachmentKey(guildId, ticketId, liar))).toBeNull();
  });
});
