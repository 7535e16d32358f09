/**
 * `GuildNotes`: one guild's private staff notes about members. Removal is soft.
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { modNotes, type NoteRow } from './schema';

/** Guild-scoped access to notes. */
export class GuildNotes {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Adds a note. */
  async add(targetId: string, actorId: string, text: string): Promise<NoteRow> {
    const [row] = await this.db.insert(modNotes).values({ guildId: this.guildId, targetId, actorId, text, createdAt: Date.now() }).returning();
    if (!row) throw new Error('note insert returned no row');
    return row;
  }

  /** A member's live notes, newest first (at most `limit`). */
  async forTarget(targetId: string, limit = 25): Promise<NoteRow[]> {
    return this.db
      .select()
      .from(modNotes)
      .where(and(eq(modNotes.guildId, this.guildId), eq(modNotes.targetId, targetId), isNull(modNotes.deletedAt)))
      .orderBy(desc(modNotes.id))
      .limit(limit);
  }

  /** Soft-removes a live note of this guild; returns it, or null. */
  async remove(id: number, actorId: string): Promise<NoteRow | null> {
    const [row] = await this.db
      .update(modNotes)
      .set({ deletedAt: Date.now(), deletedBy: actorId })
      .where(and(eq(modNotes.guildId, this.guildId), eq(modNotes.id, id), isNull(modNotes.deletedAt)))
      .returning();
    return row ?? null;
  }
}
