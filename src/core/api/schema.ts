/**
 * Dashboard tables: sessions (the cookie holds a random id; only its SHA-256 is stored) and
 * delegated access grants.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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

/**
 * API keys (`keys.ts`): a guild's key for the public API under `/api/v1`. The secret is shown
 * once; the table keeps its SHA-256 (`hash`, unique) and a visible `prefix` (`gh_live_ab12cd34`).
 * A key is refused once `revoked_at` is set or `expires_at` has passed; a rotation gives the
 * old key an `expires_at` at the end of the chosen overlap and names its successor.
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    /** `key_` + 16 hex characters: the actor id of everything done with the key. */
    id: text('id').primaryKey(),
    guildId: text('guild_id').notNull(),
    name: text('name').notNull(),
    /** The first characters of the secret, shown in lists (`gh_live_ab12cd34`). */
    prefix: text('prefix').notNull(),
    /** Hex SHA-256 of the whole secret. */
    hash: text('hash').notNull().unique(),
    /** `ApiKeyScope[]`. */
    scopes: text('scopes', { mode: 'json' }).notNull().$type<string[]>(),
    /** Browser origins allowed to call with the key (CORS), e.g. `https://example.org`. */
    origins: text('origins', { mode: 'json' }).notNull().$type<string[]>(),
    tier: text('tier').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
    revokedBy: text('revoked_by'),
    /** Set on the old key by a rotation: the key that replaces it. */
    rotatedTo: text('rotated_to'),
    /** The key this one replaced (a rotation), if any. */
    rotatedFrom: text('rotated_from'),
  },
  // A key is rotated once: a second rotation of the same key fails on this index.
  (t) => [index('api_keys_guild').on(t.guildId, t.createdAt), uniqueIndex('api_keys_rotated_from').on(t.rotatedFrom)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
