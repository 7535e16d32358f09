/**
 * `GuildSnippets`: one guild's canned staff replies. Name collisions are settled by the
 * `(guild_id, name)` unique index; `use` counts and reads in one statement.
 */
import { and, asc, count, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { modmailSnippets, type ModmailSnippetRow } from './ops.schema';

/** Guild-scoped access to snippets. */
export class GuildSnippets {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Creates a snippet; null when the name is taken. */
  async create(actorId: string, input: { name: string; content: string; anonymous: boolean }): Promise<ModmailSnippetRow | null> {
    const now = Date.now();
    try {
      const [row] = await this.db
        .insert(modmailSnippets)
        .values({ guildId: this.guildId, ...input, createdBy: actorId, updatedBy: actorId, createdAt: now, updatedAt: now })
        .returning();
      return row ?? null;
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** Changes a snippet's content (and anonymity when given); null when there is none. */
  async edit(name: string, actorId: string, patch: { content: string; anonymous?: boolean }): Promise<ModmailSnippetRow | null> {
    const [row] = await this.db
      .update(modmailSnippets)
      .set({ content: patch.content, ...(patch.anonymous !== undefined ? { anonymous: patch.anonymous } : {}), updatedBy: actorId, updatedAt: Date.now() })
      .where(and(eq(modmailSnippets.guildId, this.guildId), eq(modmailSnippets.name, name)))
      .returning();
    return row ?? null;
  }

  /** Deletes a snippet; returns it, or null. */
  async remove(name: string): Promise<ModmailSnippetRow | null> {
    const [row] = await this.db.delete(modmailSnippets).where(and(eq(modmailSnippets.guildId, this.guildId), eq(modmailSnippets.name, name))).returning();
    return row ?? null;
  }

  /** Reads a snippet for sending and counts the use, in one statement. */
  async use(name: string): Promise<ModmailSnippetRow | null> {
    const [row] = await this.db
      .update(modmailSnippets)
      .set({ uses: sql`${modmailSnippets.uses} + 1` })
      .where(and(eq(modmailSnippets.guildId, this.guildId), eq(modmailSnippets.name, name)))
      .returning();
    return row ?? null;
  }

  /** Up to `limit` names starting with `prefix` (autocomplete). */
  async suggest(prefix: string, limit = 25): Promise<string[]> {
    const from = prefix.toLowerCase();
    const rows = await this.db
      .select({ name: modmailSnippets.name })
      .from(modmailSnippets)
      .where(and(eq(modmailSnippets.guildId, this.guildId), gte(modmailSnippets.name, from), lt(modmailSnippets.name, `${from}\uffff`)))
      .orderBy(asc(modmailSnippets.name))
      .limit(limit);
    return rows.map((r) => r.name);
  }

  /** One page of snippets by name, and how many there are. */
  async page(page: number, pageSize: number): Promise<{ rows: ModmailSnippetRow[]; total: number }> {
    const where = eq(modmailSnippets.guildId, this.guildId);
    const [rows, totals] = await this.db.batch([
      this.db.select().from(modmailSnippets).where(where).orderBy(asc(modmailSnippets.name)).limit(pageSize).offset(page * pageSize),
      this.db.select({ n: count() }).from(modmailSnippets).where(where),
    ]);
    return { rows, total: totals[0]?.n ?? 0 };
  }
}
