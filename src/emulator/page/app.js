// The emulator page: renders the snapshot pushed over SSE and sends the acting member's acts to
// the emulator server. No build step: plain ES modules.
import { esc, renderCalls, renderMembers, renderMessage, renderModal, visibleMessages } from './render.js';
import { buildOptions, contextCommands, filterEntries, inputKind, missingRequired, paletteEntries } from './palette.js';

const $ = (sel) => document.querySelector(sel);
const ui = {
  snapshot: null,
  acting: sessionStorage.getItem('acting') ?? '',
  channel: sessionStorage.getItem('channel') ?? '',
  entry: null,
  modal: null,
  openCalls: new Set(),
  shownChannel: '',
  status: '',
};

document.body.innerHTML = `
<div id="layout">
  <header id="top">
    <div id="server-name">…</div>
    <label class="acting">Acting as <select id="acting" data-testid="acting"></select></label>
    <button class="button secondary" data-action="join">+ New member joins</button>
    <span id="status" role="status"></span>
    <span id="live" title="Live updates from the emulator">● live</span>
  </header>
  <nav id="channels"></nav>
  <main id="chat">
    <div id="channel-header"></div>
    <div id="messages"></div>
    <div id="palette" hidden></div>
    <form id="composer"><input id="composer-input" autocomplete="off" placeholder="Message"><button type="submit" class="button primary">Send</button></form>
  </main>
  <aside id="members"></aside>
  <aside id="calls"><div class="panel-title">REST calls the bot made <small>(Discord's verdict)</small></div><div id="call-list"></div></aside>
</div>
<div id="overlay" hidden></div>
<div id="menu" hidden></div>`;

function ctx() {
  const s = ui.snapshot;
  return { people: s.people, roles: s.roles, channels: s.channels, members: s.members, guildId: s.guild?.id };
}

function setStatus(text, bad = false) {
  ui.status = text;
  const el = $('#status');
  el.textContent = text;
  el.className = bad ? 'bad' : '';
}

async function post(path, body) {
  const res = await fetch(`/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

/** After an interaction: open the modal the bot answered with, or report the failure. */
function afterInteraction(meta, messageId) {
  if (meta.response?.type === 9) {
    ui.modal = { modal: meta.response.data, channelId: meta.channelId, messageId };
    showModal();
  }
  if (meta.status === 'failed') setStatus(meta.error ?? 'This interaction failed', true);
  else setStatus('');
}

async function act(path, body, messageId) {
  try {
    setStatus('…');
    const meta = await post(path, body);
    if (meta && 'status' in meta && 'label' in meta) afterInteraction(meta, messageId);
    else setStatus('');
    return meta;
  } catch (e) {
    setStatus(String(e.message ?? e), true);
    return null;
  }
}

// ------------------------------------------------------------------ rendering

function render() {
  const s = ui.snapshot;
  if (!s) return;
  const humans = s.members.filter((m) => !m.bot);
  if (!humans.some((m) => m.id === ui.acting)) ui.acting = (humans.find((m) => m.id === s.guild?.ownerId) ?? humans[0])?.id ?? '';
  const text = s.channels.filter((c) => !c.dmWith && c.type !== 4);
  const dm = s.channels.find((c) => c.dmWith === ui.acting);
  if (!s.channels.some((c) => c.id === ui.channel) || (s.channels.find((c) => c.id === ui.channel)?.dmWith && s.channels.find((c) => c.id === ui.channel)?.dmWith !== ui.acting)) {
    ui.channel = (text.find((c) => c.name === 'general') ?? text[0])?.id ?? '';
  }
  sessionStorage.setItem('acting', ui.acting);
  sessionStorage.setItem('channel', ui.channel);

  $('#server-name').textContent = s.guild?.name ?? 'No server yet';
  const acting = $('#acting');
  acting.innerHTML = humans
    .map((m) => `<option value="${esc(m.id)}"${m.id === ui.acting ? ' selected' : ''}>${esc(m.displayName)} (@${esc(m.username)})${m.inGuild ? '' : ' — not in the server'}</option>`)
    .join('');

  // Channels: categories with their text channels, then the DM with the bot.
  const cats = s.channels.filter((c) => c.type === 4);
  const row = (c) => `<div class="channel${c.id === ui.channel ? ' active' : ''}" data-channel-id="${esc(c.id)}" data-name="${esc(c.name)}"># ${esc(c.name)}</div>`;
  $('#channels').innerHTML =
    text.filter((c) => !c.parentId).map(row).join('') +
    cats.map((cat) => `<div class="category">${esc(cat.name.toUpperCase())}</div>${text.filter((c) => c.parentId === cat.id).map(row).join('')}`).join('') +
    `<div class="category">DIRECT MESSAGES</div><div class="channel dm${dm && dm.id === ui.channel ? ' active' : ''}" data-action="open-dm">@ ${esc(s.people[s.botUserId] ?? 'Gatehouse')}</div>`;

  const ch = s.channels.find((c) => c.id === ui.channel);
  $('#channel-header').innerHTML = ch ? (ch.dmWith ? `<strong>@ ${esc(s.people[s.botUserId])}</strong> <span class="topic">direct messages with the bot</span>` : `<strong># ${esc(ch.name)}</strong> <span class="topic">${esc(ch.topic ?? '')}</span>`) : '';
  $('#composer-input').placeholder = ch ? `Message ${ch.dmWith ? '@' + (s.people[s.botUserId] ?? 'Gatehouse') : '#' + ch.name} — type / for commands` : '';

  const box = $('#messages');
  // Like Discord: a channel opens at its newest message, and stays there as messages arrive.
  const atBottom = ui.shownChannel !== ui.channel || box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  ui.shownChannel = ui.channel;
  const items = visibleMessages(s.messages[ui.channel] ?? [], ui.acting, s.interactions, ui.channel);
  const messageApps = contextCommands(s.commands, 3);
  box.innerHTML =
    items.map((item) => renderMessage(item, ctx())).join('') || '<div class="empty">No messages yet.</div>';
  if (messageApps.length) for (const el of box.querySelectorAll('.message[data-message-id]')) el.insertAdjacentHTML('afterbegin', `<button class="message-apps" data-action="message-menu" title="Apps">⋯</button>`);
  if (atBottom) box.scrollTop = box.scrollHeight;
  document.body.dataset.ready = '1';

  $('#members').innerHTML = `<div class="panel-title">Members</div>${renderMembers(s, ui.acting)}`;
  $('#call-list').innerHTML = renderCalls(s.calls);
  const details = [...document.querySelectorAll('#call-list details')];
  const calls = [...s.calls].reverse();
  details.forEach((d, i) => {
    const seqNo = calls[i]?.seq;
    if (ui.openCalls.has(seqNo)) d.open = true;
    d.addEventListener('toggle', () => (d.open ? ui.openCalls.add(seqNo) : ui.openCalls.delete(seqNo)));
  });
}

// ------------------------------------------------------------------ palette

function showPalette(typed) {
  const el = $('#palette');
  if (ui.entry) return renderEntryForm();
  const entries = filterEntries(paletteEntries(ui.snapshot.commands), typed).slice(0, 12);
  el.hidden = entries.length === 0;
  el.innerHTML = entries.map((e, i) => `<div class="palette-entry${i === 0 ? ' first' : ''}" data-label="${esc(e.label)}"><strong>${esc(e.label)}</strong> <span>${esc(e.description)}</span></div>`).join('');
}

function optionInput(o) {
  const kind = inputKind(o);
  const s = ui.snapshot;
  const name = `opt-${o.name}`;
  const req = o.required ? ' required' : '';
  const select = (items) => `<select name="${esc(name)}" data-option="${esc(o.name)}"${req}><option value="">${o.required ? 'Pick one' : '(none)'}</option>${items.join('')}</select>`;
  switch (kind) {
    case 'choices':
      return select(o.choices.map((c) => `<option value="${esc(c.value)}">${esc(c.name)}</option>`));
    case 'user':
      return select(s.members.filter((m) => m.inGuild || m.banned !== null).map((m) => `<option value="${esc(m.id)}">@${esc(m.displayName)} (${esc(m.username)})</option>`));
    case 'role':
      return select(s.roles.map((r) => `<option value="${esc(r.id)}">@${esc(r.name)}</option>`));
    case 'channel':
      return select(s.channels.filter((c) => !c.dmWith && (!o.channel_types || o.channel_types.includes(c.type))).map((c) => `<option value="${esc(c.id)}">#${esc(c.name)}</option>`));
    case 'mentionable':
      return select([...s.members.filter((m) => m.inGuild).map((m) => `<option value="${esc(m.id)}">@${esc(m.displayName)}</option>`), ...s.roles.map((r) => `<option value="${esc(r.id)}">@${esc(r.name)}</option>`)]);
    case 'boolean':
      return select(['<option value="true">True</option>', '<option value="false">False</option>']);
    case 'number':
      return `<input type="number" name="${esc(name)}" data-option="${esc(o.name)}"${o.min_value !== undefined ? ` min="${esc(o.min_value)}"` : ''}${o.max_value !== undefined ? ` max="${esc(o.max_value)}"` : ''}${o.type === 10 ? ' step="any"' : ''}${req}>`;
    case 'autocomplete':
      return `<input type="text" name="${esc(name)}" data-option="${esc(o.name)}" data-autocomplete="1" list="ac-${esc(o.name)}"${req}><datalist id="ac-${esc(o.name)}"></datalist>`;
    default:
      return `<input type="text" name="${esc(name)}" data-option="${esc(o.name)}"${o.max_length ? ` maxlength="${esc(o.max_length)}"` : ''}${req}>`;
  }
}

function renderEntryForm() {
  const e = ui.entry;
  const el = $('#palette');
  el.hidden = false;
  el.innerHTML = `<form id="command-form" data-label="${esc(e.label)}"><div class="command-title"><strong>${esc(e.label)}</strong> <span>${esc(e.description)}</span> <button type="button" class="link-button" data-action="palette-close">✕</button></div>${e.options
    .map((o) => `<label class="option"><span class="option-name">${esc(o.name)}${o.required ? '<span class="req">*</span>' : ''}</span><span class="option-description">${esc(o.description)}</span>${optionInput(o)}</label>`)
    .join('')}<button type="submit" class="button primary" data-testid="run-command">Run ${esc(e.label)}</button></form>`;
}

function formValues(form) {
  const values = {};
  for (const el of form.querySelectorAll('[data-option]')) values[el.dataset.option] = el.value;
  return values;
}

// ------------------------------------------------------------------ modal & menus

function showModal() {
  const o = $('#overlay');
  o.hidden = false;
  o.innerHTML = renderModal(ui.modal.modal);
  o.querySelector('input, textarea')?.focus();
}

function closeModal() {
  ui.modal = null;
  $('#overlay').hidden = true;
  $('#overlay').innerHTML = '';
}

function showMenu(x, y, items) {
  const m = $('#menu');
  m.hidden = false;
  m.style.left = `${Math.min(x, window.innerWidth - 220)}px`;
  m.style.top = `${Math.min(y, window.innerHeight - 40 * items.length - 10)}px`;
  m.innerHTML = items.map((it, i) => `<div class="menu-item${it.danger ? ' danger' : ''}" data-index="${i}">${esc(it.label)}</div>`).join('');
  m.onclick = (ev) => {
    const i = ev.target.closest('.menu-item')?.dataset.index;
    m.hidden = true;
    if (i !== undefined) items[Number(i)].run();
  };
}

// ------------------------------------------------------------------ events

$('#acting').addEventListener('change', (e) => {
  ui.acting = e.target.value;
  render();
});

document.addEventListener('click', async (ev) => {
  const t = ev.target;
  if (!(t instanceof Element)) return;
  if (!t.closest('#menu')) $('#menu').hidden = true;
  const channel = t.closest('.channel[data-channel-id]');
  if (channel) {
    ui.channel = channel.dataset.channelId;
    return render();
  }
  const entry = t.closest('.palette-entry');
  if (entry) {
    ui.entry = paletteEntries(ui.snapshot.commands).find((e) => e.label === entry.dataset.label) ?? null;
    $('#composer-input').value = entry.dataset.label + ' ';
    return renderEntryForm();
  }
  const action = t.closest('[data-action]');
  if (!action) return;
  const s = ui.snapshot;
  switch (action.dataset.action) {
    case 'palette-close':
      ui.entry = null;
      $('#palette').hidden = true;
      $('#composer-input').value = '';
      return;
    case 'press': {
      const messageId = action.dataset.message;
      return act('component', { userId: ui.acting, channelId: ui.channel, messageId, customId: action.dataset.customId }, messageId);
    }
    case 'modal-cancel':
      return closeModal();
    case 'open-dm': {
      const { channelId } = await post('dm', { userId: ui.acting });
      ui.channel = channelId;
      return render();
    }
    case 'join': {
      const username = prompt('Username of the new member (a-z, 0-9, _):', `guest_${Math.floor(Math.random() * 900 + 100)}`);
      if (!username) return;
      const joined = await act('join', { username });
      if (joined?.userId) {
        ui.acting = joined.userId;
        render();
      }
      return;
    }
    case 'member-menu': {
      const id = action.dataset.userId;
      const m = s.members.find((x) => x.id === id);
      const r = action.getBoundingClientRect();
      const items = [];
      if (!m.bot) items.push({ label: 'Act as this member', run: () => ((ui.acting = id), render()) });
      for (const name of contextCommands(s.commands, 2)) items.push({ label: `Apps › ${name}`, run: () => act('context', { userId: ui.acting, channelId: ui.channel, name, type: 2, targetId: id }) });
      if (!m.bot && m.inGuild) items.push({ label: 'Change avatar', run: () => act('avatar', { userId: id }) });
      if (!m.bot && m.inGuild && id !== s.guild?.ownerId) items.push({ label: 'Leave the server', danger: true, run: () => act('leave', { userId: id }) });
      if (!m.bot && !m.inGuild && m.banned === null) items.push({ label: 'Join the server', run: () => act('join', { userId: id }) });
      return showMenu(r.left - 200, r.bottom, items);
    }
    case 'message-menu': {
      const messageId = action.closest('.message').dataset.messageId;
      const r = action.getBoundingClientRect();
      return showMenu(r.left - 200, r.bottom, contextCommands(s.commands, 3).map((name) => ({ label: `Apps › ${name}`, run: () => act('context', { userId: ui.acting, channelId: ui.channel, name, type: 3, targetId: messageId }) })));
    }
  }
});

document.addEventListener('change', (ev) => {
  const t = ev.target;
  if (t instanceof HTMLSelectElement && t.dataset.action === 'select') {
    const values = [...t.selectedOptions].map((o) => o.value).filter(Boolean);
    if (values.length) void act('component', { userId: ui.acting, channelId: ui.channel, messageId: t.dataset.message, customId: t.dataset.customId, values }, t.dataset.message);
  }
});

let acTimer = null;
document.addEventListener('input', (ev) => {
  const t = ev.target;
  if (t.id === 'composer-input') {
    const v = t.value;
    if (v.startsWith('/')) {
      if (ui.entry && !v.startsWith(ui.entry.label)) ui.entry = null;
      showPalette(v);
    } else {
      ui.entry = null;
      $('#palette').hidden = true;
    }
    return;
  }
  if (t instanceof HTMLInputElement && t.dataset.autocomplete && ui.entry) {
    clearTimeout(acTimer);
    acTimer = setTimeout(async () => {
      const form = t.closest('form');
      const options = buildOptions(ui.entry, formValues(form), t.dataset.option);
      try {
        const { choices } = await post('autocomplete', { userId: ui.acting, channelId: ui.channel, name: ui.entry.name, options });
        const list = document.getElementById(`ac-${t.dataset.option}`);
        if (list) list.innerHTML = choices.map((c) => `<option value="${esc(c.value)}">${esc(c.name)}</option>`).join('');
      } catch (e) {
        setStatus(String(e.message ?? e), true);
      }
    }, 150);
  }
});

document.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  if (form.id === 'composer') {
    const input = $('#composer-input');
    const v = input.value.trim();
    if (!v) return;
    if (v.startsWith('/')) {
      const entries = filterEntries(paletteEntries(ui.snapshot.commands), v);
      const exact = entries.find((e) => e.label === v) ?? (entries.length === 1 ? entries[0] : null);
      if (exact && exact.options.length === 0) {
        input.value = '';
        $('#palette').hidden = true;
        return act('command', { userId: ui.acting, channelId: ui.channel, name: exact.name, options: buildOptions(exact, {}) });
      }
      if (exact) {
        ui.entry = exact;
        input.value = exact.label + ' ';
        return renderEntryForm();
      }
      return setStatus(`No command matches ${v}`, true);
    }
    input.value = '';
    return act('say', { userId: ui.acting, channelId: ui.channel, content: v });
  }
  if (form.id === 'command-form') {
    const values = formValues(form);
    const missing = missingRequired(ui.entry, values);
    if (missing.length) return setStatus(`Fill in: ${missing.join(', ')}`, true);
    const entry = ui.entry;
    ui.entry = null;
    $('#palette').hidden = true;
    $('#composer-input').value = '';
    return act('command', { userId: ui.acting, channelId: ui.channel, name: entry.name, options: buildOptions(entry, values) });
  }
  if (form.classList.contains('modal') && ui.modal) {
    const fields = {};
    for (const el of form.querySelectorAll('[data-custom-id]')) if (el.tagName !== 'FORM') fields[el.dataset.customId] = el.value;
    const { modal, channelId, messageId } = ui.modal;
    closeModal();
    return act('modal', { userId: ui.acting, channelId, modal, fields, ...(messageId ? { messageId } : {}) });
  }
});

// ------------------------------------------------------------------ live updates

function connect() {
  const source = new EventSource('/api/events');
  source.onmessage = (ev) => {
    ui.snapshot = JSON.parse(ev.data);
    $('#live').className = 'on';
    render();
  };
  source.onerror = () => {
    $('#live').className = 'off';
  };
}
connect();
