/**
 * The answer to a plain DM from someone with no open ticket: "Contact staff" (one server) or
 * the server picker (several) opens the ticket and releases the held DMs into it, in order;
 * Cancel drops them.
 */
import type { ComponentContext, Reply } from '../../../core/context';
import { defineComponent } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { GuildConfig } from '../../../core/guild-config.repo';
import { readModmailSettings } from '../config';
import { ticketMember } from '../interaction';
import { inboxObject, openTicket } from '../objects';
import { modmailGuildsOf } from '../shared-guilds';

async function openFromDm(ctx: ComponentContext, guildId: string): Promise<Reply> {
  return ctx.deferUpdate(async () => {
    const guild = (await modmailGuildsOf(ctx, ctx.user.id)).find((g) => g.id === guildId);
    if (!guild) throw new UserError('not_a_member', 'You are not in that server any more, or its modmail was turned off.');
    if (!(await readModmailSettings(new GuildConfig(ctx.db, guildId))).dmOpen) {
      throw new UserError('dm_open_off', `**${guild.name}** takes new tickets through \`/modmail open\` or its panel, not by DM.`);
    }
    const inbox = inboxObject(ctx.env, ctx.user.id);
    const outcome = await openTicket(ctx.env, {
      guildId,
      member: ticketMember(ctx.user),
      via: 'dm',
      openedBy: ctx.user.id,
      subject: await inbox.heldSubject(),
      sourceId: ctx.interaction.id,
    }, ctx);
    if (!outcome.ok) throw new UserError(outcome.refusal.code, outcome.refusal.message);
    const sent = await inbox.releaseHeld(ctx.env.DISCORD_API_BASE);
    await ctx.editOriginal({
      content: `Sent ${sent === 1 ? 'your message' : `your ${sent} messages`} to the staff of **${guild.name}** (ticket #${outcome.ticket.id}). Keep writing here: everything goes to them.`,
      components: [],
    });
  });
}

/** "Contact staff" under the prompt (one server). */
export const dmOpenComponent = defineComponent({
  key: 'modmail.dmopen',
  guildOnly: false,
  handler: async (ctx, [guildId]) => {
    if (!guildId) throw new UserError('bad_request', 'This button has expired.');
    return openFromDm(ctx, guildId);
  },
});

/** The server picker under the prompt (several servers). */
export const dmPickComponent = defineComponent({
  key: 'modmail.dmpick',
  guildOnly: false,
  handler: async (ctx) => {
    const guildId = ((ctx.interaction.data as { values?: string[] }).values ?? [])[0];
    if (!guildId) throw new UserError('bad_request', 'Pick a server.');
    return openFromDm(ctx, guildId);
  },
});

/** Cancel under the prompt: the held DMs are dropped, never sent. */
export const dmCancelComponent = defineComponent({
  key: 'modmail.dmcancel',
  guildOnly: false,
  handler: async (ctx) => {
    const dropped = await inboxObject(ctx.env, ctx.user.id).discardHeld();
    return ctx.update({ content: `Cancelled: ${dropped === 1 ? 'your message was' : `your ${dropped} messages were`} not sent to anyone.`, components: [] });
  },
});
