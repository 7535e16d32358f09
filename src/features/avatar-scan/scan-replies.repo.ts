import { and, eq, gt, lte } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { avatarScanReplies } from './schema';

/** How long Discord accepts an interaction token for edits. */
export const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;

/**
 * A guild's pending `/scan user` replies. The bot stores the interaction token here and
 * queues only the row's id; the scanner reads the token back to edit the answer, so no queue
 * body (nor the dead-letter queue it may end in) ever carries a token.
 */
export class GuildScanReplies {
  constructor(
    private readonly db: Db,
    private readonly guildId: string,
  ) {}

  /** Stores a token for 15 minutes and returns the id to queue; prunes expired rows in the same batch. */
  async save(token: string, now = Date.now()): Promise<string> {
    const id = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    await this.db.batch([
      this.db.delete(avatarScanReplies).where(lte(avatarScanReplies.expiresAt, now)),
      this.db.insert(avatarScanReplies).values({ id, guildId: this.guildId, token, expiresAt: now + INTERACTION_TOKEN_TTL_MS }),
    ]);
    return id;
  }

  /** The token of reply `id`, or null when it is gone or expired. */
  async token(id: string, now = Date.now()): Promise<string | null> {
    const [row] = await this.db
      .select({ token: avatarScanReplies.token })
      .from(avatarScanReplies)
      .where(and(eq(avatarScanReplies.id, id), eq(avatarScanReplies.guildId, this.guildId), gt(avatarScanReplies.expiresAt, now)));
    return row?.token ?? null;
  }

  /** Forgets reply `id` (answered, or its token refused). */
  async delete(id: string): Promise<void> {
    await this.db.delete(avatarScanReplies).where(and(eq(avatarScanReplies.id, id), eq(avatarScanReplies.guildId, this.guildId)));
  }
}
