/**
 * Dashboard tables: sessions (the cookie holds a random id; only its SHA-256 is stored) and
 * delegated access grants.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One signed-in browser. Rolling expiry: `expires_at` moves forward as the session is used. */
export const dashboardSessions = sqliteTable(
  'dashboard_sessions',
  {
    /** Hex SHA-256 of the cookie's random id. */
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id').notNull(),
    username: text('username').notNull(),
    avatar: text('avatar'),
    /** The Discord access token, AES-GCM encrypted with `DASHBOARD_SECRET`; null when not kept. */
    tokenEnc: text('token_enc'),
    /** The user's guilds from `/users/@me/guilds` (`SessionGuild[]`), and when they were read. */
    guilds: text('guilds', { mode: 'json' }),
    guildsAt: integer('guilds_at'),
    createdAt: integer('created_at').notNull(),
    seenAt: integer('seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('dashboard_sessions_user').on(t.userId), index('dashboard_sessions_expires').on(t.expiresAt)],
);

export type DashboardSessionRow = typeof dashboardSessions.$inferSelect;

/**
 * Delegated dashboard access: a manager grants a user or a role a staff level on the dashboard
 * (`write: false`: reads only) until `expires_at`. Every change is audited.
 */
export const dashboardGrants = sqliteTable(
  'dashboard_grants',
  {
    guildId: text('guild_id').notNull(),
    /** `user` or `role`. */
    subjectKind: text('subject_kind').notNull(),
    subjectId: text('subject_id').notNull(),
    level: text('level').notNull(),
    write: integer('write', { mode: 'boolean' }).notNull(),
    expiresAt: integer('expires_at').notNull(),
    grantedBy: text('granted_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.subjectKind, t.subjectId] })],
);

export type DashboardGrantRow = typeof dashboardGrants.$inferSelect;
