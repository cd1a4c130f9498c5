// The form model, read from `engine.schema()` and `engine.programs()`:
// which facts exist, their types, labels and constraints, how they group,
// and how a control's text becomes a case value. Nothing here names a
// particular fact: a fact added to a pack appears in the form as it is.

import { pick, t } from './i18n.js';
import { factPathOf, getPath, parsePath } from './paths.js';

/** Types whose answer is typed as text. */
const DECIMAL_TYPES = new Set(['money', 'decimal', 'ratio']);

export class Model {
  /**
   * @param {{facts: any[]}} schema what `engine.schema()` returns
   * @param {any[]} programs what `engine.programs()` returns
   */
  constructor(schema, programs) {
    /** Facts in form order. */
    this.facts = [...schema.facts].sort((a, b) => a.order - b.order);
    this.byPath = new Map(this.facts.map((f) => [f.path, f]));
    this.programs = programs;
    /** List facts with their record fields. */
    this.lists = this.facts
      .filter((f) => f.type === 'list')
      .map((list) => ({
        fact: list,
        fields: this.facts.filter((f) => isFieldOf(list.path, f.path)),
      }));
    for (const l of this.lists) {
      // The field that names each record (ask = false, unique): the page fills it.
      l.idField = l.fields.find((f) => f.unique && f.type === 'string' && !f.ask) ?? null;
      // The field that marks the one special record (`relation: self`).
      const one = l.fact.exactly_one;
      l.oneField = one ? l.fields.find((f) => f.path === `${l.fact.path}[].${one.field}`) ?? null : null;
      l.oneValue = one ? one.value : null;
    }
  }

  /** The declared fact of a case path (`household.members[2].x` works). */
  fact(path) {
    return this.byPath.get(factPathOf(path)) ?? null;
  }

  /** The list a record field belongs to. */
  listOf(factPath) {
    return this.lists.find((l) => isFieldOf(l.fact.path, factPath)) ?? null;
  }

  /** A fact's label in the current language. */
  label(fact) {
    return pick(fact.label) || fact.path;
  }

  /** A fact's help in the current language, or ''. */
  help(fact) {
    return pick(fact.help);
  }

  /** An enum value's label in the current language. */
  valueLabel(fact, value) {
    return pick(fact.value_labels?.[value]) || String(value);
  }

  /** A benefit's name (`pack.benefit`) in the current language on a date. */
  benefitName(key, asOf) {
    const [pid, bid] = key.includes('.') ? key.split('.') : [null, key];
    for (const p of this.programs) {
      if (pid && p.id !== pid) continue;
      const b = p.benefits.find((x) => x.id === bid);
      if (!b) continue;
      let name = b.names[0]?.name;
      for (const n of b.names) if (!n.from || !asOf || n.from <= asOf) name = n.name;
      return pick(name) || key;
    }
    return key;
  }

  /** A program's name in the current language. */
  programName(id) {
    const p = this.programs.find((x) => x.id === id);
    return p ? pick(p.name) : id;
  }

  /** Every benefit as `pack.benefit`, in pack order. */
  benefitKeys() {
    return this.programs.flatMap((p) => p.benefits.map((b) => `${p.id}.${b.id}`));
  }

  /**
   * Groups of the form: one per list (with its record fields) and one per
   * pack for the other facts, in form order.
   * @returns {{key: string, title: string, list?: any, facts: any[]}[]}
   */
  groups() {
    const groups = [];
    const byPack = new Map();
    for (const f of this.facts) {
      if (f.type === 'list') {
        groups.push({ key: f.path, list: this.lists.find((l) => l.fact === f), facts: [] });
        continue;
      }
      if (f.path.includes('[]')) continue;
      let g = byPack.get(f.pack);
      if (!g) {
        g = { key: `pack:${f.pack}`, pack: f.pack, facts: [] };
        byPack.set(f.pack, g);
        groups.push(g);
      }
      g.facts.push(f);
    }
    for (const g of groups) {
      g.title = g.list ? this.label(g.list.fact) : this.packTitle(g.pack);
    }
    return groups;
  }

  /** A pack's heading: its program name, or the page's word for a shared pack. */
  packTitle(pack) {
    const p = this.programs.find((x) => x.id === pack);
    if (p) return pick(p.name);
    const word = t(`pack_${pack}`);
    return word === `pack_${pack}` ? pack : word;
  }

  /**
   * Names a record of a list in a case: "Member 2 (Spouse)".
   * @param {any} list one of this.lists
   * @param {number} index
   * @param {any} kase
   */
  recordName(list, index, kase) {
    const n = index + 1;
    if (!list.oneField) return t('member_n', { n });
    const rel = getPath(kase, `${list.fact.path}[${index}].${lastSegment(list.oneField.path)}`);
    if (rel === undefined || rel === null || rel === '') return t('member_n', { n });
    if (rel === list.oneValue) return t('member_one', { n });
    return t('member_with', { n, rel: this.valueLabel(list.oneField, rel) });
  }

  /** A case path in words: "Member 2 (Spouse) · Monthly income". */
  describePath(path, kase) {
    const f = this.fact(path);
    const label = f ? this.label(f) : path;
    const segs = parsePath(path);
    if (!f || !segs) return label;
    const list = this.listOf(f.path);
    if (!list) return label;
    const idx = segs.find((s) => typeof s === 'number');
    if (idx === undefined) return label;
    return `${this.recordName(list, idx, kase)} · ${label}`;
  }
}

/** Whether `path` is a field of the list at `listPath` (one level deep). */
function isFieldOf(listPath, path) {
  const prefix = `${listPath}[].`;
  return path.startsWith(prefix) && !path.slice(prefix.length).includes('.');
}

/** The last segment of a dotted path. */
export function lastSegment(path) {
  return path.slice(path.lastIndexOf('.') + 1);
}

/**
 * The case value of a control's text, by the fact's type. Empty means
 * unknown (the field is left out). Text that does not fit the type is
 * passed on as text, so that the engine reports it with its path.
 * @returns {{unknown: true} | {value: unknown}}
 */
export function toCaseValue(fact, raw) {
  const s = typeof raw === 'string' ? raw.trim() : raw;
  if (s === '' || s === null || s === undefined) return { unknown: true };
  switch (fact?.type) {
    case 'bool': {
      const low = String(s).toLowerCase();
      if (low === 'true') return { value: true };
      if (low === 'false') return { value: false };
      return { value: s };
    }
    case 'integer':
      return /^[+-]?\d{1,15}$/.test(s) ? { value: Number(s) } : { value: s };
    default:
      return { value: s };
  }
}

/** The control text of a case value. */
export function toControlText(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Whether a fact's answer is typed as a decimal number. */
export function isDecimal(fact) {
  return DECIMAL_TYPES.has(fact.type);
}
