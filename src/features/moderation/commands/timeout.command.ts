import { defineCommand, opt } from '../../../core/define';
import { parseDuration } from '../duration';
import { reasonOption, runAction } from './shared';

/** `/timeout member duration reason`: Discord's timeout; past 28 days the scheduler renews it. */
export const timeoutCommand = defineCommand({
  name: 'timeout',
  description: 'Time a member out (over 28 days is renewed automatically)',
  level: 'moderator',
  options: {
    member: opt.user('Who to time out', { required: true }),
    duration: opt.string('How long, e.g. 10m, 2h, 7d, 1d12h', { required: true, maxLength: 40 }),
    reason: reasonOption,
  },
  handler: async (ctx, { member, duration, reason }) => {
    const ms = parseDuration(duration);
    return runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, member.id, { requireMember: true, permission: 'ModerateMembers' });
      return service.timeout(scene, actor.id, ms, reason);
    });
  },
});

/** `/untimeout member reason`. */
export const untimeoutCommand = defineCommand({
  name: 'untimeout',
  description: "Lift a member's timeout",
  level: 'moderator',
  options: {
    member: opt.user('Whose timeout to lift', { required: true }),
    reason: reasonOption,
  },
  handler: async (ctx, { member, reason }) =>
    runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, member.id, { requireMember: true, permission: 'ModerateMembers' });
      return service.untimeout(scene, actor.id, reason);
    }),
});
