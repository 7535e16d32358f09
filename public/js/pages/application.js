/**
 * One application: the applicant, account age, avatar risk, the answers, and the review
 * actions (claim, accept, reject, kick; reasons where the bot asks for them). Actions go
 * through the same service as the review card's buttons, so the card in Discord updates.
 */
import { del, get, guildPath, post } from '../api.js';
import { fmtAge, fmtDateTime, h, person, plural, time } from '../dom.js';
import { href } from '../router.js';
import { change, field, heading, notify } from '../ui.js';
import { riskText, statusBadge } from './applications.js';

/** Decisions offered: the API's `decision`, the label, dangerous?, reason required? */
const DECISIONS = [
  ['accept', 'Accept', false, false],
  ['reject', 'Reject', true, true],
  ['kick', 'Kick', true, true],
  ['block', 'Reject permanently', true, true],
];

/** The detail page. */
export default async function render(ctx) {
  const id = ctx.params.id;
  const data = await get(guildPath(ctx.guildId, 'applications', id));
  const a = data?.application ?? data;
  const open = a.status === 'pending' || a.status === 'claimed';
  const me = (ctx.me?.user ?? ctx.me)?.id;
  const answers = a.answers ?? [];
  const act = async (title, call, options = {}) => {
    const result = await change({ title, details: options.details, confirm: options.confirm ?? title, danger: options.danger, form: options.form, done: options.done }, call);
    if (result === undefined) return;
    for (const notice of result?.notices ?? []) notify(notice, 'error');
    ctx.rerender();
  };
  const decisionForm = ([decision, label, danger, needsReason]) => {
    const reason = needsReason ? h('textarea', { name: 'reason', maxlength: 1000, rows: 3 }) : null;
    const form = h(
      'form',
      { class: 'card decide', data: { action: decision }, novalidate: true },
      h('h3', null, label),
      reason ? field('Reason (the applicant reads it)', reason, { hint: 'At least 3 characters.' }) : h('p', { class: 'muted' }, 'Gives the accepted role and posts the welcome.'),
    );
    form.append(h('div', { class: 'actions' }, h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, label)));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = reason?.value.trim() ?? '';
      act(`${label} ${a.userTag}?`, () => post(guildPath(ctx.guildId, 'applications', id, 'decision'), { decision, ...(reason ? { reason: text } : {}) }), {
        form,
        danger,
        confirm: label,
        details: reason ? h('p', null, 'Reason: ', text ? h('q', null, text) : h('span', { class: 'muted' }, '(none)')) : null,
        done: `${label}: done. The review card in Discord shows it.`,
      });
    });
    return form;
  };
  const claimedByMe = a.claimedBy && a.claimedBy === me;
  const claim = h('button', { type: 'button', class: 'primary', id: 'claim' }, claimedByMe ? 'Release claim' : a.status === 'claimed' ? 'Take over claim' : 'Claim');
  claim.addEventListener('click', () =>
    claimedByMe
      ? act('Release your claim?', () => del(guildPath(ctx.guildId, 'applications', id, 'claim')), { confirm: 'Release', done: 'Claim released.' })
      : act('Claim this application?', () => post(guildPath(ctx.guildId, 'applications', id, 'claim')), { confirm: 'Claim', done: 'Claimed. The card shows you as the reviewer.' }),
  );
  return [
    h('p', null, h('a', { href: href(`/g/${ctx.guildId}/applications`, { status: open ? 'open' : 'decided' }) }, '← Applications')),
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
          h('dd', { id: 'account-age' }, a.accountAgeDays !== undefined ? `${plural(a.accountAgeDays, 'day')} old when they applied` : fmtAge(a.accountCreatedAt), a.youngAccount ? [' ', h('span', { class: 'badge bad' }, 'young account')] : null, h('br'), h('span', { class: 'muted' }, `created ${fmtDateTime(a.accountCreatedAt)}`)),
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
          a.dmError ? [h('dt', null, 'DM'), h('dd', { class: 'risk-medium' }, a.dmError)] : null,
          a.blocked ? [h('dt', null, 'Blocked'), h('dd', { class: 'risk-high' }, 'Permanently rejected')] : null,
          a.cardUrl ? [h('dt', null, 'Review card'), h('dd', null, h('a', { href: a.cardUrl, rel: 'noopener' }, 'Open in Discord'))] : null,
        ),
      ),
    ),
    open
      ? h(
          'section',
          { 'aria-labelledby': 'decide-h' },
          h('h2', { id: 'decide-h' }, 'Review'),
          h('div', { class: 'actions' }, claim),
          h('div', { class: 'grid grid-2' }, DECISIONS.map(decisionForm)),
        )
      : h('p', { class: 'muted' }, 'This application has been decided.'),
  ];
}
