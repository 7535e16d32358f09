import type { AutocompleteContext } from '../../../core/context';
import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { GuildSnippets } from '../snippets.repo';
import { SNIPPET_CONTENT_MAX, snippetName, snippetsPage } from '../snippets.view';
import { useSnippet } from '../snippet-use.service';

async function suggestSnippets(ctx: AutocompleteContext, typed: string) {
  if (!ctx.guildId) return [];
  return (await new GuildSnippets(ctx.db, ctx.guildId).suggest(typed.trim())).map(({ name }) => ({ name, value: name }));
}

const nameOption = opt.string('The snippet', { required: true, maxLength: 32, autocomplete: suggestSnippets });
const contentOption = opt.string('What it says to the member (Markdown)', { required: true, maxLength: SNIPPET_CONTENT_MAX });

/** `/snippet add|edit|remove|list|use`: canned replies staff send to members in tickets. */
export const snippetCommand = defineCommandGroup({
  name: 'snippet',
  description: 'Canned modmail replies',
  level: 'helper',
  subcommands: {
    add: sub({
      description: 'Add a snippet',
      level: 'moderator',
      options: {
        name: opt.string('Name (letters, digits, - and _)', { required: true, maxLength: 32 }),
        content: contentOption,
        anonymous: opt.boolean('Send it as the staff team by default'),
      },
      handler: async (ctx, { name, content, anonymous }) => {
        const clean = snippetName(name);
        const row = await new GuildSnippets(ctx.db, ctx.guild).create(ctx.user.id, { name: clean, content, anonymous: anonymous ?? false });
        if (!row) throw new UserError('snippet_exists', `A snippet named \`${clean}\` already exists. Change it with \`/snippet edit\`.`);
        return ctx.reply({ ephemeral: true, content: `Added the snippet \`${clean}\`${row.anonymous ? ' (anonymous by default)' : ''}. Send it in a ticket with \`/snippet use ${clean}\`.` });
      },
    }),
    edit: sub({
      description: "Change a snippet's text",
      level: 'moderator',
      options: { name: nameOption, content: contentOption, anonymous: opt.boolean('Send it as the staff team by default') },
      handler: async (ctx, { name, content, anonymous }) => {
        const clean = snippetName(name);
        const row = await new GuildSnippets(ctx.db, ctx.guild).edit(clean, ctx.user.id, { content, ...(anonymous !== undefined ? { anonymous } : {}) });
        if (!row) throw new UserError('unknown_snippet', `There is no snippet \`${clean}\`. Add it with \`/snippet add\`.`);
        return ctx.reply({ ephemeral: true, content: `Updated the snippet \`${clean}\`.` });
      },
    }),
    remove: sub({
      description: 'Remove a snippet',
      level: 'moderator',
      options: { name: nameOption },
      handler: async (ctx, { name }) => {
        const clean = snippetName(name);
        const row = await new GuildSnippets(ctx.db, ctx.guild).remove(clean);
        if (!row) throw new UserError('unknown_snippet', `There is no snippet \`${clean}\`.`);
        return ctx.reply({ ephemeral: true, content: `Removed the snippet \`${clean}\` (used ${row.uses}×).` });
      },
    }),
    list: sub({
      description: "List the server's snippets",
      handler: async (ctx) => ctx.reply(await snippetsPage(ctx, 0)),
    }),
    use: sub({
      description: 'Send a snippet to the member of this ticket',
      ephemeral: false,
      options: { name: nameOption, anonymous: opt.boolean('Send it as the staff team (default: the snippet’s setting)') },
      handler: async (ctx, { name, anonymous }) => useSnippet(ctx, snippetName(name), anonymous),
    }),
  },
});
