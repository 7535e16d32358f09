/**
 * Balances on the dashboard: a board's page with a member's rank (from the rank snapshot, as
 * `/leaderboard`), a member's wallets and ledger history (paged), and staff awards and
 * deductions (moderators, as `/award` and `/deduct`), each through `applyStaffChange` (one
 * batch with its audit row) under the caller's idempotency key: a retried request moves the
 * money once and answers the first result again.
 */
import { and, desc, eq, lt, or } from 'drizzle-orm';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import * as z from 'zod';
import { defineApiRoute, type ApiContext } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { DiscordApiError } from '../../discord/errors';
import { boardSchema, fieldError, service, snowflake } from './api.schemas';
import { GuildCurrencies } from './currencies.repo';
import { ALL_TIME, PAGE_SIZE, readBoard } from './leaderboard.service';
import { MAX_CHANGE } from './ledger';
import { applyStaffChange, mustFindCurrency } from './manage.service';
import { ledgerTx, wallets, type Currency } from './schema';

/** The board's season from `season` (a number, `current` or `all`), as `/leaderboard` reads it. */
function boardSeason(c: Currency, raw: string | undefined): number {
  const text = raw?.trim().toLowerCase();
  if (!text || text === 'current') return c.season;
  if (text === 'all') return c.seasonal ? ALL_TIME : 0;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw fieldError('query.season', 'A season is a number, current or all.');
  if (!c.seasonal) throw fieldError('query.season', `${c.name} is not seasonal: its board has no seasons.`);
  if (n > c.season) throw fieldError('query.season', `Season ${n} has not started: this is season ${c.season}.`);
  return n;
}

/** `GET /economy/currencies/{currencyId}/leaderboard?season=&page=&member=`. */
export const leaderboardRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/economy/currencies/{currencyId}/leaderboard',
  keyScope: 'economy:read',
  access: 'helper',
  summary: 'A page of a board (10 rows, from the rank snapshot) and a member’s rank (default: yours)',
  request: {
    params: z.object({ currencyId: z.string().min(1).max(64) }),
    query: z.object({ season: z.string().max(16).optional(), page: z.coerce.number().int().min(0).max(100_000).default(0), member: snowflake.optional() }),
  },
  response: boardSchema,
  handler: async (ctx, { params, query }) => {
    const c = await service(() => mustFindCurrency(ctx.db, ctx.guild, params.currencyId));
    const season = boardSeason(c, query.season);
    const member = query.member ?? ctx.user.id;
    const board = await readBoard(ctx.db, { guildId: ctx.guild, currencyId: c.id, season }, query.page, member);
    return { currencyId: c.id, season, page: query.page, pages: Math.max(1, Math.ceil(board.entries / PAGE_SIZE)), member, ...board };
  },
});

const memberParams = z.object({ userId: snowflake });

/** `GET /economy/members/{userId}/wallets`: every currency's balance (this season's and all-time). */
export const memberWalletsRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/economy/members/{userId}/wallets',
  keyScope: 'economy:read',
  access: 'moderator',
  summary: "A member's balances: this season's and all-time, per currency",
  request: { params: memberParams },
  response: z.object({ wallets: z.array(z.object({ currencyId: z.string(), name: z.string(), emoji: z.string().nullable(), season: z.number().int(), balance: z.number(), allTime: z.number() })) }),
  handler: async (ctx, { params }) => {
    const [list, rows] = await Promise.all([
      new GuildCurrencies(ctx.db, ctx.guild).list(),
      ctx.db
        .select({ currencyId: wallets.currencyId, season: wallets.season, balance: wallets.balance })
        .from(wallets)
        .where(and(eq(wallets.guildId, ctx.guild), eq(wallets.userId, params.userId))),
    ]);
    return {
      wallets: list.map((c) => {
        const mine = rows.filter((r) => r.currencyId === c.id);
        return { currencyId: c.id, name: c.name, emoji: c.emoji, season: c.season, balance: mine.find((r) => r.season === c.season)?.balance ?? 0, allTime: mine.reduce((n, r) => n + r.balance, 0) };
      }),
    };
  },
});

const cursor = z.string().regex(/^\d+\.[\w-]+$/, 'a cursor from the previous page');

/** `GET /economy/members/{userId}/ledger?currency=&cursor=&limit=`: newest first, keyset pages. */
export const memberLedgerRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/economy/members/{userId}/ledger',
  keyScope: 'economy:read',
  access: 'moderator',
  summary: "A member's ledger rows of one currency, newest first (pass next as cursor)",
  request: { params: memberParams, query: z.object({ currency: z.string().min(1).max(64), cursor: cursor.optional(), limit: z.coerce.number().int().min(1).max(100).default(25) }) },
  response: z.object({
    entries: z.array(z.object({ id: z.string(), amount: z.number(), balanceAfter: z.number(), actorId: z.string().nullable(), reason: z.string().nullable(), source: z.string(), season: z.number().int(), createdAt: z.number() })),
    next: z.string().nullable(),
  }),
  handler: async (ctx, { params, query }) => {
    const c = await service(() => mustFindCurrency(ctx.db, ctx.guild, query.currency));
    const base = and(eq(ledgerTx.guildId, ctx.guild), eq(ledgerTx.currencyId, c.id), eq(ledgerTx.userId, params.userId));
    let where = base;
    if (query.cursor) {
      const [at, id] = query.cursor.split('.') as [string, string];
      where = and(base, or(lt(ledgerTx.createdAt, Number(at)), and(eq(ledgerTx.createdAt, Number(at)), lt(ledgerTx.id, id))));
    }
    const rows = await ctx.db
      .select({ id: ledgerTx.id, amount: ledgerTx.amount, balanceAfter: ledgerTx.balanceAfter, actorId: ledgerTx.actorId, reason: ledgerTx.reason, source: ledgerTx.source, season: ledgerTx.season, createdAt: ledgerTx.createdAt })
      .from(ledgerTx)
      .where(where)
      .orderBy(desc(ledgerTx.createdAt), desc(ledgerTx.id))
      .limit(query.limit + 1);
    const more = rows.length > query.limit;
    const entries = rows.slice(0, query.limit);
    const last = entries.at(-1);
    return { entries, next: more && last ? `${last.createdAt}.${last.id}` : null };
  },
});

/** An award's or deduction's body: as `/award member amount currency reason`, plus the retry key. */
export const staffChangeBody = z.object({
  currency: z.string().min(1, 'Choose a currency.').max(64),
  amount: z.number().int('A whole number.').min(1, 'At least 1.').max(MAX_CHANGE, `At most ${MAX_CHANGE.toLocaleString('en-US')}.`),
  reason: z.string().trim().min(1, 'Say why (kept in the ledger and the audit log).').max(300),
  /** Chosen by the client once per intended change (e.g. a UUID) and sent again on a retry. */
  idempotencyKey: z.string().regex(/^[\w-]{8,80}$/, '8–80 letters, digits, - or _ (e.g. a UUID).'),
});

/** Refuses bots and non-members, as `/award`'s member check does. */
async function checkTarget(ctx: ApiContext, userId: string): Promise<void> {
  const member = await ctx.discord.members.get(ctx.guild, userId).catch((error: unknown) => {
    if (error instanceof DiscordApiError && (error.isUnknownMember || error.status === 404 || error.code === RESTJSONErrorCodes.UnknownUser)) return null;
    throw error;
  });
  if (!member) throw fieldError('params.userId', 'Not a member of this server.');
  if (member.user?.bot) throw fieldError('params.userId', 'Bots do not hold currency.');
}

const changeResponse = z.object({ txId: z.string(), balance: z.number(), duplicate: z.boolean(), currencyId: z.string(), userId: z.string() });

function staffChangeRoute(direction: 'credit' | 'debit') {
  const verb = direction === 'credit' ? 'award' : 'deduct';
  return defineApiRoute({
    method: 'post',
    path: `/guilds/{guildId}/economy/members/{userId}/${verb}`,
    keyScope: 'economy:write',
    access: 'moderator',
    summary: direction === 'credit' ? 'Give a member currency (as /award; idempotent by idempotencyKey)' : "Take currency from a member's balance (as /deduct; idempotent by idempotencyKey)",
    request: { params: memberParams, body: staffChangeBody },
    response: changeResponse,
    handler: async (ctx, { params, body }) => {
      const c = await service(() => mustFindCurrency(ctx.db, ctx.guild, body.currency), { unknown_currency: 'currency' }).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) throw fieldError('currency', error.message);
        throw error;
      });
      if (c.archived) throw fieldError('currency', `The currency ${c.name} is archived.`);
      await checkTarget(ctx, params.userId);
      const result = await service(() =>
        applyStaffChange(ctx, { guildId: ctx.guild, actorId: ctx.user.id, currency: c, userId: params.userId, amount: body.amount, direction, reason: body.reason, key: `web:${ctx.user.id}:${body.idempotencyKey}` }),
      );
      return { txId: result.txId, balance: result.balance, duplicate: result.duplicate, currencyId: c.id, userId: params.userId };
    },
  });
}

/** `POST /economy/members/{userId}/award`. */
export const awardRoute = staffChangeRoute('credit');
/** `POST /economy/members/{userId}/deduct`. */
export const deductRoute = staffChangeRoute('debit');
