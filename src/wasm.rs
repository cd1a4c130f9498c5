//! The WebAssembly adapter: JS value → [`api`] call → JS value, nothing more.
//!
//! An [`Engine`] holds compiled packs, so a page or a script compiles once and
//! evaluates many times. An evaluation returns the `{ ok, value | errors }`
//! envelope of [`api::envelope_text`]; every result becomes plain JS objects by
//! `JSON.parse` of the very JSON text the command line prints, so it equals
//! the CLI's output byte for byte once `JSON.stringify`-ed. User mistakes come back as values; only
//! misuse of the API itself (an argument of the wrong type, an unknown option)
//! throws, as a `TypeError`. Nothing here panics.
//!
//! Cases cross the boundary as JSON text: an object is `JSON.stringify`-ed by
//! the JS engine and parsed by `serde_json`, which was measured faster than
//! walking the object with `serde-wasm-bindgen` (see `docs/npm-package.md`),
//! gives exactly the CLI's reading of numbers, and keeps the CLI's size and
//! nesting limits (a cyclic or absurdly deep object cannot exhaust the stack).

use crate::api::{self, Options, Settings};
use crate::diagnostic::Diagnostic;
use crate::input;
use js_sys::{Array, Object, TypeError, JSON};
use serde_json::Value as Json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

include!(concat!(env!("OUT_DIR"), "/default_packs.rs"));

/// Compiled rule packs, ready to evaluate cases.
#[wasm_bindgen]
pub struct Engine {
    inner: api::Engine,
    /// The shipped packs, read without their test cases (see
    /// [`Engine::with_default_packs`]).
    shipped: bool,
}

/// The shipped packs, compiled from their files (Node's build); `tests`
/// also reads their test cases.
#[cfg(not(feature = "compiled-packs"))]
fn load_default(tests: bool) -> Result<api::Engine, JsValue> {
    let files: Vec<(String, String)> = DEFAULT_PACKS
        .iter()
        .map(|(name, text)| ((*name).to_string(), (*text).to_string()))
        .collect();
    let options = api::LoadOptions {
        hash: Some(DEFAULT_HASH.to_string()),
        skip_tests: !tests,
    };
    api::load_with(&files, options).map_err(|errors| {
        let codes: Vec<&str> = errors.iter().map(|d| d.code.as_str()).collect();
        js_sys::Error::new(&format!(
            "the shipped rule packs do not compile: {}",
            codes.join(", ")
        ))
        .into()
    })
}

/// The shipped packs, decoded from the bytes `huimin compile` wrote at build
/// time (the browser's build, feature `compiled-packs`): no test cases.
#[cfg(feature = "compiled-packs")]
fn load_default(tests: bool) -> Result<api::Engine, JsValue> {
    if tests {
        return Err(js_sys::Error::new(NO_TESTS).into());
    }
    // (build.rs refused a file whose first line names other packs than
    // rules/, and the decoder one whose engine is not what that line names.)
    api::engine_from_bytes(COMPILED_PACKS).map_err(|errors| {
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        js_sys::Error::new(&format!(
            "the shipped rule packs do not load: {}",
            messages.join("; ")
        ))
        .into()
    })
}

/// Why `runTests()` on the shipped packs throws in the browser's build.
#[cfg(feature = "compiled-packs")]
const NO_TESTS: &str = "runTests: this is the browser build of huimin, which embeds the shipped \
     packs compiled, without their test cases, to keep the download small and the start quick; \
     run them with the Node build (import or require `huimin` in Node) or `huimin test`, or load \
     the pack files with Engine.fromPacks";

/// A thrown `TypeError` for misuse of the API.
fn type_error(message: String) -> JsValue {
    TypeError::new(&message).into()
}

/// JSON text (what the CLI would print) → plain JS objects.
fn to_js(text: &str) -> Result<JsValue, JsValue> {
    JSON::parse(text)
}

/// Reads `options`: `undefined`/`null` mean defaults; a value of the wrong
/// type or an unknown key throws; a bad value (a language, a date) comes back
/// as diagnostics.
fn settings(
    options: &JsValue,
    method: &str,
    explain_default: bool,
) -> Result<Result<Settings, Vec<Diagnostic>>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(Options::default().settings(explain_default));
    }
    if !options.is_object() || Array::is_array(options) {
        return Err(type_error(format!(
            "{method}: options must be an object such as {{ asOf: \"2025-03-01\", lang: \"en\", explain: true }}"
        )));
    }
    let text = json_text(options, method, "options")?;
    let opts: Options = serde_json::from_str(&text).map_err(|e| {
        // serde_json appends the position in the JSON text, which the caller
        // never wrote: leave it out.
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_string();
        type_error(format!("{method}: bad options: {message}"))
    })?;
    Ok(opts.settings(explain_default))
}

/// A case (or a claim) as JSON text: a string is taken as JSON text, an
/// object (or array) is `JSON.stringify`-ed.
fn json_text(value: &JsValue, method: &str, what: &str) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if !value.is_object() {
        return Err(type_error(format!(
            "{method}: {what} must be an object or a JSON string, not {}",
            value.js_typeof().as_string().unwrap_or_default()
        )));
    }
    let text = JSON::stringify(value).map_err(|e| {
        let reason = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        type_error(format!(
            "{method}: {what} cannot be written as JSON: {reason}"
        ))
    })?;
    Ok(String::from(text))
}

#[wasm_bindgen]
impl Engine {
    /// The shipped rule packs (`rules/*.toml`, embedded at build time).
    ///
    /// Their test cases (two thirds of their text) are left unread: the
    /// native test suite runs them, and an engine that evaluates never needs
    /// them, so a page's first result does not wait for them. `runTests()`
    /// reads them when it is called. The browser build (feature
    /// `compiled-packs`) embeds the packs already checked and compiled, so
    /// that this only decodes them, and without their test cases: there
    /// `runTests()` on the shipped packs throws an `Error` that says so.
    #[wasm_bindgen(js_name = withDefaultPacks)]
    pub fn with_default_packs() -> Result<Engine, JsValue> {
        load_default(false).map(|inner| Engine {
            inner,
            shipped: true,
        })
    }

    /// Compiles rule packs given as `{ "name.toml": text, … }`:
    /// `{ ok: true, value: Engine } | { ok: false, errors }`.
    #[wasm_bindgen(js_name = fromPacks)]
    pub fn from_packs(files: &JsValue) -> Result<JsValue, JsValue> {
        const USAGE: &str =
            "Engine.fromPacks expects an object mapping file names to rule-pack text, such as { \"household.toml\": text }";
        if !files.is_object() || Array::is_array(files) {
            return Err(type_error(USAGE.to_string()));
        }
        let mut packs = Vec::new();
        for entry in Object::entries(files.unchecked_ref()).iter() {
            let entry: Array = entry.unchecked_into();
            let name = entry.get(0).as_string().unwrap_or_default();
            let Some(text) = entry.get(1).as_string() else {
                return Err(type_error(format!(
                    "Engine.fromPacks: the text of `{name}` must be a string"
                )));
            };
            packs.push((name, text));
        }
        // The command line reads a rules folder sorted by file name; the same
        // order gives the same content hash.
        packs.sort();
        match api::load(&packs) {
            Ok(inner) => {
                let out = Object::new();
                js_sys::Reflect::set(&out, &"ok".into(), &JsValue::TRUE)?;
                js_sys::Reflect::set(
                    &out,
                    &"value".into(),
                    &Engine {
                        inner,
                        shipped: false,
                    }
                    .into(),
                )?;
                Ok(out.into())
            }
            Err(errors) => to_js(&api::envelope_text::<()>(&Err(errors))),
        }
    }

    /// Evaluates one case (an object or JSON text) with `{ asOf?, lang?,
    /// explain? }` (explanations on by default): exactly `huimin eval`'s JSON.
    pub fn evaluate(&self, case: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
        let text = json_text(case, "evaluate", "the case")?;
        let r = settings(options, "evaluate", true)?
            .and_then(|s| api::evaluate_text(&self.inner, &text, s));
        to_js(&api::envelope_text(&r))
    }

    /// Evaluates a JSON-lines text (explanations off by default): exactly the
    /// text `huimin batch` writes, one line per input line. When an option's
    /// value is wrong, every line carries that error.
    #[wasm_bindgen(js_name = evaluateBatch)]
    pub fn evaluate_batch(&self, jsonl: &JsValue, options: &JsValue) -> Result<String, JsValue> {
        let Some(text) = jsonl.as_string() else {
            return Err(type_error(format!(
                "evaluateBatch: expects JSON-lines text (a string), not {}",
                jsonl.js_typeof().as_string().unwrap_or_default()
            )));
        };
        match settings(options, "evaluateBatch", false)? {
            Ok(s) => Ok(api::evaluate_batch(&self.inner, &text, s)),
            Err(errors) => {
                let line = api::envelope_text::<()>(&Err(errors));
                Ok(text.lines().map(|_| format!("{line}\n")).collect())
            }
        }
    }

    /// Compares a claimed outcome (`{ "pack.benefit": { status?, amount? } }`)
    /// with the computed one: `{ ok, value: { agrees, checks, result } }`.
    pub fn validate(
        &self,
        case: &JsValue,
        claimed: &JsValue,
        options: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = json_text(case, "validate", "the case")?;
        let claimed_text = json_text(claimed, "validate", "the claimed outcome")?;
        let claimed: Json = serde_json::from_str(&claimed_text)
            .map_err(|e| type_error(format!("validate: the claimed outcome is not JSON: {e}")))?;
        let r = settings(options, "validate", true)?.and_then(|s| {
            let case = input::parse_json(&text)?;
            api::validate(&self.inner, &case, &claimed, s)
        });
        to_js(&api::envelope_text(&r))
    }

    /// The declared facts: `{ jsonSchema, facts }`.
    pub fn schema(&self) -> Result<JsValue, JsValue> {
        to_js(&api::schema(&self.inner).to_string())
    }

    /// The programs and their benefits.
    pub fn programs(&self) -> Result<JsValue, JsValue> {
        to_js(&api::programs(&self.inner).to_string())
    }

    /// Runs the packs' own test cases: `{ passed, failed, tests, coverage }`.
    #[wasm_bindgen(js_name = runTests)]
    pub fn run_tests(&self) -> Result<JsValue, JsValue> {
        let full;
        let engine = if self.shipped {
            full = load_default(true)?;
            &full
        } else {
            &self.inner
        };
        let report = serde_json::to_string(&api::run_tests(engine))
            .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
        to_js(&report)
    }

    /// The content hash of the packs (`sha256:…`).
    #[wasm_bindgen(getter)]
    pub fn hash(&self) -> String {
        self.inner.hash.clone()
    }
}
