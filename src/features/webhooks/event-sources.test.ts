/**
 * Each internal event reaches webhooks from the feature that owns it, through the feature's
 * own path (commands, buttons, the gateway consumer): a subscription to every type records
 * one delivery row per event, and its body carries ids and facts, not message content.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registry } from '../../../workers/bot/index';
import { consumeEvents } from '../../core/events';
import { gatewayEvents } from '../../core/gateway/schema';
import { INTERNAL_EVENT_DISPATCH, INTERNAL_EVENT_TYPES } from '../../core/internal-events';
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

/** Waits (real time) until `check` answers something truthy: what the real EVENTS queue delivers arrives on its own. */
async function eventually<T>(check: () => Promise<T>, what: string, ms = 15_000): Promise<NonNullable<T>> {
  const until = performance.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterEach(() => {
  vi.useRealTimers();
});

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

  it('modmail: ticket_closed from a timed close run by the ticket object\'s alarm (the object hands it to the EVENTS queue; its consumer emits it)', async () => {
    const w = await opsWorld();
    // In the future of the real clock, so workerd never fires the alarm on its own during the test.
    const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const env = { ...w.env, WEBHOOKS: recording() } as Env;
    const seen = await subscribeAll(env, w.g.guildId);
    const member = await w.member();
    const ticket = await w.open(member);
    await w.run(w.helper, 'close', { in: '2h', reason: 'Solved' }, undefined, { channelId: ticket.threadId! });
    vi.setSystemTime(T0 + 2 * 3_600_000 + 1000);
    expect(await w.alarm(ticket)).toBe(true);
    await w.settle();
    expect((await w.ticket(ticket.id)).state).toBe('closed');
    const closed = await eventually(async () => (await seen()).find((e) => e.type === 'ticket_closed'), 'the ticket_closed delivery row');
    expect(closed.key).toBe(`ticket:${ticket.id}:closed:${T0 + 2 * 3_600_000 + 1000}`);
    expect(closed.body.data).toEqual({ userId: member.user.id, ticketId: ticket.id, how: 'timed', closedBy: w.helper.user.id });
    expect(JSON.stringify(closed)).not.toContain('Solved');
    // Recorded in the lake as a handed-over internal event, done.
    const [lake] = await getDb(w.env).select().from(gatewayEvents).where(eq(gatewayEvents.sourceId, `internal:ticket_closed:${closed.key}`));
    expect(lake).toMatchObject({ type: INTERNAL_EVENT_DISPATCH, status: 'done', handled: ['platform-core.internal-events'] });
  });

  it('moderation: case_created from the expiry cron (the unban of a timed ban)', async () => {
    const w = await modWorld({ env: { WEBHOOKS: recording() } });
    const seen = await subscribeAll(w.env, w.g.guildId);
    const target = await w.member();
    await w.run(w.moderator, 'ban', { member: { user: target.user.id }, reason: 'raid', duration: '1h' });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2 * 3_600_000);
    await w.cron();
    const created = (await seen()).filter((e) => e.type === 'case_created');
    expect(created.map((e) => [e.body.data.caseNumber, e.body.data.caseType])).toEqual([
      [1, 'ban'],
      [2, 'unban'],
    ]);
    expect(created[1]!.body.data).toMatchObject({ userId: target.user.id, actorId: w.g.botUserId });
    expect(JSON.stringify(created)).not.toContain('expired');
    // A second run ends nothing more and announces nothing more.
    await w.cron();
    expect((await seen()).filter((e) => e.type === 'case_created')).toHaveLength(2);
  });

  it('moderation: case_created from the reconcile cron confirming a case its request left pending', async () => {
    const w = await modWorld({ env: { WEBHOOKS: recording() } });
    const seen = await subscribeAll(w.env, w.g.guildId);
    const target = await w.member();
    await w.fake.failNext({ method: 'PUT', route: '/guilds/{guild_id}/bans/{user_id}', status: 500, times: 5 });
    const out = await w.run(w.moderator, 'ban', { member: { user: target.user.id }, reason: 'raid' });
    expect(out.content).toContain('case #1 is pending');
    await w.fake.clearFailures();
    expect((await seen()).filter((e) => e.type === 'case_created')).toEqual([]);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3 * 60_000);
    await w.cron();
    const created = (await seen()).filter((e) => e.type === 'case_created');
    expect(created.map((e) => [e.body.data.caseNumber, e.body.data.caseType])).toEqual([[1, 'ban']]);
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
