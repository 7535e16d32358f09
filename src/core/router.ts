/**
 * The interaction router: looks up the handler for an interaction in the registry, runs its
 * preconditions, calls it against the 3-second deadline (deferring on its behalf when it
 * runs late), maps errors to replies and logs the outcome. It names no feature.
 */
import {
  ApplicationCommandType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  type APIApplicationCommandAutocompleteInteraction,
  type APIApplicationCommandInteraction,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIChatInputApplicationCommandInteraction,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessageApplicationCommandInteraction,
  type APIMessageComponentInteraction,
  type APIModalSubmitInteraction,
  type APIUserApplicationCommandInteraction,
  type ModalSubmitComponent,
} from 'discord-api-types/v10';
import { logCommand } from './command-log';
import { buildInteractionContext, type ContextDeps } from './interaction-context';
import type { InteractionContext, Reply } from './context';
import { takeCooldown } from './cooldowns';
import { decodeCustomId } from './custom-id';
import { appConfig } from './env';
import type { Feature, OptionDef, Preconditions } from './define';
import { UserError, errorRef } from './errors';
import { isOperator } from './operators';
import { parseOptions, splitOptions } from './options';
import { pickPreconditions, resolveChatLeaf, type Registry } from './registry';
import { STAFF_LEVEL_LABELS, meetsLevel } from './staff';

/** How the router behaves. */
export interface RouterOptions {
  /** Defer on a handler's behalf after this many ms (Discord's deadline is 3 s). */
  deferAfterMs?: number;
}

/** Outcome recorded in the command log. */
type Outcome = 'ok' | 'refused' | 'error' | 'deferred' | 'expired' | 'unknown';

interface Route {
  /** What the command log calls it. */
  name: string;
  options?: unknown;
  feature: Feature;
  preconditions: Preconditions;
  run: (ctx: InteractionContext) => Promise<Reply>;
}

const TIMED_OUT = Symbol('timed out');
const PENDING = Symbol('pending');
/** Microtask turns a handler gets before the router arms its deadline timer. */
const QUICK_TURNS = 16;


/** `promise`'s value if it settles within `turns` microtask turns, else `PENDING`. */
async function settledWithin<T>(promise: Promise<T>, turns: number): Promise<T | typeof PENDING> {
  let result: T | typeof PENDING = PENDING;
  void promise.then((value) => {
    result = value;
  });
  for (let i = 0; i < turns && result === PENDING; i++) await undefined;
  return result;
}
const EXPIRED = 'This button has expired. Run the command again.';

/** Routes interactions for one registry. */
export class Router {
  private readonly deferAfterMs: number;

  constructor(
    readonly registry: Registry,
    options: RouterOptions = {},
  ) {
    this.deferAfterMs = options.deferAfterMs ?? 2500;
  }

  /**
   * Answers one verified interaction. Never throws: failures become ephemeral replies, and
   * late work continues in `deps.waitUntil`.
   */
  async handle(interaction: APIInteraction, deps: Omit<ContextDeps, 'registry'>, deferAfterMs = this.deferAfterMs): Promise<APIInteractionResponse> {
    if (interaction.type === InteractionType.Ping) return { type: InteractionResponseType.Pong };
    const started = Date.now();
    if (interaction.type === InteractionType.ApplicationCommandAutocomplete) {
      return this.autocomplete(interaction, { ...deps, registry: this.registry });
    }
    const ctx = buildInteractionContext(interaction, { ...deps, registry: this.registry });
    const route = this.route(interaction);
    let outcome: Outcome = 'ok';
    let ref: string | null = null;
    const log = () => {
      const written = logCommand(ctx.db, {
        interactionId: interaction.id,
        guildId: interaction.guild_id ?? null,
        userId: ctx.user.id,
        command: route && 'name' in route ? route.name : describe(interaction),
        options: route && 'options' in route ? (route.options ?? null) : null,
        outcome,
        latencyMs: Date.now() - started,
        errorRef: ref,
        createdAt: started,
      }, appConfig(deps.env).COMMAND_LOG_FLUSH_MS);
      if (written) deps.waitUntil(written);
    };

    if (!route || 'expired' in route) {
      outcome = route ? 'expired' : 'unknown';
      log();
      return ctx.reply({ content: route ? EXPIRED : "I don't know that command any more.", ephemeral: true }).response;
    }

    const fail = (error: unknown): Reply => {
      if (error instanceof UserError) {
        outcome = outcome === 'ok' ? 'refused' : outcome;
        return ctx.reply({ content: error.message, ephemeral: true });
      }
      outcome = 'error';
      ref = errorRef();
      console.error(
        JSON.stringify({ msg: 'handler failed', ref, interaction: interaction.id, route: route.name, error: String(error), stack: (error as Error)?.stack }),
      );
      return ctx.reply({ content: `Something went wrong (ref ${ref}). Staff can look it up.`, ephemeral: true });
    };

    const work = (async () => {
      try {
        const checking = this.checkPreconditions(ctx, route);
        if (checking) await checking;
        return await route.run(ctx);
      } catch (error) {
        return fail(error);
      }
    })();

    // Most handlers answer within a few microtask turns (no I/O): only arm the deadline
    // timer for the ones still pending after that.
    let first: Reply | typeof PENDING | typeof TIMED_OUT = await settledWithin(work, QUICK_TURNS);
    if (first === PENDING) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), deferAfterMs);
      });
      first = await Promise.race([work, deadline]);
      clearTimeout(timer);
    }

    if (first === TIMED_OUT) {
      outcome = 'deferred';
      const isComponent = interaction.type === InteractionType.MessageComponent;
      const deferred: APIInteractionResponse = isComponent
        ? { type: InteractionResponseType.DeferredMessageUpdate }
        : {
            type: InteractionResponseType.DeferredChannelMessageWithSource,
            ...((route.preconditions.ephemeral ?? true) ? { data: { flags: MessageFlags.Ephemeral } } : {}),
          };
      deps.waitUntil(
        work
          .then((reply) => this.deliverLate(ctx, reply, isComponent))
          .catch((error) => this.afterFailed(ctx, route, error, isComponent))
          .finally(log),
      );
      return deferred;
    }

    const reply = first;
    if (reply.after) {
      const deferredUpdate = reply.response.type === InteractionResponseType.DeferredMessageUpdate;
      deps.waitUntil(
        reply
          .after()
          .catch((error) => {
            outcome = error instanceof UserError ? 'refused' : 'error';
            ref = this.afterFailed(ctx, route, error, deferredUpdate);
          })
          .finally(log),
      );
    } else {
      log();
    }
    return reply.response;
  }

  /** Sends a reply that was ready only after the router had deferred. */
  private async deliverLate(ctx: InteractionContext, reply: Reply, deferredUpdate: boolean): Promise<void> {
    const { response } = reply;
    switch (response.type) {
      case InteractionResponseType.ChannelMessageWithSource:
        if (deferredUpdate) await ctx.followUp(response.data ?? {});
        else await ctx.editOriginal(response.data ?? {});
        break;
      case InteractionResponseType.UpdateMessage:
        await ctx.editOriginal(response.data ?? {});
        break;
      case InteractionResponseType.Modal:
        await ctx.followUp({ content: 'That took too long to open. Please try again.', ephemeral: true });
        break;
      default:
        break;
    }
    await reply.after?.();
  }

  /** Reports a failure that happened after the first response; returns its reference. */
  private afterFailed(ctx: InteractionContext, route: Route, error: unknown, deferredUpdate: boolean): string | null {
    let ref: string | null = null;
    let content: string;
    if (error instanceof UserError) {
      content = error.message;
    } else {
      ref = errorRef();
      console.error(
        JSON.stringify({ msg: 'deferred work failed', ref, interaction: ctx.interaction.id, route: route.name, error: String(error), stack: (error as Error)?.stack }),
      );
      content = `Something went wrong (ref ${ref}). Staff can look it up.`;
    }
    const notify = deferredUpdate ? ctx.followUp({ content, ephemeral: true }) : ctx.editOriginal({ content });
    ctx.waitUntil(notify);
    return ref;
  }

  /**
   * Runs a route's preconditions: synchronously when none needs I/O (then it returns
   * nothing), else as a promise. Throws `UserError` on refusal.
   */
  private checkPreconditions(ctx: InteractionContext, route: Route): Promise<void> | undefined {
    const pre = route.preconditions;
    if ((pre.guildOnly ?? true) && !ctx.guildId) {
      throw new UserError('guild_only', 'This only works in a server.');
    }
    if (pre.operator) return this.checkOperator(ctx).then(() => this.checkGuild(ctx, route));
    return this.checkGuild(ctx, route);
  }

  /** Refuses anyone who is not one of the bot's operators. */
  private async checkOperator(ctx: InteractionContext): Promise<void> {
    if (!(await isOperator(ctx.user.id, ctx.env, ctx.discord))) {
      throw new UserError('operators_only', "Only the bot's operators can use this.");
    }
  }

  /** The guild's preconditions: synchronous (nothing returned) when none needs I/O. */
  private checkGuild(ctx: InteractionContext, route: Route): Promise<void> | undefined {
    const pre = route.preconditions;
    if (!ctx.guildId) return undefined;
    const needsLevel = pre.level !== undefined && pre.level !== 'everyone';
    if (!needsLevel && route.feature.toggleable === false && !pre.cooldown) return undefined;
    return this.checkStored(ctx, ctx.guildId, route);
  }

  /** The preconditions that read stored state: staff level, module flag, cooldown. */
  private async checkStored(ctx: InteractionContext, guildId: string, route: Route): Promise<void> {
    const pre = route.preconditions;
    const checks: Promise<void>[] = [];
    if (pre.level && pre.level !== 'everyone') {
      const required = pre.level;
      checks.push(
        ctx.level().then((level) => {
          if (!meetsLevel(level, required)) {
            const label = STAFF_LEVEL_LABELS[required];
            throw new UserError('level_too_low', `You need to be ${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label} or above to use this.`);
          }
        }),
      );
    }
    const feature = route.feature;
    if (feature.toggleable !== false) {
      checks.push(
        ctx.config.moduleEnabled(feature.name, feature.enabledByDefault ?? true).then((enabled) => {
          if (!enabled) throw new UserError('module_disabled', `The ${feature.name} module is turned off in this server.`);
        }),
      );
    }
    await Promise.all(checks);
    if (pre.cooldown) {
      const left = await takeCooldown(ctx.db, guildId, ctx.user.id, route.name, pre.cooldown);
      if (left > 0) throw new UserError('cooldown', `Slow down: you can use this again in ${Math.ceil(left / 1000)} s.`);
    }
  }

  private route(interaction: APIInteraction): Route | { expired: true } | null {
    switch (interaction.type) {
      case InteractionType.ApplicationCommand:
        return this.commandRoute(interaction);
      case InteractionType.MessageComponent:
        return this.componentRoute(interaction);
      case InteractionType.ModalSubmit:
        return this.modalRoute(interaction);
      default:
        return null;
    }
  }

  private commandRoute(interaction: APIApplicationCommandInteraction): Route | null {
    const data = interaction.data as (
      | APIChatInputApplicationCommandInteraction
      | APIUserApplicationCommandInteraction
      | APIMessageApplicationCommandInteraction
    )['data'];
    const owned = this.registry.command(data.type, data.name);
    if (!owned) return null;
    const { feature, def } = owned;
    if (def.kind === 'chat' && data.type === ApplicationCommandType.ChatInput) {
      const { group, subcommand, leaf: raw } = splitOptions(data.options);
      const leaf = resolveChatLeaf(def, group, subcommand);
      if (!leaf) return null;
      return {
        name: `/${leaf.path}`,
        options: Object.fromEntries(raw.map((o) => [o.name, o.value])),
        feature,
        preconditions: leaf.preconditions,
        run: (ctx) => leaf.handler(ctx, parseOptions(leaf.options, raw, data.resolved) as never),
      };
    }
    if (def.kind === 'user' && data.type === ApplicationCommandType.User) {
      return {
        name: def.name,
        options: { target: data.target_id },
        feature,
        preconditions: pickPreconditions(def),
        run: (ctx) => {
          const user = data.resolved?.users?.[data.target_id];
          if (!user) throw new UserError('bad_options', "I can't see that user.");
          const member = data.resolved?.members?.[data.target_id];
          return def.handler(ctx, { user, ...(member ? { member } : {}) });
        },
      };
    }
    if (def.kind === 'message' && data.type === ApplicationCommandType.Message) {
      return {
        name: def.name,
        options: { target: data.target_id },
        feature,
        preconditions: pickPreconditions(def),
        run: (ctx) => {
          const message = data.resolved?.messages?.[data.target_id];
          if (!message) throw new UserError('bad_options', "I can't see that message.");
          return def.handler(ctx, message);
        },
      };
    }
    return null;
  }

  private componentRoute(interaction: APIMessageComponentInteraction): Route | { expired: true } {
    const decoded = decodeCustomId(interaction.data.custom_id);
    const owned = decoded && this.registry.components.get(decoded.key);
    if (!decoded || !owned) return { expired: true };
    return {
      name: interaction.data.custom_id,
      feature: owned.feature,
      preconditions: pickPreconditions(owned.def),
      run: (ctx) => owned.def.handler(ctx as never, decoded.args),
    };
  }

  private modalRoute(interaction: APIModalSubmitInteraction): Route | { expired: true } {
    const decoded = decodeCustomId(interaction.data.custom_id);
    const owned = decoded && this.registry.modals.get(decoded.key);
    if (!decoded || !owned) return { expired: true };
    const fields: Record<string, string> = {};
    collectFields(interaction.data.components as unknown[], fields);
    return {
      name: interaction.data.custom_id,
      options: fields,
      feature: owned.feature,
      preconditions: pickPreconditions(owned.def),
      run: (ctx) => owned.def.handler(ctx as never, decoded.args, fields),
    };
  }

  private async autocomplete(interaction: APIApplicationCommandAutocompleteInteraction, deps: ContextDeps): Promise<APIInteractionResponse> {
    const empty: APIInteractionResponse = { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } };
    const owned = this.registry.command(ApplicationCommandType.ChatInput, interaction.data.name);
    if (!owned || owned.def.kind !== 'chat') return empty;
    const { group, subcommand, leaf: raw } = splitOptions(interaction.data.options);
    const leaf = resolveChatLeaf(owned.def, group, subcommand);
    const focused = raw.find((o) => 'focused' in o && o.focused) as (APIApplicationCommandInteractionDataBasicOption & { focused?: boolean }) | undefined;
    const def: OptionDef | undefined = focused && leaf?.options[focused.name];
    if (!def?.autocomplete || !focused) return empty;
    const ctx = buildInteractionContext(interaction, deps);
    try {
      const choices = await def.autocomplete(ctx, String(focused.value ?? ''));
      return { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: choices.slice(0, 25) } };
    } catch (error) {
      console.error(JSON.stringify({ msg: 'autocomplete failed', interaction: interaction.id, error: String(error) }));
      return empty;
    }
  }
}

function describe(interaction: APIInteraction): string {
  if (interaction.type === InteractionType.ApplicationCommand) return interaction.data.name;
  if (interaction.type === InteractionType.MessageComponent || interaction.type === InteractionType.ModalSubmit) {
    return interaction.data.custom_id;
  }
  return `type:${interaction.type}`;
}

/** Collects `custom_id → value` of every text input in a modal submit (rows or labels). */
function collectFields(components: unknown[] | undefined, out: Record<string, string>): void {
  for (const raw of components ?? []) {
    const c = raw as ModalSubmitComponent & { components?: unknown[]; component?: unknown; value?: unknown; values?: unknown };
    if (typeof c.custom_id === 'string' && typeof c.value === 'string') out[c.custom_id] = c.value;
    else if (typeof c.custom_id === 'string' && Array.isArray(c.values)) out[c.custom_id] = c.values.join(',');
    if (Array.isArray(c.components)) collectFields(c.components, out);
    if (c.component) collectFields([c.component], out);
  }
}

