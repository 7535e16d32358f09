/**
 * One application: the applicant, account age, avatar risk, the answers, and the review
 * actions (claim, accept, reject, kick; reasons where the bot asks for them). Actions go
 * through the same service as the review card's buttons, so the card in Discord updates.
 */
import { get, guildPath, post } from '../api.js';
import { fmtAge, fmtDateTime, h, person, time } from '../dom.js';
import { href } from '../router.js';
import { change, field, heading } from '../ui.js';
import { riskText, statusBadge } from './applications.js';

/** The detail page. */
export default async function render(ctx) {
  const id = ctx.params.id;
  const data = await get(guildPath(ctx.guildId, 'applications', id));
  const a = data?.application ?? data;
  const open = a.status === 'pending' || a.status === 'claimed';
  const me = (ctx.me?.user ?? ctx.me)?.id;
  const answers = a.answers ?? [];
  const act = async (action, title, body, options = {}) => {
    const done = await change(
      { title, details: options.details, confirm: options.confirm ?? title, danger: options.danger, form: options.form, done: options.done },
      () => post(guildPath(ctx.guildId, 'applications', id, action), body?.()),
    );
    if (done !== undefined) ctx.rerender();
  };
  const reasonForm = (action, label, danger) => {
    const reason = h('textarea', { name: 'reason', maxlength: 1000, rows: 3, required: action !== 'accept' ? null : null });
    const form = h('form', { class: 'card decide', data: { action } }, h('h3', null, label), field('Reason (the applicant is told)', reason, { hint: action === 'accept' ? 'Optional.' : 'Shown to the applicant in their DM.' }));
    const submit = h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, label);
    form.append(h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(action, `${label} ${a.userTag ?? 'this applicant'}?`, () => (reason.value.trim() ? { reason: reason.value.trim() } : {}), {
        form,
        danger,
        details: reason.value.trim() ? h('p', null, 'Reason: ', h('q', null, reason.value.trim())) : h('p', null, 'No reason given.'),
        done: `${label}: done. The review card in Discord shows it.`,
      });
    });
    return form;
  };
  const claimedByMe = a.claimedBy && a.claimedBy === me;
  const claim = h('button', { type: 'button', class: 'primary', id: 'claim' }, a.status === 'claimed' ? (claimedByMe ? 'Release claim' : 'Take over claim') : 'Claim');
  claim.addEventListener('click', () => act(claimedByMe ? 'unclaim' : 'claim', claimedByMe ? 'Release your claim?' : 'Claim this application?', null, { confirm: claimedByMe ? 'Release' : 'Claim', done: claimedByMe ? 'Claim released.' : 'Claimed. The card shows you as the reviewer.' }));
  return [
    h('p', null, h('a', { href: href(`/g/${ctx.guildId}/applications`, { status: open ? a.status : 'decided' }) }, '← Applications')),
    heading(`Application #${a.id}`, null),
    h(
      'div',
      { class: 'grid grid-side' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'answers-h' },
        h('h2', { id: 'answers-h' }, 'Answers'),
        answers.length
          ? h('dl', { class: 'answers' }, answers.map((x) => [h('dt', null, x.question ?? x.label), h('dd', null, x.answer || h('span', { class: 'muted' }, '(no answer)'))]))
          : h('p', { class: 'muted' }, 'No answers.'),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'who-h' },
        h('h2', { id: 'who-h' }, 'Applicant'),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'Member'),
          h('dd', null, person(a.user ?? a.userTag ?? null, a.userId)),
          h('dt', null, 'Status'),
          h('dd', { id: 'app-status' }, statusBadge(a.status)),
          h('dt', null, 'Account age'),
          h('dd', { id: 'account-age' }, fmtAge(a.accountCreatedAt), a.youngAccount ? [' ', h('span', { class: 'badge bad' }, 'young account')] : null, h('br'), h('span', { class: 'muted' }, `created ${fmtDateTime(a.accountCreatedAt)}`)),
          h('dt', null, 'Avatar risk'),
          h('dd', { id: 'avatar-risk' }, riskText(a.avatarRisk), a.avatarRisk?.detail ? h('div', { class: 'muted' }, a.avatarRisk.detail) : null),
          h('dt', null, 'Joined'),
          h('dd', null, time(a.joinedAt)),
          h('dt', null, 'Submitted'),
          h('dd', null, time(a.submittedAt)),
          a.claimedBy ? [h('dt', null, 'Claimed by'), h('dd', null, person(a.claimedByUser ?? null, a.claimedBy), ' ', time(a.claimedAt))] : null,
          a.decidedBy ? [h('dt', null, 'Decided by'), h('dd', null, person(a.decidedByUser ?? null, a.decidedBy), ' ', time(a.decidedAt))] : null,
          a.reason ? [h('dt', null, 'Reason'), h('dd', null, a.reason)] : null,
          a.lastError ? [h('dt', null, 'Problem'), h('dd', { class: 'risk-high' }, a.lastError)] : null,
        ),
      ),
    ),
    open
      ? h(
          'section',
          { 'aria-labelledby': 'decide-h' },
          h('h2', { id: 'decide-h' }, 'Review'),
          h('div', { class: 'actions' }, claim),
          h('div', { class: 'grid grid-2' }, reasonForm('accept', 'Accept', false), reasonForm('reject', 'Reject', true), reasonForm('kick', 'Kick', true)),
        )
      : h('p', { class: 'muted' }, 'This application has been decided.'),
  ];
}
