//! The rule-pack file model: what a TOML pack says, before any checking.
//!
//! Expressions stay strings here, with their byte span in the file, so the
//! checker can point a caret at a fault inside them.
//!
//! [`read`] decodes the tree of the TOML reader ([`super::toml`]) by hand
//! into these structs and reports every fault of shape at once: an unknown
//! key (with a did-you-mean), a missing key, a value of the wrong type.

use super::toml::{self, Entry, Error, Item, Node};
use crate::check::edit_distance;
use std::collections::BTreeMap;
use std::ops::{Deref, Range};

/// A value with its byte span in the pack file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Spanned<T> {
    span: Range<usize>,
    value: T,
}

impl<T> Spanned<T> {
    /// A value at `span`.
    pub fn new(span: Range<usize>, value: T) -> Self {
        Spanned { span, value }
    }

    /// Where the value is, in bytes.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The value.
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// The value, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// The value, without its span.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A text in the three languages of the form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
pub struct Text {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
    /// Japanese.
    pub ja: String,
}

/// A date in a pack: a TOML date, or a `YYYY-MM-DD` string.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PackDate(pub String);

/// A decimal in a pack: a string or an integer. Floats are refused.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PackDecimal(pub String);

/// One rule-pack file.
#[derive(Debug, Clone)]
pub struct PackFile {
    /// Metadata.
    pub pack: PackMeta,
    /// Legal documents, by id.
    pub sources: BTreeMap<String, SourceDecl>,
    /// Declared facts, by path.
    pub facts: BTreeMap<String, Spanned<FactDecl>>,
    /// Parameters, by id.
    pub parameters: BTreeMap<String, Spanned<ParameterDecl>>,
    /// Named expressions.
    pub definitions: BTreeMap<String, DefinitionDecl>,
    /// Benefits, in order.
    pub benefits: Vec<Spanned<BenefitDecl>>,
    /// Test cases.
    pub tests: Vec<TestDecl>,
}

/// `[pack]`.
#[derive(Debug, Clone)]
pub struct PackMeta {
    /// Program id.
    pub id: Spanned<String>,
    /// Version text.
    pub version: String,
    /// Program name.
    pub name: Text,
    /// Packs this one reads from.
    pub requires: Vec<Spanned<String>>,
    /// Ordered tier benefit ids.
    pub tiers: Vec<Spanned<String>>,
}

/// `[sources.ID]`.
#[derive(Debug, Clone)]
pub struct SourceDecl {
    /// The document's title.
    pub title: Text,
}

/// `[facts."PATH"]`.
#[derive(Debug, Clone)]
pub struct FactDecl {
    /// Type name.
    pub ty: Spanned<String>,
    /// Question or column title.
    pub label: Text,
    /// Longer help.
    pub help: Option<Text>,
    /// Enum values.
    pub values: Vec<String>,
    /// Enum value labels.
    pub value_labels: BTreeMap<String, Text>,
    /// Inclusive lower bound.
    pub min: Option<PackDecimal>,
    /// Inclusive upper bound.
    pub max: Option<PackDecimal>,
    /// A date that may not lie after the as-of date.
    pub not_after_as_of: bool,
    /// A string field whose values must differ between records.
    pub unique: bool,
    /// A list in which exactly one record has a field equal to a value.
    pub exactly_one: Option<ExactlyOne>,
    /// Whether the form may ask for it.
    pub ask: Option<bool>,
    /// Position in the form.
    pub order: Option<i64>,
}

/// `exactly_one = { field, value }`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ExactlyOne {
    /// The record field.
    pub field: String,
    /// The value exactly one record has.
    pub value: String,
}

/// `[parameters.ID]`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ParameterDecl {
    /// What it is.
    pub label: Text,
    /// Its unit.
    pub unit: Text,
    /// Whether it is set anew each year.
    pub adjusted_yearly: bool,
    /// Shown when it is unconfigured.
    pub note: Option<Text>,
    /// Dated values, increasing.
    pub values: Vec<Spanned<ParameterValueDecl>>,
}

/// One dated parameter value.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ParameterValueDecl {
    /// First day it applies.
    pub from: PackDate,
    /// The value, or `"none"`.
    pub value: PackDecimal,
    /// Confidence tag.
    pub confidence: String,
    /// Where it comes from.
    pub source: String,
}

/// A definition: an expression, or an expression with a label.
#[derive(Debug, Clone)]
pub enum DefinitionBody {
    /// `name = "expr"`.
    Bare(String),
    /// `name = { expr = "…", label = {…} }`.
    Labelled {
        /// The expression.
        expr: String,
        /// Its label.
        label: Option<Text>,
    },
}

/// A definition with its place in the file.
pub type DefinitionDecl = Spanned<DefinitionBody>;

impl DefinitionBody {
    /// The expression.
    pub fn expr(&self) -> &str {
        match self {
            DefinitionBody::Bare(e) => e,
            DefinitionBody::Labelled { expr, .. } => expr,
        }
    }

    /// The label, if any.
    pub fn label(&self) -> Option<&Text> {
        match self {
            DefinitionBody::Bare(_) => None,
            DefinitionBody::Labelled { label, .. } => label.as_ref(),
        }
    }
}

/// `[[benefits]]`.
#[derive(Debug, Clone)]
pub struct BenefitDecl {
    /// Benefit id.
    pub id: Spanned<String>,
    /// Name.
    pub name: Text,
    /// Later names.
    pub renamed: Vec<Renamed>,
    /// Legal document id.
    pub source: Spanned<String>,
    /// Article text.
    pub article: String,
    /// Effective period.
    pub effective: EffectiveDecl,
    /// Amount period.
    pub period: Option<Spanned<String>>,
    /// Amount expression.
    pub amount: Option<Spanned<String>>,
    /// "Up to" expression or flag.
    pub up_to: Option<Spanned<UpTo>>,
    /// Decimal places of the amount.
    pub rounding: Option<u32>,
    /// Notes for the explanation.
    pub notes: Vec<NoteDecl>,
    /// Conditions.
    pub conditions: Vec<ConditionDecl>,
}

/// `up_to = true` or `up_to = "expr"`.
#[derive(Debug, Clone)]
pub enum UpTo {
    /// A fixed flag.
    Flag(bool),
    /// A boolean expression.
    Expr(String),
}

/// `{ from, name }`.
#[derive(Debug, Clone)]
pub struct Renamed {
    /// First day of the name.
    pub from: PackDate,
    /// The name.
    pub name: Text,
}

/// `effective = { from, until, on }`.
#[derive(Debug, Clone)]
pub struct EffectiveDecl {
    /// First day in force.
    pub from: PackDate,
    /// Last day in force.
    pub until: Option<PackDate>,
    /// The date the period is tested on.
    pub on: Option<Spanned<String>>,
}

/// `{ on, text }`.
#[derive(Debug, Clone)]
pub struct NoteDecl {
    /// Statuses the note applies to.
    pub on: Vec<String>,
    /// The note.
    pub text: Text,
}

/// One condition.
#[derive(Debug, Clone)]
pub struct ConditionDecl {
    /// Id within the benefit.
    pub id: Spanned<String>,
    /// The test.
    pub when: Spanned<String>,
    /// Legal document id.
    pub source: Option<Spanned<String>>,
    /// Article.
    pub article: Option<String>,
    /// Plain words.
    pub text: Text,
    /// What it measures.
    pub subject: Option<Text>,
}

/// `[[tests]]`.
#[derive(Debug, Clone)]
pub struct TestDecl {
    /// Name.
    pub name: String,
    /// As-of date.
    pub as_of: Option<PackDate>,
    /// The case, as TOML.
    pub case: toml::Table,
    /// What must come out.
    pub expect: ExpectDecl,
}

/// A test's expectations.
#[derive(Debug, Clone, Default)]
pub struct ExpectDecl {
    /// The program's tier (`"none"` for null).
    pub tier: Option<String>,
    /// Per benefit.
    pub benefits: BTreeMap<String, BenefitExpect>,
    /// Input error codes.
    pub errors: Option<Vec<String>>,
}

/// Expectations on one benefit.
#[derive(Debug, Clone, Default)]
pub struct BenefitExpect {
    /// Status.
    pub status: Option<String>,
    /// Amount, or `"null"`.
    pub amount: Option<String>,
    /// Up-to flag.
    pub up_to: Option<bool>,
    /// Estimate flag.
    pub estimate: Option<bool>,
    /// Failed condition ids.
    pub failed: Option<Vec<String>>,
    /// Missing fact paths.
    pub missing: Option<Vec<String>>,
    /// Warning codes that must be present.
    pub warnings: Option<Vec<String>>,
}

// ---- decoding ----------------------------------------------------------------------

/// The help of a fault of shape.
const SHAPE_HELP: &str = "see docs/rule-packs.md for the keys a pack may have";

/// Reads a pack file: its model, or every fault of its TOML syntax and of
/// its shape, in the order of the text.
pub fn read(text: &str) -> Result<PackFile, Vec<Error>> {
    read_with(text, true)
}

/// As [`read`]; without `tests`, the `[[tests]]` tables are passed over
/// unread (see [`toml::parse_skipping`]) and the pack has no test cases.
pub fn read_with(text: &str, tests: bool) -> Result<PackFile, Vec<Error>> {
    let skip = if tests { None } else { Some("tests") };
    let (root, mut errors) = toml::parse_skipping(text, skip);
    if errors.len() > toml::MAX_ERRORS {
        // The reader stopped: what it read is not the whole file.
        return Err(errors);
    }
    let mut d = Decoder {
        src: text,
        errors: Vec::new(),
        room: toml::MAX_ERRORS - errors.len(),
        overflow: false,
    };
    let pack = pack_file(&mut d, root);
    errors.append(&mut d.errors);
    if d.overflow {
        errors.sort_by_key(|e| e.span.start);
        errors.truncate(toml::MAX_ERRORS);
        errors.push(toml::too_many(0));
        return Err(errors);
    }
    match pack {
        Some(p) if errors.is_empty() => Ok(p),
        _ => {
            if errors.is_empty() {
                errors.push(Error {
                    span: 0..0,
                    message: "the file is not a rule pack".into(),
                    help: SHAPE_HELP.into(),
                });
            }
            errors.sort_by_key(|e| e.span.start);
            Err(errors)
        }
    }
}

/// Decodes one kind of value, reporting what is wrong with it.
type Conv<'s, T> = fn(&mut Decoder<'s>, Item<'s>) -> Option<T>;

/// The decoder: the faults found so far.
struct Decoder<'s> {
    src: &'s str,
    errors: Vec<Error>,
    /// How many more faults to keep.
    room: usize,
    /// Whether more were found.
    overflow: bool,
}

/// A table being decoded: the entries not taken yet.
struct Fields<'s> {
    entries: Vec<Entry<'s>>,
    tainted: bool,
    span: Range<usize>,
}

impl<'s> Fields<'s> {
    fn take(&mut self, key: &str) -> Option<Item<'s>> {
        let i = self.entries.iter().position(|e| e.name == key)?;
        Some(self.entries.swap_remove(i).item)
    }
}

impl<'s> Decoder<'s> {
    fn error(&mut self, span: Range<usize>, message: String) {
        self.push(Error {
            span,
            message,
            help: SHAPE_HELP.into(),
        });
    }

    fn push(&mut self, e: Error) {
        if self.room > 0 {
            self.errors.push(e);
            self.room -= 1;
        } else {
            self.overflow = true;
        }
    }

    /// Reports that a value is not `expected`, unless it is one that did
    /// not parse (whose syntax error is reported already).
    fn mismatch<T>(&mut self, span: Range<usize>, found: &Node, expected: &str) -> Option<T> {
        if !matches!(found, Node::Invalid) {
            self.error(
                span,
                format!("expected {expected}, found {}", found.type_name()),
            );
        }
        None
    }

    fn string(&mut self, item: Item<'s>) -> Option<String> {
        match item.value {
            Node::String(s) => Some(s),
            v => self.mismatch(item.span, &v, "a string"),
        }
    }

    fn spanned_string(&mut self, item: Item<'s>) -> Option<Spanned<String>> {
        let span = item.span.clone();
        Some(Spanned::new(span, self.string(item)?))
    }

    fn boolean(&mut self, item: Item<'s>) -> Option<bool> {
        match item.value {
            Node::Boolean(b) => Some(b),
            v => self.mismatch(item.span, &v, "`true` or `false`"),
        }
    }

    fn integer(&mut self, item: Item<'s>) -> Option<i64> {
        match item.value {
            Node::Integer(i) => Some(i),
            v => self.mismatch(item.span, &v, "an integer"),
        }
    }

    fn count(&mut self, item: Item<'s>) -> Option<u32> {
        match item.value {
            Node::Integer(i) => u32::try_from(i).ok().or_else(|| {
                self.error(
                    item.span,
                    format!("expected a whole number from 0 to {}, found {i}", u32::MAX),
                );
                None
            }),
            v => self.mismatch(item.span, &v, "an integer"),
        }
    }

    fn strings(&mut self, item: Item<'s>) -> Option<Vec<String>> {
        self.list(item, Decoder::string)
    }

    fn spanned_strings(&mut self, item: Item<'s>) -> Option<Vec<Spanned<String>>> {
        self.list(item, Decoder::spanned_string)
    }

    /// An array, every element decoded (and every fault reported).
    fn list<T>(&mut self, item: Item<'s>, conv: Conv<'s, T>) -> Option<Vec<T>> {
        let items = match item.value {
            Node::Array(items) | Node::Tables(items) => items,
            v => return self.mismatch(item.span, &v, "an array"),
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for i in items {
            match conv(self, i) {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A table of any keys, every value decoded.
    fn map<T>(&mut self, item: Item<'s>, conv: Conv<'s, T>) -> Option<BTreeMap<String, T>> {
        let map = match item.value {
            Node::Table(m) => m,
            v => return self.mismatch(item.span, &v, "a table"),
        };
        let mut out = BTreeMap::new();
        let mut ok = true;
        for e in map.into_entries() {
            match conv(self, e.item) {
                Some(v) => {
                    out.insert(e.name.into_owned(), v);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A table that may have only `keys`; reports the others.
    fn table(&mut self, item: Item<'s>, keys: &[&str]) -> Option<Fields<'s>> {
        let map = match item.value {
            Node::Table(m) => m,
            v => return self.mismatch(item.span, &v, "a table"),
        };
        let tainted = map.tainted;
        let mut entries = map.into_entries();
        entries.retain(|e| {
            let known = keys.contains(&&*e.name);
            if !known {
                self.unknown(&e.name, e.key.clone(), keys);
            }
            known
        });
        Some(Fields {
            entries,
            tainted,
            span: item.span,
        })
    }

    fn unknown(&mut self, key: &str, span: Range<usize>, keys: &[&str]) {
        if self.room == 0 {
            self.overflow = true;
            return;
        }
        let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        let close = keys
            .iter()
            .map(|c| (edit_distance(c, key), *c))
            .filter(|(d, c)| *d <= 3.max(key.len() / 4) && *d < c.len())
            .min();
        self.push(Error {
            span,
            message: format!("unknown key `{key}`; expected one of {}", list.join(", ")),
            help: match close {
                Some((_, c)) => format!("did you mean `{c}`?"),
                None => SHAPE_HELP.into(),
            },
        });
    }

    /// A key that must be present.
    fn req<T>(&mut self, f: &mut Fields<'s>, key: &str, conv: Conv<'s, T>) -> Option<T> {
        match f.take(key) {
            Some(item) => conv(self, item),
            None => {
                // A line of the table that did not parse may have held it.
                if !f.tainted {
                    self.error(f.span.clone(), format!("missing key `{key}`"));
                }
                None
            }
        }
    }

    /// A key that may be left out: `Some(None)` if it is.
    fn opt<T>(&mut self, f: &mut Fields<'s>, key: &str, conv: Conv<'s, T>) -> Option<Option<T>> {
        match f.take(key) {
            Some(item) => conv(self, item).map(Some),
            None => Some(None),
        }
    }

    /// A key that may be left out, for its default.
    fn or_default<T: Default>(
        &mut self,
        f: &mut Fields<'s>,
        key: &str,
        conv: Conv<'s, T>,
    ) -> Option<T> {
        self.opt(f, key, conv).map(Option::unwrap_or_default)
    }
}

fn text<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<Text> {
    let mut f = d.table(item, &["zh", "en", "ja"])?;
    let zh = d.req(&mut f, "zh", Decoder::string);
    let en = d.req(&mut f, "en", Decoder::string);
    let ja = d.req(&mut f, "ja", Decoder::string);
    Some(Text {
        zh: zh?,
        en: en?,
        ja: ja?,
    })
}

fn texts<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<BTreeMap<String, Text>> {
    d.map(item, text)
}

fn date<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<PackDate> {
    match item.value {
        Node::Datetime(dt) => Some(PackDate(dt.to_string())),
        Node::String(s) => Some(PackDate(s)),
        v => d.mismatch(item.span, &v, "a date such as 2024-05-31"),
    }
}

fn decimal<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<PackDecimal> {
    match item.value {
        Node::Integer(i) => Some(PackDecimal(i.to_string())),
        Node::String(s) => Some(PackDecimal(s)),
        Node::Float(_) => {
            let raw = d.src.get(item.span.clone()).unwrap_or("");
            let plain: String = raw.chars().filter(|c| *c != '_' && *c != '+').collect();
            let message = if plain
                .bytes()
                .all(|c| c.is_ascii_digit() || c == b'.' || c == b'-')
            {
                format!(
                    "decimal `{raw}` is a TOML float; write it as a string, `\"{plain}\"`, so it stays exact"
                )
            } else {
                format!("decimal `{raw}` is a TOML float; write it as a string of digits, so it stays exact")
            };
            d.error(item.span, message);
            None
        }
        v => d.mismatch(
            item.span,
            &v,
            "a decimal (a string such as \"1330.50\", or an integer)",
        ),
    }
}

fn pack_file<'s>(d: &mut Decoder<'s>, root: Item<'s>) -> Option<PackFile> {
    let mut f = d.table(
        root,
        &[
            "pack",
            "sources",
            "facts",
            "parameters",
            "definitions",
            "benefits",
            "tests",
        ],
    )?;
    let pack = d.req(&mut f, "pack", pack_meta);
    let sources = d.or_default(&mut f, "sources", |d, i| d.map(i, source_decl));
    let facts = d.or_default(&mut f, "facts", |d, i| d.map(i, fact_decl));
    let parameters = d.or_default(&mut f, "parameters", |d, i| d.map(i, parameter_decl));
    let definitions = d.or_default(&mut f, "definitions", |d, i| d.map(i, definition));
    let benefits = d.or_default(&mut f, "benefits", |d, i| d.list(i, benefit_decl));
    let tests = d.or_default(&mut f, "tests", |d, i| d.list(i, test_decl));
    Some(PackFile {
        pack: pack?,
        sources: sources?,
        facts: facts?,
        parameters: parameters?,
        definitions: definitions?,
        benefits: benefits?,
        tests: tests?,
    })
}

fn pack_meta<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<PackMeta> {
    let mut f = d.table(item, &["id", "version", "name", "requires", "tiers"])?;
    let id = d.req(&mut f, "id", Decoder::spanned_string);
    let version = d.req(&mut f, "version", Decoder::string);
    let name = d.req(&mut f, "name", text);
    let requires = d.or_default(&mut f, "requires", Decoder::spanned_strings);
    let tiers = d.or_default(&mut f, "tiers", Decoder::spanned_strings);
    Some(PackMeta {
        id: id?,
        version: version?,
        name: name?,
        requires: requires?,
        tiers: tiers?,
    })
}

fn source_decl<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<SourceDecl> {
    let mut f = d.table(item, &["title"])?;
    let title = d.req(&mut f, "title", text);
    Some(SourceDecl { title: title? })
}

fn fact_decl<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<Spanned<FactDecl>> {
    let mut f = d.table(
        item,
        &[
            "type",
            "label",
            "help",
            "values",
            "value_labels",
            "min",
            "max",
            "not_after_as_of",
            "unique",
            "exactly_one",
            "ask",
            "order",
        ],
    )?;
    let ty = d.req(&mut f, "type", Decoder::spanned_string);
    let label = d.req(&mut f, "label", text);
    let help = d.opt(&mut f, "help", text);
    let values = d.or_default(&mut f, "values", Decoder::strings);
    let value_labels = d.or_default(&mut f, "value_labels", texts);
    let min = d.opt(&mut f, "min", decimal);
    let max = d.opt(&mut f, "max", decimal);
    let not_after_as_of = d.or_default(&mut f, "not_after_as_of", Decoder::boolean);
    let unique = d.or_default(&mut f, "unique", Decoder::boolean);
    let exactly_one = d.opt(&mut f, "exactly_one", exactly_one);
    let ask = d.opt(&mut f, "ask", Decoder::boolean);
    let order = d.opt(&mut f, "order", Decoder::integer);
    let decl = FactDecl {
        ty: ty?,
        label: label?,
        help: help?,
        values: values?,
        value_labels: value_labels?,
        min: min?,
        max: max?,
        not_after_as_of: not_after_as_of?,
        unique: unique?,
        exactly_one: exactly_one?,
        ask: ask?,
        order: order?,
    };
    Some(Spanned::new(f.span.clone(), decl))
}

fn exactly_one<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<ExactlyOne> {
    let mut f = d.table(item, &["field", "value"])?;
    let field = d.req(&mut f, "field", Decoder::string);
    let value = d.req(&mut f, "value", Decoder::string);
    Some(ExactlyOne {
        field: field?,
        value: value?,
    })
}

fn parameter_decl<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<Spanned<ParameterDecl>> {
    let mut f = d.table(
        item,
        &["label", "unit", "adjusted_yearly", "note", "values"],
    )?;
    let label = d.req(&mut f, "label", text);
    let unit = d.req(&mut f, "unit", text);
    let adjusted_yearly = d.or_default(&mut f, "adjusted_yearly", Decoder::boolean);
    let note = d.opt(&mut f, "note", text);
    let values = d.req(&mut f, "values", |d, i| d.list(i, parameter_value));
    let decl = ParameterDecl {
        label: label?,
        unit: unit?,
        adjusted_yearly: adjusted_yearly?,
        note: note?,
        values: values?,
    };
    Some(Spanned::new(f.span.clone(), decl))
}

fn parameter_value<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<Spanned<ParameterValueDecl>> {
    let mut f = d.table(item, &["from", "value", "confidence", "source"])?;
    let from = d.req(&mut f, "from", date);
    let value = d.req(&mut f, "value", decimal);
    let confidence = d.req(&mut f, "confidence", Decoder::string);
    let source = d.req(&mut f, "source", Decoder::string);
    let decl = ParameterValueDecl {
        from: from?,
        value: value?,
        confidence: confidence?,
        source: source?,
    };
    Some(Spanned::new(f.span.clone(), decl))
}

fn definition<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<DefinitionDecl> {
    let span = item.span.clone();
    let body = match item.value {
        Node::String(s) => DefinitionBody::Bare(s),
        Node::Table(_) => {
            let mut f = d.table(item, &["expr", "label"])?;
            let expr = d.req(&mut f, "expr", Decoder::string);
            let label = d.opt(&mut f, "label", text);
            DefinitionBody::Labelled {
                expr: expr?,
                label: label?,
            }
        }
        v => {
            return d.mismatch(
                span,
                &v,
                "an expression string or `{ expr = \"…\", label = … }`",
            )
        }
    };
    Some(Spanned::new(span, body))
}

fn benefit_decl<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<Spanned<BenefitDecl>> {
    let mut f = d.table(
        item,
        &[
            "id",
            "name",
            "renamed",
            "source",
            "article",
            "effective",
            "period",
            "amount",
            "up_to",
            "rounding",
            "notes",
            "conditions",
        ],
    )?;
    let id = d.req(&mut f, "id", Decoder::spanned_string);
    let name = d.req(&mut f, "name", text);
    let renamed = d.or_default(&mut f, "renamed", |d, i| d.list(i, renamed));
    let source = d.req(&mut f, "source", Decoder::spanned_string);
    let article = d.or_default(&mut f, "article", Decoder::string);
    let effective = d.req(&mut f, "effective", effective);
    let period = d.opt(&mut f, "period", Decoder::spanned_string);
    let amount = d.opt(&mut f, "amount", Decoder::spanned_string);
    let up_to = d.opt(&mut f, "up_to", up_to);
    let rounding = d.opt(&mut f, "rounding", Decoder::count);
    let notes = d.or_default(&mut f, "notes", |d, i| d.list(i, note));
    let conditions = d.or_default(&mut f, "conditions", |d, i| d.list(i, condition));
    let decl = BenefitDecl {
        id: id?,
        name: name?,
        renamed: renamed?,
        source: source?,
        article: article?,
        effective: effective?,
        period: period?,
        amount: amount?,
        up_to: up_to?,
        rounding: rounding?,
        notes: notes?,
        conditions: conditions?,
    };
    Some(Spanned::new(f.span.clone(), decl))
}

fn up_to<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<Spanned<UpTo>> {
    let v = match item.value {
        Node::Boolean(b) => UpTo::Flag(b),
        Node::String(s) => UpTo::Expr(s),
        v => return d.mismatch(item.span, &v, "`true`, `false` or an expression string"),
    };
    Some(Spanned::new(item.span, v))
}

fn renamed<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<Renamed> {
    let mut f = d.table(item, &["from", "name"])?;
    let from = d.req(&mut f, "from", date);
    let name = d.req(&mut f, "name", text);
    Some(Renamed {
        from: from?,
        name: name?,
    })
}

fn effective<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<EffectiveDecl> {
    let mut f = d.table(item, &["from", "until", "on"])?;
    let from = d.req(&mut f, "from", date);
    let until = d.opt(&mut f, "until", date);
    let on = d.opt(&mut f, "on", Decoder::spanned_string);
    Some(EffectiveDecl {
        from: from?,
        until: until?,
        on: on?,
    })
}

fn note<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<NoteDecl> {
    let mut f = d.table(item, &["on", "text"])?;
    let on = d.or_default(&mut f, "on", Decoder::strings);
    let words = d.req(&mut f, "text", text);
    Some(NoteDecl {
        on: on?,
        text: words?,
    })
}

fn condition<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<ConditionDecl> {
    let mut f = d.table(
        item,
        &["id", "when", "source", "article", "text", "subject"],
    )?;
    let id = d.req(&mut f, "id", Decoder::spanned_string);
    let when = d.req(&mut f, "when", Decoder::spanned_string);
    let source = d.opt(&mut f, "source", Decoder::spanned_string);
    let article = d.opt(&mut f, "article", Decoder::string);
    let words = d.req(&mut f, "text", text);
    let subject = d.opt(&mut f, "subject", text);
    Some(ConditionDecl {
        id: id?,
        when: when?,
        source: source?,
        article: article?,
        text: words?,
        subject: subject?,
    })
}

fn test_decl<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<TestDecl> {
    let mut f = d.table(item, &["name", "as_of", "case", "expect"])?;
    let name = d.req(&mut f, "name", Decoder::string);
    let as_of = d.opt(&mut f, "as_of", date);
    let case = d.req(&mut f, "case", case);
    let expect = d.or_default(&mut f, "expect", expect);
    Some(TestDecl {
        name: name?,
        as_of: as_of?,
        case: case?,
        expect: expect?,
    })
}

fn case<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<toml::Table> {
    if !matches!(item.value, Node::Table(_)) {
        return d.mismatch(item.span, &item.value, "a table");
    }
    match item.into_value() {
        Some(toml::Value::Table(t)) => Some(t),
        _ => None,
    }
}

fn expect<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<ExpectDecl> {
    let mut f = d.table(item, &["tier", "benefits", "errors"])?;
    let tier = d.opt(&mut f, "tier", Decoder::string);
    let benefits = d.or_default(&mut f, "benefits", |d, i| d.map(i, benefit_expect));
    let errors = d.opt(&mut f, "errors", Decoder::strings);
    Some(ExpectDecl {
        tier: tier?,
        benefits: benefits?,
        errors: errors?,
    })
}

fn benefit_expect<'s>(d: &mut Decoder<'s>, item: Item<'s>) -> Option<BenefitExpect> {
    let mut f = d.table(
        item,
        &[
            "status", "amount", "up_to", "estimate", "failed", "missing", "warnings",
        ],
    )?;
    let status = d.opt(&mut f, "status", Decoder::string);
    let amount = d.opt(&mut f, "amount", Decoder::string);
    let up_to = d.opt(&mut f, "up_to", Decoder::boolean);
    let estimate = d.opt(&mut f, "estimate", Decoder::boolean);
    let failed = d.opt(&mut f, "failed", Decoder::strings);
    let missing = d.opt(&mut f, "missing", Decoder::strings);
    let warnings = d.opt(&mut f, "warnings", Decoder::strings);
    Some(BenefitExpect {
        status: status?,
        amount: amount?,
        up_to: up_to?,
        estimate: estimate?,
        failed: failed?,
        missing: missing?,
        warnings: warnings?,
    })
}
