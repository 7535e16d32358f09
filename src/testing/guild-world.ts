/**
 * A guild on the fake Discord for feature tests in workerd: staff roles mapped to levels,
 * people to act as, and `run`/`press`/`choose`/`complete`/`cron`, which drive the Worker
 * the way Discord does (signed, registered with the fake, the HTTP reply reported to it as
 * the callback, background work awaited) and return what the invoker finally read.
 */
import { createExecutionContext, createScheduledController, env as baseEnv, waitOnExecutionContext } from 'cloudflare:test';
import {
  ApplicationCommandOptionType,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOptionChoice,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessage,
  type APIRole,
  type APIUser,
} from 'discord-api-types/v10';
import worker from '../../workers/bot/index';
import { GuildConfig } from '../core/guild-config.repo';
import { getDb } from '../db/client';
import { FakeDiscord, type SeedRole, type SeededGuild } from './fake-discord/client';
import { send, testEnv } from './harness';
import { autocomplete, buttonPress, option, selectMenu, slashCommand, subcommand, user as makeUser, userCommand } from './interactions';

const T = ApplicationCommandOptionType;

/** Someone who runs commands. */
export interface Person {
  user: APIUser;
  roles: string[];
  permissions: string;
}

/** What one interaction produced. */
export interface Outcome {
  response: APIInteractionResponse;
  /** What the invoker finally reads: the reply, the deferred reply's @original, or a follow-up. */
  content: string;
  message: Partial<APIMessage> | null;
  /** Whether what they read is ephemeral. */
  ephemeral: boolean;
  token: string;
}

/** An option value: strings, numbers, booleans, or a user, role or channel by id. */
export type Opt = string | number | boolean | { user: string } | { role: string } | { channel: string };

/** The world a test acts in. */
export interface GuildWorld {
  fake: FakeDiscord;
  env: Env;
  g: SeededGuild;
  owner: Person;
  admin: Person;
  moderator: Person;
  helper: Person;
  /** Adds a plain member with roles (by name or id). */
  member(options?: { roles?: string[]; dmsClosed?: boolean; permissions?: string }): Promise<Person>;
  /** Re-reads a person's roles from the fake (after the bot changed them). */
  refresh(person: Person): Promise<Person>;
  run(person: Person, name: string, options?: Record<string, Opt>, sub?: string, where?: { channelId?: string }): Promise<Outcome>;
  runUser(person: Person, name: string, target: Person): Promise<Outcome>;
  press(person: Person, customId: string, message: APIMessage): Promise<Outcome>;
  choose(person: Person, customId: string, values: string[], message: APIMessage): Promise<Outcome>;
  /** Asks for autocomplete choices of `focused` (its value typed so far). */
  complete(person: Person, name: string, sub: string | undefined, focused: string, typed: string): Promise<APIApplicationCommandOptionChoice[]>;
  /** Runs the every-minute cron (every feature's jobs, as the Worker does). */
  cron(): Promise<void>;
  roles(): Promise<Record<string, APIRole>>;
}

/**
 * A slash command's options and their `resolved` data, as Discord would send them: users,
 * members, roles and channels looked up on the fake Discord (a role it no longer has resolves
 * as "deleted").
 */
export async function commandOptions(
  fake: FakeDiscord,
  guildId: string,
  options: Record<string, Opt>,
): Promise<{ opts: APIApplicationCommandInteractionDataOption[]; resolved: Record<string, unknown> | undefined }> {
  const users: Record<string, APIUser> = {};
  const members: Record<string, unknown> = {};
  const rolesResolved: Record<string, APIRole> = {};
  const channels: Record<string, unknown> = {};
  const opts: APIApplicationCommandInteractionDataOption[] = [];
  const known = (await fake.guild(guildId))?.roles ?? [];
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'object' && 'role' in value) {
      rolesResolved[value.role] = known.find((r) => r.id === value.role) ?? ({ id: value.role, name: 'deleted', position: 0, permissions: '0' } as APIRole);
      opts.push(option(key, T.Role, value.role));
    } else if (typeof value === 'object' && 'channel' in value) {
      channels[value.channel] = { id: value.channel, name: 'channel', type: 0, permissions: '0' };
      opts.push(option(key, T.Channel, value.channel));
    } else if (typeof value === 'object') {
      const m = await fake.member(guildId, value.user);
      users[value.user] = m?.user ?? makeUser({ id: value.user });
      if (m) {
        const { user: _u, ...rest } = m;
        members[value.user] = { ...rest, permissions: '0' };
      }
      opts.push(option(key, T.User, value.user));
    } else {
      opts.push(option(key, typeof value === 'string' ? T.String : typeof value === 'boolean' ? T.Boolean : T.Integer, value));
    }
  }
  const resolved = {
    ...(Object.keys(users).length ? { users, members } : {}),
    ...(Object.keys(rolesResolved).length ? { roles: rolesResolved } : {}),
    ...(Object.keys(channels).length ? { channels } : {}),
  };
  return { opts, resolved: Object.keys(resolved).length ? resolved : undefined };
}

/** Builds a world: guild with `roles` (plus Helpers/Moderators/Admins mapped), channels general and other. */
export async function guildWorld(options: { roles?: SeedRole[]; botRolePosition?: number } = {}): Promise<GuildWorld> {
  const fake = await FakeDiscord.create(baseEnv.TEST_FAKE_DISCORD_URL, { applicationId: baseEnv.DISCORD_APPLICATION_ID });
  const env = testEnv({ DISCORD_API_BASE: fake.apiBase });
  const extra = options.roles ?? [];
  const top = Math.max(0, ...extra.map((r) => r.position ?? 0));
  const g = await fake.seedGuild({
    name: 'Utility Test',
    roles: [...extra, { name: 'Helpers', position: top + 1 }, { name: 'Moderators', position: top + 2 }, { name: 'Admins', position: top + 3 }],
    channels: [{ name: 'general' }, { name: 'other' }],
    botRolePosition: options.botRolePosition ?? top + 10,
  });
  const config = new GuildConfig(getDb(env), g.guildId);
  await config.setStaffRole(g.ownerId, g.roles.Helpers!, 'helper');
  await config.setStaffRole(g.ownerId, g.roles.Moderators!, 'moderator');
  await config.setStaffRole(g.ownerId, g.roles.Admins!, 'administrator');

  const roles = async () => Object.fromEntries(((await fake.guild(g.guildId))?.roles ?? []).map((r) => [r.name, r])) as Record<string, APIRole>;
  const person = async (roleRefs: string[], extra: { dmsClosed?: boolean; permissions?: string } = {}): Promise<Person> => {
    const roleIds = roleRefs.map((n) => g.roles[n] ?? n);
    const id = await fake.addMember(g.guildId, { roles: roleIds, ...(extra.dmsClosed ? { dmsClosed: true } : {}) });
    return { user: makeUser({ id, username: `user${id.slice(-5)}` }), roles: roleIds, permissions: extra.permissions ?? '0' };
  };
  const owner: Person = { user: makeUser({ id: g.ownerId, username: 'owner' }), roles: [], permissions: '8' };

  const drive = async (interaction: APIInteraction): Promise<Outcome> => {
    const { body: response, token } = await send(interaction, env, { fake });
    const record = token ? await fake.interactionResponses(token) : null;
    const immediate = 'data' in response ? (response.data as Partial<APIMessage> | undefined) : undefined;
    const followUp = record?.followups.at(-1) as Partial<APIMessage> | undefined;
    const final = followUp ?? (record?.original as Partial<APIMessage> | null) ?? immediate ?? null;
    const flags = (final?.flags ?? 0) | (immediate?.flags ?? 0);
    return { response, content: final?.content ?? '', message: final, ephemeral: (flags & 64) !== 0, token: token ?? '' };
  };
  const base = (p: Person, channelId = g.channels.general!) => ({ guildId: g.guildId, channelId, user: p.user, roles: p.roles, permissions: p.permissions });

  const buildOptions = (options: Record<string, Opt>) => commandOptions(fake, g.guildId, options);

  return {
    fake,
    env,
    g,
    owner,
    admin: await person(['Admins']),
    moderator: await person(['Moderators']),
    helper: await person(['Helpers']),
    member: (o = {}) => person(o.roles ?? [], o),
    async refresh(p) {
      const m = await fake.member(g.guildId, p.user.id);
      return { ...p, roles: m?.roles ?? [] };
    },
    async run(p, name, options = {}, sub, where = {}) {
      const { opts, resolved } = await buildOptions(options);
      return drive(slashCommand(name, { ...base(p, where.channelId), options: sub ? [subcommand(sub, opts)] : opts, ...(resolved ? { resolved: resolved as never } : {}) }));
    },
    async runUser(p, name, target) {
      const m = await fake.member(g.guildId, target.user.id);
      const targetMember = m ? (({ user: _u, ...rest }) => ({ ...rest, permissions: '0' }))(m) : undefined;
      return drive(userCommand(name, target.user, { ...base(p), ...(targetMember ? { targetMember: targetMember as never } : {}) }));
    },
    press: (p, customId, message) => drive(buttonPress(customId, { ...base(p, message.channel_id), message })),
    choose: (p, customId, values, message) => drive(selectMenu(customId, values, { ...base(p, message.channel_id), message })),
    async complete(p, name, sub, focused, typed) {
      const leaf = [option(focused, T.String, typed, true)];
      const { body } = await send(autocomplete(name, { ...base(p), options: sub ? [subcommand(sub, leaf)] : leaf }), env);
      return ((body as { data?: { choices?: APIApplicationCommandOptionChoice[] } }).data?.choices ?? []) as APIApplicationCommandOptionChoice[];
    },
    async cron() {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env, ctx);
      await waitOnExecutionContext(ctx);
    },
    roles,
  };
}
