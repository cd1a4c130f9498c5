//! The checked, lowered form of the packs that the evaluator runs.
//!
//! Names are resolved to slots, literals to constants, enum strings to
//! symbols. IR types never cross the API boundary.

use crate::syntax::ast::BinOp;
use crate::syntax::pack::{ExactlyOne, ParameterDecl, TestDecl, Text};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Index into [`Schema::facts`].
pub type FactId = u32;
/// Index into [`Engine::params`].
pub type ParamId = u32;
/// Index into [`Engine::defs`].
pub type DefId = u32;
/// Index into [`Engine::benefits`].
pub type BenefitId = u32;
/// Interned enum value or string literal.
pub type Sym = u32;

/// The declared type of a fact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FactType {
    /// `bool`.
    Bool,
    /// `integer`.
    Integer,
    /// `decimal`.
    Decimal,
    /// `ratio`.
    Ratio,
    /// `money`.
    Money,
    /// `date`.
    Date,
    /// `enum`, with its values.
    Enum(Vec<String>),
    /// `string`.
    String,
    /// `list` of records.
    List,
}

impl FactType {
    /// The name used in packs.
    pub fn name(&self) -> &'static str {
        match self {
            FactType::Bool => "bool",
            FactType::Integer => "integer",
            FactType::Decimal => "decimal",
            FactType::Ratio => "ratio",
            FactType::Money => "money",
            FactType::Date => "date",
            FactType::Enum(_) => "enum",
            FactType::String => "string",
            FactType::List => "list",
        }
    }

    /// Whether values are numbers.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            FactType::Integer | FactType::Decimal | FactType::Ratio | FactType::Money
        )
    }
}

/// Where a fact's value lives in [`crate::input::Facts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FactSlot {
    /// A top-level scalar.
    Scalar(u32),
    /// A list of records.
    List(u32),
    /// A field of the records of a list: (list slot, field index).
    Field(u32, u32),
}

/// A declared fact.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FactDef {
    /// Its path, `household.members[].birth_date`.
    pub path: String,
    /// Its type.
    pub ty: FactType,
    /// Where its value lives.
    pub slot: FactSlot,
    /// The pack that declares it.
    pub pack: usize,
    /// Question or column title.
    pub label: Text,
    /// Help.
    pub help: Option<Text>,
    /// Enum value labels.
    pub value_labels: BTreeMap<String, Text>,
    /// Inclusive lower bound.
    #[serde(with = "decimal_opt")]
    pub min: Option<Decimal>,
    /// Inclusive upper bound.
    #[serde(with = "decimal_opt")]
    pub max: Option<Decimal>,
    /// Must not lie after the as-of date.
    pub not_after_as_of: bool,
    /// Unique among the list's records.
    pub unique: bool,
    /// Exactly one record with this field value.
    pub exactly_one: Option<ExactlyOne>,
    /// May be asked.
    pub ask: bool,
    /// Form position.
    pub order: i64,
    /// For an enum, each value's symbol, in the order of its values.
    pub symbols: Vec<Sym>,
}

/// All declared facts.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Schema {
    /// Facts in declaration order (packs in load order).
    pub facts: Vec<FactDef>,
    /// Path to fact.
    pub by_path: BTreeMap<String, FactId>,
    /// Number of scalar slots.
    pub scalars: u32,
    /// Per list slot: its fact and its fields' facts in field order.
    pub lists: Vec<(FactId, Vec<FactId>)>,
    /// The shape of a case file: objects down to scalar and list facts.
    pub shape: ObjectShape,
    /// Per list slot: field name to (fact, field index).
    pub list_fields: Vec<Keys<(FactId, u32)>>,
}

/// An object of the case file: its keys, each a fact or a nested object.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ObjectShape {
    /// Keys in order.
    pub children: Keys<ShapeChild>,
}

/// What a key of a case-file object holds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum ShapeChild {
    /// A declared fact (scalar or list).
    Fact(FactId),
    /// A nested object.
    Object(ObjectShape),
}

/// The keys of a case-file object (or of a list's records), in key order,
/// found by a hash of the key, a binary search and one comparison.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Keys<T> {
    entries: Vec<(String, T)>,
    /// (hash of the key, entry index), sorted.
    by_hash: Vec<(u64, u32)>,
}

impl<T> Default for Keys<T> {
    fn default() -> Self {
        Keys {
            entries: Vec::new(),
            by_hash: Vec::new(),
        }
    }
}

impl<T> Keys<T> {
    /// The keys of a map.
    pub fn new(map: BTreeMap<String, T>) -> Self {
        let entries: Vec<(String, T)> = map.into_iter().collect();
        let mut by_hash: Vec<(u64, u32)> = entries
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (key_hash(k), i as u32))
            .collect();
        by_hash.sort_unstable();
        Keys { entries, by_hash }
    }

    /// A key's position (in key order), its own text and its value.
    #[inline]
    pub fn get(&self, key: &str) -> Option<(u32, &str, &T)> {
        let h = key_hash(key);
        let from = self.by_hash.partition_point(|(x, _)| *x < h);
        for &(x, i) in self.by_hash.get(from..)? {
            if x != h {
                break;
            }
            if let Some((k, v)) = self.entries.get(i as usize) {
                if k == key {
                    return Some((i, k, v));
                }
            }
        }
        None
    }

    /// The keys and values, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys, in key order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A quick hash of a key (FxHash-style, a word at a time).
fn key_hash(s: &str) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h = s.len() as u64;
    for chunk in s.as_bytes().chunks(8) {
        let mut w = [0u8; 8];
        for (d, b) in w.iter_mut().zip(chunk) {
            *d = *b;
        }
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    h
}

impl Schema {
    /// The fact with this id.
    pub fn fact(&self, id: FactId) -> Option<&FactDef> {
        self.facts.get(id as usize)
    }
}

/// A runtime value that is known. Plain data (`Copy`, no pointers), so
/// values move through the evaluator without reference counting.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Val {
    /// Boolean.
    Bool(bool),
    /// Exact decimal.
    Num(#[serde(with = "decimal")] Decimal),
    /// Calendar date.
    Date(NaiveDate),
    /// Enum value or string: the packs' symbols first, then the strings of
    /// the case that no pack names (ids), see [`crate::input::Facts::sym`].
    Sym(Sym),
    /// Records of a list slot.
    List(u32, Selection),
    /// One record: (list slot, index).
    Record(u32, u32),
}

/// Which records of a list a list value holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Selection {
    /// The first `n` records: the whole list.
    All(u32),
    /// `len` record indices, kept from `start` in the evaluation's
    /// selection arena (`eval::Ctx`).
    Some {
        /// First index in the arena.
        start: u32,
        /// How many records.
        len: u32,
    },
}

impl Selection {
    /// How many records.
    pub fn len(&self) -> usize {
        match self {
            Selection::All(n) => *n as usize,
            Selection::Some { len, .. } => *len as usize,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A constant in the IR.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Const {
    /// Boolean.
    Bool(bool),
    /// Decimal.
    Num(#[serde(with = "decimal")] Decimal),
    /// Date.
    Date(NaiveDate),
    /// Symbol.
    Sym(Sym),
}

impl Const {
    /// As a runtime value.
    pub fn val(&self) -> Val {
        match self {
            Const::Bool(b) => Val::Bool(*b),
            Const::Num(n) => Val::Num(*n),
            Const::Date(d) => Val::Date(*d),
            Const::Sym(s) => Val::Sym(*s),
        }
    }
}

/// Built-in list functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ListFn {
    /// Number of records satisfying the predicate.
    Count,
    /// Sum of the body.
    Sum,
    /// Kleene or.
    Any,
    /// Kleene and.
    All,
    /// The records satisfying the predicate.
    Filter,
    /// The first record satisfying the predicate.
    First,
}

/// Built-in scalar functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ScalarFn {
    /// Smallest.
    Min,
    /// Largest.
    Max,
    /// Round half away from zero to n places.
    Round,
    /// Full years to the as-of date.
    Age,
    /// Full years to a date.
    AgeOn,
    /// Whole months between.
    MonthsBetween,
    /// Add months, clamped.
    AddMonths,
}

/// An IR node.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Node {
    /// A constant.
    Const(Const),
    /// The as-of date.
    AsOf,
    /// A scalar fact.
    Fact(FactId, u32),
    /// A whole list fact.
    List(FactId, u32),
    /// A lambda variable, by depth from the outermost.
    Local(u32),
    /// A field of a record value.
    Field(Box<Node>, FactId, u32),
    /// A definition.
    Def(DefId),
    /// A parameter, at the as-of date or at the given date.
    Param(ParamId, Option<Box<Node>>),
    /// Negation.
    Neg(Box<Node>),
    /// Logical not.
    Not(Box<Node>),
    /// Binary operator.
    Bin(BinOp, Box<Node>, Box<Node>),
    /// Membership in constants.
    In(Box<Node>, Vec<Const>),
    /// Conditional.
    If(Box<Node>, Box<Node>, Box<Node>),
    /// `known(x)`.
    Known(Box<Node>),
    /// A list function: the list, and the lambda body (if any).
    ListCall(ListFn, Box<Node>, Option<Box<Node>>),
    /// A scalar function.
    Call(ScalarFn, Vec<Node>),
    /// Whether another benefit is eligible.
    Eligible(BenefitId),
}

/// A parameter value on a date range.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ParamValue {
    /// First day.
    pub from: NaiveDate,
    /// The value; `None` when the parameter stops applying.
    #[serde(with = "decimal_opt")]
    pub value: Option<Decimal>,
    /// Confidence tag.
    pub confidence: Confidence,
    /// Source text.
    pub source: String,
}

/// How sure a value is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// A design assumption.
    Assumption,
    /// Remembered or inferred.
    Unverified,
    /// One source.
    SingleSource,
    /// Two or more sources.
    Confirmed,
}

impl Confidence {
    /// Parses the tag.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "confirmed" => Confidence::Confirmed,
            "single-source" => Confidence::SingleSource,
            "unverified" => Confidence::Unverified,
            "assumption" => Confidence::Assumption,
            _ => return None,
        })
    }

    /// The tag as written.
    pub fn tag(self) -> &'static str {
        match self {
            Confidence::Confirmed => "confirmed",
            Confidence::SingleSource => "single-source",
            Confidence::Unverified => "unverified",
            Confidence::Assumption => "assumption",
        }
    }
}

/// A checked parameter.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Parameter {
    /// Id.
    pub id: String,
    /// Pack index.
    pub pack: usize,
    /// Declaration.
    pub decl: ParameterDecl,
    /// Values in increasing `from` order.
    pub values: Vec<ParamValue>,
    /// For a parameter adjusted yearly: the last day its last value is not
    /// yet stale (`check::STALE_AFTER_MONTHS` after its `from`).
    pub stale_after: Option<NaiveDate>,
}

impl Parameter {
    /// The value in force on `date`, if any.
    pub fn at(&self, date: NaiveDate) -> Option<&ParamValue> {
        self.values.iter().rev().find(|v| v.from <= date)
    }
}

/// A checked definition.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Definition {
    /// Name.
    pub name: String,
    /// Pack index.
    pub pack: usize,
    /// Body.
    pub node: Node,
    /// Label.
    pub label: Option<Text>,
    /// Source text.
    pub text: String,
}

/// Amount period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Paid once.
    Once,
    /// Per month.
    Month,
    /// Per year.
    Year,
}

/// A cited legal source.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Citation {
    /// Document id.
    pub document: String,
    /// Its title.
    pub title: Text,
    /// Article text.
    pub article: String,
}

/// A checked condition.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Condition {
    /// Id.
    pub id: String,
    /// The test.
    pub node: Node,
    /// Source text of the test.
    pub text_src: String,
    /// Legal source.
    pub citation: Citation,
    /// Plain words.
    pub text: Text,
    /// What it measures.
    pub subject: Option<Text>,
    /// What its explanation shows, worked out once when the packs load
    /// (`explain::plan`); empty until then.
    pub plan: ConditionPlan,
}

/// The parts of a condition's explanation that do not depend on the case.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ConditionPlan {
    /// The comparisons at the top of the condition (under `and`, `or`,
    /// `not`, `if`), in order.
    pub comparisons: Vec<ComparisonPlan>,
    /// Other benefits the condition reads, through definitions too.
    pub reads: Vec<BenefitId>,
}

/// The operator of a [`ComparisonPlan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CompareOp {
    /// A comparison operator (`<`, `==`, …).
    Bin(BinOp),
    /// `in` a list of constants.
    In,
}

impl CompareOp {
    /// The operator as written (`<`, `in`, …).
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Bin(op) => op.symbol(),
            CompareOp::In => "in",
        }
    }
}

/// One comparison an explanation shows: the two sides to evaluate, and
/// what each side is, in the three languages.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ComparisonPlan {
    /// The operator.
    pub op: CompareOp,
    /// The left side.
    pub left: Node,
    /// The right side (none for `in`, whose list is in `right_text`).
    pub right: Option<Node>,
    /// The enum fact whose value labels show the values, if any.
    pub labels: Option<FactId>,
    /// What the left side is.
    pub left_text: Text,
    /// What the right side is.
    pub right_text: Text,
}

/// A note with the statuses it applies to.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// Statuses (empty: all).
    pub on: Vec<String>,
    /// Text.
    pub text: Text,
}

/// A checked benefit.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Benefit {
    /// Id.
    pub id: String,
    /// `pack.benefit`, as results and questions name it.
    pub key: String,
    /// Pack index.
    pub pack: usize,
    /// Names from dates (the first from the beginning of time).
    pub names: Vec<(Option<NaiveDate>, Text)>,
    /// Legal basis.
    pub citation: Citation,
    /// First day in force.
    pub from: NaiveDate,
    /// Last day in force.
    pub until: Option<NaiveDate>,
    /// Date tested against the period (default: as-of).
    pub on: Option<Node>,
    /// Source text of `on`.
    pub on_src: Option<String>,
    /// Amount period.
    pub period: Option<Period>,
    /// Amount.
    pub amount: Option<Node>,
    /// Source text of the amount.
    pub amount_src: Option<String>,
    /// Up-to flag.
    pub up_to: Option<Node>,
    /// Decimal places.
    pub rounding: u32,
    /// Notes.
    pub notes: Vec<Note>,
    /// Conditions.
    pub conditions: Vec<Condition>,
    /// Earlier tiers of the same program (for `no_higher_tier`).
    pub higher_tiers: Vec<BenefitId>,
    /// Whether it is a tier.
    pub is_tier: bool,
}

impl Benefit {
    /// The name in force on `date`.
    pub fn name_on(&self, date: NaiveDate) -> &Text {
        let mut current = None;
        for (from, text) in &self.names {
            if from.is_none_or(|f| f <= date) {
                current = Some(text);
            }
        }
        current
            .or_else(|| self.names.first().map(|(_, t)| t))
            .unwrap_or(&EMPTY_TEXT)
    }
}

static EMPTY_TEXT: Text = Text {
    zh: String::new(),
    en: String::new(),
    ja: String::new(),
};

/// A checked pack.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Pack {
    /// Program id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Name.
    pub name: Text,
    /// File name it came from.
    pub file: String,
    /// Benefits in order.
    pub benefits: Vec<BenefitId>,
    /// Tier benefits in order.
    pub tiers: Vec<BenefitId>,
    /// Test cases (not in a compiled engine: see [`crate::api::engine_bytes`]).
    #[serde(skip)]
    pub tests: Vec<TestDecl>,
}

/// The compiled packs: everything evaluation needs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Engine {
    /// Packs in dependency order.
    pub packs: Vec<Pack>,
    /// Fact schema.
    pub schema: Schema,
    /// Symbol table.
    pub symbols: Vec<String>,
    /// Symbol lookup.
    pub sym_index: BTreeMap<String, Sym>,
    /// Parameters.
    pub params: Vec<Parameter>,
    /// Definitions.
    pub defs: Vec<Definition>,
    /// Benefits in evaluation order.
    pub benefits: Vec<Benefit>,
    /// Content hash of the packs, `sha256:…`.
    pub hash: String,
    /// What results show whatever the case, worked out once when the packs
    /// load (`explain::plan`); empty until then.
    pub shown: ResultPlan,
}

/// The parts of results that do not depend on the case.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ResultPlan {
    /// Per fact: for a field of a list's records, the case-file paths of
    /// its first [`ResultPlan::RECORDS`] records
    /// (`household.members[3].monthly_income`) one after the other, and
    /// where each ends.
    pub record_paths: Vec<(String, Vec<u32>)>,
    /// Per fact: an enum's values that have a label, by symbol.
    pub enum_labels: Vec<Vec<(Sym, Text)>>,
    /// Per parameter adjusted yearly: its stale-parameter warning in each
    /// language.
    pub stale: Vec<Option<Text>>,
    /// The facts in the order questions list them (form order, then
    /// declaration order).
    pub facts_in_form_order: Vec<FactId>,
    /// Per fact: its place in `facts_in_form_order`.
    pub form_rank: Vec<u32>,
}

impl ResultPlan {
    /// How many records of each list have their paths written in advance.
    pub const RECORDS: u32 = 16;

    /// The path of a record's field, when written in advance.
    pub fn record_path(&self, fact: FactId, record: u32) -> Option<&str> {
        let (text, ends) = self.record_paths.get(fact as usize)?;
        let end = *ends.get(record as usize)? as usize;
        let start = match record.checked_sub(1) {
            Some(before) => *ends.get(before as usize)? as usize,
            None => 0,
        };
        text.get(start..end)
    }
}

impl Engine {
    /// The text of a symbol.
    pub fn sym(&self, s: Sym) -> &str {
        self.symbols
            .get(s as usize)
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// A [`Decimal`] as its 16 bytes (`Decimal::serialize`): exact, and read
/// back without parsing text. (`Decimal`'s own `Deserialize` asks the format
/// what the value is, which `postcard`, not self-describing, cannot say.)
mod decimal {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        d.serialize().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        <[u8; 16]>::deserialize(d).map(Decimal::deserialize)
    }
}

/// An optional [`Decimal`], as [`decimal`] writes one.
mod decimal_opt {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        d.map(|d| d.serialize()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Option::<[u8; 16]>::deserialize(d).map(|b| b.map(Decimal::deserialize))
    }
}
