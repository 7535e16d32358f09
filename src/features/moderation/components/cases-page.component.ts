import { defineComponent } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { readPagerArgs } from '../../../core/pager';
import { casesPage, CASES_PAGE_KEY } from '../cases-view';
import { ModerationService } from '../moderation.service';

/** Prev/next on a case list; only the member who opened the list may press them. */
export const casesPageComponent = defineComponent({
  key: CASES_PAGE_KEY,
  level: 'helper',
  handler: async (ctx, raw) => {
    const { args: [targetId], page } = readPagerArgs(ctx, raw, '/cases');
    if (!targetId || !/^\d+$/.test(targetId)) throw new UserError('bad_button', 'This button is broken. Run `/cases` again.');
    const { ephemeral: _, ...data } = await casesPage(ModerationService.of(ctx), ctx.user.id, targetId, page);
    return ctx.update(data);
  },
});
