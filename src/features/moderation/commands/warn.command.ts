import { defineCommand, opt } from '../../../core/define';
import { reasonOption, runAction } from './shared';

/** `/warn member reason`: a warning case (and the guild's thresholds). */
export const warnCommand = defineCommand({
  name: 'warn',
  description: 'Warn a member',
  level: 'helper',
  options: {
    member: opt.user('Who to warn', { required: true }),
    reason: reasonOption,
  },
  handler: async (ctx, { member, reason }) =>
    runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, member.id, { requireMember: true });
      return service.warn(scene, actor.id, reason);
    }),
});
