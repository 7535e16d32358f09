/**
 * Engagement: currencies (create, edit, archive, delete), the leaderboard with your own rank,
 * the rules (enable/disable, a JSON editor whose "Dry run" shows the per-member report before
 * anything is saved), seasons (roll, frozen boards) and level roles. Every change is
 * confirmed, 422 field errors appear beside their inputs, and each is in the audit log.
 */
import { ApiError, del, get, guildPath, patch, post, put } from '../api.js';
import { fmtDate, h, replace } from '../dom.js';
import { pickerOptions } from '../pickers.js';
import { change, empty, field, heading, idPicker, notify, select, showErrors, clearErrors, table } from '../ui.js';

const num = (el) => (el.value.trim() === '' ? null : Number(el.value));
const key = () => (crypto.randomUUID ? crypto.randomUUID() : `k${Date.now()}${Math.random().toString(16).slice(2)}`);

/** A card section with its own heading id. */
function section(id, title, lead, ...body) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), lead ? h('p', { class: 'lead' }, lead) : null, body);
}

/** `optional(promise)`: null on 403/404 (a part the caller may not see). */
async function optional(promise) {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return null;
    throw e;
  }
}

function currenciesSection(ctx, currencies, manager) {
  const path = (...rest) => guildPath(ctx.guildId, 'economy', 'currencies', ...rest);
  const rows = currencies.map((c) => {
    const actions = manager
      ? h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'small', 'aria-label': `${c.archived ? 'Restore' : 'Archive'} ${c.name}`, on: { click: async () => { if ((await change({ title: `${c.archived ? 'Restore' : 'Archive'} ${c.name}?`, confirm: c.archived ? 'Restore' : 'Archive', done: 'Saved.' }, () => patch(path(c.id), { archived: !c.archived }))) !== undefined) ctx.rerender(); } } }, c.archived ? 'Restore' : 'Archive'),
          h('button', { type: 'button', class: 'small danger', 'aria-label': `Delete ${c.name}`, on: { click: async () => { if ((await change({ title: `Delete ${c.name}?`, details: h('p', null, 'Only a currency never used, or archived, can be deleted. Its wallets go; its ledger stays.'), confirm: 'Delete', danger: true, done: 'Currency deleted.' }, () => del(path(c.id)))) !== undefined) ctx.rerender(); } } }, 'Delete'),
        )
      : null;
    return { ...c, actions };
  });
  const list = rows.length
    ? table('Currencies', [
        ['Name', (c) => `${c.emoji ? `${c.emoji} ` : ''}${c.name}`],
        ['Kind', (c) => (c.kind === 'xp' ? 'XP (earned only)' : 'spendable')],
        ['Season', (c) => (c.seasonal ? `seasonal (${c.season})` : '—')],
        ['Max', (c) => (c.maxBalance ?? '—')],
        ['Daily', (c) => (c.dailyAmount ? `${c.dailyAmount} / ${Math.round(c.dailyCooldownS / 3600)} h` : '—')],
        ['State', (c) => (c.archived ? 'archived' : 'active')],
        ...(manager ? [['', (c) => c.actions]] : []),
      ], rows, { class: 'stack-table', rowProps: (c) => ({ data: { currency: c.name } }) })
    : empty('No currencies yet.');
  if (!manager) return section('eng-currencies', 'Currencies', null, list);
  const i = {
    name: h('input', { name: 'name', required: true, maxlength: 32, autocomplete: 'off' }),
    kind: select('kind', [['spendable', 'Spendable (given, claimed daily)'], ['xp', 'XP (earned only)']], 'spendable'),
    emoji: h('input', { name: 'emoji', maxlength: 64, autocomplete: 'off' }),
    seasonal: h('input', { type: 'checkbox', name: 'seasonal' }),
    maxBalance: h('input', { name: 'maxBalance', type: 'number', min: 1, inputmode: 'numeric' }),
    allowNegative: h('input', { type: 'checkbox', name: 'allowNegative' }),
    dailyAmount: h('input', { name: 'dailyAmount', type: 'number', min: 1, inputmode: 'numeric' }),
    dailyCooldownHours: h('input', { name: 'dailyCooldownHours', type: 'number', min: 1, max: 720, value: 24, inputmode: 'numeric' }),
  };
  const form = h(
    'form',
    { id: 'new-currency', novalidate: true },
    h('h3', null, 'New currency'),
    h('div', { class: 'inline-fields' }, field('Name', i.name, { hint: 'Letters, digits, - and _.' }), field('Kind', i.kind), field('Emoji', i.emoji)),
    h('div', { class: 'inline-fields' }, field('Largest balance', i.maxBalance, { hint: 'Empty: no limit.' }), field('Daily reward', i.dailyAmount, { hint: 'Spendable only; empty: none.' }), field('Hours between dailies', i.dailyCooldownHours)),
    h('div', { class: 'inline-fields' }, field('Seasonal (resets each season)', i.seasonal), field('Allow negative balances', i.allowNegative)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create currency')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { name: i.name.value.trim(), kind: i.kind.value, emoji: i.emoji.value.trim() || null, seasonal: i.seasonal.checked, maxBalance: num(i.maxBalance), allowNegative: i.allowNegative.checked, dailyAmount: num(i.dailyAmount), dailyCooldownHours: num(i.dailyCooldownHours) ?? 24 };
    const ok = await change({ title: `Create the currency “${body.name || '(no name)'}”?`, details: h('p', null, `${body.kind}${body.seasonal ? ', seasonal' : ''}`), confirm: 'Create', form, done: 'Currency created.' }, () => post(path(), body));
    if (ok !== undefined) ctx.rerender();
  });
  return section('eng-currencies', 'Currencies', 'The same as /currency in Discord. A used currency is archived first, then deleted.', list, form);
}

function boardTable(board, names) {
  const rows = board.rows.map((r) => ({ ...r, mine: board.own?.userId === r.userId }));
  return [
    rows.length ? table(`Ranks ${board.page * 10 + 1}–${board.page * 10 + rows.length} of ${board.entries}`, [['Rank', (r) => `#${r.rank}`], ['Member', (r) => names(r.userId)], ['Balance', (r) => r.balance.toLocaleString()]], rows, { rowProps: (r) => (r.mine ? { class: 'mine' } : null) }) : empty(board.builtAt ? 'Nobody is on this board yet.' : 'This board is being built: it refreshes every minute.'),
    h('p', { class: 'own-rank', id: board.own ? 'own-rank' : null }, board.own ? `Your rank: #${board.own.rank} of ${board.entries} (${board.own.balance.toLocaleString()})` : 'You are not on this board.'),
  ];
}

function leaderboardSection(ctx, currencies) {
  const live = currencies.filter((c) => !c.archived);
  if (!live.length) return section('eng-board', 'Leaderboard', null, empty('No currency yet.'));
  const which = select('currency', live.map((c) => [c.id, c.name]), live[0].id);
  const season = select('season', [['current', 'This season'], ['all', 'All time']], 'current');
  const out = h('div', { 'aria-live': 'polite' });
  let page = 0;
  const prev = h('button', { type: 'button', class: 'small' }, 'Previous');
  const next = h('button', { type: 'button', class: 'small' }, 'Next');
  const load = async () => {
    const board = await get(guildPath(ctx.guildId, 'economy', 'currencies', which.value, 'leaderboard'), { season: season.value, page });
    prev.disabled = page <= 0;
    next.disabled = page + 1 >= board.pages;
    replace(out, boardTable(board, (id) => h('code', null, id)), h('p', { class: 'muted' }, `Page ${page + 1} of ${board.pages}${board.builtAt ? ` · updated ${new Date(board.builtAt).toLocaleTimeString()}` : ''}`));
  };
  which.addEventListener('change', () => ((page = 0), load()));
  season.addEventListener('change', () => ((page = 0), load()));
  prev.addEventListener('click', () => ((page -= 1), load()));
  next.addEventListener('click', () => ((page += 1), load()));
  load().catch((e) => notify(e.message, 'error'));
  return section('eng-board', 'Leaderboard', 'From the rank snapshot (refreshed every minute), with your own rank.', h('div', { class: 'inline-fields' }, field('Currency', which), field('Board', season)), out, h('div', { class: 'actions' }, prev, next));
}

/** The dry-run report: totals, then per member what they would get and why they were refused. */
function reportView(r) {
  const credits = (m) => Object.entries(m.credits).map(([c, n]) => `${n > 0 ? '+' : ''}${n} ${r.currencies[c] ?? c}`).join(', ') || '—';
  const refused = (m) => Object.entries(m.refused).map(([why, n]) => `${why} ×${n}`).join(', ') || '—';
  return h(
    'div',
    { class: 'dry-run-report', id: 'dry-run-report' },
    h('h3', null, `Dry run of ${r.rule}`),
    h('p', null, `${r.events} events over ${Math.round((r.until - r.since) / 86_400_000)} days, ${r.fired} firings, ${r.members.length} members. Nothing was written.`),
    h('p', { class: 'muted' }, `Refused: ${Object.entries(r.refused).map(([why, n]) => `${why} ×${n}`).join(', ') || 'none'}.`),
    r.members.length ? table('What each member would get', [['Member', (m) => h('code', null, m.userId)], ['Would credit', credits], ['Refused by', refused]], r.members.slice(0, 100), { class: 'stack-table' }) : empty('No member would get anything.'),
  );
}

const TEMPLATE = { name: 'message-xp', trigger: { event: 'MESSAGE_CREATE' }, conditions: [{ type: 'message_length', min: 5 }, { type: 'cooldown', seconds: 60 }], effects: [{ type: 'credit', currency: 'xp', amount: { min: 15, max: 25 } }] };

function rulesSection(ctx, data, channels, roles) {
  const path = (...rest) => guildPath(ctx.guildId, 'rules', ...rest);
  const list = data.rules.length
    ? h(
        'ul',
        { class: 'rows', id: 'rules' },
        data.rules.map((r) => {
          const toggle = h('input', { type: 'checkbox', checked: r.enabled, 'aria-label': `Rule ${r.rule.name} enabled` });
          toggle.addEventListener('change', async () => {
            const ok = await change({ title: `${toggle.checked ? 'Enable' : 'Disable'} the rule ${r.rule.name}?`, confirm: toggle.checked ? 'Enable' : 'Disable', done: 'Saved.' }, () => put(path(r.rule.name, 'enabled'), { enabled: toggle.checked }));
            if (ok === undefined) toggle.checked = !toggle.checked;
            else ctx.rerender();
          });
          const edit = h('button', { type: 'button', class: 'small', 'aria-label': `Edit ${r.rule.name}` }, 'Edit');
          edit.addEventListener('click', () => {
            editor.value = JSON.stringify(r.rule, null, 2);
            editor.focus();
          });
          const remove = h('button', { type: 'button', class: 'small danger', 'aria-label': `Delete ${r.rule.name}` }, 'Delete');
          remove.addEventListener('click', async () => {
            if ((await change({ title: `Delete the rule ${r.rule.name}?`, details: h('p', null, 'What it credited stays.'), confirm: 'Delete', danger: true, done: 'Rule deleted.' }, () => del(path(r.rule.name)))) !== undefined) ctx.rerender();
          });
          return h('li', { class: 'row', data: { rule: r.rule.name } }, field('On', toggle), h('span', { class: 'grow' }, h('b', null, r.rule.name), ' ', h('span', { class: 'muted' }, `on ${r.rule.trigger.event} · v${r.version}`)), edit, remove);
        }),
      )
    : empty('No rules yet: apply a preset, or write one below.');
  const preset = select('preset', data.presets.map((p) => [p.name, p.description]), data.presets[0]?.name);
  const applyPreset = h('button', { type: 'button' }, 'Apply preset');
  applyPreset.addEventListener('click', async () => {
    if ((await change({ title: `Apply the preset ${preset.value}?`, details: h('p', null, 'Creates its currency if missing, and its rule.'), confirm: 'Apply', done: 'Preset applied.' }, () => post(path('presets', preset.value)))) !== undefined) ctx.rerender();
  });

  const editor = h('textarea', { name: 'rule', rows: 14, spellcheck: 'false', class: 'code', autocomplete: 'off' });
  editor.value = JSON.stringify(TEMPLATE, null, 2);
  const days = h('input', { name: 'days', type: 'number', min: 1, max: 90, value: 7, inputmode: 'numeric' });
  const report = h('div', { 'aria-live': 'polite' });
  const form = h('form', { id: 'rule-editor', novalidate: true }, h('h3', null, 'Rule JSON'), field('Definition', editor, { hint: 'See docs/engagement.md for triggers, conditions and effects. Channel and role ids: use the lists below.' }), field('Days of history for the dry run', days));
  const parse = () => {
    try {
      return JSON.parse(editor.value);
    } catch (e) {
      showErrors(form, new ApiError(422, { message: 'Some fields are not valid.', fields: { rule: `Not JSON: ${e.message}` } }));
      return undefined;
    }
  };
  // 422 paths are the rule's (`effects.0.amount`, or `rule.…` from the dry run): all shown beside the editor.
  const onEditor = () => 'rule';
  const dry = h('button', { type: 'button', id: 'dry-run' }, 'Dry run');
  dry.addEventListener('click', async () => {
    clearErrors(form);
    const rule = parse();
    if (rule === undefined) return;
    dry.disabled = true;
    replace(report, h('p', { class: 'loading', 'aria-busy': 'true' }, 'Replaying the history…'));
    try {
      replace(report, reportView(await post(path('dry-run'), { rule, days: num(days) ?? 7 })));
    } catch (e) {
      replace(report);
      if (!(e instanceof ApiError && e.status === 401)) showErrors(form, withPaths(e), onEditor);
    } finally {
      dry.disabled = false;
    }
  });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save rule');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const rule = parse();
    if (rule === undefined) return;
    const exists = data.rules.some((r) => r.rule.name === rule.name);
    const ok = await change({ title: `${exists ? 'Replace' : 'Create'} the rule ${rule.name ?? ''}?`, details: h('p', null, exists ? 'The saved definition is replaced (a new version).' : 'New rules are enabled at once: try a dry run first.'), confirm: 'Save', form, mapPath: onEditor, done: 'Rule saved.' }, () => (exists ? put(path(rule.name), rule) : post(path(), rule)));
    if (ok !== undefined) ctx.rerender();
  });
  form.append(h('div', { class: 'actions' }, dry, save), report);
  const ids = h('details', null, h('summary', null, 'Channel and role ids'), table('Channels', [['Channel', ([, n]) => n], ['Id', ([id]) => h('code', null, id)]], channels.slice(1), { class: 'stack-table' }), table('Roles', [['Role', ([, n]) => n], ['Id', ([id]) => h('code', null, id)]], roles.slice(1), { class: 'stack-table' }));
  return section('eng-rules', 'Rules', 'Events that credit currencies, give roles and announce. Try a change against the history with “Dry run” before saving.', list, h('div', { class: 'inline-fields' }, field('Preset', preset), h('div', { class: 'actions' }, applyPreset)), form, ids);
}

/** A 422's field paths, each message prefixed with its path (they all sit beside the editor). */
function withPaths(e) {
  if (!(e instanceof ApiError) || !Object.keys(e.fields).length) return e;
  e.fields = Object.fromEntries(Object.entries(e.fields).map(([p, m]) => [p, `${p.replace(/^rule\./, '') || 'rule'}: ${m}`]));
  return e;
}

function seasonsSection(ctx, seasons, manager) {
  const out = h('div', { 'aria-live': 'polite' });
  const show = async (n) => {
    const s = await get(guildPath(ctx.guildId, 'economy', 'seasons', n));
    replace(out, h('h3', null, `Season ${n}${s.season.endedAt ? ' (final)' : ''}`), s.boards.length ? s.boards.map((b) => [h('h4', null, `${b.emoji ? `${b.emoji} ` : ''}${b.name}${b.frozen ? ' · frozen' : ''}`), boardTable(b, (id) => h('code', null, id))]) : empty('No seasonal currency.'));
  };
  const list = seasons.seasons.length
    ? table('Seasons', [['Season', (s) => String(s.number)], ['Started', (s) => fmtDate(s.startedAt)], ['Ended', (s) => (s.endedAt ? fmtDate(s.endedAt) : 'open')], ['', (s) => h('button', { type: 'button', class: 'small', 'aria-label': `Show season ${s.number}`, on: { click: () => show(s.number).catch((e) => notify(e.message, 'error')) } }, 'Show')]], seasons.seasons, { class: 'stack-table' })
    : empty('No seasons yet: create a seasonal currency.');
  const roll = manager
    ? h('button', {
        type: 'button',
        class: 'danger',
        id: 'roll-season',
        on: {
          click: async () => {
            const ok = await change({ title: `End season ${seasons.current} and start season ${seasons.current + 1}?`, details: h('p', null, 'Seasonal balances start at 0; the final boards are frozen and kept, all-time totals stay.'), confirm: 'Roll the season', danger: true, done: 'Season rolled.' }, () => post(guildPath(ctx.guildId, 'economy', 'seasons', 'roll'), { season: seasons.current }));
            if (ok !== undefined) ctx.rerender();
          },
        },
      }, `Roll season ${seasons.current}`)
    : null;
  return section('eng-seasons', 'Seasons', seasons.schedule ? `Rolls every ${seasons.schedule.everyDays} days; next ${fmtDate(seasons.schedule.nextRollAt)}.` : 'Rolled by hand (or /season schedule).', list, roll ? h('div', { class: 'actions' }, roll) : null, out);
}

function levelsSection(ctx, settings, roles, channels, currencies) {
  const xp = currencies.filter((c) => c.kind === 'xp' && !c.archived);
  const currency = select('currency', [['', '(levels off)'], ...xp.map((c) => [c.id, c.name])], settings.currency?.id ?? '');
  const mode = select('announce.mode', [['event', 'In the channel of the message'], ['channel', 'In one channel'], ['dm', 'By DM'], ['off', 'Off']], settings.announce.mode);
  const channel = idPicker('announce.channelId', channels, settings.announce.channelId);
  const template = h('input', { name: 'announce.template', value: settings.announce.template, maxlength: 1000 });
  const list = h('ol', { class: 'rows', id: 'level-rewards' });
  const rows = [];
  const addRow = (r = { level: 5, roleId: '', mode: 'stack' }) => {
    const n = rows.length;
    const i = { level: h('input', { name: `rewards.${n}.level`, type: 'number', min: 1, max: 1000, value: r.level, inputmode: 'numeric' }), roleId: idPicker(`rewards.${n}.roleId`, roles, r.roleId), mode: select(`rewards.${n}.mode`, [['stack', 'Stack (kept)'], ['replace', 'Replace (only the highest)']], r.mode) };
    const remove = h('button', { type: 'button', class: 'small', 'aria-label': `Remove reward ${n + 1}` }, 'Remove');
    const li = h('li', { class: 'row' }, h('div', { class: 'inline-fields grow' }, field('Level', i.level), field('Role', i.roleId), field('Mode', i.mode)), remove);
    const entry = { i, li };
    remove.addEventListener('click', () => (rows.splice(rows.indexOf(entry), 1), li.remove()));
    rows.push(entry);
    list.append(li);
  };
  settings.rewards.forEach(addRow);
  const add = h('button', { type: 'button', class: 'small', id: 'add-reward' }, 'Add a level role');
  add.addEventListener('click', () => addRow());
  const form = h('form', { id: 'levels-form', novalidate: true }, h('div', { class: 'inline-fields' }, field('XP currency', currency), field('Announce level-ups', mode), field('Channel', channel)), field('Message', template, { hint: '{user} and {level}.' }), h('h3', null, 'Level roles'), list, add, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save levels')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {
      announce: { mode: mode.value, channelId: channel.value.trim() || null, template: template.value },
      rewards: rows.map(({ i }, n) => {
        for (const [k, el] of Object.entries(i)) el.name = `rewards.${n}.${k}`;
        return { level: num(i.level), roleId: i.roleId.value.trim(), mode: i.mode.value };
      }),
      ...(currency.value ? { currency: currency.value } : {}),
    };
    const ok = await change({ title: 'Save the levels settings?', details: h('p', null, `${body.rewards.length} level roles; announcements: ${body.announce.mode}.`), confirm: 'Save', form, done: 'Levels saved.' }, () => patch(guildPath(ctx.guildId, 'levels', 'settings'), body));
    if (ok !== undefined) ctx.rerender();
  });
  return section('eng-levels', 'Levels', `Curve: ${settings.curve.kind}, up to level ${settings.curve.maxLevel}. Stack rewards are kept; of the replace rewards only the highest reached is kept.`, form);
}

/** The page. */
export default async function render(ctx) {
  const manager = Boolean(ctx.grant?.manager);
  const [{ currencies }, pickers, seasons, rules, levels] = await Promise.all([
    get(guildPath(ctx.guildId, 'economy', 'currencies')),
    pickerOptions(ctx.guildId),
    get(guildPath(ctx.guildId, 'economy', 'seasons')),
    manager ? optional(get(guildPath(ctx.guildId, 'rules'))) : null,
    manager ? optional(get(guildPath(ctx.guildId, 'levels', 'settings'))) : null,
  ]);
  const jump = h(
    'nav',
    { class: 'toolbar', 'aria-label': 'Engagement sections' },
    [['eng-currencies', 'Currencies'], ['eng-board', 'Leaderboard'], ...(rules ? [['eng-rules', 'Rules']] : []), ['eng-seasons', 'Seasons'], ...(levels ? [['eng-levels', 'Levels']] : [])].map(([id, label]) =>
      h('a', { class: 'button small', href: `#${location.hash.slice(1)}`, on: { click: (e) => (e.preventDefault(), document.getElementById(id)?.scrollIntoView({ block: 'start' }), document.getElementById(`${id}-h`)?.setAttribute('tabindex', '-1'), document.getElementById(`${id}-h`)?.focus({ preventScroll: true })) } }, label),
    ),
  );
  return [
    heading('Engagement', 'Currencies, leaderboards, rules, seasons and levels: the same as /currency, /leaderboard, /rules, /season and /levels in Discord.'),
    jump,
    currenciesSection(ctx, currencies, manager),
    leaderboardSection(ctx, currencies),
    rules ? rulesSection(ctx, rules, pickers.channels, pickers.roles) : null,
    seasonsSection(ctx, seasons, manager),
    levels ? levelsSection(ctx, levels, pickers.roles, pickers.channels, currencies) : null,
  ];
}
