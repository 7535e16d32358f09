/**
 * Interaction routes (initial callback, @original, follow-ups) and application-command routes.
 *
 * Portable: no Node APIs.
 */
import type {
  APIApplicationCommand,
  APIApplicationCommandOption,
  APIEmbed,
  APIInteractionResponse,
  APIMessage,
  ApplicationCommandType,
  RESTPatchAPIWebhookWithTokenMessageJSONBody,
  RESTPostAPIWebhookWithTokenJSONBody,
  RESTPutAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import {
  ApplicationCommandAutocompleteCallbackRequestSchema,
  ApplicationCommandUpdateRequestSchema,
  CreateMessageInteractionCallbackRequestSchema,
  IncomingWebhookInteractionRequestSchema,
  IncomingWebhookRequestPartialSchema,
  IncomingWebhookUpdateForInteractionCallbackRequestPartialSchema,
  IncomingWebhookUpdateRequestPartialSchema,
  LaunchActivityInteractionCallbackRequestSchema,
  ModalInteractionCallbackRequestSchema,
  PongInteractionCallbackRequestSchema,
  UpdateMessageInteractionCallbackRequestSchema,
} from 'discord-api-spec/zod';
import type { ZodMiniType } from 'zod/mini';
import { errors, ViolationError, type FlatIssue } from './errors.ts';
import { type AnyRoute, boolQuery, queryFlag, route, snowflakeQuery } from './route-table.ts';
import { combine, requireGuild } from './routes-channels.ts';
import { snowflake } from './snowflake.ts';
import type { InteractionState, SessionState } from './state.ts';
import type { RecordedFile } from './types.ts';
import { commandIssues, messageIssues, normaliseForSpec, specIssues, unknownKeys } from './validate.ts';

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;
/** Discord's limit for answering an interaction. */
const CALLBACK_DEADLINE_MS = 3000;

/** Callback type → its spec schema and the schema of its `data`. */
const CALLBACKS: Record<number, { schema: ZodMiniType; data?: ZodMiniType; requireContent?: boolean }> = {
  1: { schema: PongInteractionCallbackRequestSchema },
  4: { schema: CreateMessageInteractionCallbackRequestSchema, data: IncomingWebhookInteractionRequestSchema, requireContent: true },
  5: { schema: CreateMessageInteractionCallbackRequestSchema, data: IncomingWebhookInteractionRequestSchema },
  6: { schema: UpdateMessageInteractionCallbackRequestSchema, data: IncomingWebhookUpdateForInteractionCallbackRequestPartialSchema },
  7: { schema: UpdateMessageInteractionCallbackRequestSchema, data: IncomingWebhookUpdateForInteractionCallbackRequestPartialSchema },
  8: { schema: ApplicationCommandAutocompleteCallbackRequestSchema },
  9: { schema: ModalInteractionCallbackRequestSchema },
  12: { schema: LaunchActivityInteractionCallbackRequestSchema },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function callbackCheck(body: unknown, meta: { hasFiles: boolean }): FlatIssue[] {
  if (!isRecord(body)) return [{ path: '', code: 'BASE_TYPE_INVALID', message: 'Expected an object.' }];
  const spec = typeof body.type === 'number' ? CALLBACKS[body.type] : undefined;
  if (!spec) {
    return [{ path: 'type', code: 'BASE_TYPE_CHOICES', message: `Value must be one of ${Object.keys(CALLBACKS).join(', ')}.` }];
  }
  const normalised = normaliseForSpec(body);
  const issues = [...specIssues(spec.schema, normalised), ...unknownKeys(spec.schema, body)];
  if (spec.data && isRecord(body.data)) {
    issues.push(...unknownKeys(spec.data, body.data, 'data'));
  }
  if (spec.data && (body.type === 4 || body.type === 7)) {
    issues.push(...messageIssues(body.data ?? null, { requireContent: spec.requireContent === true, hasFiles: meta.hasFiles, prefix: 'data' }));
  }
  return combine(issues);
}

function webhookMessageCheck(schema: ZodMiniType, requireContent: boolean) {
  return (body: unknown, meta: { hasFiles: boolean }): FlatIssue[] =>
    combine(specIssues(schema, normaliseForSpec(body)), unknownKeys(schema, body), messageIssues(body, { requireContent, hasFiles: meta.hasFiles }));
}

/** The application id in the path must be the bot's; anything else is a bug in the caller. */
function requireOwnApplication(state: SessionState, applicationId: string | undefined, what: 'webhook' | 'commands'): void {
  if (applicationId === undefined || !state.ownsApplication(applicationId)) {
    throw new ViolationError(
      'invalid_path',
      `${what}: application id ${String(applicationId)} is not the bot's application id ${state.applicationId} ` +
        '(create the session with FakeDiscord.create(url, { applicationId: env.DISCORD_APPLICATION_ID }))',
      what === 'webhook' ? 404 : 403,
      what === 'webhook' ? 10015 : 50001,
    );
  }
}

/**
 * The interaction behind an interaction-webhook call. Tokens the fake has not seen are accepted:
 * the bot may have acknowledged the interaction in its HTTP response, which the fake does not see
 * unless the harness reports it (`fake.recordInteractionResponse`).
 */
function interactionFor(state: SessionState, params: Record<string, string>): InteractionState {
  const token = params.webhook_token ?? '';
  const known = state.interactions.get(token);
  if (known && known.createdAt !== null) {
    if (params.webhook_id !== known.applicationId) {
      throw new ViolationError('invalid_path', `webhook: application id ${String(params.webhook_id)} is not the interaction's application id ${known.applicationId}`, 404, 10015);
    }
    return known;
  }
  requireOwnApplication(state, params.webhook_id, 'webhook');
  return state.interaction(token, null);
}

/** Where messages of an interaction are posted (a known channel, else a synthetic one). */
function interactionChannel(state: SessionState, it: InteractionState): { id: string; store: boolean } {
  if (it.channelId && state.channels.has(it.channelId)) return { id: it.channelId, store: true };
  it.channelId ??= snowflake();
  return { id: it.channelId, store: false };
}

interface MessageBody {
  content?: string | null;
  embeds?: readonly unknown[] | null;
  components?: unknown;
  flags?: number | null;
  attachments?: readonly { id: string | number; filename?: string | null; description?: string | null }[] | null;
  tts?: boolean | null;
}

function postInteractionMessage(state: SessionState, it: InteractionState, data: MessageBody, files: RecordedFile[], extraFlags = 0): APIMessage {
  const channel = interactionChannel(state, it);
  const flags = (data.flags ?? 0) | extraFlags;
  return state.createMessage(channel.id, {
    authorId: state.botUserId,
    content: data.content ?? null,
    embeds: (data.embeds ?? null) as APIEmbed[] | null,
    components: data.components,
    flags,
    files,
    attachments: data.attachments ?? null,
    tts: data.tts ?? null,
    webhookId: state.applicationId,
    applicationId: state.applicationId,
    store: channel.store && (flags & EPHEMERAL) === 0,
  });
}

function editInteractionMessage(state: SessionState, message: APIMessage, data: MessageBody, files: RecordedFile[]): APIMessage {
  const edited = state.editMessage(
    message,
    {
      ...(data.content !== undefined ? { content: data.content } : {}),
      ...(data.embeds !== undefined ? { embeds: data.embeds as APIEmbed[] | null } : {}),
      ...(data.components !== undefined ? { components: data.components } : {}),
      ...(data.attachments !== undefined ? { attachments: data.attachments } : {}),
    },
    files,
  );
  edited.flags = (edited.flags ?? 0) & ~LOADING;
  return edited;
}

function commandCheck(body: unknown): FlatIssue[] {
  if (!Array.isArray(body)) return [{ path: '', code: 'BASE_TYPE_INVALID', message: 'Expected an array of application commands.' }];
  const issues: FlatIssue[] = [];
  const names = new Map<string, number>();
  const perType = new Map<number, number>();
  body.forEach((cmd: unknown, i) => {
    issues.push(
      ...specIssues(ApplicationCommandUpdateRequestSchema, normaliseForSpec(cmd), [i]),
      ...unknownKeys(ApplicationCommandUpdateRequestSchema, cmd, String(i)),
      ...commandIssues(cmd, String(i)),
    );
    if (isRecord(cmd)) {
      const type = typeof cmd.type === 'number' ? cmd.type : 1;
      const key = `${type}|${String(cmd.name)}`;
      const first = names.get(key);
      if (first !== undefined) issues.push({ path: `${i}.name`, code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Application command names must be unique (same as ${first}).` });
      else names.set(key, i);
      perType.set(type, (perType.get(type) ?? 0) + 1);
    }
  });
  const max: Record<number, number> = { 1: 100, 2: 15, 3: 15, 4: 1 };
  for (const [type, count] of perType) {
    if (count > (max[type] ?? 100)) issues.push({ path: '', code: 'APPLICATION_COMMANDS_TOO_MANY', message: `Too many commands of type ${type} (${count} > ${max[type] ?? 100}).` });
  }
  return issues;
}

function overwriteCommands(state: SessionState, scope: string, guildId: string | null, body: RESTPutAPIApplicationCommandsJSONBody): APIApplicationCommand[] {
  const version = snowflake();
  const commands = body.map((cmd): APIApplicationCommand => {
    const type = (cmd.type ?? 1) as ApplicationCommandType;
    const key = `${scope}|${type}|${cmd.name}`;
    const id = state.commandIds.get(key) ?? snowflake();
    state.commandIds.set(key, id);
    const perms = cmd.default_member_permissions;
    return {
      id,
      type,
      application_id: state.applicationId,
      ...(guildId ? { guild_id: guildId } : {}),
      name: cmd.name,
      name_localizations: cmd.name_localizations ?? null,
      description: 'description' in cmd && typeof cmd.description === 'string' ? cmd.description : '',
      description_localizations: 'description_localizations' in cmd ? (cmd.description_localizations ?? null) : null,
      ...('options' in cmd && cmd.options ? { options: cmd.options as APIApplicationCommandOption[] } : {}),
      default_member_permissions: perms === undefined || perms === null ? null : String(perms),
      nsfw: cmd.nsfw ?? false,
      contexts: cmd.contexts ?? null,
      integration_types: cmd.integration_types ?? [0],
      version,
    };
  });
  state.commands.set(scope, commands);
  return commands;
}

/** Interaction and application-command routes. */
export const interactionRoutes: AnyRoute[] = [
  route<APIInteractionResponse>()({
    method: 'POST',
    path: '/interactions/{interaction_id}/{interaction_token}/callback',
    auth: 'none',
    query: (q) => boolQuery(q, 'with_response'),
    body: callbackCheck,
    handler: ({ state, params, body, files, query, source }) => {
      const token = params.interaction_token ?? '';
      const it = state.interaction(token, params.interaction_id ?? null);
      if (it.interactionId !== null && it.interactionId !== params.interaction_id) {
        throw new ViolationError('interaction', `interaction id ${String(params.interaction_id)} does not belong to this token (expected ${it.interactionId})`, 404, 10062);
      }
      if (it.callback) {
        throw new ViolationError('interaction', 'interaction acknowledged twice (use @original / follow-ups after the first callback)', 400, 40060);
      }
      const now = Date.now();
      if (source === 'api' && it.createdAt !== null && now - it.createdAt > CALLBACK_DEADLINE_MS) {
        throw new ViolationError('interaction', `initial callback sent ${now - it.createdAt} ms after the interaction (Discord allows ${CALLBACK_DEADLINE_MS} ms)`, 404, 10062);
      }
      const data = 'data' in body && isRecord(body.data) ? body.data : undefined;
      it.callback = data ? { type: body.type, data } : { type: body.type };
      it.callbackAt = now;
      const msgData = (data ?? {}) as MessageBody;
      if (body.type === 4) {
        it.original = postInteractionMessage(state, it, msgData, files);
      } else if (body.type === 5) {
        // The bot's background PATCH of @original can reach the fake before the harness reports
        // the HTTP reply (Discord sees the reply first); keep the edited message then.
        it.original ??= postInteractionMessage(state, it, { flags: msgData.flags ?? 0 }, [], LOADING);
      } else if (body.type === 6 || body.type === 7) {
        const source = it.messageId && it.channelId ? (state.findMessage(it.channelId, it.messageId) ?? null) : null;
        it.original = source && body.type === 7 ? editInteractionMessage(state, source, msgData, files) : source;
      }
      if (!queryFlag(query, 'with_response')) return { status: 204 };
      return {
        status: 200,
        body: {
          interaction: {
            id: it.interactionId ?? params.interaction_id,
            type: 2,
            response_message_id: it.original?.id,
            response_message_loading: body.type === 5,
            response_message_ephemeral: ((it.original?.flags ?? 0) & EPHEMERAL) !== 0,
          },
          resource: it.original ? { type: body.type, message: it.original } : { type: body.type },
        },
      };
    },
  }),

  route()({
    method: 'GET',
    path: '/webhooks/{webhook_id}/{webhook_token}/messages/@original',
    auth: 'none',
    query: (q) => snowflakeQuery(q, 'thread_id'),
    handler: ({ state, params }) => {
      const it = interactionFor(state, params);
      if (!it.original) throw errors.unknownMessage();
      return { status: 200, body: it.original };
    },
  }),

  route<RESTPatchAPIWebhookWithTokenMessageJSONBody>()({
    method: 'PATCH',
    path: '/webhooks/{webhook_id}/{webhook_token}/messages/@original',
    auth: 'none',
    query: (q) => [...snowflakeQuery(q, 'thread_id'), ...boolQuery(q, 'with_components')],
    body: webhookMessageCheck(IncomingWebhookUpdateRequestPartialSchema, false),
    handler: ({ state, params, body, files }) => {
      const it = interactionFor(state, params);
      // No original yet: the bot deferred in its HTTP response (which the fake did not see).
      it.original ??= postInteractionMessage(state, it, { flags: (body as MessageBody).flags ?? 0 }, [], LOADING);
      return { status: 200, body: editInteractionMessage(state, it.original, body as MessageBody, files) };
    },
  }),

  route()({
    method: 'DELETE',
    path: '/webhooks/{webhook_id}/{webhook_token}/messages/@original',
    auth: 'none',
    query: (q) => snowflakeQuery(q, 'thread_id'),
    handler: ({ state, params }) => {
      const it = interactionFor(state, params);
      if (!it.original) throw errors.unknownMessage();
      state.deleteMessages(it.original.channel_id, new Set([it.original.id]));
      it.original = null;
      return { status: 204 };
    },
  }),

  route<RESTPostAPIWebhookWithTokenJSONBody>()({
    method: 'POST',
    path: '/webhooks/{webhook_id}/{webhook_token}',
    auth: 'none',
    query: (q) => [...boolQuery(q, 'wait'), ...snowflakeQuery(q, 'thread_id'), ...boolQuery(q, 'with_components')],
    body: webhookMessageCheck(IncomingWebhookRequestPartialSchema, true),
    handler: ({ state, params, body, files, query }) => {
      const it = interactionFor(state, params);
      const message = postInteractionMessage(state, it, body as MessageBody, files);
      it.followups.set(message.id, message);
      return queryFlag(query, 'wait') ? { status: 200, body: message } : { status: 204 };
    },
  }),

  route<RESTPatchAPIWebhookWithTokenMessageJSONBody>()({
    method: 'PATCH',
    path: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}',
    auth: 'none',
    query: (q) => [...snowflakeQuery(q, 'thread_id'), ...boolQuery(q, 'with_components')],
    body: webhookMessageCheck(IncomingWebhookUpdateRequestPartialSchema, false),
    handler: ({ state, params, body, files }) => {
      const it = interactionFor(state, params);
      const id = params.message_id ?? '';
      const target = it.followups.get(id) ?? (it.original?.id === id ? it.original : undefined);
      if (!target) throw errors.unknownMessage();
      return { status: 200, body: editInteractionMessage(state, target, body as MessageBody, files) };
    },
  }),

  route()({
    method: 'DELETE',
    path: '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}',
    auth: 'none',
    query: (q) => snowflakeQuery(q, 'thread_id'),
    handler: ({ state, params }) => {
      const it = interactionFor(state, params);
      const id = params.message_id ?? '';
      const target = it.followups.get(id) ?? (it.original?.id === id ? it.original : undefined);
      if (!target) throw errors.unknownMessage();
      state.deleteMessages(target.channel_id, new Set([id]));
      it.followups.delete(id);
      if (it.original?.id === id) it.original = null;
      return { status: 204 };
    },
  }),

  route()({
    method: 'GET',
    path: '/oauth2/applications/@me',
    auth: 'bot',
    handler: ({ state }) => ({ status: 200, body: state.renderApplication() }),
  }),

  route<RESTPutAPIApplicationCommandsJSONBody>()({
    method: 'PUT',
    path: '/applications/{application_id}/commands',
    auth: 'bot',
    body: commandCheck,
    handler: ({ state, params, body }) => {
      requireOwnApplication(state, params.application_id, 'commands');
      return { status: 200, body: overwriteCommands(state, 'global', null, body) };
    },
  }),

  route()({
    method: 'GET',
    path: '/applications/{application_id}/commands',
    auth: 'bot',
    handler: ({ state, params }) => {
      requireOwnApplication(state, params.application_id, 'commands');
      return { status: 200, body: state.commands.get('global') ?? [] };
    },
  }),

  route<RESTPutAPIApplicationCommandsJSONBody>()({
    method: 'PUT',
    path: '/applications/{application_id}/guilds/{guild_id}/commands',
    auth: 'bot',
    body: commandCheck,
    handler: ({ state, params, body }) => {
      requireOwnApplication(state, params.application_id, 'commands');
      const guild = state.guilds.get(params.guild_id ?? '');
      if (!guild?.members.has(state.botUserId)) throw errors.missingAccess();
      requireGuild(state, guild.id);
      return { status: 200, body: overwriteCommands(state, guild.id, guild.id, body) };
    },
  }),

  route()({
    method: 'GET',
    path: '/applications/{application_id}/guilds/{guild_id}/commands',
    auth: 'bot',
    handler: ({ state, params }) => {
      requireOwnApplication(state, params.application_id, 'commands');
      const guild = state.guilds.get(params.guild_id ?? '');
      if (!guild?.members.has(state.botUserId)) throw errors.missingAccess();
      return { status: 200, body: state.commands.get(guild.id) ?? [] };
    },
  }),
];
