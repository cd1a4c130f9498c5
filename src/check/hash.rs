//! The content hash of pack files, `sha256:…`: SHA-256 over each file's name
//! and text, each followed by a zero byte, files in name order. One
//! function for the crate (`check::content_hash`) and for `build.rs`, which
//! includes this file to hash the packs it embeds: the two must agree.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The hash of `(name, text)` pairs, which must come sorted by name.
pub fn hash_sorted<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut hasher = Sha256::new();
    for (name, text) in files {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(text);
        hasher.update([0]);
    }
    let mut hex = String::from("sha256:");
    for b in hasher.finalize() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{b:02x}");
    }
    hex
}
