/**
 * Builds interactions the way Discord sends them, and signs them with the test keypair.
 * Runs in workerd and in Node (WebCrypto only).
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionType,
  type APIApplicationCommandInteractionDataOption,
  type APIGuildMember,
  type APIInteraction,
  type APIInteractionDataResolved,
  type APIMessage,
  type APIUser,
} from 'discord-api-types/v10';
import { snowflake } from './snowflake';

const keys = new Map<string, Promise<CryptoKey>>();
const encoder = new TextEncoder();

/** Signs `body` with a private key (JWK JSON) as Discord does: Ed25519 over `timestamp + body`. */
export async function sign(privateJwk: string, timestamp: string, body: string | Uint8Array): Promise<string> {
  let key = keys.get(privateJwk);
  if (!key) {
    key = crypto.subtle.importKey('jwk', JSON.parse(privateJwk), { name: 'Ed25519' }, false, ['sign']);
    keys.set(privateJwk, key);
  }
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  const ts = encoder.encode(timestamp);
  const message = new Uint8Array(ts.length + bytes.length);
  message.set(ts);
  message.set(bytes, ts.length);
  const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', await key, message));
  return Array.from(signature, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Options of a signed request. */
export interface SignedRequestOptions {
  url?: string;
  /** Seconds since epoch; default now. */
  timestamp?: number;
  headers?: Record<string, string>;
}

/** A `POST /interactions` request signed with `privateJwk`. */
export async function signedRequest(privateJwk: string, body: unknown, options: SignedRequestOptions = {}): Promise<Request> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = await sign(privateJwk, timestamp, text);
  return new Request(options.url ?? 'https://gatehouse.test/interactions', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature-ed25519': signature,
      'x-signature-timestamp': timestamp,
      ...options.headers,
    },
    body: text,
  });
}

/** A user as Discord describes one. */
export function user(overrides: Partial<APIUser> = {}): APIUser {
  const id = overrides.id ?? snowflake();
  return {
    id,
    username: `user${id.slice(-5)}`,
    global_name: null,
    discriminator: '0',
    avatar: null,
    ...overrides,
  };
}

/** Who invokes an interaction. */
export interface Invoker {
  user?: APIUser;
  roles?: string[];
  /** Permission bit string; `'8'` is Administrator. */
  permissions?: string;
}

/** Where and by whom. `guildId: null` builds a DM interaction. */
export interface InteractionBase extends Invoker {
  guildId?: string | null;
  channelId?: string;
  applicationId?: string;
}

function base(type: InteractionType, opts: InteractionBase) {
  const u = opts.user ?? user();
  const guildId = opts.guildId === undefined ? snowflake() : opts.guildId;
  const channelId = opts.channelId ?? snowflake();
  const common = {
    id: snowflake(),
    application_id: opts.applicationId ?? '1100000000000000001',
    type,
    token: `tok_${snowflake()}_${Math.random().toString(36).slice(2)}`,
    version: 1,
    app_permissions: '8',
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: {},
    attachment_size_limit: 10485760,
    channel_id: channelId,
    channel: { id: channelId, type: guildId ? 0 : 1 },
  };
  if (!guildId) return { ...common, user: u, context: 1 };
  const member: APIGuildMember & { permissions: string } = {
    user: u,
    roles: opts.roles ?? [],
    joined_at: new Date(Date.now() - 86400000).toISOString(),
    deaf: false,
    mute: false,
    flags: 0 as APIGuildMember['flags'],
    permissions: opts.permissions ?? '0',
  };
  return { ...common, guild_id: guildId, guild: { id: guildId, locale: 'en-US', features: [] }, guild_locale: 'en-US', member, context: 0 };
}

/** PING. */
export function ping(): APIInteraction {
  return { ...base(InteractionType.Ping, { guildId: null }), user: undefined } as unknown as APIInteraction;
}

/** A slash command. `options` may contain subcommand groups/subcommands, as Discord nests them. */
export function slashCommand(
  name: string,
  opts: InteractionBase & { options?: APIApplicationCommandInteractionDataOption[]; resolved?: APIInteractionDataResolved } = {},
): APIInteraction {
  return {
    ...base(InteractionType.ApplicationCommand, opts),
    data: {
      id: snowflake(),
      name,
      type: ApplicationCommandType.ChatInput,
      ...(opts.options ? { options: opts.options } : {}),
      ...(opts.resolved ? { resolved: opts.resolved } : {}),
    },
  } as unknown as APIInteraction;
}

/** `sub('set', [...])` → a subcommand option. */
export function subcommand(name: string, options: APIApplicationCommandInteractionDataOption[] = []): APIApplicationCommandInteractionDataOption {
  return { type: ApplicationCommandOptionType.Subcommand, name, options } as APIApplicationCommandInteractionDataOption;
}

/** A subcommand group option wrapping one subcommand. */
export function group(name: string, sub: APIApplicationCommandInteractionDataOption): APIApplicationCommandInteractionDataOption {
  return { type: ApplicationCommandOptionType.SubcommandGroup, name, options: [sub] } as APIApplicationCommandInteractionDataOption;
}

/** A leaf option value. */
export function option(name: string, type: ApplicationCommandOptionType, value: string | number | boolean, focused = false): APIApplicationCommandInteractionDataOption {
  return { name, type, value, ...(focused ? { focused } : {}) } as APIApplicationCommandInteractionDataOption;
}

/** An autocomplete request for a slash command. */
export function autocomplete(name: string, opts: InteractionBase & { options: APIApplicationCommandInteractionDataOption[] }): APIInteraction {
  const cmd = slashCommand(name, opts) as unknown as Record<string, unknown>;
  return { ...cmd, type: InteractionType.ApplicationCommandAutocomplete } as unknown as APIInteraction;
}

/** A user context-menu command on `target`. */
export function userCommand(name: string, target: APIUser, opts: InteractionBase & { targetMember?: Omit<APIGuildMember, 'user'> } = {}): APIInteraction {
  return {
    ...base(InteractionType.ApplicationCommand, opts),
    data: {
      id: snowflake(),
      name,
      type: ApplicationCommandType.User,
      target_id: target.id,
      resolved: { users: { [target.id]: target }, ...(opts.targetMember ? { members: { [target.id]: opts.targetMember } } : {}) },
    },
  } as unknown as APIInteraction;
}

/** A message context-menu command on `target`. */
export function messageCommand(name: string, target: APIMessage, opts: InteractionBase = {}): APIInteraction {
  return {
    ...base(InteractionType.ApplicationCommand, opts),
    data: { id: snowflake(), name, type: ApplicationCommandType.Message, target_id: target.id, resolved: { messages: { [target.id]: target } } },
  } as unknown as APIInteraction;
}

/** A button press on a message. */
export function buttonPress(customId: string, opts: InteractionBase & { message?: Partial<APIMessage> } = {}): APIInteraction {
  const b = base(InteractionType.MessageComponent, opts);
  return {
    ...b,
    message: {
      id: snowflake(),
      channel_id: b.channel_id,
      content: '',
      embeds: [],
      components: [],
      author: user({ bot: true }),
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      type: 0,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      ...opts.message,
    },
    data: { custom_id: customId, component_type: ComponentType.Button },
  } as unknown as APIInteraction;
}

/** A modal submit with text-input values (`custom_id → value`). */
export function modalSubmit(customId: string, fields: Record<string, string>, opts: InteractionBase & { message?: Partial<APIMessage> } = {}): APIInteraction {
  return {
    ...base(InteractionType.ModalSubmit, opts),
    ...(opts.message ? { message: opts.message } : {}),
    data: {
      custom_id: customId,
      components: Object.entries(fields).map(([id, value]) => ({
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, custom_id: id, value }],
      })),
    },
  } as unknown as APIInteraction;
}

/** A string select menu choice on a message (`values`: the chosen option values). */
export function selectMenu(customId: string, values: string[], opts: InteractionBase & { message?: Partial<APIMessage> } = {}): APIInteraction {
  const press = buttonPress(customId, opts) as unknown as Record<string, unknown>;
  return { ...press, data: { custom_id: customId, component_type: ComponentType.StringSelect, values } } as unknown as APIInteraction;
}
