/**
 * `GuildSnippets`: one guild's canned staff replies, a named-text repository
 * (`core/named-texts.repo.ts`: names unique per guild by index, `use` counts and reads in one
 * statement). Autocomplete offers names alphabetically.
 */
import type { Db } from '../../db/client';
import { GuildNamedTexts } from '../../core/named-texts.repo';
import { modmailSnippets } from './ops.schema';

/** Guild-scoped access to snippets. */
export class GuildSnippets extends GuildNamedTexts<typeof modmailSnippets> {
  constructor(db: Db, guildId: string) {
    super(db, modmailSnippets, guildId);
  }
}
