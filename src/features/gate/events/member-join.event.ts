import { defineEvent } from '../../../core/define';
import { onMemberJoin, type MemberJoin } from '../join.service';

/** `GUILD_MEMBER_ADD`: unverified role and a prompt to apply. */
export const memberJoinEvent = defineEvent<MemberJoin>({
  name: 'unverified-on-join',
  type: 'GUILD_MEMBER_ADD',
  handler: (ctx, member) => onMemberJoin(ctx, member),
});
