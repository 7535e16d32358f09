/**
 * The gate's part of the configuration page: the application form's questions (add, edit,
 * move up/down, remove; each confirmed) and the gate settings.
 */
import { del, guildPath, patch, post, put } from '../api.js';
import { h } from '../dom.js';
import { change, empty, field, idPicker, select } from '../ui.js';

const STYLES = [
  ['short', 'Short answer'],
  ['paragraph', 'Paragraph'],
];

/** Inputs for one question (`prefix` names them so 422 paths such as `label` land). */
function questionInputs(q = {}) {
  return {
    label: h('input', { name: 'label', value: q.label ?? '', maxlength: 45, required: true, autocomplete: 'off' }),
    style: select('style', STYLES, q.style ?? 'short'),
    required: h('input', { type: 'checkbox', name: 'required', checked: q.required ?? true }),
    minLength: h('input', { name: 'minLength', type: 'number', min: 0, max: 4000, inputmode: 'numeric', value: q.minLength ?? '' }),
    maxLength: h('input', { name: 'maxLength', type: 'number', min: 1, max: 4000, inputmode: 'numeric', value: q.maxLength ?? '' }),
  };
}

function readQuestion(i) {
  const num = (el) => (el.value === '' ? null : Number(el.value));
  return { label: i.label.value.trim(), style: i.style.value, required: i.required.checked, minLength: num(i.minLength), maxLength: num(i.maxLength) };
}

function questionFields(i) {
  return h(
    'div',
    { class: 'inline-fields' },
    field('Question', i.label, { class: 'grow' }),
    field('Style', i.style),
    field('Min length', i.minLength),
    field('Max length', i.maxLength),
    field('Required', i.required),
  );
}

/** The section (questions + settings). */
export function gateSection(ctx, { questions: form, settings, roleOptions, sectionForm }) {
  const questions = [...(form?.questions ?? [])].sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
  const max = form?.maxQuestions ?? 15;
  const qPath = (...rest) => guildPath(ctx.guildId, 'gate', 'questions', ...rest);

  const move = async (index, by) => {
    const ids = questions.map((q) => q.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + by, 0, moved);
    const ok = await change(
      { title: `Move “${questions[index].label}” ${by < 0 ? 'up' : 'down'}?`, details: h('ol', null, ids.map((id) => h('li', null, questions.find((q) => q.id === id).label))), confirm: 'Move', done: 'Order saved.' },
      () => put(qPath('order'), { ids }),
    );
    if (ok !== undefined) ctx.rerender();
  };

  const item = (q, index) => {
    const li = h('li', { class: 'row question', data: { question: q.id } });
    const show = () => {
      const up = h('button', { type: 'button', class: 'small', 'aria-label': `Move “${q.label}” up`, disabled: index === 0, data: { move: 'up' } }, '↑');
      const down = h('button', { type: 'button', class: 'small', 'aria-label': `Move “${q.label}” down`, disabled: index === questions.length - 1, data: { move: 'down' } }, '↓');
      const edit = h('button', { type: 'button', class: 'small', 'aria-label': `Edit “${q.label}”` }, 'Edit');
      const remove = h('button', { type: 'button', class: 'small', 'aria-label': `Remove “${q.label}”` }, 'Remove');
      up.addEventListener('click', () => move(index, -1));
      down.addEventListener('click', () => move(index, 1));
      edit.addEventListener('click', editMode);
      remove.addEventListener('click', async () => {
        const ok = await change({ title: `Remove “${q.label}”?`, details: h('p', null, 'Applications already submitted keep their answers.'), confirm: 'Remove', danger: true, done: 'Question removed.' }, () => del(qPath(q.id)));
        if (ok !== undefined) ctx.rerender();
      });
      li.replaceChildren(
        h('span', { class: 'pos' }, `${index + 1}.`),
        h('div', { class: 'grow' }, h('span', { class: 'label' }, q.label), ' ', h('span', { class: 'muted' }, `${q.style === 'paragraph' ? 'paragraph' : 'short'}${q.required ? ', required' : ', optional'}`)),
        up,
        down,
        edit,
        remove,
      );
    };
    const editMode = () => {
      const inputs = questionInputs(q);
      const form = h('form', { class: 'grow edit-question', novalidate: true }, questionFields(inputs));
      const save = h('button', { type: 'submit', class: 'primary small' }, 'Save');
      const cancel = h('button', { type: 'button', class: 'small' }, 'Cancel');
      form.append(h('div', { class: 'actions' }, save, cancel));
      cancel.addEventListener('click', show);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const next = readQuestion(inputs);
        const ok = await change({ title: 'Save this question?', details: h('p', null, h('del', null, q.label), ' → ', h('ins', null, next.label)), confirm: 'Save', form, done: 'Question saved.' }, () => patch(qPath(q.id), next));
        if (ok !== undefined) ctx.rerender();
      });
      li.replaceChildren(form);
      inputs.label.focus();
    };
    show();
    return li;
  };

  const addInputs = questionInputs();
  const addForm = h('form', { class: 'add-question', id: 'add-question', novalidate: true }, h('h3', null, 'Add a question'), questionFields(addInputs), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add question')));
  addForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = readQuestion(addInputs);
    const ok = await change({ title: 'Add this question?', details: h('p', null, h('q', null, q.label || '(empty)'), ` (${q.style}${q.required ? ', required' : ''})`), confirm: 'Add', form: addForm, done: 'Question added to the form.' }, () => post(qPath(), q));
    if (ok !== undefined) ctx.rerender();
  });

  const questionsSection = h(
    'section',
    { class: 'card', id: 'config-questions', 'aria-labelledby': 'config-questions-h' },
    h('h2', { id: 'config-questions-h' }, 'Gate questions'),
    h('p', { class: 'lead' }, `The application form, in the order applicants see it (${questions.length} of at most ${max}; five per page of the form).`),
    questions.length ? h('ol', { class: 'rows', id: 'questions' }, questions.map(item)) : empty('No questions yet: applicants can only press Apply.'),
    addForm,
  );

  const g = settings ?? {};
  const before = {
    acceptedRoleIds: g.acceptedRoleIds ?? [],
    unverifiedRoleId: g.unverifiedRoleId ?? null,
    reviewerRoleId: g.reviewerRoleId ?? null,
    adminRoleId: g.adminRoleId ?? null,
    welcomeTemplate: g.welcomeTemplate ?? '',
    cooldownHours: g.cooldownHours ?? 24,
    youngAccountDays: g.youngAccountDays ?? 7,
  };
  // Accepted roles (1–3): one checkbox per server role, or an id field per slot without the role list.
  const acceptedBoxes =
    roleOptions.length > 1
      ? roleOptions.filter(([id]) => id).map(([id, name]) => [id, h('input', { type: 'checkbox', name: 'acceptedRoleIds', value: id, checked: before.acceptedRoleIds.includes(id) }), name])
      : [0, 1, 2].map((n) => [n, idPicker(`acceptedRoleIds.${n}`, roleOptions, before.acceptedRoleIds[n]), `Role ${n + 1}`]);
  const accepted = h(
    'fieldset',
    { class: 'accepted-roles' },
    h('legend', null, 'Roles given on accept (1 to 3)'),
    h('div', { class: 'grid grid-2' }, acceptedBoxes.map(([, box, label]) => field(label, box))),
  );
  const readAccepted = () => acceptedBoxes.map(([id, box]) => (box.type === 'checkbox' ? (box.checked ? id : null) : box.value.trim() || null)).filter(Boolean);
  const i = {
    unverified: idPicker('unverifiedRoleId', roleOptions, before.unverifiedRoleId),
    reviewer: idPicker('reviewerRoleId', roleOptions, before.reviewerRoleId),
    admin: idPicker('adminRoleId', roleOptions, before.adminRoleId),
    welcome: h('textarea', { name: 'welcomeTemplate', rows: 3, maxlength: 1500 }),
    cooldown: h('input', { name: 'cooldownHours', type: 'number', min: 0, max: 8760, inputmode: 'numeric', value: before.cooldownHours }),
    young: h('input', { name: 'youngAccountDays', type: 'number', min: 0, max: 3650, inputmode: 'numeric', value: before.youngAccountDays }),
  };
  i.welcome.value = before.welcomeTemplate;
  const settingsForm = sectionForm({
    ctx,
    id: 'config-gate',
    title: 'Gate settings',
    before,
    body: [
      accepted,
      h('div', { class: 'grid grid-2' }, field('Unverified role', i.unverified), field('Reviewer role (pinged by stale alerts)', i.reviewer), field('Admin role (pinged at 72 h)', i.admin)),
      field('Welcome message', i.welcome, { hint: 'Placeholders: {user}, {server}, {memberCount}.' }),
      h('div', { class: 'inline-fields' }, field('Cooldown after rejection (hours)', i.cooldown), field('Flag accounts younger than (days)', i.young, { hint: '0 turns the flag off.' })),
    ],
    read: () => ({
      acceptedRoleIds: readAccepted(),
      unverifiedRoleId: i.unverified.value || null,
      reviewerRoleId: i.reviewer.value || null,
      adminRoleId: i.admin.value || null,
      welcomeTemplate: i.welcome.value,
      cooldownHours: i.cooldown.value === '' ? null : Number(i.cooldown.value),
      youngAccountDays: i.young.value === '' ? null : Number(i.young.value),
    }),
    save: (v) => patch(guildPath(ctx.guildId, 'gate', 'settings'), v),
    mapPath: (p) => (roleOptions.length > 1 && p.startsWith('acceptedRoleIds') ? 'acceptedRoleIds' : p),
  });
  return [questionsSection, settingsForm];
}
