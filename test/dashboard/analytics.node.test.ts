/**
 * The Analytics page in real Chromium over `npm start`'s stack: a year of daily rollups is
 * written into the stack's local D1, the owner logs in, and the activity chart is drawn with
 * data (pixels of the first series colour on the canvas, not an empty state); the heatmap grid
 * at phone width; the public page turned on and drawn logged out. Screenshots:
 * .artifacts/dashboard/analytics-*.png.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../../src/emulator/browser';
import { ensureDevVars } from '../../src/emulator/dev-vars';
import { PEOPLE } from '../../src/emulator/seed';
import { startStack, type Stack } from '../../src/emulator/stack';

const shots = join(process.cwd(), '.artifacts/dashboard');
const DAY = 86_400_000;

/** A year of compacted days for `guild` (messages 300–396 a day) and the `days` watermark at today. */
function rollupSql(guild: string, now = Date.now()): string {
  const today = Math.floor(now / DAY);
  const hourly = `json_object(${Array.from({ length: 24 }, (_, h) => `'${h}', ${h + 1}`).join(', ')})`;
  return `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 365)
    INSERT OR REPLACE INTO analytics_guild_days (guild_id, day, messages, members, reactions, voice_minutes, joins, leaves, commands, hourly)
    SELECT '${guild}', ${today} - 365 + i, 300 + i % 97, 40 + i % 13, i % 50, i % 120, i % 7, i % 5, i % 30, ${hourly} FROM n;
    INSERT INTO analytics_watermarks (name, value) VALUES ('days', ${today}) ON CONFLICT(name) DO UPDATE SET value = excluded.value;`;
}

describe.skipIf(!existsSync(CHROMIUM))(`the Analytics page in Chromium (${CHROMIUM})`, () => {
  let tmp: string;
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const errors: string[] = [];
  const guildId = () => stack.world!.guildId;
  const pixelsOf = (p: Page, selector: string, hex: string) =>
    p.evaluate(
      ([sel, colour]) => {
        const canvas = document.querySelector(`${sel} canvas`) as HTMLCanvasElement | null;
        if (!canvas) return -1;
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour!.slice(i, i + 2), 16));
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 200 && Math.abs(data[i]! - r!) < 24 && Math.abs(data[i + 1]! - g!) < 24 && Math.abs(data[i + 2]! - b!) < 24) n += 1;
        return n;
      },
      [selector, hex] as const,
    );

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'gatehouse-analytics-'));
    ensureDevVars(tmp);
    stack = await startStack({ root: process.cwd(), devVarsDir: tmp, dir: join(tmp, 'emulator'), persistTo: join(tmp, 'state'), ports: { bot: 0, page: 0, rest: 0, gateway: 0, cdn: 0 }, crons: false });
    const file = join(tmp, 'rollups.sql');
    writeFileSync(file, rollupSql(guildId()));
    execFileSync('npx', ['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', join(tmp, 'state'), '--file', file], { stdio: 'pipe' });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('draws the activity chart with the rollups, lists the page in the nav, and the heatmap at phone width', async () => {
    await page.goto(stack.botUrl);
    await page.locator('#login').click();
    await page.waitForURL((u) => u.pathname.includes('/oauth2/authorize'));
    await page.locator(`a[data-user-id="${stack.world!.users[PEOPLE.owner]}"]`).click();
    await page.waitForURL((u) => u.origin === stack.botUrl && !u.pathname.startsWith('/api/'));
    await page.goto(`${stack.botUrl}/#/g/${guildId()}/analytics?view=activity&days=90`);
    await page.locator('#chart-analytics-activity[data-chart="drawn"] canvas').waitFor({ timeout: 20_000 });
    await page.waitForTimeout(300);
    expect(await pixelsOf(page, '#chart-analytics-activity', '#4752c4')).toBeGreaterThan(50);
    expect(Number(await page.locator('.stat[data-metric="messages"] b').textContent())).toBeGreaterThan(20_000);
    expect(await page.locator('nav#nav a[data-page="analytics"]').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'analytics-activity.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.botUrl}/#/g/${guildId()}/analytics?view=heatmap&days=90`);
    await page.locator('table.heatmap td.heat-5').first().waitFor({ timeout: 15_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: join(shots, 'analytics-heatmap-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 90_000);

  it('publishes the public page and draws it logged out', async () => {
    await page.goto(`${stack.botUrl}/#/g/${guildId()}/analytics?view=public`);
    await page.locator('input[name=enabled]').check();
    await page.locator('main form button[type=submit]').click();
    const dialog = page.locator('dialog.confirm[open]');
    await dialog.waitFor();
    await dialog.locator('button[value=ok]').click();
    await page.locator(`main a[href$="public.html#${guildId()}"]`).waitFor({ timeout: 15_000 });
    await browser.context.clearCookies();
    const pub = await browser.context.newPage();
    await pub.goto(`${stack.botUrl}/public.html#${guildId()}`);
    await pub.locator('#chart-public-activity[data-chart="drawn"] canvas').waitFor({ timeout: 15_000 });
    expect(await pixelsOf(pub, '#chart-public-activity', '#4752c4')).toBeGreaterThan(50);
    await pub.screenshot({ path: join(shots, 'analytics-public.png'), fullPage: true });
    await pub.close();
    expect(errors).toEqual([]);
  }, 60_000);
});
