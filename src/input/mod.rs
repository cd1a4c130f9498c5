//! Input: decodes a case file (JSON) against the facts the packs declare.
//!
//! Every error of a case is collected, each with the path of the field.
//! A field left out or `null` is unknown; a field no pack declares is an
//! error, so that a typo never turns into "unknown".

mod err;

pub use err::InputError;

use crate::check::{parse_date, parse_decimal};
use crate::diagnostic::Diagnostic;
use crate::ir::{Engine, FactDef, FactId, FactSlot, FactType, Val};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The largest case accepted, in bytes of JSON.
pub const MAX_CASE_BYTES: usize = 1024 * 1024;
/// The most records in one list.
pub const MAX_RECORDS: usize = 1000;

/// One record of a list: its fields' values by field index.
pub type Record = Vec<Option<Val>>;

/// A decoded case: every declared fact's value, or `None` when unknown.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Scalar facts by slot.
    pub scalars: Vec<Option<Val>>,
    /// Lists by slot.
    pub lists: Vec<Option<Vec<Record>>>,
}

/// Parses JSON text into a value, within the size limit.
pub fn parse_json(text: &str) -> Result<Json, Vec<Diagnostic>> {
    if text.len() > MAX_CASE_BYTES {
        return Err(vec![diag(
            InputError::TooLarge {
                limit: MAX_CASE_BYTES,
            },
            "",
        )]);
    }
    serde_json::from_str(text).map_err(|e| {
        vec![diag(
            InputError::NotJson {
                message: e.to_string(),
            },
            "",
        )]
    })
}

fn diag(e: InputError, path: &str) -> Diagnostic {
    let d = Diagnostic::new(e.code(), e.to_string()).with_help(e.help());
    if path.is_empty() {
        d
    } else {
        d.with_path(path)
    }
}

/// Decodes a case. `as_of` overrides the case's own `as_of`.
pub fn decode(
    engine: &Engine,
    case: &Json,
    as_of: Option<NaiveDate>,
) -> Result<Facts, Vec<Diagnostic>> {
    let mut d = Decoder {
        engine,
        errors: Vec::new(),
        facts: Facts {
            as_of: NaiveDate::MIN,
            scalars: vec![None; engine.schema.scalars as usize],
            lists: vec![None; engine.schema.lists.len()],
        },
        dates_to_check: Vec::new(),
        prefixes: prefixes(engine),
    };
    let Json::Object(obj) = case else {
        return Err(vec![diag(
            InputError::WrongType {
                expected: "an object".into(),
                found: json_kind(case).into(),
            },
            "",
        )]);
    };
    let case_as_of = match obj.get("as_of") {
        None | Some(Json::Null) => None,
        Some(Json::String(s)) => match parse_date(s) {
            Some(d) => Some(d),
            None => {
                d.error(InputError::BadDate { text: s.clone() }, "as_of");
                None
            }
        },
        Some(other) => {
            d.error(
                InputError::WrongType {
                    expected: "a date string".into(),
                    found: json_kind(other).into(),
                },
                "as_of",
            );
            None
        }
    };
    match as_of.or(case_as_of) {
        Some(a) => d.facts.as_of = a,
        None if d.errors.is_empty() => d.error(InputError::MissingAsOf, "as_of"),
        None => {}
    }
    d.object(obj, "");
    let as_of = d.facts.as_of;
    if as_of != NaiveDate::MIN {
        for (date, path) in std::mem::take(&mut d.dates_to_check) {
            if date > as_of {
                d.error(
                    InputError::DateAfterAsOf {
                        date: date.to_string(),
                        as_of: as_of.to_string(),
                    },
                    &path,
                );
            }
        }
    }
    if d.errors.is_empty() {
        Ok(d.facts)
    } else {
        Err(d.errors)
    }
}

/// Every object path that leads to a declared fact (`household`, `business.loan`).
fn prefixes(engine: &Engine) -> BTreeMap<String, ()> {
    let mut out = BTreeMap::new();
    for f in &engine.schema.facts {
        let scalar_part = f.path.split("[]").next().unwrap_or("");
        let mut acc = String::new();
        let segments: Vec<&str> = scalar_part.split('.').collect();
        for s in segments.iter().take(segments.len().saturating_sub(1)) {
            if !acc.is_empty() {
                acc.push('.');
            }
            acc.push_str(s);
            out.insert(acc.clone(), ());
        }
    }
    out
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

struct Decoder<'e> {
    engine: &'e Engine,
    errors: Vec<Diagnostic>,
    facts: Facts,
    dates_to_check: Vec<(NaiveDate, String)>,
    prefixes: BTreeMap<String, ()>,
}

impl<'e> Decoder<'e> {
    fn error(&mut self, e: InputError, path: &str) {
        self.errors.push(diag(e, path));
    }

    fn unknown_field(&mut self, path: &str, candidates: Vec<&str>) {
        let field = path.rsplit('.').next().unwrap_or(path).to_string();
        let suggestion = candidates
            .into_iter()
            .map(|c| (strsim(c, &field), c))
            .filter(|(d, _)| *d <= 3)
            .min()
            .map(|(_, c)| c.to_string());
        self.error(InputError::UnknownField { field, suggestion }, path);
    }

    fn object(&mut self, obj: &serde_json::Map<String, Json>, prefix: &str) {
        for (key, value) in obj {
            if prefix.is_empty() && key == "as_of" {
                continue;
            }
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            if let Some(&fid) = self.engine.schema.by_path.get(&path) {
                self.fact(fid, value, &path);
            } else if self.prefixes.contains_key(&path) {
                match value {
                    Json::Null => {}
                    Json::Object(inner) => self.object(inner, &path),
                    other => self.error(
                        InputError::WrongType {
                            expected: "an object".into(),
                            found: json_kind(other).into(),
                        },
                        &path,
                    ),
                }
            } else {
                let siblings: Vec<String> = self
                    .engine
                    .schema
                    .by_path
                    .keys()
                    .chain(self.prefixes.keys())
                    .filter_map(|p| {
                        let rest = if prefix.is_empty() {
                            Some(p.as_str())
                        } else {
                            p.strip_prefix(prefix).and_then(|r| r.strip_prefix('.'))
                        }?;
                        (!rest.contains('.') && !rest.contains("[]")).then(|| rest.to_string())
                    })
                    .collect();
                self.unknown_field(&path, siblings.iter().map(String::as_str).collect());
            }
        }
    }

    fn fact(&mut self, fid: FactId, value: &Json, path: &str) {
        let Some(def) = self.engine.schema.fact(fid) else {
            return;
        };
        match def.slot {
            FactSlot::Scalar(s) => {
                let v = self.scalar(def, value, path);
                if let Some(slot) = self.facts.scalars.get_mut(s as usize) {
                    *slot = v;
                }
            }
            FactSlot::List(s) => {
                let records = self.list(s, def, value, path);
                if let Some(slot) = self.facts.lists.get_mut(s as usize) {
                    *slot = records;
                }
            }
            FactSlot::Field(..) => {}
        }
    }

    fn list(&mut self, slot: u32, def: &FactDef, value: &Json, path: &str) -> Option<Vec<Record>> {
        let items = match value {
            Json::Null => return None,
            Json::Array(items) => items,
            other => {
                self.error(
                    InputError::WrongType {
                        expected: "a list".into(),
                        found: json_kind(other).into(),
                    },
                    path,
                );
                return None;
            }
        };
        if items.len() > MAX_RECORDS {
            self.error(InputError::TooManyRecords { limit: MAX_RECORDS }, path);
            return None;
        }
        let engine = self.engine;
        let fields: &[FactId] = engine
            .schema
            .lists
            .get(slot as usize)
            .map_or(&[], |(_, f)| f.as_slice());
        let mut records = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let rpath = format!("{path}[{i}]");
            let mut record: Record = vec![None; fields.len()];
            match item {
                Json::Object(obj) => {
                    for (key, v) in obj {
                        let fpath = format!("{}[].{key}", def.path);
                        let found = engine.schema.by_path.get(&fpath).copied().and_then(|f| {
                            let fd = engine.schema.fact(f)?;
                            match fd.slot {
                                FactSlot::Field(_, idx) => Some((fd, idx)),
                                _ => None,
                            }
                        });
                        let vpath = format!("{rpath}.{key}");
                        match found {
                            Some((fd, idx)) => {
                                let val = self.scalar(fd, v, &vpath);
                                if let Some(r) = record.get_mut(idx as usize) {
                                    *r = val;
                                }
                            }
                            None => {
                                let names: Vec<&str> = fields
                                    .iter()
                                    .filter_map(|f| engine.schema.fact(*f))
                                    .filter_map(|f| f.path.rsplit('.').next())
                                    .collect();
                                self.unknown_field(&vpath, names);
                            }
                        }
                    }
                }
                other => self.error(
                    InputError::WrongType {
                        expected: "an object".into(),
                        found: json_kind(other).into(),
                    },
                    &rpath,
                ),
            }
            records.push(record);
        }
        // Record-level constraints.
        for &f in fields {
            let Some(fd) = engine.schema.fact(f) else {
                continue;
            };
            let FactSlot::Field(_, idx) = fd.slot else {
                continue;
            };
            if fd.unique {
                let mut seen: BTreeMap<String, usize> = BTreeMap::new();
                for (i, r) in records.iter().enumerate() {
                    if let Some(Some(v)) = r.get(idx as usize) {
                        let text = val_text(engine, v);
                        if seen.insert(text.clone(), i).is_some() {
                            let field = fd.path.rsplit('.').next().unwrap_or("");
                            self.error(
                                InputError::DuplicateValue { value: text },
                                &format!("{path}[{i}].{field}"),
                            );
                        }
                    }
                }
            }
        }
        if let Some(rule) = &def.exactly_one {
            let field_path = format!("{}[].{}", def.path, rule.field);
            if let Some(FactSlot::Field(_, idx)) = engine
                .schema
                .by_path
                .get(&field_path)
                .and_then(|f| engine.schema.fact(*f))
                .map(|f| f.slot)
            {
                let found = records
                    .iter()
                    .filter(|r| matches!(r.get(idx as usize), Some(Some(v)) if val_text(engine, v) == rule.value))
                    .count();
                if found != 1 {
                    self.error(
                        InputError::ExactlyOne {
                            field: rule.field.clone(),
                            value: rule.value.clone(),
                            found,
                        },
                        path,
                    );
                }
            }
        }
        Some(records)
    }

    fn scalar(&mut self, def: &FactDef, value: &Json, path: &str) -> Option<Val> {
        if value.is_null() {
            return None;
        }
        let wrong = |me: &mut Self, expected: &str| {
            me.error(
                InputError::WrongType {
                    expected: expected.into(),
                    found: json_kind(value).into(),
                },
                path,
            );
            None
        };
        match &def.ty {
            FactType::Bool => match value {
                Json::Bool(b) => Some(Val::Bool(*b)),
                _ => wrong(self, "true or false"),
            },
            FactType::Date => match value {
                Json::String(s) => match parse_date(s) {
                    Some(d) => {
                        if def.not_after_as_of {
                            self.dates_to_check.push((d, path.to_string()));
                        }
                        Some(Val::Date(d))
                    }
                    None => {
                        self.error(InputError::BadDate { text: s.clone() }, path);
                        None
                    }
                },
                _ => wrong(self, "a date string"),
            },
            FactType::Enum(values) => match value {
                Json::String(s) => match self.engine.sym_index.get(s) {
                    Some(&sym) if values.contains(s) => Some(Val::Sym(sym)),
                    _ => {
                        self.error(
                            InputError::BadEnumValue {
                                value: s.clone(),
                                allowed: values.clone(),
                            },
                            path,
                        );
                        None
                    }
                },
                _ => wrong(self, "a string"),
            },
            FactType::String => match value {
                Json::String(s) => Some(match self.engine.sym_index.get(s) {
                    Some(&sym) => Val::Sym(sym),
                    None => Val::Str(Rc::from(s.as_str())),
                }),
                _ => wrong(self, "a string"),
            },
            FactType::Integer | FactType::Decimal | FactType::Ratio | FactType::Money => {
                let n = match value {
                    Json::Number(n) => number(n),
                    Json::String(s) if def.ty != FactType::Integer => parse_decimal(s.trim()),
                    _ => {
                        return wrong(
                            self,
                            if def.ty == FactType::Integer {
                                "a whole number"
                            } else {
                                "a number or a decimal string"
                            },
                        )
                    }
                };
                let Some(n) = n else {
                    return wrong(self, "a decimal number");
                };
                self.check_number(def, n, path)
            }
            FactType::List => None,
        }
    }

    fn check_number(&mut self, def: &FactDef, n: Decimal, path: &str) -> Option<Val> {
        if def.ty == FactType::Integer && !n.is_integer() {
            self.error(
                InputError::NotInteger {
                    value: n.to_string(),
                },
                path,
            );
            return None;
        }
        let negative_allowed = def.min.is_some_and(|m| m < Decimal::ZERO);
        if n < Decimal::ZERO
            && !negative_allowed
            && matches!(def.ty, FactType::Money | FactType::Integer)
        {
            self.error(
                InputError::NegativeAmount {
                    value: n.normalize().to_string(),
                },
                path,
            );
            return None;
        }
        let below = def.min.is_some_and(|m| n < m);
        let above = def.max.is_some_and(|m| n > m);
        if below || above {
            self.error(
                InputError::OutOfRange {
                    value: n.normalize().to_string(),
                    min: def.min.map_or("-∞".into(), |m| m.normalize().to_string()),
                    max: def.max.map_or("∞".into(), |m| m.normalize().to_string()),
                },
                path,
            );
            return None;
        }
        Some(Val::Num(n))
    }
}

/// A JSON number by its shortest decimal form, never its binary expansion.
fn number(n: &serde_json::Number) -> Option<Decimal> {
    if let Some(i) = n.as_i64() {
        return Some(Decimal::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Some(Decimal::from(u));
    }
    let text = n.to_string();
    parse_decimal(&text).or_else(|| Decimal::from_scientific(&text).ok())
}

fn val_text(engine: &Engine, v: &Val) -> String {
    match v {
        Val::Sym(s) => engine.sym(*s).to_string(),
        Val::Str(s) => s.to_string(),
        Val::Bool(b) => b.to_string(),
        Val::Num(n) => n.normalize().to_string(),
        Val::Date(d) => d.to_string(),
        Val::List(..) | Val::Record(..) => String::new(),
    }
}

fn strsim(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}
