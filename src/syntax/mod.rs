//! Syntax: the rule-pack file model, the TOML reader it is read with, and
//! the expression language's lexer, parser and tree.

pub mod ast;
pub mod err;
pub mod lexer;
pub mod pack;
pub mod parser;
pub mod toml;

pub use ast::{Arg, BinOp, Expr, ExprKind, Span};
pub use err::ParseError;
pub use parser::parse_expr;
