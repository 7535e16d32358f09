/**
 * The ways in over HTTP, up to the modal: the panel's button, `/modmail open` (in a server, or
 * in the bot's DMs with a server picker first), and the category select. Each ends in the
 * open modal (`modmail.opened`), whose submit opens the ticket through its object.
 */
import { ComponentType, type APIActionRowComponent, type APIComponentInMessageActionRow } from 'discord-api-types/v10';
import type { InteractionContext, Reply } from '../../core/context';
import { encodeCustomId } from '../../core/custom-id';
import { UserError } from '../../core/errors';
import { clip } from './card';
import { GuildCategories } from './categories.repo';
import { openModal } from './interaction';
import { modmailGuildsOf } from './shared-guilds';
import { GuildTickets } from './tickets.repo';

/** The category select (or the modal straight away when there is at most one category). */
export async function beginOpen(ctx: InteractionContext, guildId: string, via: 'panel' | 'command'): Promise<Reply> {
  const existing = await new GuildTickets(ctx.db, guildId).openFor(ctx.user.id);
  if (existing) {
    return ctx.reply({
      content: `You already have an open ticket (#${existing.id}) with this server’s staff. Write to me in DMs, or press **Reply** on my last message, and it goes to the same ticket.`,
      ephemeral: true,
    });
  }
  const categories = await new GuildCategories(ctx.db, guildId).list();
  if (categories.length <= 1) return ctx.modal(openModal(guildId, categories[0] ?? null, via));
  const row: APIActionRowComponent<APIComponentInMessageActionRow> = {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.StringSelect,
        custom_id: encodeCustomId('modmail.category', guildId, via),
        placeholder: 'What is it about?',
        options: categories.map((c) => ({ label: clip(c.name, 100), value: String(c.id), ...(c.description ? { description: clip(c.description, 100) } : {}) })),
      },
    ],
  };
  return ctx.reply({ content: 'What would you like to contact staff about?', components: [row], ephemeral: true });
}

/** `/modmail open` in the bot's DMs: the server picker, or straight on when one server qualifies. */
export async function beginOpenFromDm(ctx: InteractionContext): Promise<Reply> {
  const guilds = await modmailGuildsOf(ctx, ctx.user.id);
  if (guilds.length === 0) throw new UserError('no_servers', 'None of the servers we share has modmail turned on.');
  if (guilds.length === 1) return beginOpen(ctx, guilds[0]!.id, 'command');
  return ctx.reply({
    content: 'Which server’s staff do you want to contact?',
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.StringSelect,
            custom_id: encodeCustomId('modmail.server'),
            placeholder: 'Pick a server',
            options: guilds.map((g) => ({ label: clip(g.name, 100), value: g.id })),
          },
        ],
      },
    ],
  });
}
