//! Bad packs: every file of `tests/bad_packs/` holds one or more faults and
//! says, on its first line, which diagnostics the checker must report for it,
//! all at once:
//!
//! ```text
//! # expect: check.unknown_source@14:10, check.bad_period, check.toml@3
//! ```
//!
//! Each item is a code, optionally with `@line` or `@line:col` (1-based, the
//! start of the diagnostic's span). The diagnostics must be exactly that set:
//! every expected item must be reported, and every reported diagnostic must
//! match an item (an item without a position matches any position).
//!
//! How files are loaded:
//!
//! - `tests/bad_packs/NAME.toml` is loaded alone; if one of its leading comment
//!   lines is `# with: common`, together with `tests/bad_packs/common/*.toml`
//!   (packs it may require or collide with; they must be clean themselves).
//! - `tests/bad_packs/DIR/` (any folder but `common`) is one case of several
//!   files loaded together, for faults that need two packs (duplicate pack ids,
//!   a cycle of `requires`). Each file's `# expect:` line lists the
//!   diagnostics located in that file (`# expect:` alone for none).
//!
//! Besides the set of codes, every diagnostic must have a message that is
//! non-empty, lowercase-first, without a trailing period and without a
//! position; a `help` unless its code is one the checker gives none for; and,
//! when it has a span, `Diagnostic::render` must show the line with a caret
//! under the span's column.
//!
//! Faults that would need huge files (size and count limits) are generated in
//! code at the end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use huimin::api;
use huimin::diagnostic::Diagnostic;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Codes for which the checker provides no help.
const NO_HELP: [&str; 3] = [
    "check.bad_fact",
    "check.type_mismatch",
    "parse.unexpected_token",
];

/// One expected diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Want {
    file: String,
    code: String,
    line: Option<usize>,
    col: Option<usize>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_packs")
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    out.sort();
    out
}

/// `(name relative to tests/bad_packs, text)`.
fn read_named(path: &Path) -> (String, String) {
    let name = path
        .strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    (name, std::fs::read_to_string(path).unwrap())
}

fn leading_comments(text: &str) -> impl Iterator<Item = &str> {
    text.lines().take_while(|l| l.starts_with('#'))
}

fn parse_expect(file: &str, text: &str) -> Result<Vec<Want>, String> {
    let first = text.lines().next().unwrap_or("");
    let Some(list) = first.strip_prefix("# expect:") else {
        return Err(format!("{file}: the first line must be `# expect: …`"));
    };
    let mut out = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (code, pos) = match item.split_once('@') {
            Some((c, p)) => (c, Some(p)),
            None => (item, None),
        };
        let (line, col) = match pos {
            None => (None, None),
            Some(p) => {
                let (l, c) = match p.split_once(':') {
                    Some((l, c)) => (l, Some(c)),
                    None => (p, None),
                };
                let l: usize = l
                    .parse()
                    .map_err(|_| format!("{file}: bad item `{item}`"))?;
                let c: Option<usize> = match c {
                    Some(c) => Some(
                        c.parse()
                            .map_err(|_| format!("{file}: bad item `{item}`"))?,
                    ),
                    None => None,
                };
                (Some(l), c)
            }
        };
        out.push(Want {
            file: file.to_string(),
            code: code.to_string(),
            line,
            col,
        });
    }
    Ok(out)
}

fn matches(w: &Want, d: &Diagnostic) -> bool {
    let (line, col) = d
        .span
        .as_ref()
        .map_or((None, None), |s| (Some(s.line), Some(s.column)));
    d.file.as_deref() == Some(w.file.as_str())
        && d.code == w.code
        && (w.line.is_none() || w.line == line)
        && (w.col.is_none() || w.col == col)
}

fn show(d: &Diagnostic) -> String {
    let pos = d
        .span
        .as_ref()
        .map_or(String::new(), |s| format!("@{}:{}", s.line, s.column));
    format!(
        "{}{pos} in {} ({})",
        d.code,
        d.file.as_deref().unwrap_or("-"),
        d.message
    )
}

/// The style rules every diagnostic follows; faults are pushed to `out`.
fn check_style(d: &Diagnostic, files: &[(String, String)], out: &mut Vec<String>) {
    let m = &d.message;
    let first = m.chars().next();
    if first.is_none() {
        out.push(format!("{}: empty message", d.code));
    }
    if first.is_some_and(char::is_uppercase) {
        out.push(format!("{}: message is not lowercase-first: {m}", d.code));
    }
    if m.trim_end().ends_with('.') {
        out.push(format!("{}: message ends with a period: {m}", d.code));
    }
    if m.contains("at line") || m.contains(" column ") {
        out.push(format!("{}: message carries a position: {m}", d.code));
    }
    let help = d.help.as_deref().unwrap_or("");
    if !NO_HELP.contains(&d.code.as_str()) && help.trim().is_empty() {
        out.push(format!("{}: no help", d.code));
    }
    if d.help.is_some() && help.trim().is_empty() {
        out.push(format!("{}: empty help", d.code));
    }
    let (Some(file), Some(span)) = (&d.file, &d.span) else {
        return;
    };
    let Some((_, text)) = files.iter().find(|(n, _)| n == file) else {
        out.push(format!(
            "{}: names a file that was not loaded: {file}",
            d.code
        ));
        return;
    };
    let r = d.render(Some(text));
    if !r.contains(&format!("--> {file}:{}:{}", span.line, span.column)) {
        out.push(format!(
            "{}: rendering lacks `--> file:line:col`:\n{r}",
            d.code
        ));
    }
    let source_line = text.lines().nth(span.line - 1).unwrap_or("");
    let gutter = span.line.to_string();
    let lines: Vec<&str> = r.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == format!("{gutter} | {source_line}"));
    let caret_ok = at
        .and_then(|i| lines.get(i + 1))
        .and_then(|l| l.strip_prefix(&format!("{} | ", " ".repeat(gutter.len()))))
        .is_some_and(|l| {
            let spaces = l.len() - l.trim_start_matches(' ').len();
            let rest = &l[spaces..];
            l[..spaces].chars().count() == span.column - 1
                && !rest.is_empty()
                && rest.chars().all(|c| c == '^')
        });
    if !caret_ok {
        out.push(format!(
            "{}: rendering has no caret under column {}:\n{r}",
            d.code, span.column
        ));
    }
}

/// Loads one case and compares; returns its faults.
fn run_case(label: &str, files: &[(String, String)], wants: &[Want]) -> Vec<String> {
    let mut faults = Vec::new();
    let diags = match api::load(files) {
        Ok(_) => {
            return vec![format!("{label}: loaded without any diagnostic")];
        }
        Err(d) => d,
    };
    for w in wants {
        if !diags.iter().any(|d| matches(w, d)) {
            let pos = match (w.line, w.col) {
                (Some(l), Some(c)) => format!("@{l}:{c}"),
                (Some(l), None) => format!("@{l}"),
                _ => String::new(),
            };
            faults.push(format!(
                "{label}: expected {}{pos} in {}, not reported",
                w.code, w.file
            ));
        }
    }
    for d in &diags {
        if !wants.iter().any(|w| matches(w, d)) {
            faults.push(format!("{label}: unexpected {}", show(d)));
        }
        let mut style = Vec::new();
        check_style(d, files, &mut style);
        faults.extend(style.into_iter().map(|s| format!("{label}: {s}")));
    }
    faults
}

#[test]
fn bad_packs_report_exactly_the_expected_diagnostics() {
    let root = root();
    let common: Vec<(String, String)> = toml_files(&root.join("common"))
        .iter()
        .map(|p| read_named(p))
        .collect();
    assert!(!common.is_empty(), "tests/bad_packs/common holds no packs");
    if let Err(d) = api::load(&common) {
        panic!("tests/bad_packs/common must load cleanly: {d:#?}");
    }

    let mut faults = Vec::new();
    let mut cases = 0;
    let mut codes_seen: BTreeSet<String> = BTreeSet::new();
    // Single files.
    for path in toml_files(&root) {
        let (name, text) = read_named(&path);
        let wants = match parse_expect(&name, &text) {
            Ok(w) => w,
            Err(e) => {
                faults.push(e);
                continue;
            }
        };
        if wants.is_empty() {
            faults.push(format!("{name}: expects no diagnostic"));
        }
        let mut files = vec![(name.clone(), text.clone())];
        if leading_comments(&text).any(|l| l.trim() == "# with: common") {
            files.extend(common.iter().cloned());
        }
        codes_seen.extend(wants.iter().map(|w| w.code.clone()));
        faults.extend(run_case(&name, &files, &wants));
        cases += 1;
    }
    // Folders of files loaded together.
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.ends_with("common"))
        .collect();
    dirs.sort();
    for dir in dirs {
        let label = dir.file_name().unwrap().to_string_lossy().to_string();
        let files: Vec<(String, String)> = toml_files(&dir).iter().map(|p| read_named(p)).collect();
        if files.len() < 2 {
            faults.push(format!("{label}/: a folder case needs two or more files"));
        }
        let mut wants = Vec::new();
        for (name, text) in &files {
            match parse_expect(name, text) {
                Ok(w) => wants.extend(w),
                Err(e) => faults.push(e),
            }
        }
        if wants.is_empty() {
            faults.push(format!("{label}/: expects no diagnostic"));
        }
        codes_seen.extend(wants.iter().map(|w| w.code.clone()));
        faults.extend(run_case(&format!("{label}/"), &files, &wants));
        cases += 1;
    }
    assert!(cases >= 20, "only {cases} bad-pack cases were found");

    // Every code the checker can report from a file is covered by some file
    // (the size and count limits are generated below).
    let file_codes = [
        "check.toml",
        "check.duplicate_pack",
        "check.unknown_pack",
        "check.pack_cycle",
        "check.bad_name",
        "check.duplicate_fact",
        "check.bad_fact_path",
        "check.unknown_type",
        "check.bad_fact",
        "check.bad_decimal",
        "check.bad_date",
        "check.bad_confidence",
        "check.parameter_order",
        "check.duplicate_name",
        "check.unknown_name",
        "check.unknown_field",
        "check.unknown_function",
        "check.arity",
        "check.type_mismatch",
        "check.unknown_enum_value",
        "check.definition_cycle",
        "check.unknown_source",
        "check.unknown_benefit",
        "check.duplicate_id",
        "check.bad_period",
        "check.amount_period",
        "check.bad_status",
        "parse.unexpected_token",
        "parse.unclosed_string",
        "parse.unexpected_char",
        "parse.too_deep",
    ];
    for c in file_codes {
        if !codes_seen.contains(c) {
            faults.push(format!("no bad pack expects {c}"));
        }
    }

    assert!(
        faults.is_empty(),
        "{} bad-pack faults:\n{}",
        faults.len(),
        faults.join("\n")
    );
}

// ---- limits, generated ---------------------------------------------------------

const HEADER: &str = r#"[pack]
id = "generated"
version = "1"
name = { zh = "生成", en = "generated", ja = "生成" }
"#;

fn only_code(files: &[(String, String)], code: &str) {
    let diags = api::load(files).expect_err("the pack must be refused");
    let codes: BTreeSet<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, BTreeSet::from([code]), "{diags:#?}");
    let mut style = Vec::new();
    for d in &diags {
        check_style(d, files, &mut style);
    }
    assert!(style.is_empty(), "{style:#?}");
}

#[test]
fn no_packs_at_all() {
    only_code(&[], "check.no_packs");
}

#[test]
fn a_pack_file_over_the_size_limit() {
    let mut text = HEADER.to_string();
    let filler = format!("# {}\n", "x".repeat(1000));
    while text.len() <= huimin::check::MAX_PACK_BYTES {
        text.push_str(&filler);
    }
    only_code(&[("huge.toml".into(), text)], "check.too_large");
}

#[test]
fn more_parameters_than_the_engine_tracks() {
    let mut text = HEADER.to_string();
    for k in 0..=huimin::check::MAX_PARAMS {
        text.push_str(&format!(
            "[parameters.p{k}]\nlabel = {{ zh = \"p\", en = \"p\", ja = \"p\" }}\nunit = {{ zh = \"u\", en = \"u\", ja = \"u\" }}\nvalues = []\n"
        ));
    }
    only_code(&[("many.toml".into(), text)], "check.too_many_parameters");
}

#[test]
fn more_faults_than_are_reported() {
    let mut text = HEADER.to_string();
    text.push_str(
        "[facts.\"a.b\"]\ntype = \"bool\"\nlabel = { zh = \"a\", en = \"a\", ja = \"a\" }\n",
    );
    for k in 0..300 {
        text.push_str(&format!("colour{k} = \"red\"\n"));
    }
    let files = [("faulty.toml".to_string(), text)];
    only_code(&files, "check.toml");
    let diags = api::load(&files).unwrap_err();
    assert_eq!(diags.len(), huimin::syntax::toml::MAX_ERRORS + 1);
    assert!(diags
        .last()
        .unwrap()
        .message
        .contains("more faults may follow"));
}

#[test]
fn an_expression_over_the_length_limit() {
    let expr = vec!["1"; 10_000].join(" + ");
    assert!(expr.len() > huimin::syntax::parser::MAX_LEN);
    let text = format!("{HEADER}\n[definitions]\nlong = \"{expr}\"\n");
    only_code(&[("long.toml".into(), text)], "parse.too_long");
}
