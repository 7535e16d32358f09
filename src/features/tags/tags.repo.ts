/**
 * `GuildTags`: one guild's tags. Collisions are settled by the `(guild_id, name)` unique
 * index (never a read before the insert); `use` counts and reads in one statement.
 */
import { and, asc, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { tags, type TagRow } from './schema';

/** What a tag is made of. */
export interface TagInput {
  name: string;
  content: string;
  allowMentions: boolean;
}

/** Guild-scoped access to tags. */
export class GuildTags {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Creates a tag; null when the name is taken. */
  async create(actorId: string, input: TagInput): Promise<TagRow | null> {
    const now = Date.now();
    try {
      const [row] = await this.db
        .insert(tags)
        .values({ guildId: this.guildId, ...input, createdBy: actorId, updatedBy: actorId, createdAt: now, updatedAt: now })
        .returning();
      return row ?? null;
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** Changes a tag's content (and mention setting when given); null when there is none. */
  async edit(name: string, actorId: string, patch: { content: string; allowMentions?: boolean }): Promise<TagRow | null> {
    const [row] = await this.db
      .update(tags)
      .set({ content: patch.content, ...(patch.allowMentions !== undefined ? { allowMentions: patch.allowMentions } : {}), updatedBy: actorId, updatedAt: Date.now() })
      .where(and(eq(tags.guildId, this.guildId), eq(tags.name, name)))
      .returning();
    return row ?? null;
  }

  /** Deletes a tag; returns it, or null. */
  async delete(name: string): Promise<TagRow | null> {
    const [row] = await this.db.delete(tags).where(and(eq(tags.guildId, this.guildId), eq(tags.name, name))).returning();
    return row ?? null;
  }

  /** Reads a tag for posting and counts the use, in one statement. */
  async use(name: string): Promise<TagRow | null> {
    const [row] = await this.db
      .update(tags)
      .set({ uses: sql`${tags.uses} + 1` })
      .where(and(eq(tags.guildId, this.guildId), eq(tags.name, name)))
      .returning();
    return row ?? null;
  }

  /** Up to `limit` names starting with `prefix`, most used first (autocomplete). */
  async suggest(prefix: string, limit = 25): Promise<{ name: string; uses: number }[]> {
    const from = prefix.toLowerCase();
    // A range over the (guild_id, name) index: every name that starts with `from`.
    return this.db
      .select({ name: tags.name, uses: tags.uses })
      .from(tags)
      .where(and(eq(tags.guildId, this.guildId), gte(tags.name, from), lt(tags.name, `${from}\uffff`)))
      .orderBy(desc(tags.uses), asc(tags.name))
      .limit(limit);
  }

  /** One page of tags by name, and how many there are. */
  async page(page: number, pageSize: number): Promise<{ rows: TagRow[]; total: number }> {
    const where = eq(tags.guildId, this.guildId);
    const [rows, totals] = await this.db.batch([
      this.db.select().from(tags).where(where).orderBy(asc(tags.name)).limit(pageSize).offset(page * pageSize),
      this.db.select({ n: count() }).from(tags).where(where),
    ]);
    return { rows, total: totals[0]?.n ?? 0 };
  }
}
