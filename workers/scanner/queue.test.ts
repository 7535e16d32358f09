/**
 * The scanner Worker's queue consumer, end to end in workerd: real model, real WASM,
 * avatars from the local fixture CDN, D1 for results, the fake Discord for the review card,
 * the reviewer alert and the `/scan user` reply.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GuildConfig } from '../../src/core/guild-config.repo';
import { getDb } from '../../src/db/client';
import { createDiscord } from '../../src/discord';
import { AvatarScans } from '../../src/features/avatar-scan/avatar-scans.repo';
import { GuildScanReplies } from '../../src/features/avatar-scan/scan-replies.repo';
import { MODEL_CLASSES, MODEL_VERSION } from '../../src/features/avatar-scan/model';
import { AVATAR_SCAN_MODULE } from '../../src/features/avatar-scan/module';
import { riskScore } from '../../src/features/avatar-scan/risk';
import type { ScanRequest } from '../../src/features/avatar-scan/scan-request';
import type { ScannerEnv } from '../../src/features/avatar-scan/scan-queue.service';
import { fixtureHash, GARBAGE_HASH, MISSING_HASH, UNAVAILABLE_HASH } from '../../src/features/avatar-scan/testing/cdn-fixtures';
import type { FakeDiscord } from '../../src/testing/fake-discord/client';
import worker from './index';

let fake: FakeDiscord;
let scannerEnv: ScannerEnv;
let guildId: string;
let reviewChannelId: string;
let seq = 0;
const db = () => getDb(env);

beforeAll(async () => {
  const { FakeDiscord } = await import('../../src/testing/fake-discord/client');
  fake = await FakeDiscord.create(env.TEST_FAKE_DISCORD_URL);
  const seeded = await fake.seedGuild({ channels: [{ name: 'review' }] });
  guildId = seeded.guildId;
  reviewChannelId = seeded.channels.review!;
  scannerEnv = { ...(env as unknown as ScannerEnv), DISCORD_API_BASE: fake.apiBase, DISCORD_APPLICATION_ID: fake.applicationId };
});

afterEach(async () => {
  await fake.assertNoViolations();
});

const userId = () => `2${String(1_000_000_000_000_000 + ++seq)}`;
const hits = async (hash: string) => (await (await fetch(`${env.TEST_CDN_URL}/__hits/${hash}`)).json()) as number;

/** Delivers one message to the scanner Worker; returns the ack/retry outcome. */
async function deliver(body: ScanRequest | unknown, attempts = 1) {
  const id = `msg-${++seq}`;
  const batch = createMessageBatch('gatehouse-scans', [{ id, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, scannerEnv, ctx);
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks.includes(id), retry: result.retryMessages.find((m: { msgId: string }) => m.msgId === id) };
}

describe('scanner queue consumer', () => {
  it('scans a fixture avatar, stores probabilities matching onnxruntime-node, and acks', async () => {
    const hash = fixtureHash('blobs');
    const outcome = await deliver({ guildId, userId: userId(), avatarHash: hash });
    expect(outcome).toEqual({ acked: true, retry: undefined });
    const row = await new AvatarScans(db()).get(hash);
    expect(row).toMatchObject({ status: 'ok', modelVersion: MODEL_VERSION, error: null });
    const reference = env.TEST_REFERENCE_PROBABILITIES[hash]!;
    MODEL_CLASSES.forEach((name, i) => expect(Math.abs(row!.probabilities![name] - reference[i]!)).toBeLessThan(1e-4));
    expect(row!.risk).toBeCloseTo(riskScore(row!.probabilities!), 10);
  });

  it('scans a hash once, whoever wears it, unless forced', async () => {
    const hash = fixtureHash('gradient');
    await deliver({ guildId, userId: userId(), avatarHash: hash });
    const first = await new AvatarScans(db()).get(hash);
    const before = await hits(hash);
    expect(before).toBe(1);
    // Someone else (another guild, another user) wearing the same picture: no new fetch.
    expect(await deliver({ guildId: '3100000000000000001', userId: userId(), avatarHash: hash })).toMatchObject({ acked: true });
    expect(await hits(hash)).toBe(before);
    expect((await new AvatarScans(db()).get(hash))!.scannedAt).toBe(first!.scannedAt);
    // `force` (what /scan user sends) fetches and scans again.
    expect(await deliver({ guildId, userId: userId(), avatarHash: hash, force: true })).toMatchObject({ acked: true });
    expect(await hits(hash)).toBe(before + 1);
  });

  it('records a 404 as not_found and acks', async () => {
    expect(await deliver({ guildId, userId: userId(), avatarHash: MISSING_HASH })).toEqual({ acked: true, retry: undefined });
    expect(await new AvatarScans(db()).get(MISSING_HASH)).toMatchObject({ status: 'not_found', probabilities: null, risk: null, error: 'CDN answered 404' });
  });

  it('records an undecodable image and acks', async () => {
    expect(await deliver({ guildId, userId: userId(), avatarHash: GARBAGE_HASH })).toEqual({ acked: true, retry: undefined });
    expect(await new AvatarScans(db()).get(GARBAGE_HASH)).toMatchObject({ status: 'undecodable', probabilities: null });
  });

  it('retries a transient CDN failure (backoff: core retryDelaySeconds), stores nothing', async () => {
    const first = await deliver({ guildId, userId: userId(), avatarHash: UNAVAILABLE_HASH }, 1);
    expect(first).toEqual({ acked: false, retry: expect.objectContaining({ msgId: expect.any(String) }) });
    const third = await deliver({ guildId, userId: userId(), avatarHash: UNAVAILABLE_HASH }, 3);
    expect(third.retry).toBeDefined();
    expect(await new AvatarScans(db()).get(UNAVAILABLE_HASH)).toBeNull();
  });

  it('on the last delivery records the failure and retries once more, into the dead-letter queue', async () => {
    const last = await deliver({ guildId, userId: userId(), avatarHash: UNAVAILABLE_HASH }, 4);
    expect(last.acked).toBe(false);
    expect(last.retry).toBeDefined(); // max_retries exhausted: Queues moves it to gatehouse-scans-dlq
    expect(await new AvatarScans(db()).get(UNAVAILABLE_HASH)).toMatchObject({ status: 'failed', error: 'the CDN answered 503' });
  });

  it('acks (drops) a malformed message', async () => {
    expect(await deliver({ guildId: 'nope', userId: userId() })).toEqual({ acked: true, retry: undefined });
    expect(await deliver({ guildId, userId: userId(), avatarHash: '../../etc/passwd' })).toEqual({ acked: true, retry: undefined });
  });

  it('does nothing for a guild that turned the module off', async () => {
    const config = new GuildConfig(db(), '3200000000000000001');
    await config.setModule('1', AVATAR_SCAN_MODULE, false);
    const hash = fixtureHash('checker');
    expect(await deliver({ guildId: '3200000000000000001', userId: userId(), avatarHash: hash })).toEqual({ acked: true, retry: undefined });
    expect(await hits(hash)).toBe(0);
  });

  it('answers a deferred /scan user with the probabilities', async () => {
    const interaction = await fake.newInteraction({ guildId });
    const discord = createDiscord(scannerEnv);
    await discord.interactions.callback(interaction.id, interaction.token, { type: 5, data: { flags: 64 } });
    const user = userId();
    // The bot stored the token; the message carries only the reply's id.
    const replyId = await new GuildScanReplies(db(), guildId).save(interaction.token);
    expect(await deliver({ guildId, userId: user, avatarHash: fixtureHash('noise'), force: true, replyId })).toMatchObject({ acked: true });
    const record = await fake.interactionResponses(interaction.token);
    const content = record?.original?.content ?? '';
    expect(content).toContain(`Avatar scan of <@${user}>`);
    expect(content).toMatch(/risk score \d\.\d\d/);
    for (const name of MODEL_CLASSES) expect(content).toMatch(new RegExp(`${name} \\d+\\.\\d%`));
    // Answered: the token is gone from the database too.
    expect(await new GuildScanReplies(db(), guildId).token(replyId)).toBeNull();
  });

  it('acks a /scan user whose interaction token has expired', async () => {
    const rejected = await new GuildScanReplies(db(), guildId).save('expired-token');
    expect(await deliver({ guildId, userId: userId(), avatarHash: fixtureHash('flat'), replyId: rejected })).toMatchObject({ acked: true });
    const stale = await new GuildScanReplies(db(), guildId).save('old-token', Date.now() - 16 * 60_000);
    expect(await deliver({ guildId, userId: userId(), avatarHash: fixtureHash('flat'), replyId: stale })).toMatchObject({ acked: true });
  });

  describe('review card', () => {
    /** An open gate application with a posted card (fixture rows: the gate's table, written the way the gate stores it). */
    async function openApplication(user: string): Promise<{ id: number; cardMessageId: string }> {
      const card = await createDiscord(scannerEnv).channels.createMessage(reviewChannelId, { content: `Application of <@${user}>` });
      const row = await env.DB.prepare(
        `INSERT INTO gate_applications (guild_id, user_id, user_tag, status, answers, account_created_at, young_account, submitted_at, card_channel_id, card_message_id)
         VALUES (?, ?, 'applicant', 'pending', '[]', ?, 0, ?, ?, ?) RETURNING id`,
      )
        .bind(guildId, user, Date.now() - 86_400_000, Date.now(), reviewChannelId, card.id)
        .first<{ id: number }>();
      return { id: row!.id, cardMessageId: card.id };
    }
    const avatarRiskField = async (messageId: string) => {
      const message = (await fake.messages(reviewChannelId)).find((m) => m.id === messageId);
      return message?.embeds?.[0]?.fields?.find((f) => f.name === 'Avatar risk')?.value;
    };

    it('puts the verdict on the open application\'s card', async () => {
      const user = userId();
      const app = await openApplication(user);
      expect(await deliver({ guildId, userId: user, avatarHash: fixtureHash('blobs'), applicationId: String(app.id) })).toMatchObject({ acked: true });
      const field = await avatarRiskField(app.cardMessageId);
      expect(field).toMatch(/^\*\*Low risk \(top: \w+\)\*\* \(score \d\.\d\d\)/);
      expect(field).toContain('neutral');
    });

    it('marks a default avatar as no risk without scanning', async () => {
      const user = userId();
      const app = await openApplication(user);
      expect(await deliver({ guildId, userId: user, avatarHash: null, applicationId: String(app.id) })).toMatchObject({ acked: true });
      expect(await avatarRiskField(app.cardMessageId)).toContain('**No custom avatar** (score 0.00)');
    });

    it('above the guild\'s threshold highlights the card and alerts the review channel', async () => {
      const config = new GuildConfig(db(), guildId);
      await config.setChannel('1', 'review', reviewChannelId);
      await config.setSettings('1', 'avatar_scan', { threshold: 0 });
      const user = userId();
      const app = await openApplication(user);
      await fake.clearCalls();
      expect(await deliver({ guildId, userId: user, avatarHash: fixtureHash('blobs'), applicationId: String(app.id) })).toMatchObject({ acked: true });
      expect(await avatarRiskField(app.cardMessageId)).toMatch(/^⚠️ \*\*High risk/);
      const alerts = await fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' });
      expect(alerts).toHaveLength(1);
      expect((alerts[0]!.body as { content: string }).content).toContain(`Application #${app.id}: <@${user}>'s avatar scored`);
      await config.setSettings('1', 'avatar_scan', { threshold: 0.7 });
    });
  });
});
