import { beforeAll, describe, expect, it } from 'vitest';
import { api, dashboardWorld, type DashboardWorld } from '../../testing/dashboard';

let w: DashboardWorld;
const summary = () => `/api/guilds/${w.g.guildId}/summary`;

beforeAll(async () => {
  w = await dashboardWorld();
});

describe('the guild middleware and access levels', () => {
  it('answers the owner, an Administrator and a Manage Server holder as managers', async () => {
    for (const who of ['owner', 'admin', 'manager'] as const) {
      const res = await api(w.env, 'GET', summary(), { cookie: await w.as(who) });
      expect(res.status, who).toBe(200);
      expect(res.body.access, who).toEqual({ manager: true, level: 'administrator' });
      expect(res.body.guild).toEqual({ id: w.g.guildId, name: 'Dashboard Test', icon: null });
    }
  });

  it('answers mapped staff with their level, not as managers', async () => {
    const res = await api(w.env, 'GET', summary(), { cookie: await w.as('reviewer') });
    expect(res.status).toBe(200);
    expect(res.body.access).toEqual({ manager: false, level: 'reviewer' });
    expect(res.body.modules.find((m: { name: string }) => m.name === 'platform')).toMatchObject({ enabled: true, toggleable: false });
  });

  it('refuses a logged-out caller with 401 and says where to log in', async () => {
    const res = await api(w.env, 'GET', summary());
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'login_required', login: '/api/auth/login' });
  });

  it('refuses a member without a staff role, and a user of another guild, with 403', async () => {
    expect((await api(w.env, 'GET', summary(), { cookie: await w.as('member') })).body).toMatchObject({ error: 'no_access' });
    const other = await api(w.env, 'GET', `/api/guilds/${w.other.guildId}/summary`, { cookie: await w.as('owner') });
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('not_member');
  });

  it('answers a guild the bot is not in with a clear 404, never a 500', async () => {
    const res = await api(w.env, 'GET', '/api/guilds/123456789012345678/summary', { cookie: await w.as('owner') });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('guild_unavailable');
  });

  it('refuses a write without our Origin', async () => {
    const res = await api(w.env, 'POST', summary(), { cookie: await w.as('owner'), origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('bad_origin');
  });

  it('generates the OpenAPI document from the routes', async () => {
    const res = await api(w.env, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.paths['/guilds/{guildId}/summary'].get).toMatchObject({ summary: expect.any(String), 'x-access': 'helper' });
  });

  it('sends security headers with a CSP that allows no inline script', async () => {
    const res = await api(w.env, 'GET', summary(), { cookie: await w.as('owner') });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
