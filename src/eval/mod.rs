//! Evaluation: three-valued, as of a date.
//!
//! Every node evaluates to a known value or to *unknown* with the reasons
//! (unknown facts, unconfigured parameters) that it depends on. Unknown
//! propagates, except where the known part decides (Kleene `and`/`or`,
//! `any`/`all`, `0 * x`, `??`, `known`).
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
use std::rc::Rc;

/// How many nodes one case may evaluate.
pub const STEP_BUDGET: u64 = 5_000_000;

/// Why a value is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// A fact the case leaves out; the record index for list fields.
    Fact(FactId, Option<u32>),
    /// A parameter with no value on the date needed.
    Param(ParamId),
}

/// A value or unknown.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    /// Known.
    Known(Val),
    /// Unknown, with the reasons (read them with [`Ctx::reasons`]).
    Unknown(Why),
}

/// The reasons of an unknown value: a run of the evaluation context's reason
/// arena. Sets are never changed once made, so a `Why` stays valid for the
/// context's life; merging two makes a new run only when neither contains
/// the other. This keeps unknown values free of allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Why {
    start: u32,
    len: u32,
}

impl Why {
    /// No reason (unknown for a reason the result does not name).
    pub const NONE: Why = Why { start: 0, len: 0 };

    /// Whether it names no reason.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }
}

/// The most reasons one case may record, all unknown values together: a
/// bound on memory whatever the packs do.
pub const REASON_BUDGET: usize = 1 << 20;

/// An evaluation error, boxed so results stay small on the hot path.
type Fault = Box<EvalError>;

/// A set of parameters, as a bitmap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParamSet([u64; 4]);

impl ParamSet {
    /// Adds a parameter.
    pub fn insert(&mut self, p: ParamId) {
        if let Some(w) = self.0.get_mut((p / 64) as usize) {
            *w |= 1u64 << (p % 64);
        }
    }

    /// Adds all of another set.
    pub fn union(&mut self, o: &ParamSet) {
        for (a, b) in self.0.iter_mut().zip(o.0.iter()) {
            *a |= *b;
        }
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// The parameters, in id order.
    pub fn iter(&self) -> impl Iterator<Item = ParamId> + '_ {
        (0..256u32).filter(|p| {
            self.0
                .get((p / 64) as usize)
                .is_some_and(|w| w >> (p % 64) & 1 == 1)
        })
    }
}

/// Parameters used while evaluating something: all, and those whose value in
/// force was tagged below `confirmed`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Every parameter looked up.
    pub used: ParamSet,
    /// Those whose value was below `confirmed`.
    pub unconfirmed: ParamSet,
}

impl Usage {
    fn union(&mut self, o: &Usage) {
        self.used.union(&o.used);
        self.unconfirmed.union(&o.unconfirmed);
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
#[derive(Debug, Clone)]
pub struct ConditionOutcome {
    /// The outcome.
    pub truth: Truth,
    /// Why unknown.
    pub reasons: Vec<Reason>,
    /// Parameters used.
    pub usage: Usage,
    /// Parameter versions looked up, when tracing: (parameter, date).
    pub params: Vec<(ParamId, NaiveDate)>,
}

/// One benefit's outcome.
#[derive(Debug, Clone)]
pub struct BenefitOutcome {
    /// Status.
    pub status: Status,
    /// The date tested against the period.
    pub period_date: Option<NaiveDate>,
    /// Conditions in order; for tiers after the first, `no_higher_tier` last.
    pub conditions: Vec<ConditionOutcome>,
    /// Rounded amount, when eligible and known.
    pub amount: Option<Decimal>,
    /// Whether the amount is a maximum.
    pub up_to: bool,
    /// Why the status is undetermined, or why the amount is unknown.
    pub reasons: Vec<Reason>,
    /// Parameter versions the amount looked up, when tracing.
    pub amount_params: Vec<(ParamId, NaiveDate)>,
    /// Parameters that the outcome depends on.
    pub usage: Usage,
    /// Whether the outcome depends on a value below `confirmed`.
    pub estimate: bool,
}

/// The outcome of every benefit of the engine, in engine order.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Per benefit.
    pub benefits: Vec<BenefitOutcome>,
}

/// Evaluates every benefit for a decoded case.
pub fn evaluate(engine: &Engine, facts: &Facts, trace: bool) -> Result<Evaluation, EvalError> {
    evaluate_in(&mut Ctx::new(engine, facts, trace))
}

/// Evaluates every benefit in a context, which stays usable for explanations.
pub fn evaluate_in(cx: &mut Ctx) -> Result<Evaluation, EvalError> {
    let (engine, facts) = (cx.engine, cx.facts);
    let mut out = Vec::with_capacity(engine.benefits.len());
    for b in &engine.benefits {
        let o = cx
            .benefit(b, &out)
            .map_err(|e| e.at(&format!("{}.{}", pack_id(engine, b), b.id)))?;
        out.push(o);
    }
    Ok(Evaluation {
        as_of: facts.as_of,
        benefits: out,
    })
}

fn pack_id<'e>(engine: &'e Engine, b: &Benefit) -> &'e str {
    engine.packs.get(b.pack).map_or("", |p| p.id.as_str())
}

/// A value with the parameters it used and, when tracing, the versions looked up.
pub type Tracked = (V, Usage, Vec<(ParamId, NaiveDate)>);

/// Evaluation state for one case.
pub struct Ctx<'a> {
    engine: &'a Engine,
    facts: &'a Facts,
    as_of: NaiveDate,
    defs: Vec<Option<Tracked>>,
    env: Vec<Val>,
    usage: Usage,
    steps: u64,
    trace: Option<Vec<(ParamId, NaiveDate)>>,
    outcomes: Vec<(Status, Why, Usage)>,
    why: Vec<Reason>,
}

impl<'a> Ctx<'a> {
    /// A fresh context.
    pub fn new(engine: &'a Engine, facts: &'a Facts, trace: bool) -> Self {
        Ctx {
            engine,
            facts,
            as_of: facts.as_of,
            defs: vec![None; engine.defs.len()],
            env: Vec::new(),
            usage: Usage::default(),
            steps: 0,
            trace: trace.then(Vec::new),
            outcomes: Vec::with_capacity(engine.benefits.len()),
            why: Vec::new(),
        }
    }

    /// The reasons of an unknown value.
    pub fn reasons(&self, w: Why) -> &[Reason] {
        let start = w.start as usize;
        self.why
            .get(start..start + w.len as usize)
            .unwrap_or_default()
    }

    /// The reasons of a value, owned (none when it is known).
    pub fn reasons_of(&self, v: &V) -> Vec<Reason> {
        match v {
            V::Known(_) => Vec::new(),
            V::Unknown(w) => self.reasons(*w).to_vec(),
        }
    }

    fn record(&mut self, rs: impl IntoIterator<Item = Reason>) -> Result<Why, Fault> {
        let start = self.why.len();
        self.why.extend(rs);
        if self.why.len() > REASON_BUDGET {
            return Err(Box::new(EvalError::StepBudget {
                limit: STEP_BUDGET,
                what: String::new(),
            }));
        }
        Ok(Why {
            start: start as u32,
            len: (self.why.len() - start) as u32,
        })
    }

    fn one(&mut self, r: Reason) -> Result<V, Fault> {
        Ok(V::Unknown(self.record([r])?))
    }

    /// The union of two reason sets.
    fn merge(&mut self, a: Why, b: Why) -> Result<Why, Fault> {
        if b.len == 0 || a == b {
            return Ok(a);
        }
        if a.len == 0 {
            return Ok(b);
        }
        // The union keeps `a`'s order, then `b`'s new reasons: the order in
        // which unknown facts were met, which results keep.
        let (ra, rb) = (self.reasons(a), self.reasons(b));
        if rb.iter().all(|r| ra.contains(r)) {
            return Ok(a);
        }
        if rb.starts_with(ra) {
            return Ok(b);
        }
        let extra: Vec<Reason> = rb.iter().filter(|r| !ra.contains(r)).copied().collect();
        let merged: Vec<Reason> = ra.iter().copied().chain(extra).collect();
        self.record(merged)
    }

    fn why_of(v: &V) -> Why {
        match v {
            V::Known(_) => Why::NONE,
            V::Unknown(w) => *w,
        }
    }

    fn and(&mut self, a: V, b: V) -> Result<V, Fault> {
        Ok(match (a, b) {
            (f @ V::Known(Val::Bool(false)), _) | (_, f @ V::Known(Val::Bool(false))) => f,
            (V::Known(_), y) => y,
            (x, V::Known(_)) => x,
            (V::Unknown(r), V::Unknown(s)) => V::Unknown(self.merge(r, s)?),
        })
    }

    fn or(&mut self, a: V, b: V) -> Result<V, Fault> {
        Ok(match (a, b) {
            (t @ V::Known(Val::Bool(true)), _) | (_, t @ V::Known(Val::Bool(true))) => t,
            (V::Known(_), y) => y,
            (x, V::Known(_)) => x,
            (V::Unknown(r), V::Unknown(s)) => V::Unknown(self.merge(r, s)?),
        })
    }

    /// How many nodes have been evaluated so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Evaluates a node, returning its value and the parameters it used.
    pub fn eval_tracked(&mut self, node: &Node) -> Result<Tracked, EvalError> {
        self.tracked(node).map_err(|e| *e)
    }

    fn tracked(&mut self, node: &Node) -> Result<Tracked, Fault> {
        let saved_usage = std::mem::take(&mut self.usage);
        let saved_trace = self.trace.as_mut().map(std::mem::take);
        let v = self.ev(node);
        let usage = std::mem::replace(&mut self.usage, saved_usage);
        let params = match (&mut self.trace, saved_trace) {
            (Some(t), Some(saved)) => std::mem::replace(t, saved),
            _ => Vec::new(),
        };
        self.usage.union(&usage);
        Ok((v?, usage, params))
    }

    fn benefit(
        &mut self,
        b: &Benefit,
        done: &[BenefitOutcome],
    ) -> Result<BenefitOutcome, EvalError> {
        self.benefit_in(b, done).map_err(|e| *e)
    }

    fn benefit_in(
        &mut self,
        b: &Benefit,
        done: &[BenefitOutcome],
    ) -> Result<BenefitOutcome, Fault> {
        let mut out = BenefitOutcome {
            status: Status::Undetermined,
            period_date: None,
            conditions: Vec::with_capacity(b.conditions.len() + 1),
            amount: None,
            up_to: false,
            reasons: Vec::new(),
            amount_params: Vec::new(),
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
                    self.outcomes
                        .push((out.status, Why::NONE, Usage::default()));
                    return Ok(out);
                }
            }
            V::Known(_) => {}
            V::Unknown(r) => {
                out.reasons = self.reasons(r).to_vec();
                self.outcomes.push((out.status, r, Usage::default()));
                return Ok(out);
            }
        }
        // A condition that fails on confirmed values alone settles the
        // benefit: without a trace, the rest need not be evaluated. (With a
        // trace every condition is evaluated for the explanation; the status,
        // estimate flag and warnings come out the same either way.)
        let mut settled = false;
        // The reasons of the unknown conditions, for an undetermined status.
        let mut unknown = Why::NONE;
        let mut whys = Vec::new();
        for c in &b.conditions {
            let (v, usage, params) = self.tracked(&c.node)?;
            let t = truth(&v);
            settled = t == Truth::Fail && usage.unconfirmed.is_empty();
            let w = Self::why_of(&v);
            if t == Truth::Unknown {
                whys.push(w);
            }
            out.conditions.push(ConditionOutcome {
                truth: t,
                reasons: self.reasons(w).to_vec(),
                usage,
                params,
            });
            if settled && self.trace.is_none() {
                break;
            }
        }
        let stopped = settled && self.trace.is_none();
        if !b.higher_tiers.is_empty() && !stopped {
            let mut v = V::Known(Val::Bool(true));
            let mut usage = Usage::default();
            for &h in &b.higher_tiers {
                let Some(o) = done.get(h as usize) else {
                    continue;
                };
                usage.union(&o.usage);
                let not_h = match o.status {
                    Status::Eligible => V::Known(Val::Bool(false)),
                    Status::Ineligible | Status::NotInEffect => V::Known(Val::Bool(true)),
                    Status::Undetermined => match self.outcomes.get(h as usize) {
                        Some((_, w, _)) => V::Unknown(*w),
                        None => V::Unknown(Why::NONE),
                    },
                };
                v = self.and(v, not_h)?;
            }
            let t = truth(&v);
            let w = Self::why_of(&v);
            if t == Truth::Unknown {
                whys.push(w);
            }
            out.conditions.push(ConditionOutcome {
                truth: t,
                reasons: self.reasons(w).to_vec(),
                usage,
                params: Vec::new(),
            });
        }
        let any_fail = out.conditions.iter().any(|c| c.truth == Truth::Fail);
        let any_unknown = out.conditions.iter().any(|c| c.truth == Truth::Unknown);
        out.status = if any_fail {
            Status::Ineligible
        } else if any_unknown {
            Status::Undetermined
        } else {
            Status::Eligible
        };
        // The parameters the outcome depends on. Ineligible: the first
        // condition that fails on confirmed values alone, if there is one
        // (the outcome is then certain); else every failing condition (each
        // failure rests on a value below `confirmed`: an estimate).
        // Otherwise: every condition.
        let certain_failure = out
            .conditions
            .iter()
            .find(|c| c.truth == Truth::Fail && c.usage.unconfirmed.is_empty());
        match (out.status, certain_failure) {
            (Status::Ineligible, Some(c)) => out.usage = c.usage,
            (Status::Ineligible, None) => {
                for c in out.conditions.iter().filter(|c| c.truth == Truth::Fail) {
                    out.usage.union(&c.usage);
                }
            }
            _ => {
                for c in &out.conditions {
                    out.usage.union(&c.usage);
                }
                if out.status == Status::Undetermined {
                    for w in whys {
                        unknown = self.merge(unknown, w)?;
                    }
                }
            }
        }
        if out.status == Status::Eligible {
            if let Some(amount) = &b.amount {
                let (v, usage, params) = self.tracked(amount)?;
                out.usage.union(&usage);
                out.amount_params = params;
                match v {
                    V::Known(Val::Num(n)) => {
                        out.amount = Some(n.round_dp_with_strategy(
                            b.rounding,
                            RoundingStrategy::MidpointAwayFromZero,
                        ))
                    }
                    V::Known(_) => {}
                    V::Unknown(r) => unknown = r,
                }
            }
            if let Some(up_to) = &b.up_to {
                let (v, usage, _) = self.tracked(up_to)?;
                out.usage.union(&usage);
                out.up_to = matches!(v, V::Known(Val::Bool(true)));
            }
        }
        out.reasons = self.reasons(unknown).to_vec();
        out.estimate = !out.usage.unconfirmed.is_empty();
        self.outcomes.push((out.status, unknown, out.usage));
        Ok(out)
    }

    fn tick(&mut self) -> Result<(), Fault> {
        self.steps += 1;
        if self.steps > STEP_BUDGET {
            return Err(Box::new(EvalError::StepBudget {
                limit: STEP_BUDGET,
                what: String::new(),
            }));
        }
        Ok(())
    }

    /// Evaluates one node.
    pub fn eval(&mut self, node: &Node) -> Result<V, EvalError> {
        self.ev(node).map_err(|e| *e)
    }

    fn ev(&mut self, node: &Node) -> Result<V, Fault> {
        self.tick()?;
        Ok(match node {
            Node::Const(c) => V::Known(c.val()),
            Node::AsOf => V::Known(Val::Date(self.as_of)),
            Node::Fact(fid, slot) => match self.facts.scalars.get(*slot as usize) {
                Some(Some(v)) => V::Known(v.clone()),
                _ => self.one(Reason::Fact(*fid, None))?,
            },
            Node::List(fid, slot) => match self.facts.lists.get(*slot as usize) {
                Some(Some(records)) => {
                    V::Known(Val::List(*slot, Selection::All(records.len() as u32)))
                }
                _ => self.one(Reason::Fact(*fid, None))?,
            },
            Node::Local(i) => match self.env.get(*i as usize) {
                Some(v) => V::Known(v.clone()),
                None => V::Unknown(Why::NONE),
            },
            Node::Field(base, fid, idx) => self.field(base, *fid, *idx)?,
            Node::Def(id) => self.def(*id)?,
            Node::Param(pid, date) => {
                let date = match date {
                    None => self.as_of,
                    Some(n) => match self.ev(n)? {
                        V::Known(Val::Date(d)) => d,
                        V::Known(_) => return Ok(V::Unknown(Why::NONE)),
                        u @ V::Unknown(_) => return Ok(u),
                    },
                };
                self.param(*pid, date)?
            }
            Node::Neg(x) => match self.ev(x)? {
                V::Known(Val::Num(n)) => V::Known(Val::Num(-n)),
                other => other,
            },
            Node::Not(x) => match self.ev(x)? {
                V::Known(Val::Bool(b)) => V::Known(Val::Bool(!b)),
                other => other,
            },
            Node::Bin(op, a, b) => self.binary(*op, a, b)?,
            Node::In(x, items) => match self.ev(x)? {
                V::Known(v) => V::Known(Val::Bool(items.iter().any(|c| self.equal_const(&v, c)))),
                u => u,
            },
            Node::If(c, a, b) => match self.ev(c)? {
                V::Known(Val::Bool(true)) => self.ev(a)?,
                V::Known(_) => self.ev(b)?,
                V::Unknown(r) => self.if_unknown(r, a, b)?,
            },
            Node::Known(x) => V::Known(Val::Bool(matches!(self.ev(x)?, V::Known(_)))),
            Node::ListCall(f, list, body) => self.list_call(*f, list, body.as_deref())?,
            Node::Call(f, args) => self.call(*f, args)?,
            Node::Eligible(bid) => match self.outcomes.get(*bid as usize) {
                Some(&(status, r, usage)) => {
                    self.usage.union(&usage);
                    match status {
                        Status::Eligible => V::Known(Val::Bool(true)),
                        Status::Ineligible | Status::NotInEffect => V::Known(Val::Bool(false)),
                        Status::Undetermined => V::Unknown(r),
                    }
                }
                None => V::Unknown(Why::NONE),
            },
        })
    }

    #[inline(never)]
    fn field(&mut self, base: &Node, fid: FactId, idx: u32) -> Result<V, Fault> {
        Ok(match self.ev(base)? {
            V::Known(Val::Record(slot, i)) => {
                let v = self
                    .facts
                    .lists
                    .get(slot as usize)
                    .and_then(|l| l.as_ref())
                    .and_then(|l| l.get(i as usize))
                    .and_then(|r| r.get(idx as usize))
                    .and_then(|v| v.clone());
                match v {
                    Some(v) => V::Known(v),
                    None => self.one(Reason::Fact(fid, Some(i)))?,
                }
            }
            V::Known(_) => V::Unknown(Why::NONE),
            u @ V::Unknown(_) => u,
        })
    }

    /// `if` with an unknown condition: which branch applies is not known, so
    /// an error in one of them (a guarded division) does not make the case
    /// fail; the value is known only when both branches agree.
    #[inline(never)]
    fn if_unknown(&mut self, r: Why, a: &Node, b: &Node) -> Result<V, Fault> {
        let (x, y) = (self.ev(a), self.ev(b));
        Ok(match (x, y) {
            (Ok(V::Known(x)), Ok(V::Known(y))) if self.equal(&x, &y) => V::Known(x),
            (Err(e), _) | (_, Err(e)) if matches!(*e, EvalError::StepBudget { .. }) => {
                return Err(e)
            }
            (x, y) => {
                let wx = x.as_ref().map(Self::why_of).unwrap_or_default();
                let wy = y.as_ref().map(Self::why_of).unwrap_or_default();
                let m = self.merge(r, wx)?;
                V::Unknown(self.merge(m, wy)?)
            }
        })
    }

    fn def(&mut self, id: DefId) -> Result<V, Fault> {
        if let Some(Some((v, usage, params))) = self.defs.get(id as usize) {
            let (v, usage) = (v.clone(), *usage);
            if let Some(t) = &mut self.trace {
                t.extend(params.iter().copied());
            }
            self.usage.union(&usage);
            return Ok(v);
        }
        let Some(def) = self.engine.defs.get(id as usize) else {
            return Ok(V::Unknown(Why::NONE));
        };
        // INVARIANT: definitions have no free lambda variables, so the
        // environment does not change their value and caching is sound.
        let saved_env = std::mem::take(&mut self.env);
        let r = self.tracked(&def.node);
        self.env = saved_env;
        let (v, usage, params) = r.map_err(|e| Box::new(e.at(&def.name)))?;
        if let Some(t) = &mut self.trace {
            t.extend(params.iter().copied());
        }
        if let Some(slot) = self.defs.get_mut(id as usize) {
            *slot = Some((v.clone(), usage, params));
        }
        Ok(v)
    }

    fn param(&mut self, pid: ParamId, date: NaiveDate) -> Result<V, Fault> {
        let Some(p) = self.engine.params.get(pid as usize) else {
            return Ok(V::Unknown(Why::NONE));
        };
        self.usage.used.insert(pid);
        if let Some(t) = &mut self.trace {
            if !t.contains(&(pid, date)) {
                t.push((pid, date));
            }
        }
        match p.at(date) {
            Some(ParamValue {
                value: Some(v),
                confidence,
                ..
            }) => {
                if *confidence < Confidence::Confirmed {
                    self.usage.unconfirmed.insert(pid);
                }
                Ok(V::Known(Val::Num(*v)))
            }
            _ => self.one(Reason::Param(pid)),
        }
    }

    fn equal(&self, a: &Val, b: &Val) -> bool {
        match (a, b) {
            (Val::Sym(x), Val::Str(y)) | (Val::Str(y), Val::Sym(x)) => self.engine.sym(*x) == &**y,
            _ => a == b,
        }
    }

    fn equal_const(&self, a: &Val, c: &Const) -> bool {
        match (a, c) {
            (Val::Bool(x), Const::Bool(y)) => x == y,
            (Val::Num(x), Const::Num(y)) => x == y,
            (Val::Date(x), Const::Date(y)) => x == y,
            (Val::Sym(x), Const::Sym(y)) => x == y,
            (Val::Str(x), Const::Sym(y)) => self.engine.sym(*y) == &**x,
            _ => false,
        }
    }

    fn binary(&mut self, op: BinOp, a: &Node, b: &Node) -> Result<V, Fault> {
        match op {
            BinOp::And => {
                let va = self.ev(a)?;
                if matches!(va, V::Known(Val::Bool(false))) {
                    return Ok(va);
                }
                let vb = self.ev(b)?;
                return self.and(va, vb);
            }
            BinOp::Or => {
                let va = self.ev(a)?;
                if matches!(va, V::Known(Val::Bool(true))) {
                    return Ok(va);
                }
                let vb = self.ev(b)?;
                return self.or(va, vb);
            }
            BinOp::Default => {
                let va = self.ev(a)?;
                return match va {
                    V::Known(_) => Ok(va),
                    V::Unknown(_) => self.ev(b),
                };
            }
            _ => {}
        }
        // `0 * x` is 0 whatever `x` is (known or not), keeping the zero's scale.
        let va = self.ev(a)?;
        if op == BinOp::Mul && matches!(&va, V::Known(Val::Num(n)) if n.is_zero()) {
            return Ok(va);
        }
        let vb = self.ev(b)?;
        if op == BinOp::Mul && matches!(&vb, V::Known(Val::Num(n)) if n.is_zero()) {
            return Ok(vb);
        }
        let (x, y) = match (va, vb) {
            (V::Known(x), V::Known(y)) => (x, y),
            (x, y) => {
                let w = self.merge(Self::why_of(&x), Self::why_of(&y))?;
                return Ok(V::Unknown(w));
            }
        };
        let num = |r: Option<Decimal>| -> Result<V, Fault> {
            r.map(|n| V::Known(Val::Num(n))).ok_or_else(|| {
                Box::new(EvalError::Overflow {
                    what: String::new(),
                })
            })
        };
        Ok(match (op, &x, &y) {
            (BinOp::Add, Val::Num(p), Val::Num(q)) => num(p.checked_add(*q))?,
            (BinOp::Sub, Val::Num(p), Val::Num(q)) => num(p.checked_sub(*q))?,
            (BinOp::Mul, Val::Num(p), Val::Num(q)) => num(p.checked_mul(*q))?,
            (BinOp::Div, Val::Num(p), Val::Num(q)) => {
                if q.is_zero() {
                    return Err(Box::new(EvalError::DivisionByZero {
                        what: String::new(),
                    }));
                }
                num(p.checked_div(*q))?
            }
            (BinOp::Eq, _, _) => V::Known(Val::Bool(self.equal(&x, &y))),
            (BinOp::Ne, _, _) => V::Known(Val::Bool(!self.equal(&x, &y))),
            (_, Val::Num(p), Val::Num(q)) => V::Known(Val::Bool(compare(op, p.cmp(q)))),
            (_, Val::Date(p), Val::Date(q)) => V::Known(Val::Bool(compare(op, p.cmp(q)))),
            _ => V::Unknown(Why::NONE),
        })
    }

    #[inline(never)]
    fn list_call(&mut self, f: ListFn, list: &Node, body: Option<&Node>) -> Result<V, Fault> {
        let (slot, idx) = match self.ev(list)? {
            V::Known(Val::List(slot, idx)) => (slot, idx),
            V::Known(_) => return Ok(V::Unknown(Why::NONE)),
            u @ V::Unknown(_) => return Ok(u),
        };
        let Some(body) = body else {
            return Ok(V::Known(Val::Num(Decimal::from(idx.len()))));
        };
        let mut unknown: Option<Why> = None;
        let mut count = 0u32;
        let mut sum = Decimal::ZERO;
        let mut kept = Vec::new();
        for k in 0..idx.len() {
            let Some(i) = idx.get(k) else { break };
            self.env.push(Val::Record(slot, i));
            let v = self.ev(body);
            self.env.pop();
            match v? {
                V::Known(Val::Bool(true)) => {
                    count += 1;
                    match f {
                        ListFn::Any => return Ok(V::Known(Val::Bool(true))),
                        ListFn::First if unknown.is_none() => {
                            return Ok(V::Known(Val::Record(slot, i)))
                        }
                        ListFn::Filter => kept.push(i),
                        _ => {}
                    }
                }
                V::Known(Val::Bool(false)) => {
                    if f == ListFn::All {
                        return Ok(V::Known(Val::Bool(false)));
                    }
                }
                V::Known(Val::Num(n)) => {
                    sum = sum.checked_add(n).ok_or_else(|| {
                        Box::new(EvalError::Overflow {
                            what: String::new(),
                        })
                    })?;
                }
                V::Known(_) => {}
                V::Unknown(r) => {
                    let w = self.merge(unknown.unwrap_or_default(), r)?;
                    unknown = Some(w);
                }
            }
        }
        if let Some(r) = unknown {
            return Ok(V::Unknown(r));
        }
        Ok(V::Known(match f {
            ListFn::Count => Val::Num(Decimal::from(count)),
            ListFn::Sum => Val::Num(sum),
            ListFn::Any => Val::Bool(false),
            ListFn::All => Val::Bool(true),
            ListFn::Filter => Val::List(slot, Selection::Some(Rc::from(kept))),
            ListFn::First => return Ok(V::Unknown(Why::NONE)),
        }))
    }

    #[inline(never)]
    fn call(&mut self, f: ScalarFn, args: &[Node]) -> Result<V, Fault> {
        if matches!(f, ScalarFn::Min | ScalarFn::Max) {
            return self.min_max(f == ScalarFn::Min, args);
        }
        // Every other function takes one or two arguments.
        let mut vals: [Option<Val>; 2] = [None, None];
        let mut unknown: Option<Why> = None;
        for (slot, a) in vals.iter_mut().zip(args) {
            match self.ev(a)? {
                V::Known(v) => *slot = Some(v),
                V::Unknown(r) => {
                    let w = self.merge(unknown.unwrap_or_default(), r)?;
                    unknown = Some(w);
                }
            }
        }
        if let Some(r) = unknown {
            return Ok(V::Unknown(r));
        }
        let range = || {
            Box::new(EvalError::DateOutOfRange {
                what: String::new(),
            })
        };
        Ok(V::Known(match (f, vals) {
            (ScalarFn::Round, [Some(Val::Num(x)), Some(Val::Num(p))]) => {
                let places = p.trunc().to_u32().unwrap_or(2).min(10);
                Val::Num(x.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero))
            }
            (ScalarFn::Age, [Some(Val::Date(b)), None]) => {
                Val::Num(Decimal::from(full_years(b, self.as_of)))
            }
            (ScalarFn::AgeOn, [Some(Val::Date(b)), Some(Val::Date(on))]) => {
                Val::Num(Decimal::from(full_years(b, on)))
            }
            (ScalarFn::MonthsBetween, [Some(Val::Date(a)), Some(Val::Date(b))]) => {
                Val::Num(Decimal::from(months_between(a, b)))
            }
            (ScalarFn::AddMonths, [Some(Val::Date(d)), Some(Val::Num(n))]) => {
                if !n.is_integer() {
                    return Err(Box::new(EvalError::NotWholeMonths {
                        value: n.normalize().to_string(),
                        what: String::new(),
                    }));
                }
                let m = i64::try_from(n.mantissa() / 10i128.pow(n.scale())).map_err(|_| range())?;
                Val::Date(add_months(d, m).ok_or_else(range)?)
            }
            _ => return Ok(V::Unknown(Why::NONE)),
        }))
    }

    /// `min`/`max`: every argument is evaluated (its reasons count), the
    /// best known so far kept.
    fn min_max(&mut self, min: bool, args: &[Node]) -> Result<V, Fault> {
        let mut best: Option<Val> = None;
        let mut unknown: Option<Why> = None;
        for a in args {
            match self.ev(a)? {
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
                    let w = self.merge(unknown.unwrap_or_default(), r)?;
                    unknown = Some(w);
                }
            }
        }
        Ok(match (unknown, best) {
            (Some(r), _) => V::Unknown(r),
            (None, Some(b)) => V::Known(b),
            (None, None) => V::Unknown(Why::NONE),
        })
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
    fn add_months_clamps_to_month_end() {
        assert_eq!(add_months(d("2024-01-31"), 1), Some(d("2024-02-29")));
        assert_eq!(add_months(d("2023-01-31"), 1), Some(d("2023-02-28")));
        assert_eq!(add_months(d("2024-01-02"), 18), Some(d("2025-07-02")));
        assert_eq!(add_months(d("2024-03-31"), -1), Some(d("2024-02-29")));
    }
}
