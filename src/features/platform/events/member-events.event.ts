/**
 * `member_joined` / `member_left`: the platform announces membership changes to other
 * features (rules, webhooks) whatever modules a guild uses (the platform cannot be turned
 * off). Keyed by the gateway event's source id, so a redelivered event is the same event.
 */
import type { GatewayGuildMemberAddDispatchData, GatewayGuildMemberRemoveDispatchData } from 'discord-api-types/v10';
import { defineEvent } from '../../../core/define';
import { emitInternal } from '../../../core/internal-events';

/** `GUILD_MEMBER_ADD` → `member_joined`. */
export const memberJoinedEvent = defineEvent<GatewayGuildMemberAddDispatchData>({
  name: 'member-joined',
  type: 'GUILD_MEMBER_ADD',
  // The internal event's consumers: the rules engine and webhooks (a few statements each).
  cost: 6,
  handler: async (ctx, member) => {
    if (!member.user) return;
    await emitInternal(ctx, 'member_joined', {
      guildId: ctx.guildId,
      userId: member.user.id,
      key: ctx.sourceId,
      payload: { bot: member.user.bot === true, joinedAt: member.joined_at ?? null, pending: member.pending === true },
    });
  },
});

/** `GUILD_MEMBER_REMOVE` → `member_left`. */
export const memberLeftEvent = defineEvent<GatewayGuildMemberRemoveDispatchData>({
  name: 'member-left',
  type: 'GUILD_MEMBER_REMOVE',
  cost: 6,
  handler: async (ctx, payload) => {
    await emitInternal(ctx, 'member_left', { guildId: ctx.guildId, userId: payload.user.id, key: ctx.sourceId, payload: { bot: payload.user.bot === true } });
  },
});
