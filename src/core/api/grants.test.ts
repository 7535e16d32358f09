import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { getDb } from '../../db/client';
import { api, dashboardWorld, DASHBOARD_ORIGIN, type DashboardWorld } from '../../testing/dashboard';
import { defineFeature } from '../define';
import { Registry } from '../registry';
import { auditLog } from '../schema';
import { createApiApp } from './app';
import { defineApiRoute, defineFeatureApi } from './define';

const reviewerWrite = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/reviewer-write',
  access: 'reviewer',
  summary: 'A reviewer-level write',
  response: z.object({ ok: z.boolean() }),
  handler: async () => ({ ok: true }),
});
const testing = defineFeature({ name: 'testing', description: 'x' });
const writeApp = createApiApp({ registry: new Registry([testing], [defineFeatureApi(testing, [reviewerWrite])]), version: 'test' });

let w: DashboardWorld;
beforeAll(async () => {
  w = await dashboardWorld();
});
afterEach(() => vi.useRealTimers());

async function write(cookie: string): Promise<number> {
  const ctx = createExecutionContext();
  const res = await writeApp.request(`${DASHBOARD_ORIGIN}/guilds/${w.g.guildId}/reviewer-write`, { method: 'POST', headers: { cookie, origin: DASHBOARD_ORIGIN } }, w.env, ctx);
  await waitOnExecutionContext(ctx);
  return res.status;
}

const grantPath = () => `/api/guilds/${w.g.guildId}/access-grants/user/${w.ids.member}`;

describe('delegated access', () => {
  it('lets a manager grant a member a read-only level until a date, audited; it ends at expiry or removal', async () => {
    const owner = await w.as('owner');
    const member = await w.as('member');
    expect((await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/summary`, { cookie: member })).status).toBe(403);

    const expiresAt = new Date(Date.now() + 24 * 3600_000).toISOString();
    const put = await api(w.env, 'PUT', grantPath(), { cookie: owner, body: { level: 'reviewer', expiresAt } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ subjectKind: 'user', subjectId: w.ids.member, level: 'reviewer', write: false, grantedBy: w.ids.owner });
    const [audit] = await getDb(w.env).select().from(auditLog).where(and(eq(auditLog.guildId, w.g.guildId), eq(auditLog.action, `dashboard_grant.user.${w.ids.member}`)));
    expect(audit).toMatchObject({ actorId: w.ids.owner, before: null, after: expect.objectContaining({ level: 'reviewer' }) });

    const summary = await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/summary`, { cookie: member });
    expect(summary.status).toBe(200);
    expect(summary.body.access).toEqual({ manager: false, level: 'reviewer' });
    expect(await write(member)).toBe(403); // read-only

    await api(w.env, 'PUT', grantPath(), { cookie: owner, body: { level: 'reviewer', write: true, expiresAt } });
    expect(await write(member)).toBe(200);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 25 * 3600_000);
    expect(await write(member)).toBe(403); // expired
    vi.useRealTimers();

    expect((await api(w.env, 'DELETE', grantPath(), { cookie: owner })).status).toBe(200);
    expect((await api(w.env, 'GET', `/api/guilds/${w.g.guildId}/access-grants`, { cookie: owner })).body.grants).toEqual([]);
  });

  it('refuses a grant from staff who are not managers, and a past expiry with a field error', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await api(w.env, 'PUT', grantPath(), { cookie: await w.as('moderator'), body: { level: 'reviewer', expiresAt: future } })).status).toBe(403);
    const past = await api(w.env, 'PUT', grantPath(), { cookie: await w.as('owner'), body: { level: 'reviewer', expiresAt: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(422);
    expect(past.body.fields.expiresAt).toMatch(/future/);
  });
});
