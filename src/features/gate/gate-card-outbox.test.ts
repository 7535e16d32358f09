/**
 * The review-card outbox: a card whose post fails keeps the applicant's confirmation, is
 * posted later by the cron (once), and a card posted but not recorded is found, not reposted.
 */
import { createExecutionContext, createScheduledController, env as baseEnv, waitOnExecutionContext } from 'cloudflare:test';
import { InteractionResponseType, type APIMessage } from 'discord-api-types/v10';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../../../workers/bot/index';
import { getDb } from '../../db/client';
import { FaultyD1 } from '../../testing/faulty-d1';
import { gateWorld, type GateWorld, type Person } from './gate.fixture';
import { gateApplications, gateCardOutbox } from './schema';

const ORIGINAL = { method: 'PATCH', route: '/webhooks/{webhook_id}/{webhook_token}/messages/@original' };

let w: GateWorld;
let faulty: FaultyD1;
let t0: number;

const cardPosts = () => w.fake.calls({ method: 'POST', path: `/channels/${w.g.channels.review}/messages` });
const outbox = async () => (await getDb(w.env).select().from(gateCardOutbox).where(eq(gateCardOutbox.guildId, w.g.guildId)))[0];
const application = async () => (await getDb(w.env).select().from(gateApplications).where(eq(gateApplications.guildId, w.g.guildId)))[0];
const tick = async (at: number) => {
  vi.setSystemTime(at);
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: at }), w.env, ctx);
  await waitOnExecutionContext(ctx);
};

/** Applies with the one-question form; returns what the applicant was answered. */
async function apply(applicant: Person): Promise<string> {
  const gateMessage = (await w.fake.messages(w.g.channels.gate!)).find((m) => m.components?.length) as APIMessage;
  const modal = await w.press(gateMessage, 'gate.apply', applicant);
  if (modal.type !== InteractionResponseType.Modal) throw new Error('expected a modal');
  const input = (modal.data.components as unknown as { component: { custom_id: string } }[])[0]!.component.custom_id;
  return JSON.stringify(await w.submit(modal.data.custom_id, { [input]: 'hello' }, applicant));
}

beforeEach(async () => {
  faulty = new FaultyD1(baseEnv.DB);
  w = await gateWorld({ questions: ['Only question'], env: { DB: faulty.binding } });
  t0 = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(t0);
});
afterEach(async () => {
  vi.useRealTimers();
  await w.fake.clearFailures();
  await w.fake.assertNoViolations();
});

describe('gate: review-card outbox', () => {
  it('a failing card post keeps the applicant’s confirmation; the cron posts the card later, once', async () => {
    await w.fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', status: 403, code: 50013 });
    const applicant = await w.applicant();
    const answer = await apply(applicant);
    expect(answer).toContain('Your application was sent to the staff');
    // The confirmation was never replaced by an error.
    expect(await w.fake.calls(ORIGINAL)).toHaveLength(0);
    expect(await cardPosts()).toHaveLength(1);
    expect(await w.fake.messages(w.g.channels.review!)).toHaveLength(0);
    expect(await outbox()).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await outbox())?.lastError).toContain('50013');

    // Discord fails again on the first retry: backoff, still pending.
    await w.fake.failNext({ method: 'POST', route: '/channels/{channel_id}/messages', status: 500, times: 5 });
    await tick(t0 + 31_000);
    await w.fake.clearFailures();
    expect(await outbox()).toMatchObject({ status: 'pending', attempts: 2 });
    const attemptsBefore = (await cardPosts()).length;
    await tick(t0 + 45_000);
    expect(await cardPosts()).toHaveLength(attemptsBefore);

    await tick(t0 + 3 * 60_000);
    const [card, ...more] = await w.fake.messages(w.g.channels.review!);
    expect(more).toHaveLength(0);
    expect(card?.embeds[0]?.description).toContain(applicant.user.id);
    expect(await outbox()).toMatchObject({ status: 'posted', messageId: card!.id });
    expect(await application()).toMatchObject({ cardChannelId: w.g.channels.review, cardMessageId: card!.id });
    const posts = (await cardPosts()).length;
    await tick(t0 + 10 * 60_000);
    expect(await cardPosts()).toHaveLength(posts);
    expect(await w.fake.messages(w.g.channels.review!)).toHaveLength(1);
  });

  it('a card posted whose record failed is found by the retry, not posted twice', async () => {
    // The first write to the outbox after the card reached Discord fails.
    faulty.failNext({ match: /^update "gate_card_outbox" set "status"/i, when: async () => (await cardPosts()).length > 0 });
    const applicant = await w.applicant();
    expect(await apply(applicant)).toContain('Your application was sent to the staff');
    expect(faulty.failed).toHaveLength(1);
    expect(await w.fake.calls(ORIGINAL)).toHaveLength(0);
    const [card] = await w.fake.messages(w.g.channels.review!);
    expect(await outbox()).toMatchObject({ status: 'pending' });

    await tick(t0 + 3 * 60_000);
    expect(await cardPosts()).toHaveLength(1);
    expect(await w.fake.messages(w.g.channels.review!)).toHaveLength(1);
    expect(await outbox()).toMatchObject({ status: 'posted', messageId: card!.id });
    expect(await application()).toMatchObject({ cardMessageId: card!.id });
    // Staff can work the card as usual.
    await w.press(card!, `gate.claim:${(await application())!.id}`, w.reviewerA);
    expect((await application())?.status).toBe('claimed');
  });
});
