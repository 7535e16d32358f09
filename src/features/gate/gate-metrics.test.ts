import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import worker from '../../../workers/bot/index';
import { option, slashCommand, subcommand } from '../../testing/interactions';
import { gateWorld, type GateWorld, type Person } from './gate.fixture';

const MIN = 60_000;
const DAY = 86_400_000;

afterEach(() => {
  vi.useRealTimers();
});

function appId(card: APIMessage): string {
  return (card.components![0] as { components: { custom_id: string }[] }).components[0]!.custom_id.split(':')[1]!;
}

/** Submits at `at`, claims `claimAfter` later (by `claimer`), decides `decideAfter` after that (by `decider`). */
async function scenario(
  w: GateWorld,
  at: number,
  steps: { claimer?: Person; claimAfter?: number; decider: Person; decideAfter: number; decision: 'accept' | 'reject' },
): Promise<void> {
  vi.setSystemTime(at);
  const applicant = await w.applicant();
  const card = await w.applyFully(applicant, ['hello']);
  const id = appId(card);
  let t = at;
  if (steps.claimer) {
    t += steps.claimAfter!;
    vi.setSystemTime(t);
    await w.press(card, `gate.claim:${id}`, steps.claimer);
  }
  t += steps.decideAfter;
  vi.setSystemTime(t);
  if (steps.decision === 'accept') await w.press(card, `gate.accept:${id}`, steps.decider);
  else await w.submit(`gate.reason:${id}:reject`, { reason: 'not a fit' }, steps.decider, card);
}

describe('gate: reviewer metrics rollup and /modstats', () => {
  it('matches a hand-computed fixture (nearest-rank median and p95), per window', async () => {
    const w = await gateWorld({ questions: ['Only question'] });
    const { reviewerA: a, reviewerB: b, moderator: m } = w;
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now() - 5 * DAY;
    // Reviewer A: submit→claim 10, 30, 50 min (and 20 min below); claim→decision 20, 40, 60 min.
    await scenario(w, t0, { claimer: a, claimAfter: 10 * MIN, decider: a, decideAfter: 20 * MIN, decision: 'accept' });
    await scenario(w, t0 + 1 * DAY, { claimer: a, claimAfter: 30 * MIN, decider: a, decideAfter: 40 * MIN, decision: 'reject' });
    await scenario(w, t0 + 2 * DAY, { claimer: a, claimAfter: 50 * MIN, decider: a, decideAfter: 60 * MIN, decision: 'accept' });
    // Reviewer B accepts without claiming: a decision with no claim time.
    await scenario(w, t0 + 3 * DAY, { decider: b, decideAfter: 5 * MIN, decision: 'accept' });
    // The moderator overrides A's claim (claimed 20 min after submission).
    await scenario(w, t0 + 4 * DAY, { claimer: a, claimAfter: 20 * MIN, decider: m, decideAfter: 15 * MIN, decision: 'accept' });
    // Forty days earlier: A claimed after 2 days and rejected 1 day later (only the 90-day window sees it).
    await scenario(w, t0 - 40 * DAY, { claimer: a, claimAfter: 2 * DAY, decider: a, decideAfter: 1 * DAY, decision: 'reject' });

    const now = t0 + 5 * DAY;
    vi.setSystemTime(now);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '0 * * * *', scheduledTime: now }), w.env, ctx);
    await waitOnExecutionContext(ctx);

    const stats = async (who: Person, days: number) =>
      JSON.stringify(
        await w.drive(
          slashCommand('modstats', {
            ...w.base(w.moderator),
            options: [option('moderator', 6, who.user.id), option('days', 4, days)],
            resolved: { users: { [who.user.id]: who.user } },
          }),
          w.moderator,
        ),
      );

    // A, 7 days: claims [10, 20, 30, 50] → median (2nd) 20m, p95 (4th) 50m; decisions [20, 40, 60] → 40m, 1h 0m.
    const a7 = await stats(a, 7);
    expect(a7).toContain('Claims **4** · decisions **3** (✅ 2 · ❌ 1 · 👢 0 · ⛔ 0)');
    expect(a7).toContain('Approval rate **67%**');
    expect(a7).toContain('Submission → claim: median 20m, p95 50m');
    expect(a7).toContain('Claim → decision: median 40m, p95 1h 0m');

    // A, 90 days adds the old one: claims [10, 20, 30, 50, 2d] → median (3rd) 30m, p95 (5th) 2d 0h;
    // decisions [20m, 40m, 60m, 1d] → median (2nd) 40m, p95 (4th) 1d 0h.
    const a90 = await stats(a, 90);
    expect(a90).toContain('Claims **5** · decisions **4** (✅ 2 · ❌ 2 · 👢 0 · ⛔ 0)');
    expect(a90).toContain('Approval rate **50%**');
    expect(a90).toContain('Submission → claim: median 30m, p95 2d 0h');
    expect(a90).toContain('Claim → decision: median 40m, p95 1d 0h');

    const b30 = await stats(b, 30);
    expect(b30).toContain('Claims **0** · decisions **1** (✅ 1 · ❌ 0 · 👢 0 · ⛔ 0)');
    expect(b30).toContain('Approval rate **100%**');
    expect(b30).toContain('Claim → decision: median n/a, p95 n/a');

    const m30 = await stats(m, 30);
    expect(m30).toContain('Claims **0** · decisions **1** (✅ 1 · ❌ 0 · 👢 0 · ⛔ 0 · overrides 1)');

    // Everyone, default window: busiest first.
    const all = JSON.stringify(await w.drive(slashCommand('modstats', { ...w.base(w.moderator) }), w.moderator));
    expect(all.indexOf(a.user.id)).toBeLessThan(all.indexOf(b.user.id));
    expect(all).toContain('last 30 days');
  });
});
