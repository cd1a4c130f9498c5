//! Errors found while checking rule packs.

use crate::syntax::ParseError;
use thiserror::Error;

/// A fault in a rule pack.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CheckError {
    /// The file is not valid TOML or not a pack's shape.
    #[error("{message}")]
    Toml {
        /// The TOML reader's or the pack decoder's message.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// An expression does not parse.
    #[error("{0}")]
    Syntax(ParseError),
    /// Two packs share an id.
    #[error("pack `{id}` is declared twice")]
    DuplicatePack {
        /// The id.
        id: String,
    },
    /// `requires` names a pack that is not loaded.
    #[error("required pack `{id}` is not loaded")]
    UnknownPack {
        /// The id.
        id: String,
    },
    /// Packs require each other in a circle.
    #[error("packs require each other in a cycle: {cycle}")]
    PackCycle {
        /// The cycle, `a -> b -> a`.
        cycle: String,
    },
    /// A name that is not a valid identifier.
    #[error("`{name}` is not a valid {what}")]
    BadName {
        /// The name.
        name: String,
        /// What it names.
        what: &'static str,
    },
    /// Two declarations of one fact path.
    #[error("fact `{path}` is already declared in pack `{other}`")]
    DuplicateFact {
        /// The path.
        path: String,
        /// The first declaring pack.
        other: String,
    },
    /// A fact path that does not fit the list structure.
    #[error("fact path `{path}` is not valid: {reason}")]
    BadFactPath {
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },
    /// An unknown type name.
    #[error("unknown fact type `{ty}`")]
    UnknownType {
        /// The type.
        ty: String,
    },
    /// A fact declaration that contradicts itself.
    #[error("fact `{path}`: {reason}")]
    BadFact {
        /// The path.
        path: String,
        /// Why.
        reason: String,
    },
    /// A decimal that does not parse.
    #[error("`{text}` is not a decimal number")]
    BadDecimal {
        /// The text.
        text: String,
    },
    /// A date that does not parse.
    #[error("`{text}` is not a calendar date")]
    BadDate {
        /// The text.
        text: String,
    },
    /// An unknown confidence tag.
    #[error("unknown confidence tag `{tag}`")]
    BadConfidence {
        /// The tag.
        tag: String,
    },
    /// Parameter values out of date order.
    #[error("values of parameter `{id}` are not in increasing `from` order")]
    ParamOrder {
        /// The parameter.
        id: String,
    },
    /// A name declared twice in one scope.
    #[error("`{name}` is declared twice ({first} and {second})")]
    DuplicateName {
        /// The name.
        name: String,
        /// Where first.
        first: String,
        /// Where again.
        second: String,
    },
    /// A name that resolves to nothing.
    #[error("unknown name `{name}`")]
    UnknownName {
        /// The name.
        name: String,
        /// A close match.
        suggestion: Option<String>,
    },
    /// A record has no such field.
    #[error("records of `{list}` have no field `{field}`")]
    UnknownField {
        /// The list.
        list: String,
        /// The field.
        field: String,
    },
    /// An unknown function.
    #[error("unknown function `{name}`")]
    UnknownFunction {
        /// The name.
        name: String,
    },
    /// Wrong number or kind of arguments.
    #[error("`{name}` takes {expected}")]
    Arity {
        /// The function.
        name: String,
        /// What it takes.
        expected: &'static str,
    },
    /// A type mismatch.
    #[error("expected {expected}, found {found}")]
    TypeMismatch {
        /// Expected type.
        expected: String,
        /// Found type.
        found: String,
    },
    /// A literal not among an enum's values.
    #[error("`{value}` is not a value of `{fact}`")]
    UnknownEnumValue {
        /// The literal.
        value: String,
        /// The enum fact.
        fact: String,
        /// Its values.
        allowed: Vec<String>,
    },
    /// Definitions that use each other in a circle.
    #[error("definitions use each other in a cycle: {cycle}")]
    DefinitionCycle {
        /// The cycle.
        cycle: String,
    },
    /// An unknown legal source.
    #[error("unknown source `{id}`")]
    UnknownSource {
        /// The id.
        id: String,
    },
    /// An unknown benefit.
    #[error("unknown benefit `{id}`")]
    UnknownBenefit {
        /// The id.
        id: String,
    },
    /// A benefit or condition id used twice.
    #[error("{what} `{id}` is declared twice")]
    DuplicateId {
        /// What kind.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// A bad period.
    #[error("unknown period `{period}`")]
    BadPeriod {
        /// The text.
        period: String,
    },
    /// An amount without a period, or the reverse.
    #[error("benefit `{id}` has {what}")]
    AmountPeriod {
        /// The benefit.
        id: String,
        /// What is wrong.
        what: &'static str,
    },
    /// An unknown status in a note.
    #[error("unknown status `{status}`")]
    BadStatus {
        /// The text.
        status: String,
    },
    /// More parameters than the engine tracks.
    #[error("more than {limit} parameters are loaded")]
    TooManyParameters {
        /// The limit.
        limit: usize,
    },
    /// A pack file larger than allowed.
    #[error("pack file is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// No packs at all.
    #[error("no rule packs were found")]
    NoPacks,
}

impl CheckError {
    /// The stable code.
    pub fn code(&self) -> String {
        match self {
            CheckError::Syntax(e) => return e.code().to_string(),
            CheckError::Toml { .. } => "check.toml",
            CheckError::DuplicatePack { .. } => "check.duplicate_pack",
            CheckError::UnknownPack { .. } => "check.unknown_pack",
            CheckError::PackCycle { .. } => "check.pack_cycle",
            CheckError::BadName { .. } => "check.bad_name",
            CheckError::DuplicateFact { .. } => "check.duplicate_fact",
            CheckError::BadFactPath { .. } => "check.bad_fact_path",
            CheckError::UnknownType { .. } => "check.unknown_type",
            CheckError::BadFact { .. } => "check.bad_fact",
            CheckError::BadDecimal { .. } => "check.bad_decimal",
            CheckError::BadDate { .. } => "check.bad_date",
            CheckError::BadConfidence { .. } => "check.bad_confidence",
            CheckError::ParamOrder { .. } => "check.parameter_order",
            CheckError::DuplicateName { .. } => "check.duplicate_name",
            CheckError::UnknownName { .. } => "check.unknown_name",
            CheckError::UnknownField { .. } => "check.unknown_field",
            CheckError::UnknownFunction { .. } => "check.unknown_function",
            CheckError::Arity { .. } => "check.arity",
            CheckError::TypeMismatch { .. } => "check.type_mismatch",
            CheckError::UnknownEnumValue { .. } => "check.unknown_enum_value",
            CheckError::DefinitionCycle { .. } => "check.definition_cycle",
            CheckError::UnknownSource { .. } => "check.unknown_source",
            CheckError::UnknownBenefit { .. } => "check.unknown_benefit",
            CheckError::DuplicateId { .. } => "check.duplicate_id",
            CheckError::BadPeriod { .. } => "check.bad_period",
            CheckError::AmountPeriod { .. } => "check.amount_period",
            CheckError::BadStatus { .. } => "check.bad_status",
            CheckError::TooManyParameters { .. } => "check.too_many_parameters",
            CheckError::TooLarge { .. } => "check.too_large",
            CheckError::NoPacks => "check.no_packs",
        }
        .to_string()
    }

    /// How to fix it.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            CheckError::Syntax(e) => return e.help(),
            CheckError::Toml { help, .. } => help.clone(),
            CheckError::DuplicatePack { .. } => "give each pack its own `[pack] id`".into(),
            CheckError::UnknownPack { .. } => {
                "add the pack's file to the rules folder, or remove it from `requires`".into()
            }
            CheckError::PackCycle { .. } => {
                "move what both packs read into a third pack that both require".into()
            }
            CheckError::BadName { .. } => {
                "use lowercase letters, digits and `_`, starting with a letter".into()
            }
            CheckError::DuplicateFact { .. } => {
                "declare a shared fact once, in a pack that both programs require".into()
            }
            CheckError::BadFactPath { .. } => {
                "declare the list as `PATH` with `type = \"list\"` and its fields as `PATH[].FIELD`"
                    .into()
            }
            CheckError::UnknownType { .. } => {
                "use bool, integer, decimal, ratio, money, date, enum, string or list".into()
            }
            CheckError::BadFact { .. } => return None,
            CheckError::BadDecimal { .. } => "write decimals as strings such as \"1330.50\"".into(),
            CheckError::BadDate { .. } => "write dates as YYYY-MM-DD, a real calendar date".into(),
            CheckError::BadConfidence { .. } => {
                "use confirmed, single-source, unverified or assumption".into()
            }
            CheckError::ParamOrder { .. } => {
                "list the values oldest first, each `from` later than the one before".into()
            }
            CheckError::DuplicateName { .. } => "rename one of them".into(),
            CheckError::UnknownName {
                suggestion: Some(s),
                ..
            } => format!("did you mean `{s}`?"),
            CheckError::UnknownName { .. } => {
                "declare it as a fact, parameter or definition, or add its pack to `requires`"
                    .into()
            }
            CheckError::UnknownField { .. } => {
                "declare the field as `LIST[].FIELD` in `[facts]`".into()
            }
            CheckError::UnknownFunction { .. } => {
                "see the function table in docs/rule-packs.md".into()
            }
            CheckError::Arity { .. } => "see the function table in docs/rule-packs.md".into(),
            CheckError::TypeMismatch { .. } => return None,
            CheckError::UnknownEnumValue { allowed, .. } => {
                format!("use one of: {}", allowed.join(", "))
            }
            CheckError::DefinitionCycle { .. } => "a definition may not depend on itself".into(),
            CheckError::UnknownSource { .. } => "declare it under `[sources.ID]`".into(),
            CheckError::UnknownBenefit { .. } => {
                "name it as `pack.benefit`, with the pack in `requires`".into()
            }
            CheckError::DuplicateId { .. } => "give each its own id".into(),
            CheckError::BadPeriod { .. } => "use once, month or year".into(),
            CheckError::AmountPeriod { .. } => "give both `amount` and `period`, or neither".into(),
            CheckError::BadStatus { .. } => {
                "use eligible, ineligible, undetermined or not_in_effect".into()
            }
            CheckError::TooManyParameters { .. } => "split the programs across engines".into(),
            CheckError::TooLarge { .. } => "split the pack".into(),
            CheckError::NoPacks => "point `--rules` at a folder of `*.toml` rule packs".into(),
        })
    }
}
