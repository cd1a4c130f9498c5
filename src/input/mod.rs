//! Input: decodes a case file (JSON) against the facts the packs declare.
//!
//! The decoder reads the JSON text once, straight into the facts' slots (no
//! JSON tree in between), guided by the packs' case shape. Every error of a
//! case is collected, each with the path of the field; only text that is not
//! JSON stops it. A field left out or `null` is unknown; a field no pack
//! declares is an error, so that a typo never turns into "unknown".

mod err;

pub use err::InputError;

use crate::check::{edit_distance, parse_date, parse_decimal};
use crate::diagnostic::Diagnostic;
use crate::ir::{
    Engine, FactDef, FactId, FactSlot, FactType, Keys, ObjectShape, ShapeChild, Sym, Val,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt;

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
    let mut de = serde_json::Deserializer::from_str(text);
    // serde_json limits nesting (128 levels), so a deep text is an error,
    // not a stack overflow.
    CaseSeed(&mut d)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| vec![not_json(&e)])?;
    d.finish(as_of)
}

/// Decodes a case given as a JSON tree. `as_of` overrides the case's own
/// `as_of`. (The tree is read as its JSON text: one decoder, which the
/// WebAssembly build then holds once.)
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

/// What a JSON value is, for "expected …, found …".
#[derive(Clone, Copy)]
enum Kind {
    Null,
    Bool,
    Number,
    String,
    List,
    Object,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::List => "a list",
            Kind::Object => "an object",
        }
    }
}

struct Decoder<'e> {
    engine: &'e Engine,
    errors: Vec<Diagnostic>,
    facts: Facts,
    /// Where the decoder is; turned into text only for an error.
    path: Vec<Seg<'e>>,
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
            as_of: None,
            as_of_explained: false,
            dates: Vec::new(),
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
        if let Scalar::Null = v {
            return None;
        }
        match &def.ty {
            FactType::Bool => match v {
                Scalar::Bool(b) => Some(Val::Bool(b)),
                other => self.wrong_none("true or false", other.kind()),
            },
            FactType::Date => match v {
                Scalar::Str(s) => match parse_date(s) {
                    Some(d) => {
                        if def.not_after_as_of {
                            self.dates.push((fid, record, d));
                        }
                        Some(Val::Date(d))
                    }
                    None => {
                        self.error(InputError::BadDate {
                            text: s.to_string(),
                        });
                        None
                    }
                },
                other => self.wrong_none("a date string", other.kind()),
            },
            FactType::Enum(values) => match v {
                Scalar::Str(s) => match values.iter().position(|x| x == s) {
                    Some(k) => def.symbols.get(k).map(|&sym| Val::Sym(sym)),
                    None => {
                        self.error(InputError::BadEnumValue {
                            value: s.to_string(),
                            allowed: values.clone(),
                        });
                        None
                    }
                },
                other => self.wrong_none("a string", other.kind()),
            },
            FactType::String => match v {
                Scalar::Str(s) => Some(Val::Sym(self.facts.intern(self.engine, s))),
                other => self.wrong_none("a string", other.kind()),
            },
            FactType::Integer | FactType::Decimal | FactType::Ratio | FactType::Money => {
                let integer = def.ty == FactType::Integer;
                let n = match v {
                    Scalar::Int(n) => Some(n),
                    Scalar::Float(f) => float_decimal(f),
                    Scalar::Str(s) if !integer => parse_decimal(s.trim()),
                    other => {
                        let expected = if integer {
                            "a whole number"
                        } else {
                            "a number or a decimal string"
                        };
                        return self.wrong_none(expected, other.kind());
                    }
                };
                match n {
                    Some(n) => self.check_number(def, n),
                    None => self.wrong_none("a decimal number", v.kind()),
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
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for i in 0..list.len() {
                if let Some(v) = list.get(i, idx) {
                    let text = val_text(engine, &self.facts, &v);
                    if seen.insert(text.clone(), i as usize).is_some() {
                        let path = format!("{}[{i}].{name}", self.path_text());
                        self.errors
                            .push(diag(InputError::DuplicateValue { value: text }, &path));
                    }
                }
            }
        }
        if let Some(rule) = &def.exactly_one {
            if let Some((_, _, &(_, idx))) = fields.get(&rule.field) {
                let found = (0..list.len())
                    .filter(|&i| {
                        list.get(i, idx)
                            .is_some_and(|v| val_text(engine, &self.facts, &v) == rule.value)
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

/// A JSON number that is not an integer, by its shortest decimal form
/// (`0.1` is 0.1), never its binary expansion.
fn float_decimal(f: f64) -> Option<Decimal> {
    let text = serde_json::Number::from_f64(f)?.to_string();
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

// ---- reading JSON ----------------------------------------------------------
//
// Serde visitors that never fail on what the case says (that becomes a
// diagnostic and the value is skipped); they fail only when the text is not
// JSON.

/// A JSON scalar, or what kind of non-scalar it was (consumed).
#[derive(Clone, Copy)]
enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(Decimal),
    Float(f64),
    Str(&'a str),
    Other(Kind),
}

impl Scalar<'_> {
    fn kind(self) -> Kind {
        match self {
            Scalar::Null => Kind::Null,
            Scalar::Bool(_) => Kind::Bool,
            Scalar::Int(_) | Scalar::Float(_) => Kind::Number,
            Scalar::Str(_) => Kind::String,
            Scalar::Other(k) => k,
        }
    }
}

/// Reads any JSON value and hands it to `f` as a [`Scalar`]; a list or an
/// object is skipped and handed over as its kind.
struct AnyValue<F>(F);

impl<'de, R, F: FnOnce(Scalar<'_>) -> R> Visitor<'de> for AnyValue<F> {
    type Value = R;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<R, E> {
        Ok((self.0)(Scalar::Null))
    }
    fn visit_none<E>(self) -> Result<R, E> {
        Ok((self.0)(Scalar::Null))
    }
    fn visit_bool<E>(self, b: bool) -> Result<R, E> {
        Ok((self.0)(Scalar::Bool(b)))
    }
    fn visit_i64<E>(self, n: i64) -> Result<R, E> {
        Ok((self.0)(Scalar::Int(Decimal::from(n))))
    }
    fn visit_u64<E>(self, n: u64) -> Result<R, E> {
        Ok((self.0)(Scalar::Int(Decimal::from(n))))
    }
    fn visit_f64<E>(self, f: f64) -> Result<R, E> {
        Ok((self.0)(Scalar::Float(f)))
    }
    fn visit_str<E>(self, s: &str) -> Result<R, E> {
        Ok((self.0)(Scalar::Str(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<R, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok((self.0)(Scalar::Other(Kind::List)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<R, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok((self.0)(Scalar::Other(Kind::Object)))
    }
}

/// Reads a key and finds it among the declared ones: `Ok(position, key,
/// value)` with the declared key's own text, or `Err(text)` for an
/// undeclared key.
struct KeySeed<'e, T>(&'e Keys<T>);

type Found<'e, T> = Result<(u32, &'e str, &'e T), String>;

impl<'de, 'e, T> DeserializeSeed<'de> for KeySeed<'e, T> {
    type Value = Found<'e, T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'e, T> Visitor<'de> for KeySeed<'e, T> {
    type Value = Found<'e, T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(self.0.get(s).ok_or_else(|| s.to_string()))
    }
}

/// The `visit_*` methods of a visitor for the kinds of JSON value it does
/// not take: each reports the kind found with the visitor's own `$reject`
/// (the contents of a list or object found are skipped).
macro_rules! reject_others {
    ($reject:ident; scalars $(, $nested:ident)*) => {
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            self.$reject(Kind::Bool);
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            self.$reject(Kind::Number);
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            self.$reject(Kind::Number);
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            self.$reject(Kind::Number);
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            self.$reject(Kind::String);
            Ok(())
        }
        $(reject_others!(@ $nested $reject);)*
    };
    (@ seq $reject:ident) => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            self.$reject(Kind::List);
            Ok(())
        }
    };
    (@ map $reject:ident) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            self.$reject(Kind::Object);
            Ok(())
        }
    };
}

/// The whole case: an object with `as_of` and the shape's keys.
struct CaseSeed<'d, 'e>(&'d mut Decoder<'e>);

impl<'de> DeserializeSeed<'de> for CaseSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(ObjectVisitor {
            d: self.0,
            top: true,
            shape: None,
        })
    }
}

/// An object of the case file: the top (`shape: None` means the case's own
/// shape, with `as_of`) or a nested one.
struct ObjectVisitor<'d, 'e> {
    d: &'d mut Decoder<'e>,
    top: bool,
    shape: Option<&'e ObjectShape>,
}

impl<'de, 'e> Visitor<'de> for ObjectVisitor<'_, 'e> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let d = self.d;
        let engine = d.engine;
        let shape = self.shape.unwrap_or(&engine.schema.shape);
        let mut seen = Seen::default();
        let mut as_of_seen = false;
        while let Some(key) = map.next_key_seed(AsOfOr(self.top, KeySeed(&shape.children)))? {
            match key {
                Key::AsOf => {
                    if as_of_seen {
                        d.duplicate("as_of");
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    as_of_seen = true;
                    d.path.push(Seg::Key("as_of"));
                    map.next_value_seed(Read(|v: Scalar<'_>| match v {
                        Scalar::Null => {}
                        Scalar::Str(s) => match parse_date(s) {
                            Some(a) => d.as_of = Some(a),
                            None => {
                                d.as_of_explained = true;
                                d.error(InputError::BadDate {
                                    text: s.to_string(),
                                });
                            }
                        },
                        other => {
                            d.as_of_explained = true;
                            d.wrong("a date string", other.kind());
                        }
                    }))?;
                    d.path.pop();
                }
                Key::Declared(pos, name, child) => {
                    if seen.again(pos) {
                        d.duplicate(name);
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    d.path.push(Seg::Key(name));
                    match child {
                        ShapeChild::Fact(fid) => map.next_value_seed(FactSeed { d, fid: *fid })?,
                        ShapeChild::Object(inner) => {
                            map.next_value_seed(ObjectSeed { d, shape: inner })?
                        }
                    }
                    d.path.pop();
                }
                Key::Unknown(name) => {
                    let candidates = shape.children.keys();
                    d.unknown_field(&name, candidates);
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        if self.top {
            self.not_an_object(Kind::Null);
        }
        Ok(())
    }
    reject_others!(not_an_object; scalars, seq);
}

impl ObjectVisitor<'_, '_> {
    fn not_an_object(self, found: Kind) {
        self.d.wrong("an object", found);
        if self.top {
            // The case is not an object: that is the one thing to say.
            self.d.as_of_explained = true;
        }
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

/// A key of an object: `as_of` (at the top), a declared key, or another.
enum Key<'e, T> {
    AsOf,
    Declared(u32, &'e str, &'e T),
    Unknown(String),
}

/// Reads a key, recognising `as_of` at the top of the case.
struct AsOfOr<'e, T>(bool, KeySeed<'e, T>);

impl<'de, 'e, T> DeserializeSeed<'de> for AsOfOr<'e, T> {
    type Value = Key<'e, T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'e, T> Visitor<'de> for AsOfOr<'e, T> {
    type Value = Key<'e, T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        if self.0 && s == "as_of" {
            return Ok(Key::AsOf);
        }
        Ok(match self.1.visit_str::<E>(s)? {
            Ok((pos, k, v)) => Key::Declared(pos, k, v),
            Err(s) => Key::Unknown(s),
        })
    }
}

/// Reads one value as a [`Scalar`] and hands it to a function.
struct Read<F>(F);

impl<'de, R, F: FnOnce(Scalar<'_>) -> R> DeserializeSeed<'de> for Read<F> {
    type Value = R;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<R, D::Error> {
        d.deserialize_any(AnyValue(self.0))
    }
}

/// A nested object of the case.
struct ObjectSeed<'d, 'e> {
    d: &'d mut Decoder<'e>,
    shape: &'e ObjectShape,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(ObjectVisitor {
            d: self.d,
            top: false,
            shape: Some(self.shape),
        })
    }
}

/// The value of a declared fact: a scalar, or a list of records.
struct FactSeed<'d, 'e> {
    d: &'d mut Decoder<'e>,
    fid: FactId,
}

impl<'de> DeserializeSeed<'de> for FactSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        let d = self.d;
        let engine = d.engine;
        let Some(def) = engine.schema.fact(self.fid) else {
            return de.deserialize_ignored_any(IgnoredAny).map(|_| ());
        };
        match def.slot {
            FactSlot::Scalar(s) => {
                let fid = self.fid;
                let v =
                    de.deserialize_any(AnyValue(|v: Scalar<'_>| d.scalar(def, fid, None, v)))?;
                if let Some(slot) = d.facts.scalars.get_mut(s as usize) {
                    *slot = v;
                }
                Ok(())
            }
            FactSlot::List(slot) => de.deserialize_any(ListVisitor { d, def, slot }),
            FactSlot::Field(..) => de.deserialize_ignored_any(IgnoredAny).map(|_| ()),
        }
    }
}

/// A list fact: records, each an object of the list's fields.
struct ListVisitor<'d, 'e> {
    d: &'d mut Decoder<'e>,
    def: &'e FactDef,
    slot: u32,
}

impl<'de, 'e> Visitor<'de> for ListVisitor<'_, 'e> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let d = self.d;
        let engine = d.engine;
        let Some(fields) = engine.schema.list_fields.get(self.slot as usize) else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let width = fields.len() as u32;
        let mut list = List {
            len: 0,
            width,
            cells: Vec::with_capacity(
                seq.size_hint().unwrap_or(4).min(MAX_RECORDS) * width as usize,
            ),
        };
        let mut too_many = false;
        loop {
            if list.len as usize == MAX_RECORDS {
                // Read on (the text must still be JSON), keeping nothing.
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    too_many = true;
                }
                break;
            }
            let i = list.len;
            list.len += 1;
            list.cells.resize(list.cells.len() + width as usize, None);
            d.path.push(Seg::Index(i as usize));
            let more = seq.next_element_seed(RecordSeed {
                d,
                fields,
                list: &mut list,
                record: i,
            })?;
            d.path.pop();
            if more.is_none() {
                list.len -= 1;
                list.cells.truncate(list.len as usize * width as usize);
                break;
            }
        }
        if too_many {
            d.error(InputError::TooManyRecords { limit: MAX_RECORDS });
            return Ok(());
        }
        d.record_constraints(self.def, self.slot, &list);
        if let Some(slot) = d.facts.lists.get_mut(self.slot as usize) {
            *slot = Some(list);
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    reject_others!(not_a_list; scalars, map);
}

impl ListVisitor<'_, '_> {
    fn not_a_list(self, found: Kind) {
        self.d.wrong("a list", found);
    }
}

/// One record of a list.
struct RecordSeed<'d, 'e, 'l> {
    d: &'d mut Decoder<'e>,
    fields: &'e Keys<(FactId, u32)>,
    list: &'l mut List,
    record: u32,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let d = self.d;
        let engine = d.engine;
        let mut seen = Seen::default();
        while let Some(key) = map.next_key_seed(KeySeed(self.fields))? {
            match key {
                Ok((pos, name, &(fid, idx))) => {
                    if seen.again(pos) {
                        d.duplicate(name);
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    d.path.push(Seg::Key(name));
                    let record = self.record;
                    match engine.schema.fact(fid) {
                        Some(def) => {
                            let v = map.next_value_seed(Read(|v: Scalar<'_>| {
                                d.scalar(def, fid, Some(record), v)
                            }))?;
                            if let Some(cell) = self.list.cell(record, idx) {
                                *cell = v;
                            }
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                    d.path.pop();
                }
                Err(name) => {
                    d.unknown_field(&name, self.fields.keys());
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.not_a_record(Kind::Null);
        Ok(())
    }
    reject_others!(not_a_record; scalars, seq);
}

impl RecordSeed<'_, '_, '_> {
    fn not_a_record(self, found: Kind) {
        self.d.wrong("an object", found);
    }
}
