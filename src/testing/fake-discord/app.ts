/**
 * The fake Discord REST API as a Hono app. Portable (no Node APIs): runs under Node through
 * `server.ts` and could run inside workerd as well. All state is in memory, per session.
 *
 * URL layout:
 * - `/s/<sessionId>/api/v10/...` — Discord's API for one session (use as DISCORD_API_BASE).
 * - `/api/v10/...`               — the `default` session (handy for running the bot locally).
 * - `/_fake/...`                 — control API used by `FakeDiscord` (seed, inspect, inject failures).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { dispatch, routeMatches, SOURCE_HEADER } from './dispatch.ts';
import { addOAuthRoutes } from './oauth.ts';
import { randomHex } from './snowflake.ts';
import { SessionState } from './state.ts';
import { Permission, type PermissionName, parsePermissions } from './permissions.ts';
import type { CallFilter, CreateSessionOptions, SessionInfo } from './types.ts';

const SESSION_IDLE_MS = 60 * 60 * 1000;
const DEFAULT_SESSION = 'default';

const permissionNames = Object.keys(Permission) as [PermissionName, ...PermissionName[]];
const permissions = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative(), z.array(z.enum(permissionNames))]);
const timestamp = z.union([z.string(), z.number()]);

const schemas = {
  session: z.object({
    applicationId: z.string().regex(/^\d+$/).optional(),
    botUsername: z.string().optional(),
    token: z.string().optional(),
    requireUserAgent: z.boolean().optional(),
    ownerId: z.string().regex(/^\d+$/).optional(),
    team: z
      .object({
        ownerId: z.string().regex(/^\d+$/),
        admins: z.array(z.string().regex(/^\d+$/)).optional(),
        developers: z.array(z.string().regex(/^\d+$/)).optional(),
      })
      .optional(),
  }),
  user: z.object({
    id: z.string().regex(/^\d+$/).optional(),
    username: z.string().optional(),
    globalName: z.string().nullable().optional(),
    avatar: z.string().nullable().optional(),
    bot: z.boolean().optional(),
    dmsClosed: z.boolean().optional(),
  }),
  guild: z.object({
    name: z.string().optional(),
    ownerId: z.string().optional(),
    roles: z
      .array(
        z.object({
          name: z.string(),
          position: z.number().int().positive().optional(),
          permissions: permissions.optional(),
          color: z.number().int().optional(),
          hoist: z.boolean().optional(),
          mentionable: z.boolean().optional(),
        }),
      )
      .optional(),
    channels: z.array(z.object({ name: z.string(), type: z.number().int().optional(), topic: z.string().nullable().optional(), parent: z.string().optional() })).optional(),
    everyonePermissions: permissions.optional(),
    botPermissions: permissions.optional(),
    botRolePosition: z.number().int().positive().optional(),
  }),
  role: z.object({
    name: z.string(),
    position: z.number().int().positive(),
    permissions: permissions.optional(),
    color: z.number().int().optional(),
  }),
  rolePatch: z.object({ name: z.string().optional(), position: z.number().int().nonnegative().optional(), managed: z.boolean().optional() }),
  channel: z.object({ name: z.string(), type: z.number().int().optional(), topic: z.string().nullable().optional(), parentId: z.string().nullable().optional() }),
  member: z.object({
    id: z.string().regex(/^\d+$/).optional(),
    userId: z.string().optional(),
    username: z.string().optional(),
    globalName: z.string().nullable().optional(),
    avatar: z.string().nullable().optional(),
    bot: z.boolean().optional(),
    dmsClosed: z.boolean().optional(),
    roles: z.array(z.string()).optional(),
    nick: z.string().nullable().optional(),
    joinedAt: timestamp.optional(),
    communicationDisabledUntil: z.string().nullable().optional(),
    pending: z.boolean().optional(),
  }),
  message: z.object({ authorId: z.string().optional(), content: z.string().optional(), timestamp: timestamp.optional() }),
  interaction: z.object({
    guildId: z.string().optional(),
    channelId: z.string().optional(),
    userId: z.string().optional(),
    messageId: z.string().optional(),
    ageMs: z.number().nonnegative().optional(),
  }),
  httpResponse: z.object({ interactionId: z.string(), token: z.string().min(1), response: z.unknown() }),
  fail: z
    .object({
      method: z.string().optional(),
      route: z.string().optional(),
      status: z.number().int().min(400).max(599).optional(),
      code: z.number().int().optional(),
      message: z.string().optional(),
      retryAfter: z.number().nonnegative().optional(),
      times: z.number().int().positive().optional(),
      scope: z.enum(['user', 'global', 'shared']).optional(),
      drop: z.boolean().optional(),
      afterApply: z.boolean().optional(),
    })
    .refine((rule) => rule.drop === true || rule.status !== undefined, { message: 'a fail rule needs a status (or drop: true)' }),
  latency: z.object({ ms: z.number().nonnegative(), method: z.string().optional(), route: z.string().optional() }),
  gateway: z.object({ url: z.string(), shards: z.number().int().positive().optional() }),
};

/** Thrown by control handlers for bad input; answered as 400 `{ error }`. */
class ControlError extends Error {}

function info(s: SessionState): SessionInfo {
  return { id: s.id, applicationId: s.applicationId, botUserId: s.botUserId, ownerId: s.ownerId, apiPath: s.id === DEFAULT_SESSION ? '/api/v10' : `/s/${s.id}/api/v10` };
}

/** Options of {@link createFakeDiscordApp}. */
export interface FakeDiscordAppOptions {
  /**
   * The `default` session's options. Pass the bot's DISCORD_APPLICATION_ID as `applicationId`
   * so the bot user (== application id) is the member the bot looks itself up as.
   */
  defaultSession?: CreateSessionOptions;
  /** Use this state as the `default` session (the emulator keeps a handle on it); overrides `defaultSession`. */
  defaultState?: SessionState;
}

/** Create the fake Discord app (fresh, empty in-memory state). */
export function createFakeDiscordApp(options: FakeDiscordAppOptions = {}): Hono {
  const sessions = new Map<string, { state: SessionState; lastUsed: number }>();
  const defaultState = options.defaultState ?? new SessionState(DEFAULT_SESSION, { requireUserAgent: false, ...options.defaultSession });
  sessions.set(DEFAULT_SESSION, { state: defaultState, lastUsed: Number.POSITIVE_INFINITY });

  const session = (id: string): SessionState => {
    const entry = sessions.get(id);
    if (!entry) throw new ControlError(`unknown fake-discord session "${id}"`);
    if (id !== DEFAULT_SESSION) entry.lastUsed = Date.now();
    return entry.state;
  };
  const sweep = (): void => {
    const now = Date.now();
    for (const [id, entry] of sessions) if (now - entry.lastUsed > SESSION_IDLE_MS) sessions.delete(id);
  };
  const parse = async <T>(schema: z.ZodType<T>, req: Request): Promise<T> => {
    const text = await req.text();
    const result = schema.safeParse(text === '' ? {} : JSON.parse(text));
    if (!result.success) throw new ControlError(z.prettifyError(result.error));
    return result.data;
  };
  const guildOf = (s: SessionState, id: string) => {
    const g = s.guilds.get(id);
    if (!g) throw new ControlError(`unknown guild ${id}`);
    return g;
  };
  const filterOf = (q: URLSearchParams): CallFilter => ({
    ...(q.get('method') ? { method: q.get('method') ?? '' } : {}),
    ...(q.get('route') ? { route: q.get('route') ?? '' } : {}),
    ...(q.get('path') ? { path: q.get('path') ?? '' } : {}),
  });

  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof ControlError || err instanceof SyntaxError) return c.json({ error: err.message }, 400);
    if (err instanceof Error && /^unknown (guild|channel|role)/.test(err.message)) return c.json({ error: err.message }, 400);
    console.error('fake-discord control error', err);
    return c.json({ error: String(err) }, 500);
  });

  // ------------------------------------------------------------------ control API
  const ctl = new Hono();
  ctl.get('/health', (c) => c.json({ ok: true, sessions: sessions.size }));

  ctl.post('/sessions', async (c) => {
    sweep();
    const opts = await parse(schemas.session, c.req.raw);
    const state = new SessionState(randomHex(16), opts);
    sessions.set(state.id, { state, lastUsed: Date.now() });
    return c.json(info(state), 201);
  });
  ctl.get('/s/:sid', (c) => c.json(info(session(c.req.param('sid')))));
  ctl.delete('/s/:sid', (c) => {
    const sid = c.req.param('sid');
    if (sid !== DEFAULT_SESSION) sessions.delete(sid);
    return c.body(null, 204);
  });
  ctl.post('/s/:sid/reset', (c) => {
    session(c.req.param('sid')).reset();
    return c.body(null, 204);
  });

  ctl.post('/s/:sid/users', async (c) => {
    const s = session(c.req.param('sid'));
    const user = s.addUser(await parse(schemas.user, c.req.raw));
    return c.json(s.renderUser(user.id), 201);
  });
  ctl.patch('/s/:sid/users/:uid', async (c) => {
    const s = session(c.req.param('sid'));
    const uid = c.req.param('uid');
    if (!s.users.has(uid)) throw new ControlError(`unknown user ${uid}`);
    s.addUser({ ...(await parse(schemas.user, c.req.raw)), id: uid });
    return c.json(s.renderUser(uid));
  });
  ctl.get('/s/:sid/users/:uid/dms', (c) => {
    const s = session(c.req.param('sid'));
    const chId = s.dmChannelByUser.get(c.req.param('uid'));
    return c.json(chId ? (s.messages.get(chId) ?? []) : []);
  });

  ctl.post('/s/:sid/guilds', async (c) => {
    const s = session(c.req.param('sid'));
    return c.json(s.seedGuild(await parse(schemas.guild, c.req.raw)), 201);
  });
  ctl.get('/s/:sid/guilds/:gid', (c) => {
    const s = session(c.req.param('sid'));
    const g = s.guilds.get(c.req.param('gid'));
    return c.json(g ? s.renderGuild(g) : null);
  });
  ctl.post('/s/:sid/guilds/:gid/roles', async (c) => {
    const s = session(c.req.param('sid'));
    const g = guildOf(s, c.req.param('gid'));
    const r = await parse(schemas.role, c.req.raw);
    const role = s.putRole(g, { name: r.name, position: r.position, permissions: parsePermissions(r.permissions, 0n), color: r.color ?? 0 });
    return c.json(role, 201);
  });
  ctl.patch('/s/:sid/guilds/:gid/roles/:rid', async (c) => {
    const s = session(c.req.param('sid'));
    const g = guildOf(s, c.req.param('gid'));
    const role = g.roles.get(c.req.param('rid'));
    if (!role) throw new ControlError(`unknown role ${c.req.param('rid')}`);
    const patch = await parse(schemas.rolePatch, c.req.raw);
    Object.assign(role, patch);
    return c.json(role);
  });
  ctl.delete('/s/:sid/guilds/:gid/roles/:rid', (c) => {
    const s = session(c.req.param('sid'));
    s.deleteRole(guildOf(s, c.req.param('gid')), c.req.param('rid'));
    return c.body(null, 204);
  });
  ctl.delete('/s/:sid/channels/:cid', (c) => {
    session(c.req.param('sid')).deleteChannel(c.req.param('cid'));
    return c.body(null, 204);
  });
  ctl.post('/s/:sid/guilds/:gid/channels', async (c) => {
    const s = session(c.req.param('sid'));
    const ch = s.addChannel(c.req.param('gid'), await parse(schemas.channel, c.req.raw));
    return c.json(s.renderChannel(ch), 201);
  });
  ctl.post('/s/:sid/guilds/:gid/members', async (c) => {
    const s = session(c.req.param('sid'));
    const g = guildOf(s, c.req.param('gid'));
    const member = s.addMember(g.id, await parse(schemas.member, c.req.raw));
    return c.json(s.renderMember(g, member), 201);
  });
  ctl.get('/s/:sid/guilds/:gid/members/:uid', (c) => {
    const s = session(c.req.param('sid'));
    const g = guildOf(s, c.req.param('gid'));
    const m = g.members.get(c.req.param('uid'));
    return c.json(m ? s.renderMember(g, m) : null);
  });
  ctl.get('/s/:sid/guilds/:gid/bans', (c) => {
    const s = session(c.req.param('sid'));
    return c.json([...guildOf(s, c.req.param('gid')).bans.values()].map((b) => s.renderBan(b)));
  });

  ctl.post('/s/:sid/channels/:cid/messages', async (c) => {
    const s = session(c.req.param('sid'));
    return c.json(s.seedMessage(c.req.param('cid'), await parse(schemas.message, c.req.raw)), 201);
  });
  ctl.get('/s/:sid/channels/:cid/messages', (c) => {
    const s = session(c.req.param('sid'));
    return c.json(s.messages.get(c.req.param('cid')) ?? []);
  });

  ctl.post('/s/:sid/interactions', async (c) => {
    const s = session(c.req.param('sid'));
    return c.json(s.newInteraction(await parse(schemas.interaction, c.req.raw)), 201);
  });
  // The bot answered an interaction in its HTTP response: validate and record it like a callback.
  ctl.post('/s/:sid/interaction-responses', async (c) => {
    const sid = c.req.param('sid');
    const s = session(sid);
    const { interactionId, token, response } = await parse(schemas.httpResponse, c.req.raw);
    const path = `/interactions/${encodeURIComponent(interactionId)}/${encodeURIComponent(token)}/callback`;
    const synthetic = new Request(new URL(`/s/${sid}/api/v10${path}`, c.req.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'DiscordBot (fake-discord, http-response)', [SOURCE_HEADER]: 'http-response' },
      body: JSON.stringify(response),
    });
    const res = await dispatch(s, synthetic, path, new URLSearchParams());
    return c.json({ status: res.status, body: res.status === 204 ? null : await res.json() });
  });
  ctl.get('/s/:sid/interaction', (c) => {
    const s = session(c.req.param('sid'));
    const it = s.interactions.get(c.req.query('token') ?? '');
    return c.json(it ? s.renderInteraction(it) : null);
  });
  ctl.get('/s/:sid/commands', (c) => {
    const s = session(c.req.param('sid'));
    return c.json(s.commands.get(c.req.query('guildId') ?? 'global') ?? []);
  });

  ctl.get('/s/:sid/calls', (c) => {
    const s = session(c.req.param('sid'));
    const f = filterOf(new URL(c.req.url).searchParams);
    return c.json(
      s.calls.filter(
        (call) =>
          (f.method === undefined || call.method === f.method.toUpperCase()) &&
          (f.path === undefined || call.path === f.path) &&
          routeMatches(f.route, call.route),
      ),
    );
  });
  ctl.delete('/s/:sid/calls', (c) => {
    const s = session(c.req.param('sid'));
    s.calls = [];
    s.violations = [];
    return c.body(null, 204);
  });
  ctl.get('/s/:sid/violations', (c) => c.json(session(c.req.param('sid')).violations));
  ctl.get('/s/:sid/oauth', (c) => c.json(session(c.req.param('sid')).oauth.summary()));

  ctl.post('/s/:sid/fail', async (c) => {
    const s = session(c.req.param('sid'));
    const rule = await parse(schemas.fail, c.req.raw);
    s.failRules.push({ ...rule, remaining: rule.times ?? 1 });
    return c.body(null, 204);
  });
  ctl.delete('/s/:sid/fail', (c) => {
    session(c.req.param('sid')).failRules = [];
    return c.body(null, 204);
  });
  ctl.post('/s/:sid/latency', async (c) => {
    const s = session(c.req.param('sid'));
    const rule = await parse(schemas.latency, c.req.raw);
    s.latencyRules = s.latencyRules.filter((r) => !(r.route === rule.route && r.method === rule.method));
    if (rule.route === undefined && rule.method === undefined && rule.ms === 0) s.latencyRules = [];
    else s.latencyRules.push(rule);
    return c.body(null, 204);
  });
  ctl.post('/s/:sid/gateway', async (c) => {
    const s = session(c.req.param('sid'));
    const g = await parse(schemas.gateway, c.req.raw);
    s.gateway = { url: g.url, shards: g.shards ?? 1 };
    return c.body(null, 204);
  });

  app.route('/_fake', ctl);

  // ------------------------------------------------------------------ Discord API
  const serveApi = async (req: Request, sid: string, prefix: string): Promise<Response> => {
    const entry = sessions.get(sid);
    if (!entry) return Response.json({ message: `unknown fake-discord session "${sid}"`, code: 0 }, { status: 404 });
    if (sid !== DEFAULT_SESSION) entry.lastUsed = Date.now();
    const url = new URL(req.url);
    const rest = url.pathname.slice(prefix.length);
    const versioned = /^\/v10(\/|$)/.test(rest);
    const apiPath = versioned ? rest.slice(4) || '/' : rest;
    if (!versioned) {
      entry.state.violations.push({
        seq: entry.state.nextSeq(),
        kind: 'unknown_route',
        method: req.method,
        path: rest,
        route: null,
        reason: `API base must end in /api/v10 (got ${prefix}${rest.split('/').slice(0, 2).join('/')})`,
        issues: [],
        at: new Date().toISOString(),
      });
      return Response.json({ message: '404: Not Found', code: 0 }, { status: 404 });
    }
    return dispatch(entry.state, req, apiPath, url.searchParams);
  };

  addOAuthRoutes(app, (sid) => sessions.get(sid)?.state, DEFAULT_SESSION);
  app.all('/s/:sid/api/*', (c) => serveApi(c.req.raw, c.req.param('sid'), `/s/${c.req.param('sid')}/api`));
  app.all('/api/*', (c) => serveApi(c.req.raw, DEFAULT_SESSION, '/api'));

  return app;
}
