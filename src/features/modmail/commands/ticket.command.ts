import { defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { ticketHere } from '../interaction';
import { TICKET_PRIORITIES } from '../schema';
import { claimTicket, setTicketPriority, setSubscription, transferTicket, unclaimTicket } from '../staff.service';

/** `/ticket claim|unclaim|transfer|priority|subscribe|unsubscribe`, in a ticket's thread. */
export const ticketCommand = defineCommandGroup({
  name: 'ticket',
  description: 'Manage this modmail ticket',
  level: 'helper',
  ephemeral: false,
  subcommands: {
    claim: sub({
      description: 'Take this ticket',
      handler: async (ctx) => ctx.reply(await claimTicket(ctx, await ticketHere(ctx))),
    }),
    unclaim: sub({
      description: 'Give this ticket back',
      handler: async (ctx) => ctx.reply(await unclaimTicket(ctx, await ticketHere(ctx))),
    }),
    transfer: sub({
      description: 'Hand this ticket to another staff member',
      options: { to: opt.user('Who takes it', { required: true }) },
      handler: async (ctx, { to }) => {
        if (to.user.bot) throw new UserError('bot_member', 'A bot cannot take a ticket.');
        return ctx.reply(await transferTicket(ctx, await ticketHere(ctx), to.id));
      },
    }),
    priority: sub({
      description: "Set this ticket's priority",
      options: { level: opt.string('Priority', { required: true, choices: TICKET_PRIORITIES.map((p) => ({ name: p, value: p })) }) },
      handler: async (ctx, { level }) => {
        const priority = TICKET_PRIORITIES.find((p) => p === level);
        if (!priority) throw new UserError('bad_priority', `Priority is one of ${TICKET_PRIORITIES.join(', ')}.`);
        return ctx.reply(await setTicketPriority(ctx, await ticketHere(ctx), priority));
      },
    }),
    subscribe: sub({
      description: "Be pinged on this ticket's new member messages",
      ephemeral: true,
      handler: async (ctx) => ctx.reply({ content: await setSubscription(ctx, await ticketHere(ctx), true), ephemeral: true }),
    }),
    unsubscribe: sub({
      description: 'Stop being pinged on this ticket',
      ephemeral: true,
      handler: async (ctx) => ctx.reply({ content: await setSubscription(ctx, await ticketHere(ctx), false), ephemeral: true }),
    }),
  },
});
