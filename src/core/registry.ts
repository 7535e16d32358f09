/**
 * The registry: every lookup the router needs (commands by `type:name`, components and
 * modals by `custom_id` key, events by type and scope, crons by schedule), built once from the
 * feature list, plus the command manifest for registration. Duplicates throw.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { apiRouteKey, type AnyApiRoute, type AnyPublicApiRoute, type FeatureApi } from './api/define';
import { assertCustomIdKey } from './custom-id';
import type {
  ChatCommand,
  Command,
  Component,
  Cron,
  EventHandler,
  Feature,
  InternalEventHandler,
  AnyLakeHook,
  Modal,
  OptionDef,
  OptionDefs,
  Preconditions,
  Subcommand,
} from './define';
import { EVENT_SCOPES } from './define';

/** A registered entry and the feature that owns it. */
export interface Owned<T> {
  feature: Feature;
  def: T;
}

/** The resolved leaf of a chat-input command invocation. */
export interface ChatLeaf {
  /** `config channel set` */
  path: string;
  options: OptionDefs;
  handler: Subcommand['handler'];
  preconditions: Preconditions;
}

const NO_HANDLERS: readonly Owned<EventHandler>[] = [];

const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

/** The lookups built from a feature list. */
export class Registry {
  readonly features: readonly Feature[];
  readonly commands = new Map<string, Owned<Command>>();
  readonly components = new Map<string, Owned<Component>>();
  readonly modals = new Map<string, Owned<Modal>>();
  /** Every event handler by dispatch type, whatever its scope (what the relay forwards). */
  readonly events = new Map<string, Owned<EventHandler>[]>();
  /** Handlers by type for events of a guild (`guild` and `any` scopes) and without one (`dm`, `any`). */
  private readonly eventsByPlace = { guild: new Map<string, Owned<EventHandler>[]>(), dm: new Map<string, Owned<EventHandler>[]>() };
  readonly crons = new Map<string, Owned<Cron>[]>();
  /** Lake hooks by event type (guild events only). */
  readonly lakeHooks = new Map<string, Owned<AnyLakeHook>[]>();
  /** Lake hooks of events without a guild (`scope: 'dm'`), by type. */
  readonly dmLakeHooks = new Map<string, Owned<AnyLakeHook>[]>();
  /** Internal event handlers by internal event type. */
  readonly internalHandlers = new Map<string, Owned<InternalEventHandler>[]>();
  /** Dashboard API routes by `METHOD /path` (`apiRouteKey`). */
  readonly apiRoutes = new Map<string, Owned<AnyApiRoute>>();
  /** Unauthenticated public routes (`definePublicApiRoute`), by path. */
  readonly publicApiRoutes = new Map<string, Owned<AnyPublicApiRoute>>();

  /**
   * `apis`: the features' dashboard API routes (`src/features/api.ts`). Only the web Worker
   * passes them, so the bot Worker's bundle carries no API code.
   */
  constructor(features: readonly Feature[], apis: readonly FeatureApi[] = []) {
    this.features = features;
    const featureNames = new Set<string>();
    const eventNames = new Set<string>();
    const cronNames = new Set<string>();
    for (const feature of features) {
      if (!/^[a-z][a-z0-9-]*$/.test(feature.name)) throw new Error(`feature name "${feature.name}" must be lower kebab case`);
      if (featureNames.has(feature.name)) throw new Error(`duplicate feature "${feature.name}"`);
      featureNames.add(feature.name);
      for (const command of feature.commands ?? []) {
        validateCommand(command);
        const key = commandKey(commandType(command), command.name);
        if (this.commands.has(key)) {
          throw new Error(`duplicate command "${command.name}" (${feature.name} and ${this.commands.get(key)!.feature.name})`);
        }
        this.commands.set(key, { feature, def: command });
      }
      for (const [kind, list, map] of [
        ['component', feature.components ?? [], this.components],
        ['modal', feature.modals ?? [], this.modals],
      ] as const) {
        for (const def of list) {
          assertCustomIdKey(def.key);
          if (!def.key.startsWith(`${feature.name}.`)) {
            throw new Error(`${kind} key "${def.key}" must start with its feature's name "${feature.name}."`);
          }
          if (map.has(def.key)) throw new Error(`duplicate ${kind} key "${def.key}"`);
          (map as Map<string, Owned<Component | Modal>>).set(def.key, { feature, def });
        }
      }
      for (const event of feature.events ?? []) {
        const name = `${feature.name}.${event.name}`;
        if (eventNames.has(name)) throw new Error(`duplicate event handler "${name}"`);
        eventNames.add(name);
        const scope = event.scope ?? 'guild';
        if (!EVENT_SCOPES.includes(scope)) throw new Error(`event handler "${name}" has scope "${String(scope)}" (one of ${EVENT_SCOPES.join(', ')})`);
        const owned: Owned<EventHandler> = { feature, def: event };
        pushTo(this.events, event.type, owned);
        if (scope !== 'dm') pushTo(this.eventsByPlace.guild, event.type, owned);
        if (scope !== 'guild') pushTo(this.eventsByPlace.dm, event.type, owned);
      }
      for (const hook of feature.lakeHooks ?? []) {
        const name = `${feature.name}.${hook.name}`;
        if (eventNames.has(name)) throw new Error(`duplicate event handler "${name}"`);
        eventNames.add(name);
        const scope = hook.scope ?? 'guild';
        if (scope !== 'guild' && scope !== 'dm') throw new Error(`lake hook "${name}" has scope "${String(scope)}" (guild or dm)`);
        for (const type of hook.types) pushTo(scope === 'dm' ? this.dmLakeHooks : this.lakeHooks, type, { feature, def: hook });
      }
      for (const handler of feature.internalEvents ?? []) pushTo(this.internalHandlers, handler.type, { feature, def: handler });
      for (const cron of feature.crons ?? []) {
        const name = `${feature.name}.${cron.name}`;
        if (cronNames.has(name)) throw new Error(`duplicate cron "${name}"`);
        cronNames.add(name);
        pushTo(this.crons, cron.schedule, { feature, def: cron });
      }
    }
    for (const { feature, routes, publicRoutes = [] } of apis) {
      if (!features.includes(feature)) throw new Error(`API routes of feature "${feature.name}", which is not in the feature list`);
      for (const route of publicRoutes) {
        if (this.publicApiRoutes.has(route.path)) throw new Error(`duplicate public API route "${route.path}"`);
        this.publicApiRoutes.set(route.path, { feature, def: route });
      }
      for (const route of routes) {
        const key = apiRouteKey(route);
        if (this.apiRoutes.has(key)) throw new Error(`duplicate API route "${key}" (${feature.name} and ${this.apiRoutes.get(key)!.feature.name})`);
        this.apiRoutes.set(key, { feature, def: route });
      }
    }
  }

  /**
   * The handlers an event reaches: those of its type whose scope takes an event of a guild
   * (`guildId` set) or without one. Empty means the event is only recorded.
   */
  eventHandlers(type: string, guildId: string | null): readonly Owned<EventHandler>[] {
    return this.eventsByPlace[guildId ? 'guild' : 'dm'].get(type) ?? NO_HANDLERS;
  }

  /** The lake hooks an event reaches: the guild hooks of its type, or with no guild the DM hooks. */
  hooksFor(type: string, guildId: string | null): readonly Owned<AnyLakeHook>[] {
    return (guildId ? this.lakeHooks : this.dmLakeHooks).get(type) ?? [];
  }

  /** Every dispatch type some handler or hook wants (what the relay forwards). */
  forwardedTypes(): string[] {
    return [...new Set([...this.events.keys(), ...this.lakeHooks.keys(), ...this.dmLakeHooks.keys()])];
  }

  /** The command registered under a type and name. */
  command(type: ApplicationCommandType, name: string): Owned<Command> | undefined {
    return this.commands.get(commandKey(type, name));
  }

  /** The manifest `npm run register` sends (bulk overwrite). */
  manifest(): RESTPostAPIApplicationCommandsJSONBody[] {
    return [...this.commands.values()].map(({ def }) => toManifest(def));
  }
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function commandKey(type: ApplicationCommandType, name: string): string {
  return `${type}:${name}`;
}

/** The Discord command type of a definition. */
export function commandType(command: Command): ApplicationCommandType {
  return command.kind === 'chat'
    ? ApplicationCommandType.ChatInput
    : command.kind === 'user'
      ? ApplicationCommandType.User
      : ApplicationCommandType.Message;
}

function validateCommand(command: Command): void {
  if (command.kind !== 'chat') {
    if (command.name.length < 1 || command.name.length > 32) throw new Error(`context-menu name "${command.name}" must be 1–32 characters`);
    return;
  }
  const check = (name: string, description: string, where: string) => {
    if (!NAME.test(name) || name !== name.toLowerCase()) throw new Error(`${where} name "${name}" must be 1–32 lower-case characters`);
    if (description.length < 1 || description.length > 100) throw new Error(`${where} "${name}" description must be 1–100 characters`);
  };
  check(command.name, command.description, 'command');
  const leaves: [string, Subcommand][] = 'subcommands' in command ? Object.entries(command.subcommands) : [];
  if ('subcommands' in command) {
    for (const [group, def] of Object.entries(command.groups ?? {})) {
      check(group, def.description, `/${command.name} group`);
      leaves.push(...Object.entries(def.subcommands));
    }
    if (leaves.length === 0) throw new Error(`/${command.name} has no subcommands`);
  }
  for (const [name, leaf] of leaves) check(name, leaf.description, `/${command.name} subcommand`);
  const optionSets = 'subcommands' in command ? leaves.map(([, l]) => l.options ?? {}) : [command.options];
  for (const options of optionSets) {
    const entries = Object.entries(options);
    if (entries.length > 25) throw new Error(`/${command.name} has more than 25 options`);
    let seenOptional = false;
    for (const [name, def] of entries) {
      check(name, def.description, `/${command.name} option`);
      if (def.required && seenOptional) throw new Error(`/${command.name}: required option "${name}" must come before optional ones`);
      if (!def.required) seenOptional = true;
    }
  }
}

const leafCache = new WeakMap<ChatCommand, Map<string, ChatLeaf | null>>();

/**
 * Finds the leaf of a chat command for the subcommand path in an interaction, merging
 * preconditions (a subcommand's own settings override its command's). Memoised: the hot
 * path resolves the same few leaves over and over.
 */
export function resolveChatLeaf(command: ChatCommand, group: string | undefined, subcommand: string | undefined): ChatLeaf | null {
  let leaves = leafCache.get(command);
  if (!leaves) leafCache.set(command, (leaves = new Map()));
  const key = `${group ?? ''} ${subcommand ?? ''}`;
  let leaf = leaves.get(key);
  if (leaf === undefined) leaves.set(key, (leaf = buildChatLeaf(command, group, subcommand)));
  return leaf;
}

function buildChatLeaf(command: ChatCommand, group: string | undefined, subcommand: string | undefined): ChatLeaf | null {
  const inherited = pickPreconditions(command);
  if ('handler' in command) {
    return { path: command.name, options: command.options, handler: command.handler, preconditions: inherited };
  }
  const leaf = group ? command.groups?.[group]?.subcommands[subcommand ?? ''] : subcommand ? command.subcommands[subcommand] : undefined;
  if (!leaf) return null;
  return {
    path: [command.name, group, subcommand].filter(Boolean).join(' '),
    options: leaf.options ?? {},
    handler: leaf.handler,
    preconditions: { ...inherited, ...definedOnly(pickPreconditions(leaf)) },
  };
}

/** The preconditions fields of a definition. */
export function pickPreconditions(def: Preconditions): Preconditions {
  return { guildOnly: def.guildOnly, level: def.level, operator: def.operator, cooldown: def.cooldown, ephemeral: def.ephemeral };
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toOption(name: string, def: OptionDef): APIApplicationCommandBasicOption {
  const out: Record<string, unknown> = { type: def.type, name, description: def.description, required: def.required };
  if (def.choices) out.choices = def.choices;
  if (def.autocomplete) out.autocomplete = true;
  if (def.minValue !== undefined) out.min_value = def.minValue;
  if (def.maxValue !== undefined) out.max_value = def.maxValue;
  if (def.minLength !== undefined) out.min_length = def.minLength;
  if (def.maxLength !== undefined) out.max_length = def.maxLength;
  if (def.channelTypes) out.channel_types = def.channelTypes;
  return out as unknown as APIApplicationCommandBasicOption;
}

function toSubcommand(name: string, leaf: Subcommand): APIApplicationCommandSubcommandOption {
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name,
    description: leaf.description,
    options: Object.entries(leaf.options ?? {}).map(([n, d]) => toOption(n, d)),
  };
}

function toManifest(command: Command): RESTPostAPIApplicationCommandsJSONBody {
  const guildOnly = command.guildOnly ?? true;
  const base = {
    name: command.name,
    contexts: guildOnly
      ? [InteractionContextType.Guild]
      : [InteractionContextType.Guild, InteractionContextType.BotDM],
    ...(command.defaultMemberPermissions !== undefined ? { default_member_permissions: command.defaultMemberPermissions } : {}),
  };
  if (command.kind === 'user') return { ...base, type: ApplicationCommandType.User };
  if (command.kind === 'message') return { ...base, type: ApplicationCommandType.Message };
  const options =
    'handler' in command
      ? Object.entries(command.options).map(([n, d]) => toOption(n, d))
      : [
          ...Object.entries(command.subcommands).map(([n, l]) => toSubcommand(n, l)),
          ...Object.entries(command.groups ?? {}).map(([n, g]) => ({
            type: ApplicationCommandOptionType.SubcommandGroup as const,
            name: n,
            description: g.description,
            options: Object.entries(g.subcommands).map(([sn, l]) => toSubcommand(sn, l)),
          })),
        ];
  return { ...base, type: ApplicationCommandType.ChatInput, description: command.description, options };
}
