//! The command line, run as a process: `check`, `test`, `eval` and `batch`
//! against the toy pack (`tests/toy/`) and copies of it made in the target's
//! temporary folder.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_huimin");

fn toy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/toy")
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The number of `[[tests]]` of the toy pack.
fn toy_test_count() -> usize {
    let t: toml::Table =
        toml::from_str(&std::fs::read_to_string(toy_dir().join("library_card.toml")).unwrap())
            .unwrap();
    t["tests"].as_array().unwrap().len()
}

fn write_case(dir: &Path, name: &str, json: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, json).unwrap();
    p
}

const GOLD_CASE: &str = r#"{"as_of": "2024-06-01", "patron": {"resident": true, "kind": "adult", "birth_date": "2000-01-01", "books": [{"id": "a", "pages": 1300, "returned_late": false}]}}"#;

// ---- check --------------------------------------------------------------------

#[test]
fn check_accepts_the_toy_pack() {
    let out = run(&["check", "--rules", path(&toy_dir())]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("ok: 1 packs"), "{stdout}");
}

#[test]
fn check_refuses_a_bad_pack_with_a_caret_under_the_fault() {
    let dir = scratch("check-bad");
    let bad = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_packs/unknown_source.toml"),
    )
    .unwrap();
    std::fs::write(dir.join("pack.toml"), &bad).unwrap();
    let out = run(&["check", "--rules", path(&dir)]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error[check.unknown_source]"), "{stderr}");
    assert!(stderr.contains("--> pack.toml:14:10"), "{stderr}");
    // The source line, then a caret line under column 10.
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.ends_with("| source = \"nope\""))
        .unwrap_or_else(|| panic!("no source line in:\n{stderr}"));
    let caret = lines[at + 1];
    let after_bar = caret.split_once("| ").unwrap().1;
    assert_eq!(
        after_bar.trim_end(),
        format!("{}^^^^^^", " ".repeat(9)),
        "{stderr}"
    );
    assert!(stderr.contains("2 errors"), "{stderr}");
}

// ---- test ---------------------------------------------------------------------

#[test]
fn test_runs_the_toy_pack_tests() {
    let n = toy_test_count();
    let out = run(&["test", "--rules", path(&toy_dir())]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("{n} passed, 0 failed")),
        "{stdout}"
    );
    assert!(!stdout.contains("FAIL"), "{stdout}");
}

#[test]
fn test_fails_when_a_pack_test_fails() {
    let dir = scratch("test-fail");
    let original = std::fs::read_to_string(toy_dir().join("library_card.toml")).unwrap();
    let wrong = original.replacen(
        "expect.tier = \"silver_card\"",
        "expect.tier = \"gold_card\"",
        1,
    );
    assert_ne!(
        wrong, original,
        "the toy pack no longer has the expectation this test edits"
    );
    std::fs::write(dir.join("library_card.toml"), wrong).unwrap();
    let out = run(&["test", "--rules", path(&dir)]);
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    let n = toy_test_count();
    assert!(
        stdout.contains(&format!("{} passed, 1 failed", n - 1)),
        "{stdout}"
    );
    assert!(
        stdout.contains("FAIL library :: silver: too few pages"),
        "{stdout}"
    );
    assert!(stdout.contains("gold_card"), "{stdout}");
}

// ---- eval ---------------------------------------------------------------------

fn eval_json(extra: &[&str], case: &Path) -> (Output, Value) {
    let rules = toy_dir();
    let mut args = vec!["eval", path(case), "--rules", path(&rules)];
    args.extend_from_slice(extra);
    let out = run(&args);
    let v: Value = serde_json::from_str(&text(&out.stdout))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", text(&out.stdout)));
    (out, v)
}

fn gold(v: &Value) -> &Value {
    v["value"]["programs"][0]["benefits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "gold_card")
        .unwrap()
}

#[test]
fn eval_prints_a_json_envelope() {
    let dir = scratch("eval-json");
    let case = write_case(&dir, "case.json", GOLD_CASE);
    let (out, v) = eval_json(&["--lang", "en"], &case);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(v["ok"], true);
    let value = &v["value"];
    assert_eq!(value["as_of"], "2024-06-01");
    assert_eq!(value["programs"][0]["id"], "library");
    assert_eq!(value["programs"][0]["tier"], "gold_card");
    assert_eq!(gold(&v)["status"], "eligible");
    assert_eq!(gold(&v)["name"], "Honour card");
    assert!(gold(&v)["explanation"].is_object());
    assert!(value["rules"]["hash"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
}

#[test]
fn eval_as_of_overrides_the_case() {
    let dir = scratch("eval-as-of");
    let case = write_case(&dir, "case.json", GOLD_CASE);
    let (out, v) = eval_json(&["--lang", "en", "--as-of", "2023-06-01"], &case);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(v["value"]["as_of"], "2023-06-01");
    // Before the renaming.
    assert_eq!(gold(&v)["name"], "Gold card");
}

#[test]
fn eval_refuses_a_bad_case_with_an_error_envelope() {
    let dir = scratch("eval-bad");
    let case = write_case(
        &dir,
        "case.json",
        r#"{"as_of": "2024-06-01", "patron": {"resdent": true, "kind": "teacher"}}"#,
    );
    let (out, v) = eval_json(&[], &case);
    assert!(!out.status.success());
    assert_eq!(v["ok"], false);
    let mut paths: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, ["patron.kind", "patron.resdent"]);
    assert!(text(&out.stderr).contains("error[input.unknown_field]"));
}

#[test]
fn eval_renders_text_in_each_language() {
    let dir = scratch("eval-text");
    let case = write_case(&dir, "case.json", GOLD_CASE);
    // (language, program name, renamed benefit name, a condition's text)
    let langs = [
        ("en", "Library services", "Honour card", "lives in the town"),
        ("zh", "图书馆服务", "荣誉卡", "本镇居民"),
        ("ja", "図書館サービス", "名誉カード", "町の住民である"),
    ];
    let mut outputs = Vec::new();
    for (lang, program, benefit, condition) in langs {
        let out = run(&[
            "eval",
            path(&case),
            "--rules",
            path(&toy_dir()),
            "--format",
            "text",
            "--lang",
            lang,
        ]);
        assert!(out.status.success(), "{lang}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(
            serde_json::from_str::<Value>(&stdout).is_err(),
            "{lang}: text, not JSON"
        );
        for want in [program, benefit, condition, "2024-06-01", "(gold_card)"] {
            assert!(stdout.contains(want), "{lang}: no `{want}` in:\n{stdout}");
        }
        outputs.push(stdout);
    }
    // Other languages' names do not leak in.
    assert!(!outputs[1].contains("Honour card") && !outputs[2].contains("Honour card"));
    assert!(!outputs[0].contains("荣誉卡"));
}

// ---- batch --------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Line {
    Valid,
    UnknownField,
    BadEnum,
    NotJson,
    Empty,
}

fn batch_input() -> Vec<(Line, String)> {
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    (0..200u64)
        .map(|i| {
            let as_of = start + chrono::Days::new(i);
            let kind = match i % 10 {
                _ if i == 99 => Line::Empty,
                3 => Line::UnknownField,
                5 => Line::BadEnum,
                7 => Line::NotJson,
                _ => Line::Valid,
            };
            let line = match kind {
                Line::Valid => format!(
                    r#"{{"as_of": "{as_of}", "patron": {{"resident": true, "books": [{{"id": "b{i}", "pages": {}}}]}}}}"#,
                    i + 1
                ),
                Line::UnknownField => format!(r#"{{"as_of": "2024-06-01", "id_{i}": 1}}"#),
                Line::BadEnum => format!(r#"{{"as_of": "2024-06-01", "patron": {{"kind": "k{i}"}}}}"#),
                Line::NotJson => format!(r#"{{"as_of": "2024-06-01", "x{i}""#),
                Line::Empty => String::new(),
            };
            (kind, line)
        })
        .collect()
}

#[test]
fn batch_writes_one_line_per_input_line_in_order() {
    let dir = scratch("batch");
    let input = batch_input();
    let body: String = input.iter().map(|(_, l)| format!("{l}\n")).collect();
    let in_path = dir.join("cases.jsonl");
    std::fs::write(&in_path, body).unwrap();

    let out = run(&[
        "batch",
        path(&in_path),
        "--rules",
        path(&toy_dir()),
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);

    let out_path = dir.join("results.jsonl");
    let to_file = run(&[
        "batch",
        path(&in_path),
        "--rules",
        path(&toy_dir()),
        "--quiet",
        "-o",
        path(&out_path),
    ]);
    assert!(to_file.status.success(), "{}", text(&to_file.stderr));
    assert!(to_file.stdout.is_empty(), "with -o, nothing goes to stdout");
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), stdout);

    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), input.len());
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    for (i, ((kind, _), line)) in input.iter().zip(&lines).enumerate() {
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("line {i} is not JSON ({e}): {line}"));
        match kind {
            Line::Valid => {
                assert_eq!(v["ok"], true, "line {i}: {line}");
                let as_of = start + chrono::Days::new(i as u64);
                assert_eq!(v["value"]["as_of"], as_of.to_string(), "line {i}");
                // Explanations are off in a batch by default.
                let b = &v["value"]["programs"][0]["benefits"][0];
                assert!(b["explanation"].is_null(), "line {i}");
                continue;
            }
            _ => {
                assert!(
                    line.starts_with(r#"{"ok":false,"errors":["#),
                    "line {i}: {line}"
                );
            }
        }
        let errors = v["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "line {i}: {line}");
        let e = &errors[0];
        let (code, path) = match kind {
            Line::UnknownField => ("input.unknown_field", Some(format!("id_{i}"))),
            Line::BadEnum => ("input.bad_enum_value", Some("patron.kind".to_string())),
            Line::NotJson => ("input.not_json", None),
            Line::Empty => ("input.empty_line", None),
            Line::Valid => unreachable!(),
        };
        assert_eq!(e["code"], code, "line {i}: {line}");
        assert_eq!(
            e["path"].as_str().map(str::to_string),
            path,
            "line {i}: {line}"
        );
        assert!(!e["message"].as_str().unwrap().is_empty());
        if let Line::BadEnum = kind {
            assert!(
                e["message"].as_str().unwrap().contains(&format!("k{i}")),
                "line {i}"
            );
        }
    }
    let stderr = text(&out.stderr);
    assert!(stderr.contains("200 cases, 61 with errors"), "{stderr}");
}
