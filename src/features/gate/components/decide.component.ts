import { ComponentType, TextInputStyle } from 'discord-api-types/v10';
import { encodeCustomId } from '../../../core/custom-id';
import { defineComponent } from '../../../core/define';
import { ApplicationsRepo } from '../applications.repo';
import { actorOf, assertCanDecide, completeAccept, explainLoss, interactionScope, parseApplicationId, settingsForAccept } from '../review.service';

/** Accept (and "Retry accept"): one conditional transition; the winner grants roles, DMs, welcomes. */
export const acceptComponent = defineComponent({
  key: 'gate.accept',
  level: 'reviewer',
  handler: async (ctx, [rawId]) => {
    const id = parseApplicationId(rawId);
    const settings = await settingsForAccept(ctx);
    const repo = new ApplicationsRepo(ctx.db, ctx.guild);
    const decided = await repo.decide(id, 'accepted', await actorOf(ctx), null);
    if (!decided) return explainLoss(ctx, repo, id, 'accepted');
    return ctx.deferUpdate(() => completeAccept(interactionScope(ctx), decided, settings));
  },
});

const REASON_TITLES = { reject: 'Reject application', kick: 'Kick applicant', block: 'Permanently reject' } as const;

function reasonComponent(kind: keyof typeof REASON_TITLES) {
  return defineComponent({
    key: `gate.${kind}`,
    level: 'reviewer',
    handler: async (ctx, [rawId]) => {
      const id = parseApplicationId(rawId);
      await assertCanDecide(ctx, new ApplicationsRepo(ctx.db, ctx.guild), id);
      return ctx.modal({
        custom_id: encodeCustomId('gate.reason', id, kind),
        title: `${REASON_TITLES[kind]} #${id}`.slice(0, 45),
        components: [
          {
            type: ComponentType.Label,
            label: 'Reason (sent to the applicant)',
            component: { type: ComponentType.TextInput, custom_id: 'reason', style: TextInputStyle.Paragraph, required: true, min_length: 3, max_length: 1000 },
          },
        ],
      });
    },
  });
}

/** Reject: asks for the reason in a modal. */
export const rejectComponent = reasonComponent('reject');
/** Kick: asks for the reason in a modal. */
export const kickComponent = reasonComponent('kick');
/** Permanently reject: asks for the reason in a modal. */
export const blockComponent = reasonComponent('block');

