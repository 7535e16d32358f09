/**
 * Guild scheduled event routes (list, create, get, modify, delete), validated against
 * discord-api-spec's create/patch schemas per entity type, plus the rules the spec does not
 * express: an external event needs `entity_metadata.location` and `scheduled_end_time`; a start
 * must be in the future and before the end; status moves only SCHEDULED → ACTIVE | CANCELED and
 * ACTIVE → COMPLETED. The bot needs Manage Events (or Create Events). Events are kept per guild
 * record (a WeakMap, so a session reset forgets them with the guild).
 *
 * Portable: no Node APIs.
 */
import type { APIGuildScheduledEvent, RESTPatchAPIGuildScheduledEventJSONBody, RESTPostAPIGuildScheduledEventJSONBody } from 'discord-api-types/v10';
import {
  ExternalScheduledEventCreateRequestSchema,
  ExternalScheduledEventPatchRequestPartialSchema,
  StageScheduledEventCreateRequestSchema,
  StageScheduledEventPatchRequestPartialSchema,
  VoiceScheduledEventCreateRequestSchema,
  VoiceScheduledEventPatchRequestPartialSchema,
} from 'discord-api-spec/zod';
import type { ZodMiniType } from 'zod/mini';
import { DiscordHttpError, errors, type FlatIssue } from './errors.ts';
import { Permission } from './permissions.ts';
import { type AnyRoute, route } from './route-table.ts';
import { snowflake } from './snowflake.ts';
import type { GuildRec, SessionState } from './state.ts';
import { combine, requireGuild } from './routes-channels.ts';
import { specIssues, unknownKeys } from './validate.ts';

// Mirrors of discord-api-types' enums (the fake imports that package for types only).
const GuildScheduledEventEntityType = { StageInstance: 1, Voice: 2, External: 3 } as const;
const GuildScheduledEventStatus = { Scheduled: 1, Active: 2, Completed: 3, Canceled: 4 } as const;

const events = new WeakMap<GuildRec, Map<string, APIGuildScheduledEvent>>();

function eventsOf(guild: GuildRec): Map<string, APIGuildScheduledEvent> {
  let map = events.get(guild);
  if (!map) events.set(guild, (map = new Map()));
  return map;
}

const CREATE: Record<number, ZodMiniType> = {
  [GuildScheduledEventEntityType.StageInstance]: StageScheduledEventCreateRequestSchema,
  [GuildScheduledEventEntityType.Voice]: VoiceScheduledEventCreateRequestSchema,
  [GuildScheduledEventEntityType.External]: ExternalScheduledEventCreateRequestSchema,
};
const PATCH: Record<number, ZodMiniType> = {
  [GuildScheduledEventEntityType.StageInstance]: StageScheduledEventPatchRequestPartialSchema,
  [GuildScheduledEventEntityType.Voice]: VoiceScheduledEventPatchRequestPartialSchema,
  [GuildScheduledEventEntityType.External]: ExternalScheduledEventPatchRequestPartialSchema,
};

const issue = (path: string, code: string, message: string): FlatIssue => ({ path, code, message });

function timeIssues(start: string | undefined, end: string | null | undefined, checkPast: boolean): FlatIssue[] {
  const out: FlatIssue[] = [];
  const s = start === undefined ? undefined : Date.parse(start);
  if (checkPast && s !== undefined && s <= Date.now()) out.push(issue('scheduled_start_time', 'GUILD_SCHEDULED_EVENT_SCHEDULE_PAST', 'Cannot schedule event in the past.'));
  if (s !== undefined && end) {
    if (Date.parse(end) <= s) out.push(issue('scheduled_end_time', 'GUILD_SCHEDULED_EVENT_END_BEFORE_START', 'Cannot schedule event to end before starting.'));
  }
  return out;
}

function createIssues(body: unknown): FlatIssue[] {
  const type = (body as { entity_type?: unknown } | null)?.entity_type;
  const schema = typeof type === 'number' ? CREATE[type] : undefined;
  if (!schema) return [issue('entity_type', 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3).')];
  const b = body as RESTPostAPIGuildScheduledEventJSONBody;
  const extra: FlatIssue[] = [];
  if (type === GuildScheduledEventEntityType.External) {
    if (!b.scheduled_end_time) extra.push(issue('scheduled_end_time', 'BASE_TYPE_REQUIRED', 'This field is required'));
    if (!b.entity_metadata?.location) extra.push(issue('entity_metadata.location', 'BASE_TYPE_REQUIRED', 'This field is required'));
  } else if (!b.channel_id) extra.push(issue('channel_id', 'BASE_TYPE_REQUIRED', 'This field is required'));
  return combine(specIssues(schema, body), unknownKeys(schema, body), extra, timeIssues(b.scheduled_start_time, b.scheduled_end_time, true));
}

function patchIssues(body: unknown): FlatIssue[] {
  const type = (body as { entity_type?: unknown } | null)?.entity_type ?? GuildScheduledEventEntityType.External;
  const schema = typeof type === 'number' ? PATCH[type] : undefined;
  if (!schema) return [issue('entity_type', 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3).')];
  const b = body as RESTPatchAPIGuildScheduledEventJSONBody;
  return combine(specIssues(schema, body), unknownKeys(schema, body), timeIssues(b.scheduled_start_time, b.scheduled_end_time, b.scheduled_start_time !== undefined));
}

function requireEventPermission(state: SessionState, guild: GuildRec): void {
  if (!state.botCan(guild, Permission.ManageEvents) && !state.botCan(guild, Permission.CreateEvents)) throw errors.missingPermissions();
}

function requireEvent(guild: GuildRec, id: string | undefined): APIGuildScheduledEvent {
  const event = id === undefined ? undefined : eventsOf(guild).get(id);
  if (!event) throw new DiscordHttpError(404, 10070);
  return event;
}

const NEXT: Record<number, number[]> = {
  [GuildScheduledEventStatus.Scheduled]: [GuildScheduledEventStatus.Active, GuildScheduledEventStatus.Canceled],
  [GuildScheduledEventStatus.Active]: [GuildScheduledEventStatus.Completed],
};

/** Guild scheduled event routes. */
export const scheduledEventRoutes: AnyRoute[] = [
  route()({
    method: 'GET',
    path: '/guilds/{guild_id}/scheduled-events',
    auth: 'bot',
    handler: ({ state, params }) => ({ status: 200, body: [...eventsOf(requireGuild(state, params.guild_id)).values()] }),
  }),

  route<RESTPostAPIGuildScheduledEventJSONBody>()({
    method: 'POST',
    path: '/guilds/{guild_id}/scheduled-events',
    auth: 'bot',
    body: (body) => createIssues(body),
    handler: ({ state, params, body }) => {
      const guild = requireGuild(state, params.guild_id);
      requireEventPermission(state, guild);
      const event = {
        id: snowflake(),
        guild_id: guild.id,
        channel_id: body.channel_id ?? null,
        creator_id: state.botUserId,
        name: body.name,
        description: body.description ?? null,
        scheduled_start_time: body.scheduled_start_time,
        scheduled_end_time: body.scheduled_end_time ?? null,
        privacy_level: body.privacy_level,
        status: GuildScheduledEventStatus.Scheduled,
        entity_type: body.entity_type,
        entity_id: null,
        entity_metadata: body.entity_metadata ?? null,
        image: null,
        recurrence_rule: null,
        guild_scheduled_event_exceptions: [],
        user_count: 0,
      } as unknown as APIGuildScheduledEvent;
      eventsOf(guild).set(event.id, event);
      return { status: 200, body: event };
    },
  }),

  route()({
    method: 'GET',
    path: '/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}',
    auth: 'bot',
    handler: ({ state, params }) => ({ status: 200, body: requireEvent(requireGuild(state, params.guild_id), params.guild_scheduled_event_id) }),
  }),

  route<RESTPatchAPIGuildScheduledEventJSONBody>()({
    method: 'PATCH',
    path: '/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}',
    auth: 'bot',
    body: (body) => patchIssues(body),
    handler: ({ state, params, body }) => {
      const guild = requireGuild(state, params.guild_id);
      requireEventPermission(state, guild);
      const event = requireEvent(guild, params.guild_scheduled_event_id);
      if (body.status !== undefined && body.status !== null && body.status !== event.status && !(NEXT[event.status] ?? []).includes(body.status)) {
        // Discord refuses a status change out of order (e.g. a completed event made active again).
        throw new DiscordHttpError(400, 180000, 'Cannot update event status');
      }
      const { status, ...rest } = body;
      Object.assign(event, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)), status ? { status } : {});
      return { status: 200, body: event };
    },
  }),

  route()({
    method: 'DELETE',
    path: '/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}',
    auth: 'bot',
    handler: ({ state, params }) => {
      const guild = requireGuild(state, params.guild_id);
      requireEventPermission(state, guild);
      requireEvent(guild, params.guild_scheduled_event_id);
      eventsOf(guild).delete(params.guild_scheduled_event_id!);
      return { status: 204 };
    },
  }),
];
