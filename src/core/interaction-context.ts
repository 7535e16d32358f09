/**
 * Builds the context object of one interaction. Services (`db`, `discord`, `config`) are
 * created lazily so a handler that needs none of them (PING, `/ping`) pays nothing.
 */
import type { APIInteraction, APIMessage } from 'discord-api-types/v10';
import { getDb, type Db } from '../db/client';
import { createDiscord, type Discord } from '../discord';
import { replies, toCallbackData, type InteractionContext, type MessageData } from './context';
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

/** Services shared by every kind of context, created on first use (needs no registry). */
export function lazyServices(deps: Pick<ContextDeps, 'env' | 'waitUntil'>): { env: Env; readonly db: Db; readonly discord: Discord; waitUntil(p: Promise<unknown>): void } {
  let db: Db | undefined;
  let discord: Discord | undefined;
  return {
    env: deps.env,
    get db() {
      return (db ??= getDb(deps.env));
    },
    get discord() {
      return (discord ??= createDiscord(deps.env));
    },
    waitUntil: (promise) =>
      deps.waitUntil(
        promise.catch((error) => console.error(JSON.stringify({ msg: 'background work failed', error: String(error), stack: (error as Error)?.stack }))),
      ),
  };
}

/** The context of one interaction. */
export function buildInteractionContext(
  interaction: APIInteraction,
  deps: ContextDeps,
): InteractionContext & { message: APIMessage | undefined } {
  const services = lazyServices(deps);
  const user = interaction.member?.user ?? interaction.user;
  if (!user) throw new UserError('bad_request', 'This interaction has no user.');
  const guildId = interaction.guild_id ?? null;
  let config: GuildConfig | undefined;
  let level: Promise<StaffLevel> | undefined;
  const editOriginal = (data: MessageData | string) =>
    services.discord.interactions.editOriginal(interaction.token, toCallbackData(data) as never) as Promise<APIMessage>;
  const ctx = {
    ...replies({ editOriginal }),
    interaction,
    registry: deps.registry,
    guildId,
    user,
    member: interaction.member,
    message: 'message' in interaction ? (interaction.message as APIMessage | undefined) : undefined,
    env: services.env,
    waitUntil: services.waitUntil,
    get db() {
      return services.db;
    },
    get discord() {
      return services.discord;
    },
    get guild(): string {
      if (!guildId) throw new UserError('guild_only', 'This only works in a server.');
      return guildId;
    },
    get config(): GuildConfig {
      if (!guildId) throw new UserError('guild_only', 'This only works in a server.');
      return (config ??= new GuildConfig(services.db, guildId));
    },
    level(): Promise<StaffLevel> {
      if (!level) {
        const member = interaction.member;
        const standing = { userId: user.id, roleIds: member?.roles ?? [], permissions: member?.permissions };
        // Administrators need no lookup; everyone else is mapped through the guild's staff roles.
        const quick = resolveLevel(standing, new Map());
        level = quick === 'administrator' || !guildId ? Promise.resolve(quick) : ctx.config.staffRoleMap().then((map) => resolveLevel(standing, map));
      }
      return level;
    },
    editOriginal,
    followUp: (data: MessageData | string) => services.discord.interactions.followUp(interaction.token, toCallbackData(data) as never),
  };
  return ctx;
}
