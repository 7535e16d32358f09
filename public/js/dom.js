/**
 * The DOM vocabulary every page uses: `h()` builds elements (no HTML strings, so nothing a
 * server sends is ever parsed as markup), plus formatting of dates, durations and people.
 */

/**
 * Builds an element. `props`: `class`, `text`, `on: { click }`, `data: { key }`, any other
 * key becomes an attribute (`false`/`null`/`undefined` leave it out, `true` sets it empty).
 * Children: nodes, strings, numbers, arrays of them, or nothing.
 * @param {string} tag
 * @param {Record<string, any> | null} [props]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else if (key === 'data') for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
    else if (key === 'value' && 'value' in el) /** @type {any} */ (el).value = value;
    else if (key === 'checked' || key === 'selected' || key === 'disabled') /** @type {any} */ (el)[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (nested arrays flattened, empty values skipped). */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Empties `el` and fills it with `children`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let ids = 0;
/** A unique element id with a readable prefix. */
export function uid(prefix = 'id') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A Date from an ISO string, epoch milliseconds or epoch seconds. */
export function toDate(value) {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return new Date(value < 1e11 ? value * 1000 : value);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** "1 Dec 2026, 12:00", or "—". */
export function fmtDateTime(value) {
  const d = toDate(value);
  return d ? dateTime.format(d) : '—';
}

/** "1 Dec 2026", or "—". */
export function fmtDate(value) {
  const d = toDate(value);
  return d ? dateOnly.format(d) : '—';
}

/** A `<time>` element showing the date and time, with the machine value. */
export function time(value) {
  const d = toDate(value);
  return d ? h('time', { datetime: d.toISOString(), title: d.toISOString() }, dateTime.format(d)) : '—';
}

/** "3 d", "5 h", "12 min" from milliseconds. */
export function fmtDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const hr = Math.round(m / 60);
  if (hr < 48) return `${hr} h`;
  return `${Math.round(hr / 24)} d`;
}

/** "12 days old" from a creation date. */
export function fmtAge(value) {
  const d = toDate(value);
  if (!d) return '—';
  const days = Math.floor((Date.now() - d.getTime()) / 86_400_000);
  if (days < 1) return 'less than a day old';
  if (days < 365) return `${days} day${days === 1 ? '' : 's'} old`;
  const years = Math.floor(days / 365);
  return `${years} year${years === 1 ? '' : 's'} old`;
}

/** The account creation time encoded in a Discord snowflake. */
export function snowflakeDate(id) {
  try {
    return new Date(Number((BigInt(id) >> 22n) + 1420070400000n));
  } catch {
    return null;
  }
}

/** A person's display name from any of the shapes the API uses. */
export function personName(p, fallbackId) {
  if (!p) return fallbackId ? `user ${fallbackId}` : 'unknown';
  if (typeof p === 'string') return p;
  return p.globalName ?? p.global_name ?? p.displayName ?? p.username ?? p.name ?? (p.id ? `user ${p.id}` : 'unknown');
}

/** A person's avatar URL on Discord's CDN, or null. */
export function avatarUrl(p) {
  if (!p || typeof p !== 'object') return null;
  if (p.avatarUrl) return p.avatarUrl;
  if (p.avatar && p.id) return `https://cdn.discordapp.com/avatars/${p.id}/${p.avatar}.png?size=64`;
  return null;
}

/** A small "name (id)" chip for a person. */
export function person(p, id) {
  const pid = id ?? (p && typeof p === 'object' ? p.id : undefined);
  // Only an id known: show it once, as Discord's id (the API names no one it has not stored).
  if (!p && pid) return h('span', { class: 'person' }, h('span', { class: 'person-name person-id-only' }, pid));
  return h('span', { class: 'person' }, h('span', { class: 'person-name' }, personName(p, pid)), pid ? h('span', { class: 'person-id' }, ` ${pid}`) : null);
}

/** "1 thing" / "2 things". */
export function plural(n, word, many = `${word}s`) {
  return `${n} ${n === 1 ? word : many}`;
}
