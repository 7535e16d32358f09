/**
 * Shared widgets: labelled fields, inline 422 field errors, the confirmation dialog every
 * change goes through, the status line (a live region), error boxes and empty states.
 */
import { ApiError } from './api.js';
import { h, uid } from './dom.js';

/**
 * A labelled form field. `input` is an element (input/select/textarea) whose `name` is the
 * API's field path (`thresholds.0.count`), so 422 errors find it.
 * @param {string} label
 * @param {HTMLElement} input
 * @param {{ hint?: string, class?: string, after?: HTMLElement }} [options] `after`: a control beside the input (a unit)
 */
export function field(label, input, options = {}) {
  input.id ||= uid('f');
  const control = options.after ? h('div', { class: 'with-after' }, input, options.after) : input;
  const hint = options.hint ? h('p', { class: 'hint', id: `${input.id}-hint` }, options.hint) : null;
  if (hint) input.setAttribute('aria-describedby', hint.id);
  const isCheck = input instanceof HTMLInputElement && input.type === 'checkbox';
  return h(
    'div',
    { class: ['field', isCheck && 'field-check', options.class] },
    isCheck ? [input, h('label', { for: input.id }, label)] : [h('label', { for: input.id }, label), control],
    hint,
  );
}

/** Removes every field error shown in `form`. */
export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error, .form-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const describedBy = (el.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => !id.endsWith('-error')).join(' ');
    if (describedBy) el.setAttribute('aria-describedby', describedBy);
    else el.removeAttribute('aria-describedby');
  }
}

/**
 * Shows an API error in `form`: each 422 field message next to the input named by its path
 * (or the nearest named ancestor path), the rest in a summary at the top. Focuses the first.
 * @param {HTMLFormElement | HTMLElement} form
 * @param {unknown} error
 * @param {(path: string) => string} [mapPath] the form's name for an API path
 */
export function showErrors(form, error, mapPath = (p) => p) {
  clearErrors(form);
  const err = error instanceof ApiError ? error : new ApiError(0, { message: String(error?.message ?? error) });
  const unplaced = [];
  let first = null;
  for (const [rawPath, message] of Object.entries(err.fields)) {
    const input = findInput(form, mapPath(rawPath));
    if (!input) {
      unplaced.push(`${rawPath ? `${rawPath}: ` : ''}${message}`);
      continue;
    }
    input.id ||= uid('f');
    const msg = h('p', { class: 'field-error', id: `${input.id}-error`, role: 'alert' }, message);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), msg.id].filter(Boolean).join(' '));
    const holder = input.closest('.field');
    if (holder) holder.append(msg);
    else input.after(msg);
    first ??= input;
  }
  if (unplaced.length || !Object.keys(err.fields).length) {
    const summary = h('div', { class: 'form-error', role: 'alert', tabindex: '-1' }, h('p', null, err.message), unplaced.length ? h('ul', null, unplaced.map((u) => h('li', null, u))) : null);
    form.prepend(summary);
    first ??= summary;
  }
  first?.focus();
}

function findInput(form, path) {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n -= 1) {
    const name = parts.slice(0, n).join('.');
    const el = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (el) return el;
  }
  return null;
}

/**
 * Asks for confirmation in a modal dialog (Escape or "Cancel" says no). `details` is shown
 * in the dialog (e.g. a before/after list). Resolves true when confirmed.
 * @param {{ title: string, details?: any, confirm?: string, danger?: boolean }} options
 * @returns {Promise<boolean>}
 */
export function confirmDialog({ title, details, confirm = 'Confirm', danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const ok = h('button', { type: 'submit', value: 'ok', class: danger ? 'danger' : 'primary' }, confirm);
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': titleId },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: titleId }, title),
        details ? h('div', { class: 'confirm-details' }, details) : null,
        h('div', { class: 'actions' }, h('button', { type: 'submit', value: 'cancel' }, 'Cancel'), ok),
      ),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    ok.focus();
  });
}

/**
 * Runs a change: confirm, call, report. Returns the call's result, or undefined when the
 * user cancelled or it failed (then the error is shown in `form`, or in the status line).
 * @template T
 * @param {{ title: string, details?: any, confirm?: string, danger?: boolean, form?: HTMLElement, done?: string, mapPath?: (p: string) => string }} options
 * @param {() => Promise<T>} run
 * @returns {Promise<T | undefined>}
 */
export async function change(options, run) {
  if (!(await confirmDialog(options))) return undefined;
  if (options.form) clearErrors(options.form);
  try {
    const result = await run();
    notify(options.done ?? 'Saved.');
    return result;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return undefined;
    if (options.form) showErrors(options.form, e, options.mapPath);
    else notify(e?.message ?? String(e), 'error');
    return undefined;
  }
}

/** A message in the status line (a polite live region; errors are assertive). */
export function notify(message, kind = 'ok') {
  const region = document.getElementById(kind === 'error' ? 'alert' : 'status');
  if (!region) return;
  const item = h('p', { class: `toast toast-${kind}` }, message);
  region.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 12_000 : 6_000);
}

/** A box for a failed load, with the error (and its ref). */
export function errorBox(error, retry) {
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('p', null, error?.message ?? String(error)),
    retry ? h('button', { type: 'button', on: { click: retry } }, 'Try again') : null,
  );
}

/** An empty state: a sentence and an optional action. */
export function empty(text, action) {
  return h('div', { class: 'empty' }, h('p', null, text), action ?? null);
}

/** A "Loading…" placeholder. */
export function loading(what = 'Loading…') {
  return h('p', { class: 'loading', 'aria-busy': 'true' }, what);
}

/** A table with a caption; `columns` are `[header, (row) => cell]`. */
export function table(caption, columns, rows, options = {}) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: options.class },
      h('caption', { class: options.captionHidden ? 'visually-hidden' : null }, caption),
      h('thead', null, h('tr', null, columns.map(([head]) => h('th', { scope: 'col' }, head)))),
      h('tbody', null, rows.map((row) => h('tr', options.rowProps?.(row) ?? null, columns.map(([head, cell]) => h('td', { 'data-label': head }, cell(row)))))),
    ),
  );
}

/** A select with `options` (`[value, label]`), `value` selected. */
export function select(name, options, value, props = {}) {
  return h('select', { name, ...props }, options.map(([v, label]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, label)));
}

/** A page heading and an optional lead paragraph. */
export function heading(title, lead) {
  return [h('h1', { id: 'page-title', tabindex: '-1' }, title), lead ? h('p', { class: 'lead' }, lead) : null];
}

/**
 * A role (or channel) picker: a select of the server's roles when the API lists them
 * (`options` beyond the "(none)" entry), otherwise an id field.
 */
export function idPicker(name, options, value, props = {}) {
  if (options.length > 1) return select(name, options, value, props);
  return h('input', { name, value: value ?? '', inputmode: 'numeric', pattern: '\\d{15,21}', placeholder: 'id', autocomplete: 'off', ...props });
}
