/**
 * The bot Worker's side of avatar scanning: `/scan user` and the member-join event queue
 * scan requests on SCANS (the model runs in the scanner Worker, tested in the `scanner`
 * project). SCANS is a recording stand-in for the Queue binding.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { ApplicationCommandOptionType, InteractionResponseType, MessageFlags, type APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuildConfig } from '../../core/guild-config.repo';
import { getDb } from '../../db/client';
import { fakeDiscord, send } from '../../testing/harness';
import { option, slashCommand, subcommand, user as makeUser } from '../../testing/interactions';
import type { FakeDiscord } from '../../testing/fake-discord/client';
import worker from '../../../workers/bot/index';
import { AVATAR_SCAN_SETTINGS_KEY, avatarScanSettings } from './risk';
import { AVATAR_SCAN_MODULE } from './module';
import { GuildScanReplies } from './scan-replies.repo';
import { AvatarScans } from './avatar-scans.repo';
import { MODEL_VERSION } from './model';

const ADMIN = '8';
const AVATAR = 'a_0123456789abcdef0123456789abcdef';

let fake: FakeDiscord;
let env: Env;
let sent: unknown[];
let guildId: string;

beforeEach(async () => {
  sent = [];
  const SCANS = {
    send: async (body: unknown) => void sent.push(body),
    sendBatch: async (messages: Iterable<{ body: unknown }>) => void [...messages].forEach((m) => sent.push(m.body)),
  } as unknown as Queue;
  ({ fake, env } = await fakeDiscord({ SCANS }));
  ({ guildId } = await fake.seedGuild({ channels: [{ name: 'review' }] }));
});

afterEach(async () => {
  await fake.assertNoViolations();
});

function scanUser(target: ReturnType<typeof makeUser>, permissions = ADMIN) {
  return slashCommand('scan', {
    guildId,
    permissions,
    options: [subcommand('user', [option('user', ApplicationCommandOptionType.User, target.id)])],
    resolved: { users: { [target.id]: target } },
  });
}

describe('/scan user', () => {
  it('defers ephemerally and queues a forced scan whose reply token stays out of the queue', async () => {
    const target = makeUser({ avatar: AVATAR });
    const interaction = scanUser(target);
    const res = await send(interaction, env);
    expect(res.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect((res.body as { data?: { flags?: number } }).data?.flags).toBe(MessageFlags.Ephemeral);
    expect(sent).toEqual([{ guildId, userId: target.id, avatarHash: AVATAR, force: true, replyId: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    // A queue body can end in the dead-letter queue: it must not hold the token.
    expect(JSON.stringify(sent)).not.toContain(res.token!);
    const { replyId } = sent[0] as { replyId: string };
    expect(await new GuildScanReplies(getDb(env), guildId).token(replyId)).toBe(res.token);
  });

  it('answers at once for a default avatar and queues nothing', async () => {
    const target = makeUser({ avatar: null });
    const res = await send(scanUser(target), env);
    expect(res.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect((res.body as { data: APIInteractionResponseCallbackData }).data.content).toContain('default avatar');
    expect(sent).toEqual([]);
  });

  it('is refused to members below reviewer', async () => {
    const res = await send(scanUser(makeUser({ avatar: AVATAR }), '0'), env);
    expect((res.body as { data: APIInteractionResponseCallbackData }).data.flags).toBe(MessageFlags.Ephemeral);
    expect(sent).toEqual([]);
  });
});

describe('/scan threshold', () => {
  it('stores the guild\'s highlight threshold', async () => {
    const res = await send(
      slashCommand('scan', { guildId, permissions: ADMIN, options: [subcommand('threshold', [option('score', ApplicationCommandOptionType.Number, 0.55)])] }),
      env,
    );
    expect((res.body as { data: APIInteractionResponseCallbackData }).data.content).toContain('0.55');
    expect(await new GuildConfig(getDb(env), guildId).settings(AVATAR_SCAN_SETTINGS_KEY, avatarScanSettings)).toEqual({ threshold: 0.55 });
  });
});

describe('scan on member join', () => {
  async function join(avatar: string | null, bot = false) {
    const member = makeUser({ avatar, ...(bot ? { bot: true } : {}) });
    const body = {
      type: 'GUILD_MEMBER_ADD',
      sourceId: `${guildId}:${member.id}:join`,
      guildId,
      payload: { guild_id: guildId, user: member, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
    };
    const batch = createMessageBatch('gatehouse-events', [{ id: `evt-${member.id}`, timestamp: new Date(), attempts: 1, body }]);
    const ctx = createExecutionContext();
    await worker.queue(batch as never, env, ctx);
    const result = await getQueueResult(batch, ctx);
    return { member, result };
  }

  it('queues a scan of the newcomer\'s avatar', async () => {
    const { member } = await join(AVATAR);
    expect(sent).toContainEqual({ guildId, userId: member.id, avatarHash: AVATAR });
  });

  it('skips default avatars and bots', async () => {
    await join(null);
    await join(AVATAR, true);
    expect(sent).toEqual([]);
  });

  it('queues nothing when the guild turned scanning off', async () => {
    await new GuildConfig(getDb(env), guildId).setModule('1', AVATAR_SCAN_MODULE, false);
    await join(AVATAR);
    expect(sent).toEqual([]);
  });
});

describe('scan on avatar change', () => {
  async function update(avatar: string | null, userId?: string) {
    const member = makeUser({ avatar, ...(userId ? { id: userId } : {}) });
    const body = {
      type: 'GUILD_MEMBER_UPDATE',
      sourceId: `${guildId}:${member.id}:update:${avatar}`,
      guildId,
      payload: { guild_id: guildId, user: member, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
    };
    const batch = createMessageBatch('gatehouse-events', [{ id: `upd-${member.id}-${avatar}`, timestamp: new Date(), attempts: 1, body }]);
    const ctx = createExecutionContext();
    await worker.queue(batch as never, env, ctx);
    return { member, result: await getQueueResult(batch, ctx) };
  }

  it('queues a scan of a new avatar, and none for a picture already scanned by this model or a default avatar', async () => {
    const { member, result } = await update(AVATAR);
    expect(result.explicitAcks).toHaveLength(1);
    expect(sent).toEqual([{ guildId, userId: member.id, avatarHash: AVATAR }]);
    // The scanner stored a result for that picture: a role change that carries it again queues nothing.
    await new AvatarScans(getDb(env)).record({ avatarHash: AVATAR, userId: member.id, status: 'ok', probabilities: null, risk: 0.1, modelVersion: MODEL_VERSION, error: null });
    await update(AVATAR, member.id);
    await update(null, member.id);
    expect(sent).toHaveLength(1);
  });
});

