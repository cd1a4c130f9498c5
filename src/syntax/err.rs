//! Errors of the expression parser.

use super::ast::Span;
use thiserror::Error;

/// A syntax error in an expression.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ParseError {
    /// A character that starts no token.
    #[error("unexpected character `{ch}`")]
    UnexpectedChar {
        /// The character.
        ch: char,
        /// Where.
        span: Span,
    },
    /// A string literal without its closing quote.
    #[error("string literal is not closed")]
    UnclosedString {
        /// Where the string starts.
        span: Span,
    },
    /// A token where another was expected.
    #[error("expected {expected}, found {found}")]
    Unexpected {
        /// What the parser wanted.
        expected: String,
        /// What it found.
        found: String,
        /// Where.
        span: Span,
    },
    /// Nesting deeper than the parser allows.
    #[error("expression nests deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Where.
        span: Span,
    },
    /// An expression longer than the parser allows.
    #[error("expression is longer than {limit} bytes")]
    TooLong {
        /// The limit.
        limit: usize,
    },
}

impl ParseError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ParseError::UnexpectedChar { .. } => "parse.unexpected_char",
            ParseError::UnclosedString { .. } => "parse.unclosed_string",
            ParseError::Unexpected { .. } => "parse.unexpected_token",
            ParseError::TooDeep { .. } => "parse.too_deep",
            ParseError::TooLong { .. } => "parse.too_long",
        }
    }

    /// Where the error is.
    pub fn span(&self) -> Span {
        match self {
            ParseError::UnexpectedChar { span, .. }
            | ParseError::UnclosedString { span }
            | ParseError::Unexpected { span, .. }
            | ParseError::TooDeep { span, .. } => *span,
            ParseError::TooLong { .. } => Span::default(),
        }
    }

    /// How to fix it.
    pub fn help(&self) -> Option<String> {
        match self {
            ParseError::UnexpectedChar { .. } => Some(
                "expressions use ASCII names, numbers, quotes and the operators of docs/rule-packs.md"
                    .into(),
            ),
            ParseError::UnclosedString { .. } => Some("close the string with the same quote".into()),
            ParseError::Unexpected { .. } => None,
            ParseError::TooDeep { .. } => {
                Some("split the expression into named definitions".into())
            }
            ParseError::TooLong { .. } => {
                Some("split the expression into named definitions".into())
            }
        }
    }
}
