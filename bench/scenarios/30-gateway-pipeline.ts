/**
 * Gateway relay + event pipeline, end to end (issue 5): events per second from the fake
 * gateway through the relay Durable Object, the EVENTS queue and the consumer into the event
 * lake (D1), with the counts sent, stored, lost and duplicated; once clean and once with two
 * forced disconnects (a dropped socket and a 4000 close, both resumed). See
 * `lib/gateway-pipeline.ts` for how it is wired and counted.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeDiscord } from '../../src/testing/fake-discord/server';
import { runPipeline, startPipelineRig, type PipelineRun } from '../lib/gateway-pipeline';
import { defineScenario } from '../scenario';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TARGET_EPS = 1000;
/** Fake gateway heartbeat interval: far shorter than Discord's 41.25 s so heartbeats happen mid-burst. */
const HEARTBEAT_MS = 5000;

/** The bundle run.ts serves (`--bundle dir`, else the dry-run output). */
function bundleDir(): string {
  const i = process.argv.indexOf('--bundle');
  const arg = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith('--bundle='))?.slice('--bundle='.length);
  return arg ? resolve(arg) : join(ROOT, 'bench/out/bot');
}

/** 2,000 ordinary CJK characters: 6,000 bytes of UTF-8. */
const CJK_2000 = '今日は皆さん、ゲートウェイのテストです。'.repeat(100);

const log = (msg: string) => console.error(`[bench] ${msg}`);
const mark = (ok: boolean) => (ok ? ' ✅' : ' ❌');

function row(r: PipelineRun & { rig: string }): Record<string, string | number> {
  return {
    rig: r.rig,
    run: r.name,
    sent: r.sent,
    'queued by relay': r.forwarded,
    stored: r.stored,
    lost: `${r.lost}${mark(r.lost === 0)}`,
    stuck: `${r.stuck}${mark(r.stuck === 0)}`,
    'queue messages': r.queueMessages,
    duplicated: `${r.duplicated}${mark(r.duplicated === 0)}`,
    'welcomes / joins': `${r.welcomes} / ${r.joins}`,
    'events/s into D1': `${r.storedPerSecond.toFixed(0)}${mark(r.storedPerSecond >= TARGET_EPS && !r.timedOut)}`,
    target: `≥ ${TARGET_EPS}/s, 0 lost, 0 dup`,
    'events/s handled (effects done)': r.eventsPerSecond.toFixed(0),
    's until queued': r.queuedMs === null ? 'n/a' : (r.queuedMs / 1000).toFixed(2),
    's until first stored': r.firstDoneMs === null ? 'n/a' : (r.firstDoneMs / 1000).toFixed(2),
    's until all stored': r.storedMs === null ? 'n/a' : (r.storedMs / 1000).toFixed(2),
    's until all done': (r.elapsedMs / 1000).toFixed(2),
    'workerd CPU ms/event': ((r.cpuSeconds * 1000) / Math.max(1, r.stored)).toFixed(2),
    'connections (resumes, identifies)': `${r.connections} (${r.resumes}, ${r.identifies})`,
    'max heartbeat gap ms': r.maxHeartbeatGapMs === null ? 'n/a' : r.maxHeartbeatGapMs.toFixed(0),
  };
}

export default defineScenario({
  name: 'gateway pipeline',
  description: 'fake gateway → relay DO → EVENTS queue → consumer → event lake (D1): events/s, lost, duplicated, with two forced disconnects',
  async run(ctx) {
    const count = ctx.options.durationMs < 2000 ? 3000 : 5000;
    const runs: (PipelineRun & { rig: string })[] = [];
    // The stock fake sends Discord's rate-limit headers, so the welcome each join posts waits on
    // a 50/s bucket inside the consumer; the control rig's fake sends none, measuring the
    // pipeline itself (as the gate and moderation scenarios do).
    const control = await startFakeDiscord({ port: 0, rateLimitHeaders: false });
    try {
      for (const [rigName, fakeDiscordUrl] of [
        ['stock fake (rate-limit headers)', ctx.fakeDiscordUrl],
        ['control (no rate-limit headers)', control.url],
      ] as const) {
        const rig = await startPipelineRig({ root: ROOT, bundleDir: bundleDir(), fakeDiscordUrl, heartbeatIntervalMs: HEARTBEAT_MS });
        try {
          log(`gateway pipeline (${rigName}): relay connected (bot workerd pid ${rig.bot.pids.join(',')}); warm-up`);
          await runPipeline(rig, { name: 'warm-up', count: 300, disconnects: false, log });
          for (const [name, disconnects, content] of [
            [`${count} events, clean`, false, undefined],
            [`${count} events, 2 forced disconnects`, true, undefined],
            // Issue 10: packs sized in characters made 154 KB messages of these and stalled.
            [`${count} messages of 2,000 CJK characters`, false, () => CJK_2000],
          ] as const) {
            const r = await runPipeline(rig, { name, count, disconnects, log, stallMs: 45_000, ...(content ? { content, joinEvery: 0 } : {}) });
            log(`${rigName} ${name}: ${r.stored}/${r.sent} stored in ${((r.storedMs ?? 0) / 1000).toFixed(2)} s (${r.storedPerSecond.toFixed(0)}/s), done in ${(r.elapsedMs / 1000).toFixed(2)} s (${r.eventsPerSecond.toFixed(0)}/s), lost ${r.lost}, duplicated ${r.duplicated}${r.timedOut ? ', STALLED' : ''}`);
            runs.push({ ...r, rig: rigName });
          }
        } finally {
          await rig.dispose();
        }
      }
      return {
        kind: 'custom',
        name: 'Gateway pipeline (fake gateway → relay → EVENTS → consumer → D1)',
        rows: runs.map(row),
        notes: [
          `Burst: the fake gateway writes the events to the socket as fast as its control API is called (${500} per call); ` +
            'events/s into D1 = events of the run in the event lake ÷ time from the first dispatch until all are there (the target); ' +
            'events/s handled = the same events ÷ time until every row is done, i.e. every handler and effect finished (the consumer waits for no batch to fill: max_batch_timeout 0). ' +
            'Mix: 85 % guild messages, 10 % DMs, 5 % member joins (each posts one welcome on the fake Discord: the effect counted for duplicates).',
          `Lost = sent source ids missing from the lake; stuck = events left in the relay's outbox or quarantined after the run; duplicated = extra lake rows or extra welcomes. "Queued by relay" above "sent" means the relay re-sent ` +
            'events to the queue (harmless: insert-or-ignore). Disconnect run: socket cut without a close frame after the first third (1006 → resume), ' +
            `then a 4000 close after the second third (→ resume), each mid-burst. Heartbeat interval ${HEARTBEAT_MS} ms with the missed-heartbeat close on (7.5 s).`,
          'CPU is the whole workerd process of the pipeline bot (relay DO, queue broker, consumer, D1), per event stored.',
        ],
      };
    } finally {
      await control.close();
    }
  },
});
