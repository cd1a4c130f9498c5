//! huimin (惠民): a rules engine and eligibility calculator for social
//! programs in Jing'an District, Shanghai.
//!
//! Start with `ARCHITECTURE.md`. The pipeline: [`syntax`] parses packs and
//! expressions, [`check`] resolves and types them into the [`ir`], [`input`]
//! decodes a case against the packs' facts, [`eval`] evaluates it with three
//! values, [`explain`] renders the outcome, and [`api`] is the JSON contract.

pub mod api;
pub mod check;
pub mod diagnostic;
pub mod eval;
pub mod explain;
pub mod input;
pub mod ir;
pub mod syntax;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
