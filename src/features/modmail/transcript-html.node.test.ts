import { describe, expect, it } from 'vitest';
import type { TranscriptDoc } from './transcript-doc';
import { escapeHtml, formatBytes, renderTranscriptHtml } from './transcript-html';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

const doc: TranscriptDoc = {
  version: 1,
  ticket: { id: '42', guildId: '100', memberId: '200', memberName: 'ann<b>', category: 'Appeals', openedAt: T0, closedAt: T0 + 3_600_000, closedBy: '300', closeReason: 'Solved & done' },
  entries: [
    { seq: 1, kind: 'message_in', at: T0, authorId: '200', authorName: 'ann', anonymous: false, content: 'Hi <script>alert(1)</script>\nsecond line', attachments: [{ filename: 'a"b.png', size: 2048, contentType: 'image/png', status: 'stored', key: 'k' }] },
    { seq: 2, kind: 'note', at: T0 + 1000, authorId: '300', authorName: 'mod', anonymous: false, content: 'checking', attachments: [] },
    { seq: 3, kind: 'message_out', at: T0 + 2000, authorId: '300', authorName: 'mod', anonymous: true, content: 'Hello', attachments: [] },
    { seq: 4, kind: 'undelivered', at: T0 + 3000, authorId: '300', authorName: 'mod', anonymous: false, content: 'Are you there?', attachments: [{ filename: 'big.zip', size: 30 * 1024 * 1024, contentType: null, status: 'too_large', key: null }] },
    { seq: 5, kind: 'action', at: T0 + 4000, authorId: '300', authorName: 'mod', anonymous: false, content: 'closed: Solved', attachments: [] },
  ],
};

describe('renderTranscriptHtml', () => {
  const html = renderTranscriptHtml(doc);

  it('escapes everything people wrote, and carries no script or remote resource', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt;\nsecond line');
    expect(html).toContain('ann&lt;b&gt; (200)');
    expect(html).toContain('a&quot;b.png');
    expect(html).toContain('Solved &amp; done');
    expect(html).not.toMatch(/src=|href=|https?:/);
  });

  it('shows every entry in order with its kind, author and UTC time', () => {
    const seqs = [...html.matchAll(/id="e(\d+)"/g)].map((m) => Number(m[1]));
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(html).toContain('#2 · <b>Internal note (not sent)</b> · mod (300) · 2026-12-01 12:00:01 UTC');
    expect(html).toContain('mod (300), shown to the member as the staff team');
    expect(html).toContain('<b>Reply NOT delivered</b>');
    expect(html).toContain('big.zip · 30.0 MiB · not kept: larger than the per-file limit');
    expect(html).toContain('a&quot;b.png · 2 KiB · kept in the transcript archive');
  });

  it('is deterministic and says so when nothing was recorded', () => {
    expect(renderTranscriptHtml(doc)).toBe(html);
    expect(renderTranscriptHtml({ ...doc, entries: [] })).toContain('No messages were recorded.');
  });

  it('formats helpers', () => {
    expect(escapeHtml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
    expect(formatBytes(900)).toBe('900 B');
    expect(formatBytes(1536 * 1024)).toBe('1.5 MiB');
  });
});
