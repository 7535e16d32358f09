/**
 * Fuzz: signed interactions built from every registered command leaf (all options filled
 * from its definition), every component key and every modal key, sent once as built and then
 * mutated, truncated or tampered with. The bot must never answer 5xx, and never crash: a
 * handler failure is answered 200 "Something went wrong (ref …)" and logged, so the test
 * fails on that reference in a response or on the log line, not only on the status.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApplicationCommandOptionType as T,
  ChannelType,
  ComponentType,
  type APIApplicationCommandInteractionDataOption,
  type APIInteractionDataResolved,
} from 'discord-api-types/v10';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import worker, { registry } from '../../workers/bot/index';
import type { FakeDiscord } from '../testing/fake-discord/client';
import type { SeededGuild } from '../testing/fake-discord/types';
import { fakeDiscord } from '../testing/harness';
import { autocomplete, buttonPress, group, messageCommand, modalSubmit, option, ping, sign, slashCommand, subcommand, user, userCommand } from '../testing/interactions';
import { encodeCustomId } from './custom-id';
import type { OptionDef, OptionDefs } from './define';
import { resolveChatLeaf } from './registry';

/** Deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIRD: unknown[] = [null, 0, -1, 1e308, '', 'x'.repeat(5000), [], {}, true, '../../', '\u0000', { __proto__: { polluted: 1 } }, [[[[[]]]]], 'constructor'];

function mutate(value: unknown, random: () => number, depth = 0): unknown {
  const pick = <V>(list: readonly V[]) => list[Math.floor(random() * list.length)]!;
  if (Array.isArray(value)) {
    if (random() < 0.2) return pick(WEIRD);
    const copy = value.map((v) => (random() < 0.3 ? mutate(v, random, depth + 1) : v));
    if (random() < 0.1) copy.push(pick(WEIRD));
    if (random() < 0.1) copy.splice(0, 1);
    return copy;
  }
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const key of Object.keys(copy)) {
      const r = random();
      if (r < 0.08) delete copy[key];
      else if (r < 0.16) copy[key] = pick(WEIRD);
      else if (r < 0.4) copy[key] = mutate(copy[key], random, depth + 1);
    }
    if (random() < 0.05) copy[pick(['type', 'data', 'member', 'guild_id', 'options', 'custom_id'])] = pick(WEIRD);
    return copy;
  }
  if (typeof value === 'string') return random() < 0.5 ? pick(WEIRD) : value.slice(0, Math.floor(random() * value.length)) + pick(['', ':', '🙂', '"', '\\']);
  if (typeof value === 'number') return pick([value + 1, -value, 0, 2 ** 53, 1.5, Number.MAX_SAFE_INTEGER, pick(WEIRD)]);
  return pick(WEIRD);
}

/** The ids of the seeded world a corpus payload points at. */
interface World {
  g: SeededGuild;
  admin: ReturnType<typeof user>;
  operator: ReturnType<typeof user>;
  target: ReturnType<typeof user>;
}

/**
 * Leaves whose handler has effects that outlive the test (`/gateway start` opens the relay's
 * Durable Object sockets and alarms): sent by a non-operator, so their refusal is fuzzed.
 */
const OUTLIVES_THE_TEST = new Set(['gateway start']);

/** A value of the option's type, valid for its definition, with what `resolved` must carry. */
function optionValue(def: OptionDef, w: World, resolved: APIInteractionDataResolved): string | number | boolean {
  const channelId = Object.values(w.g.channels)[0]!;
  const roleId = Object.values(w.g.roles)[0]!;
  switch (def.type) {
    case T.String: {
      const choice = def.choices?.[0]?.value;
      return typeof choice === 'string' ? choice : 'fuzz text'.slice(0, def.maxLength ?? 100).padEnd(def.minLength ?? 0, 'x');
    }
    case T.Integer:
    case T.Number: {
      const choice = def.choices?.[0]?.value;
      if (typeof choice === 'number') return choice;
      return Math.min(Math.max(def.minValue ?? 1, 1), def.maxValue ?? Number.MAX_SAFE_INTEGER);
    }
    case T.Boolean:
      return true;
    case T.User:
    case T.Mentionable:
      resolved.users = { ...resolved.users, [w.target.id]: w.target };
      resolved.members = { ...resolved.members, [w.target.id]: { roles: [], joined_at: new Date().toISOString(), permissions: '0', flags: 0 } as never };
      return w.target.id;
    case T.Channel:
      resolved.channels = {
        ...resolved.channels,
        [channelId]: { id: channelId, type: def.channelTypes?.[0] ?? ChannelType.GuildText, name: 'general', permissions: '0' } as never,
      };
      return channelId;
    case T.Role:
      resolved.roles = {
        ...resolved.roles,
        [roleId]: { id: roleId, name: 'Member', color: 0, hoist: false, position: 1, permissions: '0', managed: false, mentionable: false, flags: 0 } as never,
      };
      return roleId;
    case T.Attachment:
      resolved.attachments = {
        ...resolved.attachments,
        '1300000000000000001': {
          id: '1300000000000000001',
          filename: 'a.png',
          size: 10,
          url: 'https://cdn.discordapp.com/attachments/1/2/a.png',
          proxy_url: 'https://media.discordapp.net/attachments/1/2/a.png',
          content_type: 'image/png',
        },
      };
      return '1300000000000000001';
  }
}

function filledOptions(defs: OptionDefs, w: World, resolved: APIInteractionDataResolved): APIApplicationCommandInteractionDataOption[] {
  return Object.entries(defs).map(([name, def]) => option(name, def.type, optionValue(def, w, resolved)));
}

/** Every chat leaf's path (`config channel set`) split into group and subcommand. */
function chatPaths(): { name: string; group?: string; sub?: string }[] {
  const out: { name: string; group?: string; sub?: string }[] = [];
  for (const { def } of registry.commands.values()) {
    if (def.kind !== 'chat') continue;
    if ('handler' in def) out.push({ name: def.name });
    else {
      for (const sub of Object.keys(def.subcommands)) out.push({ name: def.name, sub });
      for (const [groupName, g] of Object.entries(def.groups ?? {})) for (const sub of Object.keys(g.subcommands)) out.push({ name: def.name, group: groupName, sub });
    }
  }
  return out;
}

/** One payload per registered command leaf, autocomplete option, component key and modal key. */
function corpus(w: World): unknown[] {
  const where = { guildId: w.g.guildId, channelId: Object.values(w.g.channels)[0]! };
  const asAdmin = { ...where, user: w.admin, permissions: '8' };
  const out: unknown[] = [ping()];
  for (const path of chatPaths()) {
    const owned = registry.command(1, path.name)!;
    const leaf = resolveChatLeaf(owned.def as never, path.group, path.sub)!;
    const full = [path.name, path.group, path.sub].filter(Boolean).join(' ');
    const invoker = leaf.preconditions.operator && !OUTLIVES_THE_TEST.has(full) ? { ...where, user: w.operator } : asAdmin;
    const resolved: APIInteractionDataResolved = {};
    const leafOptions = filledOptions(leaf.options, w, resolved);
    const wrap = (opts: APIApplicationCommandInteractionDataOption[]) =>
      path.group ? [group(path.group, subcommand(path.sub!, opts))] : path.sub ? [subcommand(path.sub, opts)] : opts;
    out.push(slashCommand(path.name, { ...invoker, options: wrap(leafOptions), resolved }));
    for (const [name, def] of Object.entries(leaf.options)) {
      if (!def.autocomplete) continue;
      out.push(autocomplete(path.name, { ...invoker, options: wrap([option(name, def.type, 'fu', true)]) }));
    }
  }
  for (const { def } of registry.commands.values()) {
    if (def.kind === 'user') out.push(userCommand(def.name, w.target, { ...asAdmin, targetMember: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 } as never }));
    if (def.kind === 'message') {
      const target = { id: '1', channel_id: '1', author: w.target, content: 'fuzz text', timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: [], pinned: false, type: 0 };
      out.push(messageCommand(def.name, target as never, asAdmin));
    }
  }
  const args = ['1', w.target.id];
  for (const key of registry.components.keys()) {
    out.push(buttonPress(encodeCustomId(key, ...args), asAdmin));
    // The same key as a select menu with values, which some components are.
    const select = buttonPress(encodeCustomId(key, ...args), asAdmin) as unknown as { data: Record<string, unknown> };
    select.data = { ...select.data, component_type: ComponentType.StringSelect, values: ['1'] };
    out.push(select);
  }
  for (const key of registry.modals.keys()) {
    out.push(modalSubmit(encodeCustomId(key, ...args), { reason: 'fuzzing the reason', answer: 'an answer', q1: 'x' }, asAdmin));
  }
  return out;
}

/** Log lines the router and the Worker write when a handler (or the router) crashed. */
const CRASH_LINES = ['"handler failed"', '"deferred work failed"', '"router failed"', '"unhandled request error"'];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fuzz: mutated signed payloads', () => {
  it('every registered command, component and modal: never a 5xx and never a crash, over 1,000+ payloads', async () => {
    const operator = user();
    const { fake, env } = await fakeDiscord({ DEFER_AFTER_MS: '200', BOT_OWNER_IDS: operator.id });
    const g = await fake.seedGuild({ roles: [{ name: 'Member' }], channels: [{ name: 'general' }, { name: 'mod-log' }] });
    const world: World = { g, admin: user(), operator, target: user() };
    await fake.addMember(g.guildId, { userId: world.target.id });
    await fake.addMember(g.guildId, { userId: world.admin.id });

    const base = corpus(world);
    // The corpus covers what is registered: every component and modal key, every command.
    const sent = JSON.stringify(base);
    for (const key of [...registry.components.keys(), ...registry.modals.keys()]) expect(sent).toContain(`"custom_id":"${key}:`);
    for (const { def } of registry.commands.values()) expect(sent).toContain(`"name":"${def.name}"`);
    expect(base.length).toBeGreaterThan(40);

    const crashes: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      const text = String(line);
      if (CRASH_LINES.some((m) => text.includes(m))) crashes.push(text.slice(0, 600));
    });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});

    const random = rng(20261122);
    const statuses = new Map<number, number>();
    const total = Math.max(1000, base.length * 12);
    for (let i = 0; i < base.length + total; i++) {
      const original = base[i % base.length] as Record<string, unknown>;
      // First every payload as built (each handler runs on a valid input), then mutations.
      const unmutated = i < base.length;
      const truncate = !unmutated && random() < 0.1;
      const tamper = !unmutated && random() < 0.1;
      // Half the mutations keep the envelope and mutate only `data` (options, custom_id,
      // values, fields), so they reach the handlers rather than stopping at validation.
      const payload = unmutated ? original : random() < 0.5 ? { ...original, data: mutate(original.data, random) } : mutate(original, random);
      const res = await deliver(fake, env, original, payload, { truncate: truncate ? Math.floor(random() * 200) : null, tamper });
      const text = res.text;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const what = `case ${i} (${unmutated ? 'as built' : 'mutated'}): ${label(original)}\nsent: ${JSON.stringify(payload).slice(0, 1500)}`;
      expect(res.status, what).toBeLessThan(500);
      if (tamper) expect(res.status, what).toBe(401);
      expect(crashes, what).toEqual([]);
      expect(text, what).not.toMatch(/Something went wrong/);
    }
    // The corpus must exercise handlers (200), validation (400) and the signature check (401).
    expect(statuses.get(200)).toBeGreaterThan(base.length);
    expect(statuses.get(400)).toBeGreaterThan(50);
    expect(statuses.get(401)).toBeGreaterThan(10);
  }, 300_000);
});

/** What a corpus payload is, for a failure message. */
function label(payload: Record<string, unknown>): string {
  const data = payload.data as { name?: string; custom_id?: string; options?: unknown } | undefined;
  return `type ${String(payload.type)} ${data?.custom_id ?? data?.name ?? ''} ${JSON.stringify(data?.options ?? '').slice(0, 200)}`;
}

/**
 * Signs and sends one payload. A body the router will read is first registered with the fake
 * Discord under the original's guild, channel, user and message (its id and token swapped for
 * the fake's unless the mutation changed them), so replies and `@original` edits are checked
 * like real ones; truncated and tampered bodies go as they are.
 */
async function deliver(
  fake: FakeDiscord,
  env: Env,
  original: Record<string, unknown>,
  payload: unknown,
  { truncate, tamper }: { truncate: number | null; tamper: boolean },
): Promise<{ status: number; text: string }> {
  let body = payload;
  let registered: { id: string; token: string } | undefined;
  if (truncate === null && !tamper && original.type !== 1 && body && typeof body === 'object' && !Array.isArray(body)) {
    const mutated = body as Record<string, unknown>;
    const member = original.member as { user?: { id?: string } } | undefined;
    const message = original.message as { id?: string } | undefined;
    registered = await fake.newInteraction({
      guildId: original.guild_id as string,
      channelId: original.channel_id as string,
      ...(member?.user?.id ? { userId: member.user.id } : {}),
      ...(message?.id ? { messageId: message.id } : {}),
    });
    body = {
      ...mutated,
      ...(mutated.id === original.id ? { id: registered.id } : {}),
      ...(mutated.token === original.token ? { token: registered.token } : {}),
    };
  }
  let text = JSON.stringify(body);
  if (truncate !== null) text = text.slice(0, truncate);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = await sign(env.TEST_SIGNING_KEY, timestamp, text);
  if (tamper) text += ' ';
  const request = new Request('https://gatehouse.test/interactions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
    body: text,
  });
  // As the harness's `send`: the fake learns the HTTP answer before the background work runs.
  const ctx = createExecutionContext();
  const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  const answer = await res.text();
  if (registered && res.status === 200 && answer.startsWith('{')) await fake.recordInteractionResponse(registered, JSON.parse(answer));
  await waitOnExecutionContext(ctx);
  return { status: res.status, text: answer };
}
