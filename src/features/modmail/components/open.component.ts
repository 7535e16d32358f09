import { defineComponent } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { GuildCategories } from '../categories.repo';
import { openModal } from '../interaction';
import { beginOpen } from '../open.flow';
import { modmailGuildsOf } from '../shared-guilds';

/** The panel's "Contact staff" button. */
export const panelComponent = defineComponent({
  key: 'modmail.panel',
  handler: async (ctx) => beginOpen(ctx, ctx.guild, 'panel'),
});

/** The category select → the category's modal. */
export const categoryComponent = defineComponent({
  key: 'modmail.category',
  guildOnly: false,
  handler: async (ctx, [guildId, via]) => {
    if (!guildId) throw new UserError('bad_request', 'This menu has expired.');
    const values = (ctx.interaction.data as { values?: string[] }).values ?? [];
    const category = await new GuildCategories(ctx.db, guildId).get(Number(values[0]));
    if (!category || category.removedAt !== null) throw new UserError('category_removed', 'That kind of request is no longer offered. Please pick another one.');
    return ctx.modal(openModal(guildId, category, via === 'panel' ? 'panel' : 'command'));
  },
});

/** The server picker of `/modmail open` in DMs. */
export const serverComponent = defineComponent({
  key: 'modmail.server',
  guildOnly: false,
  handler: async (ctx) => {
    const values = (ctx.interaction.data as { values?: string[] }).values ?? [];
    const guilds = await modmailGuildsOf(ctx, ctx.user.id);
    const guild = guilds.find((g) => g.id === values[0]);
    if (!guild) throw new UserError('not_a_member', 'You are not in that server any more, or its modmail was turned off.');
    return beginOpen(ctx, guild.id, 'command');
  },
});
