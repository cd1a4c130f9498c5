//! Errors in a case file.

use thiserror::Error;

/// A fault in a case file. The path of the field goes beside it, in the
/// diagnostic, not in the message.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum InputError {
    /// The text is not JSON.
    #[error("the case is not valid JSON: {message}")]
    NotJson {
        /// The JSON reader's message.
        message: String,
    },
    /// The case is too large.
    #[error("the case is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// A list has too many records.
    #[error("the list has more than {limit} records")]
    TooManyRecords {
        /// The limit.
        limit: usize,
    },
    /// A field no pack declares.
    #[error("unknown field `{field}`")]
    UnknownField {
        /// The field.
        field: String,
        /// A close match.
        suggestion: Option<String>,
    },
    /// A value of the wrong JSON type.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What the fact's type wants.
        expected: String,
        /// What the case has.
        found: String,
    },
    /// An enum value not declared.
    #[error("`{value}` is not an allowed value")]
    BadEnumValue {
        /// The value.
        value: String,
        /// The allowed values.
        allowed: Vec<String>,
    },
    /// A date that does not exist or is badly written.
    #[error("`{text}` is not a calendar date")]
    BadDate {
        /// The text.
        text: String,
    },
    /// A date after the as-of date where that is impossible.
    #[error("date `{date}` is after the as-of date `{as_of}`")]
    DateAfterAsOf {
        /// The date.
        date: String,
        /// The as-of date.
        as_of: String,
    },
    /// A negative amount or count.
    #[error("`{value}` is negative")]
    NegativeAmount {
        /// The value.
        value: String,
    },
    /// A number outside the declared bounds.
    #[error("`{value}` is outside {min} to {max}")]
    OutOfRange {
        /// The value.
        value: String,
        /// Lower bound, or `-∞`.
        min: String,
        /// Upper bound, or `∞`.
        max: String,
    },
    /// A fraction where a whole number is needed.
    #[error("`{value}` is not a whole number")]
    NotInteger {
        /// The value.
        value: String,
    },
    /// A value that must be unique appears twice.
    #[error("`{value}` appears more than once")]
    DuplicateValue {
        /// The value.
        value: String,
    },
    /// Not exactly one record with a value.
    #[error("exactly one record must have `{field}` = `{value}`, found {found}")]
    ExactlyOne {
        /// The field.
        field: String,
        /// The value.
        value: String,
        /// How many there are.
        found: usize,
    },
    /// A key given twice in one object.
    #[error("field `{field}` is given twice")]
    DuplicateField {
        /// The key.
        field: String,
    },
    /// No as-of date in the case or the options.
    #[error("the case has no as-of date")]
    MissingAsOf,
}

impl InputError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            InputError::NotJson { .. } => "input.not_json",
            InputError::TooLarge { .. } => "input.too_large",
            InputError::TooManyRecords { .. } => "input.too_many_records",
            InputError::UnknownField { .. } => "input.unknown_field",
            InputError::WrongType { .. } => "input.wrong_type",
            InputError::BadEnumValue { .. } => "input.bad_enum_value",
            InputError::BadDate { .. } => "input.bad_date",
            InputError::DateAfterAsOf { .. } => "input.date_after_as_of",
            InputError::NegativeAmount { .. } => "input.negative_amount",
            InputError::OutOfRange { .. } => "input.out_of_range",
            InputError::NotInteger { .. } => "input.not_integer",
            InputError::DuplicateValue { .. } => "input.duplicate_value",
            InputError::ExactlyOne { .. } => "input.exactly_one",
            InputError::DuplicateField { .. } => "input.duplicate_field",
            InputError::MissingAsOf => "input.missing_as_of",
        }
    }

    /// How to fix it.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            InputError::NotJson { .. } => {
                "check the brackets, quotes and commas near the position given".into()
            }
            InputError::TooLarge { .. } | InputError::TooManyRecords { .. } => {
                "a case describes one household; split large files into one case per line".into()
            }
            InputError::UnknownField {
                suggestion: Some(s),
                ..
            } => format!("did you mean `{s}`?"),
            InputError::UnknownField { .. } => {
                "remove the field, or see `huimin schema` for the fields the rule packs read".into()
            }
            InputError::WrongType { .. } => {
                "leave the field out, or set it to null, if the value is not known".into()
            }
            InputError::BadEnumValue { allowed, .. } => {
                format!("use one of: {}", allowed.join(", "))
            }
            InputError::BadDate { .. } => "write dates as YYYY-MM-DD, a real calendar date".into(),
            InputError::DateAfterAsOf { .. } => "check the date, or the case's `as_of`".into(),
            InputError::NegativeAmount { .. } => "amounts and counts are zero or more".into(),
            InputError::OutOfRange { .. } => return None,
            InputError::NotInteger { .. } => "write a whole number".into(),
            InputError::DuplicateValue { .. } => "give each record its own value".into(),
            InputError::ExactlyOne { .. } => {
                "mark exactly one household member as the applicant".into()
            }
            InputError::DuplicateField { .. } => {
                "give each field once (a JSON object keeps one value per key)".into()
            }
            InputError::MissingAsOf => {
                "add `\"as_of\": \"YYYY-MM-DD\"` to the case, or pass an as-of date".into()
            }
        })
    }
}
