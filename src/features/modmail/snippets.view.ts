/**
 * Snippet names, limits and the `/snippet list` page.
 */
import type { InteractionContext, MessageData } from '../../core/context';
import { namedTextName } from '../../core/named-texts.repo';
import { pagerRow } from '../../core/pager';
import { GuildSnippets } from './snippets.repo';

/** A snippet is a reply to the member: it leaves room for the staff signature line. */
export const SNIPPET_CONTENT_MAX = 1800;

/** Custom id key of the list's Previous/Next buttons. */
export const SNIPPETS_PAGE_KEY = 'modmail.snippets-page';

const PAGE_SIZE = 15;

/** The normalised snippet name (`namedTextName`: 1–32 lower-case letters, digits, `-`, `_`), or a `UserError`. */
export function snippetName(input: string): string {
  return namedTextName(input, 'snippet');
}

/** One page of the guild's snippets (ephemeral, Previous/Next for the invoker). */
export async function snippetsPage(ctx: InteractionContext, page: number): Promise<MessageData> {
  const { rows, total } = await new GuildSnippets(ctx.db, ctx.guild).page(page, PAGE_SIZE);
  if (total === 0) return { ephemeral: true, content: 'This server has no snippets yet. Add one with `/snippet add`.' };
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const lines = rows.map((s) => {
    const preview = s.content.replace(/\s+/g, ' ').slice(0, 80);
    return `\`${s.name}\`${s.anonymous ? ' · anonymous' : ''} · used ${s.uses}× — ${preview}${s.content.length > 80 ? '…' : ''}`;
  });
  return {
    ephemeral: true,
    embeds: [{ title: `Snippets (${total})`, description: lines.join('\n'), footer: { text: `Page ${Math.min(page, pages - 1) + 1} of ${pages}` } }],
    components: pagerRow(SNIPPETS_PAGE_KEY, ctx.user.id, [], page, pages),
  };
}
