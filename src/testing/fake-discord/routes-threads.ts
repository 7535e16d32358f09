/**
 * Thread routes: start a thread without a message (public or private, in a text or
 * announcement channel), start a forum or media post (with its first message), and add a
 * thread member. Bodies are checked against discord-api-spec's schemas, permissions as Discord
 * documents them (CREATE_PRIVATE_THREADS / CREATE_PUBLIC_THREADS, SEND_MESSAGES for posts).
 *
 * Portable: no Node APIs.
 */
import type { APIEmbed, RESTPostAPIChannelThreadsJSONBody, RESTPostAPIGuildForumThreadsJSONBody } from 'discord-api-types/v10';
import { CreateForumThreadRequestSchema, CreateTextThreadWithoutMessageRequestSchema } from 'discord-api-spec/zod';
import { DiscordHttpError, errors, type FlatIssue } from './errors.ts';
import { Permission } from './permissions.ts';
import { type AnyRoute, route } from './route-table.ts';
import { combine, requireChannel, requireChannelPermissions } from './routes-channels.ts';
import { snowflake } from './snowflake.ts';
import type { ChannelRec, SessionState } from './state.ts';
import { messageIssues, normaliseForSpec, specIssues, unknownKeys } from './validate.ts';

const FORUM_TYPES = new Set<number>([15, 16]);
const TEXT_TYPES = new Set<number>([0, 5]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A forum post's body, or a text thread's, depending on the key Discord tells them apart by (`message`). */
function threadBodyCheck(body: unknown): FlatIssue[] {
  if (isRecord(body) && 'message' in body) {
    return combine(
      specIssues(CreateForumThreadRequestSchema, normaliseForSpec(body)),
      unknownKeys(CreateForumThreadRequestSchema, body),
      messageIssues(body.message, { requireContent: true, hasFiles: false, prefix: 'message' }),
    );
  }
  return combine(specIssues(CreateTextThreadWithoutMessageRequestSchema, body), unknownKeys(CreateTextThreadWithoutMessageRequestSchema, body));
}

function newThread(state: SessionState, parent: ChannelRec, input: { id?: string; name: string; type: number; invitable: boolean; autoArchive: number }): ChannelRec {
  const guild = state.guilds.get(parent.guildId ?? '');
  if (!guild) throw errors.unknownChannel();
  const id = input.id ?? snowflake();
  const ch: ChannelRec = {
    id,
    type: input.type as ChannelRec['type'],
    guildId: parent.guildId,
    name: input.name,
    topic: null,
    parentId: parent.id,
    position: 0,
    recipientId: null,
    lastMessageId: null,
    thread: {
      ownerId: state.botUserId,
      archived: false,
      locked: false,
      invitable: input.invitable,
      autoArchiveDuration: input.autoArchive,
      createdAt: Date.now(),
      memberIds: new Set([state.botUserId]),
      messageCount: 0,
    },
  };
  state.channels.set(ch.id, ch);
  state.messages.set(ch.id, []);
  return ch;
}

/** Thread routes. */
export const threadRoutes: AnyRoute[] = [
  route<RESTPostAPIChannelThreadsJSONBody | RESTPostAPIGuildForumThreadsJSONBody>()({
    method: 'POST',
    path: '/channels/{channel_id}/threads',
    auth: 'bot',
    body: threadBodyCheck,
    handler: ({ state, params, body }) => {
      const parent = requireChannel(state, params.channel_id);
      if (parent.recipientId !== null) throw new DiscordHttpError(403, 50003);
      const autoArchive = body.auto_archive_duration ?? 4320;
      if ('message' in body) {
        if (!FORUM_TYPES.has(parent.type)) throw errors.invalidForm('message', 'BASE_TYPE_INVALID', 'Only forum and media channels take a post');
        requireChannelPermissions(state, parent, Permission.ViewChannel, Permission.SendMessages);
        const id = snowflake();
        const thread = newThread(state, parent, { id, name: body.name, type: 11, invitable: true, autoArchive });
        // A post's first message has the thread's id, as on Discord.
        const msg = body.message;
        const first = state.createMessage(thread.id, {
          authorId: state.botUserId,
          content: msg.content ?? null,
          embeds: (msg.embeds ?? null) as APIEmbed[] | null,
          components: msg.components,
          flags: msg.flags ?? null,
          files: [],
          attachments: null,
          tts: null,
          messageReference: null,
          id,
        });
        return { status: 201, body: { ...state.renderChannel(thread), message: first } };
      }
      if (!TEXT_TYPES.has(parent.type)) throw errors.invalidForm('type', 'BASE_TYPE_INVALID', 'Threads without a message need a text or announcement channel');
      const type = body.type ?? 12;
      requireChannelPermissions(state, parent, Permission.ViewChannel, type === 12 ? Permission.CreatePrivateThreads : Permission.CreatePublicThreads);
      const thread = newThread(state, parent, { name: body.name, type, invitable: body.invitable ?? true, autoArchive });
      return { status: 201, body: state.renderChannel(thread) };
    },
  }),

  route()({
    method: 'PUT',
    path: '/channels/{channel_id}/thread-members/{user_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const thread = requireChannel(state, params.channel_id);
      if (!thread.thread) throw errors.invalidForm('channel_id', 'BASE_TYPE_INVALID', 'Not a thread');
      if (thread.thread.archived) throw new DiscordHttpError(400, 50083);
      const guild = state.guilds.get(thread.guildId ?? '');
      if (!guild?.members.has(params.user_id ?? '')) throw errors.unknownMember();
      requireChannelPermissions(state, thread, Permission.SendMessagesInThreads);
      thread.thread.memberIds.add(params.user_id ?? '');
      return { status: 204 };
    },
  }),
];
