/**
 * Event routing by scope: the consumer picks handlers by (type, scope) before the per-event
 * path, so a DM handler on MESSAGE_CREATE never pulls guild messages off the batched path,
 * and `ctx.config` is absent (not throwing) outside a guild.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../db/client';
import { testEnv } from '../testing/harness';
import { snowflake } from '../testing/snowflake';
import { defineEvent, defineFeature, type EventScope } from './define';
import { consumeEvents, type QueuedEvent } from './events';
import { gatewayEvents } from './gateway/schema';
import { Registry } from './registry';

async function deliver(registry: Registry, env: Env, events: QueuedEvent[]) {
  const batch = createMessageBatch<QueuedEvent>(
    'gatehouse-events',
    events.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await consumeEvents(registry, batch, env, ctx);
  return getQueueResult(batch, ctx);
}

function messageEvent(guildId: string | null): QueuedEvent {
  const id = snowflake();
  const payload = { id, channel_id: snowflake(), ...(guildId ? { guild_id: guildId } : {}), content: 'hello', author: { id: snowflake() }, attachments: [], mentions: [], mention_roles: [] };
  return { type: 'MESSAGE_CREATE', sourceId: id, guildId, payload };
}

interface Seen {
  handler: string;
  sourceId: string;
  guildId: string | null;
  hasConfig: boolean;
}

/** A feature with one MESSAGE_CREATE handler per scope given, each recording what it saw. */
function probe(seen: Seen[], scopes: (EventScope | undefined)[]): Registry {
  return new Registry([
    defineFeature({
      name: 'probe',
      description: 'probe',
      events: scopes.map((scope) =>
        defineEvent({
          name: scope ?? 'default',
          type: 'MESSAGE_CREATE',
          ...(scope ? { scope } : {}),
          handler: async (ctx) => void seen.push({ handler: scope ?? 'default', sourceId: ctx.sourceId, guildId: ctx.guildId, hasConfig: ctx.config !== undefined }),
        }),
      ),
    }),
  ]);
}

async function lakeRows(env: Env, ids: string[]) {
  const rows = await getDb(env).select().from(gatewayEvents).where(inArray(gatewayEvents.sourceId, ids));
  return new Map(rows.map((r) => [r.sourceId, r]));
}

describe('event routing by scope', () => {
  it('a DM-scoped handler gets the DM, not the guild message, which is only recorded (batched path)', async () => {
    const seen: Seen[] = [];
    const env = testEnv();
    const dm = messageEvent(null);
    const guild = messageEvent(snowflake());
    const result = await deliver(probe(seen, ['dm']), env, [dm, guild]);

    expect(result.explicitAcks.sort()).toEqual(['m0', 'm1']);
    expect(seen).toEqual([{ handler: 'dm', sourceId: dm.sourceId, guildId: null, hasConfig: false }]);
    const rows = await lakeRows(env, [dm.sourceId, guild.sourceId]);
    // The DM was claimed and handled (one attempt); the guild message was recorded done in the
    // batch of unhandled events, never claimed (no attempt, no handler).
    expect(rows.get(dm.sourceId)).toMatchObject({ status: 'done', attempts: 1, handled: ['probe.dm'] });
    expect(rows.get(guild.sourceId)).toMatchObject({ status: 'done', attempts: 0, handled: [], guildId: guild.guildId });
  });

  it('guild-scoped handlers (the default) never see DMs; `any` sees both, with no config outside a guild', async () => {
    const seen: Seen[] = [];
    const env = testEnv();
    const dm = messageEvent(null);
    const guild = messageEvent(snowflake());
    await deliver(probe(seen, [undefined, 'guild', 'any']), env, [dm, guild]);

    const by = (sourceId: string) => seen.filter((s) => s.sourceId === sourceId).map((s) => s.handler).sort();
    expect(by(dm.sourceId)).toEqual(['any']);
    expect(by(guild.sourceId)).toEqual(['any', 'default', 'guild']);
    expect(seen.find((s) => s.sourceId === dm.sourceId)).toMatchObject({ guildId: null, hasConfig: false });
    expect(seen.filter((s) => s.sourceId === guild.sourceId).every((s) => s.guildId === guild.guildId && s.hasConfig)).toBe(true);
    const rows = await lakeRows(env, [dm.sourceId]);
    expect(rows.get(dm.sourceId)).toMatchObject({ status: 'done', handled: ['probe.any'] });
  });

  it('the registry refuses an unknown scope', () => {
    const bad = defineEvent({ name: 'x', type: 'MESSAGE_CREATE', scope: 'channel' as EventScope, handler: async () => {} });
    expect(() => new Registry([defineFeature({ name: 'probe', description: 'probe', events: [bad] })])).toThrow(/scope "channel"/);
  });
});
