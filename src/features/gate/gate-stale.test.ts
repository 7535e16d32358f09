import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../../workers/bot/index';
import { gateWorld } from './gate.fixture';

const HOUR = 3_600_000;

describe('gate: stale-queue alerts', () => {
  it('pings reviewers at 24 h and 48 h, escalates at 72 h, each once; claimed applications stay quiet', async () => {
    const w = await gateWorld({ questions: ['Only question'] });
    const waiting = await w.applicant();
    const card = await w.applyFully(waiting, ['hello']);
    const claimedOne = await w.applicant();
    const other = await w.applyFully(claimedOne, ['hi']);
    const otherId = (other.components![0] as { components: { custom_id: string }[] }).components[0]!.custom_id.split(':')[1];
    await w.press(other, `gate.claim:${otherId}`, w.reviewerA);
    const start = Date.now();

    const alerts = async () => (await w.fake.messages(w.g.channels.review!)).filter((m) => m.embeds.length === 0);
    const tick = async (at: number) => {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: at }), w.env, ctx);
      await waitOnExecutionContext(ctx);
    };

    await tick(start + 23 * HOUR);
    expect(await alerts()).toHaveLength(0);

    await tick(start + 24 * HOUR + 60_000);
    let sent = await alerts();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.content).toContain(`<@&${w.g.roles.Reviewers}>`);
    expect(sent[0]!.content).toContain('waited over 24 h');
    expect(sent[0]!.content).toContain(`<@${waiting.user.id}>`);
    expect(sent[0]!.content).toContain(card.id);
    expect(sent[0]!.content).not.toContain(claimedOne.user.id);
    expect(sent[0]!.mention_roles).toEqual([w.g.roles.Reviewers]);

    await tick(start + 25 * HOUR);
    await tick(start + 30 * HOUR);
    expect(await alerts()).toHaveLength(1);

    await tick(start + 48 * HOUR + 60_000);
    sent = await alerts();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.content).toContain('waited over 48 h');

    await tick(start + 72 * HOUR + 60_000);
    await tick(start + 73 * HOUR);
    await tick(start + 200 * HOUR);
    sent = await alerts();
    expect(sent).toHaveLength(3);
    expect(sent[2]!.content).toContain(`<@&${w.g.roles.Admins}>`);
    expect(sent[2]!.content).toContain('Escalation');
    expect(sent[2]!.mention_roles).toEqual([w.g.roles.Admins]);
    await w.fake.assertNoViolations();
  });
});
