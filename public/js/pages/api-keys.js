/**
 * API keys (managers): create one with scopes, a tier, an expiry and the websites allowed to use
 * it (the secret is shown once, here, with a copy button), the list with prefix, status, last
 * use and this month's usage against the tier, rotate (with an overlap) and revoke.
 * The public API itself is documented at /api/docs.
 */
import { del, get, guildPath, post } from '../api.js';
import { fmtDateTime, h, time } from '../dom.js';
import { change, empty, field, heading, notify, select, table } from '../ui.js';

const status = (k) => h('span', { class: ['badge', k.status === 'live' ? 'ok' : 'muted'] }, k.status);

function usageText(k) {
  const u = k.usage;
  if (!u) return '—';
  return `${u.month.used.toLocaleString()} / ${u.limits.perMonth.toLocaleString()} this month · ${u.minute.used} / ${u.limits.perMinute} this minute${u.refusedThisMonth ? ` · ${u.refusedThisMonth} refused` : ''}`;
}

/** The secret, once: a read-only field with a copy button. */
function secretBox(title, secret) {
  const input = h('input', { id: 'new-secret', name: 'secret', readonly: true, value: secret, spellcheck: 'false', autocomplete: 'off', class: 'mono' });
  const copy = h('button', { type: 'button', id: 'copy-secret' }, 'Copy');
  copy.addEventListener('click', async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(secret);
      notify('Copied.');
    } catch {
      notify('Select the key and copy it (Ctrl+C).', 'error');
    }
  });
  return h(
    'section',
    { class: 'card secret', id: 'secret-once', 'aria-live': 'polite' },
    h('h2', null, title),
    h('p', null, h('strong', null, 'Copy it now: it is shown only this once.'), ' Gatehouse keeps only its hash.'),
    field('Your new API key', input, { after: copy }),
    h('p', { class: 'hint' }, 'Send it as ', h('code', null, 'Authorization: Bearer …'), ' to ', h('code', null, '/api/v1/guilds/…'), '. See ', h('a', { href: '/api/docs' }, 'the API reference'), '.'),
  );
}

/** A secret waiting for the next render (the page re-renders after a change), then forgotten. */
let once = null;

export default async function render(ctx) {
  const data = await get(guildPath(ctx.guildId, 'api-keys'));
  const holder = h('div', { id: 'secret-holder' });
  if (once) holder.append(secretBox(once.title, once.secret));
  once = null;
  const show = (title, secret) => {
    once = { title, secret };
    return ctx.rerender();
  };

  const name = h('input', { name: 'name', required: true, maxlength: 64, placeholder: 'Our website' });
  const scopeBoxes = data.scopes.map((s) => {
    const box = h('input', { type: 'checkbox', name: 'scopes', value: s.name, checked: s.name === 'guild:read' });
    return field(`${s.name}: ${s.label}`, box);
  });
  const tier = select(
    'tier',
    data.tiers.map((t) => [t.name, `${t.name}: ${t.perMinute.toLocaleString()}/min, ${t.perMonth.toLocaleString()}/month`]),
    'basic',
  );
  const expires = h('input', { name: 'expiresAt', type: 'date' });
  const origins = h('textarea', { name: 'origins', rows: 2, placeholder: 'https://example.org' });
  const form = h(
    'form',
    { id: 'create-key', class: 'card' },
    h('h2', null, 'Create a key'),
    field('Name', name, { hint: 'What will use the key.' }),
    h('fieldset', { class: 'scopes' }, h('legend', null, 'Scopes (what the key may read or do)'), scopeBoxes),
    field('Quota tier', tier),
    field('Expires on (optional)', expires, { hint: 'Empty: never. The key stops working at the start of that day (UTC).' }),
    field('Allowed websites (optional)', origins, { hint: 'One origin per line. Only these may call with the key from a browser (CORS); scripts and servers send no Origin.' }),
    h('button', { type: 'submit', class: 'primary' }, 'Create key'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const scopes = [...form.querySelectorAll('input[name=scopes]:checked')].map((b) => b.value);
    const body = {
      name: name.value,
      scopes,
      tier: tier.value,
      origins: origins.value.split(/[\s,]+/).filter(Boolean),
      expiresAt: expires.value ? new Date(`${expires.value}T00:00:00Z`).toISOString() : null,
    };
    const made = await change(
      { title: `Create the key “${name.value}”?`, details: h('p', null, `Scopes: ${scopes.join(', ') || 'none'}`), form, done: 'Key created.', mapPath: (p) => p.replace(/^(scopes|origins)\.\d+$/, '$1') },
      () => post(guildPath(ctx.guildId, 'api-keys'), body),
    );
    if (made) await show(`Key “${made.key.name}” created`, made.secret);
  });

  const actions = (k) => {
    if (k.status !== 'live') return k.rotatedTo ? h('span', { class: 'muted' }, `rotated to ${k.rotatedTo}`) : null;
    const rotate = h('button', { type: 'button', class: 'small', 'data-rotate': k.id }, 'Rotate');
    const revoke = h('button', { type: 'button', class: 'small danger', 'data-revoke': k.id }, 'Revoke');
    rotate.addEventListener('click', async () => {
      const overlap = h('input', { name: 'overlapHours', type: 'number', min: 0, max: 720, value: 24 });
      const done = await change(
        { title: `Rotate “${k.name}”?`, details: [h('p', null, 'A new secret replaces this key; the old one keeps working for the overlap.'), field('Overlap (hours)', overlap)], confirm: 'Rotate', done: 'Key rotated.' },
        () => post(guildPath(ctx.guildId, 'api-keys', k.id, 'rotate'), { overlapHours: Number(overlap.value || 0) }),
      );
      if (done) await show(`Key “${done.key.name}” rotated (the old one works until ${fmtDateTime(done.old.expiresAt)})`, done.secret);
    });
    revoke.addEventListener('click', async () => {
      const done = await change({ title: `Revoke “${k.name}” (${k.prefix}…)?`, details: h('p', null, 'Every request with it is refused from now on. This cannot be undone.'), confirm: 'Revoke', danger: true, done: 'Key revoked.' }, () =>
        del(guildPath(ctx.guildId, 'api-keys', k.id)),
      );
      if (done) ctx.rerender();
    });
    return [rotate, ' ', revoke];
  };

  return [
    heading('API keys', 'Keys let a website or a script use the public API (/api/v1) for this server, within their scopes and quota.'),
    holder,
    data.keys.length
      ? table(
          'API keys',
          [
            ['Name', (k) => k.name],
            ['Key', (k) => h('code', null, `${k.prefix}…`)],
            ['Status', status],
            ['Scopes', (k) => k.scopes.join(', ')],
            ['Tier', (k) => k.tier],
            ['Last used', (k) => (k.usage?.lastUsedAt ? time(k.usage.lastUsedAt) : 'never')],
            ['Usage', usageText],
            ['Expires', (k) => (k.expiresAt ? time(k.expiresAt) : 'never')],
            ['', actions],
          ],
          data.keys,
          { class: 'stack-table', captionHidden: true, rowProps: (k) => ({ 'data-key': k.id }) },
        )
      : empty('No API keys yet.'),
    form,
    h('p', null, h('a', { href: '/api/docs' }, 'The API reference'), ' (every route, its scope and schemas).'),
  ];
}
