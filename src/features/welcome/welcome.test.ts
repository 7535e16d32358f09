import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../../workers/bot/index';
import type { QueuedEvent } from '../../core/events';
import { GuildConfig } from '../../core/guild-config.repo';
import { getDb } from '../../db/client';
import { eq } from 'drizzle-orm';
import { gatewayEvents } from '../../core/gateway/schema';
import { fakeDiscord } from '../../testing/harness';

function joinEvent(guildId: string, member: { id: string; bot?: boolean }): QueuedEvent {
  const joinedAt = new Date().toISOString();
  return {
    type: 'GUILD_MEMBER_ADD',
    sourceId: `${guildId}:${member.id}:${joinedAt}`,
    guildId,
    payload: { guild_id: guildId, user: { id: member.id, username: 'x', discriminator: '0', global_name: null, avatar: null, bot: member.bot }, roles: [], joined_at: joinedAt, deaf: false, mute: false, flags: 0 },
  };
}

async function joins(env: Env, guildId: string, member: { id: string; bot?: boolean }, event = joinEvent(guildId, member)) {
  const batch = createMessageBatch<QueuedEvent>('gatehouse-events', [{ id: 'm', timestamp: new Date(), attempts: 1, body: event }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['m']);
}

async function world() {
  const { fake, env } = await fakeDiscord();
  const g = await fake.seedGuild({ channels: [{ name: 'welcome' }] });
  const config = new GuildConfig(getDb(env), g.guildId);
  const posts = () => fake.calls({ method: 'POST', path: `/channels/${g.channels.welcome}/messages` });
  return { fake, env, g, config, posts };
}

describe('welcome: plain welcome message on member join', () => {
  it('posts nothing without a welcome channel, and nothing for bots', async () => {
    const w = await world();
    await joins(w.env, w.g.guildId, { id: await w.fake.addMember(w.g.guildId) });
    await w.config.setChannel(w.g.ownerId, 'welcome', w.g.channels.welcome!);
    await joins(w.env, w.g.guildId, { id: await w.fake.addMember(w.g.guildId, { bot: true }), bot: true });
    expect(await w.posts()).toHaveLength(0);
  });

  it('leaves joins to the gate where the gate is on and set up, and welcomes when the gate is turned off', async () => {
    const w = await world();
    await w.config.setChannel(w.g.ownerId, 'welcome', w.g.channels.welcome!);
    await w.config.setSettings(w.g.ownerId, 'gate', { gateChannelId: w.g.channels.welcome });
    await joins(w.env, w.g.guildId, { id: await w.fake.addMember(w.g.guildId) });
    expect((await w.posts()).filter((c) => String((c.body as { content: string }).content).startsWith('Welcome to the server'))).toHaveLength(0);

    await w.config.setModule(w.g.ownerId, 'gate', false);
    await w.config.setSettings(w.g.ownerId, 'welcome', { message: 'Hi {user}, read the rules.' });
    const newcomer = await w.fake.addMember(w.g.guildId);
    await joins(w.env, w.g.guildId, { id: newcomer });
    const posts = await w.posts();
    expect(posts.at(-1)!.body).toMatchObject({ content: `Hi <@${newcomer}>, read the rules.`, allowed_mentions: { parse: [], users: [newcomer] } });
    await w.fake.assertNoViolations();
  });

  it('posts one welcome when the event is delivered again after its handled record was lost', async () => {
    const w = await world();
    await w.config.setChannel(w.g.ownerId, 'welcome', w.g.channels.welcome!);
    const newcomer = await w.fake.addMember(w.g.guildId);
    const event = joinEvent(w.g.guildId, { id: newcomer });
    await joins(w.env, w.g.guildId, { id: newcomer }, event);
    // The effect happened but its record did not (the isolate died, or the write failed):
    // the event lake row is back to pending with no handler recorded, and the queue redelivers.
    await getDb(w.env).update(gatewayEvents).set({ status: 'pending', handled: [], leaseUntil: 0 }).where(eq(gatewayEvents.sourceId, event.sourceId));
    await joins(w.env, w.g.guildId, { id: newcomer }, event);
    expect(await w.posts()).toHaveLength(2);
    expect((await w.fake.messages(w.g.channels.welcome!)).filter((m) => m.content.includes(`<@${newcomer}>`))).toHaveLength(1);
    expect((await w.posts())[0]!.body).toMatchObject({ nonce: expect.stringMatching(/^[0-9a-f]{24}$/), enforce_nonce: true });
    await w.fake.assertNoViolations();
  });

  it('is off where the welcome module is disabled', async () => {
    const w = await world();
    await w.config.setChannel(w.g.ownerId, 'welcome', w.g.channels.welcome!);
    await w.config.setModule(w.g.ownerId, 'welcome', false);
    await joins(w.env, w.g.guildId, { id: await w.fake.addMember(w.g.guildId) });
    expect(await w.posts()).toHaveLength(0);
  });
});
