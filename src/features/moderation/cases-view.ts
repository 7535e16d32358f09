/**
 * The paginated case list of a member (`/cases`, the "Cases" context menu and its buttons).
 * The buttons carry the invoker's id so only they can turn the pages.
 */
import type { APIEmbed } from 'discord-api-types/v10';
import type { MessageData } from '../../core/context';
import { pagerRow } from '../../core/pager';
import { caseLine } from './case-embed';
import type { ModerationService } from './moderation.service';

/** Cases per page. */
export const CASES_PAGE_SIZE = 10;

/** The `custom_id` key of the page buttons. */
export const CASES_PAGE_KEY = 'moderation.cases-page';

/** One page of `targetId`'s cases, with prev/next buttons bound to `invokerId`. */
export async function casesPage(service: ModerationService, invokerId: string, targetId: string, requested: number): Promise<MessageData> {
  const first = await service.cases.forTarget(targetId, Math.max(0, requested), CASES_PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(first.total / CASES_PAGE_SIZE));
  const page = Math.min(Math.max(0, requested), pages - 1);
  const { rows, total } = page === requested ? first : await service.cases.forTarget(targetId, page, CASES_PAGE_SIZE);
  const embed: APIEmbed = {
    title: `Cases of ${targetId}`,
    description: rows.length ? rows.map(caseLine).join('\n') : `<@${targetId}> has no cases.`,
    footer: { text: `Page ${page + 1} of ${pages} · ${total} case${total === 1 ? '' : 's'}` },
  };
  return {
    ephemeral: true,
    embeds: [embed],
    components: pagerRow(CASES_PAGE_KEY, invokerId, [targetId], page, pages),
  };
}
