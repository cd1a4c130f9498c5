//! Explanations: turns evaluation outcomes into explanation data in one
//! language, and renders results as readable text.
//!
//! Everything here reads the outcome; nothing decides it. Explanation data
//! borrows the packs' texts (ids, labels, sources) from the engine, and keeps
//! numbers and dates as values ([`Num`], [`Money`], [`Day`]) that are written
//! out as text when the result is serialised or rendered.

mod words;

pub use words::Lang;

use crate::eval::{BenefitOutcome, ConditionOutcome, Ctx, Reason, Status, Truth, Versions, V};
use crate::ir::*;
use crate::syntax::ast::BinOp;
use crate::syntax::pack::Text;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use words::{fill_word, fill_word_into, op_word, w};
pub use words::{Arg, Word};

/// A date as results write it: `2025-03-01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day(pub NaiveDate);

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match day_text(self.0) {
            Some(buf) => f.write_str(std::str::from_utf8(&buf).unwrap_or_default()),
            None => fmt::Display::fmt(&self.0, f),
        }
    }
}

/// `YYYY-MM-DD` for a year of four digits, without the formatter's padding
/// machinery (explanations show many dates); `None` for other years, which
/// chrono writes its own way.
fn day_text(d: NaiveDate) -> Option<[u8; 10]> {
    let y = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let (m, day) = (d.month(), d.day());
    Some([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

/// Appends a date as results write it ([`Day`]).
fn push_day(out: &mut String, d: NaiveDate) {
    use std::fmt::Write as _;
    match day_text(d) {
        Some(buf) => out.push_str(std::str::from_utf8(&buf).unwrap_or_default()),
        // Writing to a String cannot fail.
        None => {
            let _ = write!(out, "{d}");
        }
    }
}

/// A number as explanations show it: at most two decimals (half away from
/// zero), trailing zeros dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Num(pub Decimal);

impl Num {
    /// The decimal written: rounded to two places, trailing zeros dropped.
    pub fn shown(self) -> Decimal {
        let n = self.0;
        let r = if n.scale() > 2 {
            n.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        } else {
            n
        };
        r.normalize()
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_decimal(f, self.shown())
    }
}

/// An amount with a fixed number of decimals (at least two): `790.00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    /// The amount.
    pub value: Decimal,
    /// Decimals shown.
    pub places: u32,
}

impl Money {
    /// The decimal written: with `places` decimals, at least two.
    pub fn shown(self) -> Decimal {
        let mut r = self.value;
        r.rescale(self.places.max(2));
        r
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_decimal(f, self.shown())
    }
}

/// Writes a decimal as its `Display` does, without the formatter's
/// machinery when no width or precision is asked for.
fn write_decimal(f: &mut fmt::Formatter<'_>, d: Decimal) -> fmt::Result {
    let mut buf = DecimalText::new();
    match (f.width(), f.precision(), buf.write(d)) {
        (None, None, Some(text)) => f.write_str(text),
        _ => fmt::Display::fmt(&d, f),
    }
}

/// Appends a decimal as its `Display` writes it.
pub(crate) fn push_decimal(out: &mut String, d: Decimal) {
    use std::fmt::Write as _;
    let mut buf = DecimalText::new();
    match buf.write(d) {
        Some(text) => out.push_str(text),
        // Writing to a String cannot fail.
        None => {
            let _ = write!(out, "{d}");
        }
    }
}

/// The text of a decimal, as `rust_decimal` writes it, for a mantissa of up
/// to 64 bits (the numbers of results): the digits, a point before the last
/// `scale` of them (after a `0` when there is no whole part), `-` before a
/// negative number (zero too).
struct DecimalText {
    buf: [u8; 64],
    len: usize,
}

impl DecimalText {
    fn new() -> Self {
        DecimalText {
            buf: [0; 64],
            len: 0,
        }
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// Writes the decimal; `None` for a mantissa wider than 64 bits.
    fn write(&mut self, d: Decimal) -> Option<&str> {
        let mut m = u64::try_from(d.mantissa().unsigned_abs()).ok()?;
        let scale = d.scale() as usize;
        // The digits, least significant first.
        let mut digits = [0u8; 20];
        let mut n = 0;
        while m > 0 {
            *digits.get_mut(n)? = b'0' + (m % 10) as u8;
            m /= 10;
            n += 1;
        }
        let digits = digits.get(..n)?;
        if d.is_sign_negative() {
            self.push(b'-');
        }
        if scale == 0 {
            if n == 0 {
                self.push(b'0');
            }
            digits.iter().rev().for_each(|&c| self.push(c));
        } else if n <= scale {
            self.push(b'0');
            self.push(b'.');
            (n..scale).for_each(|_| self.push(b'0'));
            digits.iter().rev().for_each(|&c| self.push(c));
        } else {
            let (fraction, whole) = digits.split_at(scale);
            whole.iter().rev().for_each(|&c| self.push(c));
            self.push(b'.');
            fraction.iter().rev().for_each(|&c| self.push(c));
        }
        std::str::from_utf8(self.buf.get(..self.len)?).ok()
    }
}

/// A value shown in an explanation.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown<'e> {
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Num(Num),
    /// A date.
    Date(Day),
    /// A string, or an enum value by its label.
    Text(Cow<'e, str>),
    /// A list: how many records it holds.
    Records(usize),
    /// One record, by index.
    Record(u32),
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Bool(b) => fmt::Display::fmt(b, f),
            Shown::Num(n) => n.fmt(f),
            Shown::Date(d) => d.fmt(f),
            Shown::Text(t) => f.write_str(t),
            Shown::Records(n) => write!(f, "[{n} records]"),
            Shown::Record(i) => write!(f, "record {i}"),
        }
    }
}

macro_rules! serialize_as_text {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    )*};
}
serialize_as_text!(Day, Num, Money, Shown<'_>);

/// A list that holds one item without an allocation: explanations list
/// mostly none or one of each thing (comparisons, parameters, missing facts).
#[derive(Clone, PartialEq)]
pub enum Few<T> {
    /// One item.
    One(T),
    /// Any other number.
    Many(Vec<T>),
}

impl<T> Few<T> {
    /// The empty list.
    pub const fn new() -> Self {
        Few::Many(Vec::new())
    }

    /// Adds an item at the end.
    pub fn push(&mut self, x: T) {
        match self {
            Few::Many(v) if v.capacity() == 0 => *self = Few::One(x),
            Few::Many(v) => v.push(x),
            Few::One(_) => {
                if let Few::One(first) = std::mem::replace(self, Few::Many(Vec::with_capacity(4))) {
                    if let Few::Many(v) = self {
                        v.push(first);
                        v.push(x);
                    }
                }
            }
        }
    }
}

impl<T> Default for Few<T> {
    fn default() -> Self {
        Few::new()
    }
}

impl<T> FromIterator<T> for Few<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut items = items.into_iter();
        let Some(first) = items.next() else {
            return Few::new();
        };
        let Some(second) = items.next() else {
            return Few::One(first);
        };
        // Room for as many as there may be (a filtered slice says how many
        // it holds at most).
        let (least, most) = items.size_hint();
        let mut v = Vec::with_capacity(2 + most.filter(|m| *m <= 64).unwrap_or(least));
        v.push(first);
        v.push(second);
        v.extend(items);
        Few::Many(v)
    }
}

impl<T> std::ops::Deref for Few<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Few::One(x) => std::slice::from_ref(x),
            Few::Many(v) => v,
        }
    }
}

impl<'a, T> IntoIterator for &'a Few<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for Few<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for Few<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A cited legal source.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cite<'e> {
    /// Document id.
    pub document: &'e str,
    /// Document title.
    pub title: &'e str,
    /// Article.
    pub article: &'e str,
}

/// A parameter value used.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParamUse<'e> {
    /// Parameter id.
    pub id: &'e str,
    /// Its label.
    pub label: &'e str,
    /// The date it was looked up on.
    pub on: Day,
    /// The value, or null when unconfigured.
    pub value: Option<Num>,
    /// Its unit.
    pub unit: &'e str,
    /// The value's first day.
    pub from: Option<Day>,
    /// Confidence tag.
    pub confidence: Option<&'static str>,
    /// Source.
    pub source: Option<&'e str>,
}

/// Two values compared.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Comparison<'e> {
    /// What the left side is.
    pub left: &'e str,
    /// Its value (null when unknown).
    pub actual: Option<Shown<'e>>,
    /// The operator.
    pub op: &'static str,
    /// What the right side is.
    pub right: &'e str,
    /// Its value.
    pub threshold: Option<Shown<'e>>,
}

/// What would make a failed numeric condition pass.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Counterfactual<'e> {
    /// What is measured.
    pub subject: &'e str,
    /// The operator that must hold.
    pub op: &'static str,
    /// The threshold.
    pub threshold: Num,
    /// The present value.
    pub actual: Num,
    /// The sentence.
    pub text: String,
}

/// Another benefit this condition read.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dependency<'e> {
    /// `pack.benefit`.
    pub benefit: &'e str,
    /// Its name.
    pub name: &'e str,
    /// Its status.
    pub status: Status,
}

/// One condition, explained.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConditionExplanation<'e> {
    /// Condition id.
    pub id: &'e str,
    /// Pass, fail or unknown.
    pub outcome: Truth,
    /// The requirement in plain words.
    pub text: &'e str,
    /// The rule as written in the pack.
    pub rule: &'e str,
    /// Legal source.
    pub legal_basis: Cite<'e>,
    /// Values compared.
    pub comparisons: Few<Comparison<'e>>,
    /// Parameters used.
    pub parameters: Few<ParamUse<'e>>,
    /// Other benefits read.
    pub depends_on: Few<Dependency<'e>>,
    /// Unknown facts.
    pub missing: Few<Cow<'e, str>>,
    /// What would change a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterfactual: Option<Counterfactual<'e>>,
}

/// The period a benefit is in force.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PeriodExplanation {
    /// First day.
    pub from: Day,
    /// Last day.
    pub until: Option<Day>,
    /// The date tested.
    pub on: Option<Day>,
}

/// How the amount was computed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AmountExplanation<'e> {
    /// The formula as written.
    pub formula: &'e str,
    /// The result before rounding is not kept; this is the rounded value.
    pub value: Option<Money>,
    /// Parameters used.
    pub parameters: Vec<ParamUse<'e>>,
}

/// Why a benefit has its status.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation<'e> {
    /// One sentence.
    pub summary: String,
    /// Legal basis of the benefit.
    pub legal_basis: Cite<'e>,
    /// Period in force.
    pub period: PeriodExplanation,
    /// Conditions in order.
    pub conditions: Vec<ConditionExplanation<'e>>,
    /// The amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<AmountExplanation<'e>>,
    /// Notes from the pack.
    pub notes: Few<&'e str>,
}

/// Formats a decimal for people: trailing zeros dropped, at most two places.
pub fn fmt_num(n: Decimal) -> String {
    Num(n).to_string()
}

/// Formats an amount with exactly two places (or `places`, if more).
pub fn fmt_amount(n: Decimal, places: u32) -> String {
    Money { value: n, places }.to_string()
}

/// A value as an explanation shows it (enum values by their label when
/// `labels` is the enum fact).
fn shown<'e>(
    engine: &'e Engine,
    cx: &Ctx<'_>,
    v: &Val,
    labels: Option<FactId>,
    lang: Lang,
) -> Shown<'e> {
    match v {
        Val::Bool(b) => Shown::Bool(*b),
        Val::Num(n) => Shown::Num(Num(*n)),
        Val::Date(d) => Shown::Date(Day(*d)),
        Val::Sym(s) => Shown::Text(match engine.symbols.get(*s as usize) {
            Some(t) => Cow::Borrowed(enum_label(engine, labels, *s, lang).unwrap_or(t)),
            // One of the case's own strings (a member id).
            None => Cow::Owned(cx.sym(*s).to_string()),
        }),
        Val::List(_, sel) => Shown::Records(sel.len()),
        Val::Record(_, i) => Shown::Record(*i),
    }
}

/// A constant as an explanation shows it.
fn shown_const<'e>(engine: &'e Engine, c: &Const, labels: Option<FactId>, lang: Lang) -> Shown<'e> {
    match c {
        Const::Bool(b) => Shown::Bool(*b),
        Const::Num(n) => Shown::Num(Num(*n)),
        Const::Date(d) => Shown::Date(Day(*d)),
        Const::Sym(s) => Shown::Text(Cow::Borrowed(
            enum_label(engine, labels, *s, lang).unwrap_or(engine.sym(*s)),
        )),
    }
}

/// The case-file path a reason names (`household.members[1].monthly_income`).
pub fn reason_path<'e>(engine: &'e Engine, r: &Reason) -> Option<Cow<'e, str>> {
    match r {
        Reason::Fact(fid, idx) => {
            let f = engine.schema.fact(*fid)?;
            Some(match idx {
                Some(i) => match engine.shown.record_path(*fid, *i) {
                    Some(p) => Cow::Borrowed(p),
                    None => Cow::Owned(with_index(&f.path, *i)),
                },
                None => Cow::Borrowed(f.path.as_str()),
            })
        }
        Reason::Param(_) => None,
    }
}

/// A record fact's path with the record's index: `a.b[].c` → `a.b[3].c`.
fn with_index(path: &str, i: u32) -> String {
    use std::fmt::Write as _;
    let Some((head, tail)) = path.split_once("[]") else {
        return path.to_string();
    };
    let mut out = String::with_capacity(path.len() + 8);
    out.push_str(head);
    // Writing to a String cannot fail.
    let _ = write!(out, "[{i}]");
    out.push_str(tail);
    out
}

/// The fact paths among reasons, in order. The evaluator keeps each reason
/// once in a set of reasons, and two reasons name the same path only when
/// they are equal, so the paths come without repeats.
#[inline]
pub fn missing_paths<'e>(engine: &'e Engine, reasons: &[Reason]) -> Few<Cow<'e, str>> {
    if reasons.is_empty() {
        return Few::new();
    }
    debug_assert!(
        reasons
            .iter()
            .enumerate()
            .all(|(k, r)| !reasons.get(..k).is_some_and(|before| before.contains(r))),
        "a reason repeated: {reasons:?}"
    );
    reasons
        .iter()
        .filter_map(|r| reason_path(engine, r))
        .collect()
}

/// Describes a parameter value looked up on a date.
pub fn param_use(engine: &Engine, pid: ParamId, on: NaiveDate, lang: Lang) -> Option<ParamUse<'_>> {
    let p = engine.params.get(pid as usize)?;
    let v = p.at(on);
    Some(ParamUse {
        id: &p.id,
        label: lang.pick(&p.decl.label),
        on: Day(on),
        value: v.and_then(|v| v.value).map(Num),
        unit: lang.pick(&p.decl.unit),
        from: v.map(|v| Day(v.from)),
        confidence: v.map(|v| v.confidence.tag()),
        source: v.map(|v| v.source.as_str()),
    })
}

fn param_uses<'e, C: FromIterator<ParamUse<'e>>>(
    engine: &'e Engine,
    cx: &Ctx<'_>,
    v: Versions,
    lang: Lang,
) -> C {
    cx.versions(v)
        .filter_map(|(p, d)| param_use(engine, p, d, lang))
        .collect()
}

fn cite(c: &Citation, lang: Lang) -> Cite<'_> {
    Cite {
        document: &c.document,
        title: lang.pick(&c.title),
        article: &c.article,
    }
}

fn dependency<'e>(
    engine: &'e Engine,
    cx: &Ctx<'_>,
    bid: BenefitId,
    lang: Lang,
) -> Option<Dependency<'e>> {
    let hb = engine.benefits.get(bid as usize)?;
    let ho = cx.benefits().get(bid as usize)?;
    Some(Dependency {
        benefit: &hb.key,
        name: lang.pick(hb.name_on(cx.as_of())),
        status: ho.status,
    })
}

/// Builds the explanation of one benefit. `cx` is the context the case was
/// evaluated in (with a trace), so definitions are already cached.
pub fn explain_benefit<'e>(
    engine: &'e Engine,
    cx: &mut Ctx<'_>,
    b: &'e Benefit,
    o: &BenefitOutcome,
    lang: Lang,
) -> Box<Explanation<'e>> {
    let outcome = |cx: &Ctx<'_>, k: usize| cx.conditions(o).get(k).copied();
    let mut conditions = Vec::with_capacity(o.conditions.len());
    // Every condition has its outcome (a trace evaluates them all). Built
    // by `extend` over a known number, each explanation is written where
    // it stays.
    let explained = b.conditions.len().min(o.conditions.len());
    conditions.extend(b.conditions.iter().zip(0..explained).map(|(c, k)| {
        let co = outcome(cx, k).unwrap_or(ConditionOutcome {
            truth: Truth::Unknown,
            reasons: Default::default(),
            usage: Default::default(),
            versions: Default::default(),
        });
        explain_condition(engine, cx, c, &co, lang)
    }));
    if !b.higher_tiers.is_empty() {
        if let Some(co) = outcome(cx, b.conditions.len()) {
            let depends_on = b
                .higher_tiers
                .iter()
                .filter_map(|&h| dependency(engine, cx, h, lang))
                .collect();
            conditions.push(ConditionExplanation {
                id: "no_higher_tier",
                outcome: co.truth,
                text: w(lang, Word::NoHigherTier),
                rule: "",
                legal_basis: cite(&b.citation, lang),
                comparisons: Few::new(),
                parameters: Few::new(),
                depends_on,
                missing: missing_paths(engine, cx.reasons(co.reasons)),
                counterfactual: None,
            });
        }
    }
    let amount = b
        .amount_src
        .as_deref()
        .filter(|_| o.status == Status::Eligible)
        .map(|formula| AmountExplanation {
            formula,
            value: o.amount.map(|a| Money {
                value: a,
                places: b.rounding,
            }),
            parameters: param_uses(engine, cx, o.amount_versions, lang),
        });
    let notes = b
        .notes
        .iter()
        .filter(|n| n.on.is_empty() || n.on.iter().any(|s| s == o.status.as_str()))
        .map(|n| lang.pick(&n.text))
        .collect();
    let summary = summary(engine, cx, b, o, lang);
    Box::new(Explanation {
        summary,
        legal_basis: cite(&b.citation, lang),
        period: PeriodExplanation {
            from: Day(b.from),
            until: b.until.map(Day),
            on: o.period_date.map(Day),
        },
        conditions,
        amount,
        notes,
    })
}

fn summary(engine: &Engine, cx: &Ctx, b: &Benefit, o: &BenefitOutcome, lang: Lang) -> String {
    match o.status {
        Status::Eligible => match o.amount {
            Some(a) => {
                let period = b.period.map_or("", |p| period_word(p, lang));
                let up_to = if o.up_to { w(lang, Word::UpTo) } else { "" };
                let amount = Money {
                    value: a,
                    places: b.rounding,
                };
                fill_word(
                    lang,
                    Word::SummaryEligibleAmount,
                    &[
                        ("up_to", Arg::Text(up_to)),
                        ("amount", Arg::Decimal(amount.shown())),
                        ("period", Arg::Text(period)),
                    ],
                )
            }
            None if b.amount.is_some() => w(lang, Word::SummaryEligibleUnknownAmount).to_string(),
            None => w(lang, Word::SummaryEligible).to_string(),
        },
        Status::Ineligible => {
            let conds = cx.conditions(o);
            let failed = |out: &mut String| {
                let texts = b
                    .conditions
                    .iter()
                    .zip(conds)
                    .filter(|(_, co)| co.truth == Truth::Fail)
                    .map(|(c, _)| lang.pick(&c.text))
                    .chain(
                        conds
                            .get(b.conditions.len())
                            .filter(|co| co.truth == Truth::Fail)
                            .map(|_| w(lang, Word::NoHigherTier)),
                    );
                push_joined(out, texts, w(lang, Word::ListSep));
            };
            fill_word(
                lang,
                Word::SummaryIneligible,
                &[("failed", Arg::With(&failed))],
            )
        }
        Status::Undetermined => {
            let reasons = cx.reasons(o.reasons);
            // As many as `missing` lists: the reasons that name a fact.
            let missing = reasons
                .iter()
                .filter(|r| matches!(r, Reason::Fact(f, _) if engine.schema.fact(*f).is_some()))
                .count();
            let params = || {
                reasons.iter().filter_map(|r| match r {
                    Reason::Param(p) => engine
                        .params
                        .get(*p as usize)
                        .map(|p| lang.pick(&p.decl.label)),
                    Reason::Fact(..) => None,
                })
            };
            let mut s = String::with_capacity(128);
            s.push_str(w(lang, Word::SummaryUndetermined));
            if missing > 0 {
                fill_word_into(
                    &mut s,
                    lang,
                    Word::SummaryMissing,
                    &[("n", Arg::Count(missing))],
                );
            }
            if params().next().is_some() {
                let list = |out: &mut String| push_joined(out, params(), w(lang, Word::ListSep));
                fill_word_into(
                    &mut s,
                    lang,
                    Word::SummaryUnconfigured,
                    &[("params", Arg::With(&list))],
                );
            }
            s
        }
        Status::NotInEffect => {
            let on = match o.period_date {
                Some(d) => Arg::Day(d),
                None => Arg::Text(""),
            };
            let until = match b.until {
                Some(d) => Arg::Day(d),
                None => Arg::Text("…"),
            };
            fill_word(
                lang,
                Word::SummaryNotInEffect,
                &[("on", on), ("from", Arg::Day(b.from)), ("until", until)],
            )
        }
    }
}

/// Appends texts with a separator between them (as `join` would).
fn push_joined<'t>(out: &mut String, texts: impl Iterator<Item = &'t str>, sep: &str) {
    for (k, t) in texts.enumerate() {
        if k > 0 {
            out.push_str(sep);
        }
        out.push_str(t);
    }
}

fn period_key(p: Period) -> Word {
    match p {
        Period::Once => Word::PeriodOnce,
        Period::Month => Word::PeriodMonth,
        Period::Year => Word::PeriodYear,
    }
}

/// The per-period word for an amount (`per month`).
pub fn period_word(p: Period, lang: Lang) -> &'static str {
    w(lang, period_key(p))
}

#[inline(always)]
fn explain_condition<'e>(
    engine: &'e Engine,
    cx: &mut Ctx<'_>,
    c: &'e Condition,
    co: &ConditionOutcome,
    lang: Lang,
) -> ConditionExplanation<'e> {
    let comparisons = c
        .plan
        .comparisons
        .iter()
        .map(|p| {
            let labels = p.labels;
            Comparison {
                left: lang.pick(&p.left_text),
                actual: side_value(engine, cx, &p.left, labels, lang),
                op: p.op.symbol(),
                right: lang.pick(&p.right_text),
                threshold: p
                    .right
                    .as_ref()
                    .and_then(|r| side_value(engine, cx, r, labels, lang)),
            }
        })
        .collect();
    let depends_on = c
        .plan
        .reads
        .iter()
        .filter_map(|&bid| dependency(engine, cx, bid, lang))
        .collect();
    let counterfactual = if co.truth == Truth::Fail {
        counterfactual(cx, c, lang)
    } else {
        None
    };
    ConditionExplanation {
        id: &c.id,
        outcome: co.truth,
        text: lang.pick(&c.text),
        rule: &c.text_src,
        legal_basis: cite(&c.citation, lang),
        comparisons,
        parameters: param_uses(engine, cx, co.versions, lang),
        depends_on,
        missing: missing_paths(engine, cx.reasons(co.reasons)),
        counterfactual,
    }
}

/// Works out, once for an engine, what results show whatever the case
/// ([`ResultPlan`]: record paths, enum labels by symbol, the facts' form
/// order, stale-parameter warnings) and what explanations show of each
/// condition: its comparisons with what each side is in each language, and
/// the benefits it reads ([`ConditionPlan`]).
pub fn plan(engine: &mut Engine) {
    let facts = &engine.schema.facts;
    let mut facts_in_form_order: Vec<FactId> = (0..facts.len() as FactId).collect();
    facts_in_form_order.sort_by_key(|&f| (facts.get(f as usize).map_or(0, |f| f.order), f));
    let mut form_rank = vec![0; facts.len()];
    for (rank, &f) in facts_in_form_order.iter().enumerate() {
        if let Some(r) = form_rank.get_mut(f as usize) {
            *r = rank as u32;
        }
    }
    let enum_labels = facts
        .iter()
        .map(|f| {
            f.value_labels
                .iter()
                .filter_map(|(value, label)| Some((*engine.sym_index.get(value)?, label.clone())))
                .collect()
        })
        .collect();
    engine.shown = ResultPlan {
        record_paths: facts.iter().map(record_paths).collect(),
        enum_labels,
        facts_in_form_order,
        form_rank,
        stale: engine
            .params
            .iter()
            .map(|p| {
                let last = p.values.last().filter(|_| p.stale_after.is_some())?;
                let label = &p.decl.label;
                Some(in_each_language(|l| {
                    words_stale(l, l.pick(label), last.from)
                }))
            })
            .collect(),
    };
    let mut plans = Vec::new();
    for b in &engine.benefits {
        for c in &b.conditions {
            let mut comparisons = Vec::new();
            plan_comparisons(engine, &c.node, &mut comparisons, 0);
            let mut reads = Vec::new();
            dependencies(engine, &c.node, &mut reads, 0);
            plans.push(ConditionPlan { comparisons, reads });
        }
    }
    let mut plans = plans.into_iter();
    for b in &mut engine.benefits {
        for c in &mut b.conditions {
            if let Some(p) = plans.next() {
                c.plan = p;
            }
        }
    }
}

/// A record field's paths for the first records, one after the other, and
/// where each ends (nothing for other facts).
fn record_paths(f: &FactDef) -> (String, Vec<u32>) {
    let mut text = String::new();
    let mut ends = Vec::new();
    if matches!(f.slot, FactSlot::Field(..)) {
        for i in 0..ResultPlan::RECORDS {
            text.push_str(&with_index(&f.path, i));
            ends.push(text.len() as u32);
        }
    }
    (text, ends)
}

/// A text in the three languages.
fn in_each_language(f: impl Fn(Lang) -> String) -> Text {
    Text {
        zh: f(Lang::Zh),
        en: f(Lang::En),
        ja: f(Lang::Ja),
    }
}

/// The comparisons at the top of a condition (under `and`, `or`, `not`,
/// `if`).
fn plan_comparisons(engine: &Engine, node: &Node, out: &mut Vec<ComparisonPlan>, depth: usize) {
    if depth > 16 {
        return;
    }
    match node {
        Node::Bin(BinOp::And | BinOp::Or, a, b) => {
            plan_comparisons(engine, a, out, depth + 1);
            plan_comparisons(engine, b, out, depth + 1);
        }
        Node::Not(x) => plan_comparisons(engine, x, out, depth + 1),
        Node::If(c, a, b) => {
            plan_comparisons(engine, c, out, depth + 1);
            plan_comparisons(engine, a, out, depth + 1);
            plan_comparisons(engine, b, out, depth + 1);
        }
        Node::Bin(op, a, b) if op.is_comparison() => {
            let label_fact = enum_fact(engine, a).or_else(|| enum_fact(engine, b));
            let labels = label_fact;
            let side = |n: &Node, lang: Lang| match n {
                Node::Const(c) => shown_const(engine, c, labels, lang).to_string(),
                _ => describe(engine, n, lang).into_owned(),
            };
            out.push(ComparisonPlan {
                op: CompareOp::Bin(*op),
                left: (**a).clone(),
                right: Some((**b).clone()),
                labels: label_fact,
                left_text: in_each_language(|l| side(a, l)),
                right_text: in_each_language(|l| side(b, l)),
            });
        }
        Node::In(x, items) => {
            let label_fact = enum_fact(engine, x);
            let labels = label_fact;
            let list = |lang: Lang| {
                let shown: Vec<String> = items
                    .iter()
                    .map(|c| shown_const(engine, c, labels, lang).to_string())
                    .collect();
                format!("[{}]", shown.join(", "))
            };
            out.push(ComparisonPlan {
                op: CompareOp::In,
                left: (**x).clone(),
                right: None,
                labels: label_fact,
                left_text: in_each_language(|l| describe(engine, x, l).into_owned()),
                right_text: in_each_language(list),
            });
        }
        _ => {}
    }
}

/// The benefits a node reads, through definitions too.
fn dependencies(engine: &Engine, node: &Node, deps: &mut Vec<BenefitId>, depth: usize) {
    if depth > 64 {
        return;
    }
    let mut walk = |n: &Node| dependencies(engine, n, deps, depth + 1);
    match node {
        Node::Eligible(bid) => {
            if !deps.contains(bid) {
                deps.push(*bid);
            }
        }
        Node::Def(d) => {
            if let Some(def) = engine.defs.get(*d as usize) {
                walk(&def.node);
            }
        }
        Node::Field(a, ..) | Node::Neg(a) | Node::Not(a) | Node::Known(a) | Node::In(a, _) => {
            walk(a)
        }
        Node::Param(_, Some(a)) => walk(a),
        Node::Bin(_, a, b) => {
            walk(a);
            walk(b);
        }
        Node::If(c, a, b) => {
            walk(c);
            walk(a);
            walk(b);
        }
        Node::ListCall(_, l, body) => {
            walk(l);
            if let Some(b) = body {
                walk(b);
            }
        }
        Node::Call(_, args) => args.iter().for_each(walk),
        Node::Const(_)
        | Node::AsOf
        | Node::Fact(..)
        | Node::List(..)
        | Node::Local(_)
        | Node::Param(_, None) => {}
    }
}

/// The enum fact a node reads directly, for showing value labels.
fn enum_fact(engine: &Engine, n: &Node) -> Option<FactId> {
    match n {
        Node::Fact(fid, _) | Node::Field(_, fid, _) => engine
            .schema
            .fact(*fid)
            .is_some_and(|f| matches!(f.ty, FactType::Enum(_)))
            .then_some(*fid),
        _ => None,
    }
}

/// An enum value with its label in the language (`severe` → `重度`).
/// `None` when the value has no label.
fn enum_label(engine: &Engine, fact: Option<FactId>, value: Sym, lang: Lang) -> Option<&str> {
    let labels = engine.shown.enum_labels.get(fact? as usize)?;
    let (_, label) = labels.iter().find(|(s, _)| *s == value)?;
    Some(lang.pick(label))
}

fn side_value<'e>(
    engine: &'e Engine,
    cx: &mut Ctx<'_>,
    n: &Node,
    labels: Option<FactId>,
    lang: Lang,
) -> Option<Shown<'e>> {
    if let Node::Const(c) = n {
        return Some(shown_const(engine, c, labels, lang));
    }
    match cx.value(n) {
        Ok(V::Known(v)) => Some(shown(engine, cx, &v, labels, lang)),
        _ => None,
    }
}

/// A short description of what a node stands for.
pub fn describe<'e>(engine: &'e Engine, n: &Node, lang: Lang) -> Cow<'e, str> {
    let label = |t: &'e Text| Cow::Borrowed(lang.pick(t));
    match n {
        Node::Const(c) => Cow::Owned(shown_const(engine, c, None, lang).to_string()),
        Node::AsOf => Cow::Borrowed(w(lang, Word::AsOf)),
        Node::Fact(fid, _) | Node::List(fid, _) | Node::Field(_, fid, _) => engine
            .schema
            .fact(*fid)
            .map_or(Cow::Borrowed(""), |f| label(&f.label)),
        Node::Def(d) => {
            engine
                .defs
                .get(*d as usize)
                .map_or(Cow::Borrowed(""), |d| match &d.label {
                    Some(l) => label(l),
                    None => Cow::Borrowed(d.name.as_str()),
                })
        }
        Node::Param(p, _) => engine
            .params
            .get(*p as usize)
            .map_or(Cow::Borrowed(""), |p| label(&p.decl.label)),
        Node::Call(ScalarFn::Age, args) => Cow::Owned(format!(
            "{} ({})",
            w(lang, Word::Age),
            args.first()
                .map(|a| describe(engine, a, lang))
                .unwrap_or_default()
        )),
        Node::Call(ScalarFn::AddMonths, args) => match (args.first(), args.get(1)) {
            (Some(d), Some(Node::Const(Const::Num(m)))) => Cow::Owned(fill_word(
                lang,
                Word::PlusMonths,
                &[
                    ("date", Arg::Text(&describe(engine, d, lang))),
                    ("n", Arg::Decimal(Num(*m).shown())),
                ],
            )),
            _ => Cow::Borrowed(w(lang, Word::Computed)),
        },
        Node::Bin(op, a, b) if matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div) => {
            Cow::Owned(format!(
                "{} {} {}",
                describe(engine, a, lang),
                op.symbol(),
                describe(engine, b, lang)
            ))
        }
        _ => Cow::Borrowed(w(lang, Word::Computed)),
    }
}

fn counterfactual<'e>(
    cx: &mut Ctx<'_>,
    c: &'e Condition,
    lang: Lang,
) -> Option<Counterfactual<'e>> {
    let Node::Bin(op, a, b) = &c.node else {
        return None;
    };
    if !matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge) {
        return None;
    }
    let (Ok(V::Known(Val::Num(x))), Ok(V::Known(Val::Num(t)))) = (cx.value(a), cx.value(b)) else {
        return None;
    };
    // The condition is one comparison: its plan describes the left side.
    let subject = match (&c.subject, c.plan.comparisons.first()) {
        (Some(s), _) => lang.pick(s),
        (None, Some(p)) => lang.pick(&p.left_text),
        (None, None) => "",
    };
    let (threshold, actual) = (Num(t), Num(x));
    let text = fill_word(
        lang,
        Word::Counterfactual,
        &[
            ("subject", Arg::Text(subject)),
            ("op", Arg::Text(op_word(lang, *op))),
            ("threshold", Arg::Decimal(threshold.shown())),
            ("actual", Arg::Decimal(actual.shown())),
        ],
    );
    Some(Counterfactual {
        subject,
        op: op.symbol(),
        threshold,
        actual,
        text,
    })
}

/// Picks the language's text.
impl Lang {
    /// The text in this language.
    pub fn pick(self, t: &Text) -> &str {
        match self {
            Lang::Zh => &t.zh,
            Lang::En => &t.en,
            Lang::Ja => &t.ja,
        }
    }
}

/// A word of the engine (see `words.rs`).
pub fn words(lang: Lang, word: Word) -> &'static str {
    w(lang, word)
}

/// The unconfigured-parameter warning of a parameter, with its note.
pub fn param_unconfigured_message(lang: Lang, p: &Parameter, on: NaiveDate) -> String {
    let label = lang.pick(&p.decl.label);
    let note = p.decl.note.as_ref().map(|n| lang.pick(n));
    let template = w(lang, Word::ParameterUnconfigured);
    let mut out =
        String::with_capacity(template.len() + label.len() + note.map_or(0, |n| n.len() + 2) + 8);
    fill_word_into(
        &mut out,
        lang,
        Word::ParameterUnconfigured,
        &[("param", Arg::Text(label)), ("on", Arg::Day(on))],
    );
    if let Some(note) = note {
        out.push_str(": ");
        out.push_str(note);
    }
    out
}

/// The stale-parameter warning.
pub fn words_stale(lang: Lang, param: &str, from: NaiveDate) -> String {
    fill_word(
        lang,
        Word::StaleParameter,
        &[("param", Arg::Text(param)), ("from", Arg::Day(from))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_shown_as_yyyy_mm_dd_as_chrono_writes_them() {
        for (y, m, d) in [
            (2025, 3, 1),
            (1, 1, 1),
            (999, 12, 31),
            (9999, 12, 31),
            (2024, 2, 29),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
            assert_eq!(Day(day).to_string(), format!("{y:04}-{m:02}-{d:02}"));
            assert_eq!(Day(day).to_string(), day.format("%Y-%m-%d").to_string());
        }
        // Outside four digits, chrono's own form.
        let far = NaiveDate::from_ymd_opt(10000, 1, 1).unwrap_or_default();
        assert_eq!(Day(far).to_string(), far.to_string());
        let before = NaiveDate::from_ymd_opt(-1, 1, 1).unwrap_or_default();
        assert_eq!(Day(before).to_string(), before.to_string());
    }

    #[test]
    fn a_record_path_gets_the_index_of_its_record() {
        assert_eq!(
            with_index("household.members[].income", 3),
            "household.members[3].income"
        );
        assert_eq!(with_index("a[].b[].c", 10), "a[10].b[].c");
        assert_eq!(with_index("a.b", 1), "a.b");
    }

    #[test]
    fn decimals_are_written_as_rust_decimal_writes_them() {
        let mut values: Vec<Decimal> = Vec::new();
        for m in [
            0i64,
            1,
            5,
            9,
            10,
            99,
            100,
            790,
            12345,
            1_000_000_007,
            i64::MAX,
            -1,
            -790,
            -12345,
        ] {
            for scale in [0u32, 1, 2, 3, 5, 10, 19, 20, 28] {
                values.push(Decimal::new(m, scale));
            }
        }
        values.push(Decimal::MAX);
        values.push(Decimal::MIN);
        values.push(Decimal::from_i128_with_scale(u64::MAX as i128, 2));
        values.push(Decimal::from_i128_with_scale(u64::MAX as i128 + 1, 2));
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        values.push(negative_zero);
        for d in values {
            let mut out = String::from(">");
            push_decimal(&mut out, d);
            assert_eq!(out, format!(">{d}"), "{d:?}");
            assert_eq!(Num(d).to_string(), Num(d).shown().to_string());
            let money = Money {
                value: d,
                places: 2,
            };
            assert_eq!(money.to_string(), money.shown().to_string());
        }
        // Width and precision still apply.
        assert_eq!(format!("{:>8}", Num(Decimal::new(15, 1))), "     1.5");
        assert_eq!(
            Money {
                value: Decimal::new(790, 0),
                places: 0
            }
            .to_string(),
            "790.00"
        );
        assert_eq!(Num(Decimal::new(12345, 3)).to_string(), "12.35");
    }

    #[test]
    fn a_few_holds_its_items_in_order_however_many() {
        for n in 0..5 {
            let items: Vec<u32> = (0..n).collect();
            let collected: Few<u32> = items.iter().copied().collect();
            let mut pushed = Few::new();
            for &i in &items {
                pushed.push(i);
            }
            for few in [&collected, &pushed] {
                assert_eq!(**few, *items);
                assert_eq!(matches!(few, Few::One(_)), n == 1);
                assert_eq!(format!("{few:?}"), format!("{items:?}"));
                assert_eq!(
                    serde_json::to_string(few).unwrap_or_default(),
                    serde_json::to_string(&items).unwrap_or_default()
                );
                assert_eq!(few.into_iter().count(), items.len());
            }
            assert!(collected == pushed);
        }
        // A filtered iterator reserves room for all it may yield.
        let evens: Few<u32> = (0..10).filter(|i| i % 2 == 0).collect();
        assert!(matches!(&evens, Few::Many(v) if v.capacity() >= 5 && v.len() == 5));
    }

    #[test]
    fn record_paths_are_written_in_advance_for_the_first_records() {
        let fact = |path: &str, slot| FactDef {
            path: path.into(),
            ty: FactType::Money,
            slot,
            pack: 0,
            label: Text::default(),
            help: None,
            value_labels: Default::default(),
            min: None,
            max: None,
            not_after_as_of: false,
            unique: false,
            exactly_one: None,
            ask: true,
            order: 0,
            symbols: Vec::new(),
        };
        let plan = ResultPlan {
            record_paths: vec![
                record_paths(&fact("h.size", FactSlot::Scalar(0))),
                record_paths(&fact("h.members[].income", FactSlot::Field(0, 1))),
            ],
            ..Default::default()
        };
        assert_eq!(plan.record_path(1, 0), Some("h.members[0].income"));
        assert_eq!(plan.record_path(1, 10), Some("h.members[10].income"));
        let last = ResultPlan::RECORDS - 1;
        assert_eq!(
            plan.record_path(1, last),
            Some(format!("h.members[{last}].income").as_str())
        );
        // Past the records written in advance, or not a record field.
        assert_eq!(plan.record_path(1, ResultPlan::RECORDS), None);
        assert_eq!(plan.record_path(0, 0), None);
        assert_eq!(plan.record_path(2, 0), None);
    }
}
