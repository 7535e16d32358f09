import type { AutocompleteContext } from '../../../core/context';
import { GuildConfig } from '../../../core/guild-config.repo';
import { readCatalog } from '../catalog';

/** Autocomplete of the guild's activity names. */
export async function suggestActivities(ctx: AutocompleteContext, typed: string) {
  if (!ctx.guildId) return [];
  const needle = typed.trim().toLowerCase();
  const catalog = await readCatalog(new GuildConfig(ctx.db, ctx.guildId));
  return catalog
    .filter((a) => a.name.toLowerCase().includes(needle))
    .slice(0, 25)
    .map((a) => ({ name: `${a.emoji ? `${a.emoji} ` : ''}${a.name}`.slice(0, 100), value: a.name }));
}
