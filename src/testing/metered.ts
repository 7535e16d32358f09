/**
 * The platform's subrequest meter, for budget tests: wraps the D1 binding so every statement
 * run, `batch` and `exec` is counted the way Cloudflare counts it, independently of the
 * bot's own counter. REST calls are counted by the fake Discord (`fake.calls()`); one
 * invocation's subrequests are the two together. Workers tests only.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import type { FakeDiscord } from './fake-discord/client';
import type { RecordedCall } from './fake-discord/types';

/** An env whose D1 binding counts its round trips. */
export interface Metered {
  env: Env;
  /** D1 round trips since the last `take()`, and resets the count. */
  takeD1(): number;
}

/** Bound parameters Cloudflare's D1 takes in one statement (local D1's SQLite takes far more). */
export const D1_MAX_BOUND_PARAMETERS = 100;

/**
 * Meters `env.DB`, and holds it to production D1's limit on bound parameters per statement,
 * which local D1 does not enforce: a statement with more fails here as it would deployed.
 */
export function meterD1(env: Env): Metered {
  let count = 0;
  const inner = env.DB;
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop) {
        if (prop === 'bind')
          return (...values: unknown[]) => {
            if (values.length > D1_MAX_BOUND_PARAMETERS) throw new Error(`D1_ERROR: too many SQL variables: ${values.length} bound, D1 takes ${D1_MAX_BOUND_PARAMETERS} (SQLITE_ERROR)`);
            return wrap(target.bind(...values));
          };
        if (prop === 'first' || prop === 'run' || prop === 'all' || prop === 'raw') {
          return (...args: unknown[]) => {
            count++;
            return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        if (prop === '__inner') return target;
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const unwrap = (s: D1PreparedStatement) => ((s as unknown as { __inner?: D1PreparedStatement }).__inner ?? s);
  const DB = {
    prepare: (query: string) => wrap(inner.prepare(query)),
    batch: (statements: D1PreparedStatement[]) => {
      count++;
      return inner.batch(statements.map(unwrap));
    },
    exec: (query: string) => {
      count++;
      return inner.exec(query);
    },
    dump: () => inner.dump(),
    withSession: (c?: string) => inner.withSession(c),
  } as unknown as D1Database;
  return {
    env: { ...env, DB },
    takeD1() {
      const n = count;
      count = 0;
      return n;
    },
  };
}

/** What one invocation cost, as the platform would count it. */
export interface InvocationCost {
  d1: number;
  rest: number;
  total: number;
  /** The REST calls the fake recorded during the invocation. */
  calls: RecordedCall[];
}

/** Runs one invocation and counts its subrequests (D1 from the meter, REST from the fake). */
export async function metered(meter: Metered, fake: FakeDiscord, invoke: (env: Env, ctx: ExecutionContext) => Promise<unknown>): Promise<InvocationCost> {
  meter.takeD1();
  await fake.clearCalls();
  const ctx = createExecutionContext();
  try {
    await invoke(meter.env, ctx);
  } finally {
    await waitOnExecutionContext(ctx);
  }
  const d1 = meter.takeD1();
  const calls = await fake.calls();
  return { d1, rest: calls.length, total: d1 + calls.length, calls };
}
