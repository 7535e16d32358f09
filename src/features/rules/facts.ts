/**
 * What the rules engine sees of an event: the lake's columns and content-free summary (the
 * live path and the dry run build facts the same way, from the same fields), or an
 * internal event.
 */
import type { LakeFacts } from '../../core/gateway/lake';
import type { InternalEvent } from '../../core/internal-events';
import type { EventFacts } from './engine';

/** A lake event: what the consumer hands the hook, or a lake row the dry run reads. */
export interface LakeRecord {
  sourceId: string;
  type: string;
  guildId: string;
  facts: Pick<LakeFacts, 'channelId' | 'userId' | 'occurredAt' | 'summary'>;
}

/** The facts of a lake event: one per member it concerns (reactions: who reacted, and the author). */
export function factsFromLake(e: LakeRecord): EventFacts[] {
  const { channelId, userId, occurredAt, summary } = e.facts;
  if (!userId) return [];
  const base: EventFacts = {
    sourceId: e.sourceId,
    type: e.type,
    guildId: e.guildId,
    userId,
    channelId,
    occurredAt,
    bot: summary.bot === true,
    ...(summary.length !== undefined ? { length: summary.length } : {}),
    ...(summary.roleIds ? { roleIds: summary.roleIds } : {}),
    ...(summary.joinedAt !== undefined ? { joinedAt: summary.joinedAt } : {}),
    ...(summary.emoji ? { emoji: summary.emoji } : {}),
  };
  if (e.type === 'GUILD_MEMBER_ADD') return [{ ...base, joinedAt: occurredAt }];
  // A removed reaction: only the remover's side (the dispatch names no message author).
  if (e.type === 'MESSAGE_REACTION_REMOVE') return [{ ...base, member: 'actor' }];
  if (e.type !== 'MESSAGE_REACTION_ADD') return [base];
  const out: EventFacts[] = [{ ...base, member: 'actor' }];
  // Received: the author's side; their roles and join time are not in the event. Self-reactions count for nobody's "received".
  if (summary.authorId && summary.authorId !== userId) out.push({ sourceId: e.sourceId, type: e.type, guildId: e.guildId, userId: summary.authorId, member: 'author', channelId, occurredAt, bot: base.bot, ...(summary.emoji ? { emoji: summary.emoji } : {}) });
  return out;
}

/** The facts of an internal event. */
export function factsFromInternal(e: InternalEvent): EventFacts {
  const channelId = typeof e.payload.channelId === 'string' ? e.payload.channelId : null;
  return { sourceId: `${e.type}:${e.key}`, type: e.type, guildId: e.guildId, userId: e.userId, channelId, occurredAt: e.occurredAt, chain: e.chain };
}
