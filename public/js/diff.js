/**
 * Before/after diffs of audit entries: flattened paths whose values differ, shown as a list
 * (`gate.cooldownHours: 24 → 12`), with the raw JSON beside on request.
 */
import { h } from './dom.js';

/** Flattens nested objects/arrays into `path → JSON value`. */
export function flatten(value, prefix = '', out = {}) {
  if (value !== null && typeof value === 'object' && (Array.isArray(value) ? value.length : Object.keys(value).length)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix || '(value)'] = value === undefined ? undefined : JSON.stringify(value);
  }
  return out;
}

/** The changed paths: `[path, before | undefined, after | undefined]`. */
export function changes(before, after) {
  const a = flatten(before ?? null);
  const b = flatten(after ?? null);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => a[k] !== b[k]).map((k) => [k, a[k], b[k]]);
}

/** The diff as a list, plus the raw JSON in a <details>. */
export function diffView(before, after) {
  const list = changes(before, after);
  return h(
    'div',
    { class: 'diff-view' },
    list.length
      ? h(
          'ul',
          { class: 'diff-list' },
          list.map(([path, was, now]) =>
            h('li', null, h('span', { class: 'path' }, path), ': ', was === undefined || was === 'null' ? h('span', { class: 'muted' }, 'none') : h('del', null, was), ' → ', now === undefined || now === 'null' ? h('span', { class: 'muted' }, 'none') : h('ins', null, now)),
          ),
        )
      : h('p', { class: 'muted' }, 'No difference.'),
    h('details', null, h('summary', null, 'Before and after (JSON)'), h('div', { class: 'diff' }, h('pre', { 'aria-label': 'Before' }, JSON.stringify(before ?? null, null, 2)), h('pre', { 'aria-label': 'After' }, JSON.stringify(after ?? null, null, 2)))),
  );
}
