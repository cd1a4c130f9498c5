// Renders a result (the engine's JSON) as DOM: per program, per benefit,
// status, amount, estimate mark and explanation. Two depths: `applicant`
// (plain language: why, what would change, the legal source) and
// `caseworker` (every condition, the values compared, every parameter
// version with confidence and source). Text goes in through textContent.

import { h } from './dom.js';
import { t } from './i18n.js';

const MARK = { eligible: '✓', ineligible: '✗', undetermined: '?', not_in_effect: '–' };
const OUTCOME_MARK = { pass: '✓', fail: '✗', unknown: '?' };

/** "790.00 元/月", "CNY 790.00 per month", "up to …". */
export function amountText(amount) {
  if (!amount) return '';
  const period = t(`period_${amount.period}`);
  return `${amount.up_to ? t('up_to') : ''}${t('currency_prefix')}${amount.value} ${period}`;
}

/** The status word. */
export function statusText(status) {
  return t(`status_${status}`);
}

/** A status badge: a mark and a word (never colour alone). */
export function statusBadge(status) {
  return h('span', { class: `badge badge-${status}` }, h('span', { 'aria-hidden': 'true', text: MARK[status] ?? '' }), ` ${statusText(status)}`);
}

/** Parameters below `confirmed` that a benefit's outcome used. */
export function estimateParams(benefit) {
  const e = benefit.explanation;
  if (!e) return [];
  const seen = new Map();
  const all = [...e.conditions.flatMap((c) => c.parameters), ...(e.amount?.parameters ?? [])];
  for (const p of all) {
    if (p.value !== null && p.confidence && p.confidence !== 'confirmed' && !seen.has(p.id)) seen.set(p.id, p);
  }
  return [...seen.values()];
}

/** One side of a comparison, as the CLI's text report writes it. */
function side(label, value, op) {
  if (value === label) return value;
  if (value === null || value === undefined) return op === 'in' ? label : `${label} = ${t('unknown_value')}`;
  return `${label} = ${value}`;
}

/** "label = value < label = value". */
export function comparisonText(c) {
  return `${side(c.left, c.actual, c.op)} ${c.op} ${side(c.right, c.threshold, c.op)}`;
}

/** A parameter version in words, with confidence and source. */
export function paramText(p) {
  if (p.value === null) return t('param_none', { label: `${p.label} (${p.id})`, on: p.on });
  return t('param_line', {
    label: `${p.label} (${p.id})`,
    value: p.value,
    unit: p.unit,
    from: p.from ?? '-',
    confidence: t(`confidence_${p.confidence}`),
    source: p.source ?? '-',
  });
}

function citeText(c) {
  return [c.title, c.article].filter(Boolean).join(' ');
}

function periodText(p) {
  const range = p.until ? t('from_until', { from: p.from, until: p.until }) : t('from_open', { from: p.from });
  return `${t('period_in_force')}${t('colon')}${range}${p.on ? t('tested_on', { on: p.on }) : ''}`;
}

/**
 * Renders a whole result.
 * @param {import('./model.js').Model} model
 * @param {any} result the engine's result value
 * @param {{mode: 'applicant'|'caseworker', kase: any, open?: Set<string>, checks?: any[]}} opts
 */
export function renderResult(model, result, opts) {
  const frag = document.createDocumentFragment();
  const checks = new Map((opts.checks ?? []).map((c) => [c.benefit, c]));
  const level = opts.mode === 'applicant' ? 3 : 4;
  for (const p of result.programs) {
    const section = h('section', { class: 'program', 'aria-labelledby': `prog-${opts.mode}-${p.id}` });
    section.dataset.program = p.id;
    if ('tier' in p) section.dataset.tier = p.tier ?? '';
    section.append(h(`h${level}`, { id: `prog-${opts.mode}-${p.id}`, text: p.name }));
    if ('tier' in p) {
      let tierText;
      if (p.tier) tierText = p.benefits.find((b) => b.id === p.tier)?.name ?? p.tier;
      else if (p.benefits.some((b) => b.status === 'undetermined')) tierText = t('tier_open');
      else tierText = t('tier_none');
      section.append(h('p', { class: 'tier' }, h('strong', { text: `${t('tier')}${t('colon')}` }), tierText));
    }
    const list = h('ul', { class: 'benefits' });
    for (const b of p.benefits) {
      const key = `${p.id}.${b.id}`;
      list.append(h('li', {}, renderBenefit(model, b, key, level + 1, opts, checks.get(key))));
    }
    section.append(list);
    frag.append(section);
  }
  return frag;
}

function renderBenefit(model, b, key, level, opts, check) {
  const full = opts.mode === 'caseworker';
  const headId = `b-${opts.mode}-${key.replace('.', '-')}`;
  const card = h('article', { class: `benefit status-${b.status}`, 'aria-labelledby': headId });
  card.dataset.benefit = key;
  card.dataset.status = b.status;
  card.append(h(`h${level}`, { id: headId, text: b.name }));
  const line = h('p', { class: 'status-line' }, statusBadge(b.status));
  if (b.amount) line.append(' ', h('span', { class: 'amount', text: amountText(b.amount) }));
  else if (b.status === 'eligible') line.append(' ', h('span', { class: 'amount unknown', text: t('amount_unknown') }));
  // An undecided outcome is not an estimate yet: the mark is for decided ones
  // (the caseworker view shows the engine's flag as it is).
  const showEstimate = b.estimate && (full || b.status === 'eligible' || b.status === 'ineligible');
  if (showEstimate) line.append(' ', h('span', { class: 'estimate-mark', text: t('estimate') }));
  card.append(line);
  if (check) card.append(renderCheck(check));
  const e = b.explanation;
  if (e) card.append(h('p', { class: 'summary', text: e.summary }));
  const est = estimateParams(b);
  if (showEstimate && est.length) {
    card.append(h('p', { class: 'estimate-note', text: t('estimate_note', {
      list: est.map((p) => `${p.label} ${p.value} (${t(`confidence_${p.confidence}`)})`).join(t('list_sep')),
    }) }));
  }
  if (b.missing.length) {
    const names = b.missing.map((m) => model.describePath(m, opts.kase));
    const shown = full ? names : names.slice(0, 3);
    const more = names.length - shown.length;
    card.append(h('p', { class: 'missing' }, h('strong', { text: t('needs_answers') }),
      shown.join(t('list_sep')) + (more > 0 ? t('and_more', { n: more }) : '')));
  }
  if (e && !full) {
    const changes = e.conditions.filter((c) => c.outcome === 'fail' && c.counterfactual).map((c) => c.counterfactual.text);
    if (b.status !== 'eligible' && changes.length) {
      card.append(h('div', { class: 'changes' },
        h('p', {}, h('strong', { text: t('what_would_change') })),
        h('ul', {}, changes.map((c) => h('li', { text: c })))));
    }
  }
  if (b.warnings.length) {
    card.append(h('ul', { class: 'warnings', 'aria-label': t('warnings') },
      b.warnings.map((w) => h('li', {}, h('span', { 'aria-hidden': 'true', text: '! ' }), w.message))));
  }
  if (e) {
    if (full) card.append(renderExplanationFull(e));
    else {
      // The explanation is drawn when first opened: most cards stay closed.
      const det = h('details', { class: 'why' });
      det.dataset.key = key;
      det.append(h('summary', { text: b.status === 'ineligible' ? t('why_not') : t('why') }));
      const fill = () => {
        if (det.dataset.filled) return;
        det.dataset.filled = 'true';
        det.append(renderExplanationPlain(e));
      };
      det.addEventListener('toggle', () => det.open && fill());
      if (opts.open?.has(key)) {
        fill();
        det.open = true;
      }
      card.append(det);
    }
  }
  return card;
}

function renderCheck(c) {
  const bad = c.status_agrees === false || c.amount_agrees === false;
  const parts = [];
  if (c.status_agrees !== null) {
    parts.push(c.status_agrees ? t('claim_status_ok')
      : t('claim_status_bad', { c: statusText(c.claimed_status), s: statusText(c.status) }));
  }
  if (c.amount_agrees !== null) {
    parts.push(c.amount_agrees ? t('claim_amount_ok')
      : t('claim_amount_bad', { c: c.claimed_amount ?? '-', s: c.amount ?? t('none') }));
  }
  return h('p', { class: bad ? 'claim mismatch' : 'claim agree' },
    h('span', { 'aria-hidden': 'true', text: bad ? '≠ ' : '= ' }), parts.join(t('list_sep')));
}

function renderExplanationPlain(e) {
  const box = h('div', { class: 'explanation' });
  const ul = h('ul', { class: 'conditions' });
  for (const c of e.conditions) {
    const li = h('li', { class: `cond cond-${c.outcome}` },
      h('span', { class: 'cond-mark', 'aria-hidden': 'true', text: OUTCOME_MARK[c.outcome] }),
      h('span', { class: 'visually-hidden', text: `${t(`outcome_${c.outcome}`)}${t('colon')}` }),
      c.text);
    for (const cmp of c.comparisons) li.append(h('span', { class: 'cmp', text: comparisonText(cmp) }));
    for (const d of c.depends_on) li.append(h('span', { class: 'cmp', text: `${d.name}${t('colon')}${statusText(d.status)}` }));
    if (c.counterfactual) li.append(h('span', { class: 'cf', text: `→ ${c.counterfactual.text}` }));
    const cite = citeText(c.legal_basis);
    if (cite) li.append(h('span', { class: 'cite', text: `${t('legal_basis')}${t('colon')}${cite}` }));
    ul.append(li);
  }
  box.append(ul);
  box.append(h('p', { class: 'cite' }, h('strong', { text: `${t('legal_basis')}${t('colon')}` }), citeText(e.legal_basis)));
  box.append(h('p', { class: 'period', text: periodText(e.period) }));
  for (const n of e.notes) box.append(h('p', { class: 'note', text: n }));
  return box;
}

function renderExplanationFull(e) {
  const box = h('div', { class: 'explanation full' });
  box.append(h('p', { class: 'cite' }, h('strong', { text: `${t('legal_basis')}${t('colon')}` }), citeText(e.legal_basis)));
  box.append(h('p', { class: 'period', text: periodText(e.period) }));
  const ol = h('ol', { class: 'conditions full' });
  for (const c of e.conditions) {
    const li = h('li', { class: `cond cond-${c.outcome}` });
    li.dataset.condition = c.id;
    li.append(h('p', { class: 'cond-head' },
      h('span', { class: 'cond-mark', 'aria-hidden': 'true', text: OUTCOME_MARK[c.outcome] }),
      h('strong', { text: `${t(`outcome_${c.outcome}`)}${t('colon')}` }), `${c.text} `,
      h('code', { text: `[${c.id}]` })));
    const dl = h('dl', { class: 'cond-data' });
    const row = (term, ...dd) => dl.append(h('dt', { text: term }), h('dd', {}, ...dd));
    if (c.rule) row(t('rule'), h('code', { text: c.rule }));
    if (c.comparisons.length) row(t('compared'), h('ul', {}, c.comparisons.map((x) => h('li', { text: comparisonText(x) }))));
    if (c.parameters.length) row(t('parameters'), h('ul', {}, c.parameters.map((x) => h('li', { text: paramText(x) }))));
    if (c.depends_on.length) {
      row(t('depends_on'), h('ul', {}, c.depends_on.map((d) => h('li', { text: `${d.name} (${d.benefit})${t('colon')}${statusText(d.status)}` }))));
    }
    if (c.missing.length) row(t('missing'), c.missing.join(', '));
    if (c.counterfactual) row(t('what_would_change'), c.counterfactual.text);
    const cite = citeText(c.legal_basis);
    if (cite) row(t('legal_basis'), cite);
    li.append(dl);
    ol.append(li);
  }
  box.append(h('p', {}, h('strong', { text: t('conditions') })), ol);
  if (e.amount) {
    const dl = h('dl', { class: 'amount-data' },
      h('dt', { text: t('formula') }), h('dd', {}, h('code', { text: e.amount.formula.trim() }), ` = ${e.amount.value ?? t('unknown_value')}`));
    if (e.amount.parameters.length) {
      dl.append(h('dt', { text: t('parameters') }), h('dd', {}, h('ul', {}, e.amount.parameters.map((x) => h('li', { text: paramText(x) })))));
    }
    box.append(h('p', {}, h('strong', { text: t('amount') })), dl);
  }
  if (e.notes.length) box.append(h('p', {}, h('strong', { text: t('notes') })), h('ul', { class: 'notes' }, e.notes.map((n) => h('li', { text: n }))));
  return box;
}

/** Counts of statuses over all benefits of a result. */
export function statusCounts(result) {
  const c = { eligible: 0, ineligible: 0, undetermined: 0, not_in_effect: 0 };
  for (const p of result.programs) for (const b of p.benefits) c[b.status] += 1;
  return c;
}

/** An engine error in words: "path: message" plus help. */
export function errorText(model, e, kase) {
  const where = e.path ? model.describePath(e.path, kase ?? {}) : '';
  const path = e.path ? `${where}${where !== e.path ? ` (${e.path})` : ''}` : '';
  const msg = path ? t('error_at', { path, message: e.message }) : e.message;
  return e.help ? `${msg} — ${t('help', { help: e.help })}` : msg;
}
