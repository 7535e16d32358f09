/**
 * Builds the context object of one interaction. Services (`db`, `discord`, `config`) are
 * created lazily so a handler that needs none of them (PING, `/ping`) pays nothing.
 */
import {
  InteractionResponseType,
  MessageFlags,
  type APIInteraction,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIModalInteractionResponseCallbackData,
  type APIUser,
} from 'discord-api-types/v10';
import { countedDb, getDb, type Db } from '../db/client';
import { createDiscord, type Discord } from '../discord';
import type { RestFile } from '../discord/rest';
import type { Budget } from './budget';
import { toCallbackData, type ComponentContext, type InteractionContext, type MessageData, type Reply } from './context';
import { GuildConfig } from './guild-config.repo';
import { UserError } from './errors';
import type { Registry } from './registry';
import { resolveLevel, type StaffLevel } from './staff';

/** What a context is built from. */
export interface ContextDeps {
  env: Env;
  registry: Registry;
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * Services shared by every kind of context, created on first use (needs no registry). With a
 * `budget`, the database and the REST client count every subrequest they make against it
 * (and the database handle is this invocation's own, not the isolate's).
 */
export function lazyServices(
  deps: Pick<ContextDeps, 'env' | 'waitUntil'> & { discordOptions?: Parameters<typeof createDiscord>[1]; budget?: Budget },
): { env: Env; readonly db: Db; readonly discord: Discord; waitUntil(p: Promise<unknown>): void } {
  let db: Db | undefined;
  let discord: Discord | undefined;
  const budget = deps.budget;
  const count = budget && ((n: number) => budget.count(n));
  return {
    env: deps.env,
    get db() {
      return (db ??= count ? countedDb(deps.env, count) : getDb(deps.env));
    },
    get discord() {
      return (discord ??= createDiscord(deps.env, count ? { ...deps.discordOptions, countSubrequest: count } : deps.discordOptions));
    },
    waitUntil: (promise) =>
      deps.waitUntil(
        promise.catch((error) => console.error(JSON.stringify({ msg: 'background work failed', error: String(error), stack: (error as Error)?.stack }))),
      ),
  };
}

/**
 * The context of one interaction: a class, so its methods live on the prototype and a
 * request allocates one small object (the hot path builds one per interaction).
 */
class Context implements InteractionContext {
  readonly guildId: string | null;
  readonly user: APIUser;
  readonly member: APIInteractionGuildMember | undefined;
  readonly message: APIMessage | undefined;
  readonly registry: Registry;
  readonly env: Env;
  private services: ReturnType<typeof lazyServices> | undefined;
  private guildConfig: GuildConfig | undefined;
  private staffLevel: Promise<StaffLevel> | undefined;

  constructor(
    readonly interaction: APIInteraction,
    private readonly deps: ContextDeps,
  ) {
    const user = interaction.member?.user ?? interaction.user;
    if (!user) throw new UserError('bad_request', 'This interaction has no user.');
    this.user = user;
    this.guildId = interaction.guild_id ?? null;
    this.member = interaction.member;
    this.message = 'message' in interaction ? (interaction.message as APIMessage | undefined) : undefined;
    this.registry = deps.registry;
    this.env = deps.env;
  }

  private get svc(): ReturnType<typeof lazyServices> {
    return (this.services ??= lazyServices(this.deps));
  }
  get db(): Db {
    return this.svc.db;
  }
  get discord(): Discord {
    return this.svc.discord;
  }
  waitUntil(promise: Promise<unknown>): void {
    this.svc.waitUntil(promise);
  }
  get guild(): string {
    if (!this.guildId) throw new UserError('guild_only', 'This only works in a server.');
    return this.guildId;
  }
  get config(): GuildConfig {
    return (this.guildConfig ??= new GuildConfig(this.db, this.guild));
  }
  level(): Promise<StaffLevel> {
    if (!this.staffLevel) {
      const member = this.interaction.member;
      const standing = { userId: this.user.id, roleIds: member?.roles ?? [], permissions: member?.permissions };
      // Administrators need no lookup; everyone else is mapped through the guild's staff roles.
      const quick = resolveLevel(standing, new Map());
      this.staffLevel =
        quick === 'administrator' || !this.guildId ? Promise.resolve(quick) : this.config.staffRoleMap().then((map) => resolveLevel(standing, map));
    }
    return this.staffLevel;
  }
  reply(data: MessageData | string): Reply {
    return { response: { type: InteractionResponseType.ChannelMessageWithSource, data: toCallbackData(data) } };
  }
  defer(work: () => Promise<void>, options: { ephemeral?: boolean } = {}): Reply {
    return {
      response: {
        type: InteractionResponseType.DeferredChannelMessageWithSource,
        ...(options.ephemeral ? { data: { flags: MessageFlags.Ephemeral } } : {}),
      },
      after: work,
    };
  }
  modal(data: APIModalInteractionResponseCallbackData): Reply {
    return { response: { type: InteractionResponseType.Modal, data } };
  }
  update(data: MessageData): Reply {
    return { response: { type: InteractionResponseType.UpdateMessage, data: toCallbackData(data) } };
  }
  deferUpdate(work: () => Promise<void>): Reply {
    return { response: { type: InteractionResponseType.DeferredMessageUpdate }, after: work };
  }
  editOriginal(data: MessageData | string, files?: RestFile[]): Promise<APIMessage> {
    return this.discord.interactions.editOriginal(this.interaction.token, toCallbackData(data) as never, files) as Promise<APIMessage>;
  }
  followUp(data: MessageData | string): Promise<APIMessage> {
    return this.discord.interactions.followUp(this.interaction.token, toCallbackData(data) as never);
  }
}

/** The context of one interaction (commands, components and modals alike). */
export function buildInteractionContext(interaction: APIInteraction, deps: ContextDeps): InteractionContext & ComponentContext {
  return new Context(interaction, deps) as unknown as InteractionContext & ComponentContext;
}
