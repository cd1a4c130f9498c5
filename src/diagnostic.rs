//! The one shape every user-facing error takes, whatever stage found it.

use serde::Serialize;

/// Where a diagnostic points in a source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceSpan {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset of the end.
    pub end: usize,
    /// UTF-16 offset of the start (for JavaScript).
    pub utf16_start: usize,
    /// UTF-16 offset of the end.
    pub utf16_end: usize,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start, in characters.
    pub column: usize,
}

impl SourceSpan {
    /// Locates a byte range in `src`.
    pub fn locate(src: &str, start: usize, end: usize) -> SourceSpan {
        let clamp = |i: usize| {
            let mut i = i.min(src.len());
            while !src.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let (start, end) = (clamp(start), clamp(end.max(start)));
        let before = src.get(..start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = src.get(line_start..start).unwrap_or("").chars().count() + 1;
        let utf16 = |s: &str| s.chars().map(char::len_utf16).sum::<usize>();
        SourceSpan {
            start,
            end,
            utf16_start: utf16(before),
            utf16_end: utf16(src.get(..end).unwrap_or("")),
            line,
            column,
        }
    }
}

/// A user-facing error or warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, such as `check.unknown_name`.
    pub code: String,
    /// One lowercase sentence.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The rule-pack file, for pack errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The case-file path, for input errors (`household.members[1].birth_date`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<SourceSpan>,
}

impl Diagnostic {
    /// A diagnostic with a code and message only.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            message: message.into(),
            help: None,
            file: None,
            path: None,
            span: None,
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Adds a case-file path.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Renders the diagnostic for a terminal, with a caret under the source
    /// when the file's text is given.
    pub fn render(&self, source: Option<&str>) -> String {
        let mut out = format!("error[{}]: {}\n", self.code, self.message);
        match (&self.file, &self.span) {
            (Some(file), Some(span)) => {
                out.push_str(&format!("  --> {file}:{}:{}\n", span.line, span.column));
                if let Some(src) = source {
                    let line_text = src.lines().nth(span.line - 1).unwrap_or("");
                    let width = src
                        .get(span.start..span.end)
                        .map_or(1, |s| s.lines().next().unwrap_or("").chars().count().max(1));
                    let gutter = span.line.to_string();
                    let pad = " ".repeat(gutter.len());
                    out.push_str(&format!("{pad} |\n{gutter} | {line_text}\n"));
                    out.push_str(&format!(
                        "{pad} | {}{}\n",
                        " ".repeat(span.column - 1),
                        "^".repeat(width)
                    ));
                }
            }
            (Some(file), None) => out.push_str(&format!("  --> {file}\n")),
            _ => {}
        }
        if let Some(path) = &self.path {
            out.push_str(&format!("  at {path}\n"));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("  help: {help}\n"));
        }
        out
    }
}
