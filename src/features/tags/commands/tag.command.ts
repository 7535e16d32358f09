import { defineCommandGroup, opt, sub } from '../../../core/define';
import type { AutocompleteContext } from '../../../core/context';
import { UserError } from '../../../core/errors';
import { GuildTags } from '../tags.repo';
import { assertMayMention, tagMessage, tagName, tagsPage, TAG_CONTENT_MAX } from '../tags.view';

async function suggestTags(ctx: AutocompleteContext, typed: string) {
  if (!ctx.guildId) return [];
  const rows = await new GuildTags(ctx.db, ctx.guildId).suggest(typed.trim());
  return rows.map((r) => ({ name: r.name, value: r.name }));
}

const nameOption = opt.string('The tag', { required: true, maxLength: 32, autocomplete: suggestTags });
const contentOption = opt.string('What the tag says (Markdown)', { required: true, maxLength: TAG_CONTENT_MAX });
const mentionsOption = opt.boolean('Let the tag ping the users, roles or @everyone it mentions (needs Mention @everyone)');

/** `/tag show|list` for everyone, `/tag create|edit|delete` for moderators. */
export const tagCommand = defineCommandGroup({
  name: 'tag',
  description: "Post or manage the server's canned answers",
  subcommands: {
    show: sub({
      description: 'Post a tag',
      ephemeral: false,
      options: { name: nameOption, member: opt.user('Who the answer is for (they are mentioned)') },
      handler: async (ctx, { name, member }) => {
        const tag = await new GuildTags(ctx.db, ctx.guild).use(tagName(name));
        if (!tag) throw new UserError('unknown_tag', `There is no tag \`${name.trim().toLowerCase().slice(0, 32)}\`. See \`/tag list\`.`);
        return ctx.reply(tagMessage(tag, member?.id));
      },
    }),
    list: sub({
      description: "List the server's tags",
      handler: async (ctx) => ctx.reply(await tagsPage(ctx, 0)),
    }),
    create: sub({
      description: 'Create a tag',
      level: 'moderator',
      options: { name: opt.string('Name (letters, digits, - and _)', { required: true, maxLength: 32 }), content: contentOption, allow_mentions: mentionsOption },
      handler: async (ctx, { name, content, allow_mentions }) => {
        const clean = tagName(name);
        if (allow_mentions) assertMayMention(ctx);
        const row = await new GuildTags(ctx.db, ctx.guild).create(ctx.user.id, { name: clean, content, allowMentions: allow_mentions ?? false });
        if (!row) throw new UserError('tag_exists', `A tag named \`${clean}\` already exists. Change it with \`/tag edit\` or pick another name.`);
        return ctx.reply({ ephemeral: true, content: `Created the tag \`${clean}\`${row.allowMentions ? ' (it pings what it mentions)' : ''}. Post it with \`/tag show ${clean}\`.` });
      },
    }),
    edit: sub({
      description: "Change a tag's content",
      level: 'moderator',
      options: { name: nameOption, content: contentOption, allow_mentions: mentionsOption },
      handler: async (ctx, { name, content, allow_mentions }) => {
        const clean = tagName(name);
        if (allow_mentions) assertMayMention(ctx);
        const row = await new GuildTags(ctx.db, ctx.guild).edit(clean, ctx.user.id, { content, ...(allow_mentions !== undefined ? { allowMentions: allow_mentions } : {}) });
        if (!row) throw new UserError('unknown_tag', `There is no tag \`${clean}\`. Create it with \`/tag create\`.`);
        return ctx.reply({ ephemeral: true, content: `Updated the tag \`${clean}\`.` });
      },
    }),
    delete: sub({
      description: 'Delete a tag',
      level: 'moderator',
      options: { name: nameOption },
      handler: async (ctx, { name }) => {
        const clean = tagName(name);
        const row = await new GuildTags(ctx.db, ctx.guild).remove(clean);
        if (!row) throw new UserError('unknown_tag', `There is no tag \`${clean}\`.`);
        return ctx.reply({ ephemeral: true, content: `Deleted the tag \`${clean}\` (used ${row.uses}×).` });
      },
    }),
  },
});
