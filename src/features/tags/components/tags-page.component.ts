import { defineComponent } from '../../../core/define';
import { readPagerArgs } from '../../../core/pager';
import { tagsPage, TAGS_PAGE_KEY } from '../tags.view';

/** Previous/Next on `/tag list`; only the member who opened the list may press them. */
export const tagsPageComponent = defineComponent({
  key: TAGS_PAGE_KEY,
  handler: async (ctx, raw) => {
    const { page } = readPagerArgs(ctx, raw, '/tag list');
    const { ephemeral: _, ...data } = await tagsPage(ctx, page);
    return ctx.update(data);
  },
});
