/**
 * A user's DM inbox (run by their inbox object, one drain at a time): DMs are stored under
 * `pending:<padded message id>`, so storage order is message order, and relayed oldest first
 * into the user's most recently active open ticket. With no open ticket they move to `held:`
 * and the user is asked, once, whether to contact staff (a confirm button, or a server picker
 * when several servers qualify); confirming opens the ticket and releases the held DMs in
 * order. A DM leaves `pending:` only after it was recorded and posted, so a failure relays it
 * on the next delivery instead of losing it.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIComponentInMessageActionRow } from 'discord-api-types/v10';
import type { BaseContext } from '../../core/context';
import { encodeCustomId } from '../../core/custom-id';
import { clip } from './card';
import { relayFromMember } from './relay.service';
import { modmailGuildsOf } from './shared-guilds';
import { openTicketsOfUser } from './tickets.repo';
import type { InboundDm } from './ticket.types';

/** Storage keys of the inbox. */
export const PENDING_PREFIX = 'pending:';
export const HELD_PREFIX = 'held:';
export const DONE_PREFIX = 'done:';
export const PROMPTED_KEY = 'prompted';
/** How many relayed message ids the inbox remembers (a fast path; entries dedupe anyway). */
const DONE_KEEP = 500;
/** A user who ignored the prompt is asked again after this long (ms). */
const PROMPT_AGAIN_MS = 3_600_000;

/** Snowflakes zero-padded to 20 digits: key order is message order. */
export function pendingKey(messageId: string): string {
  return PENDING_PREFIX + messageId.padStart(20, '0');
}

/** Relays (or holds) every pending DM, oldest first. */
export async function drainInbox(ctx: BaseContext, kv: SyncKvStorage): Promise<void> {
  const pending = [...kv.list<InboundDm>({ prefix: PENDING_PREFIX })];
  if (pending.length === 0) return;
  const userId = pending[0]![1].author.id;
  const [ticket] = await openTicketsOfUser(ctx.db, userId);
  for (const [key, dm] of pending) {
    if (!ticket) {
      kv.put(HELD_PREFIX + key.slice(PENDING_PREFIX.length), dm);
      kv.delete(key);
      continue;
    }
    await relayFromMember(ctx, ticket, {
      member: dm.author,
      content: dm.content,
      attachments: dm.attachments,
      sourceId: dm.messageId,
      dmMessageId: dm.messageId,
      at: dm.sentAt,
    });
    kv.delete(key);
    kv.put(DONE_PREFIX + dm.messageId, Date.now());
  }
  const prompted = kv.get<number>(PROMPTED_KEY);
  if (!ticket && (!prompted || Date.now() - prompted > PROMPT_AGAIN_MS)) {
    const first = pending[0]![1];
    await promptToOpen(ctx, first);
    kv.put(PROMPTED_KEY, Date.now());
  }
  pruneDone(kv);
}

function pruneDone(kv: SyncKvStorage): void {
  const done = [...kv.list<number>({ prefix: DONE_PREFIX })];
  if (done.length <= DONE_KEEP) return;
  done.sort((a, b) => a[1] - b[1]);
  for (const [key] of done.slice(0, done.length - DONE_KEEP)) kv.delete(key);
}

/** Asks a user with no open ticket whether their DMs should go to staff, and of which server. */
async function promptToOpen(ctx: BaseContext, dm: InboundDm): Promise<void> {
  const guilds = await modmailGuildsOf(ctx, dm.author.id);
  let content: string;
  let components: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  if (guilds.length === 0) {
    content = "I pass messages on to a server's staff, but none of the servers we share has modmail turned on.";
  } else if (guilds.length === 1) {
    content = `Do you want to send your message to the staff of **${clip(guilds[0]!.name, 100)}**? Nothing is sent until you confirm.`;
    components = [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Success, label: 'Contact staff', custom_id: encodeCustomId('modmail.dmopen', guilds[0]!.id) },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Cancel', custom_id: encodeCustomId('modmail.dmcancel') },
        ],
      },
    ];
  } else {
    content = 'Which server’s staff do you want to contact? Nothing is sent until you pick one.';
    components = [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.StringSelect,
            custom_id: encodeCustomId('modmail.dmpick'),
            placeholder: 'Pick a server',
            options: guilds.map((g) => ({ label: clip(g.name, 100), value: g.id })),
          },
        ],
      },
      { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Cancel', custom_id: encodeCustomId('modmail.dmcancel') }] },
    ];
  }
  await ctx.discord.channels.createMessage(dm.channelId, { content, components, allowed_mentions: { parse: [] } });
}

/** The held DMs' first words, for the subject of the ticket they open. */
export function heldSubject(kv: SyncKvStorage): string | null {
  for (const [, dm] of kv.list<InboundDm>({ prefix: HELD_PREFIX, limit: 1 })) return dm.content ? clip(dm.content, 200) : null;
  return null;
}
