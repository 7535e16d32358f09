import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../../workers/bot/index';
import type { QueuedEvent } from '../../core/events';
import { and, eq } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { gatewayEvents } from '../../core/gateway/schema';
import { memberJoinEvent } from '../../testing/gateway-events';
import { gateWorld } from './gate.fixture';
import { gateJoinEvents } from './schema';

describe('gate: member join (GUILD_MEMBER_ADD through the EVENTS queue)', () => {
  it('gives the unverified role and posts one prompt to apply, even when the event is redelivered', async () => {
    const w = await gateWorld({ questions: ['Only question'] });
    const userId = await w.fake.addMember(w.g.guildId, { username: 'joiner' });
    const joinedAt = new Date().toISOString();
    const event = memberJoinEvent(w.g.guildId, { id: userId, username: 'joiner' }, joinedAt);
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

  it('posts one prompt when a retry follows a post Discord applied but whose answer was lost', async () => {
    const w = await gateWorld({ questions: ['Only question'] });
    const userId = await w.fake.addMember(w.g.guildId, { username: 'joiner' });
    const joinedAt = new Date().toISOString();
    const event = memberJoinEvent(w.g.guildId, { id: userId, username: 'joiner' }, joinedAt);
    const deliver = async (attempt: number) => {
      const batch = createMessageBatch<QueuedEvent>('gatehouse-events', [{ id: `m${attempt}`, timestamp: new Date(), attempts: attempt, body: event }]);
      const ctx = createExecutionContext();
      await worker.queue(batch, w.env, ctx);
      return getQueueResult(batch, ctx);
    };
    await deliver(1);
    // What a timed-out post leaves behind: the prompt is in the channel, but the handler saw an
    // error, released its claim and recorded nothing, and the queue delivers the event again.
    const db = getDb(w.env);
    await db.delete(gateJoinEvents).where(and(eq(gateJoinEvents.guildId, w.g.guildId), eq(gateJoinEvents.sourceId, event.sourceId)));
    await db.update(gatewayEvents).set({ status: 'pending', handled: [], leaseUntil: 0 }).where(eq(gatewayEvents.sourceId, event.sourceId));
    expect((await deliver(2)).explicitAcks).toEqual(['m2']);
    const posts = (await w.fake.calls({ method: 'POST', path: `/channels/${w.g.channels.gate}/messages` })).filter((c) => JSON.stringify(c.body).includes(`<@${userId}>`));
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body).toMatchObject({ nonce: (posts[0]!.body as { nonce: string }).nonce, enforce_nonce: true });
    expect((await w.fake.messages(w.g.channels.gate!)).filter((m) => m.content.includes(`<@${userId}>`))).toHaveLength(1);
    await w.fake.assertNoViolations();
  });
});
