/**
 * Renders an application's review card: an embed within Discord's limits (256-character
 * title, 1,024-character field values, 6,000 characters in total, 25 fields) and the
 * reviewer buttons. Long answers are cut with a visible marker, never rejected by Discord.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIEmbedField,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import { encodeCustomId } from '../../core/custom-id';
import type { ApplicationStatus, GateApplicationRow } from './schema';
import { EMBED_LIMITS, embedSize } from '../../discord/embeds';

/** Discord's embed limits. */
export { EMBED_LIMITS, embedSize };

/** Appended to text that was shortened to fit. */
export const CUT_MARKER = '… (cut)';

/** Shortens `text` to at most `max` characters, ending with the cut marker when it had to. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= CUT_MARKER.length) return CUT_MARKER.slice(0, max);
  let head = text.slice(0, max - CUT_MARKER.length);
  // Never leave half a surrogate pair behind.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return head + CUT_MARKER;
}

/**
 * Gives each of `lengths` a share of `budget`: short items keep their length, long ones
 * split what is left evenly (water-filling).
 */
export function shareBudget(lengths: number[], budget: number): number[] {
  const order = lengths.map((len, i) => ({ len, i })).sort((a, b) => a.len - b.len);
  const out = new Array<number>(lengths.length).fill(0);
  let left = Math.max(0, budget);
  order.forEach(({ len, i }, k) => {
    const share = Math.floor(left / (order.length - k));
    out[i] = Math.min(len, share);
    left -= out[i]!;
  });
  return out;
}

const STATUS_COLOURS: Record<ApplicationStatus, number> = {
  pending: 0xf1c40f,
  claimed: 0x3498db,
  accepted: 0x2ecc71,
  rejected: 0xe74c3c,
  kicked: 0xe67e22,
  blocked: 0x992d22,
};

const DECISION_WORDS: Record<ApplicationStatus, string> = {
  pending: 'Pending',
  claimed: 'Claimed',
  accepted: 'Accepted',
  rejected: 'Rejected',
  kicked: 'Kicked',
  blocked: 'Permanently rejected',
};

const ts = (ms: number, style: 'R' | 'f' = 'R') => `<t:${Math.floor(ms / 1000)}:${style}>`;

/** True when the application still waits for a decision. */
export function isOpen(status: ApplicationStatus): boolean {
  return status === 'pending' || status === 'claimed';
}

function statusLine(app: GateApplicationRow): string {
  const parts: string[] = [];
  if (app.status === 'pending') parts.push('Pending: nobody has claimed it yet.');
  else if (app.status === 'claimed') parts.push(`Claimed by <@${app.claimedBy}> ${ts(app.claimedAt ?? app.submittedAt)}`);
  else {
    parts.push(`${DECISION_WORDS[app.status]} by <@${app.decidedBy}> ${ts(app.decidedAt ?? app.submittedAt, 'f')}`);
    if (app.override) parts.push(`(overrode <@${app.claimedBy}>'s claim)`);
  }
  return parts.join(' ');
}

/** The card's embed. */
export function reviewEmbed(app: GateApplicationRow): APIEmbed {
  const title = cut(`Application #${app.id} · ${app.userTag}`, EMBED_LIMITS.title);
  const accountLine = `Created ${ts(app.accountCreatedAt)}${app.youngAccount ? ' · ⚠️ **young account**' : ''}`;
  const description = [
    `Applicant: <@${app.userId}> (\`${app.userId}\`)`,
    `Account: ${accountLine}`,
    `Joined: ${app.joinedAt ? ts(app.joinedAt) : 'unknown'}`,
    `Submitted: ${ts(app.submittedAt)}`,
  ].join('\n');

  const fixed: APIEmbedField[] = [];
  const risk = app.avatarRisk;
  fixed.push({
    name: 'Avatar risk',
    value: cut(risk ? `${risk.highlight ? '⚠️ ' : ''}**${risk.label}** (score ${risk.score.toFixed(2)})${risk.detail ? `\n${risk.detail}` : ''}` : 'Not scanned yet.', EMBED_LIMITS.fieldValue),
  });
  fixed.push({ name: 'Status', value: cut(statusLine(app), EMBED_LIMITS.fieldValue) });
  if (app.reason) fixed.push({ name: 'Reason', value: cut(app.reason, EMBED_LIMITS.fieldValue) });
  if (app.lastError) fixed.push({ name: '⚠️ Problem', value: cut(`${app.lastError}\nThe application is still open. Fix it, then press **Retry accept**.`, EMBED_LIMITS.fieldValue) });
  if (app.dmError) fixed.push({ name: 'Direct message', value: cut(`Not delivered: ${app.dmError}`, EMBED_LIMITS.fieldValue) });
  const footer = { text: `Application ${app.id} · user ${app.userId}` };

  const answers = app.answers.slice(0, EMBED_LIMITS.fields - fixed.length);
  const names = answers.map((a, i) => cut(`${i + 1}. ${a.question}`, EMBED_LIMITS.fieldName));
  const values = answers.map((a) => cut(a.answer.trim() === '' ? '*(no answer)*' : a.answer, EMBED_LIMITS.fieldValue));

  const fixedSize =
    title.length + description.length + footer.text.length + fixed.reduce((n, f) => n + f.name.length + f.value.length, 0) + names.reduce((n, s) => n + s.length, 0);
  // A little headroom: Discord counts characters, and we never want to be the one over.
  const budget = EMBED_LIMITS.total - 16 - fixedSize;
  const shares = shareBudget(
    values.map((v) => v.length),
    budget,
  );
  const answerFields = answers.map((_, i) => ({ name: names[i]!, value: cut(values[i]!, Math.max(shares[i]!, CUT_MARKER.length + 1)) }));

  return {
    title,
    description,
    color: STATUS_COLOURS[app.status],
    fields: [...answerFields, ...fixed],
    footer,
  };
}


/** The card's buttons for the application's state. */
export function reviewButtons(app: GateApplicationRow): APIActionRowComponent<APIButtonComponent>[] {
  const open = isOpen(app.status);
  const button = (key: string, label: string, style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger, disabled: boolean, ...extra: string[]): APIButtonComponent => ({
    type: ComponentType.Button,
    custom_id: encodeCustomId(key, app.id, ...extra),
    label,
    style,
    disabled,
  });
  const first: APIButtonComponent[] = [
    button('gate.claim', 'Claim', ButtonStyle.Primary, app.status !== 'pending'),
    button('gate.unclaim', 'Unclaim', ButtonStyle.Secondary, app.status !== 'claimed'),
    button('gate.accept', 'Accept', ButtonStyle.Success, !open),
    button('gate.reject', 'Reject', ButtonStyle.Danger, !open),
    button('gate.kick', 'Kick', ButtonStyle.Danger, !open),
  ];
  const second: APIButtonComponent[] = [button('gate.block', 'Permanently reject', ButtonStyle.Danger, !open)];
  if (open && app.lastError) second.push(button('gate.accept', 'Retry accept', ButtonStyle.Primary, false, 'retry'));
  return [
    { type: ComponentType.ActionRow, components: first },
    { type: ComponentType.ActionRow, components: second },
  ];
}

/** The whole card message. User content never pings: `allowed_mentions` is empty. */
export function reviewCard(app: GateApplicationRow): RESTPostAPIChannelMessageJSONBody {
  return { embeds: [reviewEmbed(app)], components: reviewButtons(app), allowed_mentions: { parse: [] } };
}
