/**
 * The dashboard shell: who is signed in, the guild list, the navigation (only the pages the
 * user's access allows), and the page of the current hash route. Pages are modules loaded on
 * demand (`pages/index.js`); each renders into `<main>` and may re-render through its ctx.
 */
import { allows } from './access.js';
import { ApiError, get, guildPath, loginHref, onUnauthorized, post, takeReturn } from './api.js';
import { h, replace } from './dom.js';
import { guildIconUrl, guildId, guildName } from './guild.js';
import { pages } from './pages/index.js';
import { current, go, href, match } from './router.js';
import { errorBox, heading, loading } from './ui.js';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const account = /** @type {HTMLElement} */ (document.getElementById('account'));
const where = /** @type {HTMLElement} */ (document.getElementById('where'));

const state = {
  /** @type {any} */ me: null,
  /** @type {any[] | null} */ guilds: null,
  /** @type {string | null} */ guildsNote: null,
  renders: 0,
  loggedOut: false,
  /** Guild id → `GET /api/guilds/:id/summary` (the server, your access, its modules). */
  summaries: new Map(),
};

/** The guild's summary, fetched once per visit to the guild (the API re-checks access on every call anyway). */
async function summary(id) {
  if (!state.summaries.has(id)) state.summaries.set(id, await get(guildPath(id, 'summary')));
  return state.summaries.get(id);
}

/** True when the page's module (if it names one) is on in this guild. */
function moduleOn(def, sum) {
  if (!def.module) return true;
  return sum?.modules?.find((m) => m.name === def.module)?.enabled ?? true;
}

/** Loads (or reloads) the guild list. */
async function loadGuilds(refresh = false) {
  const data = await get('/api/guilds', refresh ? { refresh: 1 } : undefined);
  state.guilds = Array.isArray(data) ? data : data?.guilds ?? [];
  state.guildsNote = data?.note ?? (data?.stale ? 'Discord is busy; this is the list from a moment ago.' : null);
  return state.guilds;
}

function showLogin(expired) {
  state.loggedOut = true;
  state.renders += 1;
  document.body.classList.add('logged-out');
  replace(nav);
  replace(account);
  replace(where);
  const params = new URLSearchParams(location.search);
  const problem = params.get('login_error') ?? params.get('error');
  const login = h('a', { class: 'button primary big', href: loginHref(), id: 'login' }, 'Log in with Discord');
  replace(
    main,
    h(
      'section',
      { class: 'login card' },
      heading(expired ? 'Your session has expired' : 'Log in to Gatehouse'),
      h('p', null, expired ? 'Log in again to continue where you were.' : 'Manage your server’s gate, moderation and settings. You log in with your Discord account; Gatehouse only sees your name and your servers.'),
      problem ? h('p', { class: 'form-error', role: 'alert' }, `Login did not complete: ${problem}. Try again.`) : null,
      login,
    ),
  );
  document.title = 'Log in · Gatehouse';
  login.focus();
}

function renderAccount() {
  const user = state.me?.user ?? state.me;
  const logout = h('button', { type: 'button', class: 'link', id: 'logout' }, 'Log out');
  logout.addEventListener('click', async () => {
    try {
      await post('/api/auth/logout');
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
    }
    history.replaceState(null, '', '/');
    showLogin(false);
  });
  replace(account, h('span', { class: 'me', id: 'me' }, user?.globalName ?? user?.global_name ?? user?.username ?? ''), logout);
}

function renderNav(guild, grant, def) {
  if (!guild) {
    replace(nav);
    replace(where);
    return;
  }
  const id = guildId(guild);
  const icon = guildIconUrl(guild);
  replace(where, h('a', { href: href('/'), class: 'guild-switch', title: 'Switch server' }, icon ? h('img', { src: icon, alt: '', width: 24, height: 24 }) : null, h('span', null, guildName(guild))));
  const allowed = pages.filter((p) => p.nav && allows(grant, p.access ?? 'everyone') && moduleOn(p, guild));
  replace(
    nav,
    h(
      'ul',
      null,
      allowed.map((p) => {
        const path = p.path.replace(':guild', id);
        const active = def && (def === p || def.section === p.nav);
        return h('li', null, h('a', { href: href(path), 'aria-current': active ? 'page' : null, data: { page: p.path.split('/').pop() } }, p.nav));
      }),
    ),
  );
}

/** A full-page message (no access, not found, bot gone). */
function message(title, text, action) {
  return h('section', { class: 'card message' }, heading(title), h('p', null, text), action ?? null);
}

async function render() {
  if (state.loggedOut) return;
  const token = ++state.renders;
  const { path, query } = current();
  const guildOnly = match('/g/:guild', path);
  let def = pages.find((p) => match(p.path, path));
  const params = guildOnly ?? (def ? match(def.path, path) : null) ?? {};
  let guild = null;
  let grant = null;
  try {
    if (params.guild) {
      let sum;
      try {
        sum = await summary(params.guild);
      } catch (e) {
        if (!(e instanceof ApiError) || e.status === 401 || e.status >= 500 || e.status === 0) throw e;
        if (token !== state.renders) return;
        renderNav(null);
        const gone = e.status === 404;
        replace(main, message(gone ? 'This server is not available' : 'No access to this server', gone ? 'Gatehouse is not in this server (any more). Add it again from the server list.' : e.message, h('a', { class: 'button', href: href('/') }, 'Back to your servers')));
        return;
      }
      guild = { ...sum.guild, modules: sum.modules };
      grant = sum.access;
      if (guildOnly) {
        const first = pages.find((p) => p.nav && allows(grant, p.access ?? 'everyone') && moduleOn(p, sum));
        if (first) return void location.replace(href(first.path.replace(':guild', params.guild)));
        def = undefined;
      }
    }
    renderNav(guild, grant, def);
    if (!def) {
      replace(main, message(guildOnly ? 'Nothing to see here' : 'Page not found', guildOnly ? 'You have no dashboard pages in this server.' : 'There is no page at this address.', h('a', { class: 'button', href: href('/') }, 'Back to your servers')));
      return;
    }
    if (def.access && !allows(grant, def.access)) {
      replace(main, message('No access', `This page is for ${def.access === 'manager' ? 'server managers' : `${def.access.replace('_', ' ')}s and above`}.`));
      return;
    }
    document.title = `${def.title}${guild ? ` · ${guildName(guild)}` : ''} · Gatehouse`;
    main.setAttribute('aria-busy', 'true');
    replace(main, loading());
    const mod = await def.load();
    const ctx = {
      params,
      query,
      guild,
      guildId: params.guild,
      grant,
      me: state.me,
      guilds: () => state.guilds ?? [],
      note: () => state.guildsNote,
      loadGuilds: () => loadGuilds(false),
      reloadGuilds: () => loadGuilds(true),
      forgetSummary: () => state.summaries.delete(params.guild),
      rerender: () => render(),
      stale: () => token !== state.renders,
    };
    const content = await mod.default(ctx);
    if (token !== state.renders) return;
    replace(main, content);
    main.removeAttribute('aria-busy');
    const title = main.querySelector('h1');
    if (title && document.activeElement === document.body) title.focus({ preventScroll: true });
  } catch (e) {
    if (token !== state.renders || (e instanceof ApiError && e.status === 401)) return;
    main.removeAttribute('aria-busy');
    replace(main, errorBox(e, () => render()));
  }
}

async function boot() {
  // The skip link must not change the hash (the hash is the route): focus <main> instead.
  document.querySelector('.skip')?.addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  onUnauthorized(() => showLogin(Boolean(state.me)));
  window.addEventListener('hashchange', () => {
    main.blur();
    render();
  });
  try {
    state.me = await get('/api/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return showLogin(false);
    replace(main, errorBox(e, () => location.reload()));
    return;
  }
  const back = takeReturn();
  if (back && (!location.hash || location.hash === '#/') && back !== '/' && back !== '/#/') {
    history.replaceState(null, '', back);
  }
  if (location.search) history.replaceState(null, '', `/${location.hash}`);
  renderAccount();
  render();
}

boot();

export { go };
