/**
 * What a member reads in their DM after (or, for kicks and bans, just before) an action: a
 * sentence of its own per action, naming the server, then the reason. Never the moderator's
 * verb ("removed the timeout of"), which reads wrong addressed to the member.
 */
import { formatDuration } from './duration';
import type { CaseType } from './schema';

const forDuration = (ms: number | null) => (ms ? ` for ${formatDuration(ms)}` : '');

/** The member-facing sentence of each action. Kicks and bans are DMed before they happen. */
const SENTENCES: Record<CaseType, (server: string, durationMs: number | null) => string> = {
  warn: (s) => `You were warned in **${s}**.`,
  timeout: (s, d) => `You were timed out in **${s}**${forDuration(d)}.`,
  untimeout: (s) => `Your timeout in **${s}** was lifted.`,
  mute: (s, d) => `You were muted in **${s}**${forDuration(d)}.`,
  unmute: (s) => `You were unmuted in **${s}**.`,
  suspend: (s, d) => `You were suspended in **${s}**${forDuration(d)}.`,
  unsuspend: (s) => `Your suspension in **${s}** was lifted.`,
  kick: (s) => `You are being kicked from **${s}**.`,
  ban: (s, d) => `You are being banned from **${s}**${forDuration(d)}.`,
  softban: (s) => `You are being softbanned from **${s}**: banned and unbanned at once, which deletes your recent messages. You may rejoin with an invite.`,
  unban: (s) => `You were unbanned from **${s}**.`,
};

/** The DM a member gets for an action of `type` in `serverName`. */
export function memberDm(type: CaseType, serverName: string, reason: string, durationMs?: number | null): string {
  return `${SENTENCES[type](serverName, durationMs ?? null)}\nReason: ${reason}`;
}
