/**
 * Channel, message, DM, user and gateway routes.
 *
 * Portable: no Node APIs.
 */
import type {
  APIEmbed,
  APIMessage,
  RESTGetAPIGatewayBotResult,
  RESTPatchAPIChannelMessageJSONBody,
  RESTPostAPIChannelMessageJSONBody,
  RESTPostAPIChannelMessagesBulkDeleteJSONBody,
  RESTPostAPICurrentUserCreateDMChannelJSONBody,
} from 'discord-api-types/v10';
import {
  CreatePrivateChannelRequestSchema,
  MessageCreateRequestSchema,
  MessageEditRequestPartialSchema,
  SnowflakeTypeSchema,
} from 'discord-api-spec/zod';
import * as z from 'zod/mini';
import { DiscordHttpError, errors, type FlatIssue } from './errors.ts';
import { Permission } from './permissions.ts';
import { type AnyRoute, intQuery, route, snowflakeQuery } from './route-table.ts';
import { compareSnowflakes, snowflakeTime } from './snowflake.ts';
import type { ChannelRec, GuildRec, SessionState } from './state.ts';
import { LIMITS, messageIssues, normaliseForSpec, specIssues, unknownKeys } from './validate.ts';

/** Concatenate issue lists, dropping duplicates (same path and code). */
export function combine(...lists: FlatIssue[][]): FlatIssue[] {
  const seen = new Set<string>();
  return lists.flat().filter((i) => {
    const key = `${i.path}|${i.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The channel or 404 10003. */
export function requireChannel(state: SessionState, channelId: string | undefined): ChannelRec {
  const ch = channelId === undefined ? undefined : state.channels.get(channelId);
  if (!ch) throw errors.unknownChannel();
  return ch;
}

/** The guild (the bot must be in it) or 404 10004. */
export function requireGuild(state: SessionState, guildId: string | undefined): GuildRec {
  const g = guildId === undefined ? undefined : state.guilds.get(guildId);
  if (!g || !g.members.has(state.botUserId)) throw errors.unknownGuild();
  return g;
}

/** Throw 50013 unless the bot has every flag in the channel's guild (DMs pass). */
export function requireChannelPermissions(state: SessionState, ch: ChannelRec, ...flags: bigint[]): void {
  if (ch.guildId === null) return;
  const guild = state.guilds.get(ch.guildId);
  if (!guild) throw errors.unknownChannel();
  for (const flag of flags) if (!state.botCan(guild, flag)) throw errors.missingPermissions();
}

/** Throw 50007 when the channel is a DM with someone who cannot receive the bot's DMs. */
export function requireDmOpen(state: SessionState, ch: ChannelRec): void {
  if (ch.recipientId === null) return;
  const user = state.users.get(ch.recipientId);
  if (!user || user.dmsClosed || user.bot) throw errors.cannotDm();
}

const messageCreateCheck = (body: unknown, meta: { hasFiles: boolean }): FlatIssue[] =>
  combine(
    specIssues(MessageCreateRequestSchema, normaliseForSpec(body)),
    unknownKeys(MessageCreateRequestSchema, body),
    messageIssues(body, { requireContent: true, hasFiles: meta.hasFiles }),
  );

const messageEditCheck = (body: unknown): FlatIssue[] =>
  combine(
    specIssues(MessageEditRequestPartialSchema, normaliseForSpec(body)),
    unknownKeys(MessageEditRequestPartialSchema, body),
    messageIssues(body, { requireContent: false, hasFiles: false }),
  );

const BulkDeleteSchema = z.object({ messages: z.array(SnowflakeTypeSchema) });

function bulkDeleteCheck(body: unknown): FlatIssue[] {
  const issues = specIssues(BulkDeleteSchema, body);
  if (issues.length > 0) return issues;
  const ids = (body as RESTPostAPIChannelMessagesBulkDeleteJSONBody).messages;
  if (ids.length < 2 || ids.length > 100) {
    return [{ path: 'messages', code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 2 and 100 in length (got ${ids.length}).` }];
  }
  return [];
}

function listMessages(state: SessionState, channelId: string, query: URLSearchParams): APIMessage[] {
  const all = state.messages.get(channelId) ?? [];
  const limit = Number(query.get('limit') ?? '50');
  const before = query.get('before');
  const after = query.get('after');
  const around = query.get('around');
  let picked: APIMessage[];
  if (around) {
    const older = all.filter((m) => compareSnowflakes(m.id, around) <= 0).slice(-Math.ceil(limit / 2));
    const newer = all.filter((m) => compareSnowflakes(m.id, around) > 0).slice(0, Math.floor(limit / 2));
    picked = [...older, ...newer];
  } else if (after) {
    picked = all.filter((m) => compareSnowflakes(m.id, after) > 0).slice(0, limit);
  } else {
    const upto = before ? all.filter((m) => compareSnowflakes(m.id, before) < 0) : all;
    picked = upto.slice(-limit);
  }
  return [...picked].reverse();
}

/** Channel/message/DM/user/gateway routes. */
export const channelRoutes: AnyRoute[] = [
  route()({
    method: 'GET',
    path: '/channels/{channel_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const ch = requireChannel(state, params.channel_id);
      if (ch.recipientId === null) requireChannelPermissions(state, ch, Permission.ViewChannel);
      return { status: 200, body: state.renderChannel(ch) };
    },
  }),

  route<RESTPostAPIChannelMessageJSONBody>()({
    method: 'POST',
    path: '/channels/{channel_id}/messages',
    auth: 'bot',
    body: messageCreateCheck,
    handler: ({ state, params, body, files }) => {
      const ch = requireChannel(state, params.channel_id);
      requireDmOpen(state, ch);
      requireChannelPermissions(state, ch, Permission.ViewChannel, Permission.SendMessages);
      if (files.length > 0) requireChannelPermissions(state, ch, Permission.AttachFiles);
      const ref = body.message_reference;
      if (ref?.message_id && ref.fail_if_not_exists !== false && !state.findMessage(ref.channel_id ?? ch.id, ref.message_id)) {
        throw errors.invalidForm('message_reference', 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
      }
      const nonce = body.enforce_nonce === true ? (body.nonce ?? null) : null;
      if (nonce !== null) {
        const first = state.nonces.find(state.botUserId, nonce, (channelId, messageId) => state.findMessage(channelId, messageId));
        if (first) return { status: 200, body: first };
      }
      const message = state.createMessage(ch.id, {
        authorId: state.botUserId,
        content: body.content ?? null,
        embeds: (body.embeds ?? null) as APIEmbed[] | null,
        components: body.components,
        flags: body.flags ?? null,
        files,
        attachments: body.attachments ?? null,
        tts: body.tts ?? null,
        messageReference: ref ? { message_id: ref.message_id ?? null } : null,
      });
      if (body.nonce !== undefined && body.nonce !== null) message.nonce = body.nonce;
      if (nonce !== null) state.nonces.remember(state.botUserId, nonce, message);
      return { status: 200, body: message };
    },
  }),

  route()({
    method: 'GET',
    path: '/channels/{channel_id}/messages',
    auth: 'bot',
    query: (q) => [...intQuery(q, 'limit', 1, 100), ...snowflakeQuery(q, 'before', 'after', 'around')],
    handler: ({ state, params, query }) => {
      const ch = requireChannel(state, params.channel_id);
      requireChannelPermissions(state, ch, Permission.ViewChannel, Permission.ReadMessageHistory);
      return { status: 200, body: listMessages(state, ch.id, query) };
    },
  }),

  route()({
    method: 'GET',
    path: '/channels/{channel_id}/messages/{message_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const ch = requireChannel(state, params.channel_id);
      requireChannelPermissions(state, ch, Permission.ViewChannel, Permission.ReadMessageHistory);
      const m = state.findMessage(ch.id, params.message_id ?? '');
      if (!m) throw errors.unknownMessage();
      return { status: 200, body: m };
    },
  }),

  route<RESTPatchAPIChannelMessageJSONBody>()({
    method: 'PATCH',
    path: '/channels/{channel_id}/messages/{message_id}',
    auth: 'bot',
    body: messageEditCheck,
    handler: ({ state, params, body, files }) => {
      const ch = requireChannel(state, params.channel_id);
      const m = state.findMessage(ch.id, params.message_id ?? '');
      if (!m) throw errors.unknownMessage();
      if (m.author.id !== state.botUserId) {
        // Others' messages: only flags (suppress embeds) may change, with MANAGE_MESSAGES.
        const keys = Object.keys(body ?? {});
        if (keys.some((k) => k !== 'flags')) throw new DiscordHttpError(403, 50005);
        requireChannelPermissions(state, ch, Permission.ManageMessages);
      }
      return {
        status: 200,
        body: state.editMessage(
          m,
          {
            ...(body.content !== undefined ? { content: body.content } : {}),
            ...(body.embeds !== undefined ? { embeds: body.embeds as APIEmbed[] | null } : {}),
            ...(body.components !== undefined ? { components: body.components } : {}),
            ...(body.flags !== undefined ? { flags: body.flags } : {}),
            ...(body.attachments !== undefined ? { attachments: body.attachments } : {}),
          },
          files,
        ),
      };
    },
  }),

  route()({
    method: 'DELETE',
    path: '/channels/{channel_id}/messages/{message_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const ch = requireChannel(state, params.channel_id);
      const m = state.findMessage(ch.id, params.message_id ?? '');
      if (!m) throw errors.unknownMessage();
      if (m.author.id !== state.botUserId) {
        if (ch.recipientId !== null) throw new DiscordHttpError(403, 50003);
        requireChannelPermissions(state, ch, Permission.ManageMessages);
      }
      state.deleteMessages(ch.id, new Set([m.id]));
      return { status: 204 };
    },
  }),

  route<RESTPostAPIChannelMessagesBulkDeleteJSONBody>()({
    method: 'POST',
    path: '/channels/{channel_id}/messages/bulk-delete',
    auth: 'bot',
    body: bulkDeleteCheck,
    handler: ({ state, params, body }) => {
      const ch = requireChannel(state, params.channel_id);
      if (ch.recipientId !== null) throw new DiscordHttpError(403, 50003);
      requireChannelPermissions(state, ch, Permission.ManageMessages);
      const cutoff = Date.now() - LIMITS.bulkDeleteMaxAgeMs;
      if (body.messages.some((id) => snowflakeTime(id) < cutoff)) throw new DiscordHttpError(400, 50034);
      state.deleteMessages(ch.id, new Set(body.messages));
      return { status: 204 };
    },
  }),

  route<RESTPostAPICurrentUserCreateDMChannelJSONBody>()({
    method: 'POST',
    path: '/users/@me/channels',
    auth: 'bot',
    body: (body) =>
      combine(
        specIssues(CreatePrivateChannelRequestSchema, body),
        unknownKeys(CreatePrivateChannelRequestSchema, body),
        typeof (body as { recipient_id?: unknown } | null)?.recipient_id === 'string'
          ? []
          : [{ path: 'recipient_id', code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }],
      ),
    handler: ({ state, body }) => {
      const user = state.users.get(body.recipient_id);
      if (!user || user.id === state.botUserId) throw new DiscordHttpError(400, 50033);
      return { status: 200, body: state.renderChannel(state.dmChannel(user.id)) };
    },
  }),

  route()({
    method: 'GET',
    path: '/users/@me',
    auth: 'user',
    handler: ({ state, bearer }) => ({ status: 200, body: { ...state.renderUser(bearer?.userId ?? state.botUserId), verified: true, mfa_enabled: true, locale: 'en-US' } }),
  }),

  route()({
    method: 'GET',
    path: '/users/{user_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const user = state.users.get(params.user_id ?? '');
      if (!user) throw errors.unknownUser();
      return { status: 200, body: state.renderUser(user.id) };
    },
  }),

  route()({
    method: 'GET',
    path: '/gateway/bot',
    auth: 'bot',
    handler: ({ state }) => {
      const body: RESTGetAPIGatewayBotResult = {
        url: state.gateway.url,
        shards: state.gateway.shards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      };
      return { status: 200, body };
    },
  }),
];
