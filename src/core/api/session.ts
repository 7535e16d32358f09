/**
 * Dashboard sessions in D1. The cookie carries a random 256-bit id; the table keys the row by
 * its SHA-256, so a leaked table (or backup) opens no session. Rolling expiry: a session idle
 * for `SESSION_IDLE_MS` ends, a used one is extended (written at most once per
 * `SESSION_ROLL_MS`), and none outlives `SESSION_MAX_MS` from its login.
 */
import { and, eq, gt, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { ApiUser } from './define';
import { dashboardSessions, type DashboardSessionRow } from './schema';

/** The session cookie's name. */
export const SESSION_COOKIE = 'gh_session';
/** A session unused this long ends. */
export const SESSION_IDLE_MS = 7 * 24 * 3600_000;
/** No session lives longer than this from its login. */
export const SESSION_MAX_MS = 30 * 24 * 3600_000;
/** A used session's expiry is pushed forward at most this often (one write). */
export const SESSION_ROLL_MS = 3600_000;

/** A guild as `/users/@me/guilds` lists it (what the session keeps). */
export interface SessionGuild {
  id: string;
  name: string;
  icon: string | null;
  owner: boolean;
  /** The user's permissions there, a decimal bit string. */
  permissions: string;
}

/** A live session. */
export interface Session {
  idHash: string;
  user: ApiUser;
  tokenEnc: string | null;
  guilds: SessionGuild[] | null;
  guildsAt: number | null;
  createdAt: number;
  expiresAt: number;
}

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Hex SHA-256 of a cookie value: the session's key in the table. */
export async function hashSessionId(id: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(id)));
}

function toSession(row: DashboardSessionRow): Session {
  return {
    idHash: row.idHash,
    user: { id: row.userId, username: row.username, avatar: row.avatar },
    tokenEnc: row.tokenEnc,
    guilds: (row.guilds as SessionGuild[] | null) ?? null,
    guildsAt: row.guildsAt,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

/** What a new session starts with. */
export interface NewSession {
  user: ApiUser;
  tokenEnc?: string | null;
  guilds?: SessionGuild[] | null;
  now?: number;
}

/** Creates a session; returns the cookie value (shown once, never stored) and its expiry. */
export async function createSession(db: Db, init: NewSession): Promise<{ id: string; expiresAt: number }> {
  const id = toHex(crypto.getRandomValues(new Uint8Array(32)));
  const now = init.now ?? Date.now();
  const expiresAt = now + SESSION_IDLE_MS;
  await db.insert(dashboardSessions).values({
    idHash: await hashSessionId(id),
    userId: init.user.id,
    username: init.user.username,
    avatar: init.user.avatar,
    tokenEnc: init.tokenEnc ?? null,
    guilds: init.guilds ?? null,
    guildsAt: init.guilds ? now : null,
    createdAt: now,
    seenAt: now,
    expiresAt,
  });
  return { id, expiresAt };
}

/**
 * The live session for a cookie value, or null (unknown or expired). Extends its expiry when
 * the last extension is older than `SESSION_ROLL_MS`; `rolled` says so (re-send the cookie).
 */
export async function readSession(db: Db, id: string, now = Date.now()): Promise<{ session: Session; rolled: boolean } | null> {
  if (!/^[0-9a-f]{64}$/.test(id)) return null;
  const idHash = await hashSessionId(id);
  const [row] = await db.select().from(dashboardSessions).where(and(eq(dashboardSessions.idHash, idHash), gt(dashboardSessions.expiresAt, now)));
  if (!row) return null;
  const session = toSession(row);
  if (now - row.seenAt < SESSION_ROLL_MS) return { session, rolled: false };
  const expiresAt = Math.min(now + SESSION_IDLE_MS, row.createdAt + SESSION_MAX_MS);
  await db.update(dashboardSessions).set({ seenAt: now, expiresAt }).where(eq(dashboardSessions.idHash, idHash));
  return { session: { ...session, expiresAt }, rolled: true };
}

/** Replaces the session's cached guild list. */
export async function saveSessionGuilds(db: Db, idHash: string, guilds: SessionGuild[], now = Date.now()): Promise<void> {
  await db.update(dashboardSessions).set({ guilds, guildsAt: now }).where(eq(dashboardSessions.idHash, idHash));
}

/** Deletes a session; returns the row it deleted (its token is revoked by the caller). */
export async function deleteSession(db: Db, idHash: string): Promise<Session | null> {
  const [row] = await db.delete(dashboardSessions).where(eq(dashboardSessions.idHash, idHash)).returning();
  return row ? toSession(row) : null;
}

/** Deletes sessions that expired before `now`; returns how many. */
export async function deleteExpiredSessions(db: Db, now = Date.now(), limit = 500): Promise<number> {
  const doomed = db.select({ idHash: dashboardSessions.idHash }).from(dashboardSessions).where(lt(dashboardSessions.expiresAt, now)).limit(limit);
  const rows = await db.delete(dashboardSessions).where(inArray(dashboardSessions.idHash, doomed)).returning({ idHash: dashboardSessions.idHash });
  return rows.length;
}
