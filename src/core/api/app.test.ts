/**
 * The route vocabulary end to end, on an API app built from a test feature: validation (422
 * with field errors), access per route, UserError / ApiError / bug answers, response
 * stripping, and writes re-checking access with fresh facts.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createDiscord } from '../../discord';
import { dashboardWorld, DASHBOARD_ORIGIN, type DashboardWorld } from '../../testing/dashboard';
import { defineFeature } from '../define';
import { UserError } from '../errors';
import { Registry } from '../registry';
import { createApiApp } from './app';
import { defineApiRoute, defineFeatureApi } from './define';
import { ApiError } from './errors';

const echo = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/things/{thingId}',
  access: 'moderator',
  summary: 'Echo a thing',
  request: {
    params: z.object({ thingId: z.coerce.number().int().positive() }),
    query: z.object({ mode: z.enum(['ok', 'user', 'missing', 'bug', 'leak']).default('ok') }),
    body: z.object({ name: z.string().min(1).max(10), tags: z.array(z.string().max(3)).max(2) }),
  },
  response: z.object({ id: z.number(), name: z.string(), by: z.string(), level: z.string() }),
  status: 201,
  handler: async (ctx, { params, query, body }) => {
    if (query.mode === 'user') throw new UserError('already_done', 'That thing is done already.');
    if (query.mode === 'missing') throw new ApiError(404, 'not_found', `There is no thing ${params.thingId}.`);
    if (query.mode === 'bug') throw new Error('secret internals at /srv/x.ts:12');
    const out = { id: params.thingId, name: body.name, by: ctx.user.id, level: ctx.access.level };
    return query.mode === 'leak' ? { ...out, token: 'should not leave' } : out;
  },
});
const settings = defineApiRoute({
  method: 'put',
  path: '/guilds/{guildId}/settings',
  access: 'manager',
  summary: 'Managers only',
  response: z.object({ ok: z.boolean() }),
  handler: async () => ({ ok: true }),
});

const testing = defineFeature({ name: 'testing', description: 'Test routes' });
const app = createApiApp({ registry: new Registry([testing], [defineFeatureApi(testing, [echo, settings])]), version: 'test' });

let w: DashboardWorld;
beforeAll(async () => {
  w = await dashboardWorld();
});

async function call(method: string, path: string, cookie: string | null, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { origin: DASHBOARD_ORIGIN, 'content-type': 'application/json' };
  if (cookie) headers.cookie = cookie;
  const ctx = createExecutionContext();
  const res = await app.request(`${DASHBOARD_ORIGIN}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }, w.env, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: await res.json() };
}

const thing = (q = '') => `/guilds/${w.g.guildId}/things/7${q}`;

describe('defineApiRoute', () => {
  it('runs the handler with validated, typed input and the caller', async () => {
    const res = await call('POST', thing(), await w.as('moderator'), { name: 'box', tags: ['a'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 7, name: 'box', by: w.ids.moderator, level: 'moderator' });
  });

  it('answers a bad body, query or param with 422 and a message per field', async () => {
    const cookie = await w.as('moderator');
    const res = await call('POST', `/guilds/${w.g.guildId}/things/0?mode=nope`, cookie, { name: '', tags: ['abcd', 'b', 'c'] });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('invalid');
    expect(Object.keys(res.body.fields)).toEqual(expect.arrayContaining(['name', 'params.thingId', 'query.mode']));
    expect(Object.keys(res.body.fields).some((key) => key.startsWith('tags'))).toBe(true);
    const notJson = await call('POST', thing(), cookie, undefined);
    expect(notJson.status).toBe(422);
  });

  it('checks the route’s access before validating: a reviewer learns nothing from a 422', async () => {
    const res = await call('POST', thing(), await w.as('reviewer'), { bad: true });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('level_too_low');
    expect((await call('PUT', `/guilds/${w.g.guildId}/settings`, await w.as('moderator'))).status).toBe(403);
    expect((await call('PUT', `/guilds/${w.g.guildId}/settings`, await w.as('manager'))).status).toBe(200);
  });

  it('answers a UserError 400, an ApiError with its status, and a bug 500 with a ref and no internals', async () => {
    const cookie = await w.as('moderator');
    const body = { name: 'box', tags: [] };
    expect(await call('POST', thing('?mode=user'), cookie, body)).toEqual({ status: 400, body: { error: 'already_done', message: 'That thing is done already.' } });
    expect((await call('POST', thing('?mode=missing'), cookie, body)).status).toBe(404);
    const bug = await call('POST', thing('?mode=bug'), cookie, body);
    expect(bug.status).toBe(500);
    expect(bug.body).toEqual({ error: 'internal', message: `Something went wrong (ref ${bug.body.ref}).`, ref: expect.stringMatching(/^[0-9A-F]{8}$/) });
    expect(JSON.stringify(bug.body)).not.toContain('secret');
  });

  it('strips what the response schema does not name', async () => {
    const res = await call('POST', thing('?mode=leak'), await w.as('moderator'), { name: 'box', tags: [] });
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('token');
  });

  it('re-checks access on every write with fresh facts (a read may use facts up to 60 s old)', async () => {
    const cookie = await w.as('manager');
    expect((await call('PUT', `/guilds/${w.g.guildId}/settings`, cookie)).status).toBe(200);
    await createDiscord(w.env).members.removeRole(w.g.guildId, w.ids.manager, w.g.roles.Managers!);
    expect((await call('PUT', `/guilds/${w.g.guildId}/settings`, cookie)).status).toBe(403);
  });

  it('refuses a path outside /guilds/{guildId}/ and an undeclared path parameter', () => {
    const base = { method: 'get' as const, access: 'helper' as const, summary: 'x', response: z.object({}), handler: async () => ({}) };
    expect(() => defineApiRoute({ ...base, path: '/guilds/{guildId}/../x' as '/guilds/{guildId}/x' })).toThrow(/must look like/);
    expect(() => defineApiRoute({ ...base, path: '/guilds/{guildId}/cases/{caseId}' })).toThrow(/does not declare "caseId"/);
    const a = defineFeature({ name: 'a', description: 'a' });
    const b = defineFeature({ name: 'b', description: 'b' });
    expect(() => new Registry([a, b], [defineFeatureApi(a, [settings]), defineFeatureApi(b, [settings])])).toThrow(/duplicate API route/);
    expect(() => new Registry([a], [defineFeatureApi(b, [settings])])).toThrow(/not in the feature list/);
  });
});
