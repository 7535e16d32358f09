/**
 * Discord JSON error codes and the error type route handlers throw.
 * See https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
 */
import type { ViolationKind } from './types.ts';

/** Discord's JSON error codes used by the fake, with Discord's messages. */
export const DISCORD_ERROR_MESSAGES: Readonly<Record<number, string>> = {
  0: 'General error',
  10003: 'Unknown Channel',
  10004: 'Unknown Guild',
  10007: 'Unknown Member',
  10008: 'Unknown Message',
  10011: 'Unknown Role',
  10013: 'Unknown User',
  10015: 'Unknown Webhook',
  10026: 'Unknown Ban',
  10062: 'Unknown interaction',
  10063: 'Unknown application command',
  40060: 'Interaction has already been acknowledged.',
  50001: 'Missing Access',
  50003: 'Cannot execute action on a DM channel',
  50005: 'Cannot edit a message authored by another user',
  50006: 'Cannot send an empty message',
  50007: 'Cannot send messages to this user',
  50013: 'Missing Permissions',
  50016: 'Provided too few or too many messages to delete. Must provide at least 2 and fewer than 100 messages to delete.',
  50033: 'Invalid Recipient(s)',
  50034: 'You can only bulk delete messages that are under 14 days old.',
  50035: 'Invalid Form Body',
  50083: 'Thread is archived',
  50109: 'The request body contains invalid JSON.',
};

/** One leaf of Discord's 50035 `errors` tree. */
export interface FormError {
  code: string;
  message: string;
}

/** Discord's nested 50035 `errors` object (`{ field: { 0: { _errors: [...] } } }`). */
export interface FormErrorTree {
  _errors?: FormError[];
  [key: string]: FormErrorTree | FormError[] | undefined;
}

/** Discord's error response body. */
export interface DiscordErrorBody {
  message: string;
  code: number;
  errors?: FormErrorTree;
}

/** A Discord-style HTTP error thrown by route handlers and turned into a JSON response. */
export class DiscordHttpError extends Error {
  /**
   * @param status HTTP status.
   * @param code Discord JSON error code (0 for plain HTTP errors such as `404: Not Found`).
   * @param message Defaults to Discord's message for `code`.
   * @param errors Field errors for 50035 Invalid Form Body.
   */
  constructor(
    readonly status: number,
    readonly code: number,
    message?: string,
    readonly errors?: FormErrorTree,
  ) {
    super(message ?? DISCORD_ERROR_MESSAGES[code] ?? `${status}`);
  }

  /** The JSON body Discord would send. */
  toBody(): DiscordErrorBody {
    return this.errors ? { message: this.message, code: this.code, errors: this.errors } : { message: this.message, code: this.code };
  }
}

/** Shorthand for the common Discord errors. */
export const errors = {
  unknownChannel: () => new DiscordHttpError(404, 10003),
  unknownGuild: () => new DiscordHttpError(404, 10004),
  unknownMember: () => new DiscordHttpError(404, 10007),
  unknownMessage: () => new DiscordHttpError(404, 10008),
  unknownRole: () => new DiscordHttpError(404, 10011),
  unknownUser: () => new DiscordHttpError(404, 10013),
  unknownWebhook: () => new DiscordHttpError(404, 10015),
  unknownBan: () => new DiscordHttpError(404, 10026),
  unknownInteraction: () => new DiscordHttpError(404, 10062),
  alreadyAcknowledged: () => new DiscordHttpError(400, 40060),
  missingAccess: () => new DiscordHttpError(403, 50001),
  missingPermissions: () => new DiscordHttpError(403, 50013),
  cannotDm: () => new DiscordHttpError(403, 50007),
  emptyMessage: () => new DiscordHttpError(400, 50006),
  notFound: () => new DiscordHttpError(404, 0, '404: Not Found'),
  methodNotAllowed: () => new DiscordHttpError(405, 0, '405: Method Not Allowed'),
  unauthorized: () => new DiscordHttpError(401, 0, '401: Unauthorized'),
  /** 50035 with a single field error at `path` (dot separated). */
  invalidForm: (path: string, code: string, message: string) => new DiscordHttpError(400, 50035, undefined, errorTree([{ path, code, message }])),
} as const;

/** A flat validation issue (`path` is dot separated, e.g. `embeds.0.title`). */
export interface FlatIssue {
  path: string;
  code: string;
  message: string;
}

/** Build Discord's nested `errors` tree from flat issues. */
export function errorTree(issues: readonly FlatIssue[]): FormErrorTree {
  const root: FormErrorTree = {};
  for (const issue of issues) {
    let node = root;
    for (const key of issue.path === '' ? [] : issue.path.split('.')) {
      const next = node[key];
      if (next === undefined || Array.isArray(next)) {
        const created: FormErrorTree = {};
        node[key] = created;
        node = created;
      } else {
        node = next;
      }
    }
    (node._errors ??= []).push({ code: issue.code, message: issue.message });
  }
  return root;
}

/**
 * A Discord error that is also a contract violation by the caller (recorded in the session's
 * violations list by the dispatcher), e.g. a timeout longer than 28 days.
 */
export class ViolationError extends DiscordHttpError {
  constructor(
    readonly kind: ViolationKind,
    readonly reason: string,
    status: number,
    code: number,
    message?: string,
    errors?: FormErrorTree,
    readonly issues: FlatIssue[] = [],
  ) {
    super(status, code, message, errors);
  }
}
