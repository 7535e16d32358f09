import { describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord-api-types/v10';
import { features } from '../features';
import { defineCommand, defineCommandGroup, defineComponent, defineCron, defineEvent, defineFeature, defineModal, defineUserCommand, opt, sub } from './define';
import { Registry } from './registry';

const noop = async () => {
  throw new Error('not called');
};

describe('registry over all features', () => {
  it('builds without duplicates and emits a valid manifest entry per command', () => {
    const registry = new Registry(features);
    const manifest = registry.manifest();
    expect(manifest.length).toBe(registry.commands.size);
    const names = manifest.map((c) => `${c.type}:${c.name}`);
    expect(new Set(names).size).toBe(names.length);
    for (const command of manifest) {
      expect(command.name).toMatch(/^.{1,32}$/);
      if (command.type === ApplicationCommandType.ChatInput) {
        expect(command.name).toMatch(/^[-_\p{L}\p{N}]{1,32}$/u);
        expect(command.description!.length).toBeGreaterThan(0);
        expect(command.description!.length).toBeLessThanOrEqual(100);
      }
    }
    for (const key of [...registry.components.keys(), ...registry.modals.keys()]) {
      const owner = (registry.components.get(key) ?? registry.modals.get(key))!.feature.name;
      expect(key.startsWith(`${owner}.`)).toBe(true);
    }
  });

  it('registers /config with its groups and typed options in the manifest', () => {
    const config = new Registry(features).manifest().find((c) => c.name === 'config')!;
    const options = 'options' in config ? (config.options ?? []) : [];
    const groups = options.filter((o) => o.type === ApplicationCommandOptionType.SubcommandGroup).map((o) => o.name);
    expect(groups).toEqual(expect.arrayContaining(['channel', 'role', 'module']));
  });
});

describe('registry refuses duplicates', () => {
  const ping = defineCommand({ name: 'ping', description: 'x', handler: noop });

  it('throws on two commands of one name and type', () => {
    const a = defineFeature({ name: 'a', description: 'a', commands: [ping] });
    const b = defineFeature({ name: 'b', description: 'b', commands: [defineCommand({ name: 'ping', description: 'y', handler: noop })] });
    expect(() => new Registry([a, b])).toThrow(/duplicate command "ping" \(b and a\)/);
  });

  it('allows a user command and a slash command to share a name', () => {
    const a = defineFeature({ name: 'a', description: 'a', commands: [ping, defineUserCommand({ name: 'ping', description: 'u', handler: noop })] });
    expect(new Registry([a]).commands.size).toBe(2);
  });

  it('throws on duplicate component or modal keys, and on keys outside the feature', () => {
    const c = defineComponent({ key: 'a.press', handler: noop });
    expect(() => new Registry([defineFeature({ name: 'a', description: 'a', components: [c, c] })])).toThrow(/duplicate component key "a.press"/);
    const m = defineModal({ key: 'a.form', handler: noop });
    expect(() => new Registry([defineFeature({ name: 'a', description: 'a', modals: [m, m] })])).toThrow(/duplicate modal key/);
    expect(() => new Registry([defineFeature({ name: 'b', description: 'b', components: [c] })])).toThrow(/must start with its feature's name "b."/);
  });

  it('throws on duplicate features, events and crons', () => {
    const f = defineFeature({ name: 'a', description: 'a' });
    expect(() => new Registry([f, f])).toThrow(/duplicate feature/);
    const e = defineEvent({ name: 'join', type: 'GUILD_MEMBER_ADD', handler: noop });
    expect(() => new Registry([defineFeature({ name: 'a', description: 'a', events: [e, e] })])).toThrow(/duplicate event handler "a.join"/);
    const cron = defineCron({ name: 'tick', schedule: '* * * * *', handler: noop });
    expect(() => new Registry([defineFeature({ name: 'a', description: 'a', crons: [cron, cron] })])).toThrow(/duplicate cron "a.tick"/);
  });

  it('validates names, descriptions and option order', () => {
    const bad = (command: ReturnType<typeof defineCommand>) => () => new Registry([defineFeature({ name: 'a', description: 'a', commands: [command] })]);
    expect(bad(defineCommand({ name: 'Ping', description: 'x', handler: noop }))).toThrow(/lower-case/);
    expect(bad(defineCommand({ name: 'p', description: 'x'.repeat(101), handler: noop }))).toThrow(/1–100/);
    expect(
      bad(
        defineCommand({
          name: 'p',
          description: 'x',
          options: { a: opt.string('a'), b: opt.string('b', { required: true }) },
          handler: noop,
        }),
      ),
    ).toThrow(/required option "b" must come before/);
    expect(bad(defineCommandGroup({ name: 'g', description: 'x', subcommands: {} }))).toThrow(/no subcommands/);
    expect(new Registry([defineFeature({ name: 'a', description: 'a', commands: [defineCommandGroup({ name: 'g', description: 'x', subcommands: { s: sub({ description: 'y', handler: noop }) } })] })]).commands.size).toBe(1);
  });
});
