/**
 * A member's moderation history: cases (reason editable), notes (add one), punishments
 * active and expired.
 */
import { get, guildPath, post } from '../api.js';
import { fmtDuration, h, person, time } from '../dom.js';
import { href } from '../router.js';
import { change, empty, field, heading, notify, table } from '../ui.js';
import { typeBadge } from './cases.js';

/** The history page. */
export default async function render(ctx) {
  const userId = ctx.params.user;
  const data = await get(guildPath(ctx.guildId, 'moderation', 'members', userId));
  const cases = data?.cases ?? [];
  const notes = data?.notes ?? [];
  const active = data?.punishments?.active ?? [];
  const expired = data?.punishments?.ended ?? [];
  const punishments = [...active, ...expired];
  const caseNumber = new Map(cases.map((c) => [c.id, c.number]));

  const editReason = (c) => {
    const btn = h('button', { type: 'button', class: 'small', data: { editCase: c.number } }, 'Edit reason');
    btn.addEventListener('click', () => {
      const input = h('textarea', { name: 'text', rows: 2, maxlength: 500 });
      input.value = c.reason ?? '';
      const form = h('form', { class: 'edit-reason', novalidate: true }, field(`New reason for case #${c.number}`, input, { hint: 'The earlier reason stays in the case’s history; the mod-log entry is edited.' }));
      const save = h('button', { type: 'submit', class: 'primary small' }, 'Save');
      const cancel = h('button', { type: 'button', class: 'small' }, 'Cancel');
      form.append(h('div', { class: 'actions' }, save, cancel));
      const cell = btn.parentElement;
      const before = [...cell.childNodes];
      cell.replaceChildren(form);
      input.focus();
      cancel.addEventListener('click', () => cell.replaceChildren(...before));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const reason = input.value.trim();
        const ok = await change(
          { title: `Change the reason of case #${c.number}?`, details: diffText(c.reason, reason), confirm: 'Change reason', form, done: `Case #${c.number}: reason changed (the mod log shows it).` },
          () => post(guildPath(ctx.guildId, 'moderation', 'cases', c.number, 'reason'), { text: reason }),
        );
        if (ok?.problem) notify(ok.problem, 'error');
        if (ok !== undefined) ctx.rerender();
      });
    });
    return btn;
  };

  const noteText = h('textarea', { name: 'text', rows: 3, maxlength: 1000 });
  const noteForm = h('form', { class: 'card', id: 'add-note', novalidate: true }, h('h3', null, 'Add a note'), field('Note (staff only; the member never sees it)', noteText), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add note')));
  noteForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = noteText.value.trim();
    const ok = await change({ title: 'Add this note?', details: h('blockquote', null, text || '(empty)'), confirm: 'Add note', form: noteForm, done: 'Note added.' }, () => post(guildPath(ctx.guildId, 'moderation', 'members', userId, 'notes'), { text }));
    if (ok !== undefined) ctx.rerender();
  });

  const who = data?.member ?? data?.user ?? null;
  return [
    h('p', null, h('a', { href: href(`/g/${ctx.guildId}/cases`) }, '← Moderation')),
    heading(`History of ${who ? person(who, userId).textContent : `member ${userId}`}`),
    h('div', { class: 'stats' }, stat(cases.length, 'cases'), stat(notes.length, 'notes'), stat(active.length, 'active punishments')),
    h('h2', null, 'Cases'),
    cases.length
      ? table(
          'Cases',
          [
            ['#', (c) => `#${c.number}`],
            ['Type', (c) => typeBadge(c.type)],
            ['Reason', (c) => h('div', { class: 'reason-cell' }, h('span', { class: 'reason' }, c.reason), ' ', editReason(c))],
            ['Moderator', (c) => person(c.actor ?? null, c.actorId)],
            ['When', (c) => time(c.createdAt)],
          ],
          cases,
          { class: 'stack-table', captionHidden: true },
        )
      : empty('No cases.'),
    h('h2', null, 'Punishments'),
    punishments.length
      ? table(
          'Punishments',
          [
            ['Kind', (p) => p.kind],
            ['State', (p) => h('span', { class: ['badge', active.includes(p) ? 'active' : 'expired'] }, active.includes(p) ? (p.status === 'held' ? 'starting' : 'active') : p.status === 'cancelled' ? 'lifted' : 'ended')],
            ['Ends', (p) => (p.endsAt ? time(p.endsAt) : 'until lifted')],
            ['Length', (p) => (p.endsAt && p.createdAt ? fmtDuration(p.endsAt - p.createdAt) : '—')],
            ['Case', (p) => (caseNumber.has(p.caseId) ? `#${caseNumber.get(p.caseId)}` : '—')],
          ],
          punishments,
          { class: 'stack-table', captionHidden: true },
        )
      : empty('No punishments.'),
    h('h2', null, 'Notes'),
    notes.length
      ? h('ul', { class: 'rows', id: 'notes' }, notes.map((n) => h('li', { class: 'row' }, h('div', { class: 'grow' }, n.text), h('span', { class: 'muted' }, person(n.actor ?? null, n.actorId), ' · ', time(n.createdAt)))))
      : empty('No notes.'),
    noteForm,
  ];
}

function stat(n, label) {
  return h('div', { class: 'stat' }, h('b', null, String(n)), h('span', null, label));
}

function diffText(before, after) {
  return h('ul', { class: 'diff-list' }, h('li', null, h('del', null, before || '(none)')), h('li', null, h('ins', null, after || '(none)')));
}
