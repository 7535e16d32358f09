import { createScheduledController } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Registry } from '../../core/registry';
import { runCrons } from '../../core/scheduler';
import { getDb } from '../../db/client';
import { guildWorld } from '../../testing/guild-world';
import { meterD1, metered, type InvocationCost } from '../../testing/metered';
import { reminders as remindersFeature } from './index';
import { reminders } from './schema';

const BUDGET = 40;

afterEach(() => vi.restoreAllMocks());

describe('reminders within the subrequest budget', () => {
  it('works off a backlog larger than one run: every run within budget, every reminder posted once', async () => {
    const w = await guildWorld();
    const m = await w.member();
    const db = getDb(w.env);
    const now = Date.now();
    const count = 30;
    // One statement a row (D1 caps a statement's bound parameters at 100).
    const inserts = Array.from({ length: count }, (_, i) =>
      db.insert(reminders).values({
        guildId: w.g.guildId,
        userId: m.user.id,
        channelId: w.g.channels.general!,
        target: 'channel',
        text: `backlog ${i}`,
        dueAt: now - 60_000 + i,
        createdAt: now - 3_600_000,
      }),
    );
    await db.batch(inserts as [(typeof inserts)[number], ...typeof inserts]);
    const meter = meterD1({ ...w.env, SUBREQUEST_BUDGET: String(BUDGET) });
    const registry = new Registry([remindersFeature]);
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(JSON.parse(String(line)) as Record<string, unknown>));
    vi.spyOn(console, 'info').mockImplementation(() => {});

    const ours = eq(reminders.guildId, w.g.guildId);
    const owed = async () => (await db.select().from(reminders).where(ours)).filter((r) => r.status !== 'delivered').length;
    const runs: InvocationCost[] = [];
    while ((await owed()) > 0 && runs.length < 20) {
      runs.push(await metered(meter, w.fake, (env, ctx) => runCrons(registry, createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env, ctx)));
    }
    const reports = lines.filter((l) => l.msg === 'cron run' && l.job === 'reminders.deliver-reminders');

    expect(runs.length).toBeGreaterThan(1);
    expect(await owed()).toBe(0);
    for (const run of runs) expect(run.total).toBeLessThanOrEqual(BUDGET);
    expect(reports.map((r) => r.used)).toEqual(runs.map((r) => r.total));
    const posted = await w.fake.messages(w.g.channels.general!);
    expect(posted.filter((p) => p.content.includes('backlog'))).toHaveLength(count);
    // A reminder the budget could not start was given back with its attempt: each took one.
    const rows = await db.select().from(reminders).where(ours);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
  });
});
