import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { encodeCustomId } from '../../../core/custom-id';
import { defineComponent } from '../../../core/define';
import { ApplicationsRepo } from '../applications.repo';
import { reviewCard } from '../review-card';
import { actorOf, explainLoss, parseApplicationId, refreshCard } from '../review.service';

/** Claim: the reviewer owns the application (conditional on it still being pending). */
export const claimComponent = defineComponent({
  key: 'gate.claim',
  level: 'reviewer',
  handler: async (ctx, [rawId]) => {
    const id = parseApplicationId(rawId);
    const repo = new ApplicationsRepo(ctx.db, ctx.guild);
    const claimed = await repo.claim(id, await actorOf(ctx));
    if (!claimed) return explainLoss(ctx, repo, id, 'claimed');
    return ctx.update(reviewCard(claimed));
  },
});

/** Unclaim: asks for confirmation first. */
export const unclaimComponent = defineComponent({
  key: 'gate.unclaim',
  level: 'reviewer',
  handler: async (ctx, [rawId]) => {
    const id = parseApplicationId(rawId);
    return ctx.reply({
      content: `Release your claim on application #${id}? Another reviewer can then pick it up.`,
      components: [
        {
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Yes, unclaim', custom_id: encodeCustomId('gate.unclaim-confirm', id) }],
        },
      ],
      ephemeral: true,
    });
  },
});

/** Confirmed unclaim: the claimant, or staff who outrank them. */
export const unclaimConfirmComponent = defineComponent({
  key: 'gate.unclaim-confirm',
  level: 'reviewer',
  handler: async (ctx, [rawId]) => {
    const id = parseApplicationId(rawId);
    const repo = new ApplicationsRepo(ctx.db, ctx.guild);
    const released = await repo.unclaim(id, await actorOf(ctx));
    if (!released) return explainLoss(ctx, repo, id, 'pending');
    return { ...ctx.update({ content: `Application #${id} is unclaimed.`, components: [] }), after: () => refreshCard(ctx, released) };
  },
});
