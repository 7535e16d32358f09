import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../src/testing/fake-discord/client';
import { startFakeDiscord } from '../src/testing/fake-discord/server';
import { Registry } from '../src/core/registry';
import { features } from '../src/features';
import { register } from './register';
import { parseVars } from './vars';

describe('npm run register', () => {
  let server: Awaited<ReturnType<typeof startFakeDiscord>>;
  beforeAll(async () => {
    server = await startFakeDiscord({ port: 0 });
  });
  afterAll(() => server.close());

  it('bulk-overwrites the manifest globally and per guild, accepted by the fake Discord', async () => {
    const fake = await FakeDiscord.create(server.url);
    const env = { DISCORD_BOT_TOKEN: 'token', DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_BASE: fake.apiBase };
    const expected = new Registry(features).manifest().length;
    expect(await register(env)).toBe(expected);
    const { guildId } = await fake.seedGuild();
    expect(await register(env, guildId)).toBe(expected);
    const calls = await fake.calls({ method: 'PUT' });
    expect(calls.map((c) => c.route)).toEqual(['/applications/{application_id}/commands', '/applications/{application_id}/guilds/{guild_id}/commands']);
    await fake.assertNoViolations();
  });

  it('prints only the message (no stack trace) when a value is missing', { timeout: 60_000 }, () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gatehouse-register-'));
    try {
      const run = spawnSync(join(process.cwd(), 'node_modules/.bin/tsx'), [join(process.cwd(), 'scripts/register.ts')], { cwd, env: { PATH: process.env.PATH ?? '' } as unknown as NodeJS.ProcessEnv, encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe('npm run register: DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID must be set (environment or .dev.vars)');
      expect(run.stdout).toBe('');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('reads .dev.vars lines', () => {
    expect(parseVars('A=1\nB="two"\n# comment\nC = \'x y\'\n')).toEqual({ A: '1', B: 'two', C: 'x y' });
  });
});
