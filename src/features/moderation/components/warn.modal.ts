import { defineModal } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { runAction } from '../commands/shared';
import { WARN_MODAL_KEY } from '../commands/warn-user.command';

/** The reason modal of the "Warn" context menu. */
export const warnModal = defineModal({
  key: WARN_MODAL_KEY,
  level: 'helper',
  handler: async (ctx, [targetId], fields) => {
    const reason = fields.reason?.trim();
    if (!targetId || !/^\d+$/.test(targetId)) throw new UserError('bad_target', 'This form is broken. Use `/warn` instead.');
    if (!reason) throw new UserError('reason_required', 'A reason is required.');
    return runAction(ctx, async (service, actor) => {
      const scene = await service.scene(actor, targetId, { requireMember: true });
      return service.warn(scene, actor.id, reason.slice(0, 500));
    });
  },
});
