import type { GatewayGuildMemberAddDispatchData } from 'discord-api-types/v10';
import { defineEvent } from '../../../core/define';
import { welcomeMember } from '../welcome.service';

/** `GUILD_MEMBER_ADD`: a plain welcome message in the `welcome` channel (servers without the gate). */
export const welcomeMemberEvent = defineEvent<GatewayGuildMemberAddDispatchData>({
  name: 'welcome-member',
  type: 'GUILD_MEMBER_ADD',
  // Channel (snapshot), module flag, gate settings, welcome settings, the message.
  cost: 5,
  handler: (ctx, member) => welcomeMember(ctx, member),
});
