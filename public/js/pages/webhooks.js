/**
 * Outgoing webhooks: the server's subscriptions (URL, event types, enabled), creating one
 * (the signing secret shown once), enable/disable, rotate the secret (the old one kept
 * signing for a chosen overlap, so receivers can switch without a gap), send a test event,
 * delete; and the delivery log of one subscription (status, attempts, response code, latency,
 * error) with Replay. Docs: docs/api.md.
 */
import { del, get, guildPath, patch, post } from '../api.js';
import { fmtDateTime, h, plural, time } from '../dom.js';
import { href } from '../router.js';
import { change, empty, field, heading, select, table } from '../ui.js';

/** How long a rotated secret keeps signing (seconds), as offered; the API takes any 0 … 30 days. */
const OVERLAPS = [
  [0, 'Stop it at once'],
  [3600, '1 hour'],
  [86_400, '24 hours'],
  [3 * 86_400, '3 days'],
  [7 * 86_400, '7 days'],
  [30 * 86_400, '30 days'],
];

/** The secret, once, with a copy button. */
function secretBox(secret) {
  const code = h('code', { class: 'secret', data: { secret: '' } }, secret);
  const copy = h('button', { type: 'button', class: 'small' }, 'Copy');
  copy.addEventListener('click', () => navigator.clipboard?.writeText(secret));
  return h('div', { class: 'card', role: 'status' }, h('p', null, h('strong', null, 'Signing secret'), ' (shown only now: store it with your receiver):'), h('p', null, code, ' ', copy));
}

/** A secret to show once on the next render (the page is rebuilt after a change). */
let pendingSecret = null;

export default async function render(ctx) {
  const { webhook: selected, before } = ctx.query;
  const data = await get(guildPath(ctx.guildId, 'webhooks'));
  const shown = pendingSecret ? secretBox(pendingSecret) : null;
  pendingSecret = null;
  const remember = (secret) => {
    pendingSecret = secret;
  };

  const url = h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://example.com/gatehouse-hook', autocomplete: 'off' });
  const boxes = data.eventTypes.map((t) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'events', value: t }), t));
  const form = h(
    'form',
    { class: 'card', id: 'webhook-form' },
    h('h2', null, 'Add a webhook'),
    field('Target URL (https)', url),
    h('fieldset', { name: 'events' }, h('legend', null, 'Event types'), boxes),
    h('button', { type: 'submit', class: 'primary', disabled: !data.enabled }, 'Add webhook'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const events = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
    const made = await change({ title: `Send ${plural(events.length, 'event type')} to ${url.value}?`, form, done: 'Webhook added. Copy its secret now.' }, () => post(guildPath(ctx.guildId, 'webhooks'), { url: url.value, events }));
    if (made) {
      remember(made.secret);
      ctx.rerender();
    }
  });

  const actions = (w) => {
    const button = (label, props, run) => {
      const b = h('button', { type: 'button', class: 'small', ...props }, label);
      b.addEventListener('click', run);
      return b;
    };
    return h(
      'div',
      { class: 'row' },
      button(w.enabled ? 'Disable' : 'Enable', { data: { toggle: w.id } }, async () => {
        if ((await change({ title: `${w.enabled ? 'Disable' : 'Enable'} ${w.url}?`, done: w.enabled ? 'Disabled.' : 'Enabled.' }, () => patch(guildPath(ctx.guildId, 'webhooks', w.id), { enabled: !w.enabled }))) !== undefined) ctx.rerender();
      }),
      button('Send test event', { data: { test: w.id } }, async () => {
        if ((await change({ title: `Send a test event to ${w.url}?`, done: 'Test event queued: see the delivery log.' }, () => post(guildPath(ctx.guildId, 'webhooks', w.id, 'test')))) === undefined) return;
        if (selected === w.id) ctx.rerender();
        else location.hash = href(`/g/${ctx.guildId}/webhooks`, { webhook: w.id });
      }),
      button('Rotate secret', { data: { rotate: w.id } }, async () => {
        const overlap = select('overlapSeconds', OVERLAPS, 86_400);
        const details = [
          h('p', null, 'A new secret replaces this one. During the overlap every delivery is signed with both, so your receiver keeps verifying until you give it the new secret.'),
          w.previousSecret ? h('p', null, `The secret ${w.previousSecret.hint} from the last rotation stops at once.`) : null,
          field('Keep the old secret valid for', overlap),
        ];
        const r = await change({ title: 'Replace the signing secret?', details, confirm: 'Rotate', danger: true, done: 'New secret made. Copy it now.' }, () => post(guildPath(ctx.guildId, 'webhooks', w.id, 'rotate-secret'), { overlapSeconds: Number(overlap.value) }));
        if (r) {
          remember(r.secret);
          ctx.rerender();
        }
      }),
      button('Delete', { class: 'small danger', data: { delete: w.id } }, async () => {
        if ((await change({ title: `Delete the webhook to ${w.url} and its delivery log?`, danger: true, confirm: 'Delete', done: 'Deleted.' }, () => del(guildPath(ctx.guildId, 'webhooks', w.id)))) !== undefined) ctx.rerender();
      }),
    );
  };

  const list = data.webhooks.length
    ? table(
        'Webhooks',
        [
          ['URL', (w) => h('a', { href: href(`/g/${ctx.guildId}/webhooks`, { webhook: w.id }) }, w.url)],
          ['Events', (w) => w.events.join(', ')],
          ['State', (w) => (w.enabled ? h('span', { class: 'badge' }, 'enabled') : h('span', { class: 'badge muted', title: w.disabledReason ?? '' }, 'disabled'))],
          ['Secret', (w) => h('div', null, h('code', { class: 'nowrap' }, w.secretHint), w.previousSecret ? h('p', { class: 'hint', data: { previous: w.id } }, 'and ', h('code', { class: 'nowrap' }, w.previousSecret.hint), ` until ${fmtDateTime(w.previousSecret.expiresAt)}`) : null)],
          ['', actions],
        ],
        data.webhooks,
        // Stacked on a phone (label beside each value), like the delivery log: no sideways scrolling.
        { class: 'stack-table', rowProps: (w) => ({ data: { webhook: w.id } }) },
      )
    : empty('No webhooks yet.');

  let log = null;
  const sub = data.webhooks.find((w) => w.id === selected);
  if (sub) {
    const page = await get(guildPath(ctx.guildId, 'webhooks', sub.id, 'deliveries'), { before, limit: 25 });
    const replay = (d) => {
      if (d.status === 'pending') return null;
      const b = h('button', { type: 'button', class: 'small', data: { replay: d.id } }, 'Replay');
      b.addEventListener('click', async () => {
        if ((await change({ title: `Send delivery ${d.id} again?`, done: 'Queued again.' }, () => post(guildPath(ctx.guildId, 'webhooks', sub.id, 'deliveries', d.id, 'replay')))) !== undefined) ctx.rerender();
      });
      return b;
    };
    log = h(
      'section',
      { id: 'deliveries' },
      h('h2', null, `Deliveries to ${sub.url}`),
      sub.disabledReason && !sub.enabled ? h('p', { class: 'muted' }, `Disabled: ${sub.disabledReason}`) : null,
      page.deliveries.length
        ? table(
            'Delivery log',
            [
              ['When', (d) => time(d.createdAt)],
              ['Event', (d) => d.eventType],
              ['Status', (d) => h('span', { class: `badge ${d.status === 'delivered' ? '' : 'muted'}`, data: { status: d.status } }, d.status)],
              ['Attempts', (d) => String(d.attempts)],
              ['Code', (d) => (d.responseCode === null ? '—' : String(d.responseCode))],
              ['Latency', (d) => (d.latencyMs === null ? '—' : `${d.latencyMs} ms`)],
              ['Error', (d) => d.lastError ?? ''],
              ['', replay],
            ],
            page.deliveries,
            { class: 'stack-table', rowProps: (d) => ({ data: { delivery: d.id } }) },
          )
        : empty('Nothing delivered yet. Send a test event.'),
      page.next ? h('div', { class: 'pager' }, h('a', { class: 'button small', href: href(`/g/${ctx.guildId}/webhooks`, { webhook: sub.id, before: page.next }), rel: 'next' }, 'Older')) : null,
    );
  }

  return [
    heading('Webhooks', 'Signed HTTPS deliveries of this server’s events to your own services (see the API docs for payloads and how to verify signatures).'),
    data.enabled ? null : h('p', { class: 'card' }, 'Outgoing webhooks are off on this deployment: the operator must set WEBHOOKS_SECRET.'),
    shown,
    list,
    log,
    form,
  ];
}
