/**
 * `GuildCategories`: the kinds of request a guild's panel offers. Removal is soft (tickets of
 * a removed category keep it); names are unique among the live ones.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { modmailCategories, type CategoryQuestion } from './schema';

/** A category row. */
export type CategoryRow = typeof modmailCategories.$inferSelect;

/** Most categories a guild may have (one select menu's options). */
export const MAX_CATEGORIES = 25;

/** A guild's categories. */
export class GuildCategories {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** The live categories, in panel order. */
  list(): Promise<CategoryRow[]> {
    return this.db
      .select()
      .from(modmailCategories)
      .where(and(eq(modmailCategories.guildId, this.guildId), isNull(modmailCategories.removedAt)))
      .orderBy(asc(modmailCategories.position), asc(modmailCategories.id))
      .limit(MAX_CATEGORIES);
  }

  /** A category by id, removed or not. */
  async get(id: number): Promise<CategoryRow | undefined> {
    const [row] = await this.db
      .select()
      .from(modmailCategories)
      .where(and(eq(modmailCategories.guildId, this.guildId), eq(modmailCategories.id, id)))
      .limit(1);
    return row;
  }

  /** Adds a category; undefined when a live one has that name. */
  async add(input: { name: string; description?: string | null; questions: CategoryQuestion[]; staffRoleId?: string | null; destinationId?: string | null; createdBy: string }): Promise<CategoryRow | undefined> {
    const [row] = await this.db
      .insert(modmailCategories)
      .values({
        guildId: this.guildId,
        name: input.name,
        description: input.description ?? null,
        questions: input.questions,
        staffRoleId: input.staffRoleId ?? null,
        destinationId: input.destinationId ?? null,
        createdBy: input.createdBy,
        createdAt: Date.now(),
      })
      .onConflictDoNothing()
      .returning();
    return row;
  }

  /** Removes (softly) a live category by name; the row, or undefined when there was none. */
  async remove(name: string): Promise<CategoryRow | undefined> {
    const [row] = await this.db
      .update(modmailCategories)
      .set({ removedAt: Date.now() })
      .where(and(eq(modmailCategories.guildId, this.guildId), eq(modmailCategories.name, name), isNull(modmailCategories.removedAt)))
      .returning();
    return row;
  }
}
