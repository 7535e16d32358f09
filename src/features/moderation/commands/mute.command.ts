import { defineCommand, opt } from '../../../core/define';
import { durationOption, optionalDuration, reasonOption, runAction } from './shared';

/** `/mute member reason [duration]`: the guild's muted role. */
export const muteCommand = defineCommand({
  name: 'mute',
  description: 'Give a member the muted role',
  level: 'moderator',
  options: {
    member: opt.user('Who to mute', { required: true }),
    reason: reasonOption,
    duration: durationOption,
  },
  handler: async (ctx, { member, reason, duration }) => {
    const ms = optionalDuration(duration);
    return runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, member.id, { requireMember: true, permission: 'ManageRoles' });
      return service.mute(scene, actor.id, ms, reason);
    });
  },
});

/** `/unmute member reason`. */
export const unmuteCommand = defineCommand({
  name: 'unmute',
  description: 'Remove the muted role from a member',
  level: 'moderator',
  options: {
    member: opt.user('Who to unmute', { required: true }),
    reason: reasonOption,
  },
  handler: async (ctx, { member, reason }) =>
    runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, member.id, { requireMember: true, permission: 'ManageRoles' });
      return service.unmute(scene, actor.id, reason);
    }),
});
