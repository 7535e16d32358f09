/**
 * What handlers receive. Interaction contexts build replies (`reply`, `defer`, `update`,
 * `modal`, …) that the router sends; slow work goes in `defer(work)` and runs in
 * `waitUntil` after the first response.
 */
import {
  InteractionResponseType,
  MessageFlags,
  type APIInteraction,
  type APIInteractionGuildMember,
  type APIInteractionResponse,
  type APIInteractionResponseCallbackData,
  type APIMessage,
  type APIModalInteractionResponseCallbackData,
  type APIUser,
} from 'discord-api-types/v10';
import type { Db } from '../db/client';
import type { Budget } from './budget';
import type { Discord } from '../discord';
import type { RestFile } from '../discord/rest';
import type { EventScope } from './define';
import type { GuildConfig } from './guild-config.repo';
import type { Registry } from './registry';
import type { StaffLevel } from './staff';

/** A message a handler sends: Discord's callback data plus an `ephemeral` shorthand. */
export type MessageData = APIInteractionResponseCallbackData & { ephemeral?: boolean };

/** What a handler returns: the first response, and work to run after it (in `waitUntil`). */
export interface Reply {
  response: APIInteractionResponse;
  after?: () => Promise<void>;
}

/** A handler's return type. */
export type HandlerResult = Promise<Reply>;

/** Services every context carries. */
export interface BaseContext {
  env: Env;
  db: Db;
  discord: Discord;
  /** Keeps `promise` alive after the response; failures are logged, not swallowed silently. */
  waitUntil(promise: Promise<unknown>): void;
}

/** Everything an interaction handler can use. */
export interface InteractionContext extends BaseContext {
  interaction: APIInteraction;
  /** Every feature's definitions (for `/help`, `/config`). */
  registry: Registry;
  /** The guild, or `null` in DMs (guild-only handlers never see `null`). */
  guildId: string | null;
  /** The guild id; throws in DMs. Use in guild-only handlers. */
  readonly guild: string;
  user: APIUser;
  member: APIInteractionGuildMember | undefined;
  /** The guild's configuration (channels, staff roles, modules, settings). Guild only. */
  readonly config: GuildConfig;
  /** The invoker's staff level (resolved once per interaction). */
  level(): Promise<StaffLevel>;
  /** Answer with a message. User content never pings unless `allowed_mentions` says so. */
  reply(data: MessageData | string): Reply;
  /** Answer "thinking…" now and run `work` after; `work` finishes with `editOriginal`. */
  defer(work: () => Promise<void>, options?: { ephemeral?: boolean }): Reply;
  /** Replace the deferred or original response; `files` are uploaded with it (name them in `data.attachments`). */
  editOriginal(data: MessageData | string, files?: RestFile[]): Promise<APIMessage>;
  /** Send another message after the first response. */
  followUp(data: MessageData | string): Promise<APIMessage>;
  /** Open a modal (commands and components only). */
  modal(data: APIModalInteractionResponseCallbackData): Reply;
}

/** Context of a slash or context-menu command. */
export type CommandContext = InteractionContext;

/** Context of a button or select menu. */
export interface ComponentContext extends InteractionContext {
  /** The message the component is on. */
  message: APIMessage;
  /** Edit the component's message in place. */
  update(data: MessageData): Reply;
  /** Acknowledge now, run `work` after; `work` edits the message with `editOriginal`. */
  deferUpdate(work: () => Promise<void>): Reply;
}

/** Context of a modal submit (it may come from a component message). */
export interface ModalContext extends InteractionContext {
  message: APIMessage | undefined;
  update(data: MessageData): Reply;
  deferUpdate(work: () => Promise<void>): Reply;
}

/** Context of an autocomplete request. */
export interface AutocompleteContext extends BaseContext {
  interaction: APIInteraction;
  registry: Registry;
  guildId: string | null;
  user: APIUser;
}

/** What a scope makes of a guild-only value: always there, never there, or maybe. */
type InScope<S extends EventScope, T> = S extends 'guild' ? T : S extends 'dm' ? undefined : T | undefined;

/** Context of a gateway event consumer, typed by the handler's scope. */
export interface EventContext<S extends EventScope = EventScope> extends BaseContext {
  /** The event's deterministic source id (message id, `guild:user:joined_at`, …). */
  sourceId: string;
  /** The event's guild; null for events without one (DMs). */
  guildId: S extends 'guild' ? string : S extends 'dm' ? null : string | null;
  /** Every feature's definitions. */
  registry: Registry;
  /** The guild's configuration; absent (undefined) for events without a guild (DMs). */
  readonly config: InScope<S, GuildConfig>;
  /** The batch's subrequest budget (shared by its events; `ctx.db` and `ctx.discord` count against it). */
  budget: Budget;
}

/** Context of a lake hook: the batch's services (guild configuration per guild). */
export interface LakeHookContext extends BaseContext {
  registry: Registry;
  budget: Budget;
  /** The configuration of a guild of the batch. */
  config(guildId: string): GuildConfig;
}

/** Context of a cron job. */
export interface CronContext extends BaseContext {
  /** When the trigger was scheduled (ms since epoch). */
  scheduledTime: number;
  cron: string;
  /**
   * This job's subrequest budget for the run: `ctx.db` and `ctx.discord` count every round
   * trip against it. Claim only what fits (`budget.fit(costPerItem)`), start each unit only
   * once its cost is reserved (`withinBudget`), release what was claimed and not started.
   */
  budget: Budget;
}

const NO_PINGS = { parse: [] };

/** Normalises handler message data into Discord's callback data. */
export function toCallbackData(data: MessageData | string): APIInteractionResponseCallbackData {
  const input: MessageData = typeof data === 'string' ? { content: data } : data;
  const { ephemeral, ...rest } = input;
  const out: APIInteractionResponseCallbackData = { allowed_mentions: { ...NO_PINGS, parse: [] }, ...rest };
  if (ephemeral) out.flags = (out.flags ?? 0) | MessageFlags.Ephemeral;
  return out;
}

