// Type-checked by types.test.mjs (tsc --noEmit, strict): the declarations
// cover the whole API, and misuse is a type error.
import init, { Engine, initSync } from 'huimin';
import type { BenefitResult, Case, Diagnostic, Envelope, Explanation, ProgramResult, Result, TestReport, Validation } from 'huimin';

await init();
initSync();
const engine: Engine = Engine.withDefaultPacks();
const hash: string = engine.hash;

const c: Case = { as_of: '2025-03-01', household: { members: [{ id: 'self', relation: 'self', monthly_income: '1000' }] } };
const r: Envelope<Result> = engine.evaluate(c, { lang: 'en', explain: true, asOf: '2025-03-01' });
if (r.ok) {
  const p: ProgramResult | undefined = r.value.programs[0];
  const b: BenefitResult | undefined = p?.benefits[0];
  const status: 'eligible' | 'ineligible' | 'undetermined' | 'not_in_effect' | undefined = b?.status;
  const e: Explanation | null | undefined = b?.explanation;
  const amount: string | undefined = b?.amount?.value;
  const firstOutcome: 'pass' | 'fail' | 'unknown' | undefined = e?.conditions[0]?.outcome;
  console.log(status, amount, firstOutcome, r.value.questions[0]?.path);
} else {
  const d: Diagnostic | undefined = r.errors[0];
  console.log(d?.code, d?.span?.utf16_start, d?.span?.line, d?.path);
}
const lines: string = engine.evaluateBatch('{}\n', { lang: 'ja' });
const v: Envelope<Validation> = engine.validate(c, { 'social_assistance.dibao': { status: 'eligible', amount: '790.00' } });
const t: TestReport = engine.runTests();
const tiers: string[] = engine.programs()[0]?.tiers ?? [];
const facts = engine.schema().facts.map((f) => [f.path, f.type, f.label.zh] as const);
const loaded = Engine.fromPacks({ 'a.toml': '' });
if (loaded.ok) loaded.value.free();
console.log(hash, lines, v.ok, t.passed, tiers, facts);

// @ts-expect-error a number is not a case
engine.evaluate(42);
// @ts-expect-error unknown option
engine.evaluate(c, { language: 'en' });
// @ts-expect-error not a language
engine.evaluate(c, { lang: 'fr' });
// @ts-expect-error pack texts are strings
Engine.fromPacks({ 'a.toml': 1 });
// @ts-expect-error the constructor is private
new Engine();
