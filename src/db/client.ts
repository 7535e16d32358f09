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

/** A drizzle database over a libSQL server (Turso, or a local `sqld`); `fetch` replaces the HTTP client's. */
export function openLibsql(url: string, authToken?: string, fetch?: typeof globalThis.fetch): Db {
  return drizzleLibsql({ connection: { url, ...(authToken ? { authToken } : {}), ...(fetch ? { fetch } : {}) } }) as unknown as Db;
}

/** Called with the number of subrequests a database round trip made. */
export type SubrequestCounter = (n: number) => void;

/**
 * A database handle that reports every round trip to `count`: on D1 each prepared statement
 * run (`all`, `run`, `raw`, `first`), each `batch` and each `exec` is one subrequest; on
 * libSQL each HTTP request is. Not cached: make one per invocation (the scheduler's jobs and
 * the events consumer do), so its count is that invocation's.
 */
export function countedDb(env: DbEnv, count: SubrequestCounter): Db {
  const url = env.TURSO_DATABASE_URL;
  if (url) {
    return openLibsql(url, env.TURSO_AUTH_TOKEN, (input, init) => {
      count(1);
      return fetch(input, init);
    });
  }
  return drizzleD1(countedD1(env.DB, count)) as unknown as Db;
}

/** A D1 statement whose executions are counted; `inner` is what `batch` is given. */
class CountedStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly count: SubrequestCounter,
  ) {}
  bind(...values: unknown[]): CountedStatement {
    return new CountedStatement(this.inner.bind(...values), this.count);
  }
  first(column?: string): Promise<unknown> {
    this.count(1);
    return column === undefined ? this.inner.first() : this.inner.first(column);
  }
  run(): Promise<D1Result> {
    this.count(1);
    return this.inner.run();
  }
  all(): Promise<D1Result> {
    this.count(1);
    return this.inner.all();
  }
  raw(options?: { columnNames?: boolean }): Promise<unknown[]> {
    this.count(1);
    return options?.columnNames ? this.inner.raw({ columnNames: true }) : this.inner.raw();
  }
}

function countedD1(db: D1Database, count: SubrequestCounter): D1Database {
  const unwrap = (s: D1PreparedStatement) => (s instanceof CountedStatement ? s.inner : s);
  return {
    prepare: (query: string) => new CountedStatement(db.prepare(query), count),
    batch: (statements: D1PreparedStatement[]) => {
      count(1);
      return db.batch(statements.map(unwrap));
    },
    exec: (query: string) => {
      count(1);
      return db.exec(query);
    },
    dump: () => db.dump(),
    withSession: (constraint?: string) => db.withSession(constraint),
  } as unknown as D1Database;
}
