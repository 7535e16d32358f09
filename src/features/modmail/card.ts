/**
 * The context card: the first message of a ticket's staff thread. Who the member is (account
 * age, join date, roles), their history here (prior tickets, cases, notes, punishments in
 * force, their gate application and its avatar risk) and what the ticket is about. Built to
 * fit: every value is cut to Discord's embed limits and the whole stays under 6,000
 * characters, so a member with 250 roles or a 4,000-character subject never fails the post.
 */
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { EMBED_LIMITS, embedSize } from '../../discord/embeds';
import { snowflakeTime } from '../../discord/snowflake';
import type { TicketRow } from './schema';
import type { TicketMember } from './ticket.types';

/** What the card shows; everything but the ticket and member may be unknown. */
export interface CardFacts {
  ticket: Pick<TicketRow, 'id' | 'openedVia' | 'openedBy' | 'subject' | 'priority' | 'claimedBy'>;
  member: TicketMember;
  categoryName: string | null;
  /** null: not in the server (left, or never joined). */
  joinedAt: number | null;
  roleIds: string[];
  priorTickets: number;
  cases: { total: number; byType: Record<string, number> } | null;
  standing: { notes: number; active: string[] } | null;
  application: { status: string; submittedAt: number; avatarRisk: { score: number; label: string } | null } | null;
}

/** Cuts `text` to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Role mentions joined until `max` characters, then "+N more". */
export function roleList(roleIds: readonly string[], max: number = EMBED_LIMITS.fieldValue): string {
  if (roleIds.length === 0) return 'none';
  const reserve = ` +${roleIds.length} more`.length;
  let out = '';
  for (let i = 0; i < roleIds.length; i++) {
    const next = `${out ? ' ' : ''}<@&${roleIds[i]}>`;
    const last = i === roleIds.length - 1;
    if (out.length + next.length > max - (last ? 0 : reserve)) return `${out} +${roleIds.length - i} more`.trim();
    out += next;
  }
  return out;
}

const time = (ms: number) => `<t:${Math.floor(ms / 1000)}:D> (<t:${Math.floor(ms / 1000)}:R>)`;

/** The member's display name. */
export function displayName(member: TicketMember): string {
  return member.globalName ?? member.username;
}

/** The member's avatar URL (default avatar when they have none). */
export function avatarUrl(member: TicketMember): string {
  if (member.avatar) return `https://cdn.discordapp.com/avatars/${member.id}/${member.avatar}.png?size=128`;
  const index = Number((BigInt(member.id) >> 22n) % 6n);
  return `https://cdn.discordapp.com/embed/avatars/${index}.png`;
}

/** The context card's embed, always within Discord's limits. */
export function contextCard(facts: CardFacts): APIEmbed {
  const { ticket, member } = facts;
  const created = snowflakeTime(member.id);
  const fields: APIEmbedField[] = [
    { name: 'Account created', value: created === null ? 'unknown' : time(created), inline: true },
    { name: 'Joined', value: facts.joinedAt === null ? 'not in the server' : time(facts.joinedAt), inline: true },
    { name: 'Opened', value: `${ticket.openedVia === 'contact' ? `by <@${ticket.openedBy}> (staff)` : `by the member (${ticket.openedVia})`}`, inline: true },
    { name: 'Category', value: facts.categoryName ?? 'none', inline: true },
    { name: 'Priority', value: ticket.priority, inline: true },
    { name: 'Prior tickets', value: String(facts.priorTickets), inline: true },
    { name: `Roles (${facts.roleIds.length})`, value: roleList(facts.roleIds) },
  ];
  if (facts.cases) {
    const parts = Object.entries(facts.cases.byType).map(([type, n]) => `${n} ${type}`);
    fields.push({ name: 'Cases', value: facts.cases.total === 0 ? 'none' : `${facts.cases.total} (${parts.join(', ')})`, inline: true });
  }
  if (facts.standing) {
    fields.push({ name: 'Notes', value: String(facts.standing.notes), inline: true });
    fields.push({ name: 'In force', value: facts.standing.active.length ? facts.standing.active.join(', ') : 'nothing', inline: true });
  }
  if (facts.application) {
    const risk = facts.application.avatarRisk;
    fields.push({ name: 'Gate application', value: `${facts.application.status}, ${time(facts.application.submittedAt)}`, inline: true });
    fields.push({ name: 'Avatar risk', value: risk ? `${risk.label} (${Math.round(risk.score * 100)}%)` : 'not scanned', inline: true });
  }
  const embed: APIEmbed = {
    author: { name: clip(`${displayName(member)} (@${member.username})`, EMBED_LIMITS.title), icon_url: avatarUrl(member) },
    title: clip(`Ticket #${ticket.id}`, EMBED_LIMITS.title),
    description: clip(ticket.subject ? `**Subject:** ${ticket.subject}` : 'No subject given.', 1500),
    fields: fields.slice(0, EMBED_LIMITS.fields).map((f) => ({ ...f, name: clip(f.name, EMBED_LIMITS.fieldName), value: clip(f.value || '—', EMBED_LIMITS.fieldValue) })),
    footer: { text: `Member ${member.id} · /reply or the Reply button answers; anything else here is an internal note` },
  };
  // Whatever is left over the total comes off the roles, then the description.
  let over = embedSize(embed) - EMBED_LIMITS.total;
  if (over > 0) {
    const roles = embed.fields!.find((f) => f.name.startsWith('Roles'))!;
    roles.value = roleList(facts.roleIds, Math.max(20, roles.value.length - over));
    over = embedSize(embed) - EMBED_LIMITS.total;
  }
  if (over > 0) embed.description = clip(embed.description!, Math.max(20, embed.description!.length - over));
  return embed;
}
