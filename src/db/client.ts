/**
 * The database handle every repository takes: drizzle over the D1 binding by default, or
 * over Turso/libSQL when `TURSO_DATABASE_URL` is set. Same schema, same queries.
 */
import { drizzle as drizzleD1, type DrizzleD1Database } from 'drizzle-orm/d1';
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql/web';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';

/** A drizzle database on either driver. Multi-statement writes go through `db.batch`. */
export type Db = BaseSQLiteDatabase<'async', unknown> & Pick<DrizzleD1Database, 'batch'>;

/** What the database is chosen from. */
export interface DbEnv {
  DB: D1Database;
  TURSO_DATABASE_URL?: string;
  TURSO_AUTH_TOKEN?: string;
}

const byBinding = new WeakMap<D1Database, Db>();
const byUrl = new Map<string, Db>();

/** Opens (once per isolate) the database `env` points at. */
export function getDb(env: DbEnv): Db {
  const url = env.TURSO_DATABASE_URL;
  if (url) {
    const key = `${url}\n${env.TURSO_AUTH_TOKEN ?? ''}`;
    let db = byUrl.get(key);
    if (!db) {
      db = openLibsql(url, env.TURSO_AUTH_TOKEN) as Db;
      byUrl.set(key, db);
    }
    return db;
  }
  let db = byBinding.get(env.DB);
  if (!db) {
    db = drizzleD1(env.DB) as unknown as Db;
    byBinding.set(env.DB, db);
  }
  return db;
}

/** A drizzle database over a libSQL server (Turso, or a local `sqld`). */
export function openLibsql(url: string, authToken?: string): Db {
  return drizzleLibsql({ connection: { url, ...(authToken ? { authToken } : {}) } }) as unknown as Db;
}
