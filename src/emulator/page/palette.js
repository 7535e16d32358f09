// The command palette, built from the registered commands (the manifest `npm run register`
// sends): one entry per runnable path (`/config role set`), typed option inputs, and the nested
// options Discord sends for a subcommand. Shared by the page and the Node unit tests.

/** Option types (Discord's numbers). */
export const T = { SUB: 1, GROUP: 2, STRING: 3, INTEGER: 4, BOOLEAN: 5, USER: 6, CHANNEL: 7, ROLE: 8, MENTIONABLE: 9, NUMBER: 10, ATTACHMENT: 11 };

/**
 * Every runnable slash-command path of `commands` (chat-input commands only).
 * @returns {{ name: string, path: string[], label: string, description: string, options: any[] }[]}
 */
export function paletteEntries(commands) {
  const out = [];
  for (const c of commands ?? []) {
    if ((c.type ?? 1) !== 1) continue;
    const opts = c.options ?? [];
    const subs = opts.filter((o) => o.type === T.SUB || o.type === T.GROUP);
    if (subs.length === 0) {
      out.push({ name: c.name, path: [], label: `/${c.name}`, description: c.description, options: opts });
      continue;
    }
    for (const s of subs) {
      if (s.type === T.SUB) out.push({ name: c.name, path: [s.name], label: `/${c.name} ${s.name}`, description: s.description, options: s.options ?? [] });
      else for (const leaf of s.options ?? []) out.push({ name: c.name, path: [s.name, leaf.name], label: `/${c.name} ${s.name} ${leaf.name}`, description: leaf.description, options: leaf.options ?? [] });
    }
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

/** Entries matching what was typed after `/`: each typed word starts the label's word at that place (`/conf ro` → `/config role …`). */
export function filterEntries(entries, typed) {
  const words = String(typed ?? '').replace(/^\//, '').toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((e) => {
    const label = e.label.slice(1).toLowerCase().split(' ');
    return words.every((w, i) => i < label.length && label[i].startsWith(w));
  });
}

/** User (type 2) or message (type 3) context-menu commands. */
export function contextCommands(commands, type) {
  return (commands ?? []).filter((c) => c.type === type).map((c) => c.name).sort();
}

/** A typed value from a form string, or undefined when empty / not valid for the type. */
export function coerce(type, raw) {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (type === T.INTEGER) {
    const n = Number(raw);
    return Number.isInteger(n) ? n : undefined;
  }
  if (type === T.NUMBER) {
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  }
  if (type === T.BOOLEAN) return raw === true || raw === 'true' ? true : raw === false || raw === 'false' ? false : undefined;
  return String(raw);
}

/**
 * The options Discord sends for `entry` with form `values` (option name → string): leaf
 * options typed, wrapped in the subcommand group/subcommand. `focused` names the option being
 * typed (autocomplete), which is sent as a string with `focused: true`.
 */
export function buildOptions(entry, values, focused) {
  const leaves = [];
  for (const o of entry.options) {
    const raw = values[o.name];
    if (o.name === focused) {
      leaves.push({ name: o.name, type: o.type, value: String(raw ?? ''), focused: true });
      continue;
    }
    const value = coerce(o.type, raw);
    if (value !== undefined) leaves.push({ name: o.name, type: o.type, value });
  }
  if (entry.path.length === 0) return leaves;
  if (entry.path.length === 1) return [{ name: entry.path[0], type: T.SUB, options: leaves }];
  return [{ name: entry.path[0], type: T.GROUP, options: [{ name: entry.path[1], type: T.SUB, options: leaves }] }];
}

/** Required options of `entry` that `values` leaves empty (the page refuses to send then, as Discord does). */
export function missingRequired(entry, values) {
  return entry.options.filter((o) => o.required && coerce(o.type, values[o.name]) === undefined).map((o) => o.name);
}

/** What input an option gets: `choices`, `autocomplete`, `user`, `role`, `channel`, `mentionable`, `boolean`, `number`, `text`. */
export function inputKind(o) {
  if (o.choices?.length) return 'choices';
  if (o.autocomplete) return 'autocomplete';
  switch (o.type) {
    case T.USER:
      return 'user';
    case T.ROLE:
      return 'role';
    case T.CHANNEL:
      return 'channel';
    case T.MENTIONABLE:
      return 'mentionable';
    case T.BOOLEAN:
      return 'boolean';
    case T.INTEGER:
    case T.NUMBER:
      return 'number';
    default:
      return 'text';
  }
}
