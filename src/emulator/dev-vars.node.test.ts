import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_APPLICATION_ID, ensureDevVars, isLocalDiscord, readDevVars } from './dev-vars';

describe('.dev.vars of npm start', () => {
  it('a fresh clone gets the development application id, a keypair, and the local fake Discord; an existing file is kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-vars-'));
    try {
      expect(ensureDevVars(dir)).toBe(true);
      const vars = readDevVars(dir);
      expect(vars.DISCORD_APPLICATION_ID).toBe(DEV_APPLICATION_ID);
      expect(vars.DISCORD_PUBLIC_KEY).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.parse(readFileSync(join(dir, '.dev.keys.json'), 'utf8'))).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
      expect(isLocalDiscord(vars)).toBe(true);
      expect(vars.DASHBOARD_SECRET).toMatch(/^[0-9a-f]{48}$/);
      expect(ensureDevVars(dir)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('real credentials (a non-loopback API base) mean no emulator', () => {
    expect(isLocalDiscord({ DISCORD_API_BASE: 'https://discord.com/api/v10' })).toBe(false);
    expect(isLocalDiscord({})).toBe(false);
    expect(isLocalDiscord({ DISCORD_API_BASE: 'http://localhost:8790/api/v10' })).toBe(true);
  });
});
