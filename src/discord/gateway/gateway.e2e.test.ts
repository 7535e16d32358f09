/**
 * End to end: fake gateway → relay Durable Object → EVENTS queue → consumer (the Worker's own
 * queue handler, delivered by the runtime) → features → fake Discord REST.
 *
 * The runtime delivers queue batches to the Worker with its base environment, whose
 * DISCORD_API_BASE is the fake Discord's `default` session: this file works in that session.
 */
import { env } from 'cloudflare:test';
import { GatewayOpcodes } from 'discord-api-types/v10';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { GuildConfig } from '../../core/guild-config.repo';
import { getDb } from '../../db/client';
import { FakeDiscord } from '../../testing/fake-discord/client';
import { FakeGateway } from '../../testing/fake-gateway/client';
import { fetchWorker, send, testEnv } from '../../testing/harness';
import { slashCommand, subcommand, user } from '../../testing/interactions';
import { gatewayEvents } from '../../core/gateway/schema';

const relay = () => env.GATEWAY.get(env.GATEWAY.idFromName('shard-0-of-1'));

afterAll(async () => {
  await relay().stop('test over');
});

function join(guildId: string, userId: string, username: string) {
  return {
    guild_id: guildId,
    user: { id: userId, username, discriminator: '0', global_name: null, avatar: null },
    roles: [],
    joined_at: new Date().toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
  };
}

describe('gateway pipeline end to end', () => {
  it('/gateway start connects; a member join grants the gate role or posts the plain welcome, once', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const fake = await FakeDiscord.attach(env.TEST_FAKE_DISCORD_URL);
    const gw = await FakeGateway.create(env.TEST_FAKE_GATEWAY_URL, { heartbeatIntervalMs: 30_000, missedHeartbeatFactor: 0 });
    await fake.setGatewayUrl(gw.url, 1);

    // A gated server (unverified role configured) and a plain one (welcome channel only).
    const gated = await fake.seedGuild({ roles: [{ name: 'Unverified' }], channels: [{ name: 'welcome' }] });
    const plain = await fake.seedGuild({ channels: [{ name: 'welcome' }] });
    const db = getDb(env);
    await new GuildConfig(db, gated.guildId).setSettings(gated.ownerId, 'gate', { unverifiedRoleId: gated.roles.Unverified });
    await new GuildConfig(db, gated.guildId).setChannel(gated.ownerId, 'welcome', gated.channels.welcome!);
    await new GuildConfig(db, plain.guildId).setChannel(plain.ownerId, 'welcome', plain.channels.welcome!);

    // The relay is bot-wide: an operator (BOT_OWNER_IDS) starts it, with no standing in the guild.
    const operator = user();
    const HEALTH_TOKEN = 'e2e-health-token-0123456789';
    const opEnv = testEnv({ BOT_OWNER_IDS: operator.id, HEALTH_TOKEN });
    const started = await send(slashCommand('gateway', { guildId: plain.guildId, user: operator, options: [subcommand('start')] }), opEnv);
    expect(started.status).toBe(200);
    await gw.waitFor((l) => l.session?.live === true, { what: 'READY' });
    expect((await gw.received(GatewayOpcodes.Identify))[0]!.d).toMatchObject({ token: env.DISCORD_BOT_TOKEN, shard: [0, 1], intents: 38535 });

    const gatedUser = await fake.addMember(gated.guildId, { username: 'gated' });
    const plainUser = await fake.addMember(plain.guildId, { username: 'plain' });
    const gatedJoin = join(gated.guildId, gatedUser, 'gated');
    const plainJoin = join(plain.guildId, plainUser, 'plain');
    await gw.dispatch('GUILD_MEMBER_ADD', gatedJoin);
    // A dropped connection in the middle: the relay resumes; nothing is lost or doubled.
    await gw.drop();
    await gw.dispatch('GUILD_MEMBER_ADD', plainJoin);

    const grants = await fake.waitForCall({ method: 'PUT', route: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', path: `/guilds/${gated.guildId}/members/${gatedUser}/roles/${gated.roles.Unverified}` }, { timeoutMs: 8000 });
    expect(grants).toHaveLength(1);
    const welcomes = await fake.waitForCall({ method: 'POST', path: `/channels/${plain.channels.welcome}/messages` }, { timeoutMs: 8000 });
    expect(welcomes[0]!.body).toMatchObject({ content: `Welcome to the server, <@${plainUser}>!`, allowed_mentions: { parse: [], users: [plainUser] } });

    // Settle, then count: one grant, one welcome, no plain welcome where the gate runs.
    const sourceIds = [`${gated.guildId}:${gatedUser}:${gatedJoin.joined_at}`, `${plain.guildId}:${plainUser}:${plainJoin.joined_at}`];
    for (const sourceId of sourceIds) {
      await expect.poll(async () => (await db.select({ status: gatewayEvents.status }).from(gatewayEvents).where(eq(gatewayEvents.sourceId, sourceId)))[0]?.status, { timeout: 5000 }).toBe('done');
    }
    expect(await fake.calls({ method: 'PUT', path: `/guilds/${gated.guildId}/members/${gatedUser}/roles/${gated.roles.Unverified}` })).toHaveLength(1);
    expect(await fake.calls({ method: 'POST', path: `/channels/${plain.channels.welcome}/messages` })).toHaveLength(1);
    expect(await fake.calls({ method: 'POST', path: `/channels/${gated.channels.welcome}/messages` })).toHaveLength(0);
    expect((await gw.received(GatewayOpcodes.Resume)).length).toBe(1);

    // Status: the command and /health/detail.
    const status = await send(slashCommand('gateway', { guildId: plain.guildId, user: operator, options: [subcommand('status')] }), opEnv);
    const embed = (status.body as { data?: { embeds?: { title: string; description: string }[] } }).data?.embeds?.[0];
    expect(embed?.title).toBe('Gateway relay: running');
    expect(embed?.description).toMatch(/shard 0\/1\*\*: connected/);
    expect(embed?.description).toMatch(/events forwarded 2 in [12] queue messages?/);
    const detail = new Request('https://gatehouse.test/health/detail', { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } });
    const health = (await (await fetchWorker(detail, opEnv)).json()) as {
      ok: boolean;
      gateway: { ok: boolean; started: boolean; shards: { connected: boolean; lastClose: { code: number } }[] };
    };
    expect(health).toMatchObject({ ok: true, gateway: { ok: true, started: true, shards: [{ connected: true, lastClose: { code: 1006 } }] } });
    await gw.dispose();
  }, 30_000);
});
