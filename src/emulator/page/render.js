// Rendering of the emulator page: pure functions from the emulator's snapshot to HTML strings,
// shared by the page (app.js) and the Node unit tests (render.node.test.ts). Everything the bot
// sent is escaped before it is shown; markup is built only from Discord's structure.

/** @param {unknown} s */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** `#5865f2` for a Discord colour integer (0 = none). */
export function hexColor(n) {
  return n ? `#${Number(n).toString(16).padStart(6, '0')}` : '';
}

const TIME_STYLES = {
  t: { timeStyle: 'short' },
  T: { timeStyle: 'medium' },
  d: { dateStyle: 'short' },
  D: { dateStyle: 'long' },
  f: { dateStyle: 'long', timeStyle: 'short' },
  F: { dateStyle: 'full', timeStyle: 'short' },
};

/** Discord's relative time ("in 2 hours", "3 days ago"). */
export function relativeTime(ms, now = Date.now()) {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const units = [['year', 31536e6], ['month', 2592e6], ['day', 864e5], ['hour', 36e5], ['minute', 6e4], ['second', 1e3]];
  for (const [unit, size] of units) {
    if (abs >= size || unit === 'second') {
      const n = Math.round(abs / size);
      const label = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return diff >= 0 ? `in ${label}` : `${label} ago`;
    }
  }
  return '';
}

/**
 * Discord markdown to HTML: escapes first, then code, bold/italic/underline/strike, links,
 * quotes, mentions (`<@id>`, `<@&id>`, `<#id>`) and timestamps (`<t:unix:style>`).
 * @param {string} text
 * @param {{ people?: Record<string,string>, roles?: {id:string,name:string,color:number}[], channels?: {id:string,name:string}[] }} ctx
 */
export function markdown(text, ctx = {}) {
  const blocks = [];
  let s = esc(text).replace(/```(?:[a-z]+\n)?([\s\S]*?)```/g, (_, code) => {
    blocks.push(`<pre class="codeblock">${code}</pre>`);
    return `\u0000${blocks.length - 1}\u0000`;
  });
  s = s.replace(/`([^`\n]+)`/g, (_, code) => {
    blocks.push(`<code>${code}</code>`);
    return `\u0000${blocks.length - 1}\u0000`;
  });
  s = s
    .replace(/\*\*\*([^*]+)\*\*\*/g, '<strong><em>$1</em></strong>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/__([^_]+)__/g, '<u>$1</u>')
    .replace(/(^|[^*\w])\*([^*\n]+)\*/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_([^_\n]+)_/g, '$1<em>$2</em>')
    .replace(/~~([^~]+)~~/g, '<s>$1</s>')
    .replace(/\|\|([^|]+)\|\|/g, '<span class="spoiler">$1</span>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" target="_blank" rel="noopener">$1</a>')
    .replace(/^-# (.*)$/gm, '<small class="subtext">$1</small>')
    .replace(/^### (.*)$/gm, '<span class="h3">$1</span>')
    .replace(/^## (.*)$/gm, '<span class="h2">$1</span>')
    .replace(/^# (.*)$/gm, '<span class="h1">$1</span>')
    .replace(/^&gt; (.*)$/gm, '<span class="quote">$1</span>')
    .replace(/&lt;@!?(\d+)&gt;/g, (_, id) => `<span class="mention" data-user="${id}">@${esc(ctx.people?.[id] ?? 'unknown-user')}</span>`)
    .replace(/&lt;@&amp;(\d+)&gt;/g, (_, id) => {
      const role = ctx.roles?.find((r) => r.id === id);
      const color = role ? hexColor(role.color) : '';
      return `<span class="mention role"${color ? ` style="color:${color}"` : ''}>@${esc(role?.name ?? 'deleted-role')}</span>`;
    })
    .replace(/&lt;#(\d+)&gt;/g, (_, id) => `<span class="mention channel" data-channel="${id}">#${esc(ctx.channels?.find((c) => c.id === id)?.name ?? 'unknown')}</span>`)
    .replace(/&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;/g, (_, unix, style) => {
      const ms = Number(unix) * 1000;
      const label = style === 'R' ? relativeTime(ms) : new Date(ms).toLocaleString('en-GB', TIME_STYLES[style ?? 'f'] ?? TIME_STYLES.f);
      return `<time class="ts" title="${esc(new Date(ms).toISOString())}">${esc(label)}</time>`;
    })
    .replace(/\n/g, '<br>');
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => blocks[Number(i)]);
}

/** One embed, as Discord draws it: colour bar, author, title, description, fields, image, footer. */
export function renderEmbed(embed, ctx = {}) {
  const color = hexColor(embed.color) || '#1e1f22';
  const parts = [];
  if (embed.author?.name) parts.push(`<div class="embed-author">${embed.author.icon_url ? `<img src="${esc(embed.author.icon_url)}" alt="">` : ''}${esc(embed.author.name)}</div>`);
  if (embed.title) parts.push(`<div class="embed-title">${embed.url ? `<a href="${esc(embed.url)}" target="_blank" rel="noopener">${markdown(embed.title, ctx)}</a>` : markdown(embed.title, ctx)}</div>`);
  if (embed.description) parts.push(`<div class="embed-description">${markdown(embed.description, ctx)}</div>`);
  if (embed.fields?.length) {
    parts.push(
      `<div class="embed-fields">${embed.fields
        .map((f) => `<div class="embed-field${f.inline ? ' inline' : ''}"><div class="embed-field-name">${markdown(f.name, ctx)}</div><div class="embed-field-value">${markdown(f.value, ctx)}</div></div>`)
        .join('')}</div>`,
    );
  }
  if (embed.image?.url) parts.push(`<img class="embed-image" src="${esc(embed.image.url)}" alt="">`);
  const footer = [embed.footer?.text ? esc(embed.footer.text) : '', embed.timestamp ? esc(new Date(embed.timestamp).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' })) : ''].filter(Boolean).join(' • ');
  if (footer) parts.push(`<div class="embed-footer">${embed.footer?.icon_url ? `<img src="${esc(embed.footer.icon_url)}" alt="">` : ''}${footer}</div>`);
  const thumb = embed.thumbnail?.url ? `<img class="embed-thumbnail" src="${esc(embed.thumbnail.url)}" alt="">` : '';
  return `<div class="embed" style="border-left-color:${color}"><div class="embed-body">${parts.join('')}</div>${thumb}</div>`;
}

const BUTTON_STYLES = { 1: 'primary', 2: 'secondary', 3: 'success', 4: 'danger', 5: 'link', 6: 'premium' };
const SELECT_KINDS = { 3: 'string', 5: 'user', 6: 'role', 7: 'mentionable', 8: 'channel' };

/** A message's components (action rows with buttons and selects; v2 layout components too). */
export function renderComponents(components, ctx = {}, messageId = '') {
  return (components ?? []).map((c) => renderComponent(c, ctx, messageId)).join('');
}

function renderComponent(c, ctx, messageId) {
  switch (c.type) {
    case 1:
      return `<div class="action-row">${(c.components ?? []).map((x) => renderComponent(x, ctx, messageId)).join('')}</div>`;
    case 2: {
      const style = BUTTON_STYLES[c.style] ?? 'secondary';
      const emoji = c.emoji?.name ? `<span class="emoji">${esc(c.emoji.name)}</span>` : '';
      if (c.style === 5) return `<a class="button link" href="${esc(c.url)}" target="_blank" rel="noopener">${emoji}${esc(c.label ?? '')} ↗</a>`;
      return `<button class="button ${style}" data-action="press" data-message="${esc(messageId)}" data-custom-id="${esc(c.custom_id)}"${c.disabled ? ' disabled' : ''}>${emoji}${esc(c.label ?? '')}</button>`;
    }
    case 3:
    case 5:
    case 6:
    case 7:
    case 8: {
      const kind = SELECT_KINDS[c.type];
      const multiple = (c.max_values ?? 1) > 1;
      const opts =
        c.type === 3
          ? (c.options ?? []).map((o) => `<option value="${esc(o.value)}"${o.default ? ' selected' : ''}>${esc(o.label)}${o.description ? ` — ${esc(o.description)}` : ''}</option>`)
          : optionsFor(kind, ctx);
      return `<select class="select" data-action="select" data-kind="${kind}" data-message="${esc(messageId)}" data-custom-id="${esc(c.custom_id)}"${multiple ? ` multiple size="4"` : ''}${c.disabled ? ' disabled' : ''}>${multiple ? '' : `<option value="" disabled selected>${esc(c.placeholder ?? 'Make a selection')}</option>`}${opts.join('')}</select>`;
    }
    case 9:
      return `<div class="section"><div class="section-text">${(c.components ?? []).map((x) => renderComponent(x, ctx, messageId)).join('')}</div>${c.accessory ? renderComponent(c.accessory, ctx, messageId) : ''}</div>`;
    case 10:
      return `<div class="text-display">${markdown(c.content ?? '', ctx)}</div>`;
    case 11:
      return `<img class="thumbnail" src="${esc(c.media?.url ?? '')}" alt="">`;
    case 14:
      return `<hr class="separator">`;
    case 17:
      return `<div class="container" style="border-left-color:${hexColor(c.accent_color) || '#4e5058'}">${(c.components ?? []).map((x) => renderComponent(x, ctx, messageId)).join('')}</div>`;
    default:
      return `<div class="unknown-component">component type ${esc(c.type)}</div>`;
  }
}

function optionsFor(kind, ctx) {
  const users = (ctx.members ?? []).filter((m) => m.inGuild).map((m) => `<option value="${esc(m.id)}">@${esc(m.displayName)}</option>`);
  const roles = (ctx.roles ?? []).filter((r) => r.id !== ctx.guildId).map((r) => `<option value="${esc(r.id)}">@${esc(r.name)}</option>`);
  const channels = (ctx.channels ?? []).filter((c) => c.type === 0).map((c) => `<option value="${esc(c.id)}">#${esc(c.name)}</option>`);
  return kind === 'user' ? users : kind === 'role' ? roles : kind === 'channel' ? channels : [...users, ...roles];
}

/**
 * The messages of a channel that `userId` sees: everyone's, plus the ephemeral ones addressed to
 * them; interactions of theirs that failed show Discord's "This interaction failed".
 */
export function visibleMessages(views, userId, interactions = [], channelId = '') {
  const shown = (views ?? []).filter((v) => v.visibleTo === null || v.visibleTo === userId);
  const answered = new Set(shown.map((v) => v.interaction && v.message.interaction_metadata?.id).filter(Boolean));
  const failed = interactions
    .filter((i) => i.channelId === channelId && i.userId === userId && i.status === 'failed' && !answered.has(i.id))
    .map((i) => ({ failure: i, at: i.at }));
  return [...shown.map((v) => ({ view: v, at: Date.parse(v.message.timestamp) })), ...failed].sort((a, b) => a.at - b.at);
}

/** One message (or an interaction failure), as Discord draws it. */
export function renderMessage(item, ctx) {
  if (item.failure) {
    const f = item.failure;
    return `<div class="message failure" data-interaction="${esc(f.id)}"><div class="interaction-line">${avatarImg(ctx, f.userId, 'tiny')}<span class="who">${esc(ctx.people?.[f.userId] ?? '')}</span> used <span class="cmd">${esc(f.label)}</span></div><div class="failed">${esc(f.error ?? 'This interaction failed')}</div><div class="ephemeral-note">Only you can see this</div></div>`;
  }
  const v = item.view;
  const m = v.message;
  const author = m.author ?? {};
  const name = ctx.people?.[author.id] ?? author.global_name ?? author.username ?? 'unknown';
  const member = (ctx.members ?? []).find((x) => x.id === author.id);
  const topRole = member ? (ctx.roles ?? []).find((r) => member.roles.includes(r.id) && r.color) : null;
  const header = v.interaction ? `<div class="interaction-line">${avatarImg(ctx, v.interaction.userId, 'tiny')}<span class="who">${esc(ctx.people?.[v.interaction.userId] ?? '')}</span> used <span class="cmd">${esc(v.interaction.label)}</span></div>` : '';
  const body = v.loading
    ? `<div class="thinking">${esc(name)} is thinking<span class="dots">…</span></div>`
    : `${m.content ? `<div class="content">${markdown(m.content, ctx)}${m.edited_timestamp && !v.interaction ? ' <span class="edited">(edited)</span>' : ''}</div>` : ''}${(m.embeds ?? []).map((e) => renderEmbed(e, ctx)).join('')}${renderComponents(m.components, ctx, m.id)}`;
  const error = v.error ? `<div class="failed">${esc(v.error)}</div>` : '';
  const eph = v.visibleTo ? `<div class="ephemeral-note">Only you can see this · <span class="dismiss">Dismiss message</span></div>` : '';
  return `<div class="message${v.visibleTo ? ' ephemeral' : ''}" data-message-id="${esc(m.id)}">${header}<div class="message-main">${avatarImg(ctx, author.id, '')}<div class="message-body"><div class="message-head"><span class="author"${topRole ? ` style="color:${hexColor(topRole.color)}"` : ''}>${esc(name)}</span>${author.bot ? '<span class="bot-tag">APP</span>' : ''}<span class="time">${esc(new Date(m.timestamp).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }))}</span></div>${body}${error}${eph}</div></div></div>`;
}

function avatarImg(ctx, userId, size) {
  const url = (ctx.members ?? []).find((m) => m.id === userId)?.avatarUrl ?? '';
  return `<img class="avatar ${size}" src="${esc(url)}" alt="">`;
}

/** The member list: grouped by hoisted role, with role pills, timeouts and bans. */
export function renderMembers(snapshot, actingId) {
  const roles = snapshot.roles ?? [];
  const hoisted = roles.filter((r) => r.color && !r.managed && ['Admins', 'Moderators', 'Reviewers'].includes(r.name));
  const groups = new Map();
  for (const m of snapshot.members) {
    const key = !m.inGuild ? (m.banned !== null ? 'Banned' : 'Not in the server') : m.bot ? 'Apps' : (hoisted.find((r) => m.roles.includes(r.id))?.name ?? 'Members');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(m);
  }
  const order = [...hoisted.map((r) => r.name), 'Members', 'Apps', 'Not in the server', 'Banned'];
  return order
    .filter((k) => groups.has(k))
    .map((k) => {
      const list = groups.get(k);
      return `<div class="member-group"><div class="member-group-name">${esc(k)} — ${list.length}</div>${list
        .map((m) => {
          const pills = m.roles
            .map((id) => roles.find((r) => r.id === id))
            .filter(Boolean)
            .map((r) => `<span class="role-pill" data-role-id="${esc(r.id)}"><span class="dot" style="background:${hexColor(r.color) || '#99aab5'}"></span>${esc(r.name)}</span>`)
            .join('');
          const badges = [
            m.timedOutUntil ? `<span class="badge timeout" title="until ${esc(m.timedOutUntil)}">timed out ${esc(relativeTime(Date.parse(m.timedOutUntil)).replace(/^in /, 'for '))}</span>` : '',
            m.banned !== null ? `<span class="badge ban" title="${esc(m.banned)}">banned${m.banned ? `: ${esc(m.banned)}` : ''}</span>` : '',
            snapshot.guild?.ownerId === m.id ? '<span class="badge owner">owner</span>' : '',
          ].join('');
          return `<div class="member${m.id === actingId ? ' acting' : ''}" data-user-id="${esc(m.id)}" data-username="${esc(m.username)}"><img class="avatar" src="${esc(m.avatarUrl)}" alt=""><div class="member-info"><div class="member-name">${esc(m.displayName)}${m.bot ? ' <span class="bot-tag">APP</span>' : ''}</div><div class="member-roles">${pills}${badges}</div></div><button class="member-menu" data-action="member-menu" data-user-id="${esc(m.id)}" title="Apps and actions">⋯</button></div>`;
        })
        .join('')}</div>`;
    })
    .join('');
}

/** The side panel: every REST call the bot made, with Discord's verdict (refusals in red). */
export function renderCalls(calls) {
  return [...(calls ?? [])]
    .reverse()
    .map((c) => {
      const bad = c.violation !== null || c.status >= 400;
      return `<details class="call${c.violation ? ' violation' : c.status >= 400 ? ' error' : ''}"><summary><span class="status">${esc(c.status)}</span> <span class="method">${esc(c.method)}</span> <span class="route">${esc(c.route ?? c.path)}</span></summary>${c.violation ? `<div class="verdict">Discord refuses this: ${esc(c.violation)}</div>` : bad ? `<div class="verdict">Discord answered ${esc(c.status)}</div>` : ''}${c.reason ? `<div class="audit">Audit-log reason: ${esc(c.reason)}</div>` : ''}<div class="path">${esc(c.path)}</div>${c.body ? `<pre>${esc(JSON.stringify(c.body, null, 2))}</pre>` : ''}${c.response ? `<pre class="response">${esc(JSON.stringify(c.response, null, 2).slice(0, 4000))}</pre>` : ''}</details>`;
    })
    .join('');
}

/** A modal the bot opened: labels + text inputs (legacy action rows or label components). */
export function renderModal(modal) {
  const inputs = (modal.components ?? []).map((c) => {
    const input = c.type === 18 ? c.component : c.components?.[0];
    const label = c.type === 18 ? c.label : input?.label;
    const description = c.type === 18 ? c.description : '';
    if (!input) return '';
    if (input.type !== 4) return `<div class="unknown-component">component type ${esc(input.type)}</div>`;
    const attrs = `name="${esc(input.custom_id)}" data-custom-id="${esc(input.custom_id)}"${input.required !== false ? ' required' : ''}${input.min_length ? ` minlength="${esc(input.min_length)}"` : ''}${input.max_length ? ` maxlength="${esc(input.max_length)}"` : ''} placeholder="${esc(input.placeholder ?? '')}"`;
    const field = input.style === 2 ? `<textarea ${attrs} rows="4">${esc(input.value ?? '')}</textarea>` : `<input type="text" ${attrs} value="${esc(input.value ?? '')}">`;
    return `<label class="modal-field"><span class="modal-label">${esc(label ?? '')}${input.required !== false ? ' <span class="req">*</span>' : ''}</span>${description ? `<span class="modal-description">${esc(description)}</span>` : ''}${field}</label>`;
  });
  return `<form class="modal" data-custom-id="${esc(modal.custom_id)}"><div class="modal-title">${esc(modal.title ?? '')}</div>${inputs.join('')}<div class="modal-actions"><button type="button" class="button secondary" data-action="modal-cancel">Cancel</button><button type="submit" class="button primary">Submit</button></div></form>`;
}
