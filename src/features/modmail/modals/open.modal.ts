import { defineModal } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { DiscordApiError } from '../../../discord/errors';
import { GuildCategories } from '../categories.repo';
import { openAnswers, ticketMember } from '../interaction';
import { openTicket } from '../objects';

/** The open modal's submit: opens the ticket (or finds the open one) through its object. */
export const openModal = defineModal({
  key: 'modmail.opened',
  guildOnly: false,
  handler: async (ctx, [guildId, rawCategory, rawVia], fields) => {
    if (!guildId) throw new UserError('bad_request', 'This form has expired.');
    const categoryId = Number(rawCategory) || null;
    const category = categoryId ? ((await new GuildCategories(ctx.db, guildId).get(categoryId)) ?? null) : null;
    const answers = openAnswers(category, fields);
    if (answers.length === 0) throw new UserError('empty_form', 'The form was empty: tell staff what it is about, then send it again.');
    return ctx.defer(
      async () => {
        if (!ctx.guildId) {
          // From the bot's DMs: the member must still be in the server.
          try {
            await ctx.discord.members.get(guildId, ctx.user.id);
          } catch (error) {
            if (error instanceof DiscordApiError && error.isUnknownMember) throw new UserError('not_a_member', 'You are not a member of that server any more.');
            throw error;
          }
        }
        const outcome = await openTicket(ctx.env, {
          guildId,
          member: ticketMember(ctx.user),
          via: rawVia === 'panel' ? 'panel' : 'command',
          openedBy: ctx.user.id,
          categoryId: category?.id ?? null,
          subject: answers[0]!.answer.split('\n')[0]!,
          answers,
          sourceId: ctx.interaction.id,
        }, ctx);
        if (!outcome.ok) throw new UserError(outcome.refusal.code, outcome.refusal.message);
        await ctx.editOriginal(
          outcome.created
            ? `Your message was sent to the staff (ticket #${outcome.ticket.id}). They will answer in your DMs; press **Reply** on their message to answer.`
            : `Your message was added to your open ticket #${outcome.ticket.id}.`,
        );
      },
      { ephemeral: true },
    );
  },
});
