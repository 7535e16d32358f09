/**
 * The Webhooks page in real Chromium over `npm start`'s stack (its web Worker consumes the
 * webhook deliveries; `.dev.vars` turns webhooks on with loopback targets): the owner logs in,
 * subscribes a receiver running in this process, sees it listed, sends a test event and sees
 * it delivered in the log, replays it, then rotates the secret with an overlap, and the next
 * delivery carries a signature for the old secret and one for the new. Desktop and phone
 * widths (no horizontal overflow). Screenshots: .artifacts/dashboard/webhooks-*.png.
 */
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../../src/emulator/browser';
import { ensureDevVars } from '../../src/emulator/dev-vars';
import { PEOPLE } from '../../src/emulator/seed';
import { startStack, type Stack } from '../../src/emulator/stack';
import { startWebhookReceiver } from '../../src/testing/webhook-receiver';

const shots = join(process.cwd(), '.artifacts/dashboard');

type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
interface Hook {
  headers: Record<string, string>;
  body: string;
}

/** Whether `header` (`sha256=<hex>[,sha256=<hex>]`) holds a signature of `body` at `timestamp` with `secret`. */
const signedWith = (secret: string, hook: Hook) => {
  const mac = createHmac('sha256', secret).update(`${hook.headers['x-gatehouse-timestamp']}.${hook.body}`).digest('hex');
  return hook.headers['x-gatehouse-signature']!.split(',').includes(`sha256=${mac}`);
};

describe.skipIf(!existsSync(CHROMIUM))(`the Webhooks page in Chromium (${CHROMIUM})`, () => {
  let tmp: string;
  let stack: Stack;
  let receiver: Receiver;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const errors: string[] = [];
  const guildId = () => stack.world!.guildId;
  const received = async (): Promise<Hook[]> => (await fetch(`${receiver.url}/received/page`)).json() as Promise<Hook[]>;
  const waitFor = async <T>(what: string, check: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> => {
    const until = Date.now() + ms;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const confirm = async () => {
    const dialog = page.locator('dialog.confirm[open]');
    await dialog.waitFor();
    await dialog.locator('button[value=ok]').click();
    await dialog.waitFor({ state: 'detached' });
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    receiver = await startWebhookReceiver();
    tmp = mkdtempSync(join(tmpdir(), 'gatehouse-webhooks-'));
    ensureDevVars(tmp);
    stack = await startStack({ root: process.cwd(), devVarsDir: tmp, dir: join(tmp, 'emulator'), persistTo: join(tmp, 'state'), ports: { bot: 0, page: 0, rest: 0, gateway: 0, cdn: 0 }, crons: false });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await receiver?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('subscribes, lists, delivers a test event, replays it, and rotates the secret with an overlap', async () => {
    await page.goto(stack.botUrl);
    await page.locator('#login').click();
    await page.waitForURL((u) => u.pathname.includes('/oauth2/authorize'));
    await page.locator(`a[data-user-id="${stack.world!.users[PEOPLE.owner]}"]`).click();
    await page.waitForURL((u) => u.origin === stack.botUrl && !u.pathname.startsWith('/api/'));
    await page.goto(`${stack.botUrl}/#/g/${guildId()}/webhooks`);

    // Subscribe: the secret is shown once.
    const url = `${receiver.url}/hooks/page`;
    await page.locator('#webhook-form input[name=url]').fill(url);
    await page.locator('#webhook-form input[name=events][value=case_created]').check();
    await page.locator('#webhook-form button[type=submit]').click();
    await confirm();
    const first = (await page.locator('code.secret').textContent({ timeout: 15_000 }))!.trim();
    expect(first).toMatch(/^whsec_/);
    const row = page.locator('tr[data-webhook]');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.first().textContent()).toContain(url);
    const id = (await row.first().getAttribute('data-webhook'))!;

    // A test event: the log shows it delivered (the web Worker's consumer sent it).
    await page.locator(`button[data-test="${id}"]`).click();
    await confirm();
    await page.locator('#deliveries').waitFor({ timeout: 15_000 });
    const [hook] = await waitFor('the test delivery', async () => ((await received()).length >= 1 ? received() : undefined));
    expect(signedWith(first, hook!)).toBe(true);
    await waitFor('the log to show it delivered', async () => {
      await page.reload();
      await page.locator('#deliveries').waitFor();
      return (await page.locator('#deliveries [data-status="delivered"]').count()) === 1;
    });
    await page.screenshot({ path: join(shots, 'webhooks-log.png'), fullPage: true });

    // Replay: the same delivery id and body again.
    await page.locator('#deliveries button[data-replay]').first().click();
    await confirm();
    const replayed = await waitFor('the replay', async () => {
      const got = await received();
      return got.length >= 2 ? got : undefined;
    });
    expect(replayed[1]!.headers['x-gatehouse-delivery']).toBe(hook!.headers['x-gatehouse-delivery']);
    expect(replayed[1]!.body).toBe(hook!.body);

    // Rotate with an hour of overlap: the old secret's hint stays listed, and the next delivery is signed with both.
    await page.locator(`button[data-rotate="${id}"]`).click();
    const dialog = page.locator('dialog.confirm[open]');
    await dialog.waitFor();
    await dialog.locator('select[name=overlapSeconds]').selectOption('3600');
    await page.screenshot({ path: join(shots, 'webhooks-rotate-dialog.png') });
    await dialog.locator('button[value=ok]').click();
    await page.locator(`[data-previous="${id}"]`).waitFor({ timeout: 15_000 });
    const second = (await page.locator('code.secret').textContent())!.trim();
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    expect(await page.locator(`[data-previous="${id}"]`).textContent()).toContain(first.slice(-4));
    await page.locator(`button[data-test="${id}"]`).click();
    await confirm();
    const third = (await waitFor('the delivery after the rotation', async () => {
      const got = await received();
      return got.length >= 3 ? got : undefined;
    }))[2]!;
    expect(third.headers['x-gatehouse-signature']).toMatch(/^sha256=[0-9a-f]{64},sha256=[0-9a-f]{64}$/);
    expect(signedWith(second, third)).toBe(true);
    expect(signedWith(first, third)).toBe(true);
    await page.reload();
    await page.locator('#deliveries').waitFor();
    await page.screenshot({ path: join(shots, 'webhooks-desktop.png'), fullPage: true });

    // A phone: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator('#deliveries').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: join(shots, 'webhooks-phone.png'), fullPage: true });
    expect(overflow).toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(errors).toEqual([]);
  }, 180_000);
});
