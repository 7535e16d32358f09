/**
 * The economy's dashboard API shapes (zod) and how the shared services' refusals become HTTP
 * answers: bad input is 422 naming the field, a clash with the current state 409, an unknown
 * item 404. Imported only by the `*.api.ts` files (the dashboard's Worker).
 */
import * as z from 'zod';
import { ApiError } from '../../core/api/errors';
import { UserError } from '../../core/errors';
import type { Currency } from './schema';

/** A Discord id. */
export const snowflake = z.string().regex(/^\d{15,21}$/, 'must be a Discord id');

/** A 422 naming one field, in the platform's `{ error: 'invalid', fields }` shape. */
export function fieldError(field: string, message: string): ApiError {
  return new ApiError(422, 'invalid', 'Some fields are not valid.', { fields: { [field]: message } });
}

/** The status (and, for 422, the field) of a service's `UserError` code. */
const CODES: Record<string, [404 | 409 | 422, string?]> = {
  unknown_currency: [404],
  unknown_rule: [404],
  unknown_season: [404],
  unknown_milestone: [404],
  currency_exists: [422, 'name'],
  daily_xp: [422, 'dailyAmount'],
  nothing_to_change: [422, ''],
  negative_wallets: [409],
  currency_in_use: [409],
  season_raced: [409],
  rule_exists: [409],
  rule_loop: [422, ''],
  milestone_exists: [422, 'name'],
  bad_name: [422, 'name'],
  bad_threshold: [422, 'threshold'],
  unknown_milestone_currency: [422, 'currency'],
  reward_pair: [422, 'rewardAmount'],
  bad_amount: [422, 'rewardAmount'],
  invalid_rule: [422, ''],
  not_replayable: [422, 'rule.trigger.event'],
  credit_insufficient: [409],
  debit_insufficient: [409],
  credit_max_balance: [409],
  debit_max_balance: [409],
  credit_archived: [409],
  debit_archived: [409],
  credit_unknown_currency: [404],
  debit_unknown_currency: [404],
};

/** Runs a shared service; its `UserError`s become 404/409/422 answers (Discord markup kept out). */
export async function service<T>(run: () => Promise<T>, fields: Record<string, string> = {}): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof UserError) || error instanceof ApiError) throw error;
    const message = error.message.replace(/`/g, '');
    const [status, field] = CODES[error.code] ?? [409];
    if (status === 422) {
      // A rule's own errors name their path first: `effects.0.currency: there is no …`.
      const path = /^([\w.]+): (.*)$/.exec(message);
      const name = fields[error.code] ?? (path ? path[1]! : field ?? '');
      throw new ApiError(422, 'invalid', 'Some fields are not valid.', { fields: { [name]: path ? path[2]! : message }, code: error.code });
    }
    throw new ApiError(status, error.code, message);
  }
}

/** A currency as the dashboard shows it. */
export const currencySchema = z.object({
  id: z.string(),
  name: z.string(),
  emoji: z.string().nullable(),
  kind: z.enum(['xp', 'spendable']),
  seasonal: z.boolean(),
  season: z.number().int(),
  maxBalance: z.number().int().nullable(),
  allowNegative: z.boolean(),
  levelCurve: z.string().nullable(),
  dailyAmount: z.number().int().nullable(),
  dailyCooldownS: z.number().int(),
  archived: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

/** The dashboard's view of a currency row. */
export function toCurrency(c: Currency): z.input<typeof currencySchema> {
  return c;
}

/** One row of a board. */
export const boardRowSchema = z.object({ userId: z.string(), balance: z.number(), rank: z.number().int(), position: z.number().int() });

/** A page of a board and a member's own row. */
export const boardSchema = z.object({
  currencyId: z.string(),
  season: z.number().int(),
  page: z.number().int(),
  pages: z.number().int(),
  entries: z.number().int(),
  builtAt: z.number(),
  frozen: z.boolean(),
  rows: z.array(boardRowSchema),
  /** The member asked about (default: the caller); null when not on the board. */
  member: z.string(),
  own: boardRowSchema.nullable(),
});
