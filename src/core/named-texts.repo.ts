/**
 * A guild's named texts: short Markdown answers staff save under a name and send by name
 * (canned answers, canned replies). One table per use, each with the columns of
 * `NamedTextColumns` and a `(guild_id, name)` unique index, plus whatever the use adds.
 *
 * - Names are lower case (`namedTextName` checks and normalises them); the unique index
 *   settles two creates of one name (never a read before the insert).
 * - `use` reads the text and counts the use in one statement.
 * - Every query is scoped to the guild the repository was made for.
 */
import { and, asc, count, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn, SQLiteTable, SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import { UserError } from './errors';

/** Names: lower-case letters, digits, `-` and `_`, 1–32 characters, starting with a letter or digit. */
export const NAMED_TEXT_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/**
 * The normalised name (trimmed, lower case), or a `UserError` saying what names look like.
 * @param noun what the text is called in the message ("tag")
 */
export function namedTextName(input: string, noun: string): string {
  const name = input.trim().toLowerCase();
  if (!NAMED_TEXT_NAME.test(name)) {
    throw new UserError(`bad_${noun}_name`, `\`${input.slice(0, 40)}\` can't be a ${noun} name: use 1–32 lower-case letters, digits, \`-\` or \`_\`.`);
  }
  return name;
}

/** The columns every named-text table has. */
export interface NamedTextColumns {
  guildId: AnySQLiteColumn;
  name: AnySQLiteColumn;
  content: AnySQLiteColumn;
  uses: AnySQLiteColumn;
  createdBy: AnySQLiteColumn;
  updatedBy: AnySQLiteColumn;
  createdAt: AnySQLiteColumn;
  updatedAt: AnySQLiteColumn;
}

/** A named-text table. */
export type NamedTextTable = SQLiteTable & NamedTextColumns;

/** What the repository fills in itself on a create. */
type Managed = 'id' | 'guildId' | 'uses' | 'createdBy' | 'updatedBy' | 'createdAt' | 'updatedAt';

/** What a create takes: the name, the content and the table's own settings. */
export type NamedTextInput<T extends NamedTextTable> = Omit<T['$inferInsert'], Managed>;

/** What an edit may change: the content, and any of the table's own settings. */
export type NamedTextPatch<T extends NamedTextTable> = { content: string } & Partial<Omit<NamedTextInput<T>, 'name' | 'content'>>;

/** Guild-scoped add / edit / remove / use / list of one named-text table. */
export class GuildNamedTexts<T extends NamedTextTable> {
  constructor(
    protected readonly db: Db,
    protected readonly table: T,
    readonly guildId: string,
    /** How `suggest` orders names: alphabetically, or most used first. */
    private readonly suggestOrder: 'name' | 'uses' = 'name',
  ) {}

  private named(name: string): SQL | undefined {
    return and(eq(this.table.guildId, this.guildId), eq(this.table.name, name));
  }

  /** Creates a text; null when the name is taken. */
  async create(actorId: string, input: NamedTextInput<T>): Promise<T['$inferSelect'] | null> {
    const now = Date.now();
    // The input's keys are the table's own (its type); the rest are the shared columns.
    const values = { ...input, guildId: this.guildId, createdBy: actorId, updatedBy: actorId, createdAt: now, updatedAt: now } as T['$inferInsert'];
    try {
      const [row] = (await this.db.insert(this.table).values(values).returning()) as T['$inferSelect'][];
      return row ?? null;
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** Changes a text's content (and the settings given); null when there is none. */
  async edit(name: string, actorId: string, patch: NamedTextPatch<T>): Promise<T['$inferSelect'] | null> {
    // Settings left out of the patch are left as they are.
    const set = Object.fromEntries(Object.entries({ ...patch, updatedBy: actorId, updatedAt: Date.now() }).filter(([, v]) => v !== undefined)) as SQLiteUpdateSetSource<T>;
    const [row] = (await this.db.update(this.table).set(set).where(this.named(name)).returning()) as T['$inferSelect'][];
    return row ?? null;
  }

  /** Deletes a text; returns it, or null. */
  async remove(name: string): Promise<T['$inferSelect'] | null> {
    const [row] = (await this.db.delete(this.table).where(this.named(name)).returning()) as T['$inferSelect'][];
    return row ?? null;
  }

  /** Reads a text for sending and counts the use, in one statement. */
  async use(name: string): Promise<T['$inferSelect'] | null> {
    const uses = { uses: sql`${this.table.uses} + 1` } as SQLiteUpdateSetSource<T>;
    const [row] = (await this.db.update(this.table).set(uses).where(this.named(name)).returning()) as T['$inferSelect'][];
    return row ?? null;
  }

  /**
   * Up to `limit` names starting with `prefix` (autocomplete), in the repository's order: a
   * range over the `(guild_id, name)` index.
   */
  async suggest(prefix: string, limit = 25): Promise<{ name: string; uses: number }[]> {
    const from = prefix.toLowerCase();
    const t = this.table;
    const order = this.suggestOrder === 'uses' ? [desc(t.uses), asc(t.name)] : [asc(t.name)];
    const rows = await this.db
      .select({ name: t.name, uses: t.uses })
      .from(t as SQLiteTable)
      .where(and(eq(t.guildId, this.guildId), gte(t.name, from), lt(t.name, `${from}\uffff`)))
      .orderBy(...order)
      .limit(limit);
    return rows as { name: string; uses: number }[];
  }

  /** One page of texts by name, and how many there are. */
  async page(page: number, pageSize: number): Promise<{ rows: T['$inferSelect'][]; total: number }> {
    const t = this.table;
    const where = eq(t.guildId, this.guildId);
    const [rows, totals] = await this.db.batch([
      this.db.select().from(t as SQLiteTable).where(where).orderBy(asc(t.name)).limit(pageSize).offset(page * pageSize),
      this.db.select({ n: count() }).from(t as SQLiteTable).where(where),
    ]);
    return { rows: rows as T['$inferSelect'][], total: totals[0]?.n ?? 0 };
  }
}
