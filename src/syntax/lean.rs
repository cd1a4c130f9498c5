//! A pack's text without what evaluation never reads: its test cases (the
//! `tests` tables) and its comment lines. The browser build embeds the
//! shipped packs this way (`build.rs`, feature `lean-packs`): they are most
//! of its download, and two thirds of their text is tests and comments.
//!
//! Each line that goes becomes an empty line, so every line that stays keeps
//! its number. The cut is made line by line, at the margin: a section is a
//! `tests` section when its header's first key is `tests` (`[[tests]]`,
//! `[tests.x]`, `[[tests.x]]`), and it runs to the next header at the margin.
//! A pack with a multi-line string (`"""` or `'''`) is left whole, since a
//! line inside one can look like a header or a comment. Whether the result
//! compiles to the same engine is checked on the shipped packs by a test
//! (`tests/lean_packs.rs`); `build.rs` includes this file, so it uses `std`
//! only.

/// `text` without its `tests` sections and comment lines (see the module
/// documentation); a pack with a multi-line string comes back whole.
pub fn lean(text: &str) -> String {
    if text.contains("\"\"\"") || text.contains("'''") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() / 2);
    let mut in_tests = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with('[') {
            in_tests = header_is_tests(line);
        }
        let comment = line.trim_start().starts_with('#');
        if !in_tests && !comment {
            out.push_str(line);
        } else if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Whether a header line (`[…]` or `[[…]]`) opens a table under `tests`.
fn header_is_tests(line: &str) -> bool {
    let inner = line.trim_start_matches('[').trim_start();
    let key = inner
        .strip_prefix('"')
        .and_then(|q| q.split_once('"'))
        .or_else(|| inner.strip_prefix('\'').and_then(|q| q.split_once('\'')))
        .map(|(k, _)| k)
        .unwrap_or_else(|| {
            inner
                .split(|c: char| c == '.' || c == ']' || c.is_whitespace())
                .next()
                .unwrap_or_default()
        });
    key == "tests"
}

#[cfg(test)]
mod tests {
    use super::lean;

    #[test]
    fn tests_sections_and_comments_become_empty_lines() {
        let text = "# a pack\n[pack]\nid = \"x\" # kept: not a comment line\n\n\
                    [[tests]]\nname = \"t\"\ncase.a = [\n  1,\n]\n\
                    [tests.more]\nb = 1\n  # indented comment\n[facts.\"a\"]\ntype = \"bool\"\n";
        let want = "\n[pack]\nid = \"x\" # kept: not a comment line\n\n\
                    \n\n\n\n\n\n\n\n[facts.\"a\"]\ntype = \"bool\"\n";
        assert_eq!(lean(text), want);
        assert_eq!(lean(text).lines().count(), text.lines().count());
    }

    #[test]
    fn only_a_first_key_of_tests_opens_a_tests_section() {
        for header in [
            "[[tests]]",
            "[ tests ]",
            "[[ tests.case ]]",
            "[\"tests\"]",
            "['tests'.x]",
        ] {
            assert_eq!(lean(&format!("{header}\na = 1\n")), "\n\n", "{header}");
        }
        for header in [
            "[testsuite]",
            "[facts.tests]",
            "[\"tests.x\"]",
            "[[benefits]]",
        ] {
            let text = format!("{header}\na = 1\n");
            assert_eq!(lean(&text), text, "{header}");
        }
    }

    #[test]
    fn a_pack_with_a_multi_line_string_is_left_whole() {
        for text in [
            "[pack]\nhelp = \"\"\"\n# not a comment\n[[tests]]\n\"\"\"\n",
            "[pack]\nhelp = '''\n[[tests]]\n'''\n",
        ] {
            assert_eq!(lean(text), text);
        }
    }

    #[test]
    fn text_without_a_final_newline_keeps_its_last_line() {
        assert_eq!(lean("[pack]\nid = \"x\""), "[pack]\nid = \"x\"");
        assert_eq!(lean("[pack]\n# end"), "[pack]\n");
    }
}
