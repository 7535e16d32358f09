/**
 * `/snippet use`: sends a snippet to the member of the ticket whose thread it runs in,
 * through modmail's staff reply path (`replyFromStaff`: recorded, relayed, marked undelivered
 * exactly like `/reply`), after recording the snippet's use as an action.
 */
import type { InteractionContext, Reply } from '../../core/context';
import { UserError } from '../../core/errors';
import { replyFromStaff, ticketHere } from './interaction';
import { GuildSnippets } from './snippets.repo';
import { recordAction } from './transcript';

/** Sends snippet `name` (anonymous per `anonymous`, else the snippet's own setting). */
export async function useSnippet(ctx: InteractionContext, name: string, anonymous: boolean | undefined): Promise<Reply> {
  const ticket = await ticketHere(ctx);
  const snippet = await new GuildSnippets(ctx.db, ctx.guild).use(name);
  if (!snippet) throw new UserError('unknown_snippet', `There is no snippet \`${name}\`. See \`/snippet list\`.`);
  const asTeam = anonymous ?? snippet.anonymous;
  return ctx.defer(async () => {
    await recordAction(ctx.db, { ticketId: ticket.id, actorId: ctx.user.id, action: 'snippet', content: `Snippet \`${snippet.name}\`${asTeam ? ' (anonymous)' : ''}`, sourceId: `snippet:${ctx.interaction.id}` });
    await replyFromStaff(ctx, ticket, snippet.content, asTeam, ctx.interaction.id);
  });
}
