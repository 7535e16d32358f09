/**
 * `GET /health`: a liveness answer (version, and whether the configuration parses) with no
 * database or Durable Object call, so anyone may poll it. `GET /health/detail`: the database
 * round trip and every registered check (the relay per shard: outbox, quarantine, closes),
 * only with `Authorization: Bearer <HEALTH_TOKEN>`; off while the secret is unset. Failures
 * are reported as a short, scrubbed message, never a raw error or stack.
 */
import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import { getDb } from '../db/client';
import { checkedConfig } from './env';

/** Extra facts `/health/detail` reports (the gateway relay adds its status). */
export type HealthCheck = (env: Env) => Promise<Record<string, unknown>>;

const MAX_ERROR_CHARS = 120;

/**
 * An error as a short line safe to show an operator: its class and the start of its message's
 * first line, with URLs and anything token-shaped (long runs of id or base64 characters) cut.
 */
export function shortError(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = (error instanceof Error ? error.message : String(error))
    .split('\n', 1)[0]!
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/[A-Za-z0-9_\-.=+/]{24,}/g, '<redacted>')
    .replace(/\s+/g, ' ')
    .trim();
  const line = `${name}: ${message}`;
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS - 1)}…` : line;
}

const encoder = new TextEncoder();

/** Compares `presented` with `expected` in time independent of where they differ (or their lengths). */
export async function secretMatches(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(presented)),
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
  ]);
  // Equal-length digests, compared without an early exit.
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/** The `/health` routes, mounted by `createApp`. */
export function healthRoutes(version: string, checks: Record<string, HealthCheck>): Hono<{ Bindings: Env }> {
  const app = new Hono<{ Bindings: Env }>();

  app.get('/health', async (c) => {
    const loaded = await checkedConfig(c.env);
    if (!loaded.ok) return c.json({ ok: false, version, error: loaded.error.message }, 503);
    return c.json({ ok: true, version });
  });

  app.get('/health/detail', async (c) => {
    const loaded = await checkedConfig(c.env);
    if (!loaded.ok) return c.json({ ok: false, version, error: loaded.error.message }, 503);
    const token = loaded.config.HEALTH_TOKEN;
    if (!token) return c.json({ error: 'The detailed health check is off: set the HEALTH_TOKEN secret.' }, 404);
    const header = c.req.header('authorization') ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!presented || !(await secretMatches(presented, token))) {
      c.header('www-authenticate', 'Bearer');
      return c.json({ error: 'A valid HEALTH_TOKEN bearer token is required.' }, 401);
    }

    const database = (async () => {
      const started = Date.now();
      await getDb(c.env).run(sql`select 1`);
      return { ok: true, ms: Date.now() - started };
    })();
    const names = ['database', ...Object.keys(checks)];
    const settled = await Promise.allSettled([database, ...Object.values(checks).map((check) => check(c.env))]);
    const body: Record<string, unknown> = {};
    settled.forEach((result, i) => {
      body[names[i]!] = result.status === 'fulfilled' ? result.value : { ok: false, error: shortError(result.reason) };
    });
    const ok = Object.values(body).every((v) => (v as { ok?: unknown }).ok !== false);
    return c.json({ ok, version, ...body }, ok ? 200 : 503);
  });

  return app;
}
