/**
 * Modmail relay (issue 13): 1,000 member messages across 100 open tickets, half as plain DMs
 * through the gateway (fake gateway → relay DO → EVENTS queue → consumer → modmail's DM
 * handler → the member's inbox DO → the staff thread) and half through the member's Reply
 * modal (a signed modal submit to `/interactions` → the staff thread). Latency is from the
 * member's message (the DM written in the fake's DM channel, or the modal submit sent) to the
 * staff-thread post, as the fake Discord timestamps it. D1 rows written per relayed message:
 * rows inserted (every table's row count before and after) plus the updates the path makes
 * (listed in the notes: D1's `meta.rows_written` is not visible from outside the Worker).
 *
 * The DMs go to the members' real DM channels in the fake (opened by the greeting DM), so the
 * inbox's history read finds them, as on Discord.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeDiscord } from '../../src/testing/fake-discord/client';
import { FakeGateway } from '../../src/testing/fake-gateway/client';
import { startFakeGateway } from '../../src/testing/fake-gateway/server';
import { modalSubmit } from '../../src/testing/interactions';
import { servePipelineBot, type PipelineBot } from '../lib/gateway-pipeline';
import { signRequest } from '../lib/sign';
import { percentile } from '../lib/stats';
import { defineScenario } from '../scenario';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP_ID = '1100000000000000001';
const BOT_TOKEN = 'bench-gateway-token';
const HEALTH_TOKEN = 'bench-health-token-0123456789';
const TICKETS = 100;
const MESSAGES = 1000;
/**
 * Offered rates, both halves together (messages per second), one measured round each on the
 * same tickets: `BENCH_MODMAIL_RATES=10,25,50` to choose.
 */
const RATES = (process.env.BENCH_MODMAIL_RATES ?? '25,50').split(',').map(Number).filter((n) => n > 0);
const TARGET_P95_MS = 300;

function bundleDir(): string {
  const i = process.argv.indexOf('--bundle');
  const arg = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith('--bundle='))?.slice('--bundle='.length);
  return arg ? resolve(arg) : join(ROOT, 'bench/out/bot');
}

const log = (msg: string) => console.error(`[bench] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`modmail bench: timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function tableCounts(bot: PipelineBot): Promise<Map<string, number>> {
  const { results } = await bot.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'").all<{ name: string }>();
  const out = new Map<string, number>();
  for (const { name } of results) out.set(name, (await bot.db.prepare(`SELECT count(*) AS n FROM "${name}"`).first<{ n: number }>())?.n ?? 0);
  return out;
}

interface Sent {
  content: string;
  via: 'gateway' | 'modal';
  at: number;
  threadId: string;
}

export default defineScenario({
  name: 'modmail relay',
  description: '1,000 member messages across 100 open tickets, half gateway DMs, half Reply-modal submits: p50/p95 to the staff-thread post, D1 rows per message',
  async run(ctx) {
    const gateway = await startFakeGateway({ port: 0 });
    let bot: PipelineBot | undefined;
    try {
      const gw = await FakeGateway.create(gateway.url, { token: BOT_TOKEN, heartbeatIntervalMs: 41_250 });
      const fake = await FakeDiscord.create(ctx.fakeDiscordUrl, { applicationId: APP_ID });
      await fake.setGatewayUrl(gw.url, 1);
      const guild = await fake.seedGuild({ channels: [{ name: 'general' }, { name: 'modmail' }] });
      bot = await servePipelineBot({ root: ROOT, bundleDir: bundleDir(), apiBase: fake.apiBase, gatewayUrl: gw.url, publicKeyHex: ctx.keys.publicKeyHex });
      await bot.db.prepare('INSERT INTO guild_channels (guild_id, purpose, channel_id) VALUES (?, ?, ?)').bind(guild.guildId, 'modmail', guild.channels.modmail!).run();
      const post = async (payload: unknown) => {
        const req = signRequest(ctx.keys, payload);
        const res = await fetch(`${bot!.origin}/interactions`, { method: 'POST', headers: req.headers, body: new Uint8Array(req.body) });
        const body = (await res.json()) as { type?: number; data?: { content?: string } };
        if (res.status !== 200 || body.type !== 5) throw new Error(`modmail bench: unexpected answer ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      };

      // 100 members, each opens a ticket through /modmail open's modal (thread, card, greeting DM).
      const users: { id: string; username: string; discriminator: string; global_name: null; avatar: null }[] = [];
      for (let i = 0; i < TICKETS; i++) {
        const username = `member${i}`;
        const id = await fake.addMember(guild.guildId, { username });
        users.push({ id, username, discriminator: '0', global_name: null, avatar: null });
      }
      log(`modmail relay: opening ${TICKETS} tickets`);
      type Row = { memberId: string; threadId: string | null; dmChannelId: string | null };
      const readTickets = async () =>
        (await bot!.db.prepare("SELECT member_id AS memberId, thread_id AS threadId, dm_channel_id AS dmChannelId FROM modmail_tickets WHERE state = 'open'").all<Row>()).results;
      // Four at a time; on a loaded machine a REST call may time out, so members whose ticket is
      // unfinished press again (the retried open adopts the thread, issue 13's idempotency).
      let tickets: Row[] = [];
      for (let round = 0; round < 4; round++) {
        const done = new Set(tickets.filter((t) => t.threadId && t.dmChannelId).map((t) => t.memberId));
        const todo = users.filter((u) => !done.has(u.id));
        if (todo.length === 0) break;
        for (let i = 0; i < todo.length; i += 4) {
          await Promise.all(
            todo.slice(i, i + 4).map((user) =>
              post(modalSubmit(`modmail.opened:${guild.guildId}:0:command`, { q0: `bench ticket ${user.username}` }, { guildId: guild.guildId, channelId: guild.channels.general!, user, applicationId: APP_ID })),
            ),
          );
        }
        tickets = await waitFor('the opens to settle', 120_000, async () => {
          const rows = await readTickets();
          return rows.length === TICKETS && rows.every((r) => r.threadId && r.dmChannelId) ? rows : (await sleep(5000), await readTickets());
        });
        log(`modmail relay: round ${round + 1}: ${tickets.filter((t) => t.threadId && t.dmChannelId).length}/${TICKETS} tickets ready`);
      }
      if (tickets.length !== TICKETS || !tickets.every((t) => t.threadId && t.dmChannelId)) throw new Error('modmail bench: not every ticket opened');
      const byMember = new Map(tickets.map((t) => [t.memberId, t]));

      // The relay, started as in production by the minute cron.
      const worker = await bot.mf.getWorker('bot');
      await worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
      await waitFor('relay READY', 30_000, async () => {
        const res = await fetch(`${bot!.origin}/health/detail`, { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } });
        const body = (await res.json()) as { gateway?: { shards?: { connected: boolean }[] } };
        return body.gateway?.shards?.[0]?.connected;
      });
      // Warm-up: one message each way (isolates, DO instances, the inbox cursors), not measured.
      const sendGateway = async (user: (typeof users)[number], content: string): Promise<number> => {
        const ticket = byMember.get(user.id)!;
        const at = Date.now();
        const message = await fake.seedMessage(ticket.dmChannelId!, { authorId: user.id, content, timestamp: at });
        // While the relay reconnects the fake gateway has no session (409): Discord would replay
        // the event on resume, so the bench sends it again once the relay is back.
        for (let attempt = 0; ; attempt++) {
          try {
            await gw.dispatchMany([{ t: 'MESSAGE_CREATE', d: { ...message, author: user } }]);
            gatewayStages.set(content, { id: message.id, dispatchedAt: Date.now() });
            return at;
          } catch (error) {
            if (attempt >= 100 || !String(error).includes('409')) throw error;
            reconnectWaits++;
            await sleep(200);
          }
        }
      };
      let reconnectWaits = 0;
      /** Gateway DMs: the message id and when the fake gateway had written the dispatch. */
      const gatewayStages = new Map<string, { id: string; dispatchedAt: number }>();
      const sendModal = async (user: (typeof users)[number], content: string): Promise<number> => {
        const ticket = byMember.get(user.id)!;
        const payload = modalSubmit(`modmail.mreplied:${guild.guildId}`, { text: content }, { guildId: null, channelId: ticket.dmChannelId!, user, applicationId: APP_ID });
        const at = Date.now();
        await post(payload);
        return at;
      };
      for (const user of users) await Promise.all([sendGateway(user, `warm-up dm ${user.id}`), sendModal(user, `warm-up modal ${user.id}`)]);
      const memberPosts = async (threadId: string) => (await fake.messages(threadId)).filter((m) => m.embeds[0]?.footer?.text.startsWith('From the member'));
      await waitFor('warm-up relayed', 120_000, async () => {
        for (const t of tickets) if ((await memberPosts(t.threadId!)).length < 3) return false;
        return true;
      });
      log('modmail relay: warmed up; measuring');

      const idle0 = bot.cpuSeconds();
      await sleep(5000);
      const idleMsPerS = ((bot.cpuSeconds() - idle0) * 1000) / 5;
      log(`modmail relay: idle workerd CPU ${idleMsPerS.toFixed(0)} ms/s`);
      /** One measured round at `rate` messages/s (its own message texts, so rounds never mix). */
      const measureAt = async (rate: number) => {
        const prefix = `bench r${rate} `;
        const before = await tableCounts(bot!);
        const cpu0 = bot!.cpuSeconds();
        const sent: Sent[] = [];
        const sendFailures: string[] = [];
        const reconnectsBefore = reconnectWaits;
        const started = performance.now();
        const inflight: Promise<void>[] = [];
        for (let i = 0; i < MESSAGES; i++) {
          const due = started + (i * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          const user = users[i % TICKETS]!;
          const via = i % 2 === 0 ? 'gateway' : 'modal';
          const content = `${prefix}${via} ${i}`;
          inflight.push(
            (via === 'gateway' ? sendGateway(user, content) : sendModal(user, content)).then(
              (at) => void sent.push({ content, via, at, threadId: byMember.get(user.id)!.threadId! }),
              (error: unknown) => void sendFailures.push(`${via} ${i}: ${String(error).slice(0, 200)}`),
            ),
          );
        }
        await Promise.all(inflight);
        const offeredS = (performance.now() - started) / 1000;
        // Wait until every message is in its thread (or nothing moves for 60 s).
        const latencies = new Map<string, number>();
        let lastCount = -1;
        let lastMove = Date.now();
        while (latencies.size < sent.length && Date.now() - lastMove < 60_000) {
          for (const t of tickets) {
            for (const m of await memberPosts(t.threadId!)) {
              const d = m.embeds[0]?.description ?? '';
              if (d.startsWith(prefix) && !latencies.has(d)) latencies.set(d, Date.parse(m.timestamp));
            }
          }
          if (latencies.size !== lastCount) {
            lastCount = latencies.size;
            lastMove = Date.now();
          }
          if (latencies.size < sent.length) await sleep(500);
        }
        await sleep(1500); // let the tail's waitUntil work (transcript links, timers) settle before counting
        const cpu = bot!.cpuSeconds() - cpu0;
        const after = await tableCounts(bot!);
        const inserted = [...after].map(([t, n]) => [t, n - (before.get(t) ?? 0)] as const).filter(([, n]) => n > 0);
        const insertedTotal = inserted.reduce((a, [, n]) => a + n, 0);
        const rows: Record<string, string | number>[] = [];
        for (const via of ['gateway', 'modal', 'both'] as const) {
          const mine = sent.filter((s) => via === 'both' || s.via === via);
          const ms = mine.flatMap((s) => (latencies.has(s.content) ? [latencies.get(s.content)! - s.at] : [])).sort((a, b) => a - b);
          const p95 = ms.length ? percentile(ms, 95, true) : NaN;
          rows.push({
            'way in': `${via} @ ${rate}/s`,
            sent: mine.length,
            'in the thread': ms.length,
            lost: mine.length - ms.length,
            'p50 ms': ms.length ? percentile(ms, 50, true).toFixed(0) : 'n/a',
            'p95 ms': `${Number.isNaN(p95) ? 'n/a' : p95.toFixed(0)}${p95 < TARGET_P95_MS ? ' ✅' : ' ❌'}`,
            'max ms': ms.length ? ms.at(-1)!.toFixed(0) : 'n/a',
            target: `p95 < ${TARGET_P95_MS} ms`,
          });
        }
        // Where a gateway DM's time goes: written in the DM channel → dispatched by the fake
        // gateway → received by the relay (the lake row's received_at) → posted in the thread.
        const stageMs: Record<string, number[]> = { 'DM written → dispatched': [], 'dispatched → relay received': [], 'relay received → thread post': [] };
        const measured = sent.filter((s) => s.via === 'gateway' && gatewayStages.has(s.content) && latencies.has(s.content));
        const received = new Map<string, number>();
        for (let i = 0; i < measured.length; i += 50) {
          const ids = measured.slice(i, i + 50).map((s) => gatewayStages.get(s.content)!.id);
          const { results } = await bot!.db.prepare(`SELECT source_id AS id, received_at AS at FROM gateway_events WHERE source_id IN (${ids.map(() => '?').join(',')})`).bind(...ids).all<{ id: string; at: number }>();
          for (const r of results) received.set(r.id, r.at);
        }
        for (const s of measured) {
          const g = gatewayStages.get(s.content)!;
          const at = received.get(g.id);
          stageMs['DM written → dispatched']!.push(g.dispatchedAt - s.at);
          if (at === undefined) continue;
          stageMs['dispatched → relay received']!.push(at - g.dispatchedAt);
          stageMs['relay received → thread post']!.push(latencies.get(s.content)! - at);
        }
        const stageRows = Object.entries(stageMs).map(([stage, ms]) => {
          ms.sort((a, b) => a - b);
          return { 'way in': `gateway stage @ ${rate}/s: ${stage}`, sent: ms.length, 'in the thread': '', lost: '', 'p50 ms': ms.length ? percentile(ms, 50, true).toFixed(0) : 'n/a', 'p95 ms': ms.length ? percentile(ms, 95, true).toFixed(0) : 'n/a', 'max ms': ms.length ? ms.at(-1)!.toFixed(0) : 'n/a', target: '' };
        });
        const dupes = (await Promise.all(tickets.map((t) => memberPosts(t.threadId!)))).flat().filter((m) => m.embeds[0]?.description?.startsWith(prefix)).length - latencies.size;
        log(`modmail relay @ ${rate}/s: ${latencies.size}/${sent.length} in threads; rows inserted ${insertedTotal}; duplicates ${dupes}; send failures ${sendFailures.length}; gateway sends that waited for a reconnect ${reconnectWaits}`);
        for (const f of sendFailures.slice(0, 5)) log(`modmail relay: send failed: ${f}`);
        return {
          rows: [
            ...rows,
            ...stageRows,
            {
              'way in': `D1 rows inserted per message @ ${rate}/s`,
              sent: (insertedTotal / sent.length).toFixed(2),
              'in the thread': inserted.map(([t, n]) => `${t} ${(n / sent.length).toFixed(2)}`).join(', '),
              lost: `dup posts ${dupes}, send failures ${sendFailures.length}, reconnect waits ${reconnectWaits - reconnectsBefore}`,
              'p50 ms': `CPU ${((cpu * 1000) / sent.length).toFixed(2)} ms/msg`,
              'p95 ms': `offered ${offeredS.toFixed(1)} s`,
              'max ms': '',
              target: '',
            },
          ],
        };
      };
      const rounds: Record<string, string | number>[] = [];
      for (const rate of RATES) rounds.push(...(await measureAt(rate)).rows);
      return {
        kind: 'custom',
        name: `Modmail relay (${MESSAGES} member messages per round, ${TICKETS} open tickets, offered ${RATES.join(' then ')} messages/s)`,
        rows: rounds,
        notes: [
          'Latency: member message (DM written in the fake DM channel / modal submit sent) → staff-thread post as the fake timestamps it. Gateway DMs go relay → EVENTS queue (max_batch_size 20, max_batch_timeout 0: no wait for a batch to fill) → consumer → the member’s inbox object → the thread.',
          'Rows inserted are measured (every table, before and after); rows updated by the path are per message: the ticket’s last_member_message_at (1), the entry’s thread_message_id (1), and for gateway DMs the lake row’s status (1). D1 also counts index writes in rows_written.',
          'CPU: the whole workerd process (Worker, relay DO, queue, inbox and ticket DOs, D1).',
        ],
      };
    } finally {
      await bot?.dispose().catch(() => undefined);
      await gateway.close().catch(() => undefined);
    }
  },
});
