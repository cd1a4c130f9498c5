//! Turns an expression's text into tokens.

use super::ast::Span;
use super::err::ParseError;

/// A token kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name (letters, digits, `_`; not starting with a digit).
    Ident(String),
    /// A decimal number as written.
    Number(String),
    /// A quoted string, without its quotes.
    Str(String),
    /// Punctuation or an operator.
    Punct(&'static str),
    /// End of input.
    Eof,
}

impl Tok {
    /// A short description for error messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Number(s) => format!("number `{s}`"),
            Tok::Str(s) => format!("string `'{s}'`"),
            Tok::Punct(p) => format!("`{p}`"),
            Tok::Eof => "end of expression".into(),
        }
    }
}

const PUNCTS: [&str; 18] = [
    "->", "==", "!=", "<=", ">=", "??", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ",", ".",
];

/// Splits `src` into tokens with their spans, ending with [`Tok::Eof`].
pub fn lex(src: &str) -> Result<Vec<(Tok, Span)>, ParseError> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = src.get(i..).unwrap_or("");
        let Some(c) = rest.chars().next() else { break };
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let len = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len());
            out.push((
                Tok::Ident(rest.get(..len).unwrap_or("").to_string()),
                Span::new(i, i + len),
            ));
            i += len;
            continue;
        }
        if c.is_ascii_digit() {
            let mut len = rest
                .find(|ch: char| !ch.is_ascii_digit())
                .unwrap_or(rest.len());
            // A fractional part only when a digit follows the dot, so `1.x` is no number.
            let after = rest.get(len..).unwrap_or("");
            if after.starts_with('.') && after.chars().nth(1).is_some_and(|d| d.is_ascii_digit()) {
                len += 1 + after
                    .get(1..)
                    .unwrap_or("")
                    .find(|ch: char| !ch.is_ascii_digit())
                    .unwrap_or(after.len() - 1);
            }
            out.push((
                Tok::Number(rest.get(..len).unwrap_or("").to_string()),
                Span::new(i, i + len),
            ));
            i += len;
            continue;
        }
        if c == '\'' || c == '"' {
            let body = rest.get(1..).unwrap_or("");
            match body.find(c) {
                Some(end) => {
                    out.push((
                        Tok::Str(body.get(..end).unwrap_or("").to_string()),
                        Span::new(i, i + end + 2),
                    ));
                    i += end + 2;
                }
                None => {
                    return Err(ParseError::UnclosedString {
                        span: Span::new(i, src.len()),
                    })
                }
            }
            continue;
        }
        match PUNCTS.iter().find(|p| rest.starts_with(**p)) {
            Some(p) => {
                out.push((Tok::Punct(p), Span::new(i, i + p.len())));
                i += p.len();
            }
            None => {
                return Err(ParseError::UnexpectedChar {
                    ch: c,
                    span: Span::new(i, i + c.len_utf8()),
                })
            }
        }
    }
    out.push((Tok::Eof, Span::new(src.len(), src.len())));
    Ok(out)
}
