import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { APIGuildMember, GuildMemberFlags } from 'discord-api-types/v10';
import worker from '../../../workers/bot/index';
import type { QueuedEvent } from '../../core/events';
import { gateWorld } from './gate.fixture';

describe('gate: member join (GUILD_MEMBER_ADD through the EVENTS queue)', () => {
  it('gives the unverified role and posts one prompt to apply, even when the event is redelivered', async () => {
    const w = await gateWorld({ questions: ['Only question'] });
    const userId = await w.fake.addMember(w.g.guildId, { username: 'joiner' });
    const joinedAt = new Date().toISOString();
    const payload: APIGuildMember & { guild_id: string } = {
      guild_id: w.g.guildId,
      user: { id: userId, username: 'joiner', discriminator: '0', global_name: null, avatar: null },
      roles: [],
      joined_at: joinedAt,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
    };
    const event: QueuedEvent = { type: 'GUILD_MEMBER_ADD', sourceId: `${w.g.guildId}:${userId}:${joinedAt}`, guildId: w.g.guildId, payload };
    for (let delivery = 1; delivery <= 2; delivery++) {
      const batch = createMessageBatch<QueuedEvent>('gatehouse-events', [{ id: `m${delivery}`, timestamp: new Date(), attempts: delivery, body: event }]);
      const ctx = createExecutionContext();
      await worker.queue(batch, w.env, ctx);
      const result = await getQueueResult(batch, ctx);
      expect(result.explicitAcks).toEqual([`m${delivery}`]);
      expect(result.retryMessages).toEqual([]);
    }
    expect((await w.fake.member(w.g.guildId, userId))?.roles).toEqual([w.g.roles.Unverified]);
    const prompts = (await w.fake.messages(w.g.channels.gate!)).filter((m) => m.content.includes(`<@${userId}>`));
    expect(prompts).toHaveLength(1);
    expect(prompts[0]!.content).toContain('press **Apply**');
    expect(prompts[0]!.mentions.map((u) => u.id)).toEqual([userId]);
    await w.fake.assertNoViolations();
  });
});
