/**
 * Test support for the gate's Workers tests: a fake Discord session with a gated guild,
 * and `drive()`, which sends a signed interaction through the harness's `send` (registered with the
 * fake, the HTTP response reported to it as the initial callback, background work awaited).
 */
import { env as baseEnv } from 'cloudflare:test';
import {
  ApplicationCommandOptionType,
  ChannelType,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessage,
  type APIRole,
  type APIUser,
} from 'discord-api-types/v10';
import { send, testEnv } from '../../testing/harness';
import { FakeDiscord, type SeededGuild } from '../../testing/fake-discord/client';
import { buttonPress, group, modalSubmit, option, slashCommand, subcommand, user as makeUser, type InteractionBase } from '../../testing/interactions';

const T = ApplicationCommandOptionType;

/** Someone who presses things: their user and roles. */
export interface Person {
  user: APIUser;
  roles: string[];
  permissions?: string;
}

/** A gated guild on a fresh fake Discord session. */
export interface GateWorld {
  fake: FakeDiscord;
  env: Env;
  g: SeededGuild;
  roles: Record<string, APIRole>;
  admin: Person;
  reviewerA: Person;
  reviewerB: Person;
  moderator: Person;
  /** Sends an interaction and returns the Worker's response body. */
  drive(interaction: APIInteraction, person?: Person): Promise<APIInteractionResponse>;
  /** Adds an applicant to the guild (with the unverified role). */
  applicant(overrides?: { dmsClosed?: boolean; username?: string; createdAt?: number }): Promise<Person>;
  /** Runs the whole form for `person` (answers by question index) and returns the card message. */
  applyFully(person: Person, answers?: string[]): Promise<APIMessage>;
  /** Presses a button on a message. */
  press(message: APIMessage, customId: string, person: Person): Promise<APIInteractionResponse>;
  /** Submits a modal (from a component message when `message` is given). */
  submit(customId: string, fields: Record<string, string>, person: Person, message?: APIMessage): Promise<APIInteractionResponse>;
  /** The current review card of the latest application of `userId`. */
  card(userId: string): Promise<APIMessage>;
  base(person: Person): InteractionBase;
}

/** Question labels the standard form uses: seven questions, so two pages (5 + 2). */
export const QUESTIONS = ['How did you find us?', 'Why do you want to join?', 'Age group', 'Favourite game', 'Timezone', 'Read the rules?', 'Anything else?'];

/** A snowflake for a Discord account created at `at` (ms). */
export function snowflakeAt(at: number): string {
  return (((BigInt(at) - 1420070400000n) << 22n) | BigInt(Math.floor(Math.random() * 4096))).toString();
}

/** Builds the world: guild, staff roles, `/gate setup`, the form, and the gate message. */
export async function gateWorld(options: { questions?: string[]; paragraphs?: boolean; setup?: boolean; env?: Partial<Env> } = {}): Promise<GateWorld> {
  const fake = await FakeDiscord.create(baseEnv.TEST_FAKE_DISCORD_URL, { applicationId: baseEnv.DISCORD_APPLICATION_ID });
  const env = testEnv({ DISCORD_API_BASE: fake.apiBase, ...options.env });
  const g = await fake.seedGuild({
    name: 'Gate Test',
    roles: [{ name: 'Member' }, { name: 'Unverified' }, { name: 'Reviewers' }, { name: 'Moderators' }, { name: 'Admins' }],
    channels: [{ name: 'review' }, { name: 'welcome' }, { name: 'gate' }],
  });
  const guild = await fake.guild(g.guildId);
  const roles = Object.fromEntries((guild?.roles ?? []).map((r) => [r.name, r])) as Record<string, APIRole>;

  const person = async (roleNames: string[], permissions = '0'): Promise<Person> => {
    const id = await fake.addMember(g.guildId, { roles: roleNames.map((n) => g.roles[n]!) });
    return { user: makeUser({ id, username: `staff${id.slice(-4)}` }), roles: roleNames.map((n) => g.roles[n]!), permissions };
  };
  const admin: Person = { user: makeUser({ id: g.ownerId }), roles: [], permissions: '8' };
  const reviewerA = await person(['Reviewers']);
  const reviewerB = await person(['Reviewers']);
  const moderator = await person(['Moderators']);

  const base = (p: Person): InteractionBase => ({ guildId: g.guildId, user: p.user, roles: p.roles, permissions: p.permissions ?? '0' });

  const drive = async (interaction: APIInteraction, _person?: Person): Promise<APIInteractionResponse> => (await send(interaction, env, { fake })).body;

  const channel = (name: string) => ({ id: g.channels[name]!, name, type: ChannelType.GuildText, permissions: '0' });
  const command = (name: string, opts: Parameters<typeof slashCommand>[1]) => slashCommand(name, { ...base(admin), ...opts });

  await drive(command('config', { options: [group('role', subcommand('set', [option('level', T.String, 'reviewer'), option('role', T.Role, g.roles.Reviewers!)]))], resolved: { roles: { [g.roles.Reviewers!]: roles.Reviewers! } } }), admin);
  await drive(command('config', { options: [group('role', subcommand('set', [option('level', T.String, 'moderator'), option('role', T.Role, g.roles.Moderators!)]))], resolved: { roles: { [g.roles.Moderators!]: roles.Moderators! } } }), admin);

  if (options.setup !== false) {
    await drive(
      command('gate', {
        options: [
          subcommand('setup', [
            option('review_channel', T.Channel, g.channels.review!),
            option('accepted_role', T.Role, g.roles.Member!),
            option('unverified_role', T.Role, g.roles.Unverified!),
            option('welcome_channel', T.Channel, g.channels.welcome!),
            option('welcome_message', T.String, 'Welcome {user} to {server}! We are {memberCount} now.'),
            option('cooldown_hours', T.Integer, 24),
            option('young_account_days', T.Integer, 7),
            option('reviewer_role', T.Role, g.roles.Reviewers!),
            option('admin_role', T.Role, g.roles.Admins!),
          ]),
        ],
        resolved: {
          channels: { [g.channels.review!]: channel('review'), [g.channels.welcome!]: channel('welcome') },
          roles: { [g.roles.Member!]: roles.Member!, [g.roles.Unverified!]: roles.Unverified!, [g.roles.Reviewers!]: roles.Reviewers!, [g.roles.Admins!]: roles.Admins! },
        } as never,
      }),
      admin,
    );
    for (const [i, label] of (options.questions ?? QUESTIONS).entries()) {
      const style = options.paragraphs || i === 1 ? 'paragraph' : 'short';
      await drive(command('gate', { options: [group('questions', subcommand('add', [option('label', T.String, label), option('style', T.String, style), option('required', T.Boolean, i < 2)]))] }), admin);
    }
    await drive(command('gate', { options: [subcommand('post', [option('channel', T.Channel, g.channels.gate!)])], resolved: { channels: { [g.channels.gate!]: channel('gate') } } as never }), admin);
  }

  const labels = options.questions ?? QUESTIONS;
  const gateMessage = async () => (await fake.messages(g.channels.gate!)).find((m) => m.components?.length) as APIMessage;
  const press = (message: APIMessage, customId: string, p: Person) => drive(buttonPress(customId, { ...base(p), channelId: message.channel_id, message }), p);
  const submit = (customId: string, fields: Record<string, string>, p: Person, message?: APIMessage) =>
    drive(modalSubmit(customId, fields, { ...base(p), ...(message ? { channelId: message.channel_id, message } : {}) }), p);

  const card = async (userId: string) => {
    const messages = await fake.messages(g.channels.review!);
    const mine = messages.filter((m) => m.embeds[0]?.description?.includes(`(\`${userId}\`)`));
    const last = mine.at(-1);
    if (!last) throw new Error(`no review card for ${userId}`);
    return last;
  };

  const world: GateWorld = {
    fake,
    env,
    g,
    roles,
    admin,
    reviewerA,
    reviewerB,
    moderator,
    drive,
    base,
    press,
    submit,
    card,
    async applicant(overrides = {}) {
      const id = snowflakeAt(overrides.createdAt ?? Date.now() - 400 * 86_400_000);
      await fake.addMember(g.guildId, { id, username: overrides.username ?? `applicant${id.slice(-4)}`, roles: [g.roles.Unverified!], dmsClosed: overrides.dmsClosed ?? false });
      return { user: makeUser({ id, username: overrides.username ?? `applicant${id.slice(-4)}` }), roles: [g.roles.Unverified!] };
    },
    async applyFully(p, answers) {
      const values = answers ?? labels.map((q) => `answer to ${q}`);
      let response = await press(await gateMessage(), 'gate.apply', p);
      for (;;) {
        if (response.type !== 9) throw new Error(`expected a modal, got ${JSON.stringify(response)}`);
        const modal = response.data;
        const fields: Record<string, string> = {};
        for (const c of modal.components as unknown as { label: string; component: { custom_id: string } }[]) {
          fields[c.component.custom_id] = values[labels.indexOf(c.label)] ?? 'x';
        }
        const reply = await submit(modal.custom_id, fields, p);
        const data = (reply as { data?: { components?: { components: { custom_id: string }[] }[] } }).data;
        const next = data?.components?.[0]?.components[0]?.custom_id;
        if (!next) break;
        const ephemeral = { id: '1', channel_id: g.channels.gate!, components: data!.components } as unknown as APIMessage;
        response = await press(ephemeral, next, p);
      }
      return card(p.user.id);
    },
  };
  return world;
}
