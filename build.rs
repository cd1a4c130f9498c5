//! Embeds the shipped rule packs (`rules/*.toml`) in the WebAssembly build.
//!
//! For `wasm32` targets it hashes the pack files (by `check::content_hash`'s
//! own function, `src/check/hash.rs`: the hash `huimin check` prints) and
//! writes `$OUT_DIR/default_packs.rs` with either:
//! - the pack files: `DEFAULT_PACKS`, a list of `(file name, include_str!(…))`
//!   sorted by file name, the order in which the command line reads a rules
//!   folder, and their hash, `DEFAULT_HASH`, so that `withDefaultPacks()`
//!   does not hash them (Node's build);
//! - or, with feature `compiled-packs` (the browser's build), the packs
//!   already checked and compiled: `COMPILED_PACKS`, the bytes that
//!   `huimin compile` wrote to the file named by the environment variable
//!   `HUIMIN_COMPILED_PACKS` (`scripts/build-wasm.sh` runs it and sets it).
//!   The file's first line names the hash of the packs it was compiled from;
//!   a file compiled from other packs than `rules/` is refused here.
//!
//! Native builds read packs from disk and get nothing from here.

#[path = "src/check/hash.rs"]
mod hash;

use std::fmt::Write as _;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/check/hash.rs");
    println!("cargo:rerun-if-env-changed=HUIMIN_COMPILED_PACKS");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() != Ok("wasm32") {
        return Ok(());
    }
    let manifest = std::env::var("CARGO_MANIFEST_DIR")?;
    let rules = Path::new(&manifest).join("rules");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&rules)? {
        let path = entry?.path();
        if path.extension().is_some_and(|x| x == "toml") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path)?;
            files.push((name, path, text));
        }
    }
    files.sort();
    let hash = hash::hash_sorted(files.iter().map(|(n, _, t)| (n.as_str(), t.as_bytes())));
    let mut out = String::new();
    if std::env::var_os("CARGO_FEATURE_COMPILED_PACKS").is_some() {
        let compiled = compiled_packs(&hash)?;
        println!("cargo:rerun-if-changed={}", compiled.display());
        writeln!(
            out,
            "/// The shipped packs compiled (`huimin compile`, `api::engine_bytes`).\n\
             pub const COMPILED_PACKS: &[u8] = include_bytes!({:?});",
            compiled.to_string_lossy()
        )?;
    } else {
        writeln!(
            out,
            "/// The content hash of the pack files, as `huimin check` gives it.\n\
             pub const DEFAULT_HASH: &str = {hash:?};"
        )?;
        out.push_str(
            "/// The shipped rule packs, `(file name, text)`, sorted by file name.\n\
             pub const DEFAULT_PACKS: &[(&str, &str)] = &[\n",
        );
        for (name, path, _) in &files {
            writeln!(
                out,
                "    ({name:?}, include_str!({:?})),",
                path.to_string_lossy()
            )?;
        }
        out.push_str("];\n");
    }
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out_dir.join("default_packs.rs"), out)?;
    Ok(())
}

/// The file of compiled packs named by `HUIMIN_COMPILED_PACKS`, checked to be
/// compiled from the packs of `rules/` (whose hash is `hash`).
fn compiled_packs(hash: &str) -> Result<std::path::PathBuf, String> {
    const HOW: &str = "scripts/build-wasm.sh writes it with \
                       `cargo run -- compile --output FILE` and sets HUIMIN_COMPILED_PACKS=FILE";
    let Some(path) = std::env::var_os("HUIMIN_COMPILED_PACKS") else {
        return Err(format!(
            "feature `compiled-packs` embeds the packs compiled, from the file named by \
             HUIMIN_COMPILED_PACKS, which is not set: {HOW}"
        ));
    };
    let path = std::path::PathBuf::from(path);
    let path = std::fs::canonicalize(&path)
        .map_err(|e| format!("HUIMIN_COMPILED_PACKS={}: {e}; {HOW}", path.display()))?;
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    if !first.starts_with("huimin-engine ") || !first.ends_with(hash) {
        return Err(format!(
            "{} holds packs compiled from other files than rules/ ({hash}): its first line is \
             `{}`; compile them again: {HOW}",
            path.display(),
            first.chars().take(120).collect::<String>()
        ));
    }
    Ok(path)
}
