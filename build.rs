//! Embeds the shipped rule packs (`rules/*.toml`) in the WebAssembly build.
//!
//! For `wasm32` targets it writes `$OUT_DIR/default_packs.rs`: a list of
//! `(file name, include_str!(…))` sorted by file name, the order in which the
//! command line reads a rules folder, so `Engine.withDefaultPacks()` has the
//! same content hash as `huimin check`, and that hash (`DEFAULT_HASH`,
//! computed by `check::content_hash`'s own function, `src/check/hash.rs`,
//! so the page does not spend its first moments hashing). With feature
//! `lean-packs` (the browser build) the packs are embedded without their test
//! cases and comments (`src/syntax/lean.rs`); the hash is still that of the
//! files as they are. Native builds read packs from disk and get nothing
//! from here.

#[path = "src/check/hash.rs"]
mod hash;
#[path = "src/syntax/lean.rs"]
mod lean;

use std::fmt::Write as _;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/check/hash.rs");
    println!("cargo:rerun-if-changed=src/syntax/lean.rs");
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
    let mut out = String::from(
        "/// The shipped rule packs, `(file name, text)`, sorted by file name.\n\
         pub const DEFAULT_PACKS: &[(&str, &str)] = &[\n",
    );
    // Feature `lean-packs` (the browser build): each pack without its test
    // cases and comments (`src/syntax/lean.rs`), written beside this file's
    // output and embedded from there.
    let lean_packs = std::env::var_os("CARGO_FEATURE_LEAN_PACKS").is_some();
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    for (name, path, text) in &files {
        let embedded = if lean_packs {
            let lean_path = out_dir.join(format!("lean-{name}"));
            std::fs::write(&lean_path, lean::lean(text))?;
            lean_path
        } else {
            path.clone()
        };
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            embedded.to_string_lossy()
        )?;
    }
    out.push_str("];\n");
    writeln!(
        out,
        "/// Whether [`DEFAULT_PACKS`] hold the packs' test cases (not in a\n\
         /// `lean-packs` build).\npub const DEFAULT_PACKS_HAVE_TESTS: bool = {};",
        !lean_packs
    )?;
    let hash = hash::hash_sorted(files.iter().map(|(n, _, t)| (n.as_str(), t.as_bytes())));
    writeln!(
        out,
        "/// The content hash of the pack files, as `huimin check` gives it (in a\n\
         /// `lean-packs` build, of the files before the cut).\n\
         pub const DEFAULT_HASH: &str = {hash:?};"
    )?;
    let dest = out_dir.join("default_packs.rs");
    std::fs::write(dest, out)?;
    Ok(())
}
