/**
 * Each internal event reaches webhooks from the feature that owns it, through the feature's
 * own path (commands, buttons, the gateway consumer): a subscription to every type records
 * one delivery row per event, and its body carries ids and facts, not message content.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { registry } from '../../../workers/bot/index';
import { consumeEvents } from '../../core/events';
import { INTERNAL_EVENT_TYPES } from '../../core/internal-events';
import { getDb } from '../../db/client';
import { memberJoinEvent, memberRemoveEvent } from '../../testing/gateway-events';
import { guildWorld } from '../../testing/guild-world';
import { gateWorld } from '../gate/gate.fixture';
import { modWorld } from '../moderation/moderation.fixture';
import { opsWorld } from '../modmail/modmail-ops.fixture';
import { forgetSubscriptions, type WebhookBody } from './enqueue.service';
import { webhookDeliveries, webhookSubscriptions } from './schema';

/** Subscribes a guild to every event type (straight into the table: the API is tested elsewhere). */
async function subscribeAll(env: Env, guildId: string) {
  const db = getDb(env);
  const now = Date.now();
  await db.insert(webhookSubscriptions).values({ id: `wh_${crypto.randomUUID().slice(0, 16).replace(/-/g, '0')}`, guildId, url: 'https://hooks.example.com/all', events: [...INTERNAL_EVENT_TYPES], secretSealed: 'unused', secretHint: 'xxxx', enabled: true, createdBy: '1', createdAt: now, updatedAt: now });
  forgetSubscriptions(guildId);
  return async () => {
    const rows = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.guildId, guildId));
    return rows.map((r) => ({ type: r.eventType, key: r.eventKey, body: JSON.parse(r.body) as WebhookBody }));
  };
}

const recording = () => ({ send: async () => undefined, sendBatch: async () => undefined }) as unknown as Queue;

describe('webhook event sources', { timeout: 60_000 }, () => {
  it('gate: application_submitted, then application_decided (with the outcome) and application_accepted', async () => {
    const w = await gateWorld({ env: { WEBHOOKS: recording() } });
    const seen = await subscribeAll(w.env, w.g.guildId);
    const applicant = await w.applicant();
    const card = await w.applyFully(applicant, ['a secret answer']);
    const submitted = (await seen()).filter((e) => e.type === 'application_submitted');
    expect(submitted).toHaveLength(1);
    const id = submitted[0]!.body.data.applicationId as number;
    expect(submitted[0]!.body).toMatchObject({ key: `application:${id}`, data: { userId: applicant.user.id, applicationId: id, youngAccount: false } });
    await w.press(card, `gate.claim:${id}`, w.reviewerA);
    await w.press(await w.card(applicant.user.id), `gate.accept:${id}`, w.reviewerA);
    const events = await seen();
    expect(events.filter((e) => e.type.startsWith('application_')).map((e) => e.type).sort()).toEqual(['application_accepted', 'application_decided', 'application_submitted']);
    expect(events.find((e) => e.type === 'application_decided')!.body.data).toEqual({ userId: applicant.user.id, applicationId: id, decision: 'accepted', reviewerId: w.reviewerA.user.id });
    expect(events.some((e) => e.type === 'application_accepted')).toBe(true);
    expect(JSON.stringify(events)).not.toContain('a secret answer');
  });

  it('moderation: case_created from /warn, case_updated from /case reason; no reason text', async () => {
    const w = await modWorld({ env: { WEBHOOKS: recording() } });
    const seen = await subscribeAll(w.env, w.g.guildId);
    const target = await w.member();
    await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'private words' });
    await w.run(w.moderator, 'case', { number: 1, text: 'more private words' }, 'reason');
    const events = await seen();
    const created = events.find((e) => e.type === 'case_created')!;
    expect(created.body.data).toMatchObject({ userId: target.user.id, caseNumber: 1, caseType: 'warn', actorId: w.helper.user.id });
    expect(created.key).toBe(`case:${created.body.data.caseId}`);
    expect(events.find((e) => e.type === 'case_updated')!.body.data).toMatchObject({ caseNumber: 1, change: 'reason_amended' });
    expect(JSON.stringify(events)).not.toContain('private words');
  });

  it('modmail: ticket_opened from /modmail contact, ticket_closed from /close', async () => {
    const w = await opsWorld();
    const env = { ...w.env, WEBHOOKS: recording() } as Env;
    const seen = await subscribeAll(env, w.g.guildId);
    const member = await w.member();
    await w.run(w.moderator, 'modmail', { member: { user: member.user.id }, reason: 'about your appeal' }, 'contact');
    await w.settle();
    const [ticket] = await w.tickets();
    expect(ticket).toBeDefined();
    await w.run(w.moderator, 'close', { reason: 'done here' }, undefined, { channelId: ticket!.threadId! });
    await w.settle();
    const events = (await seen()).filter((e) => e.type.startsWith('ticket_'));
    expect(events.map((e) => e.type)).toEqual(['ticket_opened', 'ticket_closed']);
    expect(events[0]!.body).toMatchObject({ key: `ticket:${ticket!.id}`, data: { userId: member.user.id, ticketId: ticket!.id, via: 'contact', openedBy: w.moderator.user.id } });
    expect(events[1]!.body.data).toMatchObject({ ticketId: ticket!.id, how: 'staff', closedBy: w.moderator.user.id });
    expect(JSON.stringify(events)).not.toContain('appeal');
  });

  it('platform: member_joined and member_left from the gateway consumer, once per event even when it is delivered twice', async () => {
    const w = await guildWorld();
    const env = { ...w.env, WEBHOOKS: recording() } as Env;
    const seen = await subscribeAll(env, w.g.guildId);
    const user = '300000000000000123';
    const join = memberJoinEvent(w.g.guildId, user);
    const leave = memberRemoveEvent(w.g.guildId, user);
    for (const body of [join, join, leave]) {
      const batch = createMessageBatch('gatehouse-events', [{ id: `m-${Math.random()}`, timestamp: new Date(), attempts: 1, body }]);
      const ctx = createExecutionContext();
      await consumeEvents(registry, batch, env, ctx);
      await getQueueResult(batch, ctx);
    }
    const events = await seen();
    expect(events.map((e) => [e.type, e.key])).toEqual([
      ['member_joined', join.sourceId],
      ['member_left', leave.sourceId],
    ]);
    expect(events[0]!.body.data).toMatchObject({ userId: user, bot: false });
  });

  it('economy and levels: currency_changed from /award, milestone_earned, level_up from awarded XP', async () => {
    const w = await guildWorld();
    const env = { ...w.env, WEBHOOKS: recording() } as Env;
    const seen = await subscribeAll(env, w.g.guildId);
    const run = (...args: Parameters<typeof w.run>) => w.run(...args);
    await run(w.admin, 'rules', { preset: 'mee6-messages' }, 'preset');
    await run(w.admin, 'milestone', { name: 'Rich', threshold: 100, currency: 'xp' }, 'create');
    const m = await w.member();
    const out = await run(w.moderator, 'award', { member: { user: m.user.id }, amount: 500, currency: 'xp', reason: 'test' });
    expect(out.content).toContain('Awarded');
    const events = await seen();
    const changed = events.filter((e) => e.type === 'currency_changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]!.body.data).toMatchObject({ userId: m.user.id, amount: 500, balance: 500, source: 'award' });
    expect(events.filter((e) => e.type === 'milestone_earned').map((e) => e.body.data)).toEqual([expect.objectContaining({ userId: m.user.id, milestone: 'rich' })]);
    const ups = events.filter((e) => e.type === 'level_up');
    expect(ups.length).toBeGreaterThan(0);
    expect(ups.at(-1)!.body.data).toMatchObject({ userId: m.user.id });
  });
});
