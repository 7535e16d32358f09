/**
 * `GuildModmailBlocks`: members of one guild who may not open tickets. Blocking again
 * replaces the block (one statement, an upsert); an expired block is no block, so nothing
 * has to run when it runs out.
 */
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { modmailBlocks, type ModmailBlockRow } from './ops.schema';

/** Guild-scoped access to the modmail block list. */
export class GuildModmailBlocks {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Blocks `userId` until `expiresAt` (null: until unblocked); returns the block. */
  async block(userId: string, actorId: string, reason: string, expiresAt: number | null, now = Date.now()): Promise<ModmailBlockRow> {
    const values = { guildId: this.guildId, userId, reason, blockedBy: actorId, createdAt: now, expiresAt };
    const [row] = await this.db
      .insert(modmailBlocks)
      .values(values)
      .onConflictDoUpdate({ target: [modmailBlocks.guildId, modmailBlocks.userId], set: { reason, blockedBy: actorId, createdAt: now, expiresAt } })
      .returning();
    return row!;
  }

  /** Lifts a block; returns it when one was in force. */
  async unblock(userId: string, now = Date.now()): Promise<ModmailBlockRow | null> {
    const [row] = await this.db
      .delete(modmailBlocks)
      .where(and(eq(modmailBlocks.guildId, this.guildId), eq(modmailBlocks.userId, userId)))
      .returning();
    return row && (row.expiresAt === null || row.expiresAt > now) ? row : null;
  }

  /** The block in force on `userId`, or null. */
  async active(userId: string, now = Date.now()): Promise<ModmailBlockRow | null> {
    const [row] = await this.db
      .select()
      .from(modmailBlocks)
      .where(
        and(
          eq(modmailBlocks.guildId, this.guildId),
          eq(modmailBlocks.userId, userId),
          or(isNull(modmailBlocks.expiresAt), gt(modmailBlocks.expiresAt, now)),
        ),
      );
    return row ?? null;
  }
}
