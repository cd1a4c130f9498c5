//! The expression corpus: every entry of `tests/corpus/expressions.toml` is
//! compiled as `[definitions] probe = "<expr>"` at the end of
//! `tests/corpus/base.toml`, evaluated against its case, and compared with the
//! value, unknown reasons or error code the entry expects. Every mismatch is
//! reported at the end, not only the first.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use huimin::api;
use huimin::diagnostic::Diagnostic;
use huimin::eval::{Ctx, Reason, V};
use huimin::explain::reason_path;
use huimin::input;
use huimin::ir::{Engine, Node, Val};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;

const DEFAULT_AS_OF: &str = "2024-01-01";

/// An entry's facts (read with the `toml` crate) as a case's JSON, the way
/// `api::toml_to_json` renders a pack test's case: dates become strings.
fn facts_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::{json, Value as Json};
    match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => json!(d.to_string()),
        toml::Value::Array(a) => Json::Array(a.iter().map(facts_json).collect()),
        toml::Value::Table(t) => {
            Json::Object(t.iter().map(|(k, v)| (k.clone(), facts_json(v))).collect())
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    case: Vec<Entry>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Entry {
    expr: String,
    #[serde(default)]
    facts: toml::Table,
    as_of: Option<toml::value::Datetime>,
    #[serde(default)]
    defs: BTreeMap<String, String>,
    value: Option<String>,
    reasons: Option<Vec<String>>,
    error: Option<String>,
    at: Option<String>,
}

/// What evaluating an entry gave.
enum Outcome {
    Diagnostics(Vec<Diagnostic>),
    EvalError(String),
    Known(String, Val),
    Unknown(BTreeSet<String>),
}

/// Writes `s` as a TOML string: a literal string when it can be, otherwise
/// a basic string with escapes.
fn toml_string(s: &str) -> String {
    if !s.contains('\'') && !s.contains('\n') {
        return format!("'{s}'");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The pack text for an entry, and the byte offset of the expression in it.
fn pack_text(base: &str, e: &Entry) -> (String, usize) {
    let mut text = base.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let quoted = toml_string(&e.expr);
    text.push_str("probe = ");
    // The expression starts after the opening quote.
    let offset = text.len() + 1;
    text.push_str(&quoted);
    text.push('\n');
    for (name, body) in &e.defs {
        text.push_str(&format!("{name} = {}\n", toml_string(body)));
    }
    (text, offset)
}

fn fmt_value(cx: &Ctx, v: &Val) -> String {
    match v {
        Val::Bool(b) => b.to_string(),
        Val::Num(n) => {
            if n.is_zero() {
                "0".into()
            } else {
                n.normalize().to_string()
            }
        }
        Val::Date(d) => d.to_string(),
        Val::Sym(s) => cx.sym(*s).to_string(),
        Val::List(_, sel) => format!(
            "[{}]",
            cx.records(*sel)
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Val::Record(_, i) => format!("#{i}"),
    }
}

/// `text` as a decimal, only if it is one digit for digit (`Decimal` would
/// round a literal with more than 28 decimal places).
fn exact_decimal(text: &str) -> Option<Decimal> {
    let d = Decimal::from_str(text).ok()?;
    let canon = |t: &str| -> String {
        let t = if t.contains('.') {
            t.trim_end_matches('0').trim_end_matches('.')
        } else {
            t
        };
        if t == "-0" {
            "0".into()
        } else {
            t.to_string()
        }
    };
    (canon(&d.to_string()) == canon(text)).then_some(d)
}

fn reason_text(engine: &Engine, r: &Reason) -> String {
    match r {
        Reason::Param(p) => format!("param:{}", engine.params[*p as usize].id),
        Reason::Fact(..) => {
            reason_path(engine, r).map_or_else(|| format!("{r:?}"), |p| p.to_string())
        }
    }
}

fn run(base: &str, e: &Entry) -> (Outcome, String, usize) {
    let (text, offset) = pack_text(base, e);
    let engine = match api::load(&[("corpus.toml".to_string(), text.clone())]) {
        Ok(engine) => engine,
        Err(diags) => return (Outcome::Diagnostics(diags), text, offset),
    };
    let mut case = facts_json(&toml::Value::Table(e.facts.clone()));
    let as_of = e
        .as_of
        .map_or_else(|| DEFAULT_AS_OF.to_string(), |d| d.to_string());
    case.as_object_mut()
        .unwrap()
        .insert("as_of".into(), serde_json::Value::String(as_of));
    let facts = match input::decode(&engine, &case, None) {
        Ok(f) => f,
        Err(diags) => return (Outcome::Diagnostics(diags), text, offset),
    };
    let id = engine
        .defs
        .iter()
        .position(|d| d.name == "probe")
        .expect("the probe definition") as u32;
    let mut cx = Ctx::new(&engine, &facts, false);
    let probe = cx.eval(&Node::Def(id));
    // Read after a traced run (as explanations read the sides of their
    // comparisons), the value is the same.
    let mut traced = Ctx::new(&engine, &facts, true);
    if traced.run().is_ok() {
        let text = |cx: &Ctx, v: &Result<V, huimin::eval::EvalError>| match v {
            Err(err) => format!("error {}", err.code()),
            Ok(V::Known(v)) => format!("{v:?}"),
            Ok(V::Unknown(rs)) => format!(
                "unknown {:?}",
                cx.reasons(*rs)
                    .iter()
                    .map(|r| reason_text(&engine, r))
                    .collect::<Vec<_>>()
            ),
        };
        let read = traced.value(&Node::Def(id));
        assert_eq!(text(&traced, &read), text(&cx, &probe), "{}", e.expr);
    }
    let outcome = match probe {
        Err(err) => Outcome::EvalError(err.code().to_string()),
        Ok(V::Known(v)) => Outcome::Known(fmt_value(&cx, &v), v),
        Ok(V::Unknown(rs)) => Outcome::Unknown(
            cx.reasons(rs)
                .iter()
                .map(|r| reason_text(&engine, r))
                .collect(),
        ),
    };
    (outcome, text, offset)
}

fn describe(o: &Outcome) -> String {
    match o {
        Outcome::Diagnostics(d) => format!(
            "diagnostics [{}]",
            d.iter()
                .map(|d| format!("{}: {}", d.code, d.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Outcome::EvalError(code) => format!("evaluation error {code}"),
        Outcome::Known(s, _) => format!("value {s}"),
        Outcome::Unknown(r) => format!("unknown {r:?}"),
    }
}

/// Compares one entry; `None` when it holds.
fn check(base: &str, e: &Entry) -> Option<String> {
    let (outcome, text, offset) = run(base, e);
    let got = describe(&outcome);
    match (&e.value, &e.error) {
        (Some(want), None) => match &outcome {
            Outcome::Known(s, v) => {
                let same = match (v, exact_decimal(want)) {
                    (Val::Num(n), Some(w)) => *n == w,
                    (Val::Num(_), None) => false,
                    _ => s == want,
                };
                (!same).then(|| format!("expected {want}, got {got}"))
            }
            Outcome::Unknown(rs) if want == "unknown" => {
                let want_rs: Option<BTreeSet<String>> =
                    e.reasons.as_ref().map(|r| r.iter().cloned().collect());
                match want_rs {
                    Some(w) if &w != rs => Some(format!("expected unknown {w:?}, got {got}")),
                    _ => None,
                }
            }
            _ => Some(format!("expected {want}, got {got}")),
        },
        (None, Some(code)) if code.starts_with("eval.") => match &outcome {
            Outcome::EvalError(c) if c == code => None,
            _ => Some(format!("expected evaluation error {code}, got {got}")),
        },
        (None, Some(code)) => {
            let Outcome::Diagnostics(diags) = &outcome else {
                return Some(format!("expected {code}, got {got}"));
            };
            let codes: BTreeSet<&str> = diags.iter().map(|d| d.code.as_str()).collect();
            if codes != BTreeSet::from([code.as_str()]) {
                return Some(format!("expected {code}, got {got}"));
            }
            let at = e.at.as_ref()?;
            let Some(k) = e.expr.find(at.as_str()) else {
                return Some(format!("`at` text `{at}` is not in the expression"));
            };
            let want = offset + k;
            let starts: Vec<usize> = diags
                .iter()
                .filter_map(|d| d.span.as_ref().map(|s| s.start))
                .collect();
            if starts.contains(&want) {
                None
            } else {
                let shown: Vec<&str> = starts
                    .iter()
                    .map(|&s| text.get(s..).unwrap_or("").lines().next().unwrap_or(""))
                    .collect();
                Some(format!(
                    "expected {code} at `{at}`, but the diagnostics point at {shown:?}"
                ))
            }
        }
        _ => Some("an entry needs exactly one of `value` and `error`".into()),
    }
}

#[test]
fn expression_corpus() {
    let base = read("tests/corpus/base.toml");
    let corpus: Corpus = toml::from_str(&read("tests/corpus/expressions.toml"))
        .unwrap_or_else(|e| panic!("tests/corpus/expressions.toml: {e}"));
    assert!(
        corpus.case.len() >= 80,
        "the corpus should hold at least 80 entries, it has {}",
        corpus.case.len()
    );
    // The base pack alone must load (the probe is the only thing that may be wrong).
    let (text, _) = pack_text(
        &base,
        &Entry {
            expr: "true".into(),
            facts: toml::Table::new(),
            as_of: None,
            defs: BTreeMap::new(),
            value: None,
            reasons: None,
            error: None,
            at: None,
        },
    );
    if let Err(d) = api::load(&[("corpus.toml".into(), text)]) {
        panic!("tests/corpus/base.toml does not load: {d:#?}");
    }
    let mut failures = Vec::new();
    for (k, e) in corpus.case.iter().enumerate() {
        if let Some(why) = check(&base, e) {
            let facts = if e.facts.is_empty() {
                String::new()
            } else {
                format!(" with {}", facts_json(&toml::Value::Table(e.facts.clone())))
            };
            failures.push(format!("#{k} `{}`{facts}: {why}", e.expr));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus entries failed:\n{}",
        failures.len(),
        corpus.case.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_values_survive_toml_quoting() {
    // The harness's own quoting: an expression with both quote kinds.
    let s = r#"p.s == 'a' or p.s == "b\c""#;
    let quoted = toml_string(s);
    let t: toml::Table = toml::from_str(&format!("x = {quoted}")).unwrap();
    assert_eq!(t["x"].as_str(), Some(s));
}
