/**
 * A D1 binding that fails chosen writes, for tests of what survives a database failure in
 * the middle of a flow (after a Discord call, say). It wraps the real binding: every
 * statement runs on it unless a rule matches its SQL, in which case the call (or the whole
 * batch holding it, as D1 would roll it back) rejects with a D1-style error. Put it in the
 * env as `DB`: `getDb` opens one drizzle per binding object, so the Worker uses it as is.
 * Workers tests only.
 */

/**
 * Which statements fail: SQL matching `match`, the next `times` times (default 1), and only
 * once `when` (asked for each matching statement) resolves true — e.g. "after the fake
 * Discord has seen the ban", which fails the first write after the Discord call whatever the
 * code writes.
 */
export interface D1FaultRule {
  match: RegExp;
  times?: number;
  when?: () => Promise<boolean>;
}

interface Rule {
  match: RegExp;
  left: number;
  when?: () => Promise<boolean>;
}

/** The statement a wrapped one stands for (D1's `batch` takes only its own statements). */
const inner = new WeakMap<object, D1PreparedStatement>();

/** A D1 binding with injectable failures. */
export class FaultyD1 {
  private readonly rules: Rule[] = [];
  /** SQL of every statement that was made to fail. */
  readonly failed: string[] = [];

  constructor(readonly real: D1Database) {}

  /** Makes the next statement(s) matching `rule.match` fail. */
  failNext(rule: D1FaultRule): void {
    this.rules.push({ match: rule.match, left: rule.times ?? 1, ...(rule.when ? { when: rule.when } : {}) });
  }

  /** The binding to put in the env. */
  get binding(): D1Database {
    return {
      prepare: (query: string) => this.wrap(this.real.prepare(query), query),
      batch: async <T>(statements: D1PreparedStatement[]) => {
        for (const statement of statements) await this.check((statement as unknown as { sql?: string }).sql ?? '');
        return this.real.batch<T>(statements.map((s) => inner.get(s) ?? s));
      },
      exec: async (query: string) => {
        await this.check(query);
        return this.real.exec(query);
      },
      dump: () => this.real.dump(),
      withSession: (constraint?: string) => this.real.withSession(constraint),
    } as unknown as D1Database;
  }

  private async check(sql: string): Promise<void> {
    const rule = this.rules.find((r) => r.left > 0 && r.match.test(sql));
    if (!rule) return;
    if (rule.when && !(await rule.when())) return;
    if (rule.left <= 0) return;
    rule.left -= 1;
    this.failed.push(sql);
    throw new Error(`D1_ERROR: injected failure for ${rule.match} (faulty-d1)`);
  }

  private wrap(statement: D1PreparedStatement, sql: string): D1PreparedStatement {
    const wrapped = {
      sql,
      bind: (...values: unknown[]) => this.wrap(statement.bind(...values), sql),
      first: async (column?: string) => {
        await this.check(sql);
        return column === undefined ? statement.first() : statement.first(column);
      },
      run: async () => {
        await this.check(sql);
        return statement.run();
      },
      all: async () => {
        await this.check(sql);
        return statement.all();
      },
      raw: async (options?: { columnNames?: boolean }) => {
        await this.check(sql);
        return options?.columnNames ? statement.raw({ columnNames: true }) : statement.raw();
      },
    };
    inner.set(wrapped, statement);
    return wrapped as unknown as D1PreparedStatement;
  }
}
