import { defineCommandGroup, opt, sub } from '../../../core/define';
import { ApplicationsRepo } from '../applications.repo';
import { cut } from '../review-card';
import { queuePage } from '../queue';
import type { GateApplicationRow } from '../schema';

const WORDS: Record<GateApplicationRow['status'], string> = {
  pending: 'pending',
  claimed: 'claimed',
  accepted: 'accepted',
  rejected: 'rejected',
  kicked: 'kicked',
  blocked: 'permanently rejected',
};

/** `/review queue` and `/review history`. */
export const reviewCommand = defineCommandGroup({
  name: 'review',
  description: 'Review applications',
  level: 'reviewer',
  subcommands: {
    queue: sub({
      description: 'Open applications, oldest first',
      handler: async (ctx) => ctx.reply(await queuePage(ctx.db, ctx.guild, ctx.user.id, 0)),
    }),
    history: sub({
      description: "A user's past applications and decisions",
      options: { user: opt.user('Who (also works for users who left)', { required: true }) },
      handler: async (ctx, { user }) => {
        const [rows, block] = await Promise.all([
          new ApplicationsRepo(ctx.db, ctx.guild).history(user.id, 10),
          new ApplicationsRepo(ctx.db, ctx.guild).block(user.id),
        ]);
        const lines = rows.map((a) => {
          const when = `<t:${Math.floor(a.submittedAt / 1000)}:d>`;
          const decided = a.decidedBy ? ` by <@${a.decidedBy}> <t:${Math.floor((a.decidedAt ?? 0) / 1000)}:d>${a.override ? ' (override)' : ''}` : '';
          const reason = a.reason ? `: ${cut(a.reason, 200)}` : '';
          return `**#${a.id}** ${when} · ${WORDS[a.status]}${decided}${reason}`;
        });
        const header = `Applications of <@${user.id}> (\`${user.id}\`)${block ? ' · **blocked from applying**' : ''}`;
        return ctx.reply({
          embeds: [{ title: 'Application history', description: cut([header, ...lines].join('\n') || header, 4096) + (rows.length === 0 ? '\nNo applications.' : '') }],
          ephemeral: true,
        });
      },
    }),
  },
});
