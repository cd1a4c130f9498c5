// Starts the page: language, as-of date (today, from the page's clock),
// the engine, and the two views (applicant, caseworker) chosen by the
// address's fragment (#applicant, #caseworker).

import { HTML_LANG, LANGS, lang, setLang, t, translateStatic } from './i18n.js';
import { afterPaint } from './dom.js';
import { Model } from './model.js';
import { ApplicantView } from './applicant.js';
import { CaseworkerView } from './caseworker.js';

const $ = (id) => document.getElementById(id);

/** Today on the page's clock, as YYYY-MM-DD. */
function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function announce(msg) {
  const live = $('live');
  live.textContent = '';
  setTimeout(() => {
    live.textContent = msg;
  }, 50);
}

function applyLang(l) {
  setLang(l);
  document.documentElement.lang = HTML_LANG[l];
  document.title = t('title');
  translateStatic(document);
}

/** Makes the as-of field (a text field in index.html) a date field, once the
 *  first result has been painted: building the page's first date field takes
 *  Chromium about 60 ms of the main thread (measured side by side,
 *  docs/web-form.md, Loading), and the first result need not wait for it.
 *  Not while the field has focus: then when it loses it, after its `change`. */
function upgradeDateField(input) {
  const go = () => {
    if (document.activeElement === input) {
      input.addEventListener('blur', go, { once: true });
      return;
    }
    input.type = 'date';
    input.removeAttribute('pattern');
    input.removeAttribute('placeholder');
  };
  afterPaint(go);
}

/** The engine that js/start.js started loading (the head runs it first). */
function loadEngine() {
  return window.huiminEngine ?? Promise.reject(new Error('js/start.js did not run (it starts the engine)'));
}

function showView(focus) {
  const name = location.hash === '#caseworker' ? 'caseworker' : 'applicant';
  for (const v of ['applicant', 'caseworker']) {
    $(`view-${v}`).hidden = v !== name;
    const link = $(`nav-${v}`);
    if (v === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (focus) $(`${name}-h`).focus();
}

async function start() {
  performance.mark('huimin:page-start');
  const langSelect = $('lang');
  const asOf = $('as-of');
  applyLang(LANGS.includes(langSelect.value) ? langSelect.value : 'zh');
  asOf.value = today();
  let engine;
  try {
    engine = await loadEngine();
  } catch (e) {
    $('status').textContent = `${t('load_failed')}${e?.message ?? e}`;
    $('status').classList.add('error');
    return;
  }
  const model = new Model(engine.schema(), engine.programs());
  let applicant = null;
  const app = {
    engine,
    model,
    asOf: () => asOf.value || today(),
    lang,
    announce,
    applicantCase: () => ({ as_of: app.asOf(), ...structuredClone(applicant.case) }),
  };
  showView(false);
  applicant = new ApplicantView(app);
  applicant.mount();
  upgradeDateField(asOf);
  const caseworker = new CaseworkerView(app);
  $('basics-form').addEventListener('submit', (ev) => ev.preventDefault());
  $('packs-hash').textContent = engine.hash;
  $('status').hidden = true;
  $('status').textContent = t('ready');

  langSelect.addEventListener('change', () => {
    applyLang(langSelect.value);
    applicant.relabel();
    caseworker.relabel();
  });
  asOf.addEventListener('change', () => {
    if (!asOf.value) asOf.value = today();
    applicant.update();
    caseworker.relabel(); // cases without their own as_of use the page's date
  });
  window.addEventListener('hashchange', () => showView(true));
}

start();
