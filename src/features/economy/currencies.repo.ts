/**
 * `GuildCurrencies`: one guild's currencies. Names are unique per guild (stored lower case)
 * by index, never by a read first. A seasonal currency starts in the guild's open season.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import * as z from 'zod';
import type { Db } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { currencies, economySeasons, leaderboardBoards, leaderboardRanks, ledgerTx, wallets, type Currency } from './schema';

/** A currency name: 1–32 letters, digits, `-` or `_`. */
export const currencyNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}_-]{1,32}$/u, 'A currency name is 1–32 letters, digits, - or _.');

/** What a currency is made of (create, `ensureCurrency` presets). */
export const currencySpecSchema = z.object({
  name: currencyNameSchema,
  emoji: z.string().max(64).nullable().default(null),
  kind: z.enum(['xp', 'spendable']).default('spendable'),
  seasonal: z.boolean().default(false),
  maxBalance: z.number().int().positive().max(1_000_000_000_000).nullable().default(null),
  allowNegative: z.boolean().default(false),
  levelCurve: z.string().max(2000).nullable().default(null),
  dailyAmount: z.number().int().positive().max(1_000_000_000).nullable().default(null),
  dailyCooldownS: z.number().int().min(60).max(30 * 86_400).default(86_400),
});
/** Input of `currencySpecSchema`. */
export type CurrencySpec = z.input<typeof currencySpecSchema>;

function newCurrencyId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `c${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The guild's open season number (1 when none was ever rolled). */
export async function currentSeason(db: Db, guildId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`max(${economySeasons.number})` })
    .from(economySeasons)
    .where(eq(economySeasons.guildId, guildId));
  return row?.n ?? 1;
}

/** How long an isolate reuses a guild's currency list for read-only displays (`cachedList`). */
export const CURRENCIES_TTL_MS = 2000;
const listCache = new Map<string, { at: number; value: Promise<Currency[]> }>();

/** Drops the isolate's copy of a guild's currency list (after a change made here). */
export function forgetCurrencies(guildId: string): void {
  listCache.delete(guildId);
}

/** Guild-scoped access to currencies. */
export class GuildCurrencies {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Creates a currency; null when the name is taken. */
  async create(actorId: string, input: CurrencySpec): Promise<Currency | null> {
    const spec = currencySpecSchema.parse(input);
    forgetCurrencies(this.guildId);
    const now = Date.now();
    const season = spec.seasonal ? await currentSeason(this.db, this.guildId) : 0;
    try {
      const [rows] = await this.db.batch([
        this.db
          .insert(currencies)
          .values({ id: newCurrencyId(), guildId: this.guildId, ...spec, season, createdBy: actorId, createdAt: now, updatedAt: now })
          .returning(),
        // The guild's first season exists as a row once a seasonal currency does.
        this.db.insert(economySeasons).values({ guildId: this.guildId, number: 1, startedAt: now, startedBy: actorId }).onConflictDoNothing(),
      ]);
      return rows[0] ?? null;
    } catch (error) {
      if (isUniqueViolation(error, 'currencies')) return null;
      throw error;
    }
  }

  /** A currency by id or name (case-insensitive). */
  async find(nameOrId: string): Promise<Currency | undefined> {
    const key = nameOrId.trim();
    const [row] = await this.db
      .select()
      .from(currencies)
      .where(and(eq(currencies.guildId, this.guildId), sql`(${currencies.id} = ${key} OR ${currencies.name} = ${key.toLowerCase()})`))
      .limit(1);
    return row;
  }

  /** Every currency, by name (archived ones too). */
  async list(): Promise<Currency[]> {
    return this.db.select().from(currencies).where(eq(currencies.guildId, this.guildId)).orderBy(asc(currencies.name));
  }

  /**
   * The list, reused per isolate for {@link CURRENCIES_TTL_MS}: for displays only (the
   * leaderboard), never to decide a write (another isolate's change shows within the TTL).
   */
  cachedList(now = Date.now()): Promise<Currency[]> {
    const hit = listCache.get(this.guildId);
    if (hit && now - hit.at < CURRENCIES_TTL_MS) return hit.value;
    const value = this.list();
    if (listCache.size >= 1000) listCache.delete(listCache.keys().next().value!);
    listCache.set(this.guildId, { at: now, value });
    value.catch(() => listCache.get(this.guildId)?.value === value && listCache.delete(this.guildId));
    return value;
  }

  /** Returns the named currency, creating it from `spec` when missing (presets). */
  async ensure(actorId: string, spec: CurrencySpec): Promise<Currency> {
    const name = currencyNameSchema.parse(spec.name);
    const existing = await this.find(name);
    if (existing) return existing;
    const created = await this.create(actorId, spec);
    if (created) return created;
    const raced = await this.find(name);
    if (!raced) throw new Error(`currency ${name} neither created nor found`);
    return raced;
  }

  /**
   * Changes a currency. `allowNegative` is copied to its wallets in the same batch: turning
   * it off while a wallet is below zero fails the wallets' CHECK and changes nothing.
   */
  async edit(
    id: string,
    patch: Partial<Pick<Currency, 'name' | 'emoji' | 'maxBalance' | 'allowNegative' | 'dailyAmount' | 'dailyCooldownS' | 'archived' | 'levelCurve'>>,
  ): Promise<Currency | null> {
    forgetCurrencies(this.guildId);
    const where = and(eq(currencies.guildId, this.guildId), eq(currencies.id, id));
    const update = this.db.update(currencies).set({ ...patch, updatedAt: Date.now() }).where(where).returning();
    if (patch.allowNegative === undefined) {
      const [row] = await update;
      return row ?? null;
    }
    const [rows] = await this.db.batch([
      update,
      this.db
        .update(wallets)
        .set({ negativeOk: patch.allowNegative })
        .where(and(eq(wallets.guildId, this.guildId), eq(wallets.currencyId, id))),
    ]);
    return rows[0] ?? null;
  }

  /**
   * Deletes a currency that is archived or was never used (no ledger row), with its wallets
   * and board snapshots. Returns false when it is in use and not archived. One statement
   * decides: the delete's own WHERE.
   */
  async delete(id: string): Promise<boolean> {
    forgetCurrencies(this.guildId);
    const used = sql`EXISTS (SELECT 1 FROM ${ledgerTx} WHERE ${ledgerTx.guildId} = ${this.guildId} AND ${ledgerTx.currencyId} = ${id})`;
    const gone = sql`NOT EXISTS (SELECT 1 FROM ${currencies} WHERE ${currencies.id} = ${id})`;
    const [deleted] = await this.db.batch([
      this.db
        .delete(currencies)
        .where(and(eq(currencies.guildId, this.guildId), eq(currencies.id, id), sql`(${currencies.archived} = 1 OR NOT ${used})`))
        .returning({ id: currencies.id }),
      this.db.delete(wallets).where(and(eq(wallets.guildId, this.guildId), eq(wallets.currencyId, id), gone)),
      this.db.delete(leaderboardRanks).where(and(eq(leaderboardRanks.guildId, this.guildId), eq(leaderboardRanks.currencyId, id), gone)),
      this.db.delete(leaderboardBoards).where(and(eq(leaderboardBoards.guildId, this.guildId), eq(leaderboardBoards.currencyId, id), gone)),
    ]);
    return deleted.length > 0;
  }
}
