// Reads what a caseworker pastes or uploads: one case (JSON), an array of
// cases (JSON), one case per line (JSONL), or CSV with one column per case
// path. Every case becomes one row, and a row that cannot be read carries
// its error: nothing is dropped. Page-level fields, removed before the
// engine sees the case: `case_id` (a name for the row) and `claimed`
// (claimed outcomes, `{ "pack.benefit": { "status", "amount" } }`).

import { t } from './i18n.js';
import { parseCsv } from './csv.js';
import { parsePath, setPath } from './paths.js';
import { toCaseValue } from './model.js';

export const MAX_BYTES = 20 * 1024 * 1024;

/**
 * @typedef {{row: number, line?: number, caseId: string|null, case: any|null,
 *            claimed: any|null, inputErrors: {code: string, message: string, path?: string}[]}} Row
 * @typedef {{rows: Row[], fileError: string|null, notes: string[], format: string}} Parsed
 */

/** Which format a text is, from the file name and then the content. */
export function detectFormat(text, name = '') {
  const ext = name.toLowerCase().split('.').pop();
  if (ext === 'csv') return 'csv';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'json') return 'json';
  const s = text.replace(/^\uFEFF/, '').trimStart();
  if (s.startsWith('[')) return 'json';
  if (s.startsWith('{')) {
    try {
      JSON.parse(s);
      return 'json';
    } catch {
      return s.trimEnd().includes('\n') ? 'jsonl' : 'json';
    }
  }
  return 'csv';
}

/** Whether text looks binary (NUL bytes or many control characters). */
export function looksBinary(text) {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, 4096);
  let bad = 0;
  for (const ch of sample) {
    const c = ch.charCodeAt(0);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) bad += 1;
  }
  return sample.length > 0 && bad / sample.length > 0.05;
}

function kindOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Splits a case object into the case, its row name and its claims. */
function fromObject(row, obj, line) {
  if (kindOf(obj) !== 'object') {
    return { row, line, caseId: null, case: null, claimed: null,
      inputErrors: [{ code: 'page.not_a_case', message: t('bad_case_shape', { what: kindOf(obj) }) }] };
  }
  const { case_id: caseId = null, claimed = null, ...kase } = obj;
  return { row, line, caseId: caseId === null ? null : String(caseId), case: kase, claimed, inputErrors: [] };
}

/**
 * Parses pasted or uploaded text.
 * @param {string} text
 * @param {'auto'|'json'|'jsonl'|'csv'} format
 * @param {{name?: string, model: import('./model.js').Model}} opts
 * @returns {Parsed}
 */
export function parseInput(text, format, { name = '', model }) {
  const out = { rows: [], fileError: null, notes: [], format };
  if (looksBinary(text)) {
    out.fileError = t('bad_file_binary', { name: name || '—' });
    return out;
  }
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') {
    out.fileError = t('bad_file_empty');
    return out;
  }
  const fmt = format === 'auto' ? detectFormat(body, name) : format;
  out.format = fmt;
  if (fmt === 'json') {
    let v;
    try {
      v = JSON.parse(body);
    } catch (e) {
      out.fileError = t('bad_json', { why: e.message });
      return out;
    }
    if (Array.isArray(v)) out.rows = v.map((item, i) => fromObject(i + 1, item));
    else if (kindOf(v) === 'object') out.rows = [fromObject(1, v)];
    else out.fileError = t('bad_json_shape', { what: kindOf(v) });
    return out;
  }
  if (fmt === 'jsonl') {
    const lines = body.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines.forEach((raw, i) => {
      const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const row = i + 1;
      if (lineText.trim() === '') {
        out.rows.push({ row, line: row, caseId: null, case: null, claimed: null,
          inputErrors: [{ code: 'input.empty_line', message: 'the line is empty' }] });
        return;
      }
      try {
        out.rows.push(fromObject(row, JSON.parse(lineText), row));
      } catch (e) {
        out.rows.push({ row, line: row, caseId: null, case: null, claimed: null,
          inputErrors: [{ code: 'page.bad_json', message: t('bad_jsonl_line', { line: row, why: e.message }) }] });
      }
    });
    return out;
  }
  return parseCsvCases(body, model, out);
}

/** CSV: a header of case paths, then one case per line. */
function parseCsvCases(text, model, out) {
  const { records, error } = parseCsv(text);
  if (error) {
    out.fileError = t('bad_csv_quote', { line: error.line });
    return out;
  }
  const nonBlank = records.filter((r) => !(r.cells.length === 1 && r.cells[0].trim() === ''));
  const [header, ...rows] = nonBlank;
  if (!header) {
    out.fileError = t('bad_file_empty');
    return out;
  }
  // Each column: the case id, a claim, or a case path.
  const columns = [];
  const unknown = [];
  for (const [i, rawName] of header.cells.entries()) {
    const name = rawName.trim();
    if (name === 'case_id') {
      columns.push({ kind: 'id' });
      continue;
    }
    if (name.startsWith('claimed.')) {
      const m = /^claimed\.(.+)\.(status|amount)$/.exec(name);
      if (!m) {
        out.fileError = t('bad_claim_column', { name });
        return out;
      }
      columns.push({ kind: 'claim', benefit: m[1], field: m[2] });
      continue;
    }
    const segs = parsePath(name);
    if (!segs) {
      out.fileError = t('bad_csv_header', { col: i + 1, name: name.length > 60 ? `${name.slice(0, 60)}…` : name });
      return out;
    }
    const fact = model.fact(name);
    if (!fact && name !== 'as_of') unknown.push(name);
    columns.push({ kind: 'fact', path: name, segs, fact });
  }
  if (unknown.length) out.notes.push(t('csv_unknown_columns', { list: unknown.join(', ') }));
  if (rows.length === 0) {
    out.fileError = t('bad_csv_no_rows');
    return out;
  }
  out.rows = rows.map((rec, i) => {
    const row = { row: i + 1, line: rec.line, caseId: null, case: null, claimed: null, inputErrors: [] };
    const idCol = columns.findIndex((c) => c.kind === 'id');
    if (idCol >= 0 && rec.cells[idCol]?.trim()) row.caseId = rec.cells[idCol].trim();
    if (rec.cells.length !== columns.length) {
      row.inputErrors.push({ code: 'page.csv_cells', message: t('bad_csv_cells', { got: rec.cells.length, want: columns.length }) });
      return row;
    }
    const kase = {};
    const claimed = {};
    rec.cells.forEach((cell, c) => {
      const col = columns[c];
      const text = cell.trim();
      if (text === '') return;
      if (col.kind === 'id') row.caseId = text;
      else if (col.kind === 'claim') {
        claimed[col.benefit] ??= {};
        claimed[col.benefit][col.field] = text;
      } else {
        const v = toCaseValue(col.fact, text);
        if (!('unknown' in v)) setPath(kase, col.segs, v.value);
      }
    });
    // A list with holes (members[0] empty, members[2] filled) keeps its
    // indexes: the hole becomes an empty record, which the engine reports.
    fillHoles(kase);
    row.case = kase;
    row.claimed = Object.keys(claimed).length ? claimed : null;
    return row;
  });
  return out;
}

function fillHoles(v) {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i += 1) {
      if (v[i] === undefined) v[i] = {};
      else fillHoles(v[i]);
    }
  } else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) fillHoles(v[k]);
  }
}
