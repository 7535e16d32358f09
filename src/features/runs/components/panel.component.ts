import type { APIMessageStringSelectInteractionData } from 'discord-api-types/v10';
import { defineComponent } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { KEYS } from '../panel';
import { pressJoin, pressLeave } from '../runs.service';

/** Reads a run id from a custom_id argument. */
export function runIdOf(raw: string | undefined): string {
  if (!raw || !/^[0-9a-f]{32}$/.test(raw)) throw new UserError('bad_run', 'This run panel is broken; ask the organizer to post it again.');
  return raw;
}

/** Join: `runs.join:<runId>`. */
export const joinComponent = defineComponent({ key: KEYS.join, handler: (ctx, [runId]) => pressJoin(ctx, runIdOf(runId), 'main', null) });

/** Bench: `runs.bench:<runId>`. */
export const benchComponent = defineComponent({ key: KEYS.bench, handler: (ctx, [runId]) => pressJoin(ctx, runIdOf(runId), 'bench', null) });

/** Leave: `runs.leave:<runId>`. */
export const leaveComponent = defineComponent({ key: KEYS.leave, handler: (ctx, [runId]) => pressLeave(ctx, runIdOf(runId)) });

/** The class select: `runs.class:<runId>`, the class in `values[0]`; joins with it (or changes class). */
export const classComponent = defineComponent({
  key: KEYS.pick,
  handler: (ctx, [runId]) => {
    const value = (ctx.interaction.data as APIMessageStringSelectInteractionData).values?.[0];
    if (!value) throw new UserError('no_class', 'Pick a class from the menu.');
    return pressJoin(ctx, runIdOf(runId), 'main', value);
  },
});
