/**
 * What tags look like when posted or listed, and the rules their names and mentions follow.
 */
import { AllowedMentionsTypes, PermissionFlagsBits, type APIAllowedMentions } from 'discord-api-types/v10';
import type { InteractionContext, MessageData } from '../../core/context';
import { UserError } from '../../core/errors';
import { namedTextName } from '../../core/named-texts.repo';
import { pagerRow } from '../../core/pager';
import { GuildTags } from './tags.repo';
import type { TagRow } from './schema';

/** A tag's content leaves room for the member mention `/tag show … member` puts in front. */
export const TAG_CONTENT_MAX = 1900;

/** Custom id key of the list's Previous/Next buttons. */
export const TAGS_PAGE_KEY = 'tags.page';

const PAGE_SIZE = 20;

/** The normalised tag name (`namedTextName`: 1–32 lower-case letters, digits, `-`, `_`), or a `UserError`. */
export function tagName(input: string): string {
  return namedTextName(input, 'tag');
}

/** Throws unless the invoker may write a tag that pings (Mention @everyone, or Administrator). */
export function assertMayMention(ctx: InteractionContext): void {
  const perms = BigInt(ctx.member?.permissions ?? '0');
  if ((perms & (PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.Administrator)) === 0n) {
    throw new UserError(
      'cannot_mention',
      "You can't make a tag that pings: you don't have the **Mention @everyone, @here and All Roles** permission. Save it without `allow_mentions`.",
    );
  }
}

/** The public message of `/tag show`: the content, after the member it is meant for. */
export function tagMessage(tag: TagRow, memberId?: string): MessageData {
  const content = memberId ? `<@${memberId}> ${tag.content}` : tag.content;
  const allowed: APIAllowedMentions = tag.allowMentions
    ? { parse: [AllowedMentionsTypes.User, AllowedMentionsTypes.Role, AllowedMentionsTypes.Everyone] }
    : { parse: [], ...(memberId ? { users: [memberId] } : {}) };
  return { content, allowed_mentions: allowed };
}

/** One page of the guild's tags (ephemeral, with Previous/Next for the invoker). */
export async function tagsPage(ctx: InteractionContext, page: number): Promise<MessageData> {
  const { rows, total } = await new GuildTags(ctx.db, ctx.guild).page(page, PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (total === 0) return { ephemeral: true, content: 'This server has no tags yet. Moderators add them with `/tag create`.' };
  const lines = rows.map((t) => `\`${t.name}\` · used ${t.uses}×${t.allowMentions ? ' · pings' : ''}`);
  return {
    ephemeral: true,
    embeds: [{ title: `Tags (${total})`, description: lines.join('\n'), footer: { text: `Page ${Math.min(page, pages - 1) + 1} of ${pages}` } }],
    components: pagerRow(TAGS_PAGE_KEY, ctx.user.id, [], page, pages),
  };
}
