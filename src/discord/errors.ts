/**
 * Discord API failures as typed errors. Features switch on `code` (Discord's JSON error
 * code, `RESTJSONErrorCodes`) to turn them into clear messages.
 */
import { RESTJSONErrorCodes } from 'discord-api-types/v10';

/**
 * A non-2xx answer from Discord (after rate-limit retries). `route` is the route template
 * (`PATCH /webhooks/:id/:token/messages/@original`, see `routeOf`), never the raw path: an
 * interaction webhook's path holds its token, and these errors are logged.
 */
export class DiscordApiError extends Error {
  override readonly name = 'DiscordApiError';
  constructor(
    readonly status: number,
    /** Discord's JSON error code; 0 when the body had none. */
    readonly code: number,
    message: string,
    /** Method and route template, e.g. `POST /channels/:id/messages`. */
    readonly route: string,
    readonly errors?: unknown,
  ) {
    super(`${route} → ${status}${code ? ` (${code})` : ''}: ${message}`);
  }

  /** 50013: the bot lacks a permission or its role is too low. */
  get isMissingPermissions(): boolean {
    return this.code === RESTJSONErrorCodes.MissingPermissions;
  }

  /** 10007: the member is not in the guild (left, or never joined). */
  get isUnknownMember(): boolean {
    return this.code === RESTJSONErrorCodes.UnknownMember;
  }

  /** 50007: the user does not accept DMs from the bot. */
  get isCannotDm(): boolean {
    return this.code === RESTJSONErrorCodes.CannotSendMessagesToThisUser;
  }
}

/** Retries were exhausted on 429s. */
export class RateLimitedError extends Error {
  override readonly name: string = 'RateLimitedError';
  constructor(
    readonly route: string,
    readonly retryAfterMs: number,
  ) {
    super(`rate limited on ${route}; retry after ${retryAfterMs} ms`);
  }
}

/**
 * No answer from Discord: the connection failed, or an attempt outlived the client's
 * `timeoutMs`. Either way the request may have reached Discord and been applied, so the
 * client repeats only requests that are safe to repeat (`RequestOptions.idempotent`).
 */
export class DiscordNetworkError extends Error {
  override readonly name = 'DiscordNetworkError';
  constructor(
    /** Method and route template (never the raw path). */
    readonly route: string,
    readonly timedOut: boolean,
    readonly attempts: number,
    /** What the runtime said (its message only: the URL it may carry is not kept). */
    detail: string,
  ) {
    super(`${route} → ${timedOut ? 'timed out' : `network error: ${detail}`} (${attempts} attempt${attempts === 1 ? '' : 's'})`);
  }
}

/**
 * The isolate stopped sending: it has had too many invalid (401/403/429) answers in the last
 * 10 minutes, and Discord bans an IP for a while at 10,000. A `RateLimitedError`, so callers
 * that already wait out or defer on rate limits do the same here.
 */
export class InvalidRequestLimitError extends RateLimitedError {
  override readonly name = 'InvalidRequestLimitError';
  constructor(
    route: string,
    retryAfterMs: number,
    readonly invalidCount: number,
  ) {
    super(route, retryAfterMs);
    this.message = `not sending ${route}: ${invalidCount} invalid Discord answers in 10 minutes; retry after ${retryAfterMs} ms`;
  }
}

/** A sentence a moderator can act on, for a Discord failure. */
export function describeDiscordError(error: DiscordApiError, action = 'do that'): string {
  switch (error.code) {
    case RESTJSONErrorCodes.MissingPermissions:
      return `I can't ${action}: I'm missing a permission, or my highest role is below the target's.`;
    case RESTJSONErrorCodes.MissingAccess:
      return `I can't ${action}: I can't see that channel.`;
    case RESTJSONErrorCodes.UnknownMember:
      return `I can't ${action}: that member is not in this server.`;
    case RESTJSONErrorCodes.UnknownUser:
      return `I can't ${action}: that user does not exist.`;
    case RESTJSONErrorCodes.UnknownChannel:
      return `I can't ${action}: that channel no longer exists.`;
    case RESTJSONErrorCodes.UnknownMessage:
      return `I can't ${action}: that message no longer exists.`;
    case RESTJSONErrorCodes.UnknownBan:
      return `I can't ${action}: that user is not banned.`;
    case RESTJSONErrorCodes.CannotSendMessagesToThisUser:
      return `I can't ${action}: that user does not accept direct messages.`;
    default:
      return `Discord refused to ${action} (${error.status}${error.code ? `, code ${error.code}` : ''}).`;
  }
}
