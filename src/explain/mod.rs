//! Explanations: turns evaluation outcomes into explanation data in one
//! language, and renders results as readable text.
//!
//! Everything here reads the outcome; nothing decides it.

mod words;

pub use words::Lang;

use crate::eval::{BenefitOutcome, ConditionOutcome, Ctx, Reason, Status, Truth, V};
use crate::ir::*;
use crate::syntax::ast::BinOp;
use crate::syntax::pack::Text;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use words::{op_word, w};

/// A cited legal source.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cite {
    /// Document id.
    pub document: String,
    /// Document title.
    pub title: String,
    /// Article.
    pub article: String,
}

/// A parameter value used.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParamUse {
    /// Parameter id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// The date it was looked up on.
    pub on: String,
    /// The value, or null when unconfigured.
    pub value: Option<String>,
    /// Its unit.
    pub unit: String,
    /// The value's first day.
    pub from: Option<String>,
    /// Confidence tag.
    pub confidence: Option<String>,
    /// Source.
    pub source: Option<String>,
}

/// Two values compared.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Comparison {
    /// What the left side is.
    pub left: String,
    /// Its value (null when unknown).
    pub actual: Option<String>,
    /// The operator.
    pub op: String,
    /// What the right side is.
    pub right: String,
    /// Its value.
    pub threshold: Option<String>,
}

/// What would make a failed numeric condition pass.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Counterfactual {
    /// What is measured.
    pub subject: String,
    /// The operator that must hold.
    pub op: String,
    /// The threshold.
    pub threshold: String,
    /// The present value.
    pub actual: String,
    /// The sentence.
    pub text: String,
}

/// Another benefit this condition read.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dependency {
    /// `pack.benefit`.
    pub benefit: String,
    /// Its name.
    pub name: String,
    /// Its status.
    pub status: Status,
}

/// One condition, explained.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConditionExplanation {
    /// Condition id.
    pub id: String,
    /// Pass, fail or unknown.
    pub outcome: Truth,
    /// The requirement in plain words.
    pub text: String,
    /// The rule as written in the pack.
    pub rule: String,
    /// Legal source.
    pub legal_basis: Cite,
    /// Values compared.
    pub comparisons: Vec<Comparison>,
    /// Parameters used.
    pub parameters: Vec<ParamUse>,
    /// Other benefits read.
    pub depends_on: Vec<Dependency>,
    /// Unknown facts.
    pub missing: Vec<String>,
    /// What would change a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterfactual: Option<Counterfactual>,
}

/// The period a benefit is in force.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PeriodExplanation {
    /// First day.
    pub from: String,
    /// Last day.
    pub until: Option<String>,
    /// The date tested.
    pub on: Option<String>,
}

/// How the amount was computed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AmountExplanation {
    /// The formula as written.
    pub formula: String,
    /// The result before rounding is not kept; this is the rounded value.
    pub value: Option<String>,
    /// Parameters used.
    pub parameters: Vec<ParamUse>,
}

/// Why a benefit has its status.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    /// One sentence.
    pub summary: String,
    /// Legal basis of the benefit.
    pub legal_basis: Cite,
    /// Period in force.
    pub period: PeriodExplanation,
    /// Conditions in order.
    pub conditions: Vec<ConditionExplanation>,
    /// The amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<AmountExplanation>,
    /// Notes from the pack.
    pub notes: Vec<String>,
}

/// Formats a decimal for people: trailing zeros dropped, at most two places.
pub fn fmt_num(n: Decimal) -> String {
    let r = if n.scale() > 2 {
        n.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    } else {
        n
    };
    r.normalize().to_string()
}

/// Formats an amount with exactly two places.
pub fn fmt_amount(n: Decimal, places: u32) -> String {
    let mut r = n;
    r.rescale(places.max(2));
    r.to_string()
}

/// Formats a value.
pub fn fmt_val(engine: &Engine, v: &Val) -> String {
    match v {
        Val::Bool(b) => b.to_string(),
        Val::Num(n) => fmt_num(*n),
        Val::Date(d) => d.to_string(),
        Val::Sym(s) => engine.sym(*s).to_string(),
        Val::Str(s) => s.to_string(),
        Val::List(_, sel) => format!("[{} records]", sel.len()),
        Val::Record(_, i) => format!("record {i}"),
    }
}

/// The case-file path a reason names (`household.members[1].monthly_income`).
pub fn reason_path(engine: &Engine, r: &Reason) -> Option<String> {
    match r {
        Reason::Fact(fid, idx) => {
            let f = engine.schema.fact(*fid)?;
            Some(match idx {
                Some(i) => f.path.replacen("[]", &format!("[{i}]"), 1),
                None => f.path.clone(),
            })
        }
        Reason::Param(_) => None,
    }
}

/// The fact paths among reasons, in order, without repeats.
pub fn missing_paths(engine: &Engine, reasons: &[Reason]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in reasons {
        if let Some(p) = reason_path(engine, r) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// Describes a parameter value looked up on a date.
pub fn param_use(engine: &Engine, pid: ParamId, on: NaiveDate, lang: Lang) -> Option<ParamUse> {
    let p = engine.params.get(pid as usize)?;
    let v = p.at(on);
    Some(ParamUse {
        id: p.id.clone(),
        label: lang.pick(&p.decl.label).to_string(),
        on: on.to_string(),
        value: v.and_then(|v| v.value).map(fmt_num),
        unit: lang.pick(&p.decl.unit).to_string(),
        from: v.map(|v| v.from.to_string()),
        confidence: v.map(|v| v.confidence.tag().to_string()),
        source: v.map(|v| v.source.clone()),
    })
}

fn cite(c: &Citation, lang: Lang) -> Cite {
    Cite {
        document: c.document.clone(),
        title: lang.pick(&c.title).to_string(),
        article: c.article.clone(),
    }
}

/// Builds the explanation of one benefit. `cx` is the context the case was
/// evaluated in, so definitions are already cached.
pub fn explain_benefit(
    engine: &Engine,
    cx: &mut Ctx,
    b: &Benefit,
    o: &BenefitOutcome,
    outcomes: &[BenefitOutcome],
    as_of: NaiveDate,
    lang: Lang,
) -> Explanation {
    let mut conditions = Vec::new();
    for (k, c) in b.conditions.iter().enumerate() {
        let Some(co) = o.conditions.get(k) else {
            continue;
        };
        conditions.push(explain_condition(engine, cx, c, co, outcomes, lang));
    }
    if !b.higher_tiers.is_empty() {
        if let Some(co) = o.conditions.get(b.conditions.len()) {
            let depends_on = b
                .higher_tiers
                .iter()
                .filter_map(|&h| {
                    Some((engine.benefits.get(h as usize)?, outcomes.get(h as usize)?))
                })
                .map(|(hb, ho)| Dependency {
                    benefit: format!("{}.{}", pack_id(engine, hb), hb.id),
                    name: lang.pick(hb.name_on(as_of)).to_string(),
                    status: ho.status,
                })
                .collect();
            conditions.push(ConditionExplanation {
                id: "no_higher_tier".into(),
                outcome: co.truth,
                text: w(lang, "no_higher_tier").to_string(),
                rule: String::new(),
                legal_basis: cite(&b.citation, lang),
                comparisons: Vec::new(),
                parameters: Vec::new(),
                depends_on,
                missing: missing_paths(engine, &co.reasons),
                counterfactual: None,
            });
        }
    }
    let amount = b
        .amount_src
        .as_ref()
        .filter(|_| o.status == Status::Eligible)
        .map(|formula| AmountExplanation {
            formula: formula.clone(),
            value: o.amount.map(|a| fmt_amount(a, b.rounding)),
            parameters: o
                .amount_params
                .iter()
                .filter_map(|(p, d)| param_use(engine, *p, *d, lang))
                .collect(),
        });
    let notes = b
        .notes
        .iter()
        .filter(|n| n.on.is_empty() || n.on.iter().any(|s| s == o.status.as_str()))
        .map(|n| lang.pick(&n.text).to_string())
        .collect();
    Explanation {
        summary: summary(engine, b, o, lang),
        legal_basis: cite(&b.citation, lang),
        period: PeriodExplanation {
            from: b.from.to_string(),
            until: b.until.map(|d| d.to_string()),
            on: o.period_date.map(|d| d.to_string()),
        },
        conditions,
        amount,
        notes,
    }
}

fn pack_id<'e>(engine: &'e Engine, b: &Benefit) -> &'e str {
    engine.packs.get(b.pack).map_or("", |p| p.id.as_str())
}

fn summary(engine: &Engine, b: &Benefit, o: &BenefitOutcome, lang: Lang) -> String {
    match o.status {
        Status::Eligible => match o.amount {
            Some(a) => {
                let period = b.period.map_or("", |p| w(lang, period_key(p)));
                let up_to = if o.up_to { w(lang, "up_to") } else { "" };
                w(lang, "summary_eligible_amount")
                    .replace("{up_to}", up_to)
                    .replace("{amount}", &fmt_amount(a, b.rounding))
                    .replace("{period}", period)
            }
            None if b.amount.is_some() => w(lang, "summary_eligible_unknown_amount").to_string(),
            None => w(lang, "summary_eligible").to_string(),
        },
        Status::Ineligible => {
            let failed: Vec<String> = b
                .conditions
                .iter()
                .zip(&o.conditions)
                .filter(|(_, co)| co.truth == Truth::Fail)
                .map(|(c, _)| lang.pick(&c.text).to_string())
                .chain(
                    o.conditions
                        .get(b.conditions.len())
                        .filter(|co| co.truth == Truth::Fail)
                        .map(|_| w(lang, "no_higher_tier").to_string()),
                )
                .collect();
            w(lang, "summary_ineligible").replace("{failed}", &failed.join(w(lang, "list_sep")))
        }
        Status::Undetermined => {
            let missing = missing_paths(engine, &o.reasons);
            let params: Vec<String> = o
                .reasons
                .iter()
                .filter_map(|r| match r {
                    Reason::Param(p) => engine
                        .params
                        .get(*p as usize)
                        .map(|p| lang.pick(&p.decl.label).to_string()),
                    Reason::Fact(..) => None,
                })
                .collect();
            let mut s = w(lang, "summary_undetermined").to_string();
            if !missing.is_empty() {
                s.push_str(&w(lang, "summary_missing").replace("{n}", &missing.len().to_string()));
            }
            if !params.is_empty() {
                s.push_str(
                    &w(lang, "summary_unconfigured")
                        .replace("{params}", &params.join(w(lang, "list_sep"))),
                );
            }
            s
        }
        Status::NotInEffect => w(lang, "summary_not_in_effect")
            .replace(
                "{on}",
                &o.period_date.map(|d| d.to_string()).unwrap_or_default(),
            )
            .replace("{from}", &b.from.to_string())
            .replace(
                "{until}",
                &b.until.map(|d| d.to_string()).unwrap_or_else(|| "…".into()),
            ),
    }
}

fn period_key(p: Period) -> &'static str {
    match p {
        Period::Once => "period_once",
        Period::Month => "period_month",
        Period::Year => "period_year",
    }
}

/// The per-period word for an amount (`per month`).
pub fn period_word(p: Period, lang: Lang) -> &'static str {
    w(lang, period_key(p))
}

fn explain_condition(
    engine: &Engine,
    cx: &mut Ctx,
    c: &Condition,
    co: &ConditionOutcome,
    outcomes: &[BenefitOutcome],
    lang: Lang,
) -> ConditionExplanation {
    let mut comparisons = Vec::new();
    let mut depends = Vec::new();
    collect(engine, cx, &c.node, lang, &mut comparisons, 0);
    dependencies(engine, &c.node, &mut depends, 0);
    let depends_on = depends
        .into_iter()
        .filter_map(|bid| {
            let hb = engine.benefits.get(bid as usize)?;
            let ho = outcomes.get(bid as usize)?;
            Some(Dependency {
                benefit: format!("{}.{}", pack_id(engine, hb), hb.id),
                name: lang.pick(hb.name_on(cx.as_of())).to_string(),
                status: ho.status,
            })
        })
        .collect();
    let counterfactual = if co.truth == Truth::Fail {
        counterfactual(engine, cx, c, lang)
    } else {
        None
    };
    ConditionExplanation {
        id: c.id.clone(),
        outcome: co.truth,
        text: lang.pick(&c.text).to_string(),
        rule: c.text_src.clone(),
        legal_basis: cite(&c.citation, lang),
        comparisons,
        parameters: co
            .params
            .iter()
            .filter_map(|(p, d)| param_use(engine, *p, *d, lang))
            .collect(),
        depends_on,
        missing: missing_paths(engine, &co.reasons),
        counterfactual,
    }
}

/// Collects the comparisons at the top of a condition (under `and`, `or`,
/// `not`, `if`).
fn collect(
    engine: &Engine,
    cx: &mut Ctx,
    node: &Node,
    lang: Lang,
    out: &mut Vec<Comparison>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    match node {
        Node::Bin(BinOp::And | BinOp::Or, a, b) => {
            collect(engine, cx, a, lang, out, depth + 1);
            collect(engine, cx, b, lang, out, depth + 1);
        }
        Node::Not(x) => collect(engine, cx, x, lang, out, depth + 1),
        Node::If(c, a, b) => {
            collect(engine, cx, c, lang, out, depth + 1);
            collect(engine, cx, a, lang, out, depth + 1);
            collect(engine, cx, b, lang, out, depth + 1);
        }
        Node::Bin(op, a, b) if op.is_comparison() => {
            let labels = enum_fact(engine, a).or_else(|| enum_fact(engine, b));
            let va = side_value(engine, cx, a, labels, lang);
            let vb = side_value(engine, cx, b, labels, lang);
            let describe_side = |n: &Node| match n {
                Node::Const(c) => enum_label(labels, fmt_val(engine, &c.val()), lang),
                _ => describe(engine, n, lang),
            };
            out.push(Comparison {
                left: describe_side(a),
                actual: va,
                op: op.symbol().to_string(),
                right: describe_side(b),
                threshold: vb,
            });
        }
        Node::In(x, items) => {
            let labels = enum_fact(engine, x);
            out.push(Comparison {
                left: describe(engine, x, lang),
                actual: side_value(engine, cx, x, labels, lang),
                op: "in".into(),
                right: format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|c| enum_label(labels, fmt_val(engine, &c.val()), lang))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                threshold: None,
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
fn enum_fact<'e>(engine: &'e Engine, n: &Node) -> Option<&'e FactDef> {
    match n {
        Node::Fact(fid, _) | Node::Field(_, fid, _) => engine
            .schema
            .fact(*fid)
            .filter(|f| matches!(f.ty, FactType::Enum(_))),
        _ => None,
    }
}

/// An enum value with its label in the language (`severe` → `重度`).
fn enum_label(fact: Option<&FactDef>, value: String, lang: Lang) -> String {
    match fact.and_then(|f| f.value_labels.get(&value)) {
        Some(label) => lang.pick(label).to_string(),
        None => value,
    }
}

fn side_value(
    engine: &Engine,
    cx: &mut Ctx,
    n: &Node,
    labels: Option<&FactDef>,
    lang: Lang,
) -> Option<String> {
    match cx.eval(n) {
        Ok(V::Known(v)) => Some(enum_label(labels, fmt_val(engine, &v), lang)),
        _ => None,
    }
}

/// A short description of what a node stands for.
pub fn describe(engine: &Engine, n: &Node, lang: Lang) -> String {
    match n {
        Node::Const(c) => fmt_val(engine, &c.val()),
        Node::AsOf => w(lang, "as_of").to_string(),
        Node::Fact(fid, _) | Node::List(fid, _) | Node::Field(_, fid, _) => engine
            .schema
            .fact(*fid)
            .map_or_else(String::new, |f| lang.pick(&f.label).to_string()),
        Node::Def(d) => engine
            .defs
            .get(*d as usize)
            .map_or_else(String::new, |d| match &d.label {
                Some(l) => lang.pick(l).to_string(),
                None => d.name.clone(),
            }),
        Node::Param(p, _) => engine
            .params
            .get(*p as usize)
            .map_or_else(String::new, |p| lang.pick(&p.decl.label).to_string()),
        Node::Call(ScalarFn::Age, args) => format!(
            "{} ({})",
            w(lang, "age"),
            args.first()
                .map(|a| describe(engine, a, lang))
                .unwrap_or_default()
        ),
        Node::Call(ScalarFn::AddMonths, args) => match (args.first(), args.get(1)) {
            (Some(d), Some(Node::Const(Const::Num(m)))) => w(lang, "plus_months")
                .replace("{date}", &describe(engine, d, lang))
                .replace("{n}", &fmt_num(*m)),
            _ => w(lang, "computed").to_string(),
        },
        Node::Bin(op, a, b) if matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div) => {
            format!(
                "{} {} {}",
                describe(engine, a, lang),
                op.symbol(),
                describe(engine, b, lang)
            )
        }
        _ => w(lang, "computed").to_string(),
    }
}

fn counterfactual(
    engine: &Engine,
    cx: &mut Ctx,
    c: &Condition,
    lang: Lang,
) -> Option<Counterfactual> {
    let Node::Bin(op, a, b) = &c.node else {
        return None;
    };
    if !matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge) {
        return None;
    }
    let (Ok(V::Known(Val::Num(x))), Ok(V::Known(Val::Num(t)))) = (cx.eval(a), cx.eval(b)) else {
        return None;
    };
    let subject = c
        .subject
        .as_ref()
        .map_or_else(|| describe(engine, a, lang), |s| lang.pick(s).to_string());
    let (threshold, actual) = (fmt_num(t), fmt_num(x));
    let text = w(lang, "counterfactual")
        .replace("{subject}", &subject)
        .replace("{op}", op_word(lang, *op))
        .replace("{threshold}", &threshold)
        .replace("{actual}", &actual);
    Some(Counterfactual {
        subject,
        op: op.symbol().to_string(),
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
pub fn words(lang: Lang, key: &'static str) -> &'static str {
    w(lang, key)
}

/// The unconfigured-parameter warning.
pub fn words_param_unconfigured(lang: Lang, param: &str, on: NaiveDate) -> String {
    w(lang, "parameter_unconfigured")
        .replace("{param}", param)
        .replace("{on}", &on.to_string())
}

/// The stale-parameter warning.
pub fn words_stale(lang: Lang, param: &str, from: NaiveDate) -> String {
    w(lang, "stale_parameter")
        .replace("{param}", param)
        .replace("{from}", &from.to_string())
}
