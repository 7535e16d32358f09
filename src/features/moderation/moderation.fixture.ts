/**
 * Test support for the moderation Workers tests: a fake Discord session with a guild whose
 * roles map to staff levels, people at each level, and `run()`, which sends a signed
 * interaction the way Discord does (registered with the fake, the HTTP response reported to
 * it as the initial callback, background work awaited) and returns what the invoker saw.
 */
import { createExecutionContext, createScheduledController, env as baseEnv, waitOnExecutionContext } from 'cloudflare:test';
import {
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessage,
  type APIRole,
  type APIUser,
} from 'discord-api-types/v10';
import worker from '../../../workers/bot/index';
import { GuildConfig } from '../../core/guild-config.repo';
import { getDb } from '../../db/client';
import { FakeDiscord, type SeededGuild } from '../../testing/fake-discord/client';
import { commandOptions, type Opt } from '../../testing/guild-world';
import { send, testEnv } from '../../testing/harness';
import { buttonPress, modalSubmit, slashCommand, subcommand, user as makeUser, userCommand } from '../../testing/interactions';
import { MOD_LOG } from './config';

/** Someone who runs commands. */
export interface Person {
  user: APIUser;
  roles: string[];
  permissions: string;
}

/** What one interaction produced. */
export interface Outcome {
  /** The Worker's HTTP response body (the initial callback). */
  response: APIInteractionResponse;
  /** What the invoker finally reads: the reply, or the deferred reply's @original. */
  content: string;
  /** The final message (embeds, components), when there is one. */
  message: Partial<APIMessage> | null;
  token: string;
}

/** An option value for `run`: users, roles and channels are resolved from the fake (`commandOptions`). */
export type { Opt };

/** The moderation world. */
export interface ModWorld {
  fake: FakeDiscord;
  env: Env;
  g: SeededGuild;
  owner: Person;
  admin: Person;
  moderator: Person;
  moderator2: Person;
  helper: Person;
  /** Adds a plain member (optionally with roles by name, or closed DMs). */
  member(options?: { roles?: string[]; dmsClosed?: boolean }): Promise<Person>;
  /** Runs a slash command (`sub` for a subcommand) as `person`. */
  run(person: Person, name: string, options?: Record<string, Opt>, sub?: string): Promise<Outcome>;
  /** Runs a user context-menu command on `target`. */
  runUser(person: Person, name: string, target: Person): Promise<Outcome>;
  /** Presses a button as `person`. */
  press(person: Person, customId: string, message: APIMessage): Promise<Outcome>;
  /** Submits a modal as `person`. */
  submit(person: Person, customId: string, fields: Record<string, string>): Promise<Outcome>;
  /** Runs the every-minute cron (all features' jobs, as the Worker does). */
  cron(): Promise<void>;
  /** Mod-log messages, oldest first. */
  modLog(): Promise<APIMessage[]>;
  roles: Record<string, APIRole>;
}

/** Builds the world: guild, staff roles mapped, mod log channel set. */
export async function modWorld(options: { botPermissions?: string[]; env?: Partial<Env> } = {}): Promise<ModWorld> {
  const fake = await FakeDiscord.create(baseEnv.TEST_FAKE_DISCORD_URL, { applicationId: baseEnv.DISCORD_APPLICATION_ID });
  const env = testEnv({ DISCORD_API_BASE: fake.apiBase, ...options.env });
  const g = await fake.seedGuild({
    name: 'Mod Test',
    roles: [
      { name: 'Members', position: 1 },
      { name: 'Muted', position: 2 },
      { name: 'Suspended', position: 3 },
      { name: 'Helpers', position: 4 },
      { name: 'Moderators', position: 5 },
      { name: 'Admins', position: 6 },
      { name: 'VIP', position: 7 },
    ],
    channels: [{ name: 'mod-log' }, { name: 'general' }],
    botRolePosition: 10,
    ...(options.botPermissions ? { botPermissions: options.botPermissions as never } : {}),
  });
  const guild = await fake.guild(g.guildId);
  const roles = Object.fromEntries((guild?.roles ?? []).map((r) => [r.name, r])) as Record<string, APIRole>;
  const config = new GuildConfig(getDb(env), g.guildId);
  await config.setStaffRole(g.ownerId, g.roles.Helpers!, 'helper');
  await config.setStaffRole(g.ownerId, g.roles.Moderators!, 'moderator');
  await config.setStaffRole(g.ownerId, g.roles.Admins!, 'administrator');
  await config.setChannel(g.ownerId, MOD_LOG, g.channels['mod-log']!);

  const person = async (roleNames: string[], extra: { dmsClosed?: boolean } = {}): Promise<Person> => {
    const roleIds = roleNames.map((n) => g.roles[n]!);
    const id = await fake.addMember(g.guildId, { roles: roleIds, ...extra });
    return { user: makeUser({ id, username: `user${id.slice(-5)}` }), roles: roleIds, permissions: '0' };
  };
  const owner: Person = { user: makeUser({ id: g.ownerId, username: 'owner' }), roles: [], permissions: '8' };

  const drive = async (interaction: APIInteraction, _p: Person): Promise<Outcome> => {
    const { body: response, token } = await send(interaction, env, { fake });
    const record = token ? await fake.interactionResponses(token) : null;
    const immediate = 'data' in response ? (response.data as Partial<APIMessage> | undefined) : undefined;
    const final = (record?.original as Partial<APIMessage> | null) ?? immediate ?? null;
    return { response, content: final?.content ?? '', message: final, token: token ?? '' };
  };

  const base = (p: Person, channelId = g.channels.general!) => ({ guildId: g.guildId, channelId, user: p.user, roles: p.roles, permissions: p.permissions });

  const world: ModWorld = {
    fake,
    env,
    g,
    roles,
    owner,
    admin: await person(['Admins']),
    moderator: await person(['Moderators']),
    moderator2: await person(['Moderators']),
    helper: await person(['Helpers']),
    member: (options = {}) => person(options.roles ?? ['Members'], options.dmsClosed ? { dmsClosed: true } : {}),
    async run(p, name, options = {}, sub) {
      const { opts, resolved } = await commandOptions(fake, g.guildId, options);
      const interaction = slashCommand(name, {
        ...base(p),
        options: sub ? [subcommand(sub, opts)] : opts,
        ...(resolved ? { resolved: resolved as never } : {}),
      });
      return drive(interaction, p);
    },
    runUser: (p, name, target) => drive(userCommand(name, target.user, base(p)), p),
    press: (p, customId, message) => drive(buttonPress(customId, { ...base(p, message.channel_id), message }), p),
    submit: (p, customId, fields) => drive(modalSubmit(customId, fields, base(p)), p),
    async cron() {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env, ctx);
      await waitOnExecutionContext(ctx);
    },
    modLog: () => fake.messages(g.channels['mod-log']!),
  };
  return world;
}
