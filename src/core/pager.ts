/**
 * Paginated ephemeral lists: Previous/Next buttons whose `custom_id` carries the invoker, so
 * only the person who opened a list can turn its pages.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIComponentInMessageActionRow } from 'discord-api-types/v10';
import type { InteractionContext } from './context';
import { encodeCustomId } from './custom-id';
import { UserError } from './errors';

/**
 * The Previous/Next row of page `page` (0-based) of `pages`, or no row for a single page.
 * Buttons encode `key:invokerId:...args:page`; decode them with `readPagerArgs`.
 */
export function pagerRow(
  key: string,
  invokerId: string,
  args: string[],
  page: number,
  pages: number,
): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  if (pages <= 1) return [];
  const button = (label: string, target: number, disabled: boolean) => ({
    type: ComponentType.Button as const,
    style: ButtonStyle.Secondary as const,
    label,
    custom_id: encodeCustomId(key, invokerId, ...args, target),
    disabled,
  });
  return [{ type: ComponentType.ActionRow, components: [button('Previous', page - 1, page <= 0), button('Next', page + 1, page + 1 >= pages)] }];
}

/**
 * Reads a pager button's args (`[invokerId, ...args, page]`), refusing anyone but the invoker.
 * @param command what the user should run to get a list of their own (e.g. "/cases")
 */
export function readPagerArgs(ctx: InteractionContext, raw: string[], command: string): { args: string[]; page: number } {
  const [invokerId, ...rest] = raw;
  if (invokerId !== ctx.user.id) {
    throw new UserError('not_yours', `Only the person who opened this list can turn its pages. Run \`${command}\` yourself.`);
  }
  const page = Number(rest.pop());
  if (!Number.isInteger(page)) throw new UserError('bad_button', `This button is broken. Run \`${command}\` again.`);
  return { args: rest, page: Math.max(0, page) };
}
