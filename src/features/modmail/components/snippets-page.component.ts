import { defineComponent } from '../../../core/define';
import { readPagerArgs } from '../../../core/pager';
import { snippetsPage, SNIPPETS_PAGE_KEY } from '../snippets.view';

/** Previous/Next on `/snippet list`; only the staff member who opened the list may press them. */
export const snippetsPageComponent = defineComponent({
  key: SNIPPETS_PAGE_KEY,
  level: 'helper',
  handler: async (ctx, raw) => {
    const { page } = readPagerArgs(ctx, raw, '/snippet list');
    const { ephemeral: _, ...data } = await snippetsPage(ctx, page);
    return ctx.update(data);
  },
});
