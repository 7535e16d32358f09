/**
 * The dashboard in real Chromium (Debian's, installed by .ci/run) over the whole local stack
 * (`npm start`'s: wrangler dev of the bot with local D1, the fake Discord with its OAuth pages,
 * the seeded server): the owner logs in through the fake OAuth authorize page, picks the guild,
 * sees the overview chart drawn with data, adds and reorders a gate question, decides an
 * application (the review card in the fake Discord updates), finds the change in the audit log
 * and reverts it; an expired session returns to the same page after logging in again; a
 * reviewer sees only their pages; a phone-width screenshot. Screenshots: .artifacts/dashboard/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../../src/emulator/browser';
import { ensureDevVars } from '../../src/emulator/dev-vars';
import { scenarioContext } from '../../src/emulator/scenario';
import { PEOPLE } from '../../src/emulator/seed';
import { startStack, type Stack } from '../../src/emulator/stack';

const shots = join(process.cwd(), '.artifacts/dashboard');

describe.skipIf(!existsSync(CHROMIUM))(`the dashboard in Chromium (${CHROMIUM}; .ci/run installs it)`, () => {
  let tmp: string;
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let step = 0;
  const errors: string[] = [];
  const shot = async (name: string, p: Page = page) => {
    step += 1;
    await p.screenshot({ path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const guildId = () => stack.world!.guildId;
  const watch = (p: Page) => {
    p.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    p.on('console', (m) => {
      // 401 (logged out), 404 (route probes) and 422 (the tests' bad input) are expected answers.
      if (m.type() === 'error' && !/status of 4(01|04|22)/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
  };
  /** Logs in through the fake Discord's authorize page as `username`. */
  const logIn = async (p: Page, username: string) => {
    await p.locator('#login').click();
    await p.waitForURL((u) => u.pathname.includes('/oauth2/authorize'));
    await p.locator(`a[data-user-id="${stack.world!.users[username]}"]`).click();
    await p.waitForURL((u) => u.origin === stack.botUrl && !u.pathname.startsWith('/api/'));
  };
  /** Confirms the open dialog. */
  const confirm = async (p: Page = page) => {
    const dialog = p.locator('dialog.confirm[open]');
    await dialog.waitFor();
    await dialog.locator('button[value=ok]').click();
    await dialog.waitFor({ state: 'detached' });
  };
  /** Opaque pixels of a colour (±24 per channel) in a canvas under `selector` (its top half only with `top`). */
  const pixelsOf = (p: Page, selector: string, hex: string, top = false) =>
    p.evaluate(
      ([sel, colour, upper]) => {
        const canvas = document.querySelector(`${sel} canvas`) as HTMLCanvasElement | null;
        if (!canvas) return -1;
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, upper ? Math.floor(canvas.height / 2) : canvas.height);
        const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour!.slice(i, i + 2), 16));
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! > 200 && Math.abs(data[i]! - r!) < 24 && Math.abs(data[i + 1]! - g!) < 24 && Math.abs(data[i + 2]! - b!) < 24) n += 1;
        }
        return n;
      },
      [selector, hex, top] as const,
    );

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'gatehouse-dashboard-'));
    ensureDevVars(tmp);
    stack = await startStack({ root: process.cwd(), devVarsDir: tmp, dir: join(tmp, 'emulator'), persistTo: join(tmp, 'state'), ports: { bot: 0, page: 0, rest: 0, gateway: 0, cdn: 0 }, crons: false });
    // History for the overview and the queue: a newcomer applies; a moderator warns someone.
    const ctx = scenarioContext(stack.emulator, stack.world!, () => {});
    await apply(ctx, PEOPLE.newcomer);
    await ctx.command(PEOPLE.moderator, 'general', 'warn', [
      { name: 'member', type: 6, value: ctx.user(PEOPLE.members[0]) },
      { name: 'reason', type: 3, value: 'Spoilers without tags' },
    ]);
    browser = await launchChromium();
    page = await browser.context.newPage();
    watch(page);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the pages with the CSP and no inline script', async () => {
    const res = await fetch(`${stack.botUrl}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('The dashboard is not built yet');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${stack.botUrl}/_headers`)).status).toBe(404);
  }, 30_000);

  it('logs the owner in through the fake OAuth page and shows the server picker', async () => {
    await page.goto(stack.botUrl);
    await page.locator('#login').waitFor();
    await shot('login');
    await logIn(page, PEOPLE.owner);
    const guild = page.locator(`.guild[data-guild="${guildId()}"] a.open`);
    await guild.waitFor();
    await shot('picker');
    await guild.click();
    await page.waitForURL(new RegExp(`#/g/${guildId()}/overview`));
  }, 60_000);

  it('draws the overview chart from the API data (pixels of a series colour on the canvas)', async () => {
    await page.locator('#chart-activity[data-chart="drawn"] canvas').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    // "Commands used" is the fourth activity series (COLORS[3]): the seeding's commands today
    // make its line climb into the top half of the plot, where no axis or zero line is drawn.
    expect(await pixelsOf(page, '#chart-activity', '#c2255c')).toBeGreaterThan(20);
    expect(await pixelsOf(page, '#chart-activity', '#c2255c', true)).toBeGreaterThan(5);
    expect(Number(await page.locator('.stat[data-metric="commands"] b').textContent())).toBeGreaterThan(0);
    expect(Number(await page.locator('.stat[data-metric="submitted"] b').textContent())).toBeGreaterThan(0);
    await shot('overview');
  }, 30_000);

  it('adds a gate question (a 422 shows beside the field first) and moves it up', async () => {
    await page.locator('nav#nav a[data-page="config"]').click();
    const add = page.locator('#add-question');
    await add.waitFor();
    // Every control on the configuration page has a label (or an aria-label).
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('main input, main select, main textarea')]
        .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label'))
        .map((el) => el.getAttribute('name')),
    );
    expect(unlabelled).toEqual([]);
    await add.locator('button[type=submit]').click();
    await confirm();
    await add.locator('.field-error').waitFor();
    expect(await add.locator('input[name=label]').getAttribute('aria-invalid')).toBe('true');
    await shot('question-422');
    // By keyboard: type, Enter submits, Enter confirms (the dialog focuses its confirm button).
    await add.locator('input[name=label]').fill('Which rule matters most to you?');
    await add.locator('input[name=label]').press('Enter');
    await page.locator('dialog.confirm[open]').waitFor();
    await page.keyboard.press('Enter');
    const added = page.locator('#questions li', { hasText: 'Which rule matters most to you?' });
    await added.waitFor();
    const count = await page.locator('#questions li').count();
    expect(await page.locator('#questions li').last().textContent()).toContain('Which rule matters most to you?');
    await added.locator('button[data-move="up"]').click();
    await confirm();
    await expect.poll(() => page.locator('#questions li').nth(count - 2).textContent()).toContain('Which rule matters most to you?');
    await shot('questions-reordered');
  }, 60_000);

  it('finds the reorder in the audit log with its diff and reverts it', async () => {
    await page.locator('nav#nav a[data-page="audit"]').click();
    const entry = page.locator('#audit .audit-entry').first();
    await entry.waitFor();
    expect(await entry.getAttribute('data-action')).toBe('gate.question.reorder');
    expect(await entry.locator('.diff-list li').count()).toBeGreaterThan(0);
    const entries = await page.locator('#audit .audit-entry').count();
    await shot('audit');
    await entry.locator('button[data-revert]').click();
    await confirm();
    // The revert went through the same service: a new reorder entry on top.
    await expect.poll(() => page.locator('#audit .audit-entry').count()).toBe(entries + 1);
    expect(await page.locator('#audit .audit-entry').first().getAttribute('data-action')).toBe('gate.question.reorder');
    await page.locator('nav#nav a[data-page="config"]').click();
    await page.locator('#questions').waitFor();
    expect(await page.locator('#questions li').last().textContent()).toContain('Which rule matters most to you?');
  }, 60_000);

  it('claims and accepts an application; the review card in the fake Discord says so', async () => {
    const ctx = scenarioContext(stack.emulator, stack.world!, () => {});
    await page.locator('nav#nav a[data-page="applications"]').click();
    const row = page.locator('a.app-link').first();
    await row.waitFor();
    await row.click();
    await page.locator('#account-age').waitFor();
    expect(await page.locator('#avatar-risk').textContent()).toBeTruthy();
    await shot('application');
    await page.locator('#claim').click();
    await confirm();
    await page.locator('#app-status .badge.claimed').waitFor();
    // A reason is required to reject: the 422 shows beside the field.
    const reject = page.locator('form.decide[data-action="reject"]');
    await reject.locator('button[type=submit]').click();
    await confirm();
    await reject.locator('.field-error').waitFor();
    const accept = page.locator('form.decide[data-action="accept"]');
    await accept.locator('button[type=submit]').click();
    await confirm();
    await page.locator('#app-status .badge.accepted').waitFor();
    await shot('application-accepted');
    const nina = ctx.user(PEOPLE.newcomer);
    await ctx.until('the card to show the decision', () => ctx.messages('review').find((m) => JSON.stringify(m).includes(nina) && /accepted/i.test(JSON.stringify(m))), 15_000);
  }, 60_000);

  it('an expired session asks to log in again and returns to the same page', async () => {
    await page.locator('nav#nav a[data-page="cases"]').click();
    await page.locator('h1', { hasText: 'Moderation' }).waitFor();
    const where = page.url();
    await browser.context.clearCookies();
    await page.reload();
    await page.locator('#login').waitFor();
    await logIn(page, PEOPLE.owner);
    await page.locator('h1', { hasText: 'Moderation' }).waitFor();
    expect(page.url()).toBe(where);
    await shot('cases');
  }, 60_000);

  it('on a phone-width screen the pages fit and the navigation scrolls', async () => {
    const phone = await browser.context.browser()?.newContext({ viewport: { width: 390, height: 844 } });
    const ctx2: BrowserContext = phone ?? browser.context;
    const p = await ctx2.newPage();
    watch(p);
    await ctx2.addCookies(await browser.context.cookies());
    await p.goto(`${stack.botUrl}/#/g/${guildId()}/overview`);
    await p.locator('#chart-activity[data-chart="drawn"]').waitFor({ timeout: 15_000 });
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot('phone-overview', p);
    await p.close();
  }, 60_000);

  it('a reviewer sees only their pages', async () => {
    const ctx2 = await browser.context.browser()?.newContext();
    const reviewer = await (ctx2 ?? browser.context).newPage();
    watch(reviewer);
    await reviewer.goto(stack.botUrl);
    await reviewer.locator('#login').waitFor();
    await logIn(reviewer, PEOPLE.reviewer);
    await reviewer.locator(`.guild[data-guild="${guildId()}"] a.open`).click();
    await reviewer.locator('nav#nav a').first().waitFor();
    const nav = await reviewer.locator('nav#nav a').allTextContents();
    expect(nav).toEqual(['Applications']);
    await shot('reviewer', reviewer);
    await reviewer.goto(`${stack.botUrl}/#/g/${guildId()}/config`);
    await reviewer.locator('h1', { hasText: 'No access' }).waitFor();
    await reviewer.close();
  }, 60_000);

  it('creates an API key, shows it once, uses it on /api/v1, revokes it; /api/docs lists the public routes', async () => {
    await page.goto(`${stack.botUrl}/#/g/${guildId()}/api-keys`);
    const form = page.locator('#create-key');
    await form.waitFor();
    await form.locator('input[name=name]').fill('Our website');
    await form.locator('input[name=scopes][value="applications:read"]').check();
    await form.locator('button[type=submit]').click();
    await confirm();
    const secretInput = page.locator('#new-secret');
    await secretInput.waitFor();
    const secret = await secretInput.inputValue();
    expect(secret).toMatch(/^gh_live_[0-9a-f]{64}$/);
    const row = page.locator('tr', { hasText: 'Our website' });
    expect(await row.textContent()).toContain(`${secret.slice(0, 16)}…`);
    expect(await row.textContent()).not.toContain(secret.slice(16));
    await shot('api-key-created');
    const use = await fetch(`${stack.botUrl}/api/v1/guilds/${guildId()}/applications`, { headers: { authorization: `Bearer ${secret}` } });
    expect(use.status).toBe(200);
    expect(use.headers.get('ratelimit-remaining')).toBe('59');
    // Shown once: after navigating away and back the secret is gone; the list shows the use.
    await page.locator('nav#nav a[data-page="audit"]').click();
    await page.locator('#audit').waitFor();
    await page.locator('nav#nav a[data-page="api-keys"]').click();
    await page.locator('#create-key').waitFor();
    expect(await page.locator('#new-secret').count()).toBe(0);
    expect(await page.locator('tr', { hasText: 'Our website' }).textContent()).toContain('1 / 10,000 this month');
    await page.locator('tr', { hasText: 'Our website' }).locator('button[data-revoke]').click();
    await confirm();
    await page.locator('tr', { hasText: 'Our website' }).locator('.badge', { hasText: 'revoked' }).waitFor();
    const refused = await fetch(`${stack.botUrl}/api/v1/guilds/${guildId()}/applications`, { headers: { authorization: `Bearer ${secret}` } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toBe('key_revoked');
    const docs = await browser.context.newPage();
    watch(docs);
    await docs.goto(`${stack.botUrl}/api/docs`);
    await docs.locator('main[data-ready=true]').waitFor();
    const listed = await docs.locator('details.op').evaluateAll((els) => els.map((e) => `${(e as HTMLElement).dataset.method} ${(e as HTMLElement).dataset.path}`));
    expect(listed).toContain('get /v1/guilds/{guildId}/applications');
    await shot('api-docs', docs);
    await docs.close();
  }, 60_000);

  it('engagement: creates a currency (a 422 beside the field first), dry-runs a rule and sees the per-member report', async () => {
    await page.goto(`${stack.botUrl}/#/g/${guildId()}/engagement`);
    const form = page.locator('#new-currency');
    await form.waitFor();
    await form.locator('input[name=name]').fill('not a name!');
    await form.locator('button[type=submit]').click();
    await confirm();
    await form.locator('.field-error').waitFor();
    expect(await form.locator('input[name=name]').getAttribute('aria-invalid')).toBe('true');
    await form.locator('input[name=name]').fill('xp');
    await form.locator('select[name=kind]').selectOption('xp');
    await form.locator('button[type=submit]').click();
    await confirm();
    await page.locator('#eng-currencies tr[data-currency="xp"]').waitFor();
    await shot('engagement-currency');
    // The editor starts with a message-XP rule on `xp`: a dry run shows the report, saves nothing.
    await page.locator('#dry-run').click();
    const report = page.locator('#dry-run-report');
    await report.waitFor({ timeout: 30_000 });
    expect(await report.textContent()).toContain('Nothing was written.');
    expect(await page.locator('#rules li').count()).toBe(0);
    await report.scrollIntoViewIfNeeded();
    await shot('engagement-dry-run');
    // A bad definition: the zod path is shown beside the editor.
    await page.locator('#rule-editor textarea[name=rule]').fill('{"name":"x","trigger":{"event":"MESSAGE_CREATE"},"effects":[{"type":"credit","currency":"xp","amount":0}]}');
    await page.locator('#dry-run').click();
    await expect.poll(() => page.locator('#rule-editor .field-error').textContent(), { timeout: 15_000 }).toContain('effects.0.amount');
  }, 90_000);

  it('configuration: a channel is picked by name from a select (the id is what is saved)', async () => {
    await page.locator('nav#nav a[data-page="config"]').click();
    const picker = page.locator('#config-channels select[name="channels.economy_announcements"]');
    await picker.waitFor();
    const general = stack.world!.channels.general!;
    expect(await picker.locator(`option[value="${general}"]`).textContent()).toContain('#general');
    await picker.selectOption(general);
    await page.locator('#config-channels button[type=submit]').click();
    await confirm();
    await expect.poll(() => page.locator('#config-channels select[name="channels.economy_announcements"]').inputValue(), { timeout: 15_000 }).toBe(general);
    // Role fields are selects too (gate and moderation settings).
    await expect.poll(() => page.locator('#config-moderation select[name=mutedRoleId]').count(), { timeout: 15_000 }).toBe(1);
    // The saved section is drawn again: scroll to it once the new one is in place.
    await expect.poll(() => page.locator('#config-channels').scrollIntoViewIfNeeded({ timeout: 2_000 }).then(() => true, () => false), { timeout: 15_000 }).toBe(true);
    await shot('config-pickers');
  }, 60_000);

  it('saw no page errors', () => {
    expect(errors).toEqual([]);
  });
});

/** `username` presses Apply in #gate and submits the modal. */
async function apply(ctx: ReturnType<typeof scenarioContext>, username: string): Promise<void> {
  const gate = ctx.messages('gate').find((m) => m.components?.length);
  if (!gate) throw new Error('no gate message');
  const opened = await ctx.press(username, 'gate', gate, 'Apply');
  const modal = opened.response?.data as { custom_id: string; components: { label?: string; component?: { custom_id: string }; components?: { custom_id: string }[] }[] };
  const fields: Record<string, string> = {};
  for (const c of modal.components) {
    const id = c.component?.custom_id ?? c.components?.[0]?.custom_id;
    if (id) fields[id] = 'A friend told me; I like the community.';
  }
  const done = await ctx.emulator.submitModal(ctx.user(username), ctx.channel('gate'), modal, fields, gate.id);
  if (done.status === 'failed') throw new Error(`apply failed: ${done.error}`);
  await ctx.until('the review card', () => ctx.messages('review').find((m) => JSON.stringify(m.embeds).includes(ctx.user(username))), 15_000);
}
