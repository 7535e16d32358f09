/**
 * Currencies on the dashboard: list (staff), create, edit, archive and delete-when-unused
 * (managers, as `/currency` is for administrators). Every change goes through
 * `manage.service.ts`, as the commands do, and is audited with before and after. (A currency's
 * level curve is edited with the level settings, `levels/settings.api.ts`.)
 */
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { currencySchema, fieldError, service, toCurrency } from './api.schemas';
import { currencyNameSchema, GuildCurrencies } from './currencies.repo';
import { createCurrency, deleteCurrency, editCurrency, mustFindCurrency, type CurrencyPatch } from './manage.service';

const LIMIT = 1_000_000_000_000;

const fields = {
  name: currencyNameSchema,
  emoji: z.string().trim().max(64).nullable(),
  maxBalance: z.number().int().min(1, 'At least 1 (or none).').max(LIMIT).nullable(),
  allowNegative: z.boolean(),
  dailyAmount: z.number().int().min(1, 'At least 1 (or none).').max(1_000_000_000).nullable(),
  dailyCooldownHours: z.number().int().min(1).max(720),
};

/** `POST /economy/currencies`: the body of `/currency create`. */
export const newCurrencyBody = z.object({
  ...fields,
  kind: z.enum(['spendable', 'xp']).default('spendable'),
  seasonal: z.boolean().default(false),
  emoji: fields.emoji.default(null),
  maxBalance: fields.maxBalance.default(null),
  allowNegative: fields.allowNegative.default(false),
  dailyAmount: fields.dailyAmount.default(null),
  dailyCooldownHours: fields.dailyCooldownHours.default(24),
});

/** `PATCH /economy/currencies/{currencyId}`: any of `/currency edit`'s options. */
export const currencyPatchBody = z.object({ ...fields, archived: z.boolean() }).partial();

const params = z.object({ currencyId: z.string().min(1).max(64) });

/** `GET /economy/currencies`. */
export const listCurrenciesRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/economy/currencies',
  keyScope: 'economy:read',
  access: 'helper',
  summary: "The server's currencies (archived ones too), by name",
  response: z.object({ currencies: z.array(currencySchema) }),
  handler: async (ctx) => ({ currencies: (await new GuildCurrencies(ctx.db, ctx.guild).list()).map(toCurrency) }),
});

/** `POST /economy/currencies`: as `/currency create`. */
export const createCurrencyRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/economy/currencies',
  access: 'manager',
  summary: 'Create a currency (as /currency create)',
  status: 201,
  request: { body: newCurrencyBody },
  response: currencySchema,
  handler: async (ctx, { body }) => {
    if (body.dailyAmount !== null && body.kind !== 'spendable') throw fieldError('dailyAmount', 'Only a spendable currency can have a daily reward.');
    const { dailyCooldownHours, ...spec } = body;
    return toCurrency(await service(() => createCurrency(ctx.db, ctx.config, ctx.user.id, { ...spec, dailyCooldownS: dailyCooldownHours * 3600 })));
  },
});

/** `PATCH /economy/currencies/{currencyId}`: as `/currency edit` (archive with `archived: true`). */
export const editCurrencyRoute = defineApiRoute({
  method: 'patch',
  path: '/guilds/{guildId}/economy/currencies/{currencyId}',
  access: 'manager',
  summary: 'Change a currency (as /currency edit; archived: true archives it)',
  request: { params, body: currencyPatchBody },
  response: currencySchema,
  handler: async (ctx, { params, body }) => {
    const before = await service(() => mustFindCurrency(ctx.db, ctx.guild, params.currencyId));
    const { dailyCooldownHours, ...rest } = body;
    const patch: CurrencyPatch = { ...rest, ...(dailyCooldownHours !== undefined ? { dailyCooldownS: dailyCooldownHours * 3600 } : {}) };
    return toCurrency(await service(() => editCurrency(ctx.db, ctx.config, ctx.user.id, before, patch)));
  },
});

/** `DELETE /economy/currencies/{currencyId}`: only a currency never used, or archived. */
export const deleteCurrencyRoute = defineApiRoute({
  method: 'delete',
  path: '/guilds/{guildId}/economy/currencies/{currencyId}',
  access: 'manager',
  summary: 'Delete a currency that was never used or is archived (its ledger stays)',
  request: { params },
  response: z.object({ ok: z.literal(true) }),
  handler: async (ctx, { params }) => {
    const c = await service(() => mustFindCurrency(ctx.db, ctx.guild, params.currencyId));
    await service(() => deleteCurrency(ctx.db, ctx.config, ctx.user.id, c));
    return { ok: true as const };
  },
});
