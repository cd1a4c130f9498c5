//! The JSON contract of `shared/policy/case-format.md`: load packs, describe
//! them, evaluate one case or a batch, validate a claimed outcome, run the
//! packs' own tests.
//!
//! Every entry point here is what the command line and the WebAssembly
//! adapter call, so `cargo test` exercises exactly what JavaScript calls.
//! User mistakes come back as [`Diagnostic`]s, never as panics.

use crate::check;
pub use crate::check::LoadOptions;
use crate::diagnostic::Diagnostic;
use crate::eval::{BenefitOutcome, ConditionOutcome, Ctx, Reason, Status, Truth};
use crate::explain::{self, missing_paths, Day, Explanation, Few, Lang, Money, Word};
use crate::input::{self, Facts};
use crate::ir::{self, BenefitId, FactType, Period};
use crate::syntax::pack::BenefitExpect;
use crate::syntax::toml;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use std::borrow::Cow;
use std::collections::BTreeMap;

pub use crate::ir::Engine;

/// Options of an evaluation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Options {
    /// Overrides the case's `as_of` (`YYYY-MM-DD`).
    #[serde(alias = "as_of")]
    pub as_of: Option<String>,
    /// `zh` (default), `en` or `ja`.
    pub lang: Option<String>,
    /// Whether to build explanations (default: on for one case, off for a batch).
    pub explain: Option<bool>,
}

/// Options checked and parsed.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// As-of override.
    pub as_of: Option<NaiveDate>,
    /// Language.
    pub lang: Lang,
    /// Explanations on.
    pub explain: bool,
}

impl Options {
    /// Checks the options; `explain_default` applies when `explain` is not set.
    pub fn settings(&self, explain_default: bool) -> Result<Settings, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let as_of = match &self.as_of {
            None => None,
            Some(s) => match check::parse_date(s) {
                Some(d) => Some(d),
                None => {
                    errors.push(
                        Diagnostic::new(
                            "options.bad_as_of",
                            format!("`{s}` is not a calendar date"),
                        )
                        .with_help(Some("write the as-of date as YYYY-MM-DD".into())),
                    );
                    None
                }
            },
        };
        let lang = match &self.lang {
            None => Lang::Zh,
            Some(s) => Lang::parse(s).unwrap_or_else(|| {
                errors.push(
                    Diagnostic::new("options.bad_lang", format!("unknown language `{s}`"))
                        .with_help(Some("use zh, en or ja".into())),
                );
                Lang::Zh
            }),
        };
        if errors.is_empty() {
            Ok(Settings {
                as_of,
                lang,
                explain: self.explain.unwrap_or(explain_default),
            })
        } else {
            Err(errors)
        }
    }
}

/// The packs a result was computed with.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RulesInfo<'e> {
    /// Content hash of all pack files.
    pub hash: &'e str,
    /// Pack ids and versions.
    pub packs: Vec<PackInfo<'e>>,
}

/// A pack id and version.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PackInfo<'e> {
    /// Id.
    pub id: &'e str,
    /// Version.
    pub version: &'e str,
}

/// An amount.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Amount {
    /// Decimal string with two places.
    pub value: Money,
    /// `once`, `month` or `year`.
    pub period: Period,
    /// The amount is a maximum.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub up_to: bool,
}

/// A warning on a benefit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Warning<'e> {
    /// Stable code.
    pub code: &'static str,
    /// Message in the result's language.
    pub message: Cow<'e, str>,
    /// The parameter concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<&'e str>,
}

/// One benefit's result.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BenefitResult<'e> {
    /// Id.
    pub id: &'e str,
    /// Name in force on the as-of date.
    pub name: &'e str,
    /// Status.
    pub status: Status,
    /// Amount, when eligible and known.
    pub amount: Option<Amount>,
    /// Depends on values below `confirmed`.
    pub estimate: bool,
    /// Why (null when explanations are off).
    pub explanation: Option<Box<Explanation<'e>>>,
    /// Fact paths that would settle an undetermined outcome.
    pub missing: Few<Cow<'e, str>>,
    /// Warnings.
    pub warnings: Vec<Warning<'e>>,
}

/// One program's result.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProgramResult<'e> {
    /// Program id.
    pub id: &'e str,
    /// Name.
    pub name: &'e str,
    /// For tiered programs: the tier reached, or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<Option<&'e str>>,
    /// Benefits in pack order.
    pub benefits: Vec<BenefitResult<'e>>,
}

/// A question worth asking next.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Question<'e> {
    /// Case-file path (`household.members[0].monthly_income`).
    pub path: Cow<'e, str>,
    /// Declared fact path (`household.members[].monthly_income`).
    pub fact: &'e str,
    /// Record index for list fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u32>,
    /// Question label.
    pub label: &'e str,
    /// Fact type.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// Benefits it can settle (`pack.benefit`), in engine order.
    pub benefits: BenefitKeys<'e>,
}

/// The benefits a question can settle. Most questions settle one or two,
/// so up to two are held without an allocation.
#[derive(Clone)]
pub enum BenefitKeys<'e> {
    /// Up to two keys: the first `.1` of the array.
    Few([&'e str; 2], usize),
    /// More.
    Many(Vec<&'e str>),
}

impl<'e> BenefitKeys<'e> {
    /// The keys of an iterator, in its order.
    pub fn collect(keys: impl Iterator<Item = &'e str>) -> Self {
        let mut few = [""; 2];
        let mut n = 0;
        let mut keys = keys.peekable();
        while let Some(k) = keys.next() {
            match few.get_mut(n) {
                Some(slot) => {
                    *slot = k;
                    n += 1;
                }
                None => {
                    let mut many = Vec::with_capacity(n + 1 + keys.size_hint().0);
                    many.extend_from_slice(&few);
                    many.push(k);
                    many.extend(keys);
                    return BenefitKeys::Many(many);
                }
            }
        }
        BenefitKeys::Few(few, n)
    }
}

impl<'e> std::ops::Deref for BenefitKeys<'e> {
    type Target = [&'e str];
    fn deref(&self) -> &[&'e str] {
        match self {
            BenefitKeys::Few(few, n) => few.get(..*n).unwrap_or_default(),
            BenefitKeys::Many(many) => many,
        }
    }
}

impl PartialEq for BenefitKeys<'_> {
    fn eq(&self, o: &Self) -> bool {
        **self == **o
    }
}

impl std::fmt::Debug for BenefitKeys<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for BenefitKeys<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The result of one case. It borrows the packs' texts from the engine.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseResult<'e> {
    /// As-of date.
    pub as_of: Day,
    /// Packs used.
    pub rules: RulesInfo<'e>,
    /// Programs.
    pub programs: Vec<ProgramResult<'e>>,
    /// Ranked questions.
    pub questions: Vec<Question<'e>>,
}

/// Reads every `*.toml` file of a folder as `(file name, text)`, sorted by
/// name: the order the hash and the packs' loading use.
#[cfg(not(target_arch = "wasm32"))]
pub fn read_pack_dir(dir: &std::path::Path) -> Result<Vec<(String, String)>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read rules folder `{}`: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|x| x == "toml") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            files.push((name, text));
        }
    }
    files.sort();
    Ok(files)
}

/// Compiles pack files (`(file name, text)`).
pub fn load(files: &[(String, String)]) -> Result<Engine, Vec<Diagnostic>> {
    load_with(files, LoadOptions::default())
}

/// Compiles pack files as `options` say: the packs embedded at build time
/// come with their hash (hashing 270 KB of packs is a third of compiling
/// them) and, for an engine that evaluates, without their test cases.
pub fn load_with(
    files: &[(String, String)],
    options: LoadOptions,
) -> Result<Engine, Vec<Diagnostic>> {
    let mut engine = check::check_with(files, options)?;
    explain::plan(&mut engine);
    Ok(engine)
}

/// The first line of [`engine_bytes`]' output, up to the packs' hash.
const ENGINE_MAGIC: &str = concat!("huimin-engine ", env!("CARGO_PKG_VERSION"), " ");

/// A compiled engine as bytes, for a build that embeds its packs compiled
/// (the browser's, feature `compiled-packs`): a first line
/// `huimin-engine VERSION HASH`, then the engine in `postcard`'s encoding.
/// The pack files' test cases are not kept (compile with
/// `skip_tests: true`: an engine that evaluates never reads them).
///
/// The encoding is that of this build's types, so bytes are read back only
/// by the same build of huimin: `scripts/build-wasm.sh` writes them with the
/// command line (`huimin compile`) of the commit whose wasm embeds them.
pub fn engine_bytes(engine: &Engine) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let mut out = format!("{ENGINE_MAGIC}{}\n", engine.hash).into_bytes();
    let body = postcard::to_allocvec(engine).map_err(|e| {
        vec![Diagnostic::new(
            "engine.encode",
            format!("the compiled packs cannot be encoded: {e}"),
        )]
    })?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Reads back what [`engine_bytes`] wrote, in the same build.
pub fn engine_from_bytes(bytes: &[u8]) -> Result<Engine, Vec<Diagnostic>> {
    let fault = |message: String| {
        vec![Diagnostic::new("engine.decode", message).with_help(Some(
            "write the compiled packs with `huimin compile` of this same build \
             (scripts/build-wasm.sh does)"
                .into(),
        ))]
    };
    let line_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| fault("these bytes are not compiled packs (no first line)".into()))?;
    let (first, body) = bytes.split_at(line_end);
    let body = body.get(1..).unwrap_or_default();
    let first = std::str::from_utf8(first).unwrap_or_default();
    let Some(hash) = first.strip_prefix(ENGINE_MAGIC) else {
        return Err(fault(format!(
            "these bytes are not compiled packs of this build: they begin `{}`, not `{}`",
            first.chars().take(60).collect::<String>(),
            ENGINE_MAGIC.trim_end()
        )));
    };
    let engine: Engine = postcard::from_bytes(body)
        .map_err(|e| fault(format!("the compiled packs do not decode: {e}")))?;
    if engine.hash != hash {
        return Err(fault(format!(
            "the compiled packs say they are {hash} but hold {}",
            engine.hash
        )));
    }
    Ok(engine)
}

/// Evaluates a case given as JSON.
pub fn evaluate<'e>(
    engine: &'e Engine,
    case: &Json,
    s: Settings,
) -> Result<CaseResult<'e>, Vec<Diagnostic>> {
    let facts = input::decode(engine, case, s.as_of)?;
    evaluate_facts(engine, &facts, s)
}

/// Evaluates a case given as JSON text.
pub fn evaluate_text<'e>(
    engine: &'e Engine,
    text: &str,
    s: Settings,
) -> Result<CaseResult<'e>, Vec<Diagnostic>> {
    let facts = input::decode_text(engine, text, s.as_of)?;
    evaluate_facts(engine, &facts, s)
}

/// Evaluates decoded facts.
pub fn evaluate_facts<'e>(
    engine: &'e Engine,
    facts: &Facts,
    s: Settings,
) -> Result<CaseResult<'e>, Vec<Diagnostic>> {
    let mut cx = Ctx::new(engine, facts, s.explain);
    cx.run()
        .map_err(|e| vec![Diagnostic::new(e.code(), e.to_string()).with_help(e.help())])?;
    Ok(build_result(engine, &mut cx, s))
}

fn build_result<'e>(engine: &'e Engine, cx: &mut Ctx<'_>, s: Settings) -> CaseResult<'e> {
    let as_of = cx.as_of();
    let mut programs = Vec::with_capacity(engine.packs.len());
    for pack in &engine.packs {
        if pack.benefits.is_empty() {
            continue;
        }
        let mut benefits = Vec::with_capacity(pack.benefits.len());
        for &bid in &pack.benefits {
            let (Some(b), Some(&o)) = (
                engine.benefits.get(bid as usize),
                cx.benefits().get(bid as usize),
            ) else {
                continue;
            };
            let explanation = s
                .explain
                .then(|| explain::explain_benefit(engine, cx, b, &o, s.lang));
            benefits.push(BenefitResult {
                id: &b.id,
                name: s.lang.pick(b.name_on(as_of)),
                status: o.status,
                amount: match (o.status, o.amount, b.period) {
                    (Status::Eligible, Some(a), Some(period)) => Some(Amount {
                        value: Money {
                            value: a,
                            places: b.rounding,
                        },
                        period,
                        up_to: o.up_to,
                    }),
                    _ => None,
                },
                estimate: o.estimate,
                explanation,
                missing: missing_paths(engine, cx.reasons(o.reasons)),
                warnings: warnings(engine, cx, b, &o, as_of, s.lang),
            });
        }
        let tier = (!pack.tiers.is_empty()).then(|| {
            for &t in &pack.tiers {
                match cx.benefits().get(t as usize).map(|o| o.status) {
                    Some(Status::Eligible) => {
                        return engine.benefits.get(t as usize).map(|b| b.id.as_str())
                    }
                    Some(Status::Undetermined) => return None,
                    _ => {}
                }
            }
            None
        });
        programs.push(ProgramResult {
            id: &pack.id,
            name: s.lang.pick(&pack.name),
            tier,
            benefits,
        });
    }
    CaseResult {
        as_of: Day(as_of),
        rules: rules_info(engine),
        programs,
        questions: questions(engine, cx, s.lang),
    }
}

/// The packs' hash and versions.
pub fn rules_info(engine: &Engine) -> RulesInfo<'_> {
    RulesInfo {
        hash: &engine.hash,
        packs: engine
            .packs
            .iter()
            .map(|p| PackInfo {
                id: &p.id,
                version: &p.version,
            })
            .collect(),
    }
}

fn warnings<'e>(
    engine: &'e Engine,
    cx: &Ctx,
    b: &ir::Benefit,
    o: &BenefitOutcome,
    as_of: NaiveDate,
    lang: Lang,
) -> Vec<Warning<'e>> {
    let mut out = Vec::new();
    if o.reasons.is_empty() && o.usage.stale.is_empty() && o.status != Status::Eligible {
        return out;
    }
    for r in cx.reasons(o.reasons) {
        if let Reason::Param(p) = r {
            let Some(p) = engine.params.get(*p as usize) else {
                continue;
            };
            let on = o.period_date.unwrap_or(as_of);
            out.push(Warning {
                code: "parameter_unconfigured",
                message: Cow::Owned(explain::param_unconfigured_message(lang, p, on)),
                parameter: Some(&p.id),
            });
        }
    }
    if o.status == Status::Eligible && o.amount.is_none() && b.amount.is_some() {
        out.push(Warning {
            code: "amount_unknown",
            message: Cow::Borrowed(explain::words(lang, Word::AmountUnknown)),
            parameter: None,
        });
    }
    if o.status != Status::NotInEffect && !o.usage.stale.is_empty() {
        for pid in o.usage.stale.iter() {
            let Some(p) = engine.params.get(pid as usize) else {
                continue;
            };
            let Some(last) = p.values.last() else {
                continue;
            };
            // Written when the packs load; worked out here only for an
            // engine that was not planned.
            let message = match engine.shown.stale.get(pid as usize) {
                Some(Some(text)) => Cow::Borrowed(lang.pick(text)),
                _ => Cow::Owned(explain::words_stale(
                    lang,
                    lang.pick(&p.decl.label),
                    last.from,
                )),
            };
            out.push(Warning {
                code: "stale_parameter",
                message,
                parameter: Some(&p.id),
            });
        }
    }
    out
}

fn questions<'e>(engine: &'e Engine, cx: &Ctx, lang: Lang) -> Vec<Question<'e>> {
    // Every unknown fact that stands in the way of an open benefit, with
    // that benefit: (the fact's place in form order, its record + 1 or 0)
    // packed in one number that sorts as the pair does, and the benefit.
    let ranks = &engine.shown.form_rank;
    let mut asked: Vec<(u64, BenefitId)> = Vec::new();
    for (bid, o) in cx.benefits().iter().enumerate() {
        let open = o.status == Status::Undetermined
            || (o.status == Status::Eligible && o.amount.is_none());
        if !open || o.reasons.is_empty() {
            continue;
        }
        for r in cx.reasons(o.reasons) {
            if let Reason::Fact(fid, idx) = *r {
                let asks = engine.schema.fact(fid).is_some_and(|f| f.ask);
                if let (true, Some(&rank)) = (asks, ranks.get(fid as usize)) {
                    if asked.capacity() == 0 {
                        asked.reserve(32);
                    }
                    let record = idx.map_or(0, |i| u64::from(i) + 1);
                    asked.push(((u64::from(rank) << 33) | record, bid as BenefitId));
                }
            }
        }
    }
    if asked.is_empty() {
        return Vec::new();
    }
    // Grouped by fact in form order, benefits in engine order.
    asked.sort_unstable();
    asked.dedup();
    let mut groups: Vec<&[(u64, BenefitId)]> = asked.chunk_by(|a, b| a.0 == b.0).collect();
    // Most benefits settled first; the sort is stable, so ties keep form order.
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    let mut qs: Vec<Question<'e>> = Vec::with_capacity(groups.len());
    for group in groups {
        let Some(&(key, _)) = group.first() else {
            continue;
        };
        let rank = (key >> 33) as usize;
        let idx = (key & ((1 << 33) - 1)).checked_sub(1).map(|i| i as u32);
        let Some(&fid) = engine.shown.facts_in_form_order.get(rank) else {
            continue;
        };
        let (Some(f), Some(path)) = (
            engine.schema.fact(fid),
            explain::reason_path(engine, &Reason::Fact(fid, idx)),
        ) else {
            continue;
        };
        qs.push(Question {
            path,
            fact: &f.path,
            record: idx,
            label: lang.pick(&f.label),
            ty: f.ty.name(),
            benefits: BenefitKeys::collect(
                group.iter().filter_map(|(_, bid)| {
                    engine.benefits.get(*bid as usize).map(|b| b.key.as_str())
                }),
            ),
        });
    }
    qs
}

/// `{ "ok": true, "value": … }` or `{ "ok": false, "errors": […] }`.
pub fn envelope<T: Serialize>(r: &Result<T, Vec<Diagnostic>>) -> Json {
    match r {
        Ok(v) => json!({ "ok": true, "value": v }),
        Err(errors) => json!({ "ok": false, "errors": errors }),
    }
}

/// The same envelope as [`envelope`], serialised straight to text (no
/// intermediate JSON tree): byte-identical, and faster for batches.
pub fn envelope_text<T: Serialize>(r: &Result<T, Vec<Diagnostic>>) -> String {
    let body = match r {
        Ok(v) => serde_json::to_string(v).map(|b| format!("{{\"ok\":true,\"value\":{b}}}")),
        Err(errors) => {
            serde_json::to_string(errors).map(|b| format!("{{\"ok\":false,\"errors\":{b}}}"))
        }
    };
    body.unwrap_or_else(|_| envelope(r).to_string())
}

/// Evaluates one line of a JSON-lines batch; the output line (no newline).
pub fn batch_line(engine: &Engine, line: &str, s: Settings) -> String {
    let r = if line.trim().is_empty() {
        Err(vec![Diagnostic::new(
            "input.empty_line",
            "the line is empty",
        )
        .with_help(Some(
            "put one case per line, or remove the blank line".into(),
        ))])
    } else {
        evaluate_text(engine, line, s)
    };
    envelope_text(&r)
}

/// Evaluates a JSON-lines batch: one output line per input line, in order.
pub fn evaluate_batch(engine: &Engine, text: &str, s: Settings) -> String {
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(&batch_line(engine, line, s));
        out.push('\n');
    }
    out
}

/// A claimed outcome of one benefit.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Claimed status.
    pub status: Option<Status>,
    /// Claimed amount.
    pub amount: Option<String>,
}

/// How one claim compares with the computed outcome.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClaimCheck {
    /// `pack.benefit`.
    pub benefit: String,
    /// Claimed status.
    pub claimed_status: Option<Status>,
    /// Computed status.
    pub status: Status,
    /// Whether they agree (null when no status was claimed).
    pub status_agrees: Option<bool>,
    /// Claimed amount.
    pub claimed_amount: Option<String>,
    /// Computed amount.
    pub amount: Option<String>,
    /// Whether they agree (null when no amount was claimed).
    pub amount_agrees: Option<bool>,
}

/// The result of validating an application.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Validation<'e> {
    /// Everything the claims agree with.
    pub agrees: bool,
    /// Per claim.
    pub checks: Vec<ClaimCheck>,
    /// The computed result.
    pub result: CaseResult<'e>,
}

/// Compares claimed outcomes (`{ "pack.benefit" | "benefit": { status, amount } }`)
/// with the computed result.
pub fn validate<'e>(
    engine: &'e Engine,
    case: &Json,
    claimed: &Json,
    s: Settings,
) -> Result<Validation<'e>, Vec<Diagnostic>> {
    let claims: BTreeMap<String, Claim> = serde_json::from_value(claimed.clone()).map_err(|e| {
        vec![Diagnostic::new("claim.bad_shape", format!("the claimed outcome is not valid: {e}"))
            .with_help(Some("write claims as { \"pack.benefit\": { \"status\": \"eligible\", \"amount\": \"790.00\" } }".into()))]
    })?;
    let result = evaluate(engine, case, s)?;
    let mut checks = Vec::new();
    let mut errors = Vec::new();
    for (key, claim) in &claims {
        let found = result.programs.iter().find_map(|p| {
            p.benefits
                .iter()
                .find(|b| *key == format!("{}.{}", p.id, b.id) || *key == b.id)
                .map(|b| (format!("{}.{}", p.id, b.id), b))
        });
        let Some((name, b)) = found else {
            errors.push(
                Diagnostic::new("claim.unknown_benefit", format!("unknown benefit `{key}`"))
                    .with_path(key.clone())
                    .with_help(Some(
                        "name benefits as `pack.benefit`, such as `social_assistance.dibao`".into(),
                    )),
            );
            continue;
        };
        let amount = b.amount.as_ref().map(|a| a.value.to_string());
        let amount_agrees = match &claim.amount {
            None => None,
            Some(c) => match (check::parse_decimal(c.trim()), &b.amount) {
                (Some(x), Some(a)) => Some(a.value.value == x),
                (None, None) => Some(c.trim().is_empty() || c.trim() == "null"),
                _ => Some(false),
            },
        };
        checks.push(ClaimCheck {
            benefit: name,
            claimed_status: claim.status,
            status: b.status,
            status_agrees: claim.status.map(|c| c == b.status),
            claimed_amount: claim.amount.clone(),
            amount,
            amount_agrees,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Validation {
        agrees: checks
            .iter()
            .all(|c| c.status_agrees != Some(false) && c.amount_agrees != Some(false)),
        checks,
        result,
    })
}

/// The declared facts, as JSON Schema with labels (`x-label`, …) in all
/// three languages.
pub fn schema(engine: &Engine) -> Json {
    let mut props = serde_json::Map::new();
    props.insert(
        "as_of".into(),
        json!({ "type": "string", "format": "date" }),
    );
    let mut facts = Vec::new();
    for f in &engine.schema.facts {
        facts.push(fact_json(engine, f));
        if !f.path.contains("[]") {
            let segments: Vec<&str> = f.path.split('.').collect();
            insert_path(&mut props, &segments, fact_schema(engine, f));
        }
    }
    let root = json!({ "type": "object", "properties": props, "additionalProperties": false });
    json!({ "jsonSchema": root, "facts": facts })
}

fn insert_path(props: &mut serde_json::Map<String, Json>, segments: &[&str], leaf: Json) {
    match segments {
        [] => {}
        [last] => {
            props.insert((*last).to_string(), leaf);
        }
        [first, rest @ ..] => {
            let node = props.entry((*first).to_string()).or_insert_with(
                || json!({ "type": "object", "properties": {}, "additionalProperties": false }),
            );
            if let Some(Json::Object(inner)) = node.get_mut("properties") {
                insert_path(inner, rest, leaf);
            }
        }
    }
}

fn set(v: &mut Json, key: &str, value: Json) {
    if let Json::Object(m) = v {
        m.insert(key.to_string(), value);
    }
}

fn fact_schema(engine: &Engine, f: &ir::FactDef) -> Json {
    let mut s = match &f.ty {
        FactType::Bool => json!({ "type": ["boolean", "null"] }),
        FactType::Integer => json!({ "type": ["integer", "null"] }),
        FactType::Decimal | FactType::Ratio | FactType::Money => {
            json!({ "type": ["string", "number", "null"], "pattern": "^-?[0-9]+(\\.[0-9]+)?$" })
        }
        FactType::Date => json!({ "type": ["string", "null"], "format": "date" }),
        FactType::Enum(values) => {
            json!({ "enum": values.iter().map(|v| json!(v)).chain([Json::Null]).collect::<Vec<_>>() })
        }
        FactType::String => json!({ "type": ["string", "null"] }),
        FactType::List => {
            let mut props = serde_json::Map::new();
            if let ir::FactSlot::List(slot) = f.slot {
                if let Some((_, fields)) = engine.schema.lists.get(slot as usize) {
                    for fid in fields {
                        if let Some(ff) = engine.schema.fact(*fid) {
                            let name = ff.path.rsplit('.').next().unwrap_or("").to_string();
                            props.insert(name, fact_schema(engine, ff));
                        }
                    }
                }
            }
            json!({ "type": ["array", "null"], "items": { "type": "object", "properties": props, "additionalProperties": false } })
        }
    };
    if f.ty == FactType::Money || (f.ty == FactType::Integer && f.min.is_none()) {
        set(&mut s, "minimum", json!(0));
    }
    if let Some(m) = f.min {
        set(
            &mut s,
            "minimum",
            json!(m.normalize().to_string().parse::<f64>().unwrap_or(0.0)),
        );
    }
    if let Some(m) = f.max {
        set(
            &mut s,
            "maximum",
            json!(m.normalize().to_string().parse::<f64>().unwrap_or(0.0)),
        );
    }
    set(&mut s, "title", json!(f.label.en));
    set(&mut s, "x-label", json!(f.label));
    s
}

fn fact_json(engine: &Engine, f: &ir::FactDef) -> Json {
    let mut j = json!({
        "path": f.path,
        "type": f.ty.name(),
        "pack": engine.packs.get(f.pack).map(|p| p.id.clone()),
        "label": f.label,
        "help": f.help,
        "ask": f.ask,
        "order": f.order,
    });
    if let FactType::Enum(values) = &f.ty {
        set(&mut j, "values", json!(values));
        set(&mut j, "value_labels", json!(f.value_labels));
    }
    if let Some(m) = f.min {
        set(&mut j, "min", json!(m.normalize().to_string()));
    }
    if let Some(m) = f.max {
        set(&mut j, "max", json!(m.normalize().to_string()));
    }
    if f.not_after_as_of {
        set(&mut j, "not_after_as_of", json!(true));
    }
    if f.unique {
        set(&mut j, "unique", json!(true));
    }
    if let Some(e) = &f.exactly_one {
        set(&mut j, "exactly_one", json!(e));
    }
    j
}

/// The programs and their benefits, with names in all three languages.
pub fn programs(engine: &Engine) -> Json {
    let list: Vec<Json> = engine
        .packs
        .iter()
        .filter(|p| !p.benefits.is_empty())
        .map(|p| {
            json!({
                "id": p.id,
                "version": p.version,
                "name": p.name,
                "tiers": p.tiers.iter().filter_map(|t| engine.benefits.get(*t as usize)).map(|b| b.id.clone()).collect::<Vec<_>>(),
                "benefits": p.benefits.iter().filter_map(|b| engine.benefits.get(*b as usize)).map(|b| json!({
                    "id": b.id,
                    "names": b.names.iter().map(|(from, t)| json!({ "from": from.map(|d| d.to_string()), "name": t })).collect::<Vec<_>>(),
                    "period": b.period,
                    "effective": { "from": b.from.to_string(), "until": b.until.map(|d| d.to_string()) },
                    "legal_basis": { "document": b.citation.document, "title": b.citation.title, "article": b.citation.article },
                    "conditions": b.conditions.iter().map(|c| json!({ "id": c.id, "text": c.text })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!(list)
}

// ---- the packs' own tests -------------------------------------------------

/// One test case's outcome.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TestOutcome {
    /// Pack id.
    pub pack: String,
    /// Test name.
    pub name: String,
    /// Whether every expectation held.
    pub passed: bool,
    /// What did not hold: expected vs actual.
    pub failures: Vec<String>,
}

/// Coverage of one pack by its tests.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct PackCoverage {
    /// Pack id.
    pub pack: String,
    /// Conditions seen passing and failing (or blocked from failing only by
    /// an unconfigured parameter) / all conditions.
    pub conditions: (usize, usize),
    /// Conditions not seen both ways, with what was missing.
    pub conditions_missed: Vec<String>,
    /// Tiers reached / all tiers.
    pub tiers: (usize, usize),
    /// Tiers never reached.
    pub tiers_missed: Vec<String>,
    /// Benefits whose amount was evaluated (eligible) / benefits with an amount.
    pub amounts: (usize, usize),
    /// Benefits whose amount was never computed.
    pub amounts_missed: Vec<String>,
    /// Parameter versions used / all versions.
    pub parameter_versions: (usize, usize),
    /// Versions never used, `id@from`.
    pub parameter_versions_missed: Vec<String>,
}

/// All tests' outcomes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TestReport {
    /// How many passed.
    pub passed: usize,
    /// How many failed.
    pub failed: usize,
    /// Per test.
    pub tests: Vec<TestOutcome>,
    /// Per pack.
    pub coverage: Vec<PackCoverage>,
}

#[derive(Default)]
struct Seen {
    pass: bool,
    fail: bool,
}

/// Converts a TOML table (a test's case) to JSON; dates become strings.
pub fn toml_to_json(v: &toml::Value) -> Json {
    match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => json!(d.to_string()),
        toml::Value::Array(a) => Json::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Json::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

/// Runs every pack's test cases.
pub fn run_tests(engine: &Engine) -> TestReport {
    let mut tests = Vec::new();
    let mut cond_seen: BTreeMap<(usize, usize), Seen> = BTreeMap::new();
    let mut tier_seen: BTreeMap<u32, bool> = BTreeMap::new();
    let mut amount_seen: BTreeMap<u32, bool> = BTreeMap::new();
    let mut versions_seen: BTreeMap<(u32, NaiveDate), bool> = BTreeMap::new();
    for pack in &engine.packs {
        for t in &pack.tests {
            let mut case = toml_to_json(&toml::Value::Table(t.case.clone()));
            if let Some(a) = &t.as_of {
                set(&mut case, "as_of", json!(a.0));
            }
            let mut failures = Vec::new();
            let s = Settings {
                as_of: None,
                lang: Lang::En,
                explain: false,
            };
            match input::decode(engine, &case, None) {
                Err(errors) => {
                    let mut got: Vec<String> = errors.iter().map(|e| e.code.clone()).collect();
                    got.sort();
                    got.dedup();
                    match &t.expect.errors {
                        Some(want) => {
                            let mut want = want.clone();
                            want.sort();
                            want.dedup();
                            if want != got {
                                failures.push(format!("errors: expected {want:?}, got {got:?}"));
                            }
                        }
                        None => failures.push(format!(
                            "the case was rejected: {}",
                            errors
                                .iter()
                                .map(|e| format!(
                                    "{} at {}: {}",
                                    e.code,
                                    e.path.as_deref().unwrap_or("-"),
                                    e.message
                                ))
                                .collect::<Vec<_>>()
                                .join("; ")
                        )),
                    }
                }
                Ok(facts) => {
                    if let Some(want) = t.expect.errors.as_ref().filter(|w| !w.is_empty()) {
                        failures.push(format!(
                            "errors: expected {want:?}, but the case was accepted"
                        ));
                    }
                    let mut cx = Ctx::new(engine, &facts, true);
                    match cx.run() {
                        Err(e) => failures.push(format!("evaluation failed: {e}")),
                        Ok(()) => {
                            record_coverage(
                                engine,
                                &cx,
                                &mut cond_seen,
                                &mut tier_seen,
                                &mut amount_seen,
                                &mut versions_seen,
                            );
                            let result = build_result(
                                engine,
                                &mut cx,
                                Settings {
                                    explain: false,
                                    ..s
                                },
                            );
                            check_expectations(engine, pack, t, &cx, &result, &mut failures);
                        }
                    }
                }
            }
            tests.push(TestOutcome {
                pack: pack.id.clone(),
                name: t.name.clone(),
                passed: failures.is_empty(),
                failures,
            });
        }
    }
    let coverage = engine
        .packs
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.benefits.is_empty())
        .map(|(k, p)| {
            coverage_of(
                engine,
                k,
                p,
                &cond_seen,
                &tier_seen,
                &amount_seen,
                &versions_seen,
            )
        })
        .collect();
    let passed = tests.iter().filter(|t| t.passed).count();
    TestReport {
        failed: tests.len() - passed,
        passed,
        tests,
        coverage,
    }
}

fn record_coverage(
    engine: &Engine,
    cx: &Ctx,
    cond_seen: &mut BTreeMap<(usize, usize), Seen>,
    tier_seen: &mut BTreeMap<u32, bool>,
    amount_seen: &mut BTreeMap<u32, bool>,
    versions_seen: &mut BTreeMap<(u32, NaiveDate), bool>,
) {
    for (bi, o) in cx.benefits().iter().enumerate() {
        for (ci, c) in cx.conditions(o).iter().enumerate() {
            let e = cond_seen.entry((bi, ci)).or_default();
            match c.truth {
                Truth::Pass => e.pass = true,
                Truth::Fail => e.fail = true,
                // A condition that cannot fail while a parameter is
                // unconfigured has its failing side blocked, not missed.
                Truth::Unknown
                    if !c.reasons.is_empty()
                        && cx
                            .reasons(c.reasons)
                            .iter()
                            .all(|r| matches!(r, Reason::Param(_))) =>
                {
                    e.fail = true
                }
                Truth::Unknown => {}
            }
            for (p, d) in cx.versions(c.versions) {
                mark_version(engine, p, d, versions_seen);
            }
        }
        for (p, d) in cx.versions(o.amount_versions) {
            mark_version(engine, p, d, versions_seen);
        }
        if o.status == Status::Eligible {
            tier_seen.insert(bi as u32, true);
            amount_seen.insert(bi as u32, true);
        }
    }
}

fn mark_version(
    engine: &Engine,
    p: u32,
    d: NaiveDate,
    seen: &mut BTreeMap<(u32, NaiveDate), bool>,
) {
    if let Some(v) = engine.params.get(p as usize).and_then(|q| q.at(d)) {
        seen.insert((p, v.from), true);
    }
}

#[allow(clippy::too_many_arguments)]
fn coverage_of(
    engine: &Engine,
    k: usize,
    p: &ir::Pack,
    cond_seen: &BTreeMap<(usize, usize), Seen>,
    tier_seen: &BTreeMap<u32, bool>,
    amount_seen: &BTreeMap<u32, bool>,
    versions_seen: &BTreeMap<(u32, NaiveDate), bool>,
) -> PackCoverage {
    let mut c = PackCoverage {
        pack: p.id.clone(),
        ..Default::default()
    };
    for &bid in &p.benefits {
        let Some(b) = engine.benefits.get(bid as usize) else {
            continue;
        };
        let mut ids: Vec<&str> = b.conditions.iter().map(|c| c.id.as_str()).collect();
        if !b.higher_tiers.is_empty() {
            ids.push("no_higher_tier");
        }
        for (ci, id) in ids.iter().enumerate() {
            c.conditions.1 += 1;
            let s = cond_seen.get(&(bid as usize, ci));
            let (pass, fail) = s.map_or((false, false), |s| (s.pass, s.fail));
            if pass && fail {
                c.conditions.0 += 1;
            } else {
                let what = match (pass, fail) {
                    (false, false) => "never passing nor failing",
                    (true, false) => "never failing",
                    _ => "never passing",
                };
                c.conditions_missed.push(format!("{}.{id}: {what}", b.id));
            }
        }
        if b.amount.is_some() {
            c.amounts.1 += 1;
            if amount_seen.contains_key(&bid) {
                c.amounts.0 += 1;
            } else {
                c.amounts_missed.push(b.id.clone());
            }
        }
    }
    for &t in &p.tiers {
        c.tiers.1 += 1;
        if tier_seen.contains_key(&t) {
            c.tiers.0 += 1;
        } else if let Some(b) = engine.benefits.get(t as usize) {
            c.tiers_missed.push(b.id.clone());
        }
    }
    for (pid, q) in engine.params.iter().enumerate() {
        if q.pack != k {
            continue;
        }
        // A `none` entry marks where a parameter stops; nothing can use it.
        for v in q.values.iter().filter(|v| v.value.is_some()) {
            c.parameter_versions.1 += 1;
            if versions_seen.contains_key(&(pid as u32, v.from)) {
                c.parameter_versions.0 += 1;
            } else {
                c.parameter_versions_missed
                    .push(format!("{}@{}", q.id, v.from));
            }
        }
    }
    c
}

fn check_expectations(
    engine: &Engine,
    pack: &ir::Pack,
    t: &crate::syntax::pack::TestDecl,
    cx: &Ctx,
    result: &CaseResult,
    failures: &mut Vec<String>,
) {
    if let Some(want) = &t.expect.tier {
        let got = result
            .programs
            .iter()
            .find(|p| p.id == pack.id)
            .and_then(|p| p.tier)
            .flatten()
            .unwrap_or("none");
        if got != want {
            failures.push(format!("tier: expected {want}, got {got}"));
        }
    }
    for (key, want) in &t.expect.benefits {
        let (pid, bid) = key
            .split_once('.')
            .unwrap_or((pack.id.as_str(), key.as_str()));
        let found = result.programs.iter().find(|p| p.id == pid).and_then(|p| {
            let i = p.benefits.iter().position(|b| b.id == bid)?;
            p.benefits.get(i)
        });
        let Some(got) = found else {
            failures.push(format!("{key}: no such benefit"));
            continue;
        };
        let idx = engine
            .benefits
            .iter()
            .position(|b| b.id == bid && engine.packs.get(b.pack).is_some_and(|p| p.id == pid));
        let (b, o) = match idx.and_then(|i| Some((engine.benefits.get(i)?, cx.benefits().get(i)?)))
        {
            Some(x) => x,
            None => continue,
        };
        compare_benefit(key, want, got, b, cx.conditions(o), o, failures);
    }
}

fn compare_benefit(
    key: &str,
    want: &BenefitExpect,
    got: &BenefitResult,
    b: &ir::Benefit,
    conditions: &[ConditionOutcome],
    o: &BenefitOutcome,
    failures: &mut Vec<String>,
) {
    if let Some(s) = &want.status {
        if s != got.status.as_str() {
            failures.push(format!(
                "{key}.status: expected {s}, got {}",
                got.status.as_str()
            ));
        }
    }
    if let Some(a) = &want.amount {
        let g = got
            .amount
            .as_ref()
            .map_or_else(|| "null".to_string(), |x| x.value.to_string());
        let same = a == &g
            || (check::parse_decimal(a).is_some()
                && check::parse_decimal(a) == check::parse_decimal(&g));
        if !same {
            failures.push(format!("{key}.amount: expected {a}, got {g}"));
        }
    }
    if let Some(u) = want.up_to {
        let g = o.up_to;
        if u != g {
            failures.push(format!("{key}.up_to: expected {u}, got {g}"));
        }
    }
    if let Some(e) = want.estimate {
        if e != got.estimate {
            failures.push(format!(
                "{key}.estimate: expected {e}, got {}",
                got.estimate
            ));
        }
    }
    if let Some(f) = &want.failed {
        let mut ids: Vec<String> = b.conditions.iter().map(|c| c.id.clone()).collect();
        ids.push("no_higher_tier".into());
        let mut g: Vec<String> = conditions
            .iter()
            .zip(ids)
            .filter(|(c, _)| c.truth == Truth::Fail)
            .map(|(_, id)| id)
            .collect();
        g.sort();
        let mut f = f.clone();
        f.sort();
        if f != g {
            failures.push(format!("{key}.failed: expected {f:?}, got {g:?}"));
        }
    }
    if let Some(m) = &want.missing {
        let mut m = m.clone();
        m.sort();
        let mut g: Vec<String> = got.missing.iter().map(|p| p.to_string()).collect();
        g.sort();
        if m != g {
            failures.push(format!("{key}.missing: expected {m:?}, got {g:?}"));
        }
    }
    if let Some(ws) = &want.warnings {
        for w in ws {
            if !got.warnings.iter().any(|x| x.code == w) {
                let codes: Vec<&str> = got.warnings.iter().map(|x| x.code).collect();
                failures.push(format!("{key}.warnings: expected {w}, got {codes:?}"));
            }
        }
    }
}

/// Renders a result as a readable report in one language.
pub fn render_text(r: &CaseResult, lang: Lang) -> String {
    use explain::words as w;
    let mut out = format!("{} {}\n", w(lang, Word::AsOfHeading), r.as_of);
    for p in &r.programs {
        out.push_str(&format!("\n== {} ({})\n", p.name, p.id));
        if let Some(t) = &p.tier {
            out.push_str(&format!(
                "   {}: {}\n",
                w(lang, Word::Tier),
                t.as_deref().unwrap_or(w(lang, Word::None))
            ));
        }
        for b in &p.benefits {
            let status = w(lang, status_key(b.status));
            let amount = b.amount.as_ref().map_or(String::new(), |a| {
                format!(
                    " — {}{} {}",
                    if a.up_to { w(lang, Word::UpTo) } else { "" },
                    a.value,
                    explain::period_word(a.period, lang).trim()
                )
            });
            let est = if b.estimate {
                format!(" [{}]", w(lang, Word::Estimate))
            } else {
                String::new()
            };
            out.push_str(&format!(
                "\n-- {} ({}): {status}{amount}{est}\n",
                b.name, b.id
            ));
            if let Some(e) = &b.explanation {
                out.push_str(&format!("   {}\n", e.summary));
                out.push_str(&format!(
                    "   {}: {} {}\n",
                    w(lang, Word::LegalBasis),
                    e.legal_basis.title,
                    e.legal_basis.article
                ));
                for c in &e.conditions {
                    let mark = match c.outcome {
                        Truth::Pass => "✓",
                        Truth::Fail => "✗",
                        Truth::Unknown => "?",
                    };
                    out.push_str(&format!("   {mark} {} [{}]\n", c.text, c.id));
                    for cmp in &c.comparisons {
                        let side = |label: &str, value: Option<String>| match value {
                            Some(v) if v == label => v,
                            Some(v) => format!("{label} = {v}"),
                            None if cmp.op == "in" => label.to_string(),
                            None => format!("{label} = ?"),
                        };
                        out.push_str(&format!(
                            "       {} {} {}\n",
                            side(cmp.left, cmp.actual.as_ref().map(|v| v.to_string())),
                            cmp.op,
                            side(cmp.right, cmp.threshold.as_ref().map(|v| v.to_string()))
                        ));
                    }
                    for d in &c.depends_on {
                        out.push_str(&format!(
                            "       {} ({}): {}\n",
                            d.name,
                            d.benefit,
                            d.status.as_str()
                        ));
                    }
                    for pu in &c.parameters {
                        out.push_str(&format!("       {}\n", param_line(pu)));
                    }
                    if !c.missing.is_empty() {
                        out.push_str(&format!(
                            "       {}: {}\n",
                            w(lang, Word::Missing),
                            c.missing.join(", ")
                        ));
                    }
                    if let Some(cf) = &c.counterfactual {
                        out.push_str(&format!("       → {}\n", cf.text));
                    }
                    if !c.legal_basis.article.is_empty() || !c.legal_basis.title.is_empty() {
                        out.push_str(&format!(
                            "       {}: {} {}\n",
                            w(lang, Word::LegalBasis),
                            c.legal_basis.title,
                            c.legal_basis.article
                        ));
                    }
                }
                if let Some(a) = &e.amount {
                    out.push_str(&format!(
                        "   {}: {} = {}\n",
                        w(lang, Word::Amount),
                        a.formula.trim(),
                        a.value.map_or_else(|| "?".to_string(), |v| v.to_string())
                    ));
                    for pu in &a.parameters {
                        out.push_str(&format!("       {}\n", param_line(pu)));
                    }
                }
                for n in &e.notes {
                    out.push_str(&format!("   * {n}\n"));
                }
            }
            if !b.missing.is_empty() {
                out.push_str(&format!(
                    "   {}: {}\n",
                    w(lang, Word::Missing),
                    b.missing.join(", ")
                ));
            }
            for wn in &b.warnings {
                out.push_str(&format!("   ! {}\n", wn.message));
            }
        }
    }
    if !r.questions.is_empty() {
        out.push_str(&format!("\n{}:\n", w(lang, Word::Questions)));
        for q in &r.questions {
            out.push_str(&format!(
                "   - {} ({}) → {}\n",
                q.label,
                q.path,
                q.benefits.join(", ")
            ));
        }
    }
    out
}

fn param_line(p: &explain::ParamUse) -> String {
    if p.value.is_none() {
        return format!("{} ({}) = ? [{}: no value]", p.label, p.id, p.on);
    }
    format!(
        "{} ({}) = {} {} [{} {}, {}; {}]",
        p.label,
        p.id,
        p.value.map_or_else(|| "?".to_string(), |v| v.to_string()),
        p.unit,
        p.from.map_or_else(|| "-".to_string(), |d| d.to_string()),
        p.on,
        p.confidence.unwrap_or("-"),
        p.source.unwrap_or("-")
    )
}

fn status_key(s: Status) -> Word {
    match s {
        Status::Eligible => Word::StatusEligible,
        Status::Ineligible => Word::StatusIneligible,
        Status::Undetermined => Word::StatusUndetermined,
        Status::NotInEffect => Word::StatusNotInEffect,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benefit_keys_hold_any_number_of_keys_in_order() {
        for n in 0..6 {
            let keys: Vec<String> = (0..n).map(|k| format!("p.b{k}")).collect();
            let got = BenefitKeys::collect(keys.iter().map(String::as_str));
            assert_eq!(got.len(), n);
            assert_eq!(got.to_vec(), keys);
            assert_eq!(matches!(got, BenefitKeys::Few(..)), n <= 2, "{n}");
            assert_eq!(
                serde_json::to_string(&got).unwrap_or_default(),
                serde_json::to_string(&keys).unwrap_or_default()
            );
            assert_eq!(format!("{got:?}"), format!("{keys:?}"));
        }
        let one = BenefitKeys::collect(["a.x"].into_iter());
        assert_eq!(one, BenefitKeys::Many(vec!["a.x"]));
        assert_ne!(one, BenefitKeys::collect(["a.y"].into_iter()));
    }
}
