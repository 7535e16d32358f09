import { defineComponent } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { queuePage } from '../queue';

/** The queue's page buttons (`gate.queue-page:<invoker>:<page>`); only the invoker may page. */
export const queuePageComponent = defineComponent({
  key: 'gate.queue-page',
  level: 'reviewer',
  handler: async (ctx, [invokerId, rawPage]) => {
    if (invokerId !== ctx.user.id) throw new UserError('not_yours', 'Only the reviewer who opened this list can turn its pages. Run `/review queue` yourself.');
    const page = Math.max(0, Number(rawPage) || 0);
    const { ephemeral: _ephemeral, ...data } = await queuePage(ctx.db, ctx.guild, ctx.user.id, page);
    return ctx.update(data);
  },
});
