// CSV (RFC 4180): quoted cells, doubled quotes, CRLF or LF line ends, a
// leading byte-order mark. Reading keeps the line number of every record,
// so that each case row can name where it came from.

/**
 * Parses CSV text.
 * @param {string} text
 * @returns {{records: {line: number, cells: string[]}[], error: null | {line: number}}}
 */
export function parseCsv(text) {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records = [];
  let cells = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quoted = false;
  let quoteLine = 0;
  let any = false; // the record has content (so a last line without newline counts)
  while (i < src.length) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      if (ch === '\n') line += 1;
      cell += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
      any = true;
      i += 1;
      continue;
    }
    if (ch === ',') {
      cells.push(cell);
      cell = '';
      any = true;
      i += 1;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      cells.push(cell);
      records.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      any = false;
      if (ch === '\r' && src[i + 1] === '\n') i += 1;
      i += 1;
      line += 1;
      recordLine = line;
      continue;
    }
    cell += ch;
    any = true;
    i += 1;
  }
  if (quoted) return { records, error: { line: quoteLine } };
  if (any || cell !== '') {
    cells.push(cell);
    records.push({ line: recordLine, cells });
  }
  return { records, error: null };
}

/**
 * One CSV cell. Text that a spreadsheet would run as a formula (starting
 * with = + - @ or a tab) is prefixed with an apostrophe when `guard` is set.
 */
export function csvCell(value, guard = false) {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (guard && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV line (CRLF-terminated, as RFC 4180 has it). */
export function csvLine(cells, guards = []) {
  return `${cells.map((c, i) => csvCell(c, guards[i])).join(',')}\r\n`;
}
