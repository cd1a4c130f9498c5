//! Bad cases: every entry of `tests/bad_cases.toml` is evaluated against the
//! toy pack (`tests/toy/`) through `huimin::api::evaluate_text`, and the set
//! of `code@path` of its diagnostics must be exactly the entry's `errors`
//! (empty: the case is accepted). All mismatches are reported at the end.
//! The size limits are generated in code at the end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use huimin::api::{self, Engine, Options, Settings};
use huimin::diagnostic::Diagnostic;
use huimin::input;
use huimin::ir::{FactSlot, Val};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    json: String,
    errors: Vec<String>,
    #[serde(default)]
    helps: Vec<String>,
    as_of: Option<String>,
    #[serde(default)]
    values: BTreeMap<String, String>,
}

/// Codes for which the decoder gives no help.
const NO_HELP: [&str; 1] = ["input.out_of_range"];
/// Codes that concern the whole text, not a field.
const NO_PATH: [&str; 3] = ["input.not_json", "input.too_large", "input.wrong_type"];

fn toy() -> Engine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/toy");
    let mut files = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            files.push((name, std::fs::read_to_string(&p).unwrap()));
        }
    }
    files.sort();
    api::load(&files).unwrap_or_else(|d| panic!("the toy pack does not load: {d:#?}"))
}

fn settings(as_of: Option<&str>) -> Settings {
    Options {
        as_of: as_of.map(str::to_string),
        lang: Some("en".into()),
        explain: Some(false),
    }
    .settings(false)
    .unwrap()
}

fn key(d: &Diagnostic) -> String {
    match &d.path {
        Some(p) => format!("{}@{p}", d.code),
        None => d.code.clone(),
    }
}

/// Style rules every input diagnostic follows.
fn style(d: &Diagnostic) -> Vec<String> {
    let mut out = Vec::new();
    let m = &d.message;
    if m.is_empty() {
        out.push(format!("{}: empty message", d.code));
    }
    if m.chars().next().is_some_and(char::is_uppercase) {
        out.push(format!("{}: message is not lowercase-first: {m}", d.code));
    }
    if m.ends_with('.') {
        out.push(format!("{}: message ends with a period: {m}", d.code));
    }
    if let Some(p) = &d.path {
        if p.contains('.') && m.contains(p.as_str()) {
            out.push(format!("{}: the path is in the message: {m}", d.code));
        }
    }
    if !NO_HELP.contains(&d.code.as_str()) && d.help.as_deref().is_none_or(|h| h.trim().is_empty())
    {
        out.push(format!("{}: no help", d.code));
    }
    if d.path.is_none() && !NO_PATH.contains(&d.code.as_str()) {
        out.push(format!("{}: no path", d.code));
    }
    out
}

fn check_values(engine: &Engine, c: &Case) -> Vec<String> {
    let mut out = Vec::new();
    if c.values.is_empty() {
        return out;
    }
    let as_of = c
        .as_of
        .as_deref()
        .map(|s| huimin::check::parse_date(s).unwrap());
    let facts = match input::decode_text(engine, &c.json, as_of) {
        Ok(f) => f,
        Err(d) => return vec![format!("not decoded: {d:?}")],
    };
    for (path, want) in &c.values {
        let Some(&fid) = engine.schema.by_path.get(path) else {
            out.push(format!("no fact `{path}`"));
            continue;
        };
        let FactSlot::Scalar(slot) = engine.schema.facts[fid as usize].slot else {
            out.push(format!("`{path}` is not a scalar fact"));
            continue;
        };
        let got = match &facts.scalars[slot as usize] {
            Some(Val::Num(n)) => n.to_string(),
            Some(v) => format!("{v:?}"),
            None => "unknown".into(),
        };
        if &got != want {
            out.push(format!("{path}: expected exactly {want}, decoded {got}"));
        }
    }
    out
}

#[test]
fn bad_cases_report_exactly_the_expected_errors() {
    let engine = toy();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_cases.toml");
    let cases: Cases = toml::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("tests/bad_cases.toml: {e}"));
    assert!(cases.case.len() >= 30, "only {} cases", cases.case.len());
    let mut failures = Vec::new();
    let mut names = BTreeSet::new();
    for c in &cases.case {
        if !names.insert(c.name.clone()) {
            failures.push(format!("`{}`: the name is used twice", c.name));
        }
        let mut faults = Vec::new();
        let want: BTreeSet<String> = c.errors.iter().cloned().collect();
        match api::evaluate_text(&engine, &c.json, settings(c.as_of.as_deref())) {
            Ok(_) if want.is_empty() => {}
            Ok(_) => faults.push(format!("expected {want:?}, but the case was accepted")),
            Err(diags) => {
                let got: BTreeSet<String> = diags.iter().map(key).collect();
                if got != want {
                    let shown: Vec<String> = diags
                        .iter()
                        .map(|d| format!("{} ({})", key(d), d.message))
                        .collect();
                    faults.push(format!("expected {want:?}, got {shown:?}"));
                }
                for d in &diags {
                    faults.extend(style(d));
                }
                for h in &c.helps {
                    if !diags
                        .iter()
                        .any(|d| d.help.as_deref().is_some_and(|x| x.contains(h.as_str())))
                    {
                        let helps: Vec<&str> =
                            diags.iter().filter_map(|d| d.help.as_deref()).collect();
                        faults.push(format!("no help contains `{h}`; helps: {helps:?}"));
                    }
                }
            }
        }
        faults.extend(check_values(&engine, c));
        failures.extend(faults.into_iter().map(|f| format!("`{}`: {f}", c.name)));
    }
    assert!(
        failures.is_empty(),
        "{} bad-case failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_list_longer_than_the_limit_is_refused() {
    let engine = toy();
    let books: Vec<String> = (0..=input::MAX_RECORDS)
        .map(|i| format!("{{\"id\": \"b{i}\"}}"))
        .collect();
    let json = format!(
        "{{\"as_of\": \"2024-06-01\", \"patron\": {{\"books\": [{}]}}}}",
        books.join(", ")
    );
    let diags = api::evaluate_text(&engine, &json, settings(None)).unwrap_err();
    let got: Vec<String> = diags.iter().map(key).collect();
    assert_eq!(got, ["input.too_many_records@patron.books"]);
    assert!(diags.iter().all(|d| style(d).is_empty()), "{diags:#?}");
    // One record fewer is fine.
    let ok = json.replacen(&format!(", {{\"id\": \"b{}\"}}", input::MAX_RECORDS), "", 1);
    assert!(api::evaluate_text(&engine, &ok, settings(None)).is_ok());
}

#[test]
fn a_unique_value_twice_in_a_long_list_is_found() {
    // Short lists are compared record by record, long ones by text: both
    // find every record that repeats an earlier one's value.
    let engine = toy();
    for len in [3usize, 32, 33, 200] {
        let books: Vec<String> = (0..len)
            .map(|i| {
                let id = if i % 7 == 2 && i > 0 {
                    format!("b{}", i - 1)
                } else {
                    format!("b{i}")
                };
                format!("{{\"id\": \"{id}\"}}")
            })
            .collect();
        let json = format!(
            "{{\"as_of\": \"2024-06-01\", \"patron\": {{\"books\": [{}]}}}}",
            books.join(", ")
        );
        let want: Vec<String> = (0..len)
            .filter(|i| i % 7 == 2 && *i > 0)
            .map(|i| format!("input.duplicate_value@patron.books[{i}].id"))
            .collect();
        let got: Vec<String> = match api::evaluate_text(&engine, &json, settings(None)) {
            Ok(_) => Vec::new(),
            Err(diags) => diags.iter().map(key).collect(),
        };
        assert_eq!(got, want, "{len} records");
    }
}

#[test]
fn a_case_larger_than_the_limit_is_refused() {
    let engine = toy();
    let padding = " ".repeat(input::MAX_CASE_BYTES);
    let json = format!("{{\"as_of\": \"2024-06-01\"{padding}}}");
    let diags = api::evaluate_text(&engine, &json, settings(None)).unwrap_err();
    let got: Vec<String> = diags.iter().map(key).collect();
    assert_eq!(got, ["input.too_large"]);
    assert!(diags.iter().all(|d| style(d).is_empty()), "{diags:#?}");
}

#[test]
fn deep_nesting_is_an_error_value_never_a_crash() {
    let engine = toy();
    let deep = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let codes = |json: &str| -> Vec<String> {
        api::evaluate_text(&engine, json, settings(None))
            .unwrap_err()
            .iter()
            .map(key)
            .collect()
    };
    // Where no fact is declared, a value is skipped however deep it is.
    let unknown = format!(
        "{{\"as_of\": \"2024-06-01\", \"shelf\": {}}}",
        deep(200_000)
    );
    assert_eq!(codes(&unknown), ["input.unknown_field@shelf"]);
    // Where a record or a scalar is declared, a deep value is a wrong type.
    let record = format!(
        "{{\"as_of\": \"2024-06-01\", \"patron\": {{\"books\": [{}]}}}}",
        deep(200_000)
    );
    assert_eq!(codes(&record), ["input.wrong_type@patron.books[0]"]);
    let scalar = format!(
        "{{\"as_of\": \"2024-06-01\", \"patron\": {{\"resident\": {}}}}}",
        deep(200_000)
    );
    assert_eq!(codes(&scalar), ["input.wrong_type@patron.resident"]);
    // Unbalanced nesting is not JSON.
    assert_eq!(codes(&"[".repeat(200_000)), ["input.not_json"]);
    // Objects nest as deep, where an object, a list's record or a record's
    // field is declared, or nothing.
    let objects = |depth: usize| format!("{}1{}", "{\"a\": ".repeat(depth), "}".repeat(depth));
    let object = format!(
        "{{\"as_of\": \"2024-06-01\", \"patron\": {}}}",
        deep(200_000)
    );
    assert_eq!(codes(&object), ["input.wrong_type@patron"]);
    let field = format!(
        "{{\"as_of\": \"2024-06-01\", \"patron\": {{\"books\": [{{\"id\": {}}}]}}}}",
        objects(100_000)
    );
    assert_eq!(codes(&field), ["input.wrong_type@patron.books[0].id"]);
    let unknown = format!(
        "{{\"as_of\": \"2024-06-01\", \"shelf\": {}, \"patron\": {{\"resdent\": {}}}}}",
        objects(100_000),
        deep(100_000)
    );
    assert_eq!(
        codes(&unknown),
        [
            "input.unknown_field@shelf",
            "input.unknown_field@patron.resdent"
        ]
    );
    // Deep down, a bracket that closes the wrong kind is not JSON.
    let crossed = format!(
        "{{\"as_of\": \"2024-06-01\", \"shelf\": {}1{}]}}",
        "{\"a\": [".repeat(100_000),
        "]}".repeat(99_999)
    );
    assert_eq!(codes(&crossed), ["input.not_json"]);
}

/// A case with something of everything the JSON reader reads: escapes, a
/// surrogate pair, exponents, `null`, nested records.
const FULL: &str = r#"{"as_of": "2024-06-01", "patron": {"resident": true, "kind": "stud\u0065nt", "birth_date": "2000-01-31", "delivery_cost": 12.5e0, "books": [{"id": "\ud83d\udcda", "pages": 120, "returned_late": false}, {"id": "b\"2\\", "pages": 1e2, "returned_late": null}, {"id": "c", "pages": 5000}]}}"#;

#[test]
fn a_case_cut_short_anywhere_is_not_json_at_its_end() {
    let engine = toy();
    let pretty = serde_json::to_string_pretty(&input::parse_json(FULL).unwrap()).unwrap();
    for text in [FULL, pretty.as_str()] {
        assert!(api::evaluate_text(&engine, text, settings(None)).is_ok());
        for cut in 0..text.len() {
            let Some(head) = text.get(..cut) else {
                continue;
            };
            let diags = api::evaluate_text(&engine, head, settings(None)).unwrap_err();
            let got: Vec<String> = diags.iter().map(key).collect();
            assert_eq!(got, ["input.not_json"], "cut at {cut}: {head}");
            // The place named is the end of the text, in bytes.
            let line = 1 + head.matches('\n').count();
            let column = cut - head.rfind('\n').map_or(0, |i| i + 1);
            let at = format!(" at line {line} column {column}");
            assert!(
                diags[0].message.ends_with(&at),
                "{at}: {}",
                diags[0].message
            );
            assert!(diags.iter().all(|d| style(d).is_empty()), "{diags:#?}");
        }
    }
}

#[test]
fn a_case_reads_the_same_however_it_is_written() {
    let engine = toy();
    let result = |text: &str| {
        let r = api::evaluate_text(&engine, text, settings(None));
        serde_json::to_string(&r.unwrap_or_else(|d| panic!("{text}: {d:#?}"))).unwrap()
    };
    let want = result(FULL);
    // Whitespace of every kind between the tokens, none at all, and other
    // escapes (or none) for the same characters.
    let spread = FULL
        .replace(", ", " ,\r\n\t")
        .replace(": ", "\n:  ")
        .replace('{', "{\n ")
        .replace('}', "\t}\r\n");
    let tight = FULL.replace(", ", ",").replace(": ", ":");
    let escapes = FULL
        .replace("stud\\u0065nt", "student")
        .replace("\\ud83d\\udcda", "📚")
        .replace("\"resident\"", "\"r\\u0065sid\\u0065nt\"")
        .replace("\"c\"", "\"\\u0063\"");
    assert_ne!(escapes, FULL);
    let facts = |text: &str| format!("{:?}", input::decode_text(&engine, text, None).unwrap());
    for text in [spread.as_str(), tight.as_str(), escapes.as_str()] {
        assert_eq!(result(text), want, "{text}");
        assert_eq!(facts(text), facts(FULL), "{text}");
    }
}

#[test]
fn the_not_json_message_names_the_line_and_column() {
    let engine = toy();
    let text = "{\n  \"as_of\": \"2024-06-01\",\n  \"patron\": {\"resident\": tru}\n}";
    let diags = api::evaluate_text(&engine, text, settings(None)).unwrap_err();
    assert_eq!(diags.len(), 1);
    assert_eq!(
        diags[0].message,
        "the case is not valid JSON: expected ident at line 3 column 29"
    );
    let raw_tab = "{\"as_of\": \"2024-06-01\", \"patron\": {\"books\": [{\"id\": \"a\tb\"}]}}";
    let diags = api::evaluate_text(&engine, raw_tab, settings(None)).unwrap_err();
    assert_eq!(
        diags.iter().map(key).collect::<Vec<_>>(),
        ["input.not_json"]
    );
    assert!(diags[0].message.contains("control character"), "{diags:?}");
    // DEL and characters beyond ASCII are no control characters.
    let del = "{\"as_of\": \"2024-06-01\", \"patron\": {\"books\": [{\"id\": \"a\u{7f}图书\"}]}}";
    assert!(api::evaluate_text(&engine, del, settings(None)).is_ok());
}
