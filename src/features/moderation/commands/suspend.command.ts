import { defineCommand, opt } from '../../../core/define';
import { durationOption, optionalDuration, reasonOption, runAction } from './shared';

/** `/suspend member reason [duration]`: the suspended role replaces the member's roles. */
export const suspendCommand = defineCommand({
  name: 'suspend',
  description: "Replace a member's roles with the suspended role (restored when it ends)",
  level: 'moderator',
  options: {
    member: opt.user('Who to suspend', { required: true }),
    reason: reasonOption,
    duration: durationOption,
  },
  handler: async (ctx, { member, reason, duration }) => {
    const ms = optionalDuration(duration);
    return runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, member.id, { requireMember: true, permission: 'ManageRoles' });
      return service.suspend(scene, actor.id, ms, reason);
    });
  },
});

/** `/unsuspend member reason`. */
export const unsuspendCommand = defineCommand({
  name: 'unsuspend',
  description: "Lift a suspension and give the member's roles back",
  level: 'moderator',
  options: {
    member: opt.user('Whose suspension to lift', { required: true }),
    reason: reasonOption,
  },
  handler: async (ctx, { member, reason }) =>
    runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, member.id, { requireMember: true, permission: 'ManageRoles' });
      return service.unsuspend(scene, actor, reason);
    }),
});
