/**
 * Types shared by the fake's server side (app/state/routes) and the control client.
 * Discord payload types come from discord-api-types; these are the fake's own control-API types.
 */
import type { ChannelType } from 'discord-api-types/v10';
import type { PermissionName } from './permissions.ts';

/** HTTP methods Discord's REST API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options for `POST /_fake/sessions`. */
export interface CreateSessionOptions {
  /**
   * The application id (== the bot user id). Pass the bot's DISCORD_APPLICATION_ID. When omitted, a
   * random bot user id is generated and the session adopts the first application id the bot uses
   * in a path; later calls with a different application id are violations.
   */
  applicationId?: string;
  /** Bot username. Default `Gatehouse`. */
  botUsername?: string;
  /** When set, `Authorization: Bot <token>` must carry exactly this token (else 401 + violation). */
  token?: string;
  /**
   * Discord requires `User-Agent: DiscordBot ($url, $version)`. When true (default) a missing or
   * different User-Agent is recorded as a violation (the request is still served).
   */
  requireUserAgent?: boolean;
  /** The application's owner (`GET /oauth2/applications/@me`). Default: a generated user. */
  ownerId?: string;
  /** Make it a team's application: the team's owner, and members by role. */
  team?: { ownerId: string; admins?: string[]; developers?: string[] };
}

/** Answer of `POST /_fake/sessions`. */
export interface SessionInfo {
  id: string;
  applicationId: string;
  botUserId: string;
  /** The application owner's user id (the team's synthetic user for a team's application). */
  ownerId: string;
  /** Path (relative to the server URL) to use as DISCORD_API_BASE, e.g. `/s/<id>/api/v10`. */
  apiPath: string;
}

/** A role to create when seeding a guild. */
export interface SeedRole {
  name: string;
  /** Position in the hierarchy (@everyone is 0). Default: next free position under the bot role. */
  position?: number;
  /** Decimal bitfield string, a number, or a list of permission names. Default `0`. */
  permissions?: string | number | PermissionName[];
  color?: number;
  hoist?: boolean;
  mentionable?: boolean;
}

/** A channel to create when seeding a guild. */
export interface SeedChannel {
  name: string;
  /** Discord channel type. Default 0 (GUILD_TEXT). */
  type?: ChannelType;
  topic?: string | null;
  /** Name of a category channel created in the same seed call. */
  parent?: string;
}

/** Body of `POST /_fake/s/:sid/guilds`. */
export interface SeedGuildInput {
  name?: string;
  /** Owner user id. Default: a newly created user who is also added as a member. */
  ownerId?: string;
  roles?: SeedRole[];
  channels?: SeedChannel[];
  /** Permissions of @everyone. Default: Discord's usual member permissions. */
  everyonePermissions?: string | number | PermissionName[];
  /** Permissions of the bot's role. Default: a moderation set (kick, ban, manage roles/messages, timeout…). */
  botPermissions?: string | number | PermissionName[];
  /** Position of the bot's role. Default: above all seeded roles. */
  botRolePosition?: number;
}

/** Answer of seeding a guild. */
export interface SeededGuild {
  guildId: string;
  /** Same as `guildId` (the @everyone role id equals the guild id). */
  everyoneRoleId: string;
  ownerId: string;
  botUserId: string;
  botRoleId: string;
  /** Role ids by name. */
  roles: Record<string, string>;
  /** Channel ids by name. */
  channels: Record<string, string>;
}

/** Body of `POST /_fake/s/:sid/users`. */
export interface AddUserInput {
  id?: string;
  username?: string;
  globalName?: string | null;
  /** Avatar hash; `null` for the default avatar. Default: a random hash. */
  avatar?: string | null;
  bot?: boolean;
  /** When true, sending a DM to this user answers 403 code 50007. */
  dmsClosed?: boolean;
}

/** Body of `POST /_fake/s/:sid/guilds/:gid/members`. */
export interface AddMemberInput extends AddUserInput {
  /** An existing user's id to add as member (otherwise a new user is created). */
  userId?: string;
  /** Role ids or role names. */
  roles?: string[];
  nick?: string | null;
  /** ISO timestamp or ms since epoch. Default now. */
  joinedAt?: string | number;
  communicationDisabledUntil?: string | null;
  pending?: boolean;
}

/** Body of `POST /_fake/s/:sid/channels/:cid/messages` (seed a message as if someone sent it). */
export interface SeedMessageInput {
  authorId?: string;
  content?: string;
  /** ISO timestamp or ms since epoch (the id encodes it). Default now. */
  timestamp?: string | number;
}

/** Body of `POST /_fake/s/:sid/interactions`: register an interaction the test is about to send to the bot. */
export interface NewInteractionInput {
  guildId?: string;
  channelId?: string;
  userId?: string;
  /** Id of the message a component interaction came from (`@original` for type 6/7 callbacks). */
  messageId?: string;
  /** Pretend the interaction was created this many ms ago (to test the 3 s callback deadline without sleeping). */
  ageMs?: number;
}

/** A registered interaction (ids to put into the interaction payload the test sends to the bot). */
export interface FakeInteraction {
  id: string;
  token: string;
  applicationId: string;
}

/** Everything the bot answered to one interaction. */
export interface InteractionRecord<Message = unknown> {
  token: string;
  interactionId: string | null;
  /** The initial callback body (`{ type, data }`), or null before the bot answered. */
  callback: { type: number; data?: unknown } | null;
  /** ms between `newInteraction()` and the callback (null when the interaction was not registered). */
  callbackDelayMs: number | null;
  /** Current state of the original response message (null if none or deleted). */
  original: Message | null;
  /** Follow-up messages (current state; deleted ones removed). */
  followups: Message[];
}

/** A recorded multipart file. */
export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

/** One request the fake received on the Discord API. */
export interface RecordedCall {
  seq: number;
  method: string;
  /** Path below the API base, e.g. `/channels/123/messages`. */
  path: string;
  /** Discord path template, e.g. `/channels/{channel_id}/messages`; null for unknown routes. */
  route: string | null;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Request headers, lower-cased names (includes authorization and x-audit-log-reason). */
  headers: Record<string, string>;
  /** The decoded X-Audit-Log-Reason, if any. */
  reason: string | null;
  /** Parsed JSON body, or the parsed `payload_json` of a multipart body; null when none. */
  body: unknown;
  files: RecordedFile[];
  status: number;
  /** Parsed JSON the fake answered (null for 204). */
  response: unknown;
  /** True when the answer came from `failNext`. */
  injected: boolean;
  at: string;
}

/** Kinds of violations. */
export type ViolationKind =
  | 'unknown_route'
  | 'method_not_allowed'
  | 'unimplemented'
  | 'unauthorized'
  | 'invalid_path'
  | 'invalid_query'
  | 'invalid_body'
  | 'user_agent'
  | 'interaction';

/** A validation issue (dot-separated `path`, Discord-ish `code`). */
export interface ViolationIssue {
  path: string;
  code: string;
  message: string;
}

/** A request that real Discord would reject (or that breaks the API contract). */
export interface Violation {
  seq: number;
  kind: ViolationKind;
  method: string;
  path: string;
  route: string | null;
  reason: string;
  issues: ViolationIssue[];
  at: string;
}

/** Filter for recorded calls. `route` is a Discord template; parameter names are ignored when matching. */
export interface CallFilter {
  method?: string;
  route?: string;
  /** Exact path below the API base, e.g. `/channels/123/messages`. */
  path?: string;
}

/** Body of `POST /_fake/s/:sid/fail`. */
export interface FailRule {
  method?: string;
  /** Discord template (param names ignored) the rule applies to; all routes when omitted. */
  route?: string;
  /** HTTP status to answer (400–599); required unless `drop`. */
  status?: number;
  /** Discord JSON error code. Defaults: 403→50013, 404→by route (10007/10008/10003…), 429/5xx→0. */
  code?: number;
  message?: string;
  /** Seconds, for 429. Default 1. */
  retryAfter?: number;
  /** How many matching calls fail. Default 1. */
  times?: number;
  /** For 429: the `X-RateLimit-Scope` header (`shared` 429s do not count as invalid requests). Default `user`. */
  scope?: 'user' | 'global' | 'shared';
  /**
   * Close the connection without answering, before the request is applied: the client sees
   * a network error. `status` is then ignored (the call is recorded with status 0).
   */
  drop?: boolean;
  /**
   * Apply the request first (the handler runs and its effect stays), then answer with the
   * failure (or drop the connection): Discord did it, but the client never heard (a lost
   * response, a timeout after the write). Tests of "failed between the act and the record".
   */
  afterApply?: boolean;
}

/** Body of `POST /_fake/s/:sid/latency`. */
export interface LatencyRule {
  ms: number;
  method?: string;
  route?: string;
}
