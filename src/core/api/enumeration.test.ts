/**
 * Every registered API route, whoever adds it, refuses callers without access: logged out
 * (401), with a guild the caller is not in (403), and as a member without a staff role (403).
 * The routes come from the Worker's own registry, so a new route is covered without edits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../../workers/web/index';
import { api, dashboardWorld, type DashboardWorld } from '../../testing/dashboard';
import { isWrite } from './guild';

const routes = [...registry.apiRoutes.values()].map(({ feature, def }) => ({ feature: feature.name, method: def.method.toUpperCase(), path: def.path }));

let w: DashboardWorld;
let cookies: { owner: string; member: string };

beforeAll(async () => {
  w = await dashboardWorld();
  cookies = { owner: await w.as('owner'), member: await w.as('member') };
});

/** The route's path with the guild id and a placeholder for every other parameter. */
function concrete(path: string, guildId: string): string {
  return `/api${path.replace('{guildId}', guildId).replace(/\{\w+\}/g, '1')}`;
}

describe('every API route refuses callers without access', () => {
  it('finds the registered routes', () => {
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toContain('GET /guilds/{guildId}/summary');
  });

  it.each(routes)('$method $path ($feature)', async ({ method, path }) => {
    const body = isWrite(method) ? {} : undefined;
    const loggedOut = await api(w.env, method, concrete(path, w.g.guildId), { body });
    expect(loggedOut.status, 'logged out').toBe(401);

    const otherGuild = await api(w.env, method, concrete(path, w.other.guildId), { cookie: cookies.owner, body });
    expect(otherGuild.status, "another guild's id").toBe(403);

    const nonStaff = await api(w.env, method, concrete(path, w.g.guildId), { cookie: cookies.member, body });
    expect(nonStaff.status, 'a member without a staff role').toBe(403);
  });
});

const publicRoutes = [...registry.publicApiRoutes.values()].map(({ feature, def }) => ({ feature: feature.name, path: def.path }));

describe('every public route answers 404 for a guild that did not publish', () => {
  it.each(publicRoutes)('GET $path ($feature)', async ({ path }) => {
    for (const guildId of [w.g.guildId, w.other.guildId, '1'.repeat(18)]) {
      const res = await api(w.env, 'GET', concrete(path, guildId));
      expect(res.status, guildId).toBe(404);
      expect(res.body).toEqual({ error: 'not_found', message: expect.any(String) });
    }
    expect((await api(w.env, 'GET', concrete(path, 'abc'))).status).toBe(404);
  });
});
