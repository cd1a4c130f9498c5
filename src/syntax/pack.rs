//! The rule-pack file model: what a TOML pack says, before any checking.
//!
//! Expressions stay strings here, with their byte span in the file, so the
//! checker can point a caret at a fault inside them.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A text in the three languages of the form.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, serde::Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
    /// Japanese.
    pub ja: String,
}

/// A date in a pack: a TOML date, or a `YYYY-MM-DD` string.
#[derive(Debug, Clone, PartialEq)]
pub struct PackDate(pub String);

impl<'de> Deserialize<'de> for PackDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Date(toml::value::Datetime),
            Text(String),
        }
        Ok(PackDate(match Raw::deserialize(d)? {
            Raw::Date(dt) => dt.to_string(),
            Raw::Text(s) => s,
        }))
    }
}

/// A decimal in a pack: a string or an integer. Floats are refused.
#[derive(Debug, Clone, PartialEq)]
pub struct PackDecimal(pub String);

impl<'de> Deserialize<'de> for PackDecimal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Text(String),
            Float(f64),
        }
        match Raw::deserialize(d)? {
            Raw::Int(i) => Ok(PackDecimal(i.to_string())),
            Raw::Text(s) => Ok(PackDecimal(s)),
            Raw::Float(f) => Err(serde::de::Error::custom(format!(
                "decimal `{f}` is a TOML float; write it as a string, `\"{f}\"`, so it stays exact"
            ))),
        }
    }
}

/// One rule-pack file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// Metadata.
    pub pack: PackMeta,
    /// Legal documents, by id.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceDecl>,
    /// Declared facts, by path.
    #[serde(default)]
    pub facts: BTreeMap<String, Spanned<FactDecl>>,
    /// Parameters, by id.
    #[serde(default)]
    pub parameters: BTreeMap<String, Spanned<ParameterDecl>>,
    /// Named expressions.
    #[serde(default)]
    pub definitions: BTreeMap<String, DefinitionDecl>,
    /// Benefits, in order.
    #[serde(default)]
    pub benefits: Vec<Spanned<BenefitDecl>>,
    /// Test cases.
    #[serde(default)]
    pub tests: Vec<TestDecl>,
}

/// `[pack]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    /// Program id.
    pub id: Spanned<String>,
    /// Version text.
    pub version: String,
    /// Program name.
    pub name: Text,
    /// Packs this one reads from.
    #[serde(default)]
    pub requires: Vec<Spanned<String>>,
    /// Ordered tier benefit ids.
    #[serde(default)]
    pub tiers: Vec<Spanned<String>>,
}

/// `[sources.ID]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDecl {
    /// The document's title.
    pub title: Text,
}

/// `[facts."PATH"]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactDecl {
    /// Type name.
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    /// Question or column title.
    pub label: Text,
    /// Longer help.
    pub help: Option<Text>,
    /// Enum values.
    #[serde(default)]
    pub values: Vec<String>,
    /// Enum value labels.
    #[serde(default)]
    pub value_labels: BTreeMap<String, Text>,
    /// Inclusive lower bound.
    pub min: Option<PackDecimal>,
    /// Inclusive upper bound.
    pub max: Option<PackDecimal>,
    /// A date that may not lie after the as-of date.
    #[serde(default)]
    pub not_after_as_of: bool,
    /// A string field whose values must differ between records.
    #[serde(default)]
    pub unique: bool,
    /// A list in which exactly one record has a field equal to a value.
    pub exactly_one: Option<ExactlyOne>,
    /// Whether the form may ask for it.
    pub ask: Option<bool>,
    /// Position in the form.
    pub order: Option<i64>,
}

/// `exactly_one = { field, value }`.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExactlyOne {
    /// The record field.
    pub field: String,
    /// The value exactly one record has.
    pub value: String,
}

/// `[parameters.ID]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterDecl {
    /// What it is.
    pub label: Text,
    /// Its unit.
    pub unit: Text,
    /// Whether it is set anew each year.
    #[serde(default)]
    pub adjusted_yearly: bool,
    /// Shown when it is unconfigured.
    pub note: Option<Text>,
    /// Dated values, increasing.
    pub values: Vec<Spanned<ParameterValueDecl>>,
}

/// One dated parameter value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenefitDecl {
    /// Benefit id.
    pub id: Spanned<String>,
    /// Name.
    pub name: Text,
    /// Later names.
    #[serde(default)]
    pub renamed: Vec<Renamed>,
    /// Legal document id.
    pub source: Spanned<String>,
    /// Article text.
    #[serde(default)]
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
    #[serde(default)]
    pub notes: Vec<NoteDecl>,
    /// Conditions.
    #[serde(default)]
    pub conditions: Vec<ConditionDecl>,
}

/// `up_to = true` or `up_to = "expr"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum UpTo {
    /// A fixed flag.
    Flag(bool),
    /// A boolean expression.
    Expr(String),
}

/// `{ from, name }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renamed {
    /// First day of the name.
    pub from: PackDate,
    /// The name.
    pub name: Text,
}

/// `effective = { from, until, on }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EffectiveDecl {
    /// First day in force.
    pub from: PackDate,
    /// Last day in force.
    pub until: Option<PackDate>,
    /// The date the period is tested on.
    pub on: Option<Spanned<String>>,
}

/// `{ on, text }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteDecl {
    /// Statuses the note applies to.
    #[serde(default)]
    pub on: Vec<String>,
    /// The note.
    pub text: Text,
}

/// One condition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestDecl {
    /// Name.
    pub name: String,
    /// As-of date.
    pub as_of: Option<PackDate>,
    /// The case, as TOML.
    pub case: toml::Table,
    /// What must come out.
    #[serde(default)]
    pub expect: ExpectDecl,
}

/// A test's expectations.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExpectDecl {
    /// The program's tier (`"none"` for null).
    pub tier: Option<String>,
    /// Per benefit.
    #[serde(default)]
    pub benefits: BTreeMap<String, BenefitExpect>,
    /// Input error codes.
    pub errors: Option<Vec<String>>,
}

/// Expectations on one benefit.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
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
