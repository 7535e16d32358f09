/**
 * Discord's embed limits, and the size Discord counts against them. Features that build
 * embeds (review cards, info commands) check against these, so one table serves them all.
 */
import type { APIEmbed } from 'discord-api-types/v10';

/** Characters (and fields) an embed may hold. */
export const EMBED_LIMITS = { title: 256, description: 4096, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000, fields: 25 } as const;

/** Characters Discord counts toward an embed's 6,000 limit. */
export function embedSize(embed: Pick<APIEmbed, 'title' | 'description' | 'footer' | 'author' | 'fields'>): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}
