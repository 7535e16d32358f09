import { defineEvent } from '../../../core/define';
import { onMemberJoin, type MemberJoin } from '../join.service';

/** `GUILD_MEMBER_ADD`: unverified role and a prompt to apply. */
export const memberJoinEvent = defineEvent<MemberJoin>({
  name: 'unverified-on-join',
  type: 'GUILD_MEMBER_ADD',
  // Module flag, settings, role grant, join record, prompt, and the record's release on failure.
  cost: 6,
  handler: (ctx, member) => onMemberJoin(ctx, member),
});
