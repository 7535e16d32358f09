/**
 * `npm start`'s setup, end to end: a fresh `.dev.vars` written the way `npm start` writes it,
 * the stack it starts (fake Discord whose bot user is the application id of `.dev.vars`,
 * `wrangler dev` of the bot + scanner, the seeded server configured through the bot's own
 * commands), then a moderator runs `/warn` from the emulator and the case lands in the mod log.
 * Then the page in real Chromium (Debian's, installed by .ci/run): the newcomer applies through
 * the modal, the reviewer accepts, the role and the welcome appear; `/warn` with a user from the
 * picker puts a case in the mod log. Screenshots of each step go to .artifacts/emulator/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './browser';
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

  describe.skipIf(!existsSync(CHROMIUM))(`the page in Chromium (${CHROMIUM}; .ci/run installs it)`, () => {
    const shots = join(process.cwd(), '.artifacts/emulator');
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    let page: Page;
    let step = 0;
    const shot = async (name: string) => {
      step += 1;
      await page.screenshot({ path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`) });
    };
    const actAs = async (username: string) => {
      await page.selectOption('#acting', stack.world!.users[username]!);
      await page.waitForSelector(`.member.acting[data-username="${username}"]`);
    };
    const open = (channel: string) => page.click(`.channel[data-name="${channel}"]`);
    beforeAll(async () => {
      mkdirSync(shots, { recursive: true });
      browser = await launchChromium();
      page = await browser.context.newPage();
      page.on('pageerror', (e) => console.error('page error:', e.message));
      await page.goto(stack.pageUrl);
      await page.waitForSelector('.member');
    }, 60_000);
    afterAll(async () => browser?.close());

    it('newcomer applies through the modal, reviewer claims and accepts, role and welcome appear', async () => {
      await actAs(PEOPLE.newcomer);
      await open('gate');
      await page.click('#messages button:has-text("Apply")');
      const modal = page.locator('#overlay form.modal');
      await modal.waitFor();
      for (const input of await modal.locator('input, textarea').all()) await input.fill('Through a friend; I love the community.');
      await shot('newcomer-modal');
      await modal.locator('button[type=submit]').click();
      await page.locator('#messages .message.ephemeral', { hasText: 'Your application was sent' }).waitFor();
      expect(await page.locator('#messages .message.ephemeral .ephemeral-note').last().textContent()).toContain('Only you can see this');
      await shot('newcomer-applied');

      await actAs(PEOPLE.reviewer);
      await open('review');
      const card = page.locator('#messages .message', { hasText: 'Nina (newcomer)' }).last();
      await card.getByRole('button', { name: 'Claim', exact: true }).click();
      await page.locator('#messages .message', { hasText: 'Claimed by' }).last().waitFor();
      await shot('reviewer-claimed');
      await page.locator('#messages .message', { hasText: 'Nina (newcomer)' }).last().getByRole('button', { name: 'Accept', exact: true }).click();
      const nina = page.locator(`.member[data-username="${PEOPLE.newcomer}"]`);
      await nina.locator('.role-pill', { hasText: 'Member' }).waitFor({ timeout: 15_000 });
      await expect.poll(() => nina.locator('.role-pill', { hasText: 'Unverified' }).count()).toBe(0);
      await shot('reviewer-accepted');
      await open('welcome');
      await page.locator('#messages .message', { hasText: 'Welcome @Nina (newcomer) to Gatehouse Playground' }).waitFor({ timeout: 15_000 });
      await shot('welcome');
    }, 90_000);

    it('/warn with a member picked from the picker: the reply, then the case in #mod-log (also live in a second tab)', async () => {
      const second = await browser.context.newPage();
      await second.goto(stack.pageUrl);
      await second.waitForSelector('.member');
      await second.click('.channel[data-name="mod-log"]');
      await actAs(PEOPLE.moderator);
      await open('general');
      await page.fill('#composer-input', '/warn');
      await page.click('.palette-entry[data-label="/warn"]');
      await page.selectOption('#command-form select[data-option="member"]', stack.world!.users.jo!);
      await page.fill('#command-form [data-option="reason"]', 'Spoilers without tags');
      await shot('warn-palette');
      await page.click('[data-testid="run-command"]');
      await page.locator('#messages .message', { hasText: 'warned @Jo' }).waitFor({ timeout: 15_000 });
      await shot('warn-reply');
      await open('mod-log');
      const logged = page.locator('#messages .message', { hasText: 'Spoilers without tags' });
      await logged.waitFor({ timeout: 15_000 });
      expect(await logged.locator('.embed').textContent()).toContain('Jo');
      await shot('mod-log');
      expect(await page.locator('#call-list .call.violation').count()).toBe(0);
      // The other tab was pushed the same world (no reload, no polling).
      await second.locator('#messages .message', { hasText: 'Spoilers without tags' }).waitFor({ timeout: 5_000 });
      await second.close();
    }, 60_000);
  });
});
