// The applicant view: a few basic questions, then one question at a time
// taken from the result's `questions` (most decisive first), with the
// results updated on every answer. Every fact is also in the full form
// generated from the schema, where any answer can be changed.

import { afterPaint, h, replace } from './dom.js';
import { t } from './i18n.js';
import { clone, deletePath, getPath, parsePath, setPath } from './paths.js';
import { lastSegment, toCaseValue } from './model.js';
import { fieldControl, questionControl, showFieldErrors, syncControls } from './fields.js';
import { errorText, renderResult, statusCounts } from './render.js';

export class ApplicantView {
  /**
   * @param {{engine: any, model: import('./model.js').Model, asOf: () => string,
   *          lang: () => string, announce: (msg: string) => void}} app
   */
  constructor(app) {
    this.app = app;
    this.model = app.model;
    this.el = {
      basics: document.getElementById('basics-fields'),
      basicsContinue: document.getElementById('basics-continue'),
      question: document.getElementById('question'),
      questionBody: document.getElementById('question-body'),
      questionHeading: document.getElementById('question-h'),
      fullForm: document.getElementById('full-form'),
      errors: document.getElementById('results-errors'),
      summary: document.getElementById('results-summary'),
      body: document.getElementById('results-body'),
      timing: document.getElementById('results-timing'),
    };
    this.case = this.freshCase();
    this.skipped = new Set();
    this.stage = 'basics';
    this.result = null;
    this.errors = [];
    this.shownQuestion = null;
    this.nextRecordId = 2;
    this.firstShown = false;
    this.basicPaths = null; // until the basics are first drawn (mount)
    this.typingTimer = 0;
    this.el.basicsContinue.addEventListener('click', () => this.startQuestions());
    this.el.fullForm.addEventListener('submit', (ev) => ev.preventDefault());
  }

  /** The starting case: the one special record of each list (the applicant). */
  freshCase() {
    const kase = {};
    for (const l of this.model.lists) {
      if (!l.oneField) continue;
      const rec = {};
      if (l.idField) rec[lastSegment(l.idField.path)] = String(l.oneValue);
      rec[lastSegment(l.oneField.path)] = l.oneValue;
      setPath(kase, l.fact.path, [rec]);
    }
    return kase;
  }

  /** The applicant's list (the one with an `exactly_one` record), or null. */
  get people() {
    return this.model.lists.find((l) => l.oneField) ?? null;
  }

  /** Draws everything and shows the first result. */
  mount() {
    this.update();
    // The basic questions: the applicant's first askable fields that matter
    // now, drawn once the first result is on screen (the applicant's date of
    // birth is the page's first date field, which costs Chromium about 60 ms:
    // docs/web-form.md, Loading).
    afterPaint(() => {
      this.basicPaths = this.pickBasics();
      this.renderBasics();
      this.syncAll();
    });
    // The full form is drawn when first opened (it holds every fact).
    const details = document.getElementById('all-answers');
    details.addEventListener('toggle', () => {
      if (details.open && !this.fullFormDrawn) {
        this.renderFullForm();
        this.syncAll();
      }
    });
    if (details.open) this.renderFullForm();
  }

  /** Re-draws in the current language. */
  relabel() {
    this.shownQuestion = null;
    if (this.basicPaths) this.renderBasics();
    if (this.fullFormDrawn) this.renderFullForm();
    this.update();
  }

  /** Puts answers and errors into every drawn control. */
  syncAll() {
    for (const root of [this.el.basics, this.el.fullForm]) {
      syncControls(root, this.case);
      showFieldErrors(root, this.errors, (e) => e.message);
    }
    this.updateLegends();
  }

  pickBasics() {
    const l = this.people;
    if (!l) return [];
    const asked = new Set((this.result?.questions ?? []).map((q) => q.path));
    return l.fields
      .filter((f) => f.ask && f !== l.oneField && f !== l.idField)
      .slice(0, 2)
      .map((f) => `${l.fact.path}[0].${lastSegment(f.path)}`)
      .filter((p) => asked.has(p) || getPath(this.case, p) !== undefined);
  }

  /** Evaluates the case, timing the call. */
  evaluate() {
    const kase = { as_of: this.app.asOf(), ...clone(this.case) };
    const t0 = performance.now();
    const r = this.app.engine.evaluate(kase, { lang: this.app.lang(), explain: true });
    const t1 = performance.now();
    performance.measure('huimin:evaluate', { start: t0, end: t1 });
    this.lastMs = t1 - t0;
    return r;
  }

  /** Re-evaluates and re-draws what depends on the result. */
  update() {
    const r = this.evaluate();
    if (r.ok) {
      this.result = r.value;
      this.errors = [];
    } else {
      this.errors = r.errors;
    }
    this.renderResults();
    this.renderQuestion();
    this.syncAll();
  }

  /** An answer from any control. */
  onValue(path, raw, typing = false) {
    const v = toCaseValue(this.model.fact(path), raw);
    if ('unknown' in v) deletePath(this.case, path);
    else setPath(this.case, path, v.value);
    clearTimeout(this.typingTimer);
    if (typing) this.typingTimer = setTimeout(() => this.update(), 150);
    else this.update();
  }

  // ---- household members -------------------------------------------------

  addRecord(list) {
    const rec = {};
    if (list.idField) {
      const name = lastSegment(list.idField.path);
      const taken = new Set((getPath(this.case, list.fact.path) ?? []).map((r) => r?.[name]));
      let id;
      do {
        id = `m${this.nextRecordId}`;
        this.nextRecordId += 1;
      } while (taken.has(id));
      rec[name] = id;
    }
    const records = getPath(this.case, list.fact.path) ?? [];
    records.push(rec);
    setPath(this.case, list.fact.path, records);
    const n = records.length;
    if (this.basicPaths) this.renderBasics();
    if (this.fullFormDrawn) this.renderFullForm();
    this.update();
    this.app.announce(t('member_added', { n }));
    return n - 1;
  }

  removeRecord(list, index) {
    const records = getPath(this.case, list.fact.path) ?? [];
    records.splice(index, 1);
    // Paths after the removed record moved; forget skips within the list.
    for (const p of [...this.skipped]) if (p.startsWith(`${list.fact.path}[`)) this.skipped.delete(p);
    this.shownQuestion = null;
    if (this.basicPaths) this.renderBasics();
    if (this.fullFormDrawn) this.renderFullForm();
    this.update();
    this.app.announce(t('member_removed', { n: index + 1 }));
  }

  /** Legends and headings that name records follow the relation answers. */
  updateLegends() {
    for (const el of document.querySelectorAll('[data-record-list]')) {
      const list = this.model.lists.find((l) => l.fact.path === el.dataset.recordList);
      if (list) el.textContent = this.model.recordName(list, Number(el.dataset.recordIndex), this.case);
    }
  }

  recordFieldset(list, index, fields, prefix) {
    const legend = h('legend');
    legend.dataset.recordList = list.fact.path;
    legend.dataset.recordIndex = String(index);
    legend.textContent = this.model.recordName(list, index, this.case);
    const box = h('fieldset', { class: 'record' }, legend);
    const isOne = index === 0 && list.oneField;
    for (const f of fields) {
      const path = `${list.fact.path}[${index}].${lastSegment(f.path)}`;
      if (f === list.oneField && isOne) continue;
      const exclude = f === list.oneField ? [String(list.oneValue)] : undefined;
      const { root } = fieldControl(this.model, f, path, getPath(this.case, path), {
        prefix, onValue: (p, raw, typing) => this.onValue(p, raw, typing), exclude,
      });
      box.append(root);
    }
    if (!isOne) {
      box.append(h('button', {
        type: 'button', class: 'secondary remove',
        text: t('remove_member', { n: index + 1 }),
        onclick: (ev) => {
          // The form is drawn anew: focus its "add" button afterwards.
          const rootId = ev.currentTarget.closest('[id]')?.id;
          this.removeRecord(list, index);
          document.getElementById(rootId)?.querySelector('button.add')?.focus();
        },
      }));
    }
    return box;
  }

  renderBasics() {
    const list = this.people;
    const root = this.el.basics;
    if (!list) {
      replace(root);
      return;
    }
    const records = getPath(this.case, list.fact.path) ?? [];
    const basicFields = (this.basicPaths ?? []).map((p) => this.model.fact(p));
    // Other members: the relation, then the first askable field.
    const firstField = list.fields.find((f) => f.ask && f !== list.oneField && f !== list.idField);
    const otherFields = [list.oneField, firstField].filter(Boolean);
    const addBtn = h('button', { type: 'button', class: 'secondary add', text: t('add_member') });
    const boxes = records.map((_, i) => this.recordFieldset(list, i, i === 0 ? basicFields : otherFields, 'basic'));
    addBtn.addEventListener('click', () => {
      const i = this.addRecord(list);
      this.el.basics.querySelector(`[data-path="${list.fact.path}[${i}].${lastSegment(list.oneField?.path ?? '')}"]`)?.focus();
    });
    replace(root,
      h('h4', { text: this.model.label(list.fact) }),
      this.model.help(list.fact) ? h('p', { class: 'help', text: this.model.help(list.fact) }) : null,
      boxes, addBtn);
  }

  renderFullForm() {
    this.fullFormDrawn = true;
    const root = this.el.fullForm;
    const parts = [];
    for (const g of this.model.groups()) {
      if (g.list) {
        const list = g.list;
        const records = getPath(this.case, list.fact.path) ?? [];
        const fields = list.fields.filter((f) => f.ask || f === list.oneField);
        const addBtn = h('button', { type: 'button', class: 'secondary add', text: t('add_member') });
        addBtn.addEventListener('click', () => {
          const i = this.addRecord(list);
          root.querySelector(`[data-path^="${list.fact.path}[${i}]."]`)?.focus();
        });
        parts.push(h('fieldset', { class: 'group' },
          h('legend', { text: g.title }),
          this.model.help(list.fact) ? h('p', { class: 'help', text: this.model.help(list.fact) }) : null,
          records.map((_, i) => this.recordFieldset(list, i, fields, 'full')),
          addBtn));
      } else {
        const box = h('fieldset', { class: 'group' }, h('legend', { text: g.title }));
        for (const f of g.facts) {
          if (!f.ask) continue;
          box.append(fieldControl(this.model, f, f.path, getPath(this.case, f.path), {
            prefix: 'full', onValue: (p, raw, typing) => this.onValue(p, raw, typing),
          }).root);
        }
        parts.push(box);
      }
    }
    replace(root, parts);
  }

  // ---- the question flow -------------------------------------------------

  startQuestions() {
    this.stage = 'questions';
    this.el.question.hidden = false;
    this.el.basicsContinue.hidden = true;
    this.shownQuestion = null;
    this.renderQuestion();
    this.el.questionHeading.focus();
  }

  /** The first question of the result that was not skipped. */
  nextQuestion() {
    const qs = this.result?.questions ?? [];
    return qs.find((q) => !this.skipped.has(q.path)) ?? null;
  }

  questionTitle(q) {
    const f = this.model.fact(q.path);
    const label = f ? this.model.label(f) : q.label;
    const list = f ? this.model.listOf(f.path) : null;
    const segs = parsePath(q.path) ?? [];
    const idx = segs.find((s) => typeof s === 'number');
    if (!list || idx === undefined || (idx === 0 && list.oneField)) return label;
    return `${this.model.recordName(list, idx, this.case)} · ${label}`;
  }

  renderQuestion() {
    if (this.stage !== 'questions') return;
    const errorsHere = this.errors.filter((e) => e.path && e.path === this.shownQuestion);
    // Keep the question on screen while its answer is in error.
    const q = errorsHere.length
      ? (this.result?.questions ?? []).find((x) => x.path === this.shownQuestion) ?? this.nextQuestion()
      : this.nextQuestion();
    const key = q ? `${q.path}|${this.app.lang()}` : `none|${this.skipped.size}|${this.app.lang()}`;
    if (this.shownKey === key && !errorsHere.length) {
      this.updateQuestionNote(q);
      return;
    }
    this.shownKey = key;
    this.shownQuestion = q?.path ?? null;
    const body = this.el.questionBody;
    if (!q) {
      const stillOpen = (this.result?.questions ?? []).filter((x) => this.skipped.has(x.path)).length;
      replace(body,
        h('p', { class: 'done', text: t('no_more_questions') }),
        stillOpen ? h('button', {
          type: 'button', class: 'secondary', text: t('ask_skipped_again', { n: stillOpen }),
          onclick: () => {
            this.skipped.clear();
            this.shownKey = null;
            this.renderQuestion();
            this.focusQuestion();
          },
        }) : null);
      return;
    }
    const fact = this.model.fact(q.path);
    const ctl = questionControl(this.model, fact ?? { type: q.type, path: q.fact, label: q.label },
      q.path, getPath(this.case, q.path), this.questionTitle(q), 'q');
    this.questionCtl = ctl;
    const err = h('p', { class: 'field-error', id: 'question-error', role: 'alert' });
    if (errorsHere.length) err.textContent = errorsHere.map((e) => errorText(this.model, e, this.case)).join(' ');
    else err.hidden = true;
    const form = h('form', { class: 'question-form', novalidate: true },
      ctl.root,
      err,
      h('p', { class: 'settles', id: 'question-settles' }),
      h('p', { class: 'left', id: 'question-left' }),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary', text: t('answer') }),
        h('button', { type: 'button', class: 'secondary', text: t('skip_question'), onclick: () => this.skip(q) })));
    form.dataset.path = q.path;
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.answer(q, ctl.read());
    });
    replace(body, form);
    this.updateQuestionNote(q);
  }

  updateQuestionNote(q) {
    const settles = document.getElementById('question-settles');
    const left = document.getElementById('question-left');
    if (!q || !settles || !left) return;
    const asOf = this.result?.as_of;
    settles.textContent = t('question_settles', {
      list: q.benefits.map((b) => this.model.benefitName(b, asOf)).join(t('list_sep')),
    });
    const n = (this.result?.questions ?? []).filter((x) => !this.skipped.has(x.path)).length;
    left.textContent = t('question_n_left', { n });
  }

  focusQuestion() {
    requestAnimationFrame(() => (this.questionCtl?.focus ?? this.el.questionHeading).focus());
  }

  answer(q, raw) {
    if (String(raw).trim() === '') {
      const err = document.getElementById('question-error');
      if (err) {
        err.hidden = false;
        err.textContent = t('answer_required');
      }
      this.questionCtl?.focus.focus();
      return;
    }
    this.onValue(q.path, raw);
    const label = this.questionTitle(q);
    if (this.errors.length === 0) {
      const c = statusCounts(this.result);
      this.app.announce(`${t('answered', { label })} ${t('results_updated', { e: c.eligible, u: c.undetermined })}`);
    }
    this.focusQuestion();
  }

  skip(q) {
    this.skipped.add(q.path);
    this.renderQuestion();
    this.focusQuestion();
  }

  // ---- results -----------------------------------------------------------

  renderResults() {
    const { errors, summary, body, timing } = this.el;
    if (this.errors.length) {
      replace(errors,
        h('p', { text: t('fix_errors') }),
        h('ul', {}, this.errors.map((e) => h('li', {}, this.errorLink(e)))));
      errors.hidden = false;
    } else {
      replace(errors);
      errors.hidden = true;
    }
    if (!this.result) return;
    const open = new Set([...body.querySelectorAll('details[open]')].map((d) => d.dataset.key));
    const c = statusCounts(this.result);
    summary.textContent = t('results_summary', { e: c.eligible, u: c.undetermined, i: c.ineligible + c.not_in_effect });
    replace(body, renderResult(this.model, this.result, { mode: 'applicant', kase: this.case, open }));
    timing.textContent = t('eval_time', { ms: this.lastMs.toFixed(2) });
    if (!this.firstShown) {
      this.firstShown = true;
      performance.mark('huimin:first-result');
    }
  }

  /** An error, as a button that moves to the control it names. */
  errorLink(e) {
    const text = errorText(this.model, e, this.case);
    if (!e.path) return text;
    return h('button', {
      type: 'button', class: 'link', text,
      onclick: () => {
        const details = document.getElementById('all-answers');
        details.open = true;
        if (!this.fullFormDrawn) {
          this.renderFullForm();
          this.syncAll();
        }
        this.el.fullForm.querySelector(`[data-path="${e.path}"]`)?.focus();
      },
    });
  }
}
