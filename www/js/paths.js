// Case-file paths: `household.members[1].monthly_income` <-> segments,
// and reading, writing and removing values in a case object.

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses a case path into segments (strings for object keys, numbers for
 * list indexes). Returns null when the text is not a path.
 * @param {string} path
 * @returns {(string|number)[] | null}
 */
export function parsePath(path) {
  if (typeof path !== 'string' || path === '') return null;
  const out = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]+)((?:\[\d{1,4}\])*)$/.exec(part);
    if (!m || !SEGMENT.test(m[1])) return null;
    out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** `household.members[1].x` -> `household.members[].x` (the declared fact path). */
export function factPathOf(path) {
  return path.replace(/\[\d+\]/g, '[]');
}

/** Joins segments back into a path. */
export function joinPath(segments) {
  let s = '';
  for (const seg of segments) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else s += s === '' ? seg : `.${seg}`;
  }
  return s;
}

/** Reads a value; undefined when absent. */
export function getPath(obj, path) {
  const segs = typeof path === 'string' ? parsePath(path) : path;
  if (!segs) return undefined;
  let cur = obj;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[s];
  }
  return cur;
}

/** Writes a value, creating objects and lists on the way. */
export function setPath(obj, path, value) {
  const segs = typeof path === 'string' ? parsePath(path) : path;
  if (!segs || segs.length === 0) return;
  let cur = obj;
  for (let i = 0; i < segs.length - 1; i += 1) {
    const s = segs[i];
    const next = segs[i + 1];
    if (cur[s] === null || typeof cur[s] !== 'object') cur[s] = typeof next === 'number' ? [] : {};
    cur = cur[s];
  }
  cur[segs[segs.length - 1]] = value;
}

/**
 * Removes a value, then removes objects left empty on the way up (list
 * records are kept: removing a field never removes a household member).
 */
export function deletePath(obj, path) {
  const segs = typeof path === 'string' ? parsePath(path) : path;
  if (!segs || segs.length === 0) return;
  const trail = [obj];
  let cur = obj;
  for (let i = 0; i < segs.length - 1; i += 1) {
    cur = cur?.[segs[i]];
    if (cur === null || typeof cur !== 'object') return;
    trail.push(cur);
  }
  delete cur[segs[segs.length - 1]];
  for (let i = segs.length - 1; i > 0; i -= 1) {
    const node = trail[i];
    const parent = trail[i - 1];
    if (Array.isArray(node) || Array.isArray(parent)) break;
    if (Object.keys(node).length === 0) delete parent[segs[i - 1]];
    else break;
  }
}

/** A deep copy of plain JSON data. */
export function clone(v) {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}
