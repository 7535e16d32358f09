import { defineCommand, opt } from '../../../core/define';
import { reasonOption, runAction } from './shared';

/** `/kick member reason`: the member is DMed before the kick. */
export const kickCommand = defineCommand({
  name: 'kick',
  description: 'Kick a member',
  level: 'moderator',
  options: {
    member: opt.user('Who to kick', { required: true }),
    reason: reasonOption,
  },
  handler: async (ctx, { member, reason }) =>
    runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, member.id, { requireMember: true, permission: 'KickMembers' });
      return service.kick(scene, actor.id, reason);
    }),
});
