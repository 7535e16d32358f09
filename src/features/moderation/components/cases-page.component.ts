import { defineComponent } from '../../../core/define';
import { casesPage, CASES_PAGE_KEY } from '../cases-view';
import { ModerationService } from '../moderation.service';

/** Prev/next on a case list; only the member who opened the list may press them. */
export const casesPageComponent = defineComponent({
  key: CASES_PAGE_KEY,
  level: 'helper',
  handler: async (ctx, [invokerId, targetId, page]) => {
    if (ctx.user.id !== invokerId) {
      return ctx.reply({ content: 'Only the person who opened this list can turn its pages. Run `/cases` yourself.', ephemeral: true });
    }
    if (!targetId || !/^\d+$/.test(targetId) || !/^-?\d+$/.test(page ?? '')) {
      return ctx.reply({ content: 'This button is broken. Run `/cases` again.', ephemeral: true });
    }
    const { ephemeral: _, ...data } = await casesPage(ModerationService.of(ctx), invokerId, targetId, Number(page));
    return ctx.update(data);
  },
});
