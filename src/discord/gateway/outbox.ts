/**
 * The relay's outbox: dispatches stored (with the sequence that acknowledges them) until a
 * `sendBatch` has put them on the EVENTS queue, and packed into queue messages on the way.
 *
 * Sizes are UTF-8 bytes, as Queues counts them (1 KB = 1000 bytes): a message may hold
 * 128 KB, a `sendBatch` 100 messages and 256 KB, and each message carries up to ~100 bytes of
 * metadata that counts too. The relay keeps headroom below each: a message body ≤ 120 KB, a
 * send ≤ 224 KB counting 100 bytes per message. A row that can never fit a message (stored
 * before sizes were bytes, or refused by the queue on its own) is moved to a quarantine table:
 * kept, counted in the relay's status, never retried, so the events behind it flow.
 */
import type { QueuedEvent } from './wire';
import { EVENTS_PER_MESSAGE } from './wire';

/** Cloudflare Queues' limits, in bytes (1 KB = 1000 bytes). */
export const QUEUE_LIMITS = { messageBytes: 128_000, batchBytes: 256_000, batchMessages: 100, metadataBytes: 100 } as const;
/** Largest event row: alone in a pack (`{"events":[…]}`) with its metadata it stays under the message limit. */
export const MAX_EVENT_BYTES = 120_000;
/** A pack grows to this size at most (one 64 KB unit of Queues billing), unless one event is bigger. */
export const PACK_BYTES = 64_000;
/** A `sendBatch` holds at most this much: bodies plus {@link QUEUE_LIMITS}.metadataBytes per message. */
export const BATCH_BYTES = 224_000;
/** `{"events":[` + `]}` around a pack's events. */
const PACK_WRAPPER_BYTES = 13;

const encoder = new TextEncoder();

/** The UTF-8 size of a string: what Queues counts (a CJK character is 3 bytes, an emoji 4). */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).byteLength;
}

/** An event's outbox row: its JSON, with the bulky parts dropped when it would not fit a message. */
export function fitBody(event: QueuedEvent): string {
  const body = JSON.stringify(event);
  if (utf8Bytes(body) <= MAX_EVENT_BYTES) return body;
  const { referenced_message: _r, embeds: _e, components: _c, ...rest } = (event.payload ?? {}) as Record<string, unknown>;
  const trimmed = JSON.stringify({ ...event, payload: { ...rest, truncated: true } });
  return utf8Bytes(trimmed) <= MAX_EVENT_BYTES ? trimmed : JSON.stringify({ ...event, payload: { id: rest.id, truncated: true } });
}

/** An outbox row; `bytes` is its body's UTF-8 size (computed when absent). */
export interface OutboxRow {
  id: number;
  body: string;
  bytes?: number;
}

/** One `sendBatch` worth of the outbox. */
export interface PackedBatch {
  /** Queue message bodies (`{"events":[…]}` JSON text). */
  messages: string[];
  /** Events in them. */
  events: number;
  /** What the send counts against Queues' batch limit: bodies plus per-message metadata. */
  bytes: number;
  /** Ids of the rows packed, in order. */
  packed: number[];
  /** Rows too big for any message, met before the batch filled up (to be quarantined). */
  oversized: OutboxRow[];
  /** The last row id covered (packed or oversized); rows after it wait for the next round. */
  lastId: number;
}

/**
 * Packs outbox rows (each an event's JSON) into one `sendBatch`: queue messages of up to
 * `eventsPerMessage` events and {@link PACK_BYTES} each (one bigger event goes alone), at most
 * `maxMessages` messages and {@link BATCH_BYTES} in all, in UTF-8 bytes. The bodies are JSON
 * text built from the stored rows, so nothing is parsed or serialised again. Reads `rows` only
 * as far as the batch goes, so a cursor over the whole outbox is fine.
 */
export function packOutbox(
  rows: Iterable<OutboxRow>,
  { maxMessages = QUEUE_LIMITS.batchMessages, eventsPerMessage = EVENTS_PER_MESSAGE }: { maxMessages?: number; eventsPerMessage?: number } = {},
): PackedBatch {
  const messages: string[] = [];
  const oversized: OutboxRow[] = [];
  const packed: number[] = [];
  let pack: string[] = [];
  let packBytes = 0;
  let total = 0;
  let events = 0;
  let lastId = 0;
  const close = () => {
    if (pack.length === 0) return;
    messages.push(`{"events":[${pack.join(',')}]}`);
    pack = [];
    packBytes = 0;
  };
  for (const row of rows) {
    const bytes = row.bytes ?? utf8Bytes(row.body);
    if (bytes > MAX_EVENT_BYTES) {
      oversized.push({ ...row, bytes });
      lastId = row.id;
      continue;
    }
    if (pack.length >= eventsPerMessage || (pack.length > 0 && packBytes + bytes + 1 > PACK_BYTES)) close();
    // A new message costs its wrapper and metadata; the next event costs its bytes and a comma.
    const cost = bytes + (pack.length === 0 ? PACK_WRAPPER_BYTES + QUEUE_LIMITS.metadataBytes : 1);
    if (events > 0 && ((pack.length === 0 && messages.length >= maxMessages) || total + cost > BATCH_BYTES)) break;
    pack.push(row.body);
    packed.push(row.id);
    packBytes += pack.length === 1 ? PACK_WRAPPER_BYTES + bytes : bytes + 1;
    total += cost;
    events++;
    lastId = row.id;
  }
  close();
  return { messages, events, bytes: total, packed, oversized, lastId };
}

/** A quarantined row as the relay's status shows it. */
export interface QuarantinedEvent {
  /** Outbox row id. */
  id: number;
  sourceId: string | null;
  type: string | null;
  bytes: number;
  reason: string;
  at: number;
}

/** The outbox and quarantine tables in the relay's SQLite storage. */
export class Outbox {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)`);
    sql.exec(
      `CREATE TABLE IF NOT EXISTS quarantine (id INTEGER PRIMARY KEY, body TEXT NOT NULL, bytes INTEGER NOT NULL, source_id TEXT, type TEXT, reason TEXT NOT NULL, at INTEGER NOT NULL)`,
    );
  }

  /** Stores an event (call inside the transaction that stores its sequence). */
  add(event: QueuedEvent): void {
    this.sql.exec('INSERT INTO outbox (body) VALUES (?)', fitBody(event));
  }

  /** Events waiting to be sent. */
  pending(): number {
    return this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM outbox').one().n;
  }

  /** The next `sendBatch` (see {@link packOutbox}); `probe` packs one event alone. */
  next({ probe = false }: { probe?: boolean } = {}): PackedBatch {
    const rows = this.sql.exec<{ id: number; body: string; bytes: number }>('SELECT id, body, length(CAST(body AS BLOB)) AS bytes FROM outbox ORDER BY id');
    return packOutbox(rows, probe ? { maxMessages: 1, eventsPerMessage: 1 } : {});
  }

  /** The rows with these ids. */
  rows(ids: readonly number[]): OutboxRow[] {
    return ids.flatMap((id) => this.sql.exec<{ id: number; body: string; bytes: number }>('SELECT id, body, length(CAST(body AS BLOB)) AS bytes FROM outbox WHERE id = ?', id).toArray());
  }

  /** Drops the rows the queue accepted (every id up to `lastId`). */
  sent(lastId: number): void {
    this.sql.exec('DELETE FROM outbox WHERE id <= ?', lastId);
  }

  /** Moves rows out of the outbox into the quarantine, with why. */
  quarantine(rows: readonly OutboxRow[], reason: string, now = Date.now()): void {
    for (const row of rows) {
      const { sourceId, type } = identify(row.body);
      this.sql.exec(
        'INSERT OR REPLACE INTO quarantine (id, body, bytes, source_id, type, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        row.id,
        row.body,
        row.bytes ?? utf8Bytes(row.body),
        sourceId,
        type,
        reason.slice(0, 300),
        now,
      );
      this.sql.exec('DELETE FROM outbox WHERE id = ?', row.id);
    }
  }

  /** How many rows are quarantined, and the newest `limit` of them (without their bodies). */
  quarantined(limit = 10): { count: number; newest: QuarantinedEvent[] } {
    const count = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM quarantine').one().n;
    const newest = this.sql
      .exec<{ id: number; source_id: string | null; type: string | null; bytes: number; reason: string; at: number }>(
        'SELECT id, source_id, type, bytes, reason, at FROM quarantine ORDER BY id DESC LIMIT ?',
        limit,
      )
      .toArray()
      .map((r) => ({ id: r.id, sourceId: r.source_id, type: r.type, bytes: r.bytes, reason: r.reason, at: r.at }));
    return { count, newest };
  }
}

/** The source id and type of a stored event, if its body says. */
function identify(body: string): { sourceId: string | null; type: string | null } {
  try {
    const event = JSON.parse(body) as Partial<QueuedEvent>;
    return { sourceId: typeof event.sourceId === 'string' ? event.sourceId : null, type: typeof event.type === 'string' ? event.type : null };
  } catch {
    return { sourceId: null, type: null };
  }
}
