/**
 * Issue 17 (API keys): what the key check costs per API request. The same two routes are read
 * with a dashboard session (`/api/guilds/…`: session row, access facts, role mapping) and with
 * an API key (`/api/v1/guilds/…`: key row by hash, origin check, the key's quota Durable
 * Object, guild facts, scope), one request at a time after a warm-up, the two kinds
 * interleaved so drift on the shared machine hits both alike; p50/p95 are wall times from Node.
 * Two refusals isolate the key path without a handler: an unknown key (the hash lookup alone)
 * and a missing scope (lookup + quota + guild, then 403).
 */
import { drizzle } from 'drizzle-orm/d1';
import { newSecret } from '../../src/core/api/keys';
import { apiKeys } from '../../src/core/api/schema';
import { createSession, SESSION_COOKIE } from '../../src/core/api/session';
import type { Db } from '../../src/db/client';
import { FakeDiscord } from '../../src/testing/fake-discord/client';
import { f, med, pct } from '../lib/gate-bench-kit';
import { defineScenario, type CustomResult } from '../scenario';
import { webOrigin } from '../lib/web';

async function once(url: string, headers: Record<string, string>, expect: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== expect) throw new Error(`${url}: ${res.status}, expected ${expect}`);
  return performance.now() - t0;
}

export default defineScenario({
  name: 'api keys',
  description: 'key check overhead per API request: the same routes with a session and with an API key',
  async run(ctx): Promise<CustomResult> {
    const db = drizzle(ctx.bot.db as never) as unknown as Db;
    const fake = await FakeDiscord.attach(ctx.fakeDiscordUrl, 'default');
    const g = await fake.seedGuild({ name: 'Bench Keys', roles: [{ name: 'Member' }], channels: [{ name: 'review' }] });
    const { id } = await createSession(db, { user: { id: g.ownerId, username: 'owner', avatar: null }, guilds: null, tokenEnc: null });
    const cookie = { cookie: `${SESSION_COOKIE}=${id}` };
    const made = await newSecret();
    const now = Date.now();
    await db.insert(apiKeys).values({
      id: made.id,
      guildId: g.guildId,
      name: 'bench',
      prefix: made.prefix,
      hash: made.hash,
      scopes: ['guild:read', 'applications:read'],
      origins: [],
      tier: 'high',
      createdBy: g.ownerId,
      createdAt: now,
      expiresAt: null,
      revokedAt: null,
      revokedBy: null,
      rotatedTo: null,
      rotatedFrom: null,
    });
    const bearer = { authorization: `Bearer ${made.secret}` };
    const unknown = { authorization: `Bearer gh_live_${'0'.repeat(64)}` };
    const origin = webOrigin(ctx);
    const dash = (p: string) => `${origin}/api/guilds/${g.guildId}${p}`;
    const v1 = (p: string) => `${origin}/api/v1/guilds/${g.guildId}${p}`;
    // The 'high' tier allows 1,200 a minute; stay under it (every key request counts).
    const times = ctx.options.rounds < 2 ? 60 : 200;
    const cases = [
      { name: 'GET /summary', path: '/summary' },
      { name: 'GET /applications?status=open', path: '/applications?status=open&limit=25' },
    ];
    const rows: Record<string, string | number>[] = [];
    for (const c of cases) {
      for (let i = 0; i < 10; i++) {
        await once(dash(c.path), cookie, 200);
        await once(v1(c.path), bearer, 200);
      }
      const session: number[] = [];
      const key: number[] = [];
      for (let i = 0; i < times; i++) {
        if (i % 2 === 0) {
          session.push(await once(dash(c.path), cookie, 200));
          key.push(await once(v1(c.path), bearer, 200));
        } else {
          key.push(await once(v1(c.path), bearer, 200));
          session.push(await once(dash(c.path), cookie, 200));
        }
      }
      rows.push({ request: `${c.name} (session cookie)`, n: session.length, 'p50 ms': f(med(session), 2), 'p95 ms': f(pct(session, 95), 2), 'Δp50 vs session': '' });
      rows.push({ request: `${c.name} (API key)`, n: key.length, 'p50 ms': f(med(key), 2), 'p95 ms': f(pct(key, 95), 2), 'Δp50 vs session': `${med(key) - med(session) >= 0 ? '+' : ''}${f(med(key) - med(session), 2)}` });
    }
    const lookup: number[] = [];
    const scoped: number[] = [];
    for (let i = 0; i < Math.min(times, 100); i++) {
      lookup.push(await once(v1('/summary'), unknown, 401));
      scoped.push(await once(v1('/moderation/cases'), bearer, 403));
    }
    rows.push({ request: 'unknown key → 401 (hash + one D1 lookup)', n: lookup.length, 'p50 ms': f(med(lookup), 2), 'p95 ms': f(pct(lookup, 95), 2), 'Δp50 vs session': '' });
    rows.push({ request: 'missing scope → 403 (lookup + quota DO + guild)', n: scoped.length, 'p50 ms': f(med(scoped), 2), 'p95 ms': f(pct(scoped, 95), 2), 'Δp50 vs session': '' });
    const load = await import('node:os').then((os) => os.loadavg().map((l) => l.toFixed(1)).join(' / '));
    return {
      kind: 'custom',
      name: 'API keys: key check overhead per request (session vs key, same routes and handlers)',
      rows,
      notes: [
        `Load average (1/5/15 min) at the end: ${load}. Wall time from Node over loopback, one request at a time, session and key requests interleaved.`,
        'A key request reads the key row by its hash (D1, unique index), counts one request on the key’s ApiKeyQuota Durable Object (one RPC), reads the guild facts (cached per isolate for 60 s) and checks the scope; a session request reads the session row, the access facts (cached) and the role mapping.',
      ],
    };
  },
});
