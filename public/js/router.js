/**
 * Hash routes (`/#/g/<guild>/applications?status=pending`): static hosting needs no fallback
 * rule, and the whole location survives the login round trip as one string.
 */

/**
 * Matches `path` against a pattern such as `/g/:guild/applications/:id`.
 * @returns {Record<string, string> | null}
 */
export function match(pattern, path) {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params = {};
  for (let i = 0; i < p.length; i += 1) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

/** The current route: path and query from the hash. */
export function current() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path: path || '/', query: Object.fromEntries(new URLSearchParams(search)) };
}

/** The href of an in-app path, with optional query (empty values dropped). */
export function href(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

/** Goes to an in-app path (a hashchange re-renders). */
export function go(path, query) {
  location.hash = href(path, query);
}

/** Replaces the query of the current route without a new history entry, and re-renders. */
export function setQuery(query) {
  const { path } = current();
  history.replaceState(null, '', href(path, query));
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
