import { describe, expect, it } from 'vitest';
import { Registry } from '../../core/registry';
import { features } from '../../features';
import { buildOptions, filterEntries, inputKind, missingRequired, paletteEntries, contextCommands } from './palette.js';

const manifest = new Registry(features).manifest() as unknown as Record<string, unknown>[];
const entries = paletteEntries(manifest);
const entry = (label: string) => {
  const e = entries.find((x) => x.label === label);
  if (!e) throw new Error(`no ${label}`);
  return e;
};

describe('the command palette from the manifest', () => {
  it('has one entry per runnable path: plain commands, subcommands, subcommands of groups', () => {
    const labels = entries.map((e) => e.label);
    expect(labels).toContain('/warn');
    expect(labels).toContain('/gate setup');
    expect(labels).toContain('/config role set');
    expect(labels).not.toContain('/config');
    const chatInput = manifest.filter((c) => (c.type ?? 1) === 1).map((c) => c.name);
    expect(new Set(entries.map((e) => e.name))).toEqual(new Set(chatInput));
  });

  it('types the option inputs: user picker, role picker, channel picker, choices, autocomplete, numbers, booleans', () => {
    expect(entry('/warn').options.map((o) => [o.name, inputKind(o)])).toEqual([['member', 'user'], ['reason', 'text']]);
    expect(entry('/config role set').options.map((o) => inputKind(o))).toEqual(['choices', 'role']);
    expect(entry('/config channel set').options.map((o) => inputKind(o))).toEqual(['autocomplete', 'channel']);
    const q = entry('/gate questions add').options;
    expect(Object.fromEntries(q.map((o) => [o.name, inputKind(o)]))).toMatchObject({ style: 'choices', required: 'boolean', min_length: 'number' });
  });

  it('builds the nested options Discord sends, typed, without the empty ones', () => {
    expect(buildOptions(entry('/warn'), { member: '42', reason: 'spam' })).toEqual([{ name: 'member', type: 6, value: '42' }, { name: 'reason', type: 3, value: 'spam' }]);
    expect(buildOptions(entry('/gate questions add'), { label: 'Why?', required: 'false', min_length: '5', max_length: '' })).toEqual([
      { name: 'questions', type: 2, options: [{ name: 'add', type: 1, options: [{ name: 'label', type: 3, value: 'Why?' }, { name: 'required', type: 5, value: false }, { name: 'min_length', type: 4, value: 5 }] }] },
    ]);
  });

  it('marks the option being typed as focused for autocomplete, and reports missing required options', () => {
    const built = buildOptions(entry('/config channel set'), { purpose: 'mod' }, 'purpose');
    expect(built[0]!.options[0].options).toEqual([{ name: 'purpose', type: 3, value: 'mod', focused: true }]);
    expect(missingRequired(entry('/warn'), { reason: 'x' })).toEqual(['member']);
  });

  it('filters by the words typed after /, and lists context-menu commands apart', () => {
    const found = filterEntries(entries, '/conf role').map((e) => e.label);
    expect(found).toContain('/config role set');
    expect(found.every((l) => l.startsWith('/config role '))).toBe(true);
    expect(filterEntries(entries, '/zzz')).toEqual([]);
    const userApps = contextCommands(manifest, 2);
    expect(userApps.length).toBe(manifest.filter((c) => c.type === 2).length);
  });
});
