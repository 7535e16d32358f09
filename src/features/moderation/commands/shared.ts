/**
 * What the moderation commands share: option definitions, the invoker as an `Actor`, and
 * the deferred "run the action, then say what happened" flow.
 */
import type { InteractionContext, Reply } from '../../../core/context';
import { opt } from '../../../core/define';
import { CASE_VERBS } from '../case-embed';
import { formatDuration, parseDuration } from '../duration';
import type { Actor } from '../hierarchy';
import { ModerationService, type ActionResult } from '../moderation.service';

/** `reason`: required on every action. */
export const reasonOption = opt.string('Why (the member is told, and it is kept on the case)', { required: true, maxLength: 500 });

/** An optional duration (`30s 10m 2h 7d 1w`, combinations like `1d12h`). */
export const durationOption = opt.string('How long, e.g. 30m, 2h, 7d, 1d12h (empty: until lifted)', { maxLength: 40 });

/** The invoker as the hierarchy checks see them. */
export async function actorOf(ctx: InteractionContext): Promise<Actor> {
  return { id: ctx.user.id, roleIds: ctx.member?.roles ?? [], level: await ctx.level() };
}

/** Parses an optional duration option. */
export function optionalDuration(text: string | undefined): number | undefined {
  return text === undefined || text.trim() === '' ? undefined : parseDuration(text);
}

/** The moderator's confirmation of an action. */
export function summary(result: ActionResult): string {
  const { row } = result;
  const duration = row.durationMs ? ` for ${formatDuration(row.durationMs)}` : '';
  const dm = row.dmSent === null ? '' : row.dmSent ? ' They were notified by DM.' : " I couldn't DM them (recorded on the case).";
  return [`**Case #${row.caseNumber}**: ${CASE_VERBS[row.type]} <@${row.targetId}>${duration}.${dm}`, ...result.notes].join('\n');
}

/**
 * Defers ephemerally, runs `work` with the guild's service and the invoker, and edits the
 * reply with the result. `UserError`s thrown by `work` become the reply (router).
 */
export function runAction(ctx: InteractionContext, work: (service: ModerationService, actor: Actor) => Promise<ActionResult>): Reply {
  return ctx.defer(
    async () => {
      const service = ModerationService.of(ctx);
      const result = await work(service, await actorOf(ctx));
      await ctx.editOriginal({ content: summary(result) });
    },
    { ephemeral: true },
  );
}
