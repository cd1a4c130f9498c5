//! Evaluation: three-valued, as of a date.
//!
//! Every node evaluates to a known value or to *unknown* with the reasons
//! (unknown facts, unconfigured parameters) that it depends on. Unknown
//! propagates, except where the known part decides (Kleene `and`/`or`,
//! `any`/`all`, `0 * x`, `??`, `known`).
//!
//! One [`Ctx`] evaluates one case. Values are plain data (`Copy`); what is
//! variable-sized (the reasons of unknown values, the records a `filter`
//! keeps, the parameter versions a trace records, the conditions' outcomes)
//! lives in arenas of the context, and values hold [`Run`]s of them. So
//! evaluating a node allocates nothing, and a case allocates a handful of
//! arenas whatever the packs say.
//!
//! INVARIANT: the core never reads the clock; everything dated comes from
//! the case's as-of date or from the case's own dates.

mod err;

pub use err::EvalError;

use crate::input::Facts;
use crate::ir::*;
use crate::syntax::ast::BinOp;
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::marker::PhantomData;

/// How many nodes one case may evaluate.
pub const STEP_BUDGET: u64 = 5_000_000;

/// The most items each arena of one case may hold (reasons, kept records,
/// parameter versions): a bound on memory whatever the packs do.
pub const ARENA_BUDGET: usize = 1 << 20;

/// Why a value is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// A fact the case leaves out; the record index for list fields.
    Fact(FactId, Option<u32>),
    /// A parameter with no value on the date needed.
    Param(ParamId),
}

/// A run of one of the context's arenas: `len` items from `start`. Arenas
/// only grow during an evaluation, so a run stays valid for the context's
/// life.
pub struct Run<T> {
    start: u32,
    len: u32,
    of: PhantomData<fn() -> T>,
}

impl<T> Run<T> {
    /// The empty run.
    pub const NONE: Run<T> = Run {
        start: 0,
        len: 0,
        of: PhantomData,
    };

    fn new(start: usize, end: usize) -> Run<T> {
        Run {
            start: start as u32,
            len: end.saturating_sub(start) as u32,
            of: PhantomData,
        }
    }

    /// Whether it holds nothing.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// How many items it holds.
    pub fn len(self) -> usize {
        self.len as usize
    }

    fn of(self, arena: &[T]) -> &[T] {
        let start = self.start as usize;
        arena
            .get(start..start + self.len as usize)
            .unwrap_or_default()
    }
}

impl<T> Clone for Run<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Run<T> {}
impl<T> PartialEq for Run<T> {
    fn eq(&self, o: &Self) -> bool {
        (self.start, self.len) == (o.start, o.len)
    }
}
impl<T> Eq for Run<T> {}
impl<T> Default for Run<T> {
    fn default() -> Self {
        Run::NONE
    }
}
impl<T> std::fmt::Debug for Run<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Run({}..+{})", self.start, self.len)
    }
}

/// The reasons of an unknown value (read them with [`Ctx::reasons`]).
pub type Why = Run<Reason>;

/// The parameter versions a traced evaluation looked up, as (parameter,
/// date looked up on); read them with [`Ctx::versions`].
pub type Versions = Run<(ParamId, NaiveDate)>;

/// A value or unknown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum V {
    /// Known.
    Known(Val),
    /// Unknown, with the reasons.
    Unknown(Why),
}

/// An evaluation error, boxed so results stay small on the hot path.
type Fault = Box<EvalError>;

/// A set of parameters, as a bitmap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParamSet([u64; 2]);

impl ParamSet {
    /// The most parameters a set can hold (the checker enforces it).
    pub const CAPACITY: usize = 128;

    /// Adds a parameter.
    pub fn insert(&mut self, p: ParamId) {
        if let Some(w) = self.0.get_mut((p / 64) as usize) {
            *w |= 1u64 << (p % 64);
        }
    }

    /// Adds all of another set.
    #[inline]
    pub fn union(&mut self, o: &ParamSet) {
        let [a0, a1] = &mut self.0;
        let [b0, b1] = o.0;
        *a0 |= b0;
        *a1 |= b1;
    }

    /// Whether it is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        let [a0, a1] = self.0;
        a0 | a1 == 0
    }

    /// The parameters, in id order.
    pub fn iter(&self) -> impl Iterator<Item = ParamId> + '_ {
        self.0.iter().enumerate().flat_map(|(k, &w)| {
            // The set bits of one word, lowest first.
            std::iter::successors((w != 0).then_some(w), |&rest| {
                let rest = rest & (rest - 1);
                (rest != 0).then_some(rest)
            })
            .map(move |bits| k as u32 * 64 + bits.trailing_zeros())
        })
    }
}

/// What the parameters used while evaluating something mean for the
/// result: whether one had a value tagged below `confirmed` (an estimate),
/// and which were stale on the as-of date (a warning each).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// A value in force was tagged below `confirmed`.
    pub unconfirmed: bool,
    /// Parameters adjusted yearly whose last value is more than
    /// `check::STALE_AFTER_MONTHS` older than the as-of date.
    pub stale: ParamSet,
}

impl Usage {
    #[inline]
    fn union(&mut self, o: &Usage) {
        self.unconfirmed |= o.unconfirmed;
        self.stale.union(&o.stale);
    }
}

/// A benefit's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// All conditions hold.
    Eligible,
    /// A condition fails.
    Ineligible,
    /// Unknown facts or unconfigured parameters stand in the way.
    Undetermined,
    /// The date lies outside the benefit's period.
    NotInEffect,
}

impl Status {
    /// The status as written in results.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Eligible => "eligible",
            Status::Ineligible => "ineligible",
            Status::Undetermined => "undetermined",
            Status::NotInEffect => "not_in_effect",
        }
    }
}

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    /// Holds.
    Pass,
    /// Fails.
    Fail,
    /// Unknown.
    Unknown,
}

/// One condition's outcome.
#[derive(Debug, Clone, Copy)]
pub struct ConditionOutcome {
    /// The outcome.
    pub truth: Truth,
    /// Why unknown.
    pub reasons: Why,
    /// Parameters used.
    pub usage: Usage,
    /// Parameter versions looked up, when tracing.
    pub versions: Versions,
}

/// One benefit's outcome.
#[derive(Debug, Clone, Copy)]
pub struct BenefitOutcome {
    /// Status.
    pub status: Status,
    /// The date tested against the period.
    pub period_date: Option<NaiveDate>,
    /// Conditions in order; for tiers after the first, `no_higher_tier`
    /// last (read them with [`Ctx::conditions`]). Without a trace, the
    /// conditions after one that settles an ineligible status are left out.
    pub conditions: Run<ConditionOutcome>,
    /// Rounded amount, when eligible and known.
    pub amount: Option<Decimal>,
    /// Whether the amount is a maximum.
    pub up_to: bool,
    /// Why the status is undetermined, or why the amount is unknown.
    pub reasons: Why,
    /// Parameter versions the amount looked up, when tracing.
    pub amount_versions: Versions,
    /// Parameters that the outcome depends on.
    pub usage: Usage,
    /// Whether the outcome depends on a value below `confirmed`.
    pub estimate: bool,
}

/// Evaluates every benefit for a decoded case; the context returned holds
/// the outcomes.
pub fn evaluate<'a>(
    engine: &'a Engine,
    facts: &'a Facts,
    trace: bool,
) -> Result<Ctx<'a>, EvalError> {
    let mut cx = Ctx::new(engine, facts, trace);
    cx.run()?;
    Ok(cx)
}

fn pack_id<'e>(engine: &'e Engine, b: &Benefit) -> &'e str {
    engine.packs.get(b.pack).map_or("", |p| p.id.as_str())
}

/// A value with the parameters it used and, when tracing, the versions looked up.
pub type Tracked = (V, Usage, Versions);

/// A definition's value, computed once per case.
#[derive(Clone, Copy)]
struct DefValue {
    v: V,
    usage: Usage,
    versions: Versions,
}

/// Evaluation state of one case and, after [`Ctx::run`], its outcomes.
pub struct Ctx<'a> {
    engine: &'a Engine,
    facts: &'a Facts,
    as_of: NaiveDate,
    defs: Vec<Option<DefValue>>,
    env: Vec<Val>,
    usage: Usage,
    steps: u64,
    tracing: bool,
    /// Where the innermost traced evaluation's versions start.
    run_start: usize,
    versions: Vec<(ParamId, NaiveDate)>,
    reasons: Vec<Reason>,
    selected: Vec<u32>,
    benefits: Vec<BenefitOutcome>,
    conditions: Vec<ConditionOutcome>,
    /// The first fault met, until [`Ctx::tracked`] returns it.
    fault: Option<Fault>,
}

impl<'a> Ctx<'a> {
    /// A fresh context; `trace` records the parameter versions each
    /// condition looks up and evaluates every condition (for explanations).
    pub fn new(engine: &'a Engine, facts: &'a Facts, trace: bool) -> Self {
        Ctx {
            engine,
            facts,
            as_of: facts.as_of,
            defs: vec![None; engine.defs.len()],
            // Sized for a household: lambdas nest two or three deep, a
            // case meets a few dozen unknowns and keeps a few records.
            env: Vec::with_capacity(4),
            usage: Usage::default(),
            steps: 0,
            tracing: trace,
            run_start: 0,
            // A traced household looks up some sixty parameter versions.
            versions: Vec::with_capacity(if trace { 128 } else { 0 }),
            // A trace evaluates every condition: more unknowns, more kept
            // records.
            reasons: Vec::with_capacity(if trace { 256 } else { 64 }),
            selected: Vec::with_capacity(if trace { 64 } else { 16 }),
            benefits: Vec::with_capacity(engine.benefits.len()),
            conditions: Vec::with_capacity(engine.benefits.len() * 6),
            fault: None,
        }
    }

    /// Evaluates every benefit, in engine order.
    pub fn run(&mut self) -> Result<(), EvalError> {
        let engine = self.engine;
        for b in &engine.benefits {
            let o = self
                .benefit(b)
                .map_err(|e| e.at(&format!("{}.{}", pack_id(engine, b), b.id)))?;
            self.benefits.push(o);
        }
        Ok(())
    }

    /// The outcome of every benefit evaluated so far, in engine order.
    pub fn benefits(&self) -> &[BenefitOutcome] {
        &self.benefits
    }

    /// The conditions' outcomes of a benefit.
    pub fn conditions(&self, o: &BenefitOutcome) -> &[ConditionOutcome] {
        o.conditions.of(&self.conditions)
    }

    /// The reasons of an unknown value.
    pub fn reasons(&self, w: Why) -> &[Reason] {
        w.of(&self.reasons)
    }

    /// The parameter versions of a traced evaluation, each once, in the
    /// order they were first looked up.
    pub fn versions(&self, v: Versions) -> impl Iterator<Item = (ParamId, NaiveDate)> + '_ {
        let run = v.of(&self.versions);
        run.iter()
            .enumerate()
            .filter(move |(k, x)| run.get(..*k).is_some_and(|before| !before.contains(x)))
            .map(|(_, x)| *x)
    }

    /// The record indices a list value holds, in order.
    pub fn records(&self, sel: Selection) -> Vec<u32> {
        match sel {
            Selection::All(n) => (0..n).collect(),
            Selection::Some { start, len } => self
                .selected
                .get(start as usize..start as usize + len as usize)
                .unwrap_or_default()
                .to_vec(),
        }
    }

    /// The text of a symbol (the packs' or the case's).
    pub fn sym(&self, s: Sym) -> &'a str {
        self.facts.sym(self.engine, s)
    }

    /// How many nodes have been evaluated so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Evaluates one node.
    pub fn eval(&mut self, node: &Node) -> Result<V, EvalError> {
        let v = self.ev(node);
        match self.fault.take() {
            Some(e) => Err(*e),
            None => Ok(v),
        }
    }

    /// Evaluates a node after the run, to show its value: nothing is added
    /// to the trace, and cached definitions are read in place. (Values do
    /// not depend on tracing.)
    pub fn value(&mut self, node: &Node) -> Result<V, EvalError> {
        let tracing = std::mem::replace(&mut self.tracing, false);
        // Leaves (a known fact, a computed definition) are read in place.
        let v = self.operand(node);
        self.tracing = tracing;
        match self.fault.take() {
            Some(e) => Err(*e),
            None => Ok(v),
        }
    }

    /// Evaluates a node, returning its value, the parameters it used and,
    /// when tracing, the versions it looked up.
    pub fn eval_tracked(&mut self, node: &Node) -> Result<Tracked, EvalError> {
        self.tracked(node).map_err(|e| *e)
    }

    // ---- arenas and faults ------------------------------------------------

    /// Records a fault and yields a stand-in value. The first fault of a
    /// case is the one reported: evaluation goes on only until the
    /// innermost [`Ctx::tracked`] evaluation returns, every node after the
    /// step budget ran out returning at once.
    #[cold]
    #[inline(never)]
    fn fail(&mut self, e: EvalError) -> V {
        if self.fault.is_none() {
            self.fault = Some(Box::new(e));
        }
        V::Unknown(Why::NONE)
    }

    #[cold]
    #[inline(never)]
    fn full(&mut self) -> V {
        self.fail(EvalError::StepBudget {
            limit: STEP_BUDGET,
            what: String::new(),
        })
    }

    fn one(&mut self, r: Reason) -> V {
        if self.reasons.len() >= ARENA_BUDGET {
            return self.full();
        }
        let start = self.reasons.len();
        self.reasons.push(r);
        V::Unknown(Why::new(start, start + 1))
    }

    /// The union of two reason sets: `a`'s reasons in order, then `b`'s new
    /// ones (the order in which unknown facts were met, which results keep).
    fn merge(&mut self, a: Why, b: Why) -> Why {
        if b.is_empty() || a == b {
            return a;
        }
        if a.is_empty() {
            return b;
        }
        let (ra, rb) = (a.of(&self.reasons), b.of(&self.reasons));
        if rb.iter().all(|r| ra.contains(r)) {
            return a;
        }
        if rb.starts_with(ra) {
            return b;
        }
        self.union(a, b)
    }

    #[inline(never)]
    fn union(&mut self, a: Why, b: Why) -> Why {
        if self.reasons.len() + a.len() + b.len() > ARENA_BUDGET {
            self.full();
            return a;
        }
        let start = self.reasons.len();
        let a_range = a.start as usize..a.start as usize + a.len();
        self.reasons.extend_from_within(a_range.clone());
        for k in b.start as usize..b.start as usize + b.len() {
            let Some(&r) = self.reasons.get(k) else {
                break;
            };
            if !self
                .reasons
                .get(a_range.clone())
                .is_some_and(|s| s.contains(&r))
            {
                self.reasons.push(r);
            }
        }
        Why::new(start, self.reasons.len())
    }

    fn and(&mut self, a: V, b: V) -> V {
        match (a, b) {
            (f @ V::Known(Val::Bool(false)), _) | (_, f @ V::Known(Val::Bool(false))) => f,
            (V::Known(_), y) => y,
            (x, V::Known(_)) => x,
            (V::Unknown(r), V::Unknown(s)) => V::Unknown(self.merge(r, s)),
        }
    }

    fn or(&mut self, a: V, b: V) -> V {
        match (a, b) {
            (t @ V::Known(Val::Bool(true)), _) | (_, t @ V::Known(Val::Bool(true))) => t,
            (V::Known(_), y) => y,
            (x, V::Known(_)) => x,
            (V::Unknown(r), V::Unknown(s)) => V::Unknown(self.merge(r, s)),
        }
    }

    /// Evaluates a node apart: the parameters it uses and the versions it
    /// looks up are its own (and also count for the enclosing evaluation).
    /// A fault met inside is returned here.
    fn tracked(&mut self, node: &Node) -> Result<Tracked, Fault> {
        let saved_usage = std::mem::take(&mut self.usage);
        let saved_start = std::mem::replace(&mut self.run_start, self.versions.len());
        let v = self.ev(node);
        let versions = Versions::new(self.run_start, self.versions.len());
        self.run_start = saved_start;
        let usage = std::mem::replace(&mut self.usage, saved_usage);
        self.usage.union(&usage);
        match self.fault.take() {
            Some(e) => Err(e),
            None => Ok((v, usage, versions)),
        }
    }

    // ---- benefits --------------------------------------------------------

    fn benefit(&mut self, b: &Benefit) -> Result<BenefitOutcome, Fault> {
        let first = self.conditions.len();
        let mut out = BenefitOutcome {
            status: Status::Undetermined,
            period_date: None,
            conditions: Run::NONE,
            amount: None,
            up_to: false,
            reasons: Why::NONE,
            amount_versions: Versions::NONE,
            usage: Usage::default(),
            estimate: false,
        };
        let date = match &b.on {
            None => V::Known(Val::Date(self.as_of)),
            Some(n) => self.tracked(n)?.0,
        };
        match date {
            V::Known(Val::Date(d)) => {
                out.period_date = Some(d);
                if d < b.from || b.until.is_some_and(|u| d > u) {
                    out.status = Status::NotInEffect;
                    return Ok(out);
                }
            }
            V::Known(_) => {}
            V::Unknown(r) => {
                out.reasons = r;
                return Ok(out);
            }
        }
        // One pass over the conditions gathers what the status needs.
        // The parameters the outcome depends on: when ineligible, the first
        // condition that fails on confirmed values alone, if there is one
        // (the outcome is then certain), else every failing condition (each
        // failure rests on a value below `confirmed`: an estimate);
        // otherwise every condition.
        let mut tally = Tally::default();
        // A condition that fails on confirmed values alone settles the
        // benefit: without a trace, the rest need not be evaluated. (With a
        // trace every condition is evaluated for the explanation; the status,
        // estimate flag and warnings come out the same either way.)
        for c in &b.conditions {
            let (v, usage, versions) = self.tracked(&c.node)?;
            let outcome = ConditionOutcome {
                truth: truth(&v),
                reasons: why_of(&v),
                usage,
                versions,
            };
            tally.add(&outcome);
            self.conditions.push(outcome);
            if tally.certain.is_some() && !self.tracing {
                break;
            }
        }
        let stopped = tally.certain.is_some() && !self.tracing;
        if !b.higher_tiers.is_empty() && !stopped {
            let mut v = V::Known(Val::Bool(true));
            let mut usage = Usage::default();
            for &h in &b.higher_tiers {
                let Some(&o) = self.benefits.get(h as usize) else {
                    continue;
                };
                usage.union(&o.usage);
                let not_h = match o.status {
                    Status::Eligible => V::Known(Val::Bool(false)),
                    Status::Ineligible | Status::NotInEffect => V::Known(Val::Bool(true)),
                    Status::Undetermined => V::Unknown(o.reasons),
                };
                v = self.and(v, not_h);
            }
            let outcome = ConditionOutcome {
                truth: truth(&v),
                reasons: why_of(&v),
                usage,
                versions: Versions::NONE,
            };
            tally.add(&outcome);
            self.conditions.push(outcome);
        }
        out.conditions = Run::new(first, self.conditions.len());
        (out.status, out.usage) = if tally.any_fail {
            (Status::Ineligible, tally.certain.unwrap_or(tally.failing))
        } else if tally.any_unknown {
            (Status::Undetermined, tally.all)
        } else {
            (Status::Eligible, tally.all)
        };
        if out.status == Status::Undetermined {
            let mut unknown = Why::NONE;
            for k in first..first + out.conditions.len() {
                let Some(c) = self.conditions.get(k) else {
                    break;
                };
                if c.truth == Truth::Unknown {
                    let w = c.reasons;
                    unknown = self.merge(unknown, w);
                }
            }
            out.reasons = unknown;
        }
        if out.status == Status::Eligible {
            if let Some(amount) = &b.amount {
                let (v, usage, versions) = self.tracked(amount)?;
                out.usage.union(&usage);
                out.amount_versions = versions;
                match v {
                    V::Known(Val::Num(n)) => {
                        out.amount = Some(n.round_dp_with_strategy(
                            b.rounding,
                            RoundingStrategy::MidpointAwayFromZero,
                        ))
                    }
                    V::Known(_) => {}
                    V::Unknown(r) => out.reasons = r,
                }
            }
            if let Some(up_to) = &b.up_to {
                let (v, usage, _) = self.tracked(up_to)?;
                out.usage.union(&usage);
                out.up_to = matches!(v, V::Known(Val::Bool(true)));
            }
        }
        out.estimate = out.usage.unconfirmed;
        match self.fault.take() {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    // ---- nodes -----------------------------------------------------------

    fn ev(&mut self, node: &Node) -> V {
        self.steps += 1;
        if self.steps > STEP_BUDGET {
            return self.full();
        }
        match node {
            Node::Const(c) => V::Known(c.val()),
            Node::AsOf => V::Known(Val::Date(self.as_of)),
            Node::Fact(fid, slot) => match self.facts.scalars.get(*slot as usize) {
                Some(Some(v)) => V::Known(*v),
                _ => self.one(Reason::Fact(*fid, None)),
            },
            Node::List(fid, slot) => match self.facts.lists.get(*slot as usize) {
                Some(Some(list)) => V::Known(Val::List(*slot, Selection::All(list.len()))),
                _ => self.one(Reason::Fact(*fid, None)),
            },
            Node::Local(i) => match self.env.get(*i as usize) {
                Some(v) => V::Known(*v),
                None => V::Unknown(Why::NONE),
            },
            Node::Field(base, fid, idx) => self.field(base, *fid, *idx),
            Node::Def(id) => self.def(*id),
            Node::Param(pid, date) => {
                let date = match date {
                    None => self.as_of,
                    Some(n) => match self.ev(n) {
                        V::Known(Val::Date(d)) => d,
                        V::Known(_) => return V::Unknown(Why::NONE),
                        u @ V::Unknown(_) => return u,
                    },
                };
                self.param(*pid, date)
            }
            Node::Neg(x) => match self.ev(x) {
                V::Known(Val::Num(n)) => V::Known(Val::Num(-n)),
                other => other,
            },
            Node::Not(x) => match self.operand(x) {
                V::Known(Val::Bool(b)) => V::Known(Val::Bool(!b)),
                other => other,
            },
            Node::Bin(op, a, b) => self.binary(*op, a, b),
            Node::In(x, items) => match self.operand(x) {
                V::Known(v) => V::Known(Val::Bool(items.iter().any(|c| v == c.val()))),
                u => u,
            },
            Node::If(c, a, b) => match self.ev(c) {
                V::Known(Val::Bool(true)) => self.ev(a),
                V::Known(_) => self.ev(b),
                V::Unknown(r) => self.if_unknown(r, a, b),
            },
            Node::Known(x) => V::Known(Val::Bool(matches!(self.ev(x), V::Known(_)))),
            Node::ListCall(f, list, body) => self.list_call(*f, list, body.as_deref()),
            Node::Call(f, args) => self.call(*f, args),
            Node::Eligible(bid) => match self.benefits.get(*bid as usize) {
                Some(o) => {
                    let (status, reasons, usage) = (o.status, o.reasons, o.usage);
                    self.usage.union(&usage);
                    match status {
                        Status::Eligible => V::Known(Val::Bool(true)),
                        Status::Ineligible | Status::NotInEffect => V::Known(Val::Bool(false)),
                        Status::Undetermined => V::Unknown(reasons),
                    }
                }
                None => V::Unknown(Why::NONE),
            },
        }
    }

    /// An operand: a constant, a known fact or (without a trace) a computed
    /// definition is read in place, anything else evaluated. (Reading these
    /// leaves is bounded by the node that reads them, so they are not
    /// counted as steps.)
    #[inline(always)]
    fn operand(&mut self, n: &Node) -> V {
        match n {
            Node::Const(c) => V::Known(c.val()),
            Node::Fact(_, slot) => match self.facts.scalars.get(*slot as usize) {
                Some(Some(v)) => V::Known(*v),
                _ => self.ev(n),
            },
            Node::Def(id) if !self.tracing => match self.defs.get(*id as usize) {
                Some(Some(d)) => {
                    let d = *d;
                    self.usage.union(&d.usage);
                    d.v
                }
                _ => self.ev(n),
            },
            Node::Field(base, fid, idx) if matches!(**base, Node::Local(_)) => {
                self.field(base, *fid, *idx)
            }
            _ => self.ev(n),
        }
    }

    fn field(&mut self, base: &Node, fid: FactId, idx: u32) -> V {
        // The record is nearly always a lambda variable (`m.income`).
        let record = match base {
            Node::Local(i) => match self.env.get(*i as usize) {
                Some(v) => V::Known(*v),
                None => V::Unknown(Why::NONE),
            },
            _ => self.ev(base),
        };
        match record {
            V::Known(Val::Record(slot, i)) => {
                let v = self
                    .facts
                    .lists
                    .get(slot as usize)
                    .and_then(|l| l.as_ref())
                    .and_then(|l| l.get(i, idx));
                match v {
                    Some(v) => V::Known(v),
                    None => self.one(Reason::Fact(fid, Some(i))),
                }
            }
            V::Known(_) => V::Unknown(Why::NONE),
            u @ V::Unknown(_) => u,
        }
    }

    /// `if` with an unknown condition: which branch applies is not known, so
    /// a fault in one of them (a guarded division) does not make the case
    /// fail; the value is known only when both branches agree.
    #[inline(never)]
    fn if_unknown(&mut self, r: Why, a: &Node, b: &Node) -> V {
        let before = self.fault.is_some();
        let x = self.branch(a, before);
        let y = self.branch(b, before);
        match (x, y) {
            (Some(V::Known(x)), Some(V::Known(y))) if x == y => V::Known(x),
            (x, y) => {
                let wx = x.as_ref().map(why_of).unwrap_or_default();
                let wy = y.as_ref().map(why_of).unwrap_or_default();
                let m = self.merge(r, wx);
                V::Unknown(self.merge(m, wy))
            }
        }
    }

    /// One branch of an `if` whose condition is unknown: `None` when it
    /// faults (a spent step budget stays a fault of the case).
    fn branch(&mut self, n: &Node, fault_before: bool) -> Option<V> {
        let v = self.ev(n);
        if fault_before {
            return Some(v);
        }
        match self.fault.as_deref() {
            None => Some(v),
            Some(EvalError::StepBudget { .. }) => Some(v),
            Some(_) => {
                self.fault = None;
                None
            }
        }
    }

    fn def(&mut self, id: DefId) -> V {
        if let Some(Some(d)) = self.defs.get(id as usize) {
            let d = *d;
            if self.tracing {
                self.replay(d.versions);
            }
            self.usage.union(&d.usage);
            return d.v;
        }
        let Some(def) = self.engine.defs.get(id as usize) else {
            return V::Unknown(Why::NONE);
        };
        // INVARIANT: definitions have no free lambda variables, so the
        // environment does not change their value and caching is sound.
        let saved_env = std::mem::take(&mut self.env);
        let r = self.tracked(&def.node);
        self.env = saved_env;
        match r {
            Ok((v, usage, versions)) => {
                if let Some(slot) = self.defs.get_mut(id as usize) {
                    *slot = Some(DefValue { v, usage, versions });
                }
                v
            }
            Err(e) => self.fail(e.at(&def.name)),
        }
    }

    /// Records a cached definition's versions again in the current trace.
    #[inline(never)]
    fn replay(&mut self, v: Versions) {
        if self.versions.len() + v.len() > ARENA_BUDGET {
            self.full();
            return;
        }
        let start = v.start as usize;
        self.versions.extend_from_within(start..start + v.len());
    }

    fn param(&mut self, pid: ParamId, date: NaiveDate) -> V {
        let Some(p) = self.engine.params.get(pid as usize) else {
            return V::Unknown(Why::NONE);
        };
        if p.stale_after.is_some_and(|after| self.as_of > after) {
            self.usage.stale.insert(pid);
        }
        if self.tracing {
            let run = self.versions.get(self.run_start..).unwrap_or_default();
            if !run.contains(&(pid, date)) {
                if self.versions.len() >= ARENA_BUDGET {
                    return self.full();
                }
                self.versions.push((pid, date));
            }
        }
        match p.at(date) {
            Some(ParamValue {
                value: Some(v),
                confidence,
                ..
            }) => {
                if *confidence < Confidence::Confirmed {
                    self.usage.unconfirmed = true;
                }
                V::Known(Val::Num(*v))
            }
            _ => self.one(Reason::Param(pid)),
        }
    }

    fn binary(&mut self, op: BinOp, a: &Node, b: &Node) -> V {
        match op {
            BinOp::And => {
                let va = self.operand(a);
                if matches!(va, V::Known(Val::Bool(false))) {
                    return va;
                }
                let vb = self.operand(b);
                return self.and(va, vb);
            }
            BinOp::Or => {
                let va = self.operand(a);
                if matches!(va, V::Known(Val::Bool(true))) {
                    return va;
                }
                let vb = self.operand(b);
                return self.or(va, vb);
            }
            BinOp::Default => {
                let va = self.operand(a);
                return match va {
                    V::Known(_) => va,
                    V::Unknown(_) => self.operand(b),
                };
            }
            _ => {}
        }
        // `0 * x` is 0 whatever `x` is (known or not), keeping the zero's scale.
        let va = self.operand(a);
        if op == BinOp::Mul && matches!(&va, V::Known(Val::Num(n)) if n.is_zero()) {
            return va;
        }
        let vb = self.operand(b);
        if op == BinOp::Mul && matches!(&vb, V::Known(Val::Num(n)) if n.is_zero()) {
            return vb;
        }
        match (va, vb) {
            (V::Known(x), V::Known(y)) => match apply(op, x, y) {
                Ok(v) => v,
                Err(e) => self.fail(e),
            },
            (x, y) => V::Unknown(self.merge(why_of(&x), why_of(&y))),
        }
    }

    #[inline(never)]
    fn list_call(&mut self, f: ListFn, list: &Node, body: Option<&Node>) -> V {
        let (slot, sel) = match self.ev(list) {
            V::Known(Val::List(slot, sel)) => (slot, sel),
            V::Known(_) => return V::Unknown(Why::NONE),
            u @ V::Unknown(_) => return u,
        };
        let Some(body) = body else {
            return V::Known(Val::Num(Decimal::from(sel.len())));
        };
        let n = sel.len();
        // A filter writes the records it keeps into a block of the arena
        // reserved now (the body may use the arena too).
        let kept_at = self.selected.len();
        if f == ListFn::Filter {
            if kept_at + n > ARENA_BUDGET {
                return self.full();
            }
            self.selected.resize(kept_at + n, 0);
        }
        let mut unknown: Option<Why> = None;
        let mut count = 0u32;
        let mut sum = Decimal::ZERO;
        for k in 0..n {
            let i = match sel {
                Selection::All(_) => k as u32,
                Selection::Some { start, .. } => match self.selected.get(start as usize + k) {
                    Some(&i) => i,
                    None => break,
                },
            };
            self.env.push(Val::Record(slot, i));
            let v = self.ev(body);
            self.env.pop();
            match v {
                V::Known(Val::Bool(true)) => {
                    match f {
                        ListFn::Any => return V::Known(Val::Bool(true)),
                        ListFn::First if unknown.is_none() => {
                            return V::Known(Val::Record(slot, i))
                        }
                        ListFn::Filter => {
                            if let Some(s) = self.selected.get_mut(kept_at + count as usize) {
                                *s = i;
                            }
                        }
                        _ => {}
                    }
                    count += 1;
                }
                V::Known(Val::Bool(false)) => {
                    if f == ListFn::All {
                        return V::Known(Val::Bool(false));
                    }
                }
                V::Known(Val::Num(x)) => match sum.checked_add(x) {
                    Some(total) => sum = total,
                    None => return self.fail(overflow()),
                },
                V::Known(_) => {}
                V::Unknown(r) => {
                    let w = self.merge(unknown.unwrap_or_default(), r);
                    unknown = Some(w);
                }
            }
        }
        if let Some(r) = unknown {
            return V::Unknown(r);
        }
        V::Known(match f {
            ListFn::Count => Val::Num(Decimal::from(count)),
            ListFn::Sum => Val::Num(sum),
            ListFn::Any => Val::Bool(false),
            ListFn::All => Val::Bool(true),
            ListFn::Filter => {
                if self.selected.len() == kept_at + n {
                    // Nothing was reserved after this block: give back the rest.
                    self.selected.truncate(kept_at + count as usize);
                }
                Val::List(
                    slot,
                    Selection::Some {
                        start: kept_at as u32,
                        len: count,
                    },
                )
            }
            ListFn::First => return V::Unknown(Why::NONE),
        })
    }

    #[inline(never)]
    fn call(&mut self, f: ScalarFn, args: &[Node]) -> V {
        if matches!(f, ScalarFn::Min | ScalarFn::Max) {
            return self.min_max(f == ScalarFn::Min, args);
        }
        // Every other function takes one or two arguments.
        let mut vals: [Option<Val>; 2] = [None, None];
        let mut unknown: Option<Why> = None;
        for (slot, a) in vals.iter_mut().zip(args) {
            match self.operand(a) {
                V::Known(v) => *slot = Some(v),
                V::Unknown(r) => {
                    let w = self.merge(unknown.unwrap_or_default(), r);
                    unknown = Some(w);
                }
            }
        }
        if let Some(r) = unknown {
            return V::Unknown(r);
        }
        match scalar_fn(f, vals, self.as_of) {
            Ok(v) => v,
            Err(e) => self.fail(e),
        }
    }

    /// `min`/`max`: every argument is evaluated (its reasons count), the
    /// best known so far kept.
    fn min_max(&mut self, min: bool, args: &[Node]) -> V {
        let mut best: Option<Val> = None;
        let mut unknown: Option<Why> = None;
        for a in args {
            match self.operand(a) {
                V::Known(v) => {
                    let better = match (&best, &v) {
                        (None, _) => true,
                        (Some(Val::Num(b)), Val::Num(x)) => min == (x < b),
                        (Some(Val::Date(b)), Val::Date(x)) => min == (x < b),
                        _ => false,
                    };
                    if better {
                        best = Some(v);
                    }
                }
                V::Unknown(r) => {
                    let w = self.merge(unknown.unwrap_or_default(), r);
                    unknown = Some(w);
                }
            }
        }
        match (unknown, best) {
            (Some(r), _) => V::Unknown(r),
            (None, Some(b)) => V::Known(b),
            (None, None) => V::Unknown(Why::NONE),
        }
    }
}

/// What a benefit's conditions add up to.
#[derive(Default)]
struct Tally {
    any_fail: bool,
    any_unknown: bool,
    /// Every condition's parameters.
    all: Usage,
    /// The failing conditions' parameters.
    failing: Usage,
    /// The first condition failing on confirmed values alone: its parameters.
    certain: Option<Usage>,
}

impl Tally {
    fn add(&mut self, c: &ConditionOutcome) {
        self.all.union(&c.usage);
        match c.truth {
            Truth::Pass => {}
            Truth::Unknown => self.any_unknown = true,
            Truth::Fail => {
                self.any_fail = true;
                self.failing.union(&c.usage);
                if !c.usage.unconfirmed && self.certain.is_none() {
                    self.certain = Some(c.usage);
                }
            }
        }
    }
}

fn overflow() -> EvalError {
    EvalError::Overflow {
        what: String::new(),
    }
}

/// A binary operator other than `and`, `or`, `??` on known values.
fn apply(op: BinOp, x: Val, y: Val) -> Result<V, EvalError> {
    let num = |r: Option<Decimal>| r.map(|n| V::Known(Val::Num(n))).ok_or_else(overflow);
    Ok(match (op, x, y) {
        (BinOp::Add, Val::Num(p), Val::Num(q)) => num(p.checked_add(q))?,
        (BinOp::Sub, Val::Num(p), Val::Num(q)) => num(p.checked_sub(q))?,
        (BinOp::Mul, Val::Num(p), Val::Num(q)) => num(p.checked_mul(q))?,
        (BinOp::Div, Val::Num(p), Val::Num(q)) => {
            if q.is_zero() {
                return Err(EvalError::DivisionByZero {
                    what: String::new(),
                });
            }
            num(p.checked_div(q))?
        }
        (BinOp::Eq, _, _) => V::Known(Val::Bool(x == y)),
        (BinOp::Ne, _, _) => V::Known(Val::Bool(x != y)),
        (_, Val::Num(p), Val::Num(q)) => V::Known(Val::Bool(compare(op, p.cmp(&q)))),
        (_, Val::Date(p), Val::Date(q)) => V::Known(Val::Bool(compare(op, p.cmp(&q)))),
        _ => V::Unknown(Why::NONE),
    })
}

/// A scalar function other than `min`/`max` on known arguments.
fn scalar_fn(f: ScalarFn, args: [Option<Val>; 2], as_of: NaiveDate) -> Result<V, EvalError> {
    let range = || EvalError::DateOutOfRange {
        what: String::new(),
    };
    Ok(V::Known(match (f, args) {
        (ScalarFn::Round, [Some(Val::Num(x)), Some(Val::Num(p))]) => {
            let places = p.trunc().to_u32().unwrap_or(2).min(10);
            Val::Num(x.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero))
        }
        (ScalarFn::Age, [Some(Val::Date(b)), None]) => {
            Val::Num(Decimal::from(full_years(b, as_of)))
        }
        (ScalarFn::AgeOn, [Some(Val::Date(b)), Some(Val::Date(on))]) => {
            Val::Num(Decimal::from(full_years(b, on)))
        }
        (ScalarFn::MonthsBetween, [Some(Val::Date(a)), Some(Val::Date(b))]) => {
            Val::Num(Decimal::from(months_between(a, b)))
        }
        (ScalarFn::AddMonths, [Some(Val::Date(d)), Some(Val::Num(n))]) => {
            if !n.is_integer() {
                return Err(EvalError::NotWholeMonths {
                    value: n.normalize().to_string(),
                    what: String::new(),
                });
            }
            let m = i64::try_from(n.mantissa() / 10i128.pow(n.scale())).map_err(|_| range())?;
            Val::Date(add_months(d, m).ok_or_else(range)?)
        }
        _ => return Ok(V::Unknown(Why::NONE)),
    }))
}

fn why_of(v: &V) -> Why {
    match v {
        V::Known(_) => Why::NONE,
        V::Unknown(w) => *w,
    }
}

fn truth(v: &V) -> Truth {
    match v {
        V::Known(Val::Bool(true)) => Truth::Pass,
        V::Known(_) => Truth::Fail,
        V::Unknown(_) => Truth::Unknown,
    }
}

fn compare(op: BinOp, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        BinOp::Lt => o == Less,
        BinOp::Le => o != Greater,
        BinOp::Gt => o == Greater,
        BinOp::Ge => o != Less,
        _ => false,
    }
}

/// Full years from `birth` to `on`; a 29 February birthday counts on
/// 1 March in a non-leap year.
pub fn full_years(birth: NaiveDate, on: NaiveDate) -> i64 {
    if on < birth {
        return -full_years(on, birth);
    }
    let mut years = i64::from(on.year() - birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// Whole calendar months completed from `a` to `b` (negative when `b` is
/// before `a`).
pub fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    if b < a {
        return -months_between(b, a);
    }
    let mut m = i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month());
    if b.day() < a.day() {
        m -= 1;
    }
    m
}

/// The same day `n` months later, clamped to the month's last day.
pub fn add_months(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    let m = u32::try_from(n.unsigned_abs()).ok()?;
    if n >= 0 {
        d.checked_add_months(Months::new(m))
    } else {
        d.checked_sub_months(Months::new(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ages_count_full_years_and_leap_birthdays() {
        assert_eq!(full_years(d("1965-03-01"), d("2025-03-01")), 60);
        assert_eq!(full_years(d("1965-03-01"), d("2025-02-28")), 59);
        assert_eq!(full_years(d("2004-02-29"), d("2022-02-28")), 17);
        assert_eq!(full_years(d("2004-02-29"), d("2022-03-01")), 18);
        assert_eq!(full_years(d("2004-02-29"), d("2024-02-29")), 20);
    }

    #[test]
    fn months_between_counts_completed_months() {
        assert_eq!(months_between(d("2024-01-31"), d("2024-02-29")), 0);
        assert_eq!(months_between(d("2024-01-31"), d("2024-03-01")), 1);
        assert_eq!(months_between(d("2024-01-15"), d("2024-01-15")), 0);
        assert_eq!(months_between(d("2024-03-01"), d("2024-01-31")), -1);
    }

    #[test]
    fn a_parameter_set_lists_its_members_in_order() {
        let mut s = ParamSet::default();
        assert!(s.is_empty());
        assert_eq!(s.iter().count(), 0);
        for p in [127, 0, 64, 5, 63, 5] {
            s.insert(p);
        }
        assert!(!s.is_empty());
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 5, 63, 64, 127]);
        let mut t = ParamSet::default();
        t.insert(1);
        t.union(&s);
        assert_eq!(t.iter().collect::<Vec<_>>(), vec![0, 1, 5, 63, 64, 127]);
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        assert_eq!(add_months(d("2024-01-31"), 1), Some(d("2024-02-29")));
        assert_eq!(add_months(d("2023-01-31"), 1), Some(d("2023-02-28")));
        assert_eq!(add_months(d("2024-01-02"), 18), Some(d("2025-07-02")));
        assert_eq!(add_months(d("2024-03-31"), -1), Some(d("2024-02-29")));
    }
}
