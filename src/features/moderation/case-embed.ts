/**
 * How a case looks: the mod-log embed (also used by `/case show`) and one-line summaries.
 */
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { Amendment } from './cases.repo';
import { formatDuration } from './duration';
import type { CaseRow, CaseType, PunishmentRow } from './schema';

/** Past-tense verb of each case type, for replies and summaries. */
export const CASE_VERBS: Record<CaseType, string> = {
  warn: 'warned',
  timeout: 'timed out',
  untimeout: 'removed the timeout of',
  mute: 'muted',
  unmute: 'unmuted',
  suspend: 'suspended',
  unsuspend: 'unsuspended',
  kick: 'kicked',
  ban: 'banned',
  softban: 'softbanned',
  unban: 'unbanned',
};

/** Title-case label of each case type. */
export const CASE_LABELS: Record<CaseType, string> = {
  warn: 'Warning',
  timeout: 'Timeout',
  untimeout: 'Timeout removed',
  mute: 'Mute',
  unmute: 'Unmute',
  suspend: 'Suspension',
  unsuspend: 'Suspension lifted',
  kick: 'Kick',
  ban: 'Ban',
  softban: 'Softban',
  unban: 'Unban',
};

const COLORS: Record<CaseType, number> = {
  warn: 0xf1c40f,
  timeout: 0xe67e22,
  untimeout: 0x2ecc71,
  mute: 0xe67e22,
  unmute: 0x2ecc71,
  suspend: 0xd35400,
  unsuspend: 0x2ecc71,
  kick: 0xe74c3c,
  ban: 0x992d22,
  softban: 0xc0392b,
  unban: 0x2ecc71,
};

const ts = (ms: number, style = 'f') => `<t:${Math.floor(ms / 1000)}:${style}>`;
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function dmText(dm: boolean | null): string {
  if (dm === null) return 'not sent';
  return dm ? 'delivered' : 'failed (DMs closed or not reachable)';
}

/** The reason with its history: the original, then each `/case reason` update. */
export function reasonText(row: CaseRow, amendments: readonly Amendment[]): string {
  const lines = [row.reason, ...amendments.map((a) => `**Update** by <@${a.actorId}> ${ts(a.createdAt, 'R')}: ${a.text}`)];
  return cut(lines.join('\n'), 1024);
}

/** The embed of a case (mod log and `/case show`). */
export function caseEmbed(row: CaseRow, amendments: readonly Amendment[] = [], punishment: PunishmentRow | null = null): APIEmbed {
  const fields: APIEmbedField[] = [
    { name: 'Member', value: `<@${row.targetId}> (\`${row.targetId}\`)`, inline: true },
    { name: 'Moderator', value: `<@${row.actorId}>`, inline: true },
    { name: 'Reason', value: reasonText(row, amendments) || '—' },
  ];
  if (row.durationMs) fields.push({ name: 'Duration', value: formatDuration(row.durationMs), inline: true });
  if (row.expiresAt) fields.push({ name: 'Expires', value: `${ts(row.expiresAt)} (${ts(row.expiresAt, 'R')})`, inline: true });
  fields.push({ name: 'DM', value: dmText(row.dmSent), inline: true });
  if (row.refs?.length) fields.push({ name: 'Because of', value: row.refs.map((n) => `#${n}`).join(', ') });
  if (punishment) fields.push({ name: 'Expiry', value: punishmentText(punishment) });
  if (row.state !== 'done') fields.push({ name: 'Status', value: stateText(row) });
  if (row.deletedAt) fields.push({ name: 'Deleted', value: `by <@${row.deletedBy ?? '0'}> ${ts(row.deletedAt, 'R')}` });
  return {
    title: `${row.deletedAt ? '[deleted] ' : ''}${row.state === 'done' ? '' : `[${row.state}] `}Case #${row.caseNumber} · ${CASE_LABELS[row.type]}`,
    color: row.deletedAt || row.state === 'failed' ? 0x95a5a6 : COLORS[row.type],
    fields,
    footer: { text: `Case id ${row.id}` },
    timestamp: new Date(row.createdAt).toISOString(),
  };
}

/** Why a case is not done: waiting for confirmation, or failed and why. */
export function stateText(row: CaseRow): string {
  if (row.state === 'failed') return cut(`Failed: the action did not happen. ${row.lastError ?? ''}`.trim(), 1024);
  const last = row.lastError ? ` Last check: ${row.lastError}` : '';
  return cut(`Pending: not confirmed yet; the reconcile job checks it (${row.attempts} check${row.attempts === 1 ? '' : 's'} so far).${last}`, 1024);
}

/** What the expiry job is doing with a punishment (shown in `/case show`). */
export function punishmentText(p: PunishmentRow): string {
  const parts: string[] = [];
  switch (p.status) {
    case 'held':
      parts.push('starts once the case is confirmed');
      break;
    case 'pending':
      if (p.kind === 'timeout') parts.push(`renewed by the scheduler until ${p.endsAt ? ts(p.endsAt) : 'lifted'}`);
      else parts.push(p.nextActionAt ? `ends ${ts(p.nextActionAt, 'R')}` : 'until lifted by hand');
      break;
    case 'processing':
      parts.push('being processed now');
      break;
    case 'done':
      parts.push(p.lastError ? `ended: ${cut(p.lastError, 300)}` : 'ended');
      break;
    case 'cancelled':
      parts.push('cancelled by a later action');
      break;
  }
  if (p.lastError && p.status !== 'done') {
    parts.push(`last attempt failed (${p.attempts} attempt${p.attempts === 1 ? '' : 's'}): ${cut(p.lastError, 300)}`);
    if (p.status === 'pending' && p.nextActionAt) parts.push(`next attempt ${ts(p.nextActionAt, 'R')}`);
  }
  return cut(parts.join('; '), 1024);
}

/** One line of a case list. */
export function caseLine(row: CaseRow): string {
  const extra = row.durationMs ? ` (${formatDuration(row.durationMs)})` : '';
  const state = row.state === 'done' ? '' : ` [${row.state}]`;
  return cut(`**#${row.caseNumber}** ${CASE_LABELS[row.type]}${extra}${state} ${ts(row.createdAt, 'd')} by <@${row.actorId}>: ${row.reason}`, 300);
}
