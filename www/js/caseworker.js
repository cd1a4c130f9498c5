// The caseworker view: paste or upload cases, see one row per case (errors
// per row, nothing dropped), open a case to its full explanation, compare
// claimed outcomes, export CSV and JSONL, and keep decision records that
// reproduce their result when loaded back.

import { download, h, replace } from './dom.js';
import { t } from './i18n.js';
import { csvLine } from './csv.js';
import { MAX_BYTES, parseInput } from './input.js';
import { errorText, amountText, renderResult, statusText } from './render.js';

const STATUSES = ['eligible', 'ineligible', 'undetermined', 'not_in_effect'];
const RECORD_FORMAT = 'huimin-decision-record';

export class CaseworkerView {
  /**
   * @param {{engine: any, model: import('./model.js').Model, asOf: () => string,
   *          lang: () => string, announce: (msg: string) => void,
   *          applicantCase: () => any}} app
   */
  constructor(app) {
    this.app = app;
    this.model = app.model;
    this.rows = [];
    this.openIndex = -1;
    const $ = (id) => document.getElementById(id);
    this.el = {
      form: $('cw-form'), text: $('cw-text'), file: $('cw-file'), format: $('cw-format'),
      useApplicant: $('cw-use-applicant'), record: $('cw-record'),
      message: $('cw-message'), notes: $('cw-notes'), summary: $('cw-summary'),
      exportCsv: $('cw-export-csv'), exportJsonl: $('cw-export-jsonl'),
      tableWrap: $('cw-table-wrap'), detail: $('cw-detail'),
    };
    this.el.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.run(this.el.text.value, this.el.format.value, '');
    });
    this.el.file.addEventListener('change', () => this.onFile());
    this.el.record.addEventListener('change', () => this.onRecordFile());
    this.el.useApplicant.addEventListener('click', () => {
      this.el.text.value = JSON.stringify(this.app.applicantCase(), null, 2);
      this.el.format.value = 'json';
      this.run(this.el.text.value, 'json', '');
    });
    this.el.exportCsv.addEventListener('click', () => this.exportCsv());
    this.el.exportJsonl.addEventListener('click', () => this.exportJsonl());
  }

  /** Re-draws in the current language. */
  relabel() {
    if (this.rows.length) {
      for (const r of this.rows) this.evaluateRow(r);
      this.renderTable();
      if (this.openIndex >= 0) this.openRow(this.openIndex, false);
    }
  }

  message(text, kind = 'error') {
    const m = this.el.message;
    if (!text) {
      replace(m);
      m.hidden = true;
      return;
    }
    m.hidden = false;
    m.className = `message ${kind}`;
    replace(m, h('p', { text }));
  }

  async readFile(file) {
    if (file.size > MAX_BYTES) {
      this.message(t('bad_file_too_big', { size: (file.size / 1048576).toFixed(1), max: MAX_BYTES / 1048576 }));
      return null;
    }
    const buf = new Uint8Array(await file.arrayBuffer());
    // Decoded strictly, so that a binary or wrongly encoded file is named as such.
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      this.message(t('bad_file_binary', { name: file.name }));
      return null;
    }
  }

  async onFile() {
    const file = this.el.file.files?.[0];
    if (!file) return;
    const text = await this.readFile(file);
    this.el.file.value = '';
    if (text === null) return;
    await this.run(text, this.el.format.value, file.name);
  }

  /** Parses and evaluates every case, then draws the table. */
  async run(text, format, name) {
    this.message(null);
    replace(this.el.notes);
    this.closeDetail(false);
    const parsed = parseInput(text, format, { name, model: this.model });
    if (parsed.fileError) {
      this.rows = [];
      this.renderTable();
      this.message(parsed.fileError);
      this.el.message.focus();
      return;
    }
    for (const n of parsed.notes) this.el.notes.append(h('p', { class: 'message note', text: n }));
    this.rows = parsed.rows;
    const n = this.rows.length;
    for (let i = 0; i < n; i += 1) {
      this.evaluateRow(this.rows[i]);
      if (i % 250 === 249 && i + 1 < n) {
        this.el.summary.textContent = t('cw_working', { done: i + 1, n });
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    this.renderTable();
    if (name) this.app.announce(t('file_loaded', { name }));
  }

  /** The case as evaluated: the page's as-of date when the case has none. */
  effectiveCase(row) {
    if (!row.case) return null;
    return 'as_of' in row.case ? row.case : { as_of: this.app.asOf(), ...row.case };
  }

  /** Evaluates one row (validating its claims when it has some). */
  evaluateRow(row, explain = false) {
    row.result = null;
    row.checks = null;
    row.errors = [...row.inputErrors];
    if (row.errors.length || !row.case) return null;
    const kase = this.effectiveCase(row);
    const opts = { lang: this.app.lang(), explain };
    let r;
    try {
      r = row.claimed ? this.app.engine.validate(kase, row.claimed, opts) : this.app.engine.evaluate(kase, opts);
    } catch (e) {
      // A value the package refuses outright (such as claims that are not JSON).
      r = { ok: false, errors: [{ code: 'page.bad_input', message: String(e?.message ?? e) }] };
    }
    if (!r.ok) {
      row.errors = r.errors;
      return null;
    }
    if (row.claimed) {
      row.result = r.value.result;
      row.checks = r.value.checks;
      row.agrees = r.value.agrees;
    } else {
      row.result = r.value;
    }
    return row.result;
  }

  mismatches(row) {
    return (row.checks ?? []).filter((c) => c.status_agrees === false || c.amount_agrees === false);
  }

  // ---- the table ---------------------------------------------------------

  renderTable() {
    const rows = this.rows;
    const errs = rows.filter((r) => r.errors.length).length;
    const mm = rows.filter((r) => this.mismatches(r).length).length;
    this.el.summary.textContent = rows.length
      ? t('cw_summary', { n: rows.length, ok: rows.length - errs, err: errs, mm }) : '';
    this.el.exportCsv.disabled = rows.length === 0;
    this.el.exportJsonl.disabled = rows.length === 0;
    if (!rows.length) {
      replace(this.el.tableWrap);
      this.el.tableWrap.hidden = true;
      return;
    }
    const tiered = this.model.programs.filter((p) => p.tiers.length);
    const head = h('tr', {},
      [t('col_row'), t('col_case'), t('col_as_of'), ...tiered.map((p) => `${t('col_tier')}: ${this.model.programName(p.id)}`),
        t('col_eligible'), t('col_undetermined'), t('col_claims')]
        .map((c) => h('th', { scope: 'col', text: c })));
    const body = h('tbody');
    const frag = document.createDocumentFragment();
    rows.forEach((row, i) => frag.append(this.tableRow(row, i, tiered)));
    body.append(frag);
    const table = h('table', { class: 'cases' },
      h('caption', { id: 'cw-caption', text: t('cw_table') }),
      h('thead', {}, head), body);
    this.el.tableWrap.hidden = false;
    replace(this.el.tableWrap, table);
  }

  tableRow(row, i, tiered) {
    const mm = this.mismatches(row);
    const tr = h('tr', { class: [row.errors.length ? 'row-error' : '', mm.length ? 'row-mismatch' : ''].join(' ').trim() || undefined });
    tr.dataset.row = String(row.row);
    const open = h('button', { type: 'button', class: 'link', 'aria-label': t('open_case', { n: row.row }), text: String(row.row) });
    open.addEventListener('click', () => this.openRow(i));
    const r = row.result;
    const cells = [
      h('th', { scope: 'row' }, open),
      h('td', { text: row.caseId ?? '' }),
      h('td', { class: 'date', text: r?.as_of ?? row.case?.as_of ?? '' }),
    ];
    if (row.errors.length) {
      // The errors take the place of the result.
      cells.push(h('td', { class: 'errors', colspan: String(tiered.length + 2) },
        h('strong', { text: t('row_error', { n: row.errors.length }) }),
        h('ul', { class: 'plain' }, row.errors.map((e) => h('li', { text: `${errorText(this.model, e, row.case)} [${e.code}]` })))));
      cells.push(h('td', { text: t('claims_none') }));
      tr.append(...cells);
      return tr;
    }
    for (const p of tiered) {
      const prog = r?.programs.find((x) => x.id === p.id);
      let text = '';
      if (prog) text = prog.tier ? (prog.benefits.find((b) => b.id === prog.tier)?.name ?? prog.tier) : (prog.benefits.some((b) => b.status === 'undetermined') ? t('tier_open') : t('tier_none'));
      cells.push(h('td', { text }));
    }
    if (r) {
      const eligible = r.programs.flatMap((p) => p.benefits.filter((b) => b.status === 'eligible')
        .map((b) => (b.amount ? `${b.name} ${amountText(b.amount)}` : `${b.name} (${t('amount_unknown')})`)));
      cells.push(h('td', { class: 'eligible' }, eligible.length ? h('ul', { class: 'plain' }, eligible.map((e) => h('li', { text: e }))) : t('none')));
      cells.push(h('td', { class: 'num', text: String(r.programs.reduce((n, p) => n + p.benefits.filter((b) => b.status === 'undetermined').length, 0)) }));
    } else {
      cells.push(h('td'), h('td'));
    }
    if (!row.checks) cells.push(h('td', { text: t('claims_none') }));
    else if (mm.length) {
      cells.push(h('td', { class: 'mismatch' }, h('strong', { text: `≠ ${t('claims_mismatch', { n: mm.length })}` }),
        h('ul', { class: 'plain' }, mm.map((c) => h('li', { text: this.checkText(c) })))));
    } else cells.push(h('td', { class: 'agree', text: `= ${t('claims_agree')}` }));
    tr.append(...cells);
    return tr;
  }

  checkText(c) {
    const name = this.model.benefitName(c.benefit);
    const parts = [];
    if (c.status_agrees === false) parts.push(t('claim_status_bad', { c: statusText(c.claimed_status), s: statusText(c.status) }));
    if (c.amount_agrees === false) parts.push(t('claim_amount_bad', { c: c.claimed_amount ?? '-', s: c.amount ?? t('none') }));
    return `${name}${t('colon')}${parts.join(t('list_sep'))}`;
  }

  // ---- one case ----------------------------------------------------------

  closeDetail(focus = true) {
    const wasOpen = this.openIndex;
    this.openIndex = -1;
    this.el.detail.hidden = true;
    replace(this.el.detail);
    if (focus && wasOpen >= 0) {
      this.el.tableWrap.querySelector(`tr[data-row="${this.rows[wasOpen]?.row}"] button`)?.focus();
    }
  }

  /** Opens a row to its full explanation. */
  openRow(i, focus = true) {
    const row = this.rows[i];
    if (!row) return;
    this.openIndex = i;
    const result = this.evaluateRow(row, true);
    const d = this.el.detail;
    const heading = h('h3', { id: 'cw-detail-h', tabindex: '-1', text: t('detail_heading', { n: row.row }) + (row.caseId ? ` · ${row.caseId}` : '') });
    const parts = [heading,
      h('button', { type: 'button', class: 'secondary', text: t('detail_close'), onclick: () => this.closeDetail() })];
    if (row.errors.length) {
      parts.push(h('div', { class: 'message error' },
        h('p', { text: t('row_error', { n: row.errors.length }) }),
        h('ul', {}, row.errors.map((e) => h('li', { text: `${errorText(this.model, e, row.case)} [${e.code}]` })))));
    }
    if (result) {
      parts.push(h('p', { class: 'meta' }, `${t('col_as_of')}${t('colon')}${result.as_of} · ${t('detail_hash')}${t('colon')}`,
        h('code', { class: 'hash', text: result.rules.hash })));
      parts.push(h('div', { class: 'detail-result' }, renderResult(this.model, result, { mode: 'caseworker', kase: row.case, checks: row.checks ?? [] })));
      parts.push(this.claimsForm(row, i));
      parts.push(h('p', {}, h('button', { type: 'button', class: 'primary', text: t('record_download'), onclick: () => this.downloadRecord(row) })));
    }
    if (row.case) {
      parts.push(h('details', { class: 'case-json' }, h('summary', { text: t('detail_case') }),
        h('pre', { text: JSON.stringify(this.effectiveCase(row), null, 2) })));
    }
    replace(d, parts);
    d.hidden = false;
    if (focus) heading.focus();
  }

  claimsForm(row, i) {
    const checks = new Map((row.checks ?? []).map((c) => [c.benefit, c]));
    const table = h('table', { class: 'claims' });
    const body = h('tbody');
    for (const key of this.model.benefitKeys()) {
      const name = this.model.benefitName(key, row.result?.as_of);
      const claim = claimFor(row.claimed, key) ?? {};
      const idBase = `claim-${key.replace('.', '-')}`;
      const status = h('select', { id: `${idBase}-status`, 'aria-label': t('claimed_status', { b: name }) },
        h('option', { value: '', text: t('claims_none') }),
        STATUSES.map((s) => h('option', { value: s, text: statusText(s), selected: claim.status === s })));
      const amount = h('input', { id: `${idBase}-amount`, type: 'text', inputmode: 'decimal', autocomplete: 'off',
        'aria-label': t('claimed_amount', { b: name }), value: claim.amount ?? '' });
      status.dataset.claim = key;
      amount.dataset.claim = key;
      const c = checks.get(key);
      const bad = c && (c.status_agrees === false || c.amount_agrees === false);
      const prog = row.result?.programs.find((p) => key.startsWith(`${p.id}.`));
      const computed = prog?.benefits.find((b) => `${prog.id}.${b.id}` === key);
      body.append(h('tr', { class: bad ? 'mismatch' : c ? 'agree' : undefined },
        h('th', { scope: 'row', text: name }),
        h('td', {}, status),
        h('td', {}, amount),
        h('td', { text: computed ? `${statusText(computed.status)}${computed.amount ? ` ${amountText(computed.amount)}` : ''}` : '' }),
        h('td', { text: c ? (bad ? `≠ ${this.checkText(c)}` : `= ${t('claims_agree')}`) : '' })));
    }
    table.append(h('thead', {}, h('tr', {}, [t('col_benefit'), t('col_claimed_status'), t('col_claimed_amount'), t('col_computed'), t('col_claims')]
      .map((x) => h('th', { scope: 'col', text: x })))), body);
    const mm = this.mismatches(row).length;
    const verdict = row.checks
      ? h('p', { class: mm ? 'message error' : 'message ok', role: 'status', text: mm ? t('claims_some_disagree', { n: mm }) : t('claims_all_agree') })
      : null;
    const form = h('form', { class: 'claims-form', novalidate: true, 'aria-labelledby': 'cw-claims-h' },
      h('h4', { id: 'cw-claims-h', text: t('claims_heading') }),
      h('p', { class: 'help', text: t('claims_intro') }),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'cw-claims-h' }, table),
      verdict,
      h('button', { type: 'submit', class: 'primary', text: t('claims_check') }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const claimed = {};
      for (const el of form.querySelectorAll('[data-claim]')) {
        const v = el.value.trim();
        if (!v) continue;
        claimed[el.dataset.claim] ??= {};
        claimed[el.dataset.claim][el.tagName === 'SELECT' ? 'status' : 'amount'] = v;
      }
      row.claimed = Object.keys(claimed).length ? claimed : null;
      this.evaluateRow(row);
      this.renderTable();
      this.openRow(i, false);
      this.el.detail.querySelector('.claims-form [role="status"]')?.focus?.();
      document.getElementById('cw-claims-h')?.scrollIntoView({ block: 'start' });
    });
    return form;
  }

  // ---- export ------------------------------------------------------------

  exportCsv() {
    const tiered = this.model.programs.filter((p) => p.tiers.length);
    const keys = this.model.benefitKeys();
    const header = ['row', 'line', 'case_id', 'as_of', 'ok', 'errors',
      ...tiered.map((p) => `${p.id}.tier`),
      ...keys.flatMap((k) => [`${k}.status`, `${k}.amount`, `${k}.period`, `${k}.estimate`]),
      'claims_agree', 'mismatches'];
    const guards = header.map((c) => c === 'case_id' || c === 'errors' || c === 'mismatches');
    let out = `\uFEFF${csvLine(header)}`;
    for (const row of this.rows) {
      const r = row.result;
      const cells = [row.row, row.line ?? '', row.caseId ?? '', r?.as_of ?? row.case?.as_of ?? '', r ? 'true' : 'false',
        row.errors.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message} [${e.code}]`).join('; ')];
      for (const p of tiered) {
        const prog = r?.programs.find((x) => x.id === p.id);
        cells.push(prog ? (prog.tier ?? '') : '');
      }
      for (const k of keys) {
        const prog = r?.programs.find((p) => k.startsWith(`${p.id}.`));
        const b = prog?.benefits.find((x) => `${prog.id}.${x.id}` === k);
        cells.push(b?.status ?? '', b?.amount?.value ?? '', b?.amount?.period ?? '', b ? String(b.estimate) : '');
      }
      cells.push(row.checks ? String(this.mismatches(row).length === 0) : '', this.mismatches(row).map((c) => this.checkText(c)).join('; '));
      out += csvLine(cells, guards);
    }
    const name = 'huimin-results.csv';
    download(name, out, 'text/csv;charset=utf-8');
    this.app.announce(t('download_done', { name }));
  }

  exportJsonl() {
    let out = '';
    for (const row of this.rows) {
      const line = { row: row.row, case_id: row.caseId };
      if (row.result) {
        line.ok = true;
        line.value = row.result;
        if (row.checks) line.claims = { agrees: this.mismatches(row).length === 0, checks: row.checks };
      } else {
        line.ok = false;
        line.errors = row.errors;
      }
      out += `${JSON.stringify(line)}\n`;
    }
    const name = 'huimin-results.jsonl';
    download(name, out, 'application/x-ndjson');
    this.app.announce(t('download_done', { name }));
  }

  // ---- decision records --------------------------------------------------

  downloadRecord(row) {
    const kase = this.effectiveCase(row);
    const options = { lang: this.app.lang(), explain: true };
    const r = this.app.engine.evaluate(kase, options);
    if (!r.ok) return;
    const record = {
      format: RECORD_FORMAT,
      version: 1,
      created: new Date().toISOString(),
      rules: r.value.rules,
      options,
      case_id: row.caseId,
      case: kase,
      claimed: row.claimed,
      result: r.value,
    };
    if (row.checks) record.checks = row.checks;
    const safe = (row.caseId ?? `row${row.row}`).replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
    const name = `huimin-decision-${safe}-${kase.as_of}.json`;
    download(name, `${JSON.stringify(record, null, 2)}\n`, 'application/json');
    this.app.announce(t('download_done', { name }));
  }

  async onRecordFile() {
    const file = this.el.record.files?.[0];
    if (!file) return;
    const text = await this.readFile(file);
    this.el.record.value = '';
    if (text === null) return;
    this.loadRecord(text);
  }

  /** Loads a decision record, recomputes it and says whether it reproduces. */
  loadRecord(text) {
    let rec;
    try {
      rec = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (e) {
      this.message(t('record_bad', { why: t('bad_json', { why: e.message }) }));
      this.el.message.focus();
      return;
    }
    const why = recordProblem(rec);
    if (why) {
      this.message(t('record_bad', { why }));
      this.el.message.focus();
      return;
    }
    // Only the options the record may carry; anything else would be refused.
    const options = { explain: rec.options.explain !== false };
    if (['zh', 'en', 'ja'].includes(rec.options.lang)) options.lang = rec.options.lang;
    let r;
    try {
      r = this.app.engine.evaluate(rec.case, options);
    } catch (e) {
      r = { ok: false, errors: [{ code: 'page.bad_input', message: String(e?.message ?? e) }] };
    }
    const problems = [];
    if (rec.rules.hash !== this.app.engine.hash) problems.push(t('record_hash_differs', { a: rec.rules.hash, b: this.app.engine.hash }));
    if (!r.ok) {
      problems.push(t('record_result_differs', { list: r.errors.map((e) => errorText(this.model, e, rec.case)).join('; ') }));
    } else if (JSON.stringify(r.value) !== JSON.stringify(rec.result)) {
      problems.push(t('record_result_differs', { list: resultDiff(rec.result, r.value).join('; ') }));
    }
    const { case: kase, claimed = null, case_id: caseId = null } = rec;
    this.rows = [{ row: 1, line: 1, caseId, case: kase, claimed, inputErrors: [] }];
    this.evaluateRow(this.rows[0]);
    this.renderTable();
    this.openRow(0, false);
    if (problems.length) this.message(problems.join(' '), 'error');
    else this.message(t('record_ok'), 'ok');
    this.el.message.focus();
  }
}

function claimFor(claimed, key) {
  if (!claimed) return null;
  return claimed[key] ?? claimed[key.split('.')[1]] ?? null;
}

/** What is wrong with a decision record's shape, or null. */
function recordProblem(rec) {
  if (!rec || typeof rec !== 'object' || Array.isArray(rec)) return 'not an object';
  if (rec.format !== RECORD_FORMAT) return `format is not "${RECORD_FORMAT}"`;
  if (!rec.case || typeof rec.case !== 'object' || Array.isArray(rec.case)) return 'no "case" object';
  if (!rec.result || typeof rec.result !== 'object') return 'no "result" object';
  if (typeof rec.rules?.hash !== 'string') return 'no "rules.hash"';
  if (!rec.options || typeof rec.options !== 'object') return 'no "options" object';
  return null;
}

/** Which benefits differ between two results (status or amount), or the first other difference. */
function resultDiff(a, b) {
  const out = [];
  if (a.as_of !== b.as_of) out.push(`as_of ${a.as_of} ≠ ${b.as_of}`);
  for (const p of b.programs ?? []) {
    const pa = (a.programs ?? []).find((x) => x.id === p.id);
    for (const bb of p.benefits) {
      const ba = pa?.benefits.find((x) => x.id === bb.id);
      const sa = ba ? `${ba.status} ${ba.amount?.value ?? ''}`.trim() : 'missing';
      const sb = `${bb.status} ${bb.amount?.value ?? ''}`.trim();
      if (sa !== sb) out.push(`${p.id}.${bb.id}: ${sa} → ${sb}`);
    }
  }
  if (!out.length) out.push('explanations differ');
  return out;
}
