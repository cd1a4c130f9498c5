//! The decoder's reading of JSON as it was before `json.rs`: serde visitors
//! over `serde_json`'s reader, driving the same [`Decoder`]. Kept for the
//! tests only, as the oracle the hand-written reader is compared with: on
//! the generated households and on mutations of them, both must give the
//! same facts and the same diagnostics (text that is not JSON: the same
//! code, and for a text cut short the same message).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::json::{Kind, Scalar};
use super::{
    not_json, parse_date, too_large, Decoder, Facts, InputError, List, Seen, Seg, MAX_CASE_BYTES,
    MAX_RECORDS,
};
use crate::check::parse_decimal;
use crate::diagnostic::Diagnostic;
use crate::ir::{Engine, FactDef, FactId, FactSlot, Keys, ObjectShape, ShapeChild};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// `decode_text` as it was.
pub(super) fn decode_text(
    engine: &Engine,
    text: &str,
    as_of: Option<NaiveDate>,
) -> Result<Facts, Vec<Diagnostic>> {
    if text.len() > MAX_CASE_BYTES {
        return Err(vec![too_large()]);
    }
    let mut d = Decoder::new(engine);
    let mut de = serde_json::Deserializer::from_str(text);
    CaseSeed(&mut d)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| vec![not_json(&e)])?;
    d.finish(as_of)
}

/// A JSON number that is not an integer, by its shortest decimal form
/// (`0.1` is 0.1), never its binary expansion.
fn float_decimal(f: f64) -> Option<Decimal> {
    let text = serde_json::Number::from_f64(f)?.to_string();
    parse_decimal(&text).or_else(|| Decimal::from_scientific(&text).ok())
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
        Ok((self.0)(Scalar::Num(Some(Decimal::from(n)))))
    }
    fn visit_u64<E>(self, n: u64) -> Result<R, E> {
        Ok((self.0)(Scalar::Num(Some(Decimal::from(n)))))
    }
    fn visit_f64<E>(self, f: f64) -> Result<R, E> {
        Ok((self.0)(Scalar::Num(float_decimal(f))))
    }
    fn visit_str<E>(self, s: &str) -> Result<R, E> {
        Ok((self.0)(Scalar::Str(Cow::Borrowed(s))))
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
                        Scalar::Str(s) => match parse_date(&s) {
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

// ---- the comparison -----------------------------------------------------------

#[path = "../../tests/support/households.rs"]
mod households;

use crate::api;
use households::{household, Rng};
use serde_json::Value as Json;
use std::collections::BTreeMap;

fn packs() -> Engine {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let files = api::read_pack_dir(&dir).unwrap();
    api::load(&files).unwrap_or_else(|d| panic!("the packs do not load: {d:#?}"))
}

/// How the two readings of one text compare.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Outcome {
    Accepted,
    Refused,
    NotJson,
}

/// Decodes `text` with the reader and with the oracle; they must agree
/// exactly (for text that is not JSON: both say so, in one diagnostic).
fn compare(engine: &Engine, text: &str, as_of: Option<NaiveDate>) -> Result<Outcome, String> {
    let new = super::decode_text(engine, text, as_of);
    let old = decode_text(engine, text, as_of);
    match (&new, &old) {
        (Ok(a), Ok(b)) if format!("{a:?}") == format!("{b:?}") => Ok(Outcome::Accepted),
        (Err(a), Err(b)) if a.len() == 1 && a[0].code == "input.not_json" => {
            if b.len() == 1 && b[0].code == "input.not_json" {
                Ok(Outcome::NotJson)
            } else {
                Err(format!("{text}\nreader: {a:?}\noracle: {b:?}"))
            }
        }
        (Err(a), Err(b)) if a == b => Ok(Outcome::Refused),
        _ => Err(format!("{text}\nreader: {new:?}\noracle: {old:?}")),
    }
}

/// A JSON writer with choices the reader must not notice: whitespace,
/// escapes, and one object whose first key is written twice.
struct Writer<'a> {
    out: String,
    /// Whitespace between tokens (empty, spaces, a newline and a tab...).
    gap: &'a str,
    /// Write every character as a `\u` escape (pairs beyond the BMP).
    escape_all: bool,
    /// The place (depth first) of the object whose first member is
    /// written twice.
    twice: Option<usize>,
    /// Places written so far.
    place: usize,
}

impl Writer<'_> {
    fn string(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            if self.escape_all {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    self.out.push_str(&format!("\\u{u:04x}"));
                }
            } else {
                match c {
                    '"' => self.out.push_str("\\\""),
                    '\\' => self.out.push_str("\\\\"),
                    c if u32::from(c) < 0x20 => {
                        self.out.push_str(&format!("\\u{:04X}", u32::from(c)))
                    }
                    c => self.out.push(c),
                }
            }
        }
        self.out.push('"');
    }

    fn value(&mut self, v: &Json) {
        let place = self.place;
        self.place += 1;
        match v {
            Json::Array(xs) => {
                self.out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.out.push_str(self.gap);
                    self.value(x);
                }
                self.out.push_str(self.gap);
                self.out.push(']');
            }
            Json::Object(m) => {
                self.out.push('{');
                if self.twice == Some(place) {
                    if let Some((k, x)) = m.iter().next() {
                        self.string(k);
                        self.out.push(':');
                        // Its places are not counted: the copy is extra.
                        let count = self.place;
                        self.value(x);
                        self.place = count;
                        self.out.push(',');
                    }
                }
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.out.push_str(self.gap);
                    self.string(k);
                    self.out.push_str(self.gap);
                    self.out.push(':');
                    self.out.push_str(self.gap);
                    self.value(x);
                }
                self.out.push_str(self.gap);
                self.out.push('}');
            }
            Json::String(s) => self.string(s),
            other => self.out.push_str(&other.to_string()),
        }
    }
}

fn write(v: &Json, gap: &str, escape_all: bool, twice: Option<usize>) -> String {
    let mut w = Writer {
        out: String::new(),
        gap,
        escape_all,
        twice,
        place: 0,
    };
    w.value(v);
    w.out
}

/// The places (depth first) of a case's values, and of its non-empty
/// objects.
fn places(v: &Json, next: &mut usize, objects: &mut Vec<usize>) {
    if matches!(v, Json::Object(m) if !m.is_empty()) {
        objects.push(*next);
    }
    *next += 1;
    match v {
        Json::Array(xs) => xs.iter().for_each(|x| places(x, next, objects)),
        Json::Object(m) => m.values().for_each(|x| places(x, next, objects)),
        _ => {}
    }
}

/// The case with the keys of every object in the opposite order.
fn reversed(v: &Json) -> Json {
    match v {
        Json::Array(xs) => Json::Array(xs.iter().map(reversed).collect()),
        Json::Object(m) => Json::Object(
            m.iter()
                .rev()
                .map(|(k, x)| (k.clone(), reversed(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The value at a place.
fn nth_mut<'v>(v: &'v mut Json, k: &mut usize) -> Option<&'v mut Json> {
    if *k == 0 {
        return Some(v);
    }
    *k -= 1;
    match v {
        Json::Array(xs) => xs.iter_mut().find_map(|x| nth_mut(x, k)),
        Json::Object(m) => m.values_mut().find_map(|x| nth_mut(x, k)),
        _ => None,
    }
}

/// Values a field may be given instead of its own: every kind, wrong
/// dates and enum values, numbers both readings take alike (no exponent, no
/// trailing zero, no `-0`: there the reader is exact and the oracle went
/// through `f64`).
const REPLACEMENTS: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "7",
    "-3",
    "0.5",
    "12.25",
    "-0.01",
    "2147483648",
    "12345678901234567890",
    "\"\"",
    "\"x\"",
    "\"12.50\"",
    "\"-1\"",
    "\"2024-02-30\"",
    "\"2020-02-29\"",
    "\"2999-01-01\"",
    "\"self\"",
    "\"spouse\"",
    "\"m0\"",
    "[]",
    "[1, [2, {\"a\": null}]]",
    "{}",
    "{\"id\": \"m9\"}",
    "{\"a\": {\"b\": [true]}}",
    "[{\"id\": \"m0\"}, {\"id\": \"m0\", \"relation\": \"self\"}]",
];

/// Bytes that break or bend the syntax.
const BYTES: &[&str] = &[
    "\"", "{", "}", "[", "]", ",", ":", " ", "x", "0", "\\", "\u{1}", "\n", "é", "-", "n",
];

#[test]
fn the_reader_decodes_households_as_serde_did() {
    let engine = packs();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut counts = BTreeMap::new();
    let mut failures = Vec::new();
    let gaps = ["", " ", "\n\t", " \r\n  "];
    let mut check = |text: &str, as_of: Option<NaiveDate>| match compare(&engine, text, as_of) {
        Ok(o) => *counts.entry(o).or_insert(0usize) += 1,
        Err(e) => failures.push(e),
    };
    let pick = |rng: &mut Rng, n: usize| rng.next() as usize % n;
    for n in 0..400u32 {
        let case = household(&mut rng);
        let text = case.to_string();
        check(&text, None);
        check(
            &text,
            NaiveDate::from_ymd_opt(2019 + (n % 8) as i32, 1 + n % 12, 1),
        );
        // The same case written otherwise.
        let gap = gaps[n as usize % gaps.len()];
        check(&write(&case, gap, n % 3 == 0, None), None);
        // Keys in the opposite order (the guesses from the cases before
        // all miss), then in the usual one again.
        check(&reversed(&case).to_string(), None);
        check(&text, None);
        // One object with its first key given twice.
        let (mut count, mut objects) = (0, Vec::new());
        places(&case, &mut count, &mut objects);
        let twice = objects[pick(&mut rng, objects.len())];
        check(&write(&case, "", false, Some(twice)), None);
        // Values replaced.
        for _ in 0..6 {
            let mut bent = case.clone();
            let mut k = pick(&mut rng, count);
            let with = REPLACEMENTS[pick(&mut rng, REPLACEMENTS.len())];
            *nth_mut(&mut bent, &mut k).unwrap() = serde_json::from_str(with).unwrap();
            check(&bent.to_string(), None);
        }
        // A key misspelt.
        let mut renamed = text.clone();
        let keys: Vec<usize> = text.match_indices("\":").map(|(i, _)| i).collect();
        renamed.insert(
            keys[pick(&mut rng, keys.len())],
            ['x', '_', 's'][pick(&mut rng, 3)],
        );
        check(&renamed, None);
        // Bytes replaced, deleted or inserted.
        for _ in 0..6 {
            let mut bytes = text.clone();
            let mut at = pick(&mut rng, bytes.len());
            while !bytes.is_char_boundary(at) {
                at -= 1;
            }
            let with = BYTES[pick(&mut rng, BYTES.len())];
            match pick(&mut rng, 3) {
                0 => bytes.insert_str(at, with),
                1 => {
                    bytes.remove(at);
                }
                _ => {
                    bytes.remove(at);
                    bytes.insert_str(at, with);
                }
            }
            check(&bytes, None);
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    eprintln!("{counts:?}");
    // Each outcome is well represented.
    for o in [Outcome::Accepted, Outcome::Refused, Outcome::NotJson] {
        assert!(counts.get(&o).copied().unwrap_or(0) >= 400, "{counts:?}");
    }
}

#[test]
fn a_household_cut_short_anywhere_is_not_json_as_serde_said() {
    let engine = packs();
    let mut rng = Rng(0x0dd_ba11);
    for _ in 0..3 {
        let case = household(&mut rng);
        for text in [case.to_string(), write(&case, "\n  ", true, None)] {
            for cut in 0..text.len() {
                let Some(head) = text.get(..cut) else {
                    continue;
                };
                let new = super::decode_text(&engine, head, None).unwrap_err();
                let old = decode_text(&engine, head, None).unwrap_err();
                assert_eq!(new.len(), 1, "{head}: {new:?}");
                assert_eq!(new[0].code, "input.not_json", "{head}");
                // The same place, in the same words.
                assert_eq!(new[0].message, old[0].message, "{head}");
            }
        }
    }
}

#[test]
fn guesses_from_other_engines_never_change_a_case() {
    // Engines loaded and dropped one after the other on one thread: the
    // key orders remembered for one engine's shapes (whose addresses the
    // next may reuse) are only ever guesses.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/toy");
    let toy_files = api::read_pack_dir(&dir).unwrap();
    let toy_case = r#"{"as_of": "2024-06-01", "patron": {"books": [{"id": "a", "pages": 10}, {"pages": 20, "id": "b", "returned_late": true}], "kind": "adult", "resident": true}}"#;
    let mut rng = Rng(0xfeed);
    for round in 0..6 {
        let toy = api::load(&toy_files).unwrap();
        assert_eq!(
            compare(&toy, toy_case, None),
            Ok(Outcome::Accepted),
            "round {round}"
        );
        drop(toy);
        let engine = packs();
        let case = household(&mut rng);
        for text in [case.to_string(), reversed(&case).to_string()] {
            assert_eq!(
                compare(&engine, &text, None),
                Ok(Outcome::Accepted),
                "round {round}"
            );
        }
    }
}

#[test]
fn every_declared_key_is_plain() {
    // The reader compares a guessed key's bytes with the text (json.rs,
    // `key_is`): that is exact only for keys without quote, backslash or
    // control character, which identifiers are.
    fn walk(shape: &ObjectShape, out: &mut Vec<String>) {
        for (k, child) in shape.children.iter() {
            out.push(k.clone());
            if let ShapeChild::Object(inner) = child {
                walk(inner, out);
            }
        }
    }
    let engine = packs();
    let mut keys = Vec::new();
    walk(&engine.schema.shape, &mut keys);
    for fields in &engine.schema.list_fields {
        keys.extend(fields.keys().cloned());
    }
    assert!(keys.len() > 50, "{keys:?}");
    for k in &keys {
        assert!(crate::check::is_ident(k), "{k:?}");
    }
}
