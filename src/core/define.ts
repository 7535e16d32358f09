/**
 * The vocabulary a feature is written in. One definition object per command feeds both the
 * router (dispatch, preconditions, typed options) and `npm run register` (the manifest).
 */
import {
  ApplicationCommandOptionType,
  ChannelType,
  type APIApplicationCommandOptionChoice,
  type APIAttachment,
  type APIInteractionDataResolvedChannel,
  type APIInteractionDataResolvedGuildMember,
  type APIMessage,
  type APIRole,
  type APIUser,
  type GatewayDispatchEvents,
} from 'discord-api-types/v10';
import type { StaffLevel } from './staff';
import type {
  AutocompleteContext,
  ComponentContext,
  CommandContext,
  CronContext,
  EventContext,
  LakeHookContext,
  HandlerResult,
  ModalContext,
} from './context';

// ---------------------------------------------------------------------------------------
// Options

/** A user option's value: the user, and their guild member when the user is in the guild. */
export interface UserOptionValue {
  id: string;
  user: APIUser;
  member?: APIInteractionDataResolvedGuildMember;
}

interface OptionValueByType {
  [ApplicationCommandOptionType.String]: string;
  [ApplicationCommandOptionType.Integer]: number;
  [ApplicationCommandOptionType.Number]: number;
  [ApplicationCommandOptionType.Boolean]: boolean;
  [ApplicationCommandOptionType.User]: UserOptionValue;
  [ApplicationCommandOptionType.Channel]: APIInteractionDataResolvedChannel;
  [ApplicationCommandOptionType.Role]: APIRole;
  [ApplicationCommandOptionType.Mentionable]: string;
  [ApplicationCommandOptionType.Attachment]: APIAttachment;
}

type ValueOptionType = keyof OptionValueByType;

/** One option of a command or subcommand; build it with `opt.*`. */
export interface OptionDef<T extends ValueOptionType = ValueOptionType, R extends boolean = boolean> {
  type: T;
  description: string;
  required: R;
  choices?: APIApplicationCommandOptionChoice<string | number>[];
  minValue?: number;
  maxValue?: number;
  minLength?: number;
  maxLength?: number;
  channelTypes?: ChannelType[];
  /** Suggests values as the user types; makes the option an autocomplete option. */
  autocomplete?: (ctx: AutocompleteContext, value: string) => Promise<APIApplicationCommandOptionChoice<string | number>[]>;
}

/** A map of option name → definition. Names must be lower case, 1–32 characters. */
export type OptionDefs = Record<string, OptionDef>;

/** The typed values a handler receives for a set of option definitions. */
export type OptionValues<O extends OptionDefs> = {
  [K in keyof O]: O[K] extends OptionDef<infer T, infer R>
    ? R extends true
      ? OptionValueByType[T]
      : OptionValueByType[T] | undefined
    : never;
};

type OptionExtras = Omit<OptionDef, 'type' | 'description' | 'required'>;

function option<T extends ValueOptionType>(type: T) {
  function make<E extends OptionExtras & { required: true }>(description: string, extras: E): OptionDef<T, true>;
  function make(description: string, extras?: OptionExtras & { required?: false }): OptionDef<T, false>;
  function make(description: string, extras: OptionExtras & { required?: boolean } = {}): OptionDef<T> {
    return { ...extras, type, description, required: extras.required ?? false };
  }
  return make;
}

/** Option builders: `opt.string('Why', { required: true, maxLength: 512 })`. */
export const opt = {
  string: option(ApplicationCommandOptionType.String),
  integer: option(ApplicationCommandOptionType.Integer),
  number: option(ApplicationCommandOptionType.Number),
  boolean: option(ApplicationCommandOptionType.Boolean),
  user: option(ApplicationCommandOptionType.User),
  channel: option(ApplicationCommandOptionType.Channel),
  role: option(ApplicationCommandOptionType.Role),
  mentionable: option(ApplicationCommandOptionType.Mentionable),
  attachment: option(ApplicationCommandOptionType.Attachment),
};

// ---------------------------------------------------------------------------------------
// Preconditions

/** Checks the router runs before a handler; a failed check is an ephemeral refusal. */
export interface Preconditions {
  /** Refuse in DMs. Default: true for every command (Gatehouse is a server bot). */
  guildOnly?: boolean;
  /** Minimum staff level. Default: `everyone`. */
  level?: StaffLevel;
  /**
   * Only the bot's operators (`BOT_OWNER_IDS`, else the application's owner) may use it:
   * for bot-wide controls, which no guild's staff should reach. Checked before `level`.
   */
  operator?: boolean;
  /** Seconds between two uses by one user in one guild, stored so it survives isolates. */
  cooldown?: number;
  /** When the router defers on a slow handler's behalf, defer ephemerally. Default: true. */
  ephemeral?: boolean;
}

// ---------------------------------------------------------------------------------------
// Commands

/** A leaf of a chat-input command: the command itself or one of its subcommands. */
export interface Subcommand<O extends OptionDefs = OptionDefs> extends Preconditions {
  description: string;
  options?: O;
  handler: (ctx: CommandContext, options: OptionValues<O>) => HandlerResult;
}

/** Declares a subcommand with its options typed for its handler. */
export function sub<O extends OptionDefs = {}>(def: Subcommand<O>): Subcommand<O> {
  return def;
}

/** A subcommand group (`/config channel set`). */
export interface SubcommandGroup {
  description: string;
  subcommands: Record<string, Subcommand<any>>;
}

interface CommandBase extends Preconditions {
  name: string;
  description: string;
  /** Default member permissions for Discord's own UI filter (bit string). Not a security check. */
  defaultMemberPermissions?: string;
}

/** A chat-input (slash) command: a leaf with options, or subcommands and groups. */
export type ChatCommand =
  | (CommandBase & { kind: 'chat'; options: OptionDefs; handler: Subcommand['handler'] })
  | (CommandBase & { kind: 'chat'; subcommands: Record<string, Subcommand<any>>; groups?: Record<string, SubcommandGroup> });

/** Declares a slash command without subcommands. */
export function defineCommand<O extends OptionDefs = {}>(
  def: CommandBase & { options?: O; handler: (ctx: CommandContext, options: OptionValues<O>) => HandlerResult },
): ChatCommand {
  return { ...def, kind: 'chat', options: def.options ?? {}, handler: def.handler as Subcommand['handler'] };
}

/** Declares a slash command made of subcommands (and optionally groups of them). */
export function defineCommandGroup(
  def: CommandBase & { subcommands?: Record<string, Subcommand<any>>; groups?: Record<string, SubcommandGroup> },
): ChatCommand {
  return { ...def, kind: 'chat', subcommands: def.subcommands ?? {}, groups: def.groups ?? {} };
}

/** What a user context-menu command receives. */
export interface UserTarget {
  user: APIUser;
  member?: APIInteractionDataResolvedGuildMember;
}

/** A context-menu command on a user ("Apps → Warn"). */
export interface UserCommand extends CommandBase {
  kind: 'user';
  handler: (ctx: CommandContext, target: UserTarget) => HandlerResult;
}

/** A context-menu command on a message. */
export interface MessageCommand extends CommandBase {
  kind: 'message';
  handler: (ctx: CommandContext, message: APIMessage) => HandlerResult;
}

/** Declares a user context-menu command. Its description is shown in `/help` only. */
export function defineUserCommand(def: Omit<UserCommand, 'kind'>): UserCommand {
  return { ...def, kind: 'user' };
}

/** Declares a message context-menu command. Its description is shown in `/help` only. */
export function defineMessageCommand(def: Omit<MessageCommand, 'kind'>): MessageCommand {
  return { ...def, kind: 'message' };
}

/** Any application command. */
export type Command = ChatCommand | UserCommand | MessageCommand;

// ---------------------------------------------------------------------------------------
// Components and modals

/** A message component handler, keyed by the `feature.action` of its `custom_id`. */
export interface Component extends Preconditions {
  /** `feature.action`; build ids with `encodeCustomId(key, ...args)`. */
  key: string;
  handler: (ctx: ComponentContext, args: string[]) => HandlerResult;
}

/** A modal submit handler, keyed like a component. */
export interface Modal extends Preconditions {
  key: string;
  handler: (ctx: ModalContext, args: string[], fields: Record<string, string>) => HandlerResult;
}

/** Declares a component handler. */
export function defineComponent(def: Component): Component {
  return def;
}

/** Declares a modal submit handler. */
export function defineModal(def: Modal): Modal {
  return def;
}

// ---------------------------------------------------------------------------------------
// Events and crons

/** Gateway dispatch types the relay forwards. */
export type EventType = `${GatewayDispatchEvents}`;

/**
 * Which events of its type a handler receives: `guild` (the event belongs to a guild: the
 * default), `dm` (it has no guild: a DM message, DM typing…) or `any`. The consumer filters on
 * type and scope before anything else, so events no handler's scope takes are recorded in the
 * cheap batched path (a DM handler on `MESSAGE_CREATE` costs guild messages nothing).
 */
export type EventScope = 'guild' | 'dm' | 'any';

/** The scopes a handler may declare. */
export const EVENT_SCOPES: readonly EventScope[] = ['guild', 'dm', 'any'];

/**
 * A consumer of gateway events delivered through the EVENTS queue. Delivery and effects are
 * at least once: a handler can run again for an event whose effect already happened, so it
 * makes each effect idempotent (a PUT, a conditional update, insert-or-ignore on the source
 * id, a message posted with `nonce` + `enforce_nonce` from `messageNonce(name, ctx.sourceId)`).
 */
export interface EventHandler<P = unknown, S extends EventScope = EventScope> {
  /** Stable name for logs and dead-letter records. */
  name: string;
  type: EventType;
  /** Default `guild`. The context is typed by it: `ctx.config` is absent outside a guild. */
  scope?: S;
  /**
   * Most subrequests (D1 statements and REST calls) one run of the handler makes; the
   * consumer starts an event only when its handlers' costs fit the batch's budget. Default
   * {@link DEFAULT_EVENT_COST}.
   */
  cost?: number;
  /**
   * A cheap synchronous look at the payload (no I/O): an event it refuses is not this
   * handler's, and the consumer routes it as if the handler did not exist (so a handler of
   * thread messages costs the other guild messages nothing: they stay on the batched path).
   * Default: every event of the type and scope.
   */
  accepts?: (payload: P) => boolean;
  handler: (ctx: EventContext<S>, payload: P) => Promise<void>;
}

/** Subrequests an event handler is assumed to make when it declares no `cost`. */
export const DEFAULT_EVENT_COST = 5;

/**
 * Declares an event handler. Guild-scoped unless `scope` says otherwise; with an explicit
 * payload type, name the scope too: `defineEvent<Payload, 'dm'>({ scope: 'dm', … })`.
 */
export function defineEvent<P = unknown, S extends EventScope = 'guild'>(def: EventHandler<P, S>): EventHandler<P, S> {
  return def;
}

/** The places a lake hook may take events from: a guild's, or the bot's DMs. */
export type LakeHookScope = 'guild' | 'dm';

/** An event as the lake recorded it, handed to lake hooks (`guildId` null for a DM hook's). */
export interface LakeEvent<G extends string | null = string> {
  sourceId: string;
  type: string;
  guildId: G;
  payload: unknown;
  /** The lake row's columns: who, where, when, and the content-free summary. */
  facts: import('./gateway/lake').LakeFacts;
}

/**
 * A consumer of guild events in bulk (the rules engine): called once per queue batch with the
 * events of its types the lake recorded and claimed in that batch (first deliveries, and
 * events whose earlier run did not finish). Same guarantees as an event handler (at least
 * once, so effects are idempotent), but the events are recorded, claimed and settled a hundred
 * at a time, and the hook decides for all of them in a few round trips.
 */
export interface LakeHook<S extends LakeHookScope = 'guild'> {
  name: string;
  types: readonly EventType[];
  /**
   * `guild` (the default): events of guilds. `dm`: events without a guild (the bot's DMs, such
   * as modmail's plain DMs), which then take the same batched path instead of one round trip
   * each; a DM hook has no `wants` and no module toggle (a DM belongs to no guild).
   */
  scope?: S;
  /** Most subrequests one call over `events` events makes. */
  cost: (events: number) => number;
  /**
   * Whether the hook wants a guild's events of a type at all (e.g. the guild has a rule on
   * it); events no hook wants take the cheap unhandled path. Default: always.
   */
  wants?: S extends 'dm' ? never : (ctx: LakeHookContext, guildId: string, type: string) => Promise<boolean>;
  handler: (ctx: LakeHookContext, events: LakeEvent<S extends 'dm' ? null : string>[]) => Promise<void>;
}

/** A lake hook of either scope, as the registry holds it. */
export type AnyLakeHook = LakeHook | LakeHook<'dm'>;

/** Declares a lake hook (guild-scoped unless `scope: 'dm'`). */
export function defineLakeHook(def: LakeHook<'dm'> & { scope: 'dm' }): LakeHook<'dm'>;
export function defineLakeHook(def: LakeHook): LakeHook;
export function defineLakeHook(def: AnyLakeHook): AnyLakeHook {
  return def;
}

/** A scheduled job, run by the cron trigger whose expression equals `schedule`. */
export interface Cron {
  name: string;
  /** One of the cron expressions in wrangler.toml's `[triggers]`. */
  schedule: string;
  /** May return what it did; the scheduler logs it with the run's budget. */
  handler: (ctx: CronContext) => Promise<void | CronReport>;
}

/** What one run of a job did with its budget: items claimed, finished, and left for the next run. */
export interface CronReport {
  claimed: number;
  done: number;
  left: number;
}

/** Declares a cron job. */
export function defineCron(def: Cron): Cron {
  return def;
}

// ---------------------------------------------------------------------------------------
// Features

/** A feature: a manifest of everything it contributes. The folder's `index.ts` is only this. */
export interface Feature {
  /** Lower kebab case; also the module name for `/config module` and the `custom_id` prefix. */
  name: string;
  description: string;
  /** Whether `/config module disable` may turn it off. Platform features set false. */
  toggleable?: boolean;
  /** Whether the module is on in a guild that never configured it. Default: true. */
  enabledByDefault?: boolean;
  /** Channel purposes this feature reads (`purpose → what it is for`), for `/config channel`. */
  channels?: Record<string, string>;
  commands?: Command[];
  components?: Component[];
  modals?: Modal[];
  events?: EventHandler<any, any>[];
  /** Bulk consumers of guild (or DM) events after the lake write (see {@link LakeHook}). */
  lakeHooks?: AnyLakeHook[];
  /** Consumers of internal events (`level_up`, `case_created`, … see src/core/internal-events.ts). */
  internalEvents?: InternalEventHandler[];
  crons?: Cron[];
}

/** A consumer of an internal event, run in the invocation that emitted it. */
export interface InternalEventHandler {
  name: string;
  type: string;
  handler: (ctx: import('./internal-events').InternalContext, event: import('./internal-events').InternalEvent) => Promise<void>;
}

/** Declares a feature. */
export function defineFeature(def: Feature): Feature {
  return def;
}
