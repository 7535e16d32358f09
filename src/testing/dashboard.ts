/**
 * Dashboard API tests in workerd: `signIn` makes a real session row (no OAuth dance) and
 * returns its `Cookie` header; `api` calls the web Worker with it and our `Origin` (what the
 * browser sends); `dashboardWorld` seeds a guild on the fake Discord with one person per kind
 * of access, and a second guild where none of them is a member.
 */
import { env as baseEnv } from 'cloudflare:test';
import { createSession, SESSION_COOKIE, type SessionGuild } from '../core/api/session';
import { GuildConfig } from '../core/guild-config.repo';
import type { StaffLevel } from '../core/staff';
import { getDb } from '../db/client';
import { FakeDiscord, type SeededGuild } from './fake-discord/client';
import { fetchWeb, testEnv } from './harness';

/** The origin API requests are made on (and the `Origin` writes carry). */
export const DASHBOARD_ORIGIN = 'https://gatehouse.test';

/** Who signs in. */
export interface SignInOptions {
  userId: string;
  username?: string;
  avatar?: string | null;
  /** The cached `/users/@me/guilds` list; default none (read from Discord on first use). */
  guilds?: SessionGuild[] | null;
  /** The Discord access token to keep, already encrypted; default none. */
  tokenEnc?: string | null;
}

/** Creates a session for `userId` and returns the `Cookie` header value that carries it. */
export async function signIn(env: Env, options: SignInOptions): Promise<string> {
  const { id } = await createSession(getDb(env), {
    user: { id: options.userId, username: options.username ?? `user${options.userId.slice(-5)}`, avatar: options.avatar ?? null },
    guilds: options.guilds ?? null,
    tokenEnc: options.tokenEnc ?? null,
  });
  return `${SESSION_COOKIE}=${id}`;
}

/** What `api` returns. */
export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Options of one API call. */
export interface ApiCallOptions {
  cookie?: string;
  body?: unknown;
  /** Default `DASHBOARD_ORIGIN`; `null` sends none. */
  origin?: string | null;
  headers?: Record<string, string>;
}

/** Calls the Worker: `api(env, 'POST', '/api/guilds/1/x', { cookie, body })`. JSON bodies both ways. */
export async function api<T = any>(env: Env, method: string, path: string, options: ApiCallOptions = {}): Promise<ApiResult<T>> {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set('cookie', options.cookie);
  const origin = options.origin === undefined ? DASHBOARD_ORIGIN : options.origin;
  if (origin !== null) headers.set('origin', origin);
  let body: string | undefined;
  if (options.body !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(options.body);
  }
  const response = await fetchWeb(new Request(new URL(path, DASHBOARD_ORIGIN), { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' }), env);
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** A person of `dashboardWorld`, with their user id. */
export type DashboardPersonName = 'owner' | 'admin' | 'manager' | 'moderator' | 'reviewer' | 'helper' | 'member';

/** A guild with one person per kind of access, and a second guild none of them is in. */
export interface DashboardWorld {
  fake: FakeDiscord;
  env: Env;
  g: SeededGuild;
  /** A guild the bot is in and none of `ids` is a member of. */
  other: SeededGuild;
  /**
   * User ids. `owner` owns the guild; `admin` holds Administrator and `manager` Manage Server
   * (both through unmapped roles); `moderator`, `reviewer`, `helper` hold the mapped staff roles;
   * `member` holds nothing.
   */
  ids: Record<DashboardPersonName, string>;
  /** Signs the person in; the `Cookie` header value. */
  as(who: DashboardPersonName | string): Promise<string>;
}

/** Builds a `DashboardWorld` on a fresh fake Discord session. */
export async function dashboardWorld(overrides: Partial<Env> = {}): Promise<DashboardWorld> {
  const fake = await FakeDiscord.create(baseEnv.TEST_FAKE_DISCORD_URL, { applicationId: baseEnv.DISCORD_APPLICATION_ID });
  const env = testEnv({ DISCORD_API_BASE: fake.apiBase, ...overrides });
  const g = await fake.seedGuild({
    name: 'Dashboard Test',
    roles: [
      { name: 'Helpers', position: 1 },
      { name: 'Reviewers', position: 2 },
      { name: 'Moderators', position: 3 },
      { name: 'Managers', position: 4, permissions: ['ManageGuild'] },
      { name: 'Admins', position: 5, permissions: ['Administrator'] },
    ],
    channels: [{ name: 'general' }],
  });
  const other = await fake.seedGuild({ name: 'Elsewhere' });
  const config = new GuildConfig(getDb(env), g.guildId);
  const mapped: [string, StaffLevel][] = [
    ['Helpers', 'helper'],
    ['Reviewers', 'reviewer'],
    ['Moderators', 'moderator'],
  ];
  for (const [role, level] of mapped) await config.setStaffRole(g.ownerId, g.roles[role]!, level);
  const add = (roles: string[], username: string) => fake.addMember(g.guildId, { roles: roles.map((r) => g.roles[r]!), username });
  const ids: Record<DashboardPersonName, string> = {
    owner: g.ownerId,
    admin: await add(['Admins'], 'admin'),
    manager: await add(['Managers'], 'manager'),
    moderator: await add(['Moderators'], 'moderator'),
    reviewer: await add(['Reviewers'], 'reviewer'),
    helper: await add(['Helpers'], 'helper'),
    member: await add([], 'member'),
  };
  return {
    fake,
    env,
    g,
    other,
    ids,
    as: (who) => signIn(env, { userId: ids[who as DashboardPersonName] ?? who, username: who }),
  };
}
