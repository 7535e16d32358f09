/**
 * Drafts: answers of the finished pages of a form, so an applicant who closes a modal
 * resumes on the next page.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { gateDrafts } from './schema';

/** A stored draft. */
export interface Draft {
  formVersion: string;
  answers: Record<string, string>;
  pagesDone: number;
}

/** Guild-scoped drafts. */
export class DraftsRepo {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** The user's draft, or null. */
  async get(userId: string): Promise<Draft | null> {
    const [row] = await this.db
      .select({ formVersion: gateDrafts.formVersion, answers: gateDrafts.answers, pagesDone: gateDrafts.pagesDone })
      .from(gateDrafts)
      .where(and(eq(gateDrafts.guildId, this.guildId), eq(gateDrafts.userId, userId)));
    return row ?? null;
  }

  /**
   * Stores page `page` (1-based) of a form. Answers merge into a draft of the same form
   * version; a draft of another version is replaced.
   */
  async savePage(userId: string, formVersion: string, page: number, answers: Record<string, string>, now = Date.now()): Promise<void> {
    await this.db
      .insert(gateDrafts)
      .values({ guildId: this.guildId, userId, formVersion, answers, pagesDone: page, updatedAt: now })
      .onConflictDoUpdate({
        target: [gateDrafts.guildId, gateDrafts.userId],
        set: {
          answers: sql`CASE WHEN ${gateDrafts.formVersion} = excluded.form_version
            THEN json_patch(${gateDrafts.answers}, excluded.answers) ELSE excluded.answers END`,
          pagesDone: sql`CASE WHEN ${gateDrafts.formVersion} = excluded.form_version
            THEN max(${gateDrafts.pagesDone}, excluded.pages_done) ELSE excluded.pages_done END`,
          formVersion: sql`excluded.form_version`,
          updatedAt: now,
        },
      });
  }

  /** A statement deleting the user's draft. */
  deleteStatement(userId: string): BatchItem<'sqlite'> {
    return this.db.delete(gateDrafts).where(and(eq(gateDrafts.guildId, this.guildId), eq(gateDrafts.userId, userId)));
  }
}
