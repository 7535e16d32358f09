/**
 * The readable transcript: one self-contained HTML file (inline CSS, no scripts, no remote
 * resources) posted to the modmail log channel on close. Everything the member or staff
 * wrote is escaped; attachments are listed by name and size with where their copy is kept,
 * never linked (the archive is not publicly reachable, and Discord's CDN links expire).
 * Pure: the same document always renders the same bytes.
 */
import type { TranscriptAttachment, TranscriptDoc, TranscriptEntry } from './transcript-doc';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** `2026-12-01 12:00:05 UTC`. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `1.5 MiB`, `12 KiB`, `900 B`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

const LABELS: Record<TranscriptEntry['kind'], string> = {
  message_in: 'Member',
  message_out: 'Staff reply',
  note: 'Internal note (not sent)',
  action: 'Action',
  undelivered: 'Reply NOT delivered',
};

const ATTACHMENT_STATUS: Record<TranscriptAttachment['status'], string> = {
  stored: 'kept in the transcript archive',
  too_large: 'not kept: larger than the per-file limit',
  over_ticket_limit: "not kept: the ticket's attachment limit was reached",
  failed: 'not kept: the copy failed',
};

const CSS = [
  'body{font:14px/1.45 system-ui,sans-serif;margin:0;padding:16px;background:#f6f6f8;color:#1d1d22}',
  'header{margin-bottom:16px}h1{font-size:18px;margin:0 0 4px}dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:0}',
  'dt{color:#666}dd{margin:0}.e{background:#fff;border-left:4px solid #999;border-radius:4px;margin:8px 0;padding:8px 12px}',
  '.message_in{border-color:#5865f2}.message_out{border-color:#23a55a}.note{border-color:#f0b232;background:#fffbea}',
  '.action{border-color:#999;background:#f0f0f3}.undelivered{border-color:#da373c;background:#fff0f0}',
  '.h{color:#555;font-size:12px;margin-bottom:4px}.h b{color:#1d1d22}.c{white-space:pre-wrap;word-wrap:break-word}',
  'ul{margin:4px 0 0;padding-left:18px;font-size:12px;color:#444}',
].join('');

function who(entry: TranscriptEntry): string {
  const name = entry.authorName ? `${escapeHtml(entry.authorName)} (${entry.authorId})` : escapeHtml(entry.authorId);
  return entry.anonymous ? `${name}, shown to the member as the staff team` : name;
}

function attachmentList(list: TranscriptAttachment[]): string {
  if (list.length === 0) return '';
  const items = list.map((a) => `<li>${escapeHtml(a.filename)} · ${formatBytes(a.size)} · ${ATTACHMENT_STATUS[a.status]}</li>`);
  return `<ul>${items.join('')}</ul>`;
}

function entryHtml(entry: TranscriptEntry): string {
  return (
    `<div class="e ${entry.kind}" id="e${entry.seq}"><div class="h">#${entry.seq} · <b>${LABELS[entry.kind]}</b> · ${who(entry)} · ${formatUtc(entry.at)}</div>` +
    `<div class="c">${escapeHtml(entry.content)}</div>${attachmentList(entry.attachments)}</div>`
  );
}

/** The transcript as one HTML page. */
export function renderTranscriptHtml(doc: TranscriptDoc): string {
  const t = doc.ticket;
  const member = t.memberName ? `${escapeHtml(t.memberName)} (${t.memberId})` : t.memberId;
  const rows: [string, string][] = [
    ['Member', member],
    ['Category', escapeHtml(t.category ?? 'none')],
    ['Opened', formatUtc(t.openedAt)],
    ['Closed', `${formatUtc(t.closedAt)}${t.closedBy ? ` by ${escapeHtml(t.closedBy)}` : ''}`],
    ['Reason', escapeHtml(t.closeReason ?? 'none given')],
    ['Entries', String(doc.entries.length)],
  ];
  const body = doc.entries.length ? doc.entries.map(entryHtml).join('\n') : '<p>No messages were recorded.</p>';
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">` +
    `<title>Ticket ${escapeHtml(t.id)} transcript</title><style>${CSS}</style></head><body>` +
    `<header><h1>Modmail ticket ${escapeHtml(t.id)}</h1><dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></header>\n` +
    `${body}\n</body></html>\n`
  );
}
