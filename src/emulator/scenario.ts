/**
 * Scripted scenarios through the emulator (`npm run demo`, the end-to-end smoke test): each
 * step acts as a member exactly as the page would, waits for what the bot does, and writes a
 * readable transcript line. A scenario fails on a REST call Discord's spec refuses.
 */
import type { APIMessage } from 'discord-api-types/v10';
import type { Emulator, InteractionMeta, OptionInput } from './emulator.ts';
import type { SeededWorld } from './seed.ts';

/** What a scenario step gets. */
export interface ScenarioContext {
  emulator: Emulator;
  world: SeededWorld;
  /** Writes a transcript line. */
  say(line: string): void;
  /** Waits until `fn` returns something truthy (the bot works in the background: queues, crons, deferred replies). */
  until<T>(what: string, fn: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** User id of a username (seeded or joined). */
  user(username: string): string;
  /** Channel id of a channel name. */
  channel(name: string): string;
  /** Messages of a channel (non-ephemeral), oldest first. */
  messages(channel: string): APIMessage[];
  /** Runs a slash command as `username` in `channel`; throws when the interaction failed. */
  command(username: string, channel: string, name: string, options?: OptionInput[]): Promise<InteractionMeta>;
  /** Presses the button labelled `label` on `message` as `username`. */
  press(username: string, channel: string, message: APIMessage, label: string): Promise<InteractionMeta>;
  /** The reply text (content + embed titles/descriptions) of an interaction, once it is no longer "thinking…". */
  reply(meta: InteractionMeta): Promise<string>;
  /** Display name of a user id. */
  name(userId: string): string;
}

/** A scenario: a name, and steps. */
export interface Scenario {
  name: string;
  description: string;
  run(ctx: ScenarioContext): Promise<void>;
}

/** Text of a message as a reader sees it (mentions resolved to names). */
export function messageText(emulator: Emulator, m: APIMessage): string {
  const parts = [m.content, ...(m.embeds ?? []).flatMap((e) => [e.title, e.description, ...(e.fields ?? []).map((f) => `${f.name}: ${f.value}`)])].filter(Boolean) as string[];
  return parts
    .join(' | ')
    .replace(/<@!?(\d+)>/g, (_, id: string) => `@${emulator.state.users.get(id)?.globalName ?? emulator.state.users.get(id)?.username ?? id}`)
    .replace(/<#(\d+)>/g, (_, id: string) => `#${emulator.state.channels.get(id)?.name ?? id}`)
    .replace(/<t:(\d+)(:\w)?>/g, (_, t: string) => new Date(Number(t) * 1000).toISOString())
    .replace(/\s*\n\s*/g, ' ');
}

/** Builds the context for `world` (transcript lines go to `write`). */
export function scenarioContext(emulator: Emulator, world: SeededWorld, write: (line: string) => void): ScenarioContext {
  const s = emulator.state;
  const ctx: ScenarioContext = {
    emulator,
    world,
    say: write,
    async until(what, fn, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = fn();
        if (v) return v;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    user(username) {
      const id = world.users[username] ?? [...s.users.values()].find((u) => u.username === username)?.id;
      if (!id) throw new Error(`no user ${username}`);
      return id;
    },
    channel(name) {
      const id = world.channels[name];
      if (!id) throw new Error(`no channel ${name}`);
      return id;
    },
    messages(channel) {
      return s.messages.get(ctx.channel(channel)) ?? [];
    },
    async command(username, channel, name, options = []) {
      const meta = await emulator.command(ctx.user(username), ctx.channel(channel), name, options);
      if (meta.status === 'failed') throw new Error(`${meta.label} as ${username}: ${meta.error}`);
      return meta;
    },
    async press(username, channel, message, label) {
      const button = (message.components ?? [])
        .flatMap((row) => ('components' in row ? (row.components as { custom_id?: string; label?: string }[]) : []))
        .find((b) => b.label === label);
      if (!button?.custom_id) throw new Error(`no button "${label}" on message ${message.id}`);
      const meta = await emulator.component(ctx.user(username), ctx.channel(channel), message.id, button.custom_id);
      if (meta.status === 'failed') throw new Error(`${label} as ${username}: ${meta.error}`);
      return meta;
    },
    async reply(meta) {
      const original = await ctx.until(`the reply to ${meta.label}`, () => {
        const m = [...s.interactions.values()].find((i) => i.token === meta.token)?.original;
        return m && ((m.flags ?? 0) & 128) === 0 ? m : undefined;
      });
      return messageText(emulator, original);
    },
    name(userId) {
      const u = s.users.get(userId);
      return u?.globalName ?? u?.username ?? userId;
    },
  };
  return ctx;
}

/** Runs scenarios; returns the spec violations seen (the caller fails on any). */
export async function runScenarios(emulator: Emulator, world: SeededWorld, scenarios: Scenario[], write: (line: string) => void): Promise<string[]> {
  const ctx = scenarioContext(emulator, world, write);
  const before = emulator.state.violations.length;
  for (const scenario of scenarios) {
    write(`\n== ${scenario.name}: ${scenario.description}`);
    await scenario.run(ctx);
  }
  return emulator.state.violations.slice(before).map((v) => `${v.method} ${v.route ?? v.path}: ${v.reason}`);
}
