import { and, eq, like } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../core/schema';
import { getDb } from '../../db/client';
import { api, signIn } from '../../testing/dashboard';
import { guildWorld, type GuildWorld } from '../../testing/guild-world';
import { balanceOf } from './public';
import { ledgerTx } from './schema';

let w: GuildWorld;
let owner: string;
let moderator: string;
let helper: string;
const base = () => `/api/guilds/${w.g.guildId}/economy`;
const db = () => getDb(w.env);
const audits = (action: string) =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.guildId, w.g.guildId), like(auditLog.action, action)));

beforeEach(async () => {
  w = await guildWorld();
  owner = await signIn(w.env, { userId: w.owner.user.id, username: 'owner' });
  moderator = await signIn(w.env, { userId: w.moderator.user.id, username: 'moderator' });
  helper = await signIn(w.env, { userId: w.helper.user.id, username: 'helper' });
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

describe('economy dashboard API: currencies', () => {
  it('creates, lists, edits, archives and deletes a currency, each audited with before and after; bad bodies are 422 with field paths', async () => {
    const bad = await api(w.env, 'POST', `${base()}/currencies`, { cookie: owner, body: { name: 'no spaces here', maxBalance: 0, kind: 'xp', dailyAmount: 5 } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.fields)).toEqual(expect.arrayContaining(['name', 'maxBalance']));
    const xpDaily = await api(w.env, 'POST', `${base()}/currencies`, { cookie: owner, body: { name: 'stars', kind: 'xp', dailyAmount: 5 } });
    expect(xpDaily.status).toBe(422);
    expect(xpDaily.body.fields).toHaveProperty('dailyAmount');

    const created = await api(w.env, 'POST', `${base()}/currencies`, { cookie: owner, body: { name: 'Coins', emoji: '🪙', dailyAmount: 10, dailyCooldownHours: 12 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'coins', kind: 'spendable', dailyAmount: 10, dailyCooldownS: 43_200, archived: false });
    const again = await api(w.env, 'POST', `${base()}/currencies`, { cookie: owner, body: { name: 'coins' } });
    expect(again.status).toBe(422);
    expect(again.body.fields.name).toContain('already exists');

    // Staff may read; only managers change (as /currency is for administrators).
    const listed = await api(w.env, 'GET', `${base()}/currencies`, { cookie: helper });
    expect(listed.body.currencies.map((c: { name: string }) => c.name)).toEqual(['coins']);
    expect((await api(w.env, 'POST', `${base()}/currencies`, { cookie: moderator, body: { name: 'gems' } })).status).toBe(403);

    const id = created.body.id as string;
    const edited = await api(w.env, 'PATCH', `${base()}/currencies/${id}`, { cookie: owner, body: { maxBalance: 500, emoji: null } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ maxBalance: 500, emoji: null });
    const [edit] = await audits('economy.currency.edit');
    expect(edit!.before).toMatchObject({ name: 'coins', maxBalance: null, emoji: '🪙' });
    expect(edit!.after).toMatchObject({ maxBalance: 500, emoji: null });

    // Used currencies are deleted only once archived.
    const member = await w.member();
    expect((await api(w.env, 'POST', `${base()}/members/${member.user.id}/award`, { cookie: owner, body: { currency: 'coins', amount: 5, reason: 'welcome', idempotencyKey: 'key-delete-1' } })).status).toBe(200);
    const inUse = await api(w.env, 'DELETE', `${base()}/currencies/${id}`, { cookie: owner });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error).toBe('currency_in_use');
    expect((await api(w.env, 'PATCH', `${base()}/currencies/${id}`, { cookie: owner, body: { archived: true } })).body.archived).toBe(true);
    expect((await api(w.env, 'DELETE', `${base()}/currencies/${id}`, { cookie: owner })).status).toBe(200);
    expect((await api(w.env, 'GET', `${base()}/currencies`, { cookie: owner })).body.currencies).toEqual([]);
    expect((await audits('economy.currency.%')).map((a) => a.action).sort()).toEqual(['economy.currency.create', 'economy.currency.delete', 'economy.currency.edit', 'economy.currency.edit']);
    expect((await api(w.env, 'PATCH', `${base()}/currencies/${id}`, { cookie: owner, body: { maxBalance: 5 } })).status).toBe(404);
  });
});

describe('economy dashboard API: awards, wallets, ledger, leaderboard', () => {
  it('an award retried with the same key moves money once; deduct refuses an overdraft; wallets, ledger pages and the board with your rank read back', async () => {
    await api(w.env, 'POST', `${base()}/currencies`, { cookie: owner, body: { name: 'coins' } });
    const a = await w.member();
    const b = await w.member();
    const award = (who: string, amount: number, key: string, cookie = moderator) =>
      api(w.env, 'POST', `${base()}/members/${who}/award`, { cookie, body: { currency: 'coins', amount, reason: 'helped out', idempotencyKey: key } });

    const first = await award(a.user.id, 40, 'retry-key-0001');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ balance: 40, duplicate: false });
    const retry = await award(a.user.id, 40, 'retry-key-0001');
    expect(retry.body).toMatchObject({ balance: 40, duplicate: true, txId: first.body.txId });
    const coins = (await api(w.env, 'GET', `${base()}/currencies`, { cookie: owner })).body.currencies[0].id as string;
    expect(await balanceOf(db(), w.g.guildId, coins, a.user.id)).toBe(40);
    const awardAudits = await audits('economy.award');
    expect(awardAudits).toHaveLength(1);
    expect(awardAudits[0]!.before).toMatchObject({ member: a.user.id, balance: 0 });
    expect(awardAudits[0]!.after).toMatchObject({ member: a.user.id, balance: 40, amount: 40, reason: 'helped out', tx: first.body.txId });
    await award(b.user.id, 15, 'retry-key-0002');
    await award(a.user.id, 2, 'retry-key-0003');

    // Bad input names the field; a helper may not award; a bot or a stranger is refused.
    const bad = await api(w.env, 'POST', `${base()}/members/${a.user.id}/award`, { cookie: moderator, body: { currency: 'coins', amount: -3, reason: '', idempotencyKey: 'x' } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['amount', 'idempotencyKey', 'reason']);
    expect((await award(a.user.id, 1, 'retry-key-0004', helper)).status).toBe(403);
    const unknown = await api(w.env, 'POST', `${base()}/members/${a.user.id}/award`, { cookie: moderator, body: { currency: 'gems', amount: 1, reason: 'x', idempotencyKey: 'retry-key-0005' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.fields).toHaveProperty('currency');
    const stranger = await award('123456789012345678', 1, 'retry-key-0006');
    expect(stranger.status).toBe(422);
    expect(stranger.body.fields).toHaveProperty('params.userId');

    const over = await api(w.env, 'POST', `${base()}/members/${b.user.id}/deduct`, { cookie: moderator, body: { currency: 'coins', amount: 16, reason: 'oops', idempotencyKey: 'deduct-key-01' } });
    expect(over.status).toBe(409);
    expect(over.body.error).toBe('debit_insufficient');
    const deducted = await api(w.env, 'POST', `${base()}/members/${b.user.id}/deduct`, { cookie: moderator, body: { currency: 'coins', amount: 5, reason: 'oops', idempotencyKey: 'deduct-key-02' } });
    expect(deducted.body.balance).toBe(10);
    expect(await audits('economy.deduct')).toHaveLength(1);

    const wallets = await api(w.env, 'GET', `${base()}/members/${a.user.id}/wallets`, { cookie: moderator });
    expect(wallets.body.wallets).toEqual([expect.objectContaining({ name: 'coins', balance: 42, allTime: 42 })]);
    const page1 = await api(w.env, 'GET', `${base()}/members/${a.user.id}/ledger?currency=coins&limit=1`, { cookie: moderator });
    expect(page1.body.entries).toHaveLength(1);
    expect(page1.body.next).toBeTruthy();
    const page2 = await api(w.env, 'GET', `${base()}/members/${a.user.id}/ledger?currency=coins&limit=1&cursor=${page1.body.next}`, { cookie: moderator });
    expect(page2.body.entries).toHaveLength(1);
    expect(page2.body.next).toBeNull();
    expect([...page1.body.entries, ...page2.body.entries].map((e: { amount: number }) => e.amount).sort()).toEqual([2, 40]);
    expect((await db().select().from(ledgerTx).where(eq(ledgerTx.guildId, w.g.guildId))).length).toBe(4);

    // The board is the rank snapshot: built by the every-minute cron.
    await w.cron();
    const board = await api(w.env, 'GET', `${base()}/currencies/${coins}/leaderboard?member=${b.user.id}`, { cookie: helper });
    expect(board.status).toBe(200);
    expect(board.body.rows.map((r: { userId: string }) => r.userId)).toEqual([a.user.id, b.user.id]);
    expect(board.body.own).toMatchObject({ userId: b.user.id, rank: 2, balance: 10 });
    expect(board.body).toMatchObject({ entries: 2, pages: 1, page: 0, frozen: false });
    const mine = await api(w.env, 'GET', `${base()}/currencies/coins/leaderboard`, { cookie: helper });
    expect(mine.body.own).toBeNull();
    const badSeason = await api(w.env, 'GET', `${base()}/currencies/coins/leaderboard?season=3`, { cookie: helper });
    expect(badSeason.status).toBe(422);
    expect(badSeason.body.fields).toHaveProperty(['query.season']);
  });
});

describe('economy dashboard API: seasons and milestones', () => {
  it('rolls a season (once: a stale second roll is 409), freezes its board and keeps it; milestones listed and created', async () => {
    await api(w.env, 'POST', `${base()}/currencies`, { cookie: owner, body: { name: 'points', seasonal: true } });
    const a = await w.member();
    await api(w.env, 'POST', `${base()}/members/${a.user.id}/award`, { cookie: owner, body: { currency: 'points', amount: 7, reason: 'quiz', idempotencyKey: 'season-key-1' } });
    const before = await api(w.env, 'GET', `${base()}/seasons`, { cookie: helper });
    expect(before.body.current).toBe(1);
    expect((await api(w.env, 'POST', `${base()}/seasons/roll`, { cookie: moderator, body: { season: 1 } })).status).toBe(403);
    const rolled = await api(w.env, 'POST', `${base()}/seasons/roll`, { cookie: owner, body: { season: 1 } });
    expect(rolled.body).toMatchObject({ ended: 1, started: 2 });
    const stale = await api(w.env, 'POST', `${base()}/seasons/roll`, { cookie: owner, body: { season: 1 } });
    expect(stale.status).toBe(409);
    expect(await audits('economy.season.roll')).toHaveLength(1);
    const shown = await api(w.env, 'GET', `${base()}/seasons/1`, { cookie: helper });
    expect(shown.body.season.endedAt).toBeTruthy();
    expect(shown.body.boards).toEqual([expect.objectContaining({ name: 'points', frozen: true, entries: 1, rows: [expect.objectContaining({ userId: a.user.id, balance: 7, rank: 1 })] })]);
    expect((await api(w.env, 'GET', `${base()}/seasons/9`, { cookie: helper })).status).toBe(404);

    const bad = await api(w.env, 'POST', `${base()}/milestones`, { cookie: owner, body: { name: 'first', threshold: 0, currency: 'nope' } });
    expect(bad.status).toBe(422);
    expect(bad.body.fields).toHaveProperty('threshold');
    const unknown = await api(w.env, 'POST', `${base()}/milestones`, { cookie: owner, body: { name: 'first', threshold: 5, currency: 'nope' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.fields).toHaveProperty('currency');
    const made = await api(w.env, 'POST', `${base()}/milestones`, { cookie: owner, body: { name: 'First Steps', threshold: 5, currency: 'points', roleId: w.g.roles.Helpers } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'first steps', kind: 'wallet', threshold: 5 });
    expect((await api(w.env, 'GET', `${base()}/milestones`, { cookie: helper })).body.milestones).toEqual([expect.objectContaining({ name: 'first steps', awarded: 0 })]);
    expect(await audits('economy.milestone.create')).toHaveLength(1);
  });
});

describe('economy through the public API (API keys)', () => {
  it('a key with economy:write awards (the key is the actor, a retry moves money once), economy:read reads the board, a read-only key cannot award', async () => {
    await api(w.env, 'POST', `${base()}/currencies`, { cookie: owner, body: { name: 'coins' } });
    const a = await w.member();
    const makeKey = async (scopes: string[]) => {
      const res = await api(w.env, 'POST', `/api/guilds/${w.g.guildId}/api-keys`, { cookie: owner, body: { name: `script ${scopes.join(' ')}`, scopes, origins: [], tier: 'basic', expiresAt: null } });
      expect(res.status).toBe(201);
      return { id: res.body.key.id as string, secret: res.body.secret as string };
    };
    const writer = await makeKey(['economy:read', 'economy:write']);
    const reader = await makeKey(['economy:read']);
    const withKey = (secret: string, method: string, path: string, body?: unknown) =>
      api(w.env, method, `/api/v1/guilds/${w.g.guildId}/economy${path}`, { origin: null, headers: { authorization: `Bearer ${secret}` }, ...(body === undefined ? {} : { body }) });
    const award = { currency: 'coins', amount: 25, reason: 'won the website quiz', idempotencyKey: 'quiz-2026-12-01-a' };

    const first = await withKey(writer.secret, 'POST', `/members/${a.user.id}/award`, award);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ balance: 25, duplicate: false });
    const retry = await withKey(writer.secret, 'POST', `/members/${a.user.id}/award`, award);
    expect(retry.body).toMatchObject({ balance: 25, duplicate: true });
    const [row] = await db().select().from(ledgerTx).where(eq(ledgerTx.guildId, w.g.guildId));
    expect(row!.actorId).toBe(writer.id);
    expect((await audits('economy.award')).map((r) => r.actorId)).toEqual([writer.id]);

    const refused = await withKey(reader.secret, 'POST', `/members/${a.user.id}/award`, { ...award, idempotencyKey: 'quiz-2026-12-01-b' });
    expect(refused.status).toBe(403);
    const currencies = await withKey(reader.secret, 'GET', '/currencies');
    expect(currencies.status).toBe(200);
    const coins = (currencies.body.currencies ?? currencies.body).find?.((c: { name: string }) => c.name === 'coins') as { id: string } | undefined;
    expect(coins).toBeDefined();
    const board = await withKey(reader.secret, 'GET', `/currencies/${coins!.id}/leaderboard`);
    expect(board.status).toBe(200);
    const wallets = await withKey(reader.secret, 'GET', `/members/${a.user.id}/wallets`);
    expect(wallets.status).toBe(200);
    expect(JSON.stringify(wallets.body)).toContain('"balance":25');
    expect(await balanceOf(db(), w.g.guildId, coins!.id, a.user.id)).toBe(25);
  });
});
