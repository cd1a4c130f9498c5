//! The browser build embeds the shipped packs already checked and compiled
//! (`huimin compile`, `api::engine_bytes`; feature `compiled-packs`), and its
//! `Engine.withDefaultPacks()` only decodes them (`api::engine_from_bytes`).
//! This checks that the decoded engine is the engine the checker builds (field
//! for field), that it answers exactly as the full packs do (the same schema,
//! programs and hash, byte-identical results for the packs' own cases and 500
//! generated households, in every language, with explanations on and off),
//! that the command line writes those bytes, and that bytes which are not
//! such an engine are refused with a clear error, not a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use huimin::api::{self, LoadOptions, Settings};
use huimin::explain::Lang;
use std::path::Path;
use support::households::{household, Rng};

fn shipped() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    api::read_pack_dir(&dir).unwrap()
}

/// The shipped packs checked as `huimin compile` checks them: no test cases.
fn checked_without_tests(files: &[(String, String)]) -> api::Engine {
    let options = LoadOptions {
        hash: None,
        skip_tests: true,
    };
    api::load_with(files, options).unwrap_or_else(|d| panic!("packs do not check: {d:?}"))
}

#[test]
fn compiled_packs_decode_to_the_engine_the_checker_builds() {
    let files = shipped();
    let engine = checked_without_tests(&files);
    let bytes = api::engine_bytes(&engine).unwrap();
    let decoded = api::engine_from_bytes(&bytes).unwrap();
    // Every field, to the last plan and symbol (the IR types derive Debug).
    assert_eq!(format!("{decoded:?}"), format!("{engine:?}"));
    assert!(decoded.packs.iter().all(|p| p.tests.is_empty()));
    assert!(decoded.shown.facts_in_form_order.len() == decoded.schema.facts.len());
    // Encoding is deterministic: the build's output depends on the packs only.
    assert_eq!(api::engine_bytes(&decoded).unwrap(), bytes);
}

#[test]
fn compiled_packs_answer_as_the_full_packs_do() {
    let files = shipped();
    let full = api::load(&files).unwrap();
    let bytes = api::engine_bytes(&checked_without_tests(&files)).unwrap();
    let compiled = api::engine_from_bytes(&bytes).unwrap();
    assert_eq!(api::schema(&compiled), api::schema(&full));
    assert_eq!(api::programs(&compiled), api::programs(&full));
    assert_eq!(compiled.hash, full.hash);

    let mut cases = support::pack_cases(&full);
    assert!(cases.len() > 100, "{} pack cases", cases.len());
    let mut rng = Rng(0x1ea4_0bad_cafe_f00d);
    cases.extend((0..500).map(|_| household(&mut rng)));
    let mut compared = 0;
    for (i, case) in cases.iter().enumerate() {
        let text = case.to_string();
        for (lang, explain) in [
            (Lang::Zh, true),
            (Lang::En, true),
            (Lang::Ja, true),
            (Lang::En, false),
        ] {
            let s = Settings {
                as_of: None,
                lang,
                explain,
            };
            let want = api::envelope_text(&api::evaluate_text(&full, &text, s));
            let got = api::envelope_text(&api::evaluate_text(&compiled, &text, s));
            assert_eq!(got, want, "case {i} ({lang:?}, explain {explain}): {text}");
            compared += 1;
        }
    }
    assert!(compared > 2000);
}

/// `huimin compile --rules RULES --output OUT` (paths under the manifest's folder).
fn compile(rules: &str, out: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_huimin"))
        .args(["compile", "--rules"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(rules))
        .arg("--output")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn the_command_line_writes_the_compiled_packs() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compiled-packs");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("packs.bin");
    let _ = std::fs::remove_file(&out);
    let run = compile("rules", &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let engine = checked_without_tests(&shipped());
    assert!(stderr.contains(&engine.hash), "{stderr}");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        api::engine_bytes(&engine).unwrap()
    );

    // A folder whose packs do not check: the diagnostics, no file.
    let _ = std::fs::remove_file(&out);
    let run = compile("tests/bad_packs", &out);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("error"));
    assert!(!out.exists());
}

#[test]
fn bytes_that_are_not_compiled_packs_are_refused_with_a_reason() {
    let engine = checked_without_tests(&shipped());
    let bytes = api::engine_bytes(&engine).unwrap();
    let header = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    let refused = |b: &[u8]| match api::engine_from_bytes(b) {
        Ok(_) => panic!("{} bytes accepted", b.len()),
        Err(mut d) => {
            assert_eq!(d.len(), 1, "{d:?}");
            let d = d.remove(0);
            assert_eq!(d.code, "engine.decode");
            assert!(d.help.as_deref().unwrap().contains("huimin compile"));
            d.message
        }
    };
    assert!(refused(b"").contains("no first line"));
    assert!(refused(b"[pack]\nid = \"x\"\n").contains("not compiled packs of this build"));
    let other_version = [b"huimin-engine 0.0.0 ".as_slice(), &bytes[20..]].concat();
    assert!(refused(&other_version).contains("not compiled packs of this build"));
    // A first line naming other packs than those inside.
    let mut relabelled = bytes.clone();
    relabelled[header - 2] = if relabelled[header - 2] == b'0' {
        b'1'
    } else {
        b'0'
    };
    assert!(refused(&relabelled).contains("say they are"));
    // Cut anywhere in the body: an error each time, never a panic.
    let body = bytes.len() - header;
    for cut in [0, 1, 2, 7, body / 3, body / 2, body - 1] {
        let message = refused(&bytes[..header + cut]);
        assert!(message.contains("do not decode"), "cut at {cut}: {message}");
    }
}
