import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import worker from '../../../workers/bot/index';
import type { QueuedEvent } from '../../core/events';
import { memberRemoveEvent } from '../../testing/gateway-events';
import { opsWorld, type OpsWorld } from './modmail-ops.fixture';

let w: OpsWorld;
beforeEach(async () => {
  w = await opsWorld();
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

describe('modmail-ops', () => {
  it('closes on leave without a DM; staff reopen within the window; a deleted thread does not stop a close', async () => {
    const member = await w.member();
    const ticket = await w.open(member);
    await w.memberSays(ticket, member, 'bye');
    await w.fake.deleteChannel(ticket.threadId!);

    const batch = createMessageBatch<QueuedEvent>('gatehouse-events', [{ id: 'm1', timestamp: new Date(), attempts: 1, body: memberRemoveEvent(w.g.guildId, member.user.id) }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, w.env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['m1']);
    const closed = await w.ticket(ticket.id);
    expect(closed).toMatchObject({ state: 'closed', closeReason: 'The member left the server.' });
    expect(await w.fake.messages(w.logChannelId)).toHaveLength(1);
    const closeDms = (await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).filter((c) => JSON.stringify(c.body).includes('was closed'));
    expect(closeDms).toHaveLength(0);

    const reopened = await w.run(w.helper, 'reopen', { member: { user: member.user.id } });
    expect(reopened.content).toBe(`Reopened ticket #${ticket.id}: <#${ticket.threadId}>.`);
    expect((await w.ticket(ticket.id)).state).toBe('open');
    expect((await w.run(w.helper, 'reopen', { member: { user: member.user.id } })).content).toBe(`Ticket #${ticket.id} is open: <#${ticket.threadId}>.`);
  });

  it('/modmail stats: first-response and close times, per staff member and category', async () => {
    const a = await w.member();
    const b = await w.member();
    const ta = await w.open(a);
    const tb = await w.open(b);
    await w.staffSays(ta, w.helper, 'hi A');
    await w.staffSays(tb, w.moderator, 'hi B');
    await w.staffSays(tb, w.helper, 'also me');
    await w.run(w.moderator, 'close', { reason: 'done' }, undefined, { channelId: ta.threadId! });
    const stats = await w.run(w.moderator, 'modmail', { days: 7 }, 'stats');
    const fields = Object.fromEntries((stats.message?.embeds?.[0]?.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields.Tickets).toBe('2 opened · 1 closed · 1 still open');
    expect(fields['Median first response']).toMatch(/^\d+s$|^0s$/);
    expect(fields['Median time to close']).toMatch(/^\d+s$|^0s$/);
    expect(fields['Per staff member']!.split('\n').sort()).toEqual(
      [`<@${w.helper.user.id}> · answered 2 · closed 0`, `<@${w.moderator.user.id}> · answered 1 · closed 1`].sort(),
    );
    expect(fields['Per category']).toBe('No category · 2');
    expect((await w.run(w.helper, 'modmail', {}, 'stats')).content).toMatch(/moderator/i);
  });
});
