import { defineCommand, opt } from '../../../core/define';
import { durationOption, optionalDuration, reasonOption, runAction } from './shared';

const deleteChoices = [
  { name: "Don't delete any", value: 0 },
  { name: 'Previous hour', value: 3_600 },
  { name: 'Previous 24 hours', value: 86_400 },
  { name: 'Previous 7 days', value: 604_800 },
];

/** `/ban member reason [duration] [delete_messages]`: DMed first; with a duration, unbanned later. */
export const banCommand = defineCommand({
  name: 'ban',
  description: 'Ban a user (optionally for a time)',
  level: 'moderator',
  options: {
    member: opt.user('Who to ban (a member, or any user id)', { required: true }),
    reason: reasonOption,
    duration: durationOption,
    delete_messages: opt.integer('Delete their recent messages', { choices: deleteChoices }),
  },
  handler: async (ctx, { member, reason, duration, delete_messages }) => {
    const ms = optionalDuration(duration);
    return runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, member.id, { requireMember: false, permission: 'BanMembers' });
      return service.ban(scene, actor.id, reason, { ...(ms ? { durationMs: ms } : {}), deleteMessageSeconds: delete_messages ?? 0 });
    });
  },
});

/** `/softban member reason [delete_messages]`: ban and unban, to clear their messages. */
export const softbanCommand = defineCommand({
  name: 'softban',
  description: 'Ban and immediately unban a member, deleting their recent messages',
  level: 'moderator',
  options: {
    member: opt.user('Who to softban', { required: true }),
    reason: reasonOption,
    delete_messages: opt.integer('How much of their history to delete (default 24 hours)', { choices: deleteChoices.slice(1) }),
  },
  handler: async (ctx, { member, reason, delete_messages }) =>
    runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, member.id, { requireMember: true, permission: 'BanMembers' });
      return service.softban(scene, actor.id, reason, delete_messages ?? 86_400);
    }),
});

/** `/unban user reason`: also cancels a pending scheduled unban. */
export const unbanCommand = defineCommand({
  name: 'unban',
  description: 'Unban a user',
  level: 'moderator',
  options: {
    user: opt.user('Who to unban (user id)', { required: true }),
    reason: reasonOption,
  },
  handler: async (ctx, { user, reason }) =>
    runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, user.id, { requireMember: false, permission: 'BanMembers' });
      return service.unban(scene, actor.id, reason);
    }),
});
