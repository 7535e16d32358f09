/**
 * `enforce_nonce` as Discord documents it: a message posted with `nonce` and
 * `enforce_nonce: true` is checked for uniqueness over the past few minutes; when the same
 * author already created a message with that nonce, that message is returned and no new one
 * is created. The fake keeps nonces for {@link NONCE_WINDOW_MS}.
 *
 * Portable: no Node APIs.
 */
import type { APIMessage } from 'discord-api-types/v10';

/** How long the fake remembers a nonce (Discord: "the past few minutes"). */
export const NONCE_WINDOW_MS = 5 * 60_000;

interface Seen {
  channelId: string;
  messageId: string;
  at: number;
}

/** Nonces of recent messages, per author. */
export class NonceLedger {
  private readonly seen = new Map<string, Seen>();

  /** The message `authorId` already created with `nonce` within the window, if any. */
  find(authorId: string, nonce: string | number, lookup: (channelId: string, messageId: string) => APIMessage | undefined, now = Date.now()): APIMessage | undefined {
    const key = `${authorId}|${String(nonce)}`;
    const seen = this.seen.get(key);
    if (!seen) return undefined;
    if (now - seen.at > NONCE_WINDOW_MS) {
      this.seen.delete(key);
      return undefined;
    }
    return lookup(seen.channelId, seen.messageId);
  }

  /** Remembers the nonce of a message just created. */
  remember(authorId: string, nonce: string | number, message: APIMessage, now = Date.now()): void {
    this.seen.set(`${authorId}|${String(nonce)}`, { channelId: message.channel_id, messageId: message.id, at: now });
  }
}
