//! Input: decodes a case file (JSON) against the facts the packs declare.
//!
//! Every error of a case is collected, each with the path of the field.
//! A field left out or `null` is unknown; a field no pack declares is an
//! error, so that a typo never turns into "unknown".

mod err;

pub use err::InputError;

use crate::check::{edit_distance, parse_date, parse_decimal};
use crate::diagnostic::Diagnostic;
use crate::ir::{Engine, FactDef, FactId, FactSlot, FactType, ObjectShape, ShapeChild, Sym, Val};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// The largest case accepted, in bytes of JSON.
pub const MAX_CASE_BYTES: usize = 1024 * 1024;
/// The most records in one list.
pub const MAX_RECORDS: usize = 1000;

/// One record of a list while decoding: its fields' values by field index.
type Record = Vec<Option<Val>>;

/// A decoded case: every declared fact's value, or `None` when unknown.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Scalar facts by slot.
    pub scalars: Vec<Option<Val>>,
    /// Lists by slot.
    pub lists: Vec<Option<List>>,
    /// The case's strings that no pack names (member ids): symbol
    /// `sym_base + k` is `strings[k]`.
    pub strings: Vec<String>,
    /// The number of the packs' own symbols.
    pub sym_base: u32,
}

impl Facts {
    /// The text of a symbol: the packs' own, or one of the case's strings.
    pub fn sym<'s>(&'s self, engine: &'s Engine, s: Sym) -> &'s str {
        match s.checked_sub(self.sym_base) {
            Some(k) => self.strings.get(k as usize).map_or("", String::as_str),
            None => engine.sym(s),
        }
    }

    /// The symbol of a string of the case: the packs' own when they name
    /// it, else one of the case's strings (the same text, the same symbol).
    fn intern(&mut self, engine: &Engine, text: &str) -> Sym {
        if let Some(&s) = engine.sym_index.get(text) {
            return s;
        }
        let k = match self.strings.iter().position(|t| t == text) {
            Some(k) => k,
            None => {
                self.strings.push(text.to_string());
                self.strings.len() - 1
            }
        };
        self.sym_base + k as Sym
    }
}

/// The records of a list fact: `len` records of `width` fields, row by row.
#[derive(Debug, Clone, Default)]
pub struct List {
    len: u32,
    width: u32,
    cells: Vec<Option<Val>>,
}

impl List {
    fn from_records(width: usize, records: Vec<Record>) -> List {
        let len = records.len() as u32;
        let mut cells = Vec::with_capacity(records.len() * width);
        for mut r in records {
            r.resize(width, None);
            cells.extend(r);
        }
        List {
            len,
            width: width as u32,
            cells,
        }
    }

    /// How many records.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A field of a record, `None` when unknown.
    pub fn get(&self, record: u32, field: u32) -> Option<Val> {
        if field >= self.width {
            return None;
        }
        let at = record as usize * self.width as usize + field as usize;
        self.cells.get(at).copied().flatten()
    }
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

/// Decodes a case given as JSON text. `as_of` overrides the case's own `as_of`.
pub fn decode_text(
    engine: &Engine,
    text: &str,
    as_of: Option<NaiveDate>,
) -> Result<Facts, Vec<Diagnostic>> {
    decode(engine, &parse_json(text)?, as_of)
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
            strings: Vec::new(),
            sym_base: engine.symbols.len() as Sym,
        },
        path: Vec::new(),
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
                d.errors
                    .push(diag(InputError::BadDate { text: s.clone() }, "as_of"));
                None
            }
        },
        Some(other) => {
            d.errors.push(diag(
                InputError::WrongType {
                    expected: "a date string".into(),
                    found: json_kind(other).into(),
                },
                "as_of",
            ));
            None
        }
    };
    match as_of.or(case_as_of) {
        Some(a) => d.facts.as_of = a,
        None if d.errors.is_empty() => d.errors.push(diag(InputError::MissingAsOf, "as_of")),
        None => {}
    }
    d.object(obj, &engine.schema.shape, true);
    if d.errors.is_empty() {
        Ok(d.facts)
    } else {
        Err(d.errors)
    }
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

/// One step of a case-file path.
#[derive(Clone, Copy)]
enum Seg<'j> {
    Key(&'j str),
    Index(usize),
}

struct Decoder<'e, 'j> {
    engine: &'e Engine,
    errors: Vec<Diagnostic>,
    facts: Facts,
    /// Where the decoder is; turned into text only for an error.
    path: Vec<Seg<'j>>,
}

impl<'e, 'j> Decoder<'e, 'j> {
    fn path_text(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    fn error(&mut self, e: InputError) {
        let path = self.path_text();
        self.errors.push(diag(e, &path));
    }

    fn unknown_field<'n>(&mut self, field: &str, candidates: impl Iterator<Item = &'n String>) {
        let suggestion = candidates
            .map(|c| (edit_distance(c, field), c))
            .filter(|(d, _)| *d <= 3)
            .min()
            .map(|(_, c)| c.to_string());
        self.error(InputError::UnknownField {
            field: field.to_string(),
            suggestion,
        });
    }

    fn object(
        &mut self,
        obj: &'j serde_json::Map<String, Json>,
        shape: &'e ObjectShape,
        top: bool,
    ) {
        for (key, value) in obj {
            if top && key == "as_of" {
                continue;
            }
            self.path.push(Seg::Key(key));
            match shape.children.get(key) {
                Some(ShapeChild::Fact(fid)) => self.fact(*fid, value),
                Some(ShapeChild::Object(inner)) => match value {
                    Json::Null => {}
                    Json::Object(o) => self.object(o, inner, false),
                    other => self.error(InputError::WrongType {
                        expected: "an object".into(),
                        found: json_kind(other).into(),
                    }),
                },
                None => self.unknown_field(key, shape.children.keys()),
            }
            self.path.pop();
        }
    }

    fn fact(&mut self, fid: FactId, value: &'j Json) {
        let engine = self.engine;
        let Some(def) = engine.schema.fact(fid) else {
            return;
        };
        match def.slot {
            FactSlot::Scalar(s) => {
                let v = self.scalar(def, value);
                if let Some(slot) = self.facts.scalars.get_mut(s as usize) {
                    *slot = v;
                }
            }
            FactSlot::List(s) => {
                let records = self.list(s, def, value);
                if let Some(slot) = self.facts.lists.get_mut(s as usize) {
                    *slot = records;
                }
            }
            FactSlot::Field(..) => {}
        }
    }

    fn list(&mut self, slot: u32, def: &'e FactDef, value: &'j Json) -> Option<List> {
        let items = match value {
            Json::Null => return None,
            Json::Array(items) => items,
            other => {
                self.error(InputError::WrongType {
                    expected: "a list".into(),
                    found: json_kind(other).into(),
                });
                return None;
            }
        };
        if items.len() > MAX_RECORDS {
            self.error(InputError::TooManyRecords { limit: MAX_RECORDS });
            return None;
        }
        let engine = self.engine;
        let empty = BTreeMap::new();
        let fields = engine
            .schema
            .list_fields
            .get(slot as usize)
            .unwrap_or(&empty);
        let mut records = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            self.path.push(Seg::Index(i));
            let mut record: Record = vec![None; fields.len()];
            match item {
                Json::Object(obj) => {
                    for (key, v) in obj {
                        self.path.push(Seg::Key(key));
                        match fields.get(key) {
                            Some(&(fid, idx)) => {
                                if let Some(fd) = engine.schema.fact(fid) {
                                    let val = self.scalar(fd, v);
                                    if let Some(r) = record.get_mut(idx as usize) {
                                        *r = val;
                                    }
                                }
                            }
                            None => self.unknown_field(key, fields.keys()),
                        }
                        self.path.pop();
                    }
                }
                other => self.error(InputError::WrongType {
                    expected: "an object".into(),
                    found: json_kind(other).into(),
                }),
            }
            self.path.pop();
            records.push(record);
        }
        self.record_constraints(def, fields, &records);
        Some(List::from_records(fields.len(), records))
    }

    /// `unique` fields and `exactly_one` of a list.
    fn record_constraints(
        &mut self,
        def: &FactDef,
        fields: &BTreeMap<String, (FactId, u32)>,
        records: &[Record],
    ) {
        let engine = self.engine;
        for (name, &(fid, idx)) in fields {
            if !engine.schema.fact(fid).is_some_and(|f| f.unique) {
                continue;
            }
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for (i, r) in records.iter().enumerate() {
                if let Some(Some(v)) = r.get(idx as usize) {
                    let text = val_text(engine, &self.facts, v);
                    if seen.insert(text.clone(), i).is_some() {
                        let path = format!("{}[{i}].{name}", self.path_text());
                        self.errors
                            .push(diag(InputError::DuplicateValue { value: text }, &path));
                    }
                }
            }
        }
        if let Some(rule) = &def.exactly_one {
            if let Some(&(_, idx)) = fields.get(&rule.field) {
                let found = records
                    .iter()
                    .filter(|r| matches!(r.get(idx as usize), Some(Some(v)) if val_text(engine, &self.facts, v) == rule.value))
                    .count();
                if found != 1 {
                    self.error(InputError::ExactlyOne {
                        field: rule.field.clone(),
                        value: rule.value.clone(),
                        found,
                    });
                }
            }
        }
    }

    fn scalar(&mut self, def: &FactDef, value: &Json) -> Option<Val> {
        if value.is_null() {
            return None;
        }
        let wrong = |me: &mut Self, expected: &str| {
            me.error(InputError::WrongType {
                expected: expected.into(),
                found: json_kind(value).into(),
            });
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
                        if def.not_after_as_of
                            && self.facts.as_of != NaiveDate::MIN
                            && d > self.facts.as_of
                        {
                            let as_of = self.facts.as_of.to_string();
                            self.error(InputError::DateAfterAsOf {
                                date: d.to_string(),
                                as_of,
                            });
                        }
                        Some(Val::Date(d))
                    }
                    None => {
                        self.error(InputError::BadDate { text: s.clone() });
                        None
                    }
                },
                _ => wrong(self, "a date string"),
            },
            FactType::Enum(values) => match value {
                Json::String(s) => match self.engine.sym_index.get(s) {
                    Some(&sym) if values.contains(s) => Some(Val::Sym(sym)),
                    _ => {
                        self.error(InputError::BadEnumValue {
                            value: s.clone(),
                            allowed: values.clone(),
                        });
                        None
                    }
                },
                _ => wrong(self, "a string"),
            },
            FactType::String => match value {
                Json::String(s) => Some(Val::Sym(self.facts.intern(self.engine, s))),
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
                self.check_number(def, n)
            }
            FactType::List => None,
        }
    }

    fn check_number(&mut self, def: &FactDef, n: Decimal) -> Option<Val> {
        if def.ty == FactType::Integer && !n.is_integer() {
            self.error(InputError::NotInteger {
                value: n.to_string(),
            });
            return None;
        }
        let negative_allowed = def.min.is_some_and(|m| m < Decimal::ZERO);
        if n < Decimal::ZERO
            && !negative_allowed
            && matches!(def.ty, FactType::Money | FactType::Integer)
        {
            self.error(InputError::NegativeAmount {
                value: n.normalize().to_string(),
            });
            return None;
        }
        let below = def.min.is_some_and(|m| n < m);
        let above = def.max.is_some_and(|m| n > m);
        if below || above {
            self.error(InputError::OutOfRange {
                value: n.normalize().to_string(),
                min: def.min.map_or("-∞".into(), |m| m.normalize().to_string()),
                max: def.max.map_or("∞".into(), |m| m.normalize().to_string()),
            });
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

fn val_text(engine: &Engine, facts: &Facts, v: &Val) -> String {
    match v {
        Val::Sym(s) => facts.sym(engine, *s).to_string(),
        Val::Bool(b) => b.to_string(),
        Val::Num(n) => n.normalize().to_string(),
        Val::Date(d) => d.to_string(),
        Val::List(..) | Val::Record(..) => String::new(),
    }
}
