// Type declarations of the `huimin` package: the Engine API and every shape it
// returns. The result shapes are those of the command line's JSON
// (src/api.rs; the contract is shared/policy/case-format.md).

// ---- values ------------------------------------------------------------------

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A text in the three languages. */
export interface Text {
  zh: string;
  en: string;
  ja: string;
}

/** Language of labels and explanations. */
export type Lang = 'zh' | 'en' | 'ja';

/**
 * A case file: `as_of` plus the facts the packs declare (`household`,
 * `retrofit`, `business`, …; see `engine.schema()`). A field left out or
 * `null` is unknown.
 */
export interface Case {
  as_of?: string;
  [fact: string]: JsonValue | undefined;
}

/** Options of `evaluate`, `evaluateBatch` and `validate`. */
export interface EvaluateOptions {
  /** Assess as of this date (`YYYY-MM-DD`) instead of the case's `as_of`. */
  asOf?: string | null;
  /** Same as `asOf`. */
  as_of?: string | null;
  /** Language of names and explanations (default `zh`). */
  lang?: Lang | null;
  /** Build explanations (default: on for `evaluate` and `validate`, off for `evaluateBatch`). */
  explain?: boolean | null;
}

/** User mistakes come back as values: `{ ok: false, errors }`. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; errors: Diagnostic[] };

// ---- diagnostics -------------------------------------------------------------

/** Where a diagnostic points in a rule-pack file. */
export interface SourceSpan {
  /** Byte offsets (UTF-8). */
  start: number;
  end: number;
  /** UTF-16 offsets: index JavaScript strings with these. */
  utf16_start: number;
  utf16_end: number;
  /** 1-based line of the start. */
  line: number;
  /** 1-based column of the start, in characters. */
  column: number;
}

/** A user-facing error. */
export interface Diagnostic {
  /** Stable code, such as `input.unknown_field` or `check.unknown_name`. */
  code: string;
  /** One lowercase sentence. */
  message: string;
  /** How to fix it. */
  help?: string;
  /** The rule-pack file, for pack errors. */
  file?: string;
  /** The case-file path, for input errors (`household.members[1].birth_date`). */
  path?: string;
  /** Where in the file. */
  span?: SourceSpan;
}

// ---- results -----------------------------------------------------------------

/** A benefit's status. */
export type Status = 'eligible' | 'ineligible' | 'undetermined' | 'not_in_effect';

/** A condition's three-valued outcome. */
export type Truth = 'pass' | 'fail' | 'unknown';

/** How often an amount is paid. */
export type Period = 'once' | 'month' | 'year';

/** The type of a declared fact. */
export type FactType = 'bool' | 'integer' | 'decimal' | 'ratio' | 'money' | 'date' | 'enum' | 'string' | 'list';

/** The result of one case. */
export interface Result {
  /** The date assessed for. */
  as_of: string;
  /** The packs used. */
  rules: RulesInfo;
  /** Programs in pack order. */
  programs: ProgramResult[];
  /** Unknown facts worth asking next, most decisive first. */
  questions: Question[];
}

/** The packs a result was computed with. */
export interface RulesInfo {
  /** Content hash of all pack files (`sha256:…`). */
  hash: string;
  packs: PackInfo[];
}

/** A pack id and version. */
export interface PackInfo {
  id: string;
  version: string;
}

/** One program's result. */
export interface ProgramResult {
  id: string;
  name: string;
  /** Tiered programs only: the tier reached, or null (none, or undetermined). */
  tier?: string | null;
  benefits: BenefitResult[];
}

/** One benefit's result. */
export interface BenefitResult {
  id: string;
  /** The name in force on the as-of date. */
  name: string;
  status: Status;
  /** Present when eligible and the amount is known. */
  amount: Amount | null;
  /** The outcome depends on a parameter value tagged below `confirmed`. */
  estimate: boolean;
  /** Why; null when explanations are off. */
  explanation: Explanation | null;
  /** Fact paths that would settle an undetermined outcome. */
  missing: string[];
  warnings: Warning[];
}

/** An amount. */
export interface Amount {
  /** Decimal string with exactly two decimals. */
  value: string;
  period: Period;
  /** Present (true) when the amount is a maximum. */
  up_to?: boolean;
}

/** A warning on a benefit. */
export interface Warning {
  /** `parameter_unconfigured`, `amount_unknown`, `stale_parameter`, … */
  code: string;
  message: string;
  /** The parameter concerned. */
  parameter?: string;
}

/** A question worth asking next. */
export interface Question {
  /** Case-file path (`household.members[0].monthly_income`). */
  path: string;
  /** Declared fact path (`household.members[].monthly_income`). */
  fact: string;
  /** Record index, for list fields. */
  record?: number;
  label: string;
  type: FactType;
  /** Benefits it can settle (`pack.benefit`). */
  benefits: string[];
}

// ---- explanations ------------------------------------------------------------

/** Why a benefit came out as it did. */
export interface Explanation {
  summary: string;
  legal_basis: Cite;
  period: PeriodExplanation;
  conditions: ConditionExplanation[];
  amount?: AmountExplanation;
  notes: string[];
}

/** A cited legal source. */
export interface Cite {
  document: string;
  title: string;
  article: string;
}

/** The benefit's effective period and the date it was assessed on. */
export interface PeriodExplanation {
  from: string;
  until: string | null;
  on: string | null;
}

/** One condition. */
export interface ConditionExplanation {
  id: string;
  outcome: Truth;
  /** Plain words. */
  text: string;
  /** The rule as written in the pack. */
  rule: string;
  legal_basis: Cite;
  /** The values compared. */
  comparisons: Comparison[];
  /** The parameter versions used. */
  parameters: ParamUse[];
  /** Other benefits it depends on. */
  depends_on: Dependency[];
  /** Fact paths that would settle it. */
  missing: string[];
  /** What would change a failed numeric comparison. */
  counterfactual?: Counterfactual;
}

/** Two values compared. */
export interface Comparison {
  left: string;
  actual: string | null;
  op: string;
  right: string;
  threshold: string | null;
}

/** A parameter version used. */
export interface ParamUse {
  id: string;
  label: string;
  /** The date it was looked up for. */
  on: string;
  value: string | null;
  unit: string;
  /** The date this version took effect. */
  from: string | null;
  confidence: string | null;
  source: string | null;
}

/** Another benefit a condition depends on. */
export interface Dependency {
  /** `pack.benefit`. */
  benefit: string;
  name: string;
  status: Status;
}

/** "Eligible if … were below …". */
export interface Counterfactual {
  subject: string;
  op: string;
  threshold: string;
  actual: string;
  text: string;
}

/** How the amount was computed. */
export interface AmountExplanation {
  formula: string;
  value: string | null;
  parameters: ParamUse[];
}

// ---- validate ----------------------------------------------------------------

/** A claimed outcome of one benefit. */
export interface Claim {
  status?: Status | null;
  amount?: string | null;
}

/** Claimed outcomes by benefit (`pack.benefit`, or the benefit id alone). */
export type Claims = { [benefit: string]: Claim };

/** How one claim compares with the computed outcome. */
export interface ClaimCheck {
  /** `pack.benefit`. */
  benefit: string;
  claimed_status: Status | null;
  status: Status;
  /** Null when no status was claimed. */
  status_agrees: boolean | null;
  claimed_amount: string | null;
  amount: string | null;
  /** Null when no amount was claimed. */
  amount_agrees: boolean | null;
}

/** The result of validating an application. */
export interface Validation {
  /** Every claim agrees with the computed result. */
  agrees: boolean;
  checks: ClaimCheck[];
  result: Result;
}

// ---- describing the packs ----------------------------------------------------

/** The declared facts. */
export interface Schema {
  /** A JSON Schema of the case file, with labels in `x-label`. */
  jsonSchema: JsonSchema;
  /** Every declared fact, in form order. */
  facts: FactInfo[];
}

/** The subset of JSON Schema that `schema()` produces. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: (string | null)[];
  minimum?: number;
  maximum?: number;
  properties?: { [name: string]: JsonSchema };
  items?: JsonSchema;
  additionalProperties?: boolean;
  title?: string;
  'x-label'?: Text;
}

/** One declared fact. */
export interface FactInfo {
  /** `household.members[].birth_date`. */
  path: string;
  type: FactType;
  /** The pack that declares it. */
  pack: string | null;
  label: Text;
  help: Text | null;
  /** Whether a form may ask for it. */
  ask: boolean;
  /** Form order. */
  order: number;
  /** Enums: the values. */
  values?: string[];
  /** Enums: the values' labels. */
  value_labels?: { [value: string]: Text };
  min?: string;
  max?: string;
  not_after_as_of?: boolean;
  unique?: boolean;
  /** Lists: exactly one record has `field` equal to `value`. */
  exactly_one?: { field: string; value: string };
}

/** A program and its benefits. */
export interface Program {
  id: string;
  version: string;
  name: Text;
  /** Tiered programs: benefit ids, highest tier first. */
  tiers: string[];
  benefits: ProgramBenefit[];
}

/** A benefit as declared. */
export interface ProgramBenefit {
  id: string;
  /** Names, each from a date (null: from the start). */
  names: { from: string | null; name: Text }[];
  period: Period | null;
  effective: { from: string; until: string | null };
  legal_basis: { document: string; title: Text; article: string };
  conditions: { id: string; text: Text }[];
}

// ---- the packs' own tests ----------------------------------------------------

/** All tests' outcomes. */
export interface TestReport {
  passed: number;
  failed: number;
  tests: TestOutcome[];
  coverage: PackCoverage[];
}

/** One test case's outcome. */
export interface TestOutcome {
  pack: string;
  name: string;
  passed: boolean;
  /** What did not hold: expected vs actual. */
  failures: string[];
}

/** Coverage of one pack by its tests: `[reached, all]` pairs and what was missed. */
export interface PackCoverage {
  pack: string;
  conditions: [number, number];
  conditions_missed: string[];
  tiers: [number, number];
  tiers_missed: string[];
  amounts: [number, number];
  amounts_missed: string[];
  parameter_versions: [number, number];
  parameter_versions_missed: string[];
}

// ---- the engine --------------------------------------------------------------

/**
 * Compiled rule packs. Compile once, evaluate many times; every call is
 * synchronous. User mistakes come back as `{ ok: false, errors }`; an
 * argument of the wrong type throws a `TypeError`.
 */
export declare class Engine {
  private constructor();
  /** The shipped rule packs, embedded in the package. */
  static withDefaultPacks(): Engine;
  /** Compiles rule packs given as `{ "name.toml": text, … }`. */
  static fromPacks(files: { [fileName: string]: string }): Envelope<Engine>;
  /** Evaluates one case (an object, or JSON text): exactly `huimin eval`'s JSON. */
  evaluate(caseFile: Case | string, options?: EvaluateOptions | null): Envelope<Result>;
  /**
   * Evaluates JSON-lines text: one output line (an `Envelope<Result>` as
   * JSON) per input line, exactly what `huimin batch` writes.
   */
  evaluateBatch(jsonl: string, options?: EvaluateOptions | null): string;
  /** Compares claimed outcomes with the computed ones. */
  validate(caseFile: Case | string, claimed: Claims | string, options?: EvaluateOptions | null): Envelope<Validation>;
  /** The declared facts, as JSON Schema plus labels. */
  schema(): Schema;
  /** The programs and their benefits. */
  programs(): Program[];
  /**
   * Runs the packs' own test cases. The browser build embeds the shipped
   * packs compiled, without their test cases (to keep its download small
   * and its start quick), so there `Engine.withDefaultPacks().runTests()`
   * throws an `Error` saying so; packs given to `Engine.fromPacks` keep their
   * tests in every build.
   */
  runTests(): TestReport;
  /** Content hash of the packs (`sha256:…`). */
  readonly hash: string;
  /** Frees the engine's memory now (otherwise it is freed when collected). */
  free(): void;
}

/** What the browser build can instantiate the WebAssembly from. */
export type WasmSource = ArrayBuffer | ArrayBufferView | WebAssembly.Module;

/**
 * Loads the WebAssembly. In a browser, await it once before using `Engine`
 * (by default it fetches `huimin_web_bg.wasm` beside the module). In Node the
 * module is ready on import and this resolves at once.
 */
export declare function init(options?: {
  module_or_path?: string | URL | Response | Promise<Response> | WasmSource;
}): Promise<void>;

/** Like `init`, synchronously, from bytes or a compiled module. A no-op in Node. */
export declare function initSync(options?: { module: WasmSource }): void;

export default init;
