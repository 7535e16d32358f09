/**
 * `npm start`'s setup, end to end: a fresh `.dev.vars` written the way `npm start` writes it,
 * the stack it starts (fake Discord whose bot user is the application id of `.dev.vars`,
 * `wrangler dev` of the bot + scanner, the seeded server configured through the bot's own
 * commands), then a moderator runs `/warn` from the emulator and the case lands in the mod log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevVars, readDevVars, DEV_APPLICATION_ID } from './dev-vars';
import { PEOPLE } from './seed';
import { startStack, type Stack } from './stack';

async function until<T>(what: string, fn: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start setup', () => {
  let tmp: string;
  let stack: Stack;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
    expect(ensureDevVars(tmp)).toBe(true);
    expect(readDevVars(tmp).DISCORD_APPLICATION_ID).toBe(DEV_APPLICATION_ID);
    stack = await startStack({ root: process.cwd(), devVarsDir: tmp, dir: join(tmp, 'emulator'), persistTo: join(tmp, 'state'), ports: { bot: 0, page: 0, rest: 0, gateway: 0, cdn: 0 } });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('runs /warn as the seeded moderator: answered, case posted in the mod log, no spec violations', async () => {
    const { emulator, world } = stack;
    expect(emulator.state.botUserId).toBe(DEV_APPLICATION_ID);
    const w = world!;
    const meta = await emulator.command(w.users[PEOPLE.moderator]!, w.channels.general!, 'warn', [
      { name: 'member', type: 6, value: w.users.sam! },
      { name: 'reason', type: 3, value: 'spamming the general channel' },
    ]);
    expect(meta.error).toBeNull();
    expect(meta.status).toBe('answered');
    // The reply (direct or the @original edit after "thinking…") names the case.
    const reply = await until('the /warn reply', () => {
      const it = [...emulator.state.interactions.values()].find((i) => i.token === meta.token);
      const m = it?.original;
      return m && (m.flags ?? 0) & 128 ? undefined : m;
    });
    expect(JSON.stringify(reply)).toMatch(/[Cc]ase #?\d+|warned/);
    expect(JSON.stringify(reply)).not.toMatch(/not a member|went wrong/);
    const logged = await until('the case in #mod-log', () => emulator.state.messages.get(w.channels['mod-log']!)?.find((m) => JSON.stringify(m).includes(w.users.sam!)));
    expect(JSON.stringify(logged.embeds)).toContain('spamming the general channel');
    expect(emulator.state.violations).toEqual([]);
  }, 60_000);
});
