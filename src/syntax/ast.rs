//! The expression tree produced by the parser.

/// A byte range within one expression's source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `and`
    And,
    /// `or`
    Or,
    /// `??`
    Default,
}

impl BinOp {
    /// The operator as written in the language.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Default => "??",
        }
    }

    /// Whether the operator compares two values.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

/// An expression node with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Where it stands in the source.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A decimal literal, as written.
    Number(String),
    /// A string or enum literal.
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// A bare name: a definition, parameter, lambda variable, `as_of`, or the
    /// first segment of a fact path.
    Name(String),
    /// `base.field`.
    Field(Box<Expr>, String, Span),
    /// `-x`.
    Neg(Box<Expr>),
    /// `not x`.
    Not(Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `x in [a, b]`.
    In(Box<Expr>, Vec<Expr>),
    /// `[a, b]` outside `in`.
    List(Vec<Expr>),
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `f(args)`.
    Call(String, Span, Vec<Arg>),
}

/// A function argument: an expression or a lambda `m -> body`.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A plain expression.
    Expr(Expr),
    /// `name -> body`.
    Lambda(String, Span, Expr),
}

impl Arg {
    /// The argument's span.
    pub fn span(&self) -> Span {
        match self {
            Arg::Expr(e) => e.span,
            Arg::Lambda(_, s, body) => s.to(body.span),
        }
    }
}

impl Expr {
    /// The dotted path this expression spells, if it is only names and fields.
    pub fn as_path(&self) -> Option<Vec<&str>> {
        match &self.kind {
            ExprKind::Name(n) => Some(vec![n.as_str()]),
            ExprKind::Field(base, f, _) => {
                let mut p = base.as_path()?;
                p.push(f.as_str());
                Some(p)
            }
            _ => None,
        }
    }
}
