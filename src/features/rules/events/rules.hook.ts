import { defineLakeHook } from '../../../core/define';
import { factsFromLake } from '../facts';
import { loadEngine, runCost, runRules } from '../run.service';

/**
 * The rules engine after the lake write: messages, reactions (given and removed) and joins of a batch, a guild
 * at a time. Guilds with no enabled rule on a type are not asked (`wants`), so their events
 * take the lake's cheap path.
 */
export const rulesLakeHook = defineLakeHook({
  name: 'rules',
  types: ['MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'GUILD_MEMBER_ADD'],
  // Per guild of the batch: the engine (3 reads, cached), state, writes, levels; REST effects reserve their own.
  cost: (n) => runCost(n) + 3 * Math.min(n, 8),
  wants: async (ctx, guildId, type) => (await loadEngine(ctx.db, guildId)).rules.some((r) => r.enabled && r.rule.trigger.event === type),
  handler: async (ctx, events) => {
    const byGuild = new Map<string, typeof events>();
    for (const e of events) byGuild.set(e.guildId, [...(byGuild.get(e.guildId) ?? []), e]);
    for (const [guildId, list] of byGuild) await runRules(ctx, guildId, list.flatMap(factsFromLake));
  },
});
