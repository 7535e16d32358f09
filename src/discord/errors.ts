/**
 * Discord API failures as typed errors. Features switch on `code` (Discord's JSON error
 * code, `RESTJSONErrorCodes`) to turn them into clear messages.
 */
import { RESTJSONErrorCodes } from 'discord-api-types/v10';

/** A non-2xx answer from Discord (after rate-limit retries). */
export class DiscordApiError extends Error {
  override readonly name = 'DiscordApiError';
  constructor(
    readonly status: number,
    /** Discord's JSON error code; 0 when the body had none. */
    readonly code: number,
    message: string,
    readonly method: string,
    readonly route: string,
    readonly errors?: unknown,
  ) {
    super(`${method} ${route} → ${status}${code ? ` (${code})` : ''}: ${message}`);
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
  override readonly name = 'RateLimitedError';
  constructor(
    readonly route: string,
    readonly retryAfterMs: number,
  ) {
    super(`rate limited on ${route}; retry after ${retryAfterMs} ms`);
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
