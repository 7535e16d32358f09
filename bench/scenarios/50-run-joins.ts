/**
 * Issue 18 (runs): Join presses on one run, so one Durable Object. An administrator starts an
 * `Event` run (cap 500, the most a run may have) with `/run start`; then distinct members press Join at a fixed
 * concurrency. Reported: presses per second the run's Object sustains (every press answered
 * with its roster place), and the latency from a press to the first panel edit whose roster
 * count includes that press (the Object edits the panel at most once a second, so this is
 * bounded below by the coalescing, by design).
 */
import { ApplicationCommandOptionType as T, type APIMessage } from 'discord-api-types/v10';
import { FakeDiscord } from '../../src/testing/fake-discord/client';
import { buttonPress, option, slashCommand, subcommand, user } from '../../src/testing/interactions';
import { signRequest } from '../lib/sign';
import { percentile } from '../lib/stats';
import { seedModGuild } from '../lib/moderation-world';
import { defineScenario, expectThat, type CustomResult } from '../scenario';

const CATALOG = { activities: [{ name: 'Event', emoji: '', classes: [], cap: 500, durationMin: 120, weight: 100, waitlist: true, tempRole: false, remindMin: 15 }] };

export default defineScenario({
  name: 'run joins',
  description: 'Join presses on one run (one Durable Object): presses/s and press → panel update latency',
  async run(ctx): Promise<CustomResult> {
    const quick = ctx.options.rounds < 2;
    const presses = quick ? 400 : 500;
    const concurrencies = quick ? [32] : [16, 64];
    const { db } = ctx.bot;
    const fake = await FakeDiscord.attach(ctx.fakeDiscordUrl, 'default');
    const rows: Record<string, string | number>[] = [];
    const stopLog = ctx.bot.onLog((m) => m.includes('went wrong') || m.includes('failed') || m.includes('error') ? console.error(`[bench] bot: ${m.slice(0, 400)}`) : undefined);
    const post = async (payload: unknown) => {
      const signed = signRequest(ctx.keys, payload);
      const res = await fetch(`${ctx.bot.target.origin}/interactions`, { method: 'POST', headers: signed.headers, body: new Uint8Array(signed.body) });
      return (await res.json()) as { type: number; data?: { content?: string } };
    };
    for (const concurrency of concurrencies) {
      const world = await seedModGuild(db, ctx.fakeDiscordUrl, `Bench Runs ${concurrency}`);
      await db.prepare("INSERT INTO guild_settings (guild_id, key, value, version, updated_at) VALUES (?, 'runs.catalog', ?, 1, ?)").bind(world.guildId, JSON.stringify(CATALOG), Date.now()).run();
      const admin = user({ id: world.ownerId, username: 'owner' });
      const channelId = world.channels.general;
      const start = await post(slashCommand('run', { guildId: world.guildId, channelId, user: admin, permissions: '8', options: [subcommand('start', [option('activity', T.String, 'Event')])] }));
      expectThat(start.type === 5, 'a deferred reply from /run start', start);
      let panel: APIMessage | undefined;
      for (let i = 0; i < 100 && !panel; i++) {
        panel = (await fake.messages(channelId)).find((m) => m.embeds[0]?.title === 'Event');
        if (!panel) await new Promise((r) => setTimeout(r, 50));
      }
      expectThat(panel !== undefined, 'the run panel posted', null);
      const runId = (panel!.components![0] as { components: { custom_id: string }[] }).components[0]!.custom_id.split(':')[1]!;
      await fake.clearCalls();
      const sent: { at: number; place: number }[] = [];
      let next = 0;
      const t0 = performance.now();
      const epoch0 = Date.now();
      const worker = async () => {
        for (let i = next++; i < presses; i = next++) {
          const press = buttonPress(`runs.join:${runId}`, { guildId: world.guildId, channelId, user: user({ id: String(1_400_000_000_000_000_000n + BigInt(concurrency * 10_000 + i)) }), message: panel! });
          const at = epoch0 + (performance.now() - t0);
          const reply = await post(press);
          const place = Number(/#(\d+)/.exec(reply.data?.content ?? '')?.[1] ?? 0);
          sent.push({ at, place });
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const elapsed = (performance.now() - t0) / 1000;
      // Wait for the panel to show everyone, then match each press to the first edit that included it.
      let edits: { at: number; count: number }[] = [];
      for (let i = 0; i < 100; i++) {
        const calls = await fake.calls({ method: 'PATCH', route: '/channels/{channel_id}/messages/{message_id}' });
        edits = calls
          .map((c) => ({ at: Date.parse(c.at), count: Number(/\*\*Roster \((\d+)\//.exec(JSON.stringify((c.body as { embeds?: unknown[] })?.embeds ?? []))?.[1] ?? 0) }))
          .sort((a, b) => a.at - b.at);
        if (edits.at(-1)?.count === presses) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const latencies = sent.filter((s) => s.place > 0).map((s) => (edits.find((e) => e.count >= s.place)?.at ?? Number.NaN) - s.at).filter(Number.isFinite);
      const roster = Math.max(0, ...edits.map((e) => e.count));
      rows.push({
        concurrency,
        presses,
        'presses/s': Math.round(presses / elapsed),
        'roster on panel': roster,
        'panel edits': edits.length,
        'press→panel p50 ms': Math.round(percentile(latencies, 50)),
        'press→panel p95 ms': Math.round(percentile(latencies, 95)),
      });
      console.error(`[bench] run joins c${concurrency}: ${Math.round(presses / elapsed)} presses/s, roster ${roster}/${presses}, p95 ${Math.round(percentile(latencies, 95))} ms`);
    }
    stopLog();
    return {
      kind: 'custom',
      name: 'runs: Join presses on one run (one Durable Object)',
      rows,
      notes: [
        'Each press is a signed component interaction from a distinct member, answered by the Worker after the run\'s Object placed it (ephemeral reply with the roster place). ' +
          '"press→panel" is from sending a press to the first panel edit (recorded by the fake) whose roster count includes its place; the Object edits the panel at most once a second. ' +
          'The fake Discord runs in the load generator\'s Node process (2 shared cores).',
      ],
    };
  },
});
