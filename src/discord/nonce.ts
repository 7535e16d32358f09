/**
 * Message nonces for posts that may be sent again (a redelivered event, a retried queue
 * message). Posted with `enforce_nonce: true`, a second post with the same nonce from the bot
 * within Discord's window ("the past few minutes") returns the first message instead of
 * creating another.
 */

/** Discord's longest string nonce. */
export const NONCE_MAX_LENGTH = 25;

/**
 * A deterministic nonce for one effect: the first 24 hex digits (96 bits) of the SHA-256 of
 * `parts` (e.g. the handler's name and the event's source id), within Discord's 25 characters.
 */
export async function messageNonce(...parts: string[]): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(parts.join('\u0000')));
  return [...new Uint8Array(digest, 0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
