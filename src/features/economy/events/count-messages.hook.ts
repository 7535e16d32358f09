import { defineLakeHook } from '../../../core/define';
import { countEvents, countMilestones, type CountedEvents } from '../milestones.service';

/**
 * `MESSAGE_CREATE` after the lake write, a batch at a time: counts members' messages in guilds
 * that have a message-count milestone (`wants`), so every other guild's messages cost nothing
 * here; bots and webhooks are not counted.
 */
export const countMessagesHook = defineLakeHook({
  name: 'economy-count-messages',
  types: ['MESSAGE_CREATE'],
  // Per guild of the batch: the milestones (cached), the counter batch, the awards read; per
  // milestone reached: claim, role, reward batch, config read, announcement (a few at most).
  cost: (n) => 3 * Math.min(n, 8) + 10,
  wants: async (ctx, guildId, type) => (await countMilestones(ctx.db, guildId)).some((m) => m.eventType === type),
  handler: async (ctx, events) => {
    const byGuild = new Map<string, Map<string, string[]>>();
    for (const e of events) {
      if (e.facts.summary.bot || !e.facts.userId || (e.payload as { webhook_id?: unknown } | null)?.webhook_id) continue;
      let users = byGuild.get(e.guildId);
      if (!users) byGuild.set(e.guildId, (users = new Map()));
      users.set(e.facts.userId, [...(users.get(e.facts.userId) ?? []), e.sourceId]);
    }
    for (const [guildId, users] of byGuild) {
      const members: CountedEvents[] = [...users].map(([userId, sourceIds]) => ({ userId, sourceIds }));
      await countEvents(ctx, guildId, 'MESSAGE_CREATE', members);
    }
  },
});
