//! Errors while evaluating a case.

use thiserror::Error;

/// A fault during evaluation. The checker rules out type errors, so these
/// come from arithmetic on the case's values or from the limits.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EvalError {
    /// A result too large for an exact decimal.
    #[error("arithmetic overflow in `{what}`")]
    Overflow {
        /// Where.
        what: String,
    },
    /// Division by zero.
    #[error("division by zero in `{what}`")]
    DivisionByZero {
        /// Where.
        what: String,
    },
    /// A date outside the calendar's range.
    #[error("date arithmetic out of range in `{what}`")]
    DateOutOfRange {
        /// Where.
        what: String,
    },
    /// A fraction where a whole number of months is needed.
    #[error("`{value}` is not a whole number of months in `{what}`")]
    NotWholeMonths {
        /// The value.
        value: String,
        /// Where.
        what: String,
    },
    /// The step budget ran out.
    #[error("evaluation took more than {limit} steps in `{what}`")]
    StepBudget {
        /// The limit.
        limit: u64,
        /// Where.
        what: String,
    },
}

impl EvalError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            EvalError::Overflow { .. } => "eval.overflow",
            EvalError::DivisionByZero { .. } => "eval.division_by_zero",
            EvalError::DateOutOfRange { .. } => "eval.date_out_of_range",
            EvalError::NotWholeMonths { .. } => "eval.not_whole_months",
            EvalError::StepBudget { .. } => "eval.step_budget",
        }
    }

    /// How to fix it.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            EvalError::Overflow { .. } | EvalError::DateOutOfRange { .. } => {
                "check the case's amounts and dates for a typing slip".into()
            }
            EvalError::DivisionByZero { .. } => {
                "the rule pack should guard this division; report it with the case".into()
            }
            EvalError::NotWholeMonths { .. } => {
                "the rule pack should pass whole months to `add_months`".into()
            }
            EvalError::StepBudget { .. } => "the case's lists are too long to evaluate".into(),
        })
    }

    /// Sets where the error happened, if not yet set.
    pub fn at(mut self, place: &str) -> Self {
        let slot = match &mut self {
            EvalError::Overflow { what }
            | EvalError::DivisionByZero { what }
            | EvalError::DateOutOfRange { what }
            | EvalError::NotWholeMonths { what, .. }
            | EvalError::StepBudget { what, .. } => what,
        };
        if slot.is_empty() {
            *slot = place.to_string();
        }
        self
    }
}
