/**
 * `/review queue` pages: open applications oldest first, with jump links to their cards and
 * page buttons that only the invoker may press.
 */
import type { APIEmbed } from 'discord-api-types/v10';
import type { MessageData } from '../../core/context';
import { pagerRow } from '../../core/pager';
import type { Db } from '../../db/client';
import { ApplicationsRepo } from './applications.repo';

/** Applications per queue page. */
export const QUEUE_PAGE_SIZE = 10;

/** One page (0-based) of the queue as an ephemeral message. */
export async function queuePage(db: Db, guildId: string, invokerId: string, page: number): Promise<MessageData> {
  const repo = new ApplicationsRepo(db, guildId);
  const { rows, total } = await repo.queue(page * QUEUE_PAGE_SIZE, QUEUE_PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE));
  const lines = rows.map((a) => {
    const link = a.cardChannelId && a.cardMessageId ? `[card](https://discord.com/channels/${guildId}/${a.cardChannelId}/${a.cardMessageId})` : 'no card';
    const who = a.status === 'claimed' ? `claimed by <@${a.claimedBy}>` : '**unclaimed**';
    return `**#${a.id}** <@${a.userId}> · submitted <t:${Math.floor(a.submittedAt / 1000)}:R> · ${who} · ${link}`;
  });
  const embed: APIEmbed = {
    title: `Review queue: ${total} open`,
    description: lines.join('\n') || 'Nothing to review.',
    footer: { text: `Page ${page + 1} of ${pages}` },
  };
  return {
    embeds: [embed],
    components: pagerRow('gate.queue-page', invokerId, [], page, pages),
    ephemeral: true,
  };
}
