import { defineComponent } from '../../../core/define';
import { readPagerArgs } from '../../../core/pager';
import { queuePage } from '../queue';

/** The queue's page buttons (`gate.queue-page:<invoker>:<page>`); only the invoker may page. */
export const queuePageComponent = defineComponent({
  key: 'gate.queue-page',
  level: 'reviewer',
  handler: async (ctx, raw) => {
    const { page } = readPagerArgs(ctx, raw, '/review queue');
    const { ephemeral: _ephemeral, ...data } = await queuePage(ctx.db, ctx.guild, ctx.user.id, page);
    return ctx.update(data);
  },
});
