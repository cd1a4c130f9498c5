//! Input: decodes a case file (JSON) against the facts the packs declare.
//!
//! The decoder reads the JSON text once, straight into the facts' slots (no
//! JSON tree in between), guided by the packs' case shape. Every error of a
//! case is collected, each with the path of the field; only text that is not
//! JSON stops it. A field left out or `null` is unknown; a field no pack
//! declares is an error, so that a typo never turns into "unknown".
//!
//! The text is read by a strict JSON reader of our own (`json.rs`), pulled
//! by the decoder key by key; numbers are taken exactly as written (`0.10`
//! is 0.10, a 24-digit integer keeps its digits).

mod err;
mod json;
#[cfg(test)]
mod oracle;

pub use err::InputError;

use crate::check::{edit_distance, parse_date};
use crate::diagnostic::Diagnostic;
use crate::ir::{
    Engine, FactDef, FactId, FactSlot, FactType, Keys, ObjectShape, ShapeChild, Sym, Val,
};
use chrono::NaiveDate;
use json::{Kind, Reader, Scalar, Syntax};
use rust_decimal::Decimal;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// The largest case accepted, in bytes of JSON.
pub const MAX_CASE_BYTES: usize = 1024 * 1024;
/// The most records in one list.
pub const MAX_RECORDS: usize = 1000;

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

    fn cell(&mut self, record: u32, field: u32) -> Option<&mut Option<Val>> {
        if field >= self.width {
            return None;
        }
        let at = record as usize * self.width as usize + field as usize;
        self.cells.get_mut(at)
    }
}

/// Checks the size of a case's JSON text and parses it into a JSON tree
/// (for callers that need the tree; evaluation reads the text directly).
pub fn parse_json(text: &str) -> Result<Json, Vec<Diagnostic>> {
    if text.len() > MAX_CASE_BYTES {
        return Err(vec![too_large()]);
    }
    serde_json::from_str(text).map_err(|e| vec![not_json(&e)])
}

fn too_large() -> Diagnostic {
    diag(
        InputError::TooLarge {
            limit: MAX_CASE_BYTES,
        },
        "",
    )
}

fn not_json(e: &serde_json::Error) -> Diagnostic {
    diag(
        InputError::NotJson {
            message: e.to_string(),
        },
        "",
    )
}

fn not_json_at(text: &str, e: Syntax) -> Diagnostic {
    diag(
        InputError::NotJson {
            message: e.message(text),
        },
        "",
    )
}

fn diag(e: InputError, path: &str) -> Diagnostic {
    let d = Diagnostic::new(e.code(), e.to_string()).with_help(e.help());
    if path.is_empty() {
        d
    } else {
        d.with_path(path)
    }
}

/// Decodes a case given as JSON text. `as_of` overrides the case's own
/// `as_of`.
pub fn decode_text(
    engine: &Engine,
    text: &str,
    as_of: Option<NaiveDate>,
) -> Result<Facts, Vec<Diagnostic>> {
    if text.len() > MAX_CASE_BYTES {
        return Err(vec![too_large()]);
    }
    let mut d = Decoder::new(engine);
    d.orders = Orders::lately();
    let mut r = Reader::new(text);
    let shape = &engine.schema.shape;
    let read = d.object(&mut r, shape, true).and_then(|()| r.end());
    std::mem::take(&mut d.orders).keep();
    read.map_err(|e| vec![not_json_at(text, e)])?;
    d.finish(as_of)
}

/// Decodes a case given as a JSON tree. `as_of` overrides the case's own
/// `as_of`. (The tree is read as its JSON text: one decoder, which the
/// WebAssembly build then holds once. A tree's numbers are `serde_json`'s,
/// so a fraction is the shortest form of its `f64`: `0.10` reads as 0.1.)
pub fn decode(
    engine: &Engine,
    case: &Json,
    as_of: Option<NaiveDate>,
) -> Result<Facts, Vec<Diagnostic>> {
    decode_text(engine, &case.to_string(), as_of)
}

/// One step of a case-file path.
#[derive(Clone, Copy)]
enum Seg<'e> {
    Key(&'e str),
    Index(usize),
}

struct Decoder<'e> {
    engine: &'e Engine,
    errors: Vec<Diagnostic>,
    facts: Facts,
    /// Where the decoder is; turned into text only for an error.
    path: Vec<Seg<'e>>,
    /// The key of the scalar value being read, after `path` (kept apart,
    /// so that a value pushes nothing).
    leaf: &'e str,
    /// The order in which objects of each shape gave their keys lately.
    orders: Orders,
    /// The case's own `as_of`.
    as_of: Option<NaiveDate>,
    /// An error already says why there is no as-of date (it is wrong, or
    /// the case is not an object).
    as_of_explained: bool,
    /// Dates that must not lie after the as-of date, checked once it is
    /// known: (fact, record).
    dates: Vec<(FactId, Option<u32>, NaiveDate)>,
}

impl<'e> Decoder<'e> {
    fn new(engine: &'e Engine) -> Self {
        Decoder {
            engine,
            errors: Vec::new(),
            facts: Facts {
                as_of: NaiveDate::MIN,
                scalars: vec![None; engine.schema.scalars as usize],
                lists: vec![None; engine.schema.lists.len()],
                strings: Vec::new(),
                sym_base: engine.symbols.len() as Sym,
            },
            path: Vec::with_capacity(8),
            leaf: "",
            orders: Orders::default(),
            as_of: None,
            as_of_explained: false,
            dates: Vec::with_capacity(8),
        }
    }

    fn finish(mut self, as_of: Option<NaiveDate>) -> Result<Facts, Vec<Diagnostic>> {
        match as_of.or(self.as_of) {
            Some(a) => {
                self.facts.as_of = a;
                for &(fid, record, d) in &self.dates {
                    if d > a {
                        let path = fact_path(self.engine, fid, record);
                        self.errors.push(diag(
                            InputError::DateAfterAsOf {
                                date: d.to_string(),
                                as_of: a.to_string(),
                            },
                            &path,
                        ));
                    }
                }
            }
            None if !self.as_of_explained => {
                self.errors.push(diag(InputError::MissingAsOf, "as_of"))
            }
            None => {}
        }
        if self.errors.is_empty() {
            Ok(self.facts)
        } else {
            Err(self.errors)
        }
    }

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
        if !self.leaf.is_empty() {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(self.leaf);
        }
        out
    }

    fn error(&mut self, e: InputError) {
        let path = self.path_text();
        self.errors.push(diag(e, &path));
    }

    fn wrong(&mut self, expected: &str, found: Kind) {
        self.error(InputError::WrongType {
            expected: expected.into(),
            found: found.name().into(),
        });
    }

    /// A key that no pack declares here: an error at its path, with the
    /// nearest declared key as a suggestion.
    fn unknown_field<'n>(&mut self, field: &str, candidates: impl Iterator<Item = &'n String>) {
        let suggestion = candidates
            .map(|c| (edit_distance(c, field), c))
            .filter(|(d, _)| *d <= 3)
            .min()
            .map(|(_, c)| c.to_string());
        let mut path = self.path_text();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(field);
        let e = InputError::UnknownField {
            field: field.to_string(),
            suggestion,
        };
        self.errors.push(diag(e, &path));
    }

    fn duplicate(&mut self, field: &'e str) {
        self.path.push(Seg::Key(field));
        self.error(InputError::DuplicateField {
            field: field.to_string(),
        });
        self.path.pop();
    }

    /// A scalar value of a fact (`record` for a list's field), read from
    /// JSON: `None` when unknown or wrong (the error recorded).
    fn scalar(
        &mut self,
        def: &FactDef,
        fid: FactId,
        record: Option<u32>,
        v: Scalar<'_>,
    ) -> Option<Val> {
        let found = v.kind();
        if found == Kind::Null {
            return None;
        }
        match &def.ty {
            FactType::Bool => match v {
                Scalar::Bool(b) => Some(Val::Bool(b)),
                _ => self.wrong_none("true or false", found),
            },
            FactType::Date => match v {
                Scalar::Str(s) => match parse_date(&s) {
                    Some(d) => {
                        if def.not_after_as_of {
                            self.dates.push((fid, record, d));
                        }
                        Some(Val::Date(d))
                    }
                    None => {
                        self.error(InputError::BadDate {
                            text: s.into_owned(),
                        });
                        None
                    }
                },
                _ => self.wrong_none("a date string", found),
            },
            FactType::Enum(values) => match v {
                Scalar::Str(s) => match values.iter().position(|x| *x == s) {
                    Some(k) => def.symbols.get(k).map(|&sym| Val::Sym(sym)),
                    None => {
                        self.error(InputError::BadEnumValue {
                            value: s.into_owned(),
                            allowed: values.clone(),
                        });
                        None
                    }
                },
                _ => self.wrong_none("a string", found),
            },
            FactType::String => match v {
                Scalar::Str(s) => Some(Val::Sym(self.facts.intern(self.engine, &s))),
                _ => self.wrong_none("a string", found),
            },
            FactType::Integer | FactType::Decimal | FactType::Ratio | FactType::Money => {
                let integer = def.ty == FactType::Integer;
                let n = match v {
                    Scalar::Num(n) => n,
                    Scalar::Str(s) if !integer => json::plain_decimal(trim(&s)),
                    _ => {
                        let expected = if integer {
                            "a whole number"
                        } else {
                            "a number or a decimal string"
                        };
                        return self.wrong_none(expected, found);
                    }
                };
                match n {
                    Some(n) => self.check_number(def, n),
                    None => self.wrong_none("a decimal number", found),
                }
            }
            FactType::List => None,
        }
    }

    fn wrong_none(&mut self, expected: &str, found: Kind) -> Option<Val> {
        self.wrong(expected, found);
        None
    }

    fn check_number(&mut self, def: &FactDef, n: Decimal) -> Option<Val> {
        if def.ty == FactType::Integer && !n.is_integer() {
            self.error(InputError::NotInteger {
                value: n.to_string(),
            });
            return None;
        }
        let negative = |m: &Decimal| m.is_sign_negative() && !m.is_zero();
        let negative_allowed = def.min.as_ref().is_some_and(negative);
        if negative(&n)
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

    /// `unique` fields and `exactly_one` of a decoded list.
    fn record_constraints(&mut self, def: &FactDef, slot: u32, list: &List) {
        let engine = self.engine;
        let Some(fields) = engine.schema.list_fields.get(slot as usize) else {
            return;
        };
        for (name, &(fid, idx)) in fields.iter() {
            if !engine.schema.fact(fid).is_some_and(|f| f.unique) {
                continue;
            }
            // Two values have the same text exactly when they are equal: a
            // text is one symbol (the packs' or the case's), and a number's
            // text is its normalised form.
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for i in 0..list.len() {
                let Some(v) = list.get(i, idx) else {
                    continue;
                };
                let again = if list.len() <= 32 {
                    (0..i).any(|j| list.get(j, idx) == Some(v))
                } else {
                    // Long lists: by text, in a map.
                    seen.insert(val_text(engine, &self.facts, &v), i as usize)
                        .is_some()
                };
                if again {
                    let value = val_text(engine, &self.facts, &v);
                    let path = format!("{}[{i}].{name}", self.path_text());
                    self.errors
                        .push(diag(InputError::DuplicateValue { value }, &path));
                }
            }
        }
        if let Some(rule) = &def.exactly_one {
            if let Some((_, _, &(_, idx))) = fields.get(&rule.field) {
                let found = (0..list.len())
                    .filter(|&i| {
                        list.get(i, idx)
                            .is_some_and(|v| val_is(engine, &self.facts, &v, &rule.value))
                    })
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
}

/// The case-file path of a fact (and record): `household.members[1].birth_date`.
fn fact_path(engine: &Engine, fid: FactId, record: Option<u32>) -> String {
    let path = engine.schema.fact(fid).map_or("", |f| f.path.as_str());
    match record {
        Some(i) => path.replacen("[]", &format!("[{i}]"), 1),
        None => path.to_string(),
    }
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

/// `s` without white space at either end (`str::trim`), looked for only
/// when an end is not a printable ASCII character.
#[inline]
fn trim(s: &str) -> &str {
    let printable = |c: Option<&u8>| c.is_some_and(|&c| c > b' ' && c < 0x7f);
    if printable(s.as_bytes().first()) && printable(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Whether a value's text is `text` (without writing it, for a symbol or a
/// boolean).
fn val_is(engine: &Engine, facts: &Facts, v: &Val, text: &str) -> bool {
    match v {
        Val::Sym(s) => facts.sym(engine, *s) == text,
        Val::Bool(b) => text == if *b { "true" } else { "false" },
        _ => val_text(engine, facts, v) == text,
    }
}

// ---- reading the case ------------------------------------------------------
//
// The decoder pulls from the JSON reader what the case shape expects; what
// the case says wrong becomes a diagnostic and the value is skipped. Only
// text that is not JSON stops it (the reader's `Syntax`). It recurses only
// as deep as the case shape; whatever lies deeper is skipped by the reader.

impl<'e> Decoder<'e> {
    /// An object of the case file: the whole case (`top`, with `as_of`) or
    /// a nested one.
    fn object(
        &mut self,
        r: &mut Reader<'_>,
        shape: &'e ObjectShape,
        top: bool,
    ) -> Result<(), Syntax> {
        match r.peek()? {
            b'{' => r.bump(),
            b'n' if !top => {
                r.skip()?;
                return Ok(());
            }
            _ => {
                let found = r.skip()?;
                self.wrong("an object", found);
                if top {
                    // The case is not an object: that is the one thing to say.
                    self.as_of_explained = true;
                }
                return Ok(());
            }
        }
        let keys = &shape.children;
        let mut order = self.orders.take(keys);
        let mut seen = Seen::default();
        let mut as_of_seen = false;
        let mut first = true;
        let mut k = 0;
        while r.member(first)? {
            first = false;
            let read = order.next_key(r, keys, k)?;
            k += 1;
            let (pos, name, child) = match read {
                Read::Declared(pos, name, child) if !(top && name == "as_of") => (pos, name, child),
                Read::Declared(..) => {
                    self.as_of_member(r, &mut as_of_seen)?;
                    continue;
                }
                Read::Other(key) if top && key == "as_of" => {
                    self.as_of_member(r, &mut as_of_seen)?;
                    continue;
                }
                Read::Other(key) => {
                    self.unknown_field(&key, keys.keys());
                    r.skip()?;
                    continue;
                }
            };
            if seen.again(pos) {
                self.duplicate(name);
                r.skip()?;
                continue;
            }
            match child {
                ShapeChild::Fact(fid) => self.fact(r, name, *fid)?,
                ShapeChild::Object(inner) => {
                    self.path.push(Seg::Key(name));
                    self.object(r, inner, false)?;
                    self.path.pop();
                }
            }
        }
        order.end(k);
        self.orders.put(keys, order);
        Ok(())
    }

    /// The value of the case's `as_of` (its key read).
    fn as_of_member(&mut self, r: &mut Reader<'_>, seen: &mut bool) -> Result<(), Syntax> {
        if *seen {
            self.duplicate("as_of");
            r.skip()?;
            return Ok(());
        }
        *seen = true;
        self.leaf = "as_of";
        let v = r.scalar()?;
        self.as_of_value(v);
        self.leaf = "";
        Ok(())
    }

    /// The case's own `as_of`.
    fn as_of_value(&mut self, v: Scalar<'_>) {
        match v {
            Scalar::Null => {}
            Scalar::Str(s) => match parse_date(&s) {
                Some(a) => self.as_of = Some(a),
                None => {
                    self.as_of_explained = true;
                    self.error(InputError::BadDate {
                        text: s.into_owned(),
                    });
                }
            },
            other => {
                self.as_of_explained = true;
                self.wrong("a date string", other.kind());
            }
        }
    }

    /// The value of a declared fact (under the key `name`): a scalar, or a
    /// list of records.
    fn fact(&mut self, r: &mut Reader<'_>, name: &'e str, fid: FactId) -> Result<(), Syntax> {
        let engine = self.engine;
        let Some(def) = engine.schema.fact(fid) else {
            r.skip()?;
            return Ok(());
        };
        match def.slot {
            FactSlot::Scalar(s) => {
                let v = match r.peek()? {
                    b't' | b'f' if def.ty == FactType::Bool => r.word()?.map(Val::Bool),
                    b'n' => {
                        r.word()?;
                        None
                    }
                    _ => {
                        self.leaf = name;
                        let mut v = None;
                        self.other_value(r, def, fid, None, &mut v)?;
                        self.leaf = "";
                        v
                    }
                };
                if let Some(slot) = self.facts.scalars.get_mut(s as usize) {
                    *slot = v;
                }
            }
            FactSlot::List(slot) => {
                self.path.push(Seg::Key(name));
                self.list(r, def, slot)?;
                self.path.pop();
            }
            FactSlot::Field(..) => {
                r.skip()?;
            }
        }
        Ok(())
    }

    /// A scalar value of a fact (`record` for a list's field) other than
    /// `null` or a boolean (which the callers take straight from the text):
    /// `None` when unknown or wrong (the error recorded).
    ///
    /// A string or a number where the fact's type takes it, and is right,
    /// is read straight into its value; anything else (a wrong value
    /// included) as a [`Scalar`] by [`Decoder::scalar`], which says what is
    /// wrong.
    #[inline(never)]
    fn other_value(
        &mut self,
        r: &mut Reader<'_>,
        def: &FactDef,
        fid: FactId,
        record: Option<u32>,
        out: &mut Option<Val>,
    ) -> Result<(), Syntax> {
        let numeric = matches!(
            def.ty,
            FactType::Integer | FactType::Decimal | FactType::Ratio | FactType::Money
        );
        let v = match r.peek()? {
            b'"' => {
                let s = r.string()?;
                match &def.ty {
                    FactType::Date => {
                        if let Some(d) = parse_date(&s) {
                            if def.not_after_as_of {
                                self.dates.push((fid, record, d));
                            }
                            *out = Some(Val::Date(d));
                            return Ok(());
                        }
                    }
                    FactType::Enum(values) => {
                        if let Some(k) = values.iter().position(|x| *x == s) {
                            *out = def.symbols.get(k).map(|&sym| Val::Sym(sym));
                            return Ok(());
                        }
                    }
                    FactType::String => {
                        *out = Some(Val::Sym(self.facts.intern(self.engine, &s)));
                        return Ok(());
                    }
                    FactType::Decimal | FactType::Ratio | FactType::Money => {
                        if let Some(n) = json::plain_decimal(trim(&s)) {
                            *out = self.check_number(def, n);
                            return Ok(());
                        }
                    }
                    _ => {}
                }
                Scalar::Str(s)
            }
            b'-' | b'0'..=b'9' if numeric => match r.number_value()? {
                Some(n) => {
                    *out = self.check_number(def, n);
                    return Ok(());
                }
                None => Scalar::Num(None),
            },
            _ => r.scalar()?,
        };
        *out = self.scalar(def, fid, record, v);
        Ok(())
    }

    /// A list fact: records, each an object of the list's fields.
    fn list(&mut self, r: &mut Reader<'_>, def: &'e FactDef, slot: u32) -> Result<(), Syntax> {
        match r.peek()? {
            b'[' => r.bump(),
            b'n' => {
                r.skip()?;
                return Ok(());
            }
            _ => {
                let found = r.skip()?;
                self.wrong("a list", found);
                return Ok(());
            }
        }
        let engine = self.engine;
        let Some(fields) = engine.schema.list_fields.get(slot as usize) else {
            return r.skip_rest_of_list(true);
        };
        let width = fields.len() as u32;
        let mut list = List {
            len: 0,
            width,
            cells: Vec::with_capacity(4 * width as usize),
        };
        // The records most likely give their keys in one order.
        let mut order = self.orders.take(fields);
        let mut first = true;
        while r.element(first)? {
            first = false;
            if list.len as usize == MAX_RECORDS {
                // Read on (the text must still be JSON), keeping nothing.
                r.skip()?;
                r.skip_rest_of_list(false)?;
                self.error(InputError::TooManyRecords { limit: MAX_RECORDS });
                self.orders.put(fields, order);
                return Ok(());
            }
            let i = list.len;
            list.len += 1;
            list.cells.resize(list.cells.len() + width as usize, None);
            self.path.push(Seg::Index(i as usize));
            self.record(r, fields, &mut list, i, &mut order)?;
            self.path.pop();
        }
        self.orders.put(fields, order);
        self.record_constraints(def, slot, &list);
        if let Some(slot) = self.facts.lists.get_mut(slot as usize) {
            *slot = Some(list);
        }
        Ok(())
    }

    /// One record of a list.
    fn record(
        &mut self,
        r: &mut Reader<'_>,
        fields: &'e Keys<(FactId, u32)>,
        list: &mut List,
        record: u32,
        order: &mut Order,
    ) -> Result<(), Syntax> {
        if r.peek()? == b'{' {
            r.bump();
        } else {
            let found = r.skip()?;
            self.wrong("an object", found);
            return Ok(());
        }
        let engine = self.engine;
        let mut seen = Seen::default();
        let mut first = true;
        let mut k = 0;
        while r.member(first)? {
            first = false;
            let read = order.next_key(r, fields, k)?;
            k += 1;
            let (pos, name, &(fid, idx)) = match read {
                Read::Declared(pos, name, field) => (pos, name, field),
                Read::Other(key) => {
                    self.unknown_field(&key, fields.keys());
                    r.skip()?;
                    continue;
                }
            };
            if seen.again(pos) {
                self.duplicate(name);
                r.skip()?;
                continue;
            }
            let Some(def) = engine.schema.fact(fid) else {
                r.skip()?;
                continue;
            };
            let mut none = None;
            let cell = list.cell(record, idx).unwrap_or(&mut none);
            match r.peek()? {
                b't' | b'f' if def.ty == FactType::Bool => *cell = r.word()?.map(Val::Bool),
                b'n' => {
                    r.word()?;
                    *cell = None;
                }
                _ => {
                    self.leaf = name;
                    self.other_value(r, def, fid, Some(record), cell)?;
                    self.leaf = "";
                }
            }
        }
        order.end(k);
        Ok(())
    }
}

/// The keys of one object read so far, by position: a bitmap for the first
/// 64 (every object the packs declare), a list beyond.
#[derive(Default)]
struct Seen {
    first: u64,
    more: Vec<u32>,
}

impl Seen {
    /// Marks a key; whether it was already there.
    #[inline(always)]
    fn again(&mut self, pos: u32) -> bool {
        match 1u64.checked_shl(pos) {
            Some(bit) => {
                let again = self.first & bit != 0;
                self.first |= bit;
                again
            }
            None if self.more.contains(&pos) => true,
            None => {
                self.more.push(pos);
                false
            }
        }
    }
}

/// The order in which an object gave its keys: the position (among the
/// declared keys) of each key in turn, `NONE` for one not declared.
#[derive(Default)]
struct Order(Vec<u32>);

const NONE: u32 = u32::MAX;

impl Order {
    /// Reads the `k`-th key of an object (at its opening quote): first
    /// compared with the one at that place last time, else looked up.
    #[inline(always)]
    fn next_key<'e, 't, T>(
        &mut self,
        r: &mut Reader<'t>,
        keys: &'e Keys<T>,
        k: usize,
    ) -> Result<Read<'e, 't, T>, Syntax> {
        if let Some(&pos) = self.0.get(k) {
            if let Some((name, value)) = entry(keys, pos as usize) {
                if r.key_is(name)? {
                    return Ok(Read::Declared(pos, name, value));
                }
            }
        }
        let key = r.key()?;
        let found = keys.get(&key);
        self.learn(k, found.map(|(pos, ..)| pos));
        Ok(match found {
            Some((pos, name, value)) => Read::Declared(pos, name, value),
            None => Read::Other(key),
        })
    }

    /// The `k`-th key is at `pos` (`None`: it is not declared).
    #[inline]
    fn learn(&mut self, k: usize, pos: Option<u32>) {
        let pos = pos.unwrap_or(NONE);
        match self.0.get_mut(k) {
            Some(p) => *p = pos,
            None => self.0.push(pos),
        }
    }

    /// The object ended after `k` keys.
    fn end(&mut self, k: usize) {
        self.0.truncate(k);
    }
}

/// The declared key at a position, and what it holds. (Apart, so that
/// the step to it is computed, not counted out.)
#[inline(never)]
fn entry<T>(keys: &Keys<T>, pos: usize) -> Option<(&String, &T)> {
    keys.iter().nth(pos)
}

/// A key read: a declared one (its position, its own text, what it holds)
/// or another.
enum Read<'e, 't, T> {
    Declared(u32, &'e str, &'e T),
    Other(std::borrow::Cow<'t, str>),
}

/// The orders in which objects of each shape (by the address of their
/// declared keys) gave their keys, in the last cases read on this thread.
/// Cases mostly come from one producer, which writes the keys of an object
/// in one order, so each key is first guessed to be the one at its place
/// last time. A guess is only ever compared with the key read: a wrong or
/// stale one (the packs changed) costs a comparison, never a wrong key.
#[derive(Default)]
struct Orders(Vec<(usize, Order)>);

/// Shapes remembered at most (engines come and go in tests).
const MAX_SHAPES: usize = 64;

thread_local! {
    static LATELY: std::cell::Cell<Orders> = const { std::cell::Cell::new(Orders(Vec::new())) };
}

impl Orders {
    /// The orders of the cases read lately on this thread.
    fn lately() -> Orders {
        LATELY.try_with(std::cell::Cell::take).unwrap_or_default()
    }

    /// Keeps the orders for the next case read on this thread.
    fn keep(self) {
        // Without thread-local storage (the thread is ending), the next
        // case simply guesses nothing.
        let _ = LATELY.try_with(|o| o.set(self));
    }

    fn take<T>(&mut self, keys: &Keys<T>) -> Order {
        let at = keys as *const Keys<T> as usize;
        self.0
            .iter_mut()
            .find(|(a, _)| *a == at)
            .map(|(_, o)| std::mem::take(o))
            .unwrap_or_default()
    }

    fn put<T>(&mut self, keys: &Keys<T>, order: Order) {
        let at = keys as *const Keys<T> as usize;
        match self.0.iter_mut().find(|(a, _)| *a == at) {
            Some((_, o)) => *o = order,
            None => {
                if self.0.len() == MAX_SHAPES {
                    self.0.clear();
                }
                self.0.push((at, order));
            }
        }
    }
}
