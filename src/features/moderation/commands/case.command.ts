import { defineCommand, defineCommandGroup, defineUserCommand, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { amendCaseReason } from '../case-changes.service';
import { caseEmbed } from '../case-embed';
import { casesPage } from '../cases-view';
import { ModerationService } from '../moderation.service';

const numberOption = opt.integer('Case number', { required: true, minValue: 1 });

/** `/case show|reason|delete`. */
export const caseCommand = defineCommandGroup({
  name: 'case',
  description: 'Look at or change a case',
  level: 'helper',
  subcommands: {
    show: sub({
      description: 'Show a case, its reason history and its expiry status',
      options: { number: numberOption },
      handler: async (ctx, { number }) => {
        const service = ModerationService.of(ctx);
        const row = await service.cases.byNumber(number, { includeDeleted: true });
        if (!row) throw new UserError('unknown_case', `There is no case #${number}.`);
        const [amendments, punishment] = await Promise.all([service.cases.amendments([row.id]), service.punishments.forCase(row.id)]);
        const link = row.logChannelId && row.logMessageId ? `[Mod log](https://discord.com/channels/${row.guildId}/${row.logChannelId}/${row.logMessageId})` : undefined;
        return ctx.reply({ ephemeral: true, embeds: [caseEmbed(row, amendments, punishment)], ...(link ? { content: link } : {}) });
      },
    }),
    reason: sub({
      description: "Add to a case's reason (the history is kept)",
      level: 'moderator',
      options: { number: numberOption, text: opt.string('The new reason or addition', { required: true, maxLength: 500 }) },
      handler: async (ctx, { number, text }) =>
        ctx.defer(
          async () => {
            const amended = await amendCaseReason(ModerationService.of(ctx), ctx.user.id, number, text);
            if (!amended) throw new UserError('unknown_case', `There is no case #${number}.`);
            const { problem } = amended;
            await ctx.editOriginal({ content: [`Updated the reason of case #${number}.`, problem].filter(Boolean).join('\n') });
          },
          { ephemeral: true },
        ),
    }),
    delete: sub({
      description: 'Delete a case (kept, marked deleted)',
      level: 'administrator',
      options: { number: numberOption },
      handler: async (ctx, { number }) =>
        ctx.defer(
          async () => {
            const service = ModerationService.of(ctx);
            const row = await service.cases.softDelete(number, ctx.user.id);
            if (!row) throw new UserError('unknown_case', `There is no case #${number} (or it is already deleted).`);
            const problem = await service.modLog.refresh(row);
            await ctx.editOriginal({ content: [`Deleted case #${number}. It no longer counts toward warning thresholds.`, problem].filter(Boolean).join('\n') });
          },
          { ephemeral: true },
        ),
    }),
  },
});

/** `/cases member`: a member's cases, ten per page. */
export const casesCommand = defineCommand({
  name: 'cases',
  description: "List a member's cases",
  level: 'helper',
  options: { member: opt.user('Whose cases', { required: true }) },
  handler: async (ctx, { member }) => ctx.reply(await casesPage(ModerationService.of(ctx), ctx.user.id, member.id, 0)),
});

/** "Cases" on a user's context menu. */
export const casesUserCommand = defineUserCommand({
  name: 'Cases',
  description: "List a member's cases",
  level: 'helper',
  handler: async (ctx, { user }) => ctx.reply(await casesPage(ModerationService.of(ctx), ctx.user.id, user.id, 0)),
});
