/**
 * The one way pages talk to the API. Every call is same-origin JSON with the session cookie.
 * - 401: the session is gone; the shell shows "log in again" and remembers where you were
 *   (the login round trip brings you back: see `loginHref`).
 * - 422 `{ error: 'invalid', fields }`: an `ApiError` whose `fields` the form shows next to
 *   its inputs (`forms.js`).
 * - any other failure: an `ApiError` whose message carries the server's `ref`, as the bot's
 *   "Something went wrong (ref X)" does.
 */

/** A failed API call. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ error?: string, message?: string, ref?: string, fields?: Record<string, string> }} body
   */
  constructor(status, body) {
    const ref = body.ref ? ` (ref ${body.ref})` : '';
    const text =
      status === 422
        ? body.message ?? 'Some fields need attention.'
        : status === 403
          ? body.message ?? 'You do not have access to this.'
          : status === 404
            ? body.message ?? 'Not found.'
            : status >= 500 || !body.message
              ? `Something went wrong${ref || ` (HTTP ${status})`}`
              : body.message;
    super(status >= 500 || !ref || text.includes(ref) ? text : `${text}${ref}`);
    this.status = status;
    this.code = body.error ?? 'error';
    this.ref = body.ref ?? null;
    this.fields = body.fields ?? {};
  }
}

/** Where the page was when the session ran out (kept for the login round trip). */
const RETURN_KEY = 'gatehouse.returnTo';

/** Listeners told when a call comes back 401 (the shell shows the login view). */
const unauthorized = new Set();

/** Calls `fn()` whenever the session turns out to be gone. */
export function onUnauthorized(fn) {
  unauthorized.add(fn);
  return () => unauthorized.delete(fn);
}

/** The current in-app location (`/#/g/…`), as login returns to it. */
export function here() {
  return `/${location.hash || ''}`;
}

/** Where login starts (a 401 names it as `login`). */
let loginPath = '/api/auth/login';

/** The login URL that brings the user back to `returnTo` (default: here). */
export function loginHref(returnTo = here()) {
  return `${loginPath}?return=${encodeURIComponent(returnTo)}`;
}

/** Remembers `returnTo` in this tab, in case the server's login drops the parameter. */
export function rememberReturn(returnTo = here()) {
  try {
    sessionStorage.setItem(RETURN_KEY, returnTo);
  } catch {
    // storage off: login still returns via the query parameter
  }
}

/** The remembered location, once (then forgotten). */
export function takeReturn() {
  try {
    const v = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    return v && v.startsWith('/') && !v.startsWith('//') ? v : null;
  } catch {
    return null;
  }
}

/**
 * One API call. `query` values that are empty are left out.
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, query?: Record<string, unknown>, signal?: AbortSignal }} [options]
 */
export async function request(method, path, options = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(options.query ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' }, signal: options.signal };
  if (options.body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    throw new ApiError(0, { error: 'network', message: 'The server could not be reached. Check your connection and try again.' });
  }
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json().catch(() => null) : null;
  if (res.ok) return data;
  const err = new ApiError(res.status, data && typeof data === 'object' ? data : {});
  if (res.status === 401) {
    if (typeof data?.login === 'string' && data.login.startsWith('/')) loginPath = data.login;
    rememberReturn();
    for (const fn of unauthorized) fn(err);
  }
  throw err;
}

/** GET. */
export const get = (path, query, signal) => request('GET', path, { query, signal });
/** POST with a JSON body. */
export const post = (path, body) => request('POST', path, { body: body ?? {} });
/** PUT with a JSON body. */
export const put = (path, body) => request('PUT', path, { body: body ?? {} });
/** PATCH with a JSON body. */
export const patch = (path, body) => request('PATCH', path, { body: body ?? {} });
/** DELETE. */
export const del = (path, body) => request('DELETE', path, body === undefined ? {} : { body });

/** `/api/guilds/<id>/<rest>` with each segment encoded. */
export function guildPath(guildId, ...rest) {
  return ['/api/guilds', guildId, ...rest].map((s, i) => (i === 0 ? s : encodeURIComponent(String(s)))).join('/');
}
