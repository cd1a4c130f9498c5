// Form controls generated from the fact schema: one labelled control per
// fact, by type (bool and enum: a choice; date; integer; money as text).
// Every control carries `data-path` (its case path) so that answers given
// anywhere on the page show everywhere.

import { h, append } from './dom.js';
import { t } from './i18n.js';
import { getPath } from './paths.js';
import { isDecimal, toControlText } from './model.js';

/** A DOM id for a case path within one form. */
export function controlId(prefix, path) {
  return `${prefix}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

/** Sets an input's type and bounds from the fact's type (dates, whole numbers, decimals, text). */
function inputAttrs(fact, attrs) {
  if (fact.type === 'date') Object.assign(attrs, { type: 'date', min: '1900-01-01', max: '2100-12-31' });
  else if (fact.type === 'integer') {
    Object.assign(attrs, { type: 'number', inputmode: 'numeric', step: '1' });
    if (fact.min !== undefined) attrs.min = fact.min;
    if (fact.max !== undefined) attrs.max = fact.max;
  } else if (isDecimal(fact)) Object.assign(attrs, { type: 'text', inputmode: 'decimal' });
  else attrs.type = 'text';
  return attrs;
}

/**
 * A labelled control for one fact.
 * @param {import('./model.js').Model} model
 * @param {any} fact
 * @param {string} path case path
 * @param {unknown} value current case value
 * @param {{prefix: string, onValue: (path: string, raw: string, typing?: boolean) => void,
 *          exclude?: string[], label?: string}} opts
 */
export function fieldControl(model, fact, path, value, opts) {
  const id = controlId(opts.prefix, path);
  const help = model.help(fact);
  const helpId = help ? `${id}-help` : null;
  const errId = `${id}-err`;
  const describedBy = [helpId, errId].filter(Boolean).join(' ');
  let control;
  if (fact.type === 'bool' || fact.type === 'enum') {
    control = h('select', { id, 'aria-describedby': describedBy });
    control.append(h('option', { value: '', text: t('not_answered') }));
    const values = fact.type === 'bool' ? ['true', 'false'] : fact.values;
    for (const v of values) {
      if (opts.exclude?.includes(v)) continue;
      const text = fact.type === 'bool' ? t(v === 'true' ? 'yes' : 'no') : model.valueLabel(fact, v);
      control.append(h('option', { value: v, text }));
    }
    control.addEventListener('change', () => opts.onValue(path, control.value));
  } else {
    const attrs = { id, 'aria-describedby': describedBy, autocomplete: 'off', spellcheck: 'false' };
    inputAttrs(fact, attrs);
    control = h('input', attrs);
    if (fact.type === 'date') control.addEventListener('change', () => opts.onValue(path, control.value));
    else {
      control.addEventListener('input', () => opts.onValue(path, control.value, true));
      control.addEventListener('change', () => opts.onValue(path, control.value));
    }
  }
  control.dataset.path = path;
  control.value = toControlText(value);
  const wrap = h(
    'div',
    { class: `field type-${fact.type}` },
    h('label', { for: id, text: opts.label ?? model.label(fact) }),
    control,
    help ? h('p', { class: 'help', id: helpId, text: help }) : null,
    h('p', { class: 'field-error', id: errId, hidden: true }),
  );
  return { root: wrap, control };
}

/**
 * A control for one question of the flow: a group of choices for bool and
 * enum facts, a labelled input for the others.
 * @returns {{root: HTMLElement, focus: HTMLElement, read: () => string}}
 */
export function questionControl(model, fact, path, value, title, prefix) {
  const id = controlId(prefix, path);
  const help = model.help(fact);
  const helpId = help ? `${id}-help` : null;
  const current = toControlText(value);
  if (fact.type === 'bool' || fact.type === 'enum') {
    const values = fact.type === 'bool' ? ['true', 'false'] : fact.values;
    const radios = [];
    const legendId = `${id}-legend`;
    const box = h('fieldset', { class: 'choices', 'aria-describedby': helpId ?? undefined },
      h('legend', { id: legendId, class: 'question-label', text: title }));
    for (const v of values) {
      const rid = `${id}-${v}`;
      const text = fact.type === 'bool' ? t(v === 'true' ? 'yes' : 'no') : model.valueLabel(fact, v);
      const r = h('input', { type: 'radio', name: id, id: rid, value: v, checked: current === v });
      r.dataset.answer = 'true';
      radios.push(r);
      box.append(h('div', { class: 'choice' }, r, h('label', { for: rid, text })));
    }
    if (help) box.append(h('p', { class: 'help', id: helpId, text: help }));
    return {
      root: box,
      focus: radios.find((r) => r.checked) ?? radios[0],
      read: () => radios.find((r) => r.checked)?.value ?? '',
    };
  }
  const attrs = { id, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': helpId ?? undefined };
  inputAttrs(fact, attrs);
  const input = h('input', attrs);
  input.dataset.answer = 'true';
  input.value = current;
  const root = h('div', { class: 'field' },
    h('label', { for: id, class: 'question-label', text: title }),
    input,
    help ? h('p', { class: 'help', id: helpId, text: help }) : null);
  return { root, focus: input, read: () => input.value };
}

/** Puts the case's values into every bound control under `root` but the focused one. */
export function syncControls(root, kase) {
  for (const el of root.querySelectorAll('[data-path]')) {
    if (el === document.activeElement) continue;
    const text = toControlText(getPath(kase, el.dataset.path));
    if (el.value !== text) el.value = text;
  }
}

/**
 * Marks the controls named by the errors' paths (aria-invalid and a
 * message under the control); clears the others.
 */
export function showFieldErrors(root, errors, describe) {
  for (const el of root.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const el of root.querySelectorAll('.field-error')) {
    el.textContent = '';
    el.hidden = true;
  }
  for (const e of errors) {
    if (!e.path) continue;
    for (const el of root.querySelectorAll('[data-path]')) {
      if (el.dataset.path !== e.path) continue;
      el.setAttribute('aria-invalid', 'true');
      const err = el.parentElement?.querySelector('.field-error');
      if (err) {
        err.hidden = false;
        append(err, [err.textContent ? ' ' : '', describe(e)]);
      }
    }
  }
}
