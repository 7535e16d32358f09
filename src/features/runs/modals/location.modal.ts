import { defineModal } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { KEYS } from '../panel';
import { GuildRuns } from '../runs.repo';
import { requireRunControl, runStub } from '../runs.service';
import { runIdOf } from '../components/panel.component';

/** The location modal: `runs.location:<runId>`. */
export const locationModal = defineModal({
  key: KEYS.location,
  handler: async (ctx, [rawId], fields) => {
    const runId = runIdOf(rawId);
    const stub = runStub(ctx.env, runId);
    const view = await stub.view();
    if (!view) throw new UserError('run_gone', 'This run no longer exists.');
    await requireRunControl(ctx, view.state.organizerId);
    const location = (fields.location ?? '').trim().slice(0, 100) || null;
    const result = await stub.control('location', location);
    if (!result.ok) throw new UserError(`run_${result.reason}`, 'This run is already over.');
    await new GuildRuns(ctx.db, ctx.guild).update(runId, { location });
    return ctx.reply({ content: location ? `Location set to **${location}**.` : 'Location cleared.', ephemeral: true });
  },
});
