/**
 * Test support for the drift watch: a guild world with a dangerous role and a mod log, and
 * helpers that feed gateway events to the EVENTS consumer and run the hourly cron.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import type { APIRole } from 'discord-api-types/v10';
import worker from '../../../../workers/bot/index';
import { GuildConfig } from '../../../core/guild-config.repo';
import { getDb } from '../../../db/client';
import { guildWorld, type GuildWorld } from '../../../testing/guild-world';

let seq = 0;

export interface DriftWorld extends GuildWorld {
  modLog: string;
  /** Feeds one gateway event (at least once: the same `sourceId` may be sent again). */
  event(type: string, payload: Record<string, unknown>, sourceId?: string): Promise<void>;
  /** Feeds gateway events as one queue message (a pack, as the relay sends bursts), through `env` (default the world's). */
  pack(events: { type: string; payload: Record<string, unknown>; sourceId?: string }[], env?: Env): Promise<void>;
  /** Runs the hourly trigger (the reconciliation) at `at`. */
  hourly(at?: number): Promise<void>;
  role(name: string): Promise<APIRole>;
}

export async function driftWorld(): Promise<DriftWorld> {
  const w = await guildWorld({ roles: [{ name: 'Bouncers', permissions: ['BanMembers', 'KickMembers'] }, { name: 'Plain' }] });
  const modLog = w.g.channels.other!;
  await new GuildConfig(getDb(w.env), w.g.guildId).setChannel(w.g.ownerId, 'mod_log', modLog);
  return {
    ...w,
    modLog,
    async event(type, payload, sourceId = `${type}:${++seq}`) {
      const body = { type, sourceId, guildId: w.g.guildId, payload: { guild_id: w.g.guildId, ...payload }, receivedAt: Date.now() };
      const batch = createMessageBatch('gatehouse-events', [{ id: `m${++seq}`, timestamp: new Date(), attempts: 1, body }]);
      const ctx = createExecutionContext();
      await worker.queue(batch as never, w.env, ctx);
      const result = await getQueueResult(batch, ctx);
      if (result.retryMessages.length) throw new Error(`event ${type} was retried`);
    },
    async pack(events, env = w.env) {
      const body = { events: events.map((e) => ({ type: e.type, sourceId: e.sourceId ?? `${e.type}:${++seq}`, guildId: w.g.guildId, payload: { guild_id: w.g.guildId, ...e.payload }, receivedAt: Date.now() })) };
      const batch = createMessageBatch('gatehouse-events', [{ id: `m${++seq}`, timestamp: new Date(), attempts: 1, body }]);
      const ctx = createExecutionContext();
      await worker.queue(batch as never, env, ctx);
      const result = await getQueueResult(batch, ctx);
      if (result.retryMessages.length) throw new Error('the pack was retried');
    },
    async hourly(at = Date.now()) {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ cron: '0 * * * *', scheduledTime: at }), w.env, ctx);
      await waitOnExecutionContext(ctx);
    },
    async role(name) {
      return (await w.roles())[name]!;
    },
  };
}

/** A `GUILD_MEMBER_UPDATE` payload for a member with `roles`. */
export function memberUpdate(userId: string, roles: string[]) {
  return { user: { id: userId, username: `u${userId.slice(-4)}`, discriminator: '0', global_name: null, avatar: null }, roles, joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
}

/** A `GUILD_AUDIT_LOG_ENTRY_CREATE` payload: `actorId` added roles to `targetId` now. */
export function memberRoleAudit(entryId: string, actorId: string, targetId: string, added: string[]) {
  return { id: entryId, action_type: 25, user_id: actorId, target_id: targetId, changes: [{ key: '$add', new_value: added.map((id) => ({ id, name: 'role' })) }] };
}
