/**
 * `GuildTags`: one guild's tags, a named-text repository (`core/named-texts.repo.ts`: names
 * unique per guild by index, `use` counts and reads in one statement). Autocomplete offers
 * the most used tags first.
 */
import type { Db } from '../../db/client';
import { GuildNamedTexts, type NamedTextInput } from '../../core/named-texts.repo';
import { tags } from './schema';

/** What a tag is made of. */
export type TagInput = NamedTextInput<typeof tags>;

/** Guild-scoped access to tags. */
export class GuildTags extends GuildNamedTexts<typeof tags> {
  constructor(db: Db, guildId: string) {
    super(db, tags, guildId, 'uses');
  }
}
