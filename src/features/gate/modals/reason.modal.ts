import { defineModal } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { ApplicationsRepo, type Decision } from '../applications.repo';
import { readGateSettings } from '../config';
import { actorOf, completeNegative, explainLoss, interactionScope, parseApplicationId } from '../review.service';

const KINDS = { reject: 'rejected', kick: 'kicked', block: 'blocked' } as const satisfies Record<string, Exclude<Decision, 'accepted'>>;

/** The reason for a reject, kick or permanent reject (`gate.reason:<id>:<kind>`). */
export const reasonModal = defineModal({
  key: 'gate.reason',
  level: 'reviewer',
  handler: async (ctx, [rawId, kind], fields) => {
    const id = parseApplicationId(rawId);
    const decision = KINDS[kind as keyof typeof KINDS];
    if (!decision) throw new UserError('bad_request', 'That form is out of date.');
    const reason = (fields.reason ?? '').trim();
    if (reason.length < 3) throw new UserError('gate_reason', 'Please give a reason (the applicant reads it).');
    const settings = await readGateSettings(ctx.config);
    const repo = new ApplicationsRepo(ctx.db, ctx.guild);
    const decided = await repo.decide(id, decision, await actorOf(ctx), reason);
    if (!decided) return explainLoss(ctx, repo, id, decision);
    return ctx.deferUpdate(() => completeNegative(interactionScope(ctx), decided, decision, settings));
  },
});
