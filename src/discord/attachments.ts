/**
 * Where Discord serves message attachments from. A handler that reads an attachment fetches
 * only these hosts over https: a payload's `url` is the sender's word, and fetching anything
 * else would let a crafted interaction make the bot request an address of its choosing.
 */
export const DISCORD_ATTACHMENT_HOSTS: ReadonlySet<string> = new Set(['cdn.discordapp.com', 'media.discordapp.net']);

/** The attachment URL parsed, when it is https on one of Discord's attachment hosts; else null. */
export function discordAttachmentUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  return url.protocol === 'https:' && DISCORD_ATTACHMENT_HOSTS.has(url.hostname) ? url : null;
}
