//! A recursive-descent parser for the expression language.

use super::ast::{Arg, BinOp, Expr, ExprKind, Span};
use super::err::ParseError;
use super::lexer::{lex, Tok};

/// How deeply expressions may nest.
pub const MAX_DEPTH: usize = 64;
/// How long one expression may be, in bytes.
pub const MAX_LEN: usize = 16 * 1024;

/// Parses one expression.
pub fn parse_expr(src: &str) -> Result<Expr, ParseError> {
    if src.len() > MAX_LEN {
        return Err(ParseError::TooLong { limit: MAX_LEN });
    }
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let e = p.expr()?;
    p.expect_eof()?;
    Ok(e)
}

struct Parser {
    toks: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
}

const EOF: (Tok, Span) = (Tok::Eof, Span { start: 0, end: 0 });

impl Parser {
    fn peek(&self) -> &(Tok, Span) {
        self.toks.get(self.pos).unwrap_or(&EOF)
    }

    fn peek_at(&self, k: usize) -> &Tok {
        &self.toks.get(self.pos + k).unwrap_or(&EOF).0
    }

    fn bump(&mut self) -> (Tok, Span) {
        let t = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(&self.peek().0, Tok::Punct(q) if *q == p)
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().0, Tok::Ident(s) if s == kw)
    }

    fn unexpected(&self, expected: &str) -> ParseError {
        let (tok, span) = self.peek();
        ParseError::Unexpected {
            expected: expected.to_string(),
            found: tok.describe(),
            span: *span,
        }
    }

    fn expect_punct(&mut self, p: &str) -> Result<Span, ParseError> {
        if self.is_punct(p) {
            Ok(self.bump().1)
        } else {
            Err(self.unexpected(&format!("`{p}`")))
        }
    }

    fn expect_kw(&mut self, kw: &str) -> Result<(), ParseError> {
        if self.is_kw(kw) {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected(&format!("`{kw}`")))
        }
    }

    fn expect_eof(&mut self) -> Result<(), ParseError> {
        match self.peek().0 {
            Tok::Eof => Ok(()),
            _ => Err(self.unexpected("an operator or the end of the expression")),
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::TooDeep {
                limit: MAX_DEPTH,
                span: self.peek().1,
            });
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let r = if self.is_kw("if") {
            let start = self.bump().1;
            let c = self.expr()?;
            self.expect_kw("then")?;
            let a = self.expr()?;
            self.expect_kw("else")?;
            let b = self.expr()?;
            let span = start.to(b.span);
            Ok(Expr {
                kind: ExprKind::If(Box::new(c), Box::new(a), Box::new(b)),
                span,
            })
        } else {
            self.or()
        };
        self.depth -= 1;
        r
    }

    fn binary_loop(
        &mut self,
        ops: &[(&str, BinOp)],
        next: fn(&mut Self) -> Result<Expr, ParseError>,
    ) -> Result<Expr, ParseError> {
        let mut lhs = next(self)?;
        'outer: loop {
            for (text, op) in ops {
                let hit = match &self.peek().0 {
                    Tok::Punct(p) => p == text,
                    Tok::Ident(s) => s == text,
                    _ => false,
                };
                if hit {
                    self.bump();
                    let rhs = next(self)?;
                    let span = lhs.span.to(rhs.span);
                    lhs = Expr {
                        kind: ExprKind::Binary(*op, Box::new(lhs), Box::new(rhs)),
                        span,
                    };
                    continue 'outer;
                }
            }
            return Ok(lhs);
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        self.binary_loop(&[("or", BinOp::Or)], Self::and)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        self.binary_loop(&[("and", BinOp::And)], Self::not)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.is_kw("not") {
            self.enter()?;
            let start = self.bump().1;
            let inner = self.not()?;
            self.depth -= 1;
            let span = start.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let lhs = self.coalesce()?;
        if self.is_kw("in") {
            self.bump();
            let open = self.expect_punct("[")?;
            let items = self.list_items()?;
            let close = self.expect_punct("]")?;
            let span = lhs.span.to(open).to(close);
            return Ok(Expr {
                kind: ExprKind::In(Box::new(lhs), items),
                span,
            });
        }
        let ops = [
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
        ];
        for (text, op) in ops {
            if self.is_punct(text) {
                self.bump();
                let rhs = self.coalesce()?;
                let span = lhs.span.to(rhs.span);
                if ops.iter().any(|(t, _)| self.is_punct(t)) {
                    return Err(self.unexpected("parentheses: comparisons do not chain"));
                }
                return Ok(Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                });
            }
        }
        Ok(lhs)
    }

    fn coalesce(&mut self) -> Result<Expr, ParseError> {
        self.binary_loop(&[("??", BinOp::Default)], Self::additive)
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        self.binary_loop(
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
            Self::multiplicative,
        )
    }

    fn multiplicative(&mut self) -> Result<Expr, ParseError> {
        self.binary_loop(&[("*", BinOp::Mul), ("/", BinOp::Div)], Self::unary)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.is_punct("-") {
            self.enter()?;
            let start = self.bump().1;
            let inner = self.unary()?;
            self.depth -= 1;
            let span = start.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::Neg(Box::new(inner)),
                span,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.primary()?;
        while self.is_punct(".") {
            self.bump();
            match self.bump() {
                (Tok::Ident(name), fspan) => {
                    let span = e.span.to(fspan);
                    e = Expr {
                        kind: ExprKind::Field(Box::new(e), name, fspan),
                        span,
                    };
                }
                (tok, span) => {
                    return Err(ParseError::Unexpected {
                        expected: "a field name after `.`".into(),
                        found: tok.describe(),
                        span,
                    })
                }
            }
        }
        Ok(e)
    }

    fn list_items(&mut self) -> Result<Vec<Expr>, ParseError> {
        let mut items = Vec::new();
        if self.is_punct("]") {
            return Ok(items);
        }
        loop {
            items.push(self.expr()?);
            if self.is_punct(",") {
                self.bump();
            } else {
                return Ok(items);
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let (tok, span) = self.peek().clone();
        match tok {
            Tok::Number(n) => {
                self.bump();
                Ok(Expr {
                    kind: ExprKind::Number(n),
                    span,
                })
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Expr {
                    kind: ExprKind::Str(s),
                    span,
                })
            }
            Tok::Punct("(") => {
                self.bump();
                self.enter()?;
                let inner = self.expr()?;
                self.depth -= 1;
                let close = self.expect_punct(")")?;
                Ok(Expr {
                    kind: inner.kind,
                    span: span.to(close),
                })
            }
            Tok::Punct("[") => {
                self.bump();
                let items = self.list_items()?;
                let close = self.expect_punct("]")?;
                Ok(Expr {
                    kind: ExprKind::List(items),
                    span: span.to(close),
                })
            }
            Tok::Ident(name) => {
                if matches!(name.as_str(), "then" | "else" | "and" | "or" | "in") {
                    return Err(self.unexpected("a value"));
                }
                self.bump();
                match name.as_str() {
                    "true" => {
                        return Ok(Expr {
                            kind: ExprKind::Bool(true),
                            span,
                        })
                    }
                    "false" => {
                        return Ok(Expr {
                            kind: ExprKind::Bool(false),
                            span,
                        })
                    }
                    _ => {}
                }
                if self.is_punct("(") {
                    self.bump();
                    let args = self.args()?;
                    let close = self.expect_punct(")")?;
                    return Ok(Expr {
                        kind: ExprKind::Call(name, span, args),
                        span: span.to(close),
                    });
                }
                Ok(Expr {
                    kind: ExprKind::Name(name),
                    span,
                })
            }
            _ => Err(self.unexpected("a value")),
        }
    }

    fn args(&mut self) -> Result<Vec<Arg>, ParseError> {
        let mut args = Vec::new();
        if self.is_punct(")") {
            return Ok(args);
        }
        loop {
            self.enter()?;
            let arg = match (self.peek().clone(), self.peek_at(1)) {
                ((Tok::Ident(var), vspan), Tok::Punct("->")) => {
                    self.bump();
                    self.bump();
                    Arg::Lambda(var, vspan, self.expr()?)
                }
                _ => Arg::Expr(self.expr()?),
            };
            self.depth -= 1;
            args.push(arg);
            if self.is_punct(",") {
                self.bump();
            } else {
                return Ok(args);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Number(n) => n.clone(),
            ExprKind::Str(s) => format!("'{s}'"),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Field(b, f, _) => format!("{}.{f}", shape(b)),
            ExprKind::Neg(x) => format!("(-{})", shape(x)),
            ExprKind::Not(x) => format!("(not {})", shape(x)),
            ExprKind::Binary(op, a, b) => format!("({} {} {})", shape(a), op.symbol(), shape(b)),
            ExprKind::In(x, items) => format!(
                "({} in [{}])",
                shape(x),
                items.iter().map(shape).collect::<Vec<_>>().join(", ")
            ),
            ExprKind::List(items) => {
                format!(
                    "[{}]",
                    items.iter().map(shape).collect::<Vec<_>>().join(", ")
                )
            }
            ExprKind::If(c, a, b) => {
                format!("(if {} then {} else {})", shape(c), shape(a), shape(b))
            }
            ExprKind::Call(f, _, args) => format!(
                "{f}({})",
                args.iter()
                    .map(|a| match a {
                        Arg::Expr(e) => shape(e),
                        Arg::Lambda(v, _, b) => format!("{v} -> {}", shape(b)),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    #[test]
    fn precedence_follows_the_reference() {
        let cases = [
            ("1 + 2 * 3", "(1 + (2 * 3))"),
            ("a or b and not c", "(a or (b and (not c)))"),
            ("x ?? 0 + 1 < 3", "((x ?? (0 + 1)) < 3)"),
            ("-a.b * 2", "((-a.b) * 2)"),
            (
                "m.relation in ['self', 'spouse']",
                "(m.relation in ['self', 'spouse'])",
            ),
            (
                "count(xs, m -> m.age >= 60) > 0",
                "(count(xs, m -> (m.age >= 60)) > 0)",
            ),
            ("if a then 1 else 2 + 3", "(if a then 1 else (2 + 3))"),
            ("1.50 - 0.5", "(1.50 - 0.5)"),
        ];
        for (src, want) in cases {
            let e = parse_expr(src).unwrap_or_else(|err| panic!("{src}: {err}"));
            assert_eq!(shape(&e), want, "{src}");
        }
    }

    #[test]
    fn errors_carry_codes_and_spans() {
        let cases = [
            ("1 +", "parse.unexpected_token", 3),
            ("a < b < c", "parse.unexpected_token", 6),
            ("'open", "parse.unclosed_string", 0),
            ("a # b", "parse.unexpected_char", 2),
            ("f(1,", "parse.unexpected_token", 4),
        ];
        for (src, code, start) in cases {
            let err = parse_expr(src).expect_err(src);
            assert_eq!(err.code(), code, "{src}");
            assert_eq!(err.span().start, start, "{src}");
        }
    }

    #[test]
    fn nesting_limit_is_an_error_not_a_crash() {
        let src = format!("{}1{}", "(".repeat(1_000), ")".repeat(1_000));
        assert_eq!(
            parse_expr(&src).expect_err("too deep").code(),
            "parse.too_deep"
        );
        let src = "not ".repeat(200) + "true";
        assert_eq!(
            parse_expr(&src).expect_err("too deep").code(),
            "parse.too_deep"
        );
    }
}
