import { createExecutionContext, env as baseEnv, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import {
  ApplicationCommandOptionType as T,
  ApplicationCommandType,
  InteractionResponseType,
  MessageFlags,
  type APIInteraction,
  type APIInteractionResponse,
  type APIInteractionResponseCallbackData,
  type APIRole,
} from 'discord-api-types/v10';
import { platform } from '../features/platform';
import { fakeDiscord } from '../testing/harness';
import {
  autocomplete,
  buttonPress,
  group,
  modalSubmit,
  option,
  signedRequest,
  slashCommand,
  subcommand,
  user,
  userCommand,
} from '../testing/interactions';
import { snowflake } from '../testing/snowflake';
import { createApp } from './app';
import { encodeCustomId } from './custom-id';
import { defineCommand, defineCommandGroup, defineComponent, defineFeature, defineMessageCommand, defineModal, defineUserCommand, opt, sub } from './define';
import { getDb } from '../db/client';
import { commandLog } from './schema';
import { eq } from 'drizzle-orm';
import { UserError } from './errors';
import { Registry } from './registry';
import { Router } from './router';

const seen: unknown[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fixture = defineFeature({
  name: 'fixture',
  description: 'Router fixture',
  commands: [
    defineCommandGroup({
      name: 'calc',
      description: 'Typed options',
      subcommands: {
        add: sub({
          description: 'Add',
          options: { a: opt.integer('a', { required: true }), b: opt.integer('b', { required: true }), loud: opt.boolean('loud') },
          handler: async (ctx, { a, b, loud }) => {
            seen.push({ a, b, loud });
            return ctx.reply(String(a + b));
          },
        }),
      },
      groups: {
        who: {
          description: 'Users',
          subcommands: {
            is: sub({
              description: 'Who is',
              options: { target: opt.user('target', { required: true }) },
              handler: async (ctx, { target }) => ctx.reply(`${target.user.username} ${target.member ? 'member' : 'user'}`),
            }),
          },
        },
      },
    }),
    defineCommand({ name: 'staff-only', description: 'Moderators', level: 'moderator', handler: async (ctx) => ctx.reply('ok') }),
    defineCommand({ name: 'slow-cmd', description: 'Slow', ephemeral: false, handler: async (ctx) => (await sleep(150), ctx.reply('late answer')) }),
    defineCommand({ name: 'slow-fail', description: 'Slow then fails', handler: async () => (await sleep(150), Promise.reject(new Error('boom'))) }),
    defineCommand({ name: 'limited', description: 'Cooldown', cooldown: 60, handler: async (ctx) => ctx.reply('ran') }),
    defineCommand({ name: 'dm-ok', description: 'Works in DMs', guildOnly: false, handler: async (ctx) => ctx.reply('dm fine') }),
    defineCommand({ name: 'refuse', description: 'UserError', handler: async () => Promise.reject(new UserError('nope', 'Not today.')) }),
    defineCommand({ name: 'crash', description: 'Bug', handler: async () => Promise.reject(new Error('kaboom')) }),
    defineCommand({
      name: 'pick',
      description: 'Autocomplete',
      options: { fruit: opt.string('fruit', { required: true, autocomplete: async (_ctx, typed) => ['apple', 'apricot', 'banana'].filter((f) => f.startsWith(typed)).map((f) => ({ name: f, value: f })) }) },
      handler: async (ctx, { fruit }) => ctx.reply(fruit),
    }),
    defineCommand({
      name: 'deferring',
      description: 'Defers explicitly',
      handler: async (ctx) => ctx.defer(async () => void (await ctx.editOriginal('done later')), { ephemeral: true }),
    }),
    defineUserCommand({ name: 'Inspect', description: 'User menu', handler: async (ctx, target) => ctx.reply(`inspect ${target.user.id}`) }),
    defineMessageCommand({ name: 'Quote', description: 'Message menu', handler: async (ctx, message) => ctx.reply(`> ${message.content}`) }),
  ],
  components: [defineComponent({ key: 'fixture.press', handler: async (ctx, [n]) => ctx.update({ content: `pressed ${n}` }) })],
  modals: [defineModal({ key: 'fixture.form', handler: async (ctx, [tag], fields) => ctx.reply(`${tag}:${fields.answer}`) })],
});

const app = createApp({ router: new Router(new Registry([platform, fixture])), version: 'test' });

async function call(interaction: APIInteraction, env: Env = baseEnv as Env): Promise<{ status: number; body: APIInteractionResponse & { data?: APIInteractionResponseCallbackData } }> {
  const ctx = createExecutionContext();
  const res = await app.fetch(await signedRequest(env.TEST_SIGNING_KEY, interaction), env, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as never };
}

const admin = { permissions: '8' };

describe('dispatch of each interaction type', () => {
  it('routes a subcommand with typed option values', async () => {
    const res = await call(slashCommand('calc', { ...admin, options: [subcommand('add', [option('a', T.Integer, 2), option('b', T.Integer, 40), option('loud', T.Boolean, true)])] }));
    expect(res.body).toMatchObject({ type: InteractionResponseType.ChannelMessageWithSource, data: { content: '42' } });
    expect(seen.at(-1)).toEqual({ a: 2, b: 40, loud: true });
  });

  it('routes a subcommand group and resolves user options', async () => {
    const target = user({ username: 'alice' });
    const res = await call(
      slashCommand('calc', { options: [group('who', subcommand('is', [option('target', T.User, target.id)]))], resolved: { users: { [target.id]: target } } }),
    );
    expect(res.body.data?.content).toBe('alice user');
  });

  it('refuses an option of the wrong type instead of trusting the client', async () => {
    const res = await call(slashCommand('calc', { options: [subcommand('add', [option('a', T.String, 'two'), option('b', T.Integer, 1)])] }));
    expect(res.body.data).toMatchObject({ content: 'The option `a` has the wrong type.', flags: MessageFlags.Ephemeral });
  });

  it('routes a user context-menu command', async () => {
    const target = user();
    expect((await call(userCommand('Inspect', target))).body.data?.content).toBe(`inspect ${target.id}`);
  });

  it('routes a message context-menu command', async () => {
    const message = { id: snowflake(), channel_id: snowflake(), content: 'hello there' };
    const interaction = slashCommand('Quote') as unknown as { data: Record<string, unknown> };
    interaction.data = { id: snowflake(), name: 'Quote', type: ApplicationCommandType.Message, target_id: message.id, resolved: { messages: { [message.id]: message } } };
    expect((await call(interaction as unknown as APIInteraction)).body.data?.content).toBe('> hello there');
  });

  it('routes a button by custom_id key and passes its args', async () => {
    const res = await call(buttonPress(encodeCustomId('fixture.press', 7)));
    expect(res.body).toMatchObject({ type: InteractionResponseType.UpdateMessage, data: { content: 'pressed 7' } });
  });

  it('routes a modal submit with its field values', async () => {
    const res = await call(modalSubmit(encodeCustomId('fixture.form', 'x'), { answer: 'hello' }));
    expect(res.body.data?.content).toBe('x:hello');
  });

  it('answers autocomplete from the option definition', async () => {
    const res = await call(autocomplete('pick', { options: [option('fruit', T.String, 'ap', true)] }));
    expect(res.body).toEqual({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [{ name: 'apple', value: 'apple' }, { name: 'apricot', value: 'apricot' }] } });
  });

  it('answers a foreign or malformed custom_id with "expired", not an exception', async () => {
    for (const id of ['someone-else', 'fixture.unknown:1', '::', 'other.press:1']) {
      const res = await call(buttonPress(id));
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ content: expect.stringMatching(/expired/), flags: MessageFlags.Ephemeral });
    }
  });

  it('answers an unknown command ephemerally', async () => {
    const res = await call(slashCommand('nope'));
    expect(res.body.data?.flags).toBe(MessageFlags.Ephemeral);
  });
});

describe('preconditions', () => {
  it('refuses below the required staff level, and admits a mapped staff role', async () => {
    const guildId = snowflake();
    const refused = await call(slashCommand('staff-only', { guildId, roles: [] }));
    expect(refused.body.data).toMatchObject({ content: 'You need to be a moderator or above to use this.', flags: MessageFlags.Ephemeral });
    const roleId = snowflake();
    const set = await call(
      slashCommand('config', { guildId, ...admin, options: [group('role', subcommand('set', [option('level', T.String, 'senior_moderator'), option('role', T.Role, roleId)]))], resolved: { roles: { [roleId]: { id: roleId, name: 'Seniors', color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, position: 3, permissions: '0', managed: false, mentionable: false, flags: 0 } as unknown as APIRole } } }),
    );
    expect(set.body.data?.content).toContain('senior moderator');
    const allowed = await call(slashCommand('staff-only', { guildId, roles: [roleId] }));
    expect(allowed.body.data?.content).toBe('ok');
  });

  it('refuses a command of a disabled module', async () => {
    const guildId = snowflake();
    const disable = await call(slashCommand('config', { guildId, ...admin, options: [group('module', subcommand('disable', [option('name', T.String, 'fixture')]))] }));
    expect(disable.body.data?.content).toBe('Module `fixture` is off.');
    const refused = await call(slashCommand('calc', { guildId, options: [subcommand('add', [option('a', T.Integer, 1), option('b', T.Integer, 1)])] }));
    expect(refused.body.data?.content).toBe('The fixture module is turned off in this server.');
    await call(slashCommand('config', { guildId, ...admin, options: [group('module', subcommand('enable', [option('name', T.String, 'fixture')]))] }));
    expect((await call(slashCommand('calc', { guildId, options: [subcommand('add', [option('a', T.Integer, 1), option('b', T.Integer, 1)])] }))).body.data?.content).toBe('2');
  });

  it('enforces a stored per-user cooldown', async () => {
    const guildId = snowflake();
    const alice = user();
    expect((await call(slashCommand('limited', { guildId, user: alice }))).body.data?.content).toBe('ran');
    expect((await call(slashCommand('limited', { guildId, user: alice }))).body.data?.content).toMatch(/^Slow down: you can use this again in \d+ s\.$/);
    expect((await call(slashCommand('limited', { guildId, user: user() }))).body.data?.content).toBe('ran');
  });

  it('refuses guild-only commands in DMs and runs DM-capable ones', async () => {
    expect((await call(slashCommand('limited', { guildId: null }))).body.data?.content).toBe('This only works in a server.');
    expect((await call(slashCommand('dm-ok', { guildId: null }))).body.data?.content).toBe('dm fine');
  });
});

describe('command log', () => {
  it('records every interaction with its outcome, latency and error reference', async () => {
    const guildId = snowflake();
    await call(slashCommand('calc', { guildId, options: [subcommand('add', [option('a', T.Integer, 1), option('b', T.Integer, 2)])] }));
    await call(slashCommand('staff-only', { guildId }));
    await call(slashCommand('crash', { guildId }));
    await call(buttonPress('gone.away:1', { guildId }));
    const rows = await getDb(baseEnv).select().from(commandLog).where(eq(commandLog.guildId, guildId)).orderBy(commandLog.id);
    expect(rows.map((r) => [r.command, r.outcome])).toEqual([
      ['/calc add', 'ok'],
      ['/staff-only', 'refused'],
      ['/crash', 'error'],
      ['gone.away:1', 'expired'],
    ]);
    expect(rows[0]!.options).toEqual({ a: 1, b: 2 });
    expect(rows[2]!.errorRef).toMatch(/^[0-9A-F]{8}$/);
    expect(rows.every((r) => r.latencyMs >= 0 && r.latencyMs < 5000)).toBe(true);
  });
});

describe('errors', () => {
  it('renders a UserError as an ephemeral reply', async () => {
    expect((await call(slashCommand('refuse'))).body.data).toMatchObject({ content: 'Not today.', flags: MessageFlags.Ephemeral });
  });

  it('answers a bug with a reference, never a 5xx', async () => {
    const res = await call(slashCommand('crash'));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ content: expect.stringMatching(/^Something went wrong \(ref [0-9A-F]{8}\)/), flags: MessageFlags.Ephemeral });
  });
});

describe('the 3-second deadline', () => {
  it('defers on behalf of a slow handler and delivers its reply through PATCH @original', async () => {
    const { fake, env } = await fakeDiscord({ DEFER_AFTER_MS: '20' });
    const interaction = slashCommand('slow-cmd');
    const res = await call(interaction, env);
    expect(res.body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource });
    const patches = await fake.calls({ method: 'PATCH', route: '/webhooks/{webhook_id}/{webhook_token}/messages/@original' });
    expect(patches, JSON.stringify(patches, null, 1)).toHaveLength(1);
    expect(patches[0]!.path).toContain(interaction.token);
    expect(patches[0]!.body).toMatchObject({ content: 'late answer', allowed_mentions: { parse: [] } });
    await fake.assertNoViolations();
  });

  it('reports a slow handler that then fails with a reference in @original', async () => {
    const { fake, env } = await fakeDiscord({ DEFER_AFTER_MS: '20' });
    const res = await call(slashCommand('slow-fail'), env);
    expect(res.body).toMatchObject({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
    const [patch] = await fake.calls({ method: 'PATCH', route: '/webhooks/{webhook_id}/{webhook_token}/messages/@original' });
    expect(patch!.body).toMatchObject({ content: expect.stringMatching(/^Something went wrong \(ref [0-9A-F]{8}\)/) });
  });

  it('keeps the interaction token out of every log line when an @original edit fails', async () => {
    const { fake, env } = await fakeDiscord();
    const interaction = slashCommand('deferring');
    // The handler's edit and the router's "Something went wrong" edit both get a 404.
    await fake.failNext({ method: 'PATCH', route: '/webhooks/{webhook_id}/{webhook_token}/messages/@original', status: 404, times: 2 });
    const lines: string[] = [];
    const spies = (['error', 'warn', 'log', 'info', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map((a) => (a instanceof Error ? `${a.stack}` : String(a))).join(' '))),
    );
    try {
      await call(interaction, env);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(await fake.calls({ method: 'PATCH', route: '/webhooks/{webhook_id}/{webhook_token}/messages/@original' })).toHaveLength(2);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain(interaction.token);
    expect(lines.some((line) => line.includes('deferred work failed') && line.includes('PATCH /webhooks/:id/:token/messages/@original → 404'))).toBe(true);
  });

  it('runs explicitly deferred work after the first response', async () => {
    const { fake, env } = await fakeDiscord();
    const res = await call(slashCommand('deferring'), env);
    expect(res.body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
    const [patch] = await fake.calls({ method: 'PATCH', route: '/webhooks/{webhook_id}/{webhook_token}/messages/@original' });
    expect(patch!.body).toMatchObject({ content: 'done later' });
  });
});
