import { ComponentType, TextInputStyle } from 'discord-api-types/v10';
import { encodeCustomId } from '../../../core/custom-id';
import { defineComponent } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { CONTROL_ACTIONS, KEYS, renderControls, type ControlAction } from '../panel';
import { GuildRuns } from '../runs.repo';
import { controlSummary, requireRunControl, runStub } from '../runs.service';
import { runIdOf } from './panel.component';

const NOTES: Partial<Record<ControlAction, string>> = {
  lock: '🔒 Joins locked.',
  unlock: '🔓 Joins unlocked.',
  start: '▶️ Marked as started.',
  convert: '✅ Converted into a run.',
  end: '🏁 Run ended.',
  cancel: '✖️ Run cancelled.',
};

/** The organizer's controls: `runs.ctl:<runId>:<action>`. */
export const controlComponent = defineComponent({
  key: KEYS.control,
  handler: async (ctx, [rawId, rawAction]) => {
    const runId = runIdOf(rawId);
    const action = CONTROL_ACTIONS.find((a) => a === rawAction);
    if (!action) throw new UserError('bad_control', 'This control is from an older version; start the run again.');
    const stub = runStub(ctx.env, runId);
    const view = await stub.view();
    if (!view) throw new UserError('run_gone', 'This run no longer exists.');
    await requireRunControl(ctx, view.state.organizerId);
    if (action === 'location') {
      return ctx.modal({
        custom_id: encodeCustomId(KEYS.location, runId),
        title: 'Run location',
        components: [
          {
            type: ComponentType.Label,
            label: 'Where the run meets',
            component: { type: ComponentType.TextInput, custom_id: 'location', style: TextInputStyle.Short, required: false, max_length: 100, ...(view.state.location ? { value: view.state.location } : {}) },
          },
        ],
      });
    }
    if (action === 'ping') {
      const users = view.roster.filter((e) => e.slot === 'main').map((e) => e.userId);
      if (users.length === 0) throw new UserError('run_empty', 'Nobody has joined yet.');
      const channelId = ctx.message.channel_id;
      for (let i = 0; i < users.length; i += 80) {
        const chunk = users.slice(i, i + 80);
        await ctx.discord.channels.createMessage(channelId, {
          content: `${chunk.map((u) => `<@${u}>`).join(' ')} **${view.state.activity.name}**: <@${view.state.organizerId}> is calling you${view.state.location ? ` to **${view.state.location}**` : ''}.`.slice(0, 2000),
          allowed_mentions: { parse: [], users: chunk },
        });
      }
      return ctx.reply({ content: `Pinged ${users.length} member${users.length === 1 ? '' : 's'}.`, ephemeral: true });
    }
    const result = action === 'end' || action === 'cancel' ? await stub.finish(action === 'end' ? 'ended' : 'cancelled') : await stub.control(action);
    if (!result.ok) {
      const why = result.reason === 'not_headcount' ? 'This is already a run.' : result.reason === 'closed' ? 'This run is already over.' : 'This run no longer exists.';
      throw new UserError(`run_${result.reason}`, why);
    }
    if (action === 'convert') await new GuildRuns(ctx.db, ctx.guild).update(runId, { kind: 'run', endsAt: result.state.endsAt });
    const closed = result.state.status === 'ended' || result.state.status === 'cancelled';
    return ctx.update({ content: controlSummary(result.state, result.roster, NOTES[action] ?? ''), components: closed ? [] : renderControls(result.state) });
  },
});
