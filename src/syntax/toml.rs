//! A TOML 1.0 reader that keeps the byte span of every key and value.
//!
//! It reads all of TOML 1.0 (<https://toml.io/en/v1.0.0>): comments, bare,
//! quoted and dotted keys, `[tables]`, `[[arrays of tables]]`, the four kinds
//! of strings with every escape, integers (decimal, hexadecimal, octal,
//! binary), floats, booleans, the four kinds of date-time, arrays and inline
//! tables, and the rules against defining a key or a table twice. Its limits,
//! so that hostile input can neither exhaust the stack nor flood the caller:
//! tables, arrays and inline tables nest at most [`MAX_DEPTH`] levels (a
//! dotted key or table header has at most [`MAX_DEPTH`] parts), and reading
//! stops after [`MAX_ERRORS`] faults. It never panics.
//!
//! [`parse`] does not stop at the first fault: after a syntax error it skips
//! to the next line and reads on, so one read reports every fault of a file.
//! A key whose value does not parse is kept with a [`Node::Invalid`] value, so
//! that a reader of the tree can stay silent about it instead of reporting it
//! missing.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

/// How deep arrays and inline tables may nest, and how many parts a dotted
/// key or a table header may have.
pub const MAX_DEPTH: usize = 64;

/// How many faults [`parse`] reports before it stops reading (hostile input
/// could otherwise make one per line).
pub const MAX_ERRORS: usize = 100;

/// The help given with every syntax error.
const SYNTAX_HELP: &str = "rule packs are TOML 1.0 files: see https://toml.io/en/v1.0.0";

/// A fault in a TOML text, or (from the pack decoder) in its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where, in bytes.
    pub span: Range<usize>,
    /// One lowercase sentence.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl Error {
    /// A syntax error.
    fn syntax(span: Range<usize>, message: impl Into<String>) -> Error {
        Error {
            span,
            message: message.into(),
            help: SYNTAX_HELP.to_string(),
        }
    }

    /// A key or table defined again.
    fn twice(span: Range<usize>, message: String) -> Error {
        Error {
            span,
            message,
            help: "TOML defines each key and table once: merge the two, or remove one".into(),
        }
    }
}

// ---- the spanned tree ------------------------------------------------------------

/// A value with its byte span in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'a> {
    /// Where the value is. A table defined by a `[header]` spans from the
    /// header to the end of its last value; an array of tables, from its
    /// first header.
    pub span: Range<usize>,
    /// The value.
    pub value: Node<'a>,
}

/// A value of the spanned tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Boolean(bool),
    /// A date, time or date-time.
    Datetime(Datetime),
    /// An array written as `[ … ]`.
    Array(Vec<Item<'a>>),
    /// An array of tables written as `[[name]]` sections.
    Tables(Vec<Item<'a>>),
    /// A table.
    Table(Map<'a>),
    /// A value that did not parse (its error is reported).
    Invalid,
}

impl Node<'_> {
    /// The kind of value, with an article, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Node::String(_) => "a string",
            Node::Integer(_) => "an integer",
            Node::Float(_) => "a float",
            Node::Boolean(_) => "a boolean",
            Node::Datetime(_) => "a date-time",
            Node::Array(_) => "an array",
            Node::Tables(_) => "an array of tables",
            Node::Table(_) => "a table",
            Node::Invalid => "an invalid value",
        }
    }
}

/// How a table came to be, for the rules against defining one twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Created on the way to a `[a.b]` header (`a`); may be defined later.
    Implicit,
    /// Defined by a header (or the root).
    Header,
    /// Created by a dotted key (`a.b = 1`).
    Dotted,
    /// Written inline (`{ … }`): closed.
    Inline,
}

/// Tables with more entries than this are indexed; smaller ones searched.
const INDEXED: usize = 8;

/// A table of the spanned tree: its entries in the order of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Map<'a> {
    entries: Vec<Entry<'a>>,
    /// Entry by name, once there are more than [`INDEXED`].
    index: BTreeMap<Cow<'a, str>, usize>,
    /// Whether a line that would have added to it did not parse, so a key
    /// may be missing because of that error.
    pub tainted: bool,
    kind: Kind,
}

impl<'a> Map<'a> {
    fn new(kind: Kind) -> Map<'a> {
        Map {
            entries: Vec::new(),
            index: BTreeMap::new(),
            tainted: false,
            kind,
        }
    }

    fn find(&self, name: &str) -> Option<usize> {
        if self.entries.len() > INDEXED {
            self.index.get(name).copied()
        } else {
            self.entries.iter().position(|e| e.name == name)
        }
    }

    fn find_mut(&mut self, name: &str) -> Option<&mut Entry<'a>> {
        let i = self.find(name)?;
        self.entries.get_mut(i)
    }

    /// Adds an entry whose name is not in the table yet.
    fn push(&mut self, e: Entry<'a>) {
        let n = self.entries.len();
        if n == INDEXED {
            let names = self.entries.iter().map(|e| e.name.clone());
            self.index = names.zip(0..).collect();
        }
        if n >= INDEXED {
            self.index.insert(e.name.clone(), n);
        }
        self.entries.push(e);
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Item<'a>> {
        let i = self.find(key)?;
        self.entries.get(i).map(|e| &e.item)
    }

    /// The entries, in the order of the text.
    pub fn entries(&self) -> &[Entry<'a>] {
        &self.entries
    }

    /// The entries, in the order of the text.
    pub fn into_entries(self) -> Vec<Entry<'a>> {
        self.entries
    }
}

/// One key of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    /// The key (the last part of a dotted key).
    pub name: Cow<'a, str>,
    /// The span of the key.
    pub key: Range<usize>,
    /// Its value.
    pub item: Item<'a>,
}

impl<'a> Item<'a> {
    /// The value at `key`, if this is a table.
    pub fn get(&self, key: &str) -> Option<&Item<'a>> {
        match &self.value {
            Node::Table(m) => m.get(key),
            _ => None,
        }
    }

    /// The plain value, without spans; `None` for an invalid value (and
    /// invalid values are left out of arrays and tables).
    pub fn into_value(self) -> Option<Value> {
        Some(match self.value {
            Node::String(s) => Value::String(s),
            Node::Integer(i) => Value::Integer(i),
            Node::Float(f) => Value::Float(f),
            Node::Boolean(b) => Value::Boolean(b),
            Node::Datetime(d) => Value::Datetime(d),
            Node::Array(a) | Node::Tables(a) => {
                Value::Array(a.into_iter().filter_map(Item::into_value).collect())
            }
            Node::Table(m) => Value::Table(Table::new(
                m.entries
                    .into_iter()
                    .filter_map(|e| Some((e.name.into_owned(), e.item.into_value()?)))
                    .collect(),
            )),
            Node::Invalid => return None,
        })
    }
}

// ---- the plain tree ----------------------------------------------------------------

/// A TOML value without spans (a test's case).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Boolean(bool),
    /// A date, time or date-time.
    Datetime(Datetime),
    /// An array (or array of tables).
    Array(Vec<Value>),
    /// A table.
    Table(Table),
}

/// A table without spans: its entries sorted by key (cheaper to build,
/// clone and drop than a `BTreeMap` for the small tables of a case).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table(Vec<(String, Value)>);

impl Table {
    /// A table of these entries, in any order; of equal keys the last stays.
    pub fn new(mut entries: Vec<(String, Value)>) -> Table {
        entries.reverse();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|a, b| a.0 == b.0);
        Table(entries)
    }

    /// The entries, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let i = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        self.0.get(i).map(|(_, v)| v)
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

// ---- date-times --------------------------------------------------------------------

/// A TOML date, time or date-time: an offset date-time has all three parts,
/// a local date-time no offset, a local date only the date, a local time
/// only the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Datetime {
    /// Year, month, day.
    pub date: Option<(u16, u8, u8)>,
    /// Hour, minute, second, nanosecond.
    pub time: Option<(u8, u8, u8, u32)>,
    /// Offset from UTC in minutes (`Z` is 0).
    pub offset: Option<Offset>,
}

/// The offset of an offset date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offset {
    /// `Z`.
    Z,
    /// `+HH:MM` or `-HH:MM`, in minutes.
    Minutes(i16),
}

/// The canonical form: `1979-05-27T07:32:00.5-07:00`, `07:32:00`,
/// `1979-05-27`; `T` between date and time, `Z` upper-case, fractional
/// seconds without trailing zeros.
impl fmt::Display for Datetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((y, m, d)) = self.date {
            write!(f, "{y:04}-{m:02}-{d:02}")?;
            if self.time.is_some() {
                f.write_str("T")?;
            }
        }
        if let Some((h, m, s, ns)) = self.time {
            write!(f, "{h:02}:{m:02}:{s:02}")?;
            if ns != 0 {
                let frac = format!("{ns:09}");
                write!(f, ".{}", frac.trim_end_matches('0'))?;
            }
        }
        match self.offset {
            Some(Offset::Z) => f.write_str("Z"),
            Some(Offset::Minutes(m)) => {
                let sign = if m < 0 { '-' } else { '+' };
                let m = m.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", m / 60, m % 60)
            }
            None => Ok(()),
        }
    }
}

// ---- the reader --------------------------------------------------------------------

/// One part of a key, with its span.
#[derive(Debug, Clone)]
struct Key<'a> {
    name: Cow<'a, str>,
    span: Range<usize>,
}

/// A key: `a.b.c` is `c` under `[a, b]`.
#[derive(Debug, Clone)]
struct Keys<'a> {
    parents: Vec<Key<'a>>,
    last: Key<'a>,
}

impl Keys<'_> {
    fn len(&self) -> usize {
        self.parents.len() + 1
    }

    fn span(&self) -> Range<usize> {
        let start = self.parents.first().unwrap_or(&self.last).span.start;
        start..self.last.span.end
    }

    /// All parts, `a.b.c` as written, for messages.
    fn text(&self) -> String {
        path_text(self.parents.iter().chain(std::iter::once(&self.last)))
    }
}

/// Keys as written, `a.b."c d"`, for messages.
fn path_text<'k, 'a: 'k>(keys: impl Iterator<Item = &'k Key<'a>>) -> String {
    let mut out = String::new();
    for (i, k) in keys.enumerate() {
        if i > 0 {
            out.push('.');
        }
        if !k.name.is_empty() && k.name.bytes().all(is_bare) {
            out.push_str(&k.name);
        } else {
            out.push('"');
            for c in k.name.chars() {
                match c {
                    '"' | '\\' => {
                        out.push('\\');
                        out.push(c);
                    }
                    c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
    }
    out
}

/// A character of a bare key.
fn is_bare(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// A control character that no string or comment may hold (tab may).
fn is_control(c: u8) -> bool {
    (c < 0x20 && c != b'\t') || c == 0x7f
}

/// A keyval that did not parse: in its key (or before `=`), or in its value.
enum KvError<'a> {
    Key(Option<Keys<'a>>, Error),
    Value(Keys<'a>, Error),
}

impl KvError<'_> {
    fn into_error(self) -> Error {
        match self {
            KvError::Key(_, e) | KvError::Value(_, e) => e,
        }
    }
}

/// Reads a TOML text: the root table (an [`Item`] holding a [`Node::Table`]),
/// and every fault found, in the order of the text (after [`MAX_ERRORS`],
/// reading stops with a last fault from [`too_many`]). The tree holds
/// whatever did parse.
pub fn parse(src: &str) -> (Item<'_>, Vec<Error>) {
    parse_skipping(src, None)
}

/// As [`parse`], but the tables under the top-level key `skip` (`[skip]`,
/// `[[skip]]`, `[skip.more]`, …) are passed over unread: their lines are
/// scanned only for where each value ends (strings, brackets, comments), so
/// they give neither values nor errors. For text already read in full
/// elsewhere: the shipped packs' test cases, which an engine that only
/// evaluates never needs.
pub fn parse_skipping<'s>(src: &'s str, skip: Option<&str>) -> (Item<'s>, Vec<Error>) {
    let mut p = Parser {
        src,
        b: src.as_bytes(),
        pos: 0,
        errors: Vec::new(),
    };
    if src.starts_with('\u{feff}') {
        p.pos = 3;
    }
    let fresh = || Item {
        span: 0..0,
        value: Node::Table(Map::new(Kind::Header)),
    };
    let mut root = fresh();
    // The keys of a section whose header failed are read into `scratch`
    // and dropped.
    let mut scratch = fresh();
    // The current section: its header's keys, or `None` after a bad header.
    let mut section: Option<Vec<Cow<'_, str>>> = Some(Vec::new());
    // After a syntax error, the lines that fail before their `=` or at their
    // end, and indented headers that fail, are skipped silently: they are
    // most likely the rest of what broke (a multi-line array, an inline
    // table over several lines). A line that reads ends that.
    let mut recovering = false;
    // In a table under `skip`.
    let mut skipping = false;
    loop {
        if p.errors.len() >= MAX_ERRORS {
            p.errors.push(too_many(p.pos));
            break;
        }
        let line_start = p.pos;
        p.skip_ws();
        let at_margin = p.pos == line_start;
        let Some(c) = p.peek() else { break };
        match c {
            b'\n' | b'\r' | b'#' => {
                if let Err(e) = p.line_end() {
                    p.errors.push(e);
                    p.skip_line();
                }
            }
            b'[' => match p.header() {
                Ok((keys, _, _))
                    if skip
                        .is_some_and(|s| keys.parents.first().unwrap_or(&keys.last).name == s) =>
                {
                    skipping = true;
                    p.skip_line();
                }
                Ok((keys, array, span)) => {
                    skipping = false;
                    let end = p.line_end();
                    if end.is_err() && recovering && !at_margin {
                        p.skip_line();
                        continue;
                    }
                    recovering = false;
                    scratch = fresh();
                    section = match open_table(&mut root, &keys, span, array) {
                        Ok(()) => Some(
                            keys.parents
                                .into_iter()
                                .chain(std::iter::once(keys.last))
                                .map(|k| k.name)
                                .collect(),
                        ),
                        Err(e) => {
                            p.errors.push(e);
                            None
                        }
                    };
                    if let Err(e) = end {
                        p.errors.push(e);
                        recovering = true;
                        p.skip_line();
                    }
                }
                Err(e) => {
                    if !recovering || at_margin {
                        p.errors.push(e);
                        taint(&mut root);
                        scratch = fresh();
                        section = None;
                    }
                    recovering = true;
                    p.skip_line();
                }
            },
            _ if skipping => p.skip_entry(),
            _ => {
                let depth = section.as_ref().map_or(0, Vec::len);
                let target = match &section {
                    Some(path) => descend(&mut root, path).unwrap_or(&mut scratch),
                    None => &mut scratch,
                };
                match p.keyval(depth).map_err(|e| *e) {
                    Ok((keys, item)) => {
                        let end = p.line_end();
                        if end.is_err() && recovering {
                            // More of what broke the line before (say, a
                            // multi-line inline table, which TOML 1.0 lacks).
                            p.skip_line();
                            continue;
                        }
                        // A section spans from its header to its last value.
                        if section.as_ref().is_none_or(|s| !s.is_empty()) {
                            target.span.end = target.span.end.max(item.span.end);
                        }
                        if let Node::Table(m) = &mut target.value {
                            if let Err(e) = insert(m, keys, item) {
                                p.errors.push(e);
                            }
                        }
                        match end {
                            Ok(()) => recovering = false,
                            Err(e) => {
                                p.errors.push(e);
                                recovering = true;
                                p.skip_line();
                            }
                        }
                    }
                    Err(KvError::Key(keys, e)) => {
                        if !recovering {
                            p.errors.push(e);
                            match keys {
                                Some(keys) => put_invalid(target, keys),
                                None => taint(target),
                            }
                        }
                        recovering = true;
                        p.skip_line();
                    }
                    Err(KvError::Value(keys, e)) => {
                        p.errors.push(e);
                        put_invalid(target, keys);
                        recovering = true;
                        p.skip_line();
                    }
                }
            }
        }
    }
    (root, p.errors)
}

/// Marks a table as missing keys because of a syntax error.
fn taint(item: &mut Item<'_>) {
    if let Node::Table(m) = &mut item.value {
        m.tainted = true;
    }
}

/// Records a key whose value did not parse, so it is not reported missing.
fn put_invalid<'a>(target: &mut Item<'a>, keys: Keys<'a>) {
    let span = keys.span();
    if let Node::Table(m) = &mut target.value {
        // A key defined twice is already reported.
        let _ = insert(
            m,
            keys,
            Item {
                span,
                value: Node::Invalid,
            },
        );
    }
}

/// The table a section's keys go to: the root, a `[table]`, or the last
/// element of an `[[array]]`.
fn descend<'t, 'a>(root: &'t mut Item<'a>, path: &[Cow<'a, str>]) -> Option<&'t mut Item<'a>> {
    let mut item = root;
    for name in path {
        let Node::Table(m) = &mut item.value else {
            return None;
        };
        let e = m.find_mut(name)?;
        item = if matches!(e.item.value, Node::Tables(_)) {
            match &mut e.item.value {
                Node::Tables(v) => v.last_mut()?,
                _ => return None,
            }
        } else {
            &mut e.item
        };
    }
    Some(item)
}

/// Defines the table of a `[a.b]` (or `[[a.b]]`) header, following the TOML
/// rules: a table is defined once; dotted keys' and inline tables are closed;
/// `[[a]]` appends only to an array of tables.
fn open_table<'a>(
    root: &mut Item<'a>,
    keys: &Keys<'a>,
    span: Range<usize>,
    array: bool,
) -> Result<(), Error> {
    let (parents, last) = (&keys.parents, &keys.last);
    let Node::Table(t) = &mut root.value else {
        return Ok(());
    };
    let mut t: &mut Map<'a> = t;
    let here = |i: usize| path_text(parents.iter().take(i + 1));
    for (i, k) in parents.iter().enumerate() {
        if t.find(&k.name).is_none() {
            t.push(Entry {
                name: k.name.clone(),
                key: k.span.clone(),
                item: Item {
                    span: k.span.clone(),
                    value: Node::Table(Map::new(Kind::Implicit)),
                },
            });
        }
        let Some(e) = t.find_mut(&k.name) else {
            return Ok(());
        };
        let conflict = match &e.item.value {
            Node::Table(m) if m.kind == Kind::Inline => Some(format!(
                "table `{}` is an inline table; it cannot be extended",
                here(i)
            )),
            Node::Table(_) | Node::Tables(_) => None,
            v => Some(format!(
                "key `{}` is already defined as {}",
                here(i),
                v.type_name()
            )),
        };
        if let Some(m) = conflict {
            return Err(Error::twice(k.span.clone(), m));
        }
        t = match &mut e.item.value {
            Node::Table(m) => m,
            Node::Tables(v) => match v.last_mut() {
                Some(Item {
                    value: Node::Table(m),
                    ..
                }) => m,
                _ => return Ok(()),
            },
            _ => return Ok(()),
        };
    }
    let fail = |m: String| Err(Error::twice(last.span.clone(), m));
    let fresh = || Item {
        span: span.clone(),
        value: Node::Table(Map::new(Kind::Header)),
    };
    let Some(e) = t.find_mut(&last.name) else {
        let item = if array {
            Item {
                span: span.clone(),
                value: Node::Tables(vec![fresh()]),
            }
        } else {
            fresh()
        };
        t.push(Entry {
            name: last.name.clone(),
            key: last.span.clone(),
            item,
        });
        return Ok(());
    };
    let name = keys.text();
    match (&mut e.item.value, array) {
        (Node::Tables(v), true) => {
            v.push(fresh());
            e.item.span.end = span.end;
            Ok(())
        }
        (Node::Table(m), false) if m.kind == Kind::Implicit => {
            m.kind = Kind::Header;
            e.item.span = span;
            e.key = last.span.clone();
            Ok(())
        }
        (Node::Array(_), true) => fail(format!(
            "`{name}` is a static array; `[[{name}]]` cannot append to it"
        )),
        (Node::Table(_), true) => fail(format!(
            "table `{name}` is already defined, so `[[{name}]]` cannot make it an array"
        )),
        (Node::Table(m), false) => fail(match m.kind {
            Kind::Dotted => format!("table `{name}` is already defined by dotted keys"),
            Kind::Inline => format!("table `{name}` is already defined as an inline table"),
            _ => format!("table `{name}` is defined twice"),
        }),
        (Node::Tables(_), false) => fail(format!(
            "`{name}` is an array of tables; add to it with `[[{name}]]`"
        )),
        (v, _) => fail(format!(
            "key `{name}` is already defined as {}",
            v.type_name()
        )),
    }
}

/// Adds `a.b.c = value` to a table: `a` and `b` must be new or tables made by
/// dotted keys; `c` must be new.
fn insert<'a>(map: &mut Map<'a>, keys: Keys<'a>, item: Item<'a>) -> Result<(), Error> {
    let mut t = map;
    for (i, k) in keys.parents.iter().enumerate() {
        let here = || path_text(keys.parents.iter().take(i + 1));
        if t.find(&k.name).is_none() {
            t.push(Entry {
                name: k.name.clone(),
                key: k.span.clone(),
                item: Item {
                    span: k.span.clone(),
                    value: Node::Table(Map::new(Kind::Dotted)),
                },
            });
        }
        let Some(e) = t.find_mut(&k.name) else {
            return Ok(());
        };
        let conflict = match &e.item.value {
            Node::Table(m) if m.kind == Kind::Dotted => None,
            Node::Table(_) => Some(format!(
                "table `{}` is already defined; dotted keys cannot add to it",
                here()
            )),
            v => Some(format!(
                "key `{}` is already defined as {}",
                here(),
                v.type_name()
            )),
        };
        if let Some(m) = conflict {
            return Err(Error::twice(k.span.clone(), m));
        }
        e.item.span.end = e.item.span.end.max(item.span.end);
        t = match &mut e.item.value {
            Node::Table(m) => m,
            _ => return Ok(()),
        };
    }
    if t.find(&keys.last.name).is_some() {
        return Err(Error::twice(
            keys.last.span.clone(),
            format!("key `{}` is defined twice", keys.text()),
        ));
    }
    t.push(Entry {
        name: keys.last.name,
        key: keys.last.span,
        item,
    });
    Ok(())
}

/// The reader's place in the text.
struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    errors: Vec<Error>,
}

type R<T> = Result<T, Error>;

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.pos + k).copied()
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.b.get(self.pos..).is_some_and(|r| r.starts_with(s))
    }

    fn text(&self, r: Range<usize>) -> &'a str {
        self.src.get(r).unwrap_or("")
    }

    /// The span of the character at `at` (empty at the end).
    fn char_span(&self, at: usize) -> Range<usize> {
        let len = self
            .src
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        at..at + len
    }

    /// What is at `pos`, for messages.
    fn found(&self) -> String {
        match self.src.get(self.pos..).and_then(|s| s.chars().next()) {
            None => "the end of the file".into(),
            Some('\n' | '\r') => "the end of the line".into(),
            Some(c) if c.is_control() => format!("control character U+{:04X}", u32::from(c)),
            Some(c) => format!("`{c}`"),
        }
    }

    fn control(&self, what: &str) -> Error {
        let c = self.peek().unwrap_or(0);
        Error::syntax(
            self.pos..self.pos + 1,
            format!("control character U+{c:04X} is not allowed in {what}"),
        )
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Skips past the next newline (after an error).
    fn skip_line(&mut self) {
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'\n' {
                break;
            }
        }
    }

    /// Skips a `key = value` line of a skipped table, with the lines its
    /// value spans (a multi-line string or array): up to the first newline
    /// outside strings, comments and brackets.
    fn skip_entry(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'"' | b'\'' => self.skip_string(c),
                b'#' => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                b'[' | b'{' => {
                    depth += 1;
                    self.pos += 1;
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    self.pos += 1;
                }
                b'\n' => {
                    self.pos += 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Skips a string opened by `q` (`"`, `'`, or three of them) at `pos`.
    fn skip_string(&mut self, q: u8) {
        let triple = self.peek_at(1) == Some(q) && self.peek_at(2) == Some(q);
        self.pos += if triple { 3 } else { 1 };
        while let Some(c) = self.peek() {
            if c == b'\\' && q == b'"' {
                self.pos += 2;
            } else if c == q && !triple {
                self.pos += 1;
                return;
            } else if c == q && self.peek_at(1) == Some(q) && self.peek_at(2) == Some(q) {
                // A closing `"""` may follow up to two quotes of the string.
                self.pos += 3;
                for _ in 0..2 {
                    if self.peek() == Some(q) {
                        self.pos += 1;
                    }
                }
                return;
            } else if c == b'\n' && !triple {
                return;
            } else {
                self.pos += 1;
            }
        }
    }

    /// Skips one newline, if there is one.
    fn newline(&mut self) {
        if self.peek() == Some(b'\n') {
            self.pos += 1;
        } else if self.starts_with(b"\r\n") {
            self.pos += 2;
        }
    }

    /// After `#`: the rest of the line.
    fn comment(&mut self) -> R<()> {
        self.pos += 1;
        let mut bad = None;
        while let Some(c) = self.peek() {
            if c == b'\n' || (c == b'\r' && self.peek_at(1) == Some(b'\n')) {
                break;
            }
            if is_control(c) && bad.is_none() {
                bad = Some(self.control("a comment"));
            }
            self.pos += 1;
        }
        bad.map_or(Ok(()), Err)
    }

    /// The end of a line: spaces, a comment, then a newline or the end.
    fn line_end(&mut self) -> R<()> {
        self.skip_ws();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        match self.peek() {
            None => Ok(()),
            Some(b'\n') => {
                self.pos += 1;
                Ok(())
            }
            Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                self.pos += 2;
                Ok(())
            }
            Some(b'\r') => Err(Error::syntax(
                self.pos..self.pos + 1,
                "a carriage return must be followed by a newline",
            )),
            _ => Err(Error::syntax(
                self.char_span(self.pos),
                format!("expected the end of the line, found {}", self.found()),
            )),
        }
    }

    /// Spaces, newlines and comments, between the values of an array.
    fn trivia(&mut self) -> R<()> {
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'\n') => self.pos += 1,
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                Some(b'#') => self.comment()?,
                _ => return Ok(()),
            }
        }
    }

    /// `[a.b]` or `[[a.b]]`: its keys, whether it is an array, its span.
    fn header(&mut self) -> R<(Keys<'a>, bool, Range<usize>)> {
        let start = self.pos;
        let array = self.peek_at(1) == Some(b'[');
        self.pos += if array { 2 } else { 1 };
        let keys = self.key()?;
        let close = if array { "]]" } else { "]" };
        if !self.starts_with(close.as_bytes()) {
            return Err(Error::syntax(
                self.char_span(self.pos),
                format!(
                    "expected `{close}` to close the table header, found {}",
                    self.found()
                ),
            ));
        }
        self.pos += close.len();
        Ok((keys, array, start..self.pos))
    }

    /// A key, dotted or not, and the spaces after it.
    fn key(&mut self) -> R<Keys<'a>> {
        let mut parents = Vec::new();
        loop {
            self.skip_ws();
            let last = self.simple_key()?;
            self.skip_ws();
            if self.peek() != Some(b'.') {
                return Ok(Keys { parents, last });
            }
            if parents.len() + 1 == MAX_DEPTH {
                return Err(Error::syntax(
                    self.char_span(self.pos),
                    format!("a key may have at most {MAX_DEPTH} dotted parts"),
                ));
            }
            parents.push(last);
            self.pos += 1;
        }
    }

    /// One part of a key: bare, `"basic"` or `'literal'`.
    fn simple_key(&mut self) -> R<Key<'a>> {
        let start = self.pos;
        let name = match self.peek() {
            Some(b'"') if self.starts_with(b"\"\"\"") => {
                return Err(Error::syntax(
                    start..start + 3,
                    "a key cannot be a multi-line string",
                ))
            }
            Some(b'\'') if self.starts_with(b"'''") => {
                return Err(Error::syntax(
                    start..start + 3,
                    "a key cannot be a multi-line string",
                ))
            }
            Some(b'"') => self.basic_string()?,
            Some(b'\'') => self.literal_string()?,
            Some(c) if is_bare(c) => {
                while self.peek().is_some_and(is_bare) {
                    self.pos += 1;
                }
                Cow::Borrowed(self.text(start..self.pos))
            }
            _ => {
                return Err(Error::syntax(
                    self.char_span(start),
                    format!("expected a key, found {}", self.found()),
                ))
            }
        };
        Ok(Key {
            name,
            span: start..self.pos,
        })
    }

    /// `key = value`, in a table at nesting level `depth`.
    fn keyval(&mut self, depth: usize) -> Result<(Keys<'a>, Item<'a>), Box<KvError<'a>>> {
        let keys = self.key().map_err(|e| Box::new(KvError::Key(None, e)))?;
        if self.peek() != Some(b'=') {
            let e = Error::syntax(
                self.char_span(self.pos),
                format!("expected `=` after the key, found {}", self.found()),
            );
            return Err(Box::new(KvError::Key(Some(keys), e)));
        }
        self.pos += 1;
        self.skip_ws();
        let depth = depth + keys.len() - 1;
        if depth > MAX_DEPTH {
            let e = Error::syntax(
                self.char_span(self.pos),
                format!("tables nest more than {MAX_DEPTH} levels deep"),
            );
            return Err(Box::new(KvError::Value(keys, e)));
        }
        match self.value(depth) {
            Ok(v) => Ok((keys, v)),
            Err(e) => Err(Box::new(KvError::Value(keys, e))),
        }
    }

    /// A value, in a table or array at nesting level `depth`.
    fn value(&mut self, depth: usize) -> R<Item<'a>> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'"') if self.starts_with(b"\"\"\"") => Node::String(self.ml_basic_string()?),
            Some(b'"') => Node::String(self.basic_string()?.into_owned()),
            Some(b'\'') if self.starts_with(b"'''") => Node::String(self.ml_literal_string()?),
            Some(b'\'') => Node::String(self.literal_string()?.into_owned()),
            Some(b'[') => Node::Array(self.array(depth + 1)?),
            Some(b'{') => Node::Table(self.inline_table(depth + 1)?),
            Some(c) if c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'_' | b'.') => {
                self.scalar()?
            }
            _ => {
                return Err(Error::syntax(
                    self.char_span(start),
                    format!("expected a value, found {}", self.found()),
                ))
            }
        };
        Ok(Item {
            span: start..self.pos,
            value,
        })
    }

    /// A boolean, number or date-time: a word of letters, digits and
    /// `_ . + - :` (a date and a time may be separated by one space).
    fn scalar(&mut self) -> R<Node<'a>> {
        let start = self.pos;
        self.word();
        if self.pos - start == 10
            && self.b.get(start + 4) == Some(&b'-')
            && self.peek() == Some(b' ')
            && self.peek_at(1).is_some_and(|c| c.is_ascii_digit())
            && self.peek_at(2).is_some_and(|c| c.is_ascii_digit())
            && self.peek_at(3) == Some(b':')
        {
            self.pos += 1;
            self.word();
        }
        let span = start..self.pos;
        let word = self.text(span.clone());
        let b = word.as_bytes();
        let datelike = (b.get(4) == Some(&b'-') && b.iter().take(4).all(u8::is_ascii_digit))
            || (b.get(2) == Some(&b':') && b.iter().take(2).all(u8::is_ascii_digit));
        match word {
            "true" => Ok(Node::Boolean(true)),
            "false" => Ok(Node::Boolean(false)),
            _ if datelike => read_datetime(b).map(Node::Datetime).ok_or_else(|| {
                Error::syntax(
                    span,
                    format!("`{word}` is not a valid date, time or date-time"),
                )
            }),
            _ => number(word).map_err(|m| Error::syntax(span, m)),
        }
    }

    fn word(&mut self) {
        while self.peek().is_some_and(|c| {
            c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'+' | b'-' | b':')
        }) {
            self.pos += 1;
        }
    }

    fn unclosed(&self, open: usize, len: usize, what: &str) -> Error {
        Error {
            span: open..open + len,
            message: format!("{what} is not closed"),
            help: "close the string with the quotes that open it; only `\"\"\"` and `'''` strings may span lines".into(),
        }
    }

    /// A `"basic"` string, `pos` at the quote.
    fn basic_string(&mut self) -> R<Cow<'a, str>> {
        let open = self.pos;
        self.pos += 1;
        // Most strings have no escape: borrowed from the text.
        let run = self.pos;
        while self
            .peek()
            .is_some_and(|c| c != b'"' && c != b'\\' && !is_control(c))
        {
            self.pos += 1;
        }
        if self.peek() == Some(b'"') {
            self.pos += 1;
            return Ok(Cow::Borrowed(self.text(run..self.pos - 1)));
        }
        self.pos = run;
        let mut out = String::new();
        let mut first = None;
        loop {
            let run = self.pos;
            while self
                .peek()
                .is_some_and(|c| c != b'"' && c != b'\\' && !is_control(c))
            {
                self.pos += 1;
            }
            out.push_str(self.text(run..self.pos));
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    if let Err(e) = self.escape(&mut out, false) {
                        first.get_or_insert(e);
                    }
                }
                None | Some(b'\n') => return Err(self.unclosed(open, 1, "string")),
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                    return Err(self.unclosed(open, 1, "string"))
                }
                Some(_) => {
                    first.get_or_insert(self.control("a string"));
                    self.pos += 1;
                }
            }
        }
        first.map_or(Ok(Cow::Owned(out)), Err)
    }

    /// A `"""multi-line basic"""` string, `pos` at the quotes.
    fn ml_basic_string(&mut self) -> R<String> {
        let open = self.pos;
        self.pos += 3;
        self.newline();
        let mut out = String::new();
        let mut first = None;
        loop {
            let run = self.pos;
            while self
                .peek()
                .is_some_and(|c| c != b'"' && c != b'\\' && !is_control(c))
            {
                self.pos += 1;
            }
            out.push_str(self.text(run..self.pos));
            match self.peek() {
                None => return Err(self.unclosed(open, 3, "multi-line string")),
                Some(b'\n') => {
                    out.push('\n');
                    self.pos += 1;
                }
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                    out.push('\n');
                    self.pos += 2;
                }
                Some(b'\\') => {
                    if let Err(e) = self.escape(&mut out, true) {
                        first.get_or_insert(e);
                    }
                }
                Some(b'"') => {
                    if self.quotes(&mut out, b'"', &mut first) {
                        break;
                    }
                }
                Some(_) => {
                    first.get_or_insert(self.control("a string"));
                    self.pos += 1;
                }
            }
        }
        first.map_or(Ok(out), Err)
    }

    /// A run of quotes in a multi-line string: up to two are text; three
    /// end the string, and up to two more before them are text. Whether the
    /// string ended.
    fn quotes(&mut self, out: &mut String, q: u8, first: &mut Option<Error>) -> bool {
        let n = self
            .b
            .get(self.pos..)
            .map_or(0, |r| r.iter().take_while(|c| **c == q).count());
        let text = if n >= 3 { n - 3 } else { n };
        if text > 2 {
            first.get_or_insert(Error::syntax(
                self.pos..self.pos + n,
                "a multi-line string may not hold three quotes in a row unescaped",
            ));
        }
        out.extend(std::iter::repeat_n(char::from(q), text.min(2)));
        self.pos += n;
        n >= 3
    }

    /// A `'literal'` string, `pos` at the quote.
    fn literal_string(&mut self) -> R<Cow<'a, str>> {
        let open = self.pos;
        self.pos += 1;
        let run = self.pos;
        let mut first = None;
        loop {
            match self.peek() {
                Some(b'\'') => break,
                None | Some(b'\n') => return Err(self.unclosed(open, 1, "string")),
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                    return Err(self.unclosed(open, 1, "string"))
                }
                Some(c) if is_control(c) => {
                    first.get_or_insert(self.control("a string"));
                    self.pos += 1;
                }
                Some(_) => self.pos += 1,
            }
        }
        let s = self.text(run..self.pos);
        self.pos += 1;
        first.map_or(Ok(Cow::Borrowed(s)), Err)
    }

    /// A `'''multi-line literal'''` string, `pos` at the quotes.
    fn ml_literal_string(&mut self) -> R<String> {
        let open = self.pos;
        self.pos += 3;
        self.newline();
        let mut out = String::new();
        let mut first = None;
        loop {
            let run = self.pos;
            while self.peek().is_some_and(|c| c != b'\'' && !is_control(c)) {
                self.pos += 1;
            }
            out.push_str(self.text(run..self.pos));
            match self.peek() {
                None => return Err(self.unclosed(open, 3, "multi-line string")),
                Some(b'\n') => {
                    out.push('\n');
                    self.pos += 1;
                }
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                    out.push('\n');
                    self.pos += 2;
                }
                Some(b'\'') => {
                    if self.quotes(&mut out, b'\'', &mut first) {
                        break;
                    }
                }
                Some(_) => {
                    first.get_or_insert(self.control("a string"));
                    self.pos += 1;
                }
            }
        }
        first.map_or(Ok(out), Err)
    }

    /// After `\` in a basic string: appends what the escape stands for.
    fn escape(&mut self, out: &mut String, multiline: bool) -> R<()> {
        let start = self.pos;
        self.pos += 1;
        let c = self.peek();
        let simple = match c {
            Some(b'b') => '\u{8}',
            Some(b't') => '\t',
            Some(b'n') => '\n',
            Some(b'f') => '\u{c}',
            Some(b'r') => '\r',
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'u' | b'U') => {
                let n = if c == Some(b'u') { 4 } else { 8 };
                self.pos += 1;
                let hex = self
                    .b
                    .get(self.pos..self.pos + n)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                let Some(hex) = hex else {
                    return Err(Error::syntax(
                        start..self.pos,
                        format!(
                            "`{}` must be followed by {n} hexadecimal digits",
                            self.text(start..self.pos)
                        ),
                    ));
                };
                let code = hex.iter().fold(0u32, |v, h| {
                    v * 16 + char::from(*h).to_digit(16).unwrap_or(0)
                });
                self.pos += n;
                return match char::from_u32(code) {
                    Some(ch) => {
                        out.push(ch);
                        Ok(())
                    }
                    None => Err(Error::syntax(
                        start..self.pos,
                        format!(
                            "`{}` is not a Unicode scalar value",
                            self.text(start..self.pos)
                        ),
                    )),
                };
            }
            Some(b' ' | b'\t' | b'\n' | b'\r') if multiline => {
                // A line-ending backslash: it drops the newline and every
                // space and newline after it.
                let mut p = self.pos;
                while matches!(self.b.get(p), Some(b' ' | b'\t')) {
                    p += 1;
                }
                let at_eol = self.b.get(p) == Some(&b'\n')
                    || self.b.get(p..p + 2) == Some(b"\r\n".as_slice());
                if !at_eol {
                    return Err(Error::syntax(
                        start..start + 1,
                        "a `\\` followed by spaces must end its line",
                    ));
                }
                self.pos = p;
                loop {
                    match self.peek() {
                        Some(b' ' | b'\t' | b'\n') => self.pos += 1,
                        Some(b'\r') if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                        _ => return Ok(()),
                    }
                }
            }
            _ => {
                let span = start..self.char_span(self.pos).end;
                let text = match self.peek() {
                    Some(c) if !is_control(c) => format!("`{}`", self.text(span.clone())),
                    _ => "`\\`".into(),
                };
                return Err(Error::syntax(
                    span,
                    format!("invalid escape {text}; TOML has \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX and \\UXXXXXXXX"),
                ));
            }
        };
        self.pos += 1;
        out.push(simple);
        Ok(())
    }

    /// `[ … ]`, at nesting level `depth`, `pos` at the bracket.
    fn array(&mut self, depth: usize) -> R<Vec<Item<'a>>> {
        let open = self.pos;
        if depth > MAX_DEPTH {
            return Err(too_deep(open));
        }
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.trivia()?;
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return Ok(items);
                }
                None => {
                    return Err(Error::syntax(
                        open..open + 1,
                        "array is not closed with `]`",
                    ))
                }
                _ => {}
            }
            items.push(self.value(depth)?);
            self.trivia()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(items);
                }
                None => {
                    return Err(Error::syntax(
                        open..open + 1,
                        "array is not closed with `]`",
                    ))
                }
                _ => {
                    return Err(Error::syntax(
                        self.char_span(self.pos),
                        format!(
                            "expected `,` or `]` after an array element, found {}",
                            self.found()
                        ),
                    ))
                }
            }
        }
    }

    /// `{ … }`, at nesting level `depth`, `pos` at the brace.
    fn inline_table(&mut self, depth: usize) -> R<Map<'a>> {
        let open = self.pos;
        if depth > MAX_DEPTH {
            return Err(too_deep(open));
        }
        self.pos += 1;
        let mut map = Map::new(Kind::Inline);
        let unclosed = || {
            Error::syntax(
                open..open + 1,
                "inline table is not closed on its line (an inline table is written on one line)",
            )
        };
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(map);
        }
        loop {
            self.skip_ws();
            if matches!(self.peek(), None | Some(b'\n' | b'\r')) {
                return Err(unclosed());
            }
            let (keys, item) = self.keyval(depth).map_err(|e| e.into_error())?;
            if let Err(e) = insert(&mut map, keys, item) {
                self.errors.push(e);
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        return Err(Error::syntax(
                            self.pos - 1..self.pos,
                            "an inline table may not end with a comma",
                        ));
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(map);
                }
                None | Some(b'\n' | b'\r') => return Err(unclosed()),
                _ => {
                    return Err(Error::syntax(
                        self.char_span(self.pos),
                        format!(
                            "expected `,` or `}}` in the inline table, found {}",
                            self.found()
                        ),
                    ))
                }
            }
        }
    }
}

/// The fault that ends a list of [`MAX_ERRORS`] faults.
pub fn too_many(at: usize) -> Error {
    Error {
        span: at..at,
        message: format!("more faults may follow; the first {MAX_ERRORS} are reported"),
        help: "fix these and check again".into(),
    }
}

fn too_deep(at: usize) -> Error {
    Error::syntax(
        at..at + 1,
        format!("arrays and inline tables nest more than {MAX_DEPTH} levels deep"),
    )
}

/// Whether `s` is digits with single `_` between them.
fn digits_ok(s: &str, radix: u32) -> bool {
    let b = s.as_bytes();
    let digit = |c: &u8| char::from(*c).is_digit(radix);
    b.first().is_some_and(digit)
        && b.last().is_some_and(digit)
        && b.iter().all(|c| *c == b'_' || digit(c))
        && !s.contains("__")
}

/// An integer or float, from its word.
fn number(word: &str) -> Result<Node<'static>, String> {
    let bad = || format!("`{word}` is not a valid number");
    let (sign, body) = match word.strip_prefix('-') {
        Some(b) => (Some(true), b),
        None => match word.strip_prefix('+') {
            Some(b) => (Some(false), b),
            None => (None, word),
        },
    };
    let neg = sign == Some(true);
    match body {
        "inf" => {
            return Ok(Node::Float(if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }))
        }
        "nan" => return Ok(Node::Float(if neg { -f64::NAN } else { f64::NAN })),
        _ => {}
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = body.strip_prefix(prefix) {
            if sign.is_some() {
                return Err(format!(
                    "`{word}`: a hexadecimal, octal or binary integer cannot have a sign"
                ));
            }
            if !digits_ok(digits, radix) {
                return Err(bad());
            }
            let mut v: i64 = 0;
            for c in digits.chars().filter(|c| *c != '_') {
                let d = i64::from(c.to_digit(radix).unwrap_or(0));
                v = v
                    .checked_mul(i64::from(radix))
                    .and_then(|v| v.checked_add(d))
                    .ok_or_else(|| format!("integer `{word}` does not fit in 64 bits"))?;
            }
            return Ok(Node::Integer(v));
        }
    }
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(if body.starts_with(|c: char| c.is_ascii_alphabetic()) {
            format!("`{word}` is not a value; a string is written in quotes: \"{word}\"")
        } else {
            bad()
        });
    }
    let (mantissa, exp) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    if !digits_ok(int, 10) {
        return Err(bad());
    }
    if int.len() > 1 && int.starts_with('0') {
        return Err(format!("`{word}`: leading zeros are not allowed"));
    }
    if frac.is_some_and(|f| !digits_ok(f, 10))
        || exp.is_some_and(|e| !digits_ok(e.strip_prefix(['+', '-']).unwrap_or(e), 10))
    {
        return Err(bad());
    }
    if frac.is_none() && exp.is_none() {
        let mut v: i64 = 0;
        for c in int.bytes().filter(|c| *c != b'_') {
            let d = i64::from(c - b'0');
            v = v
                .checked_mul(10)
                .and_then(|v| {
                    if neg {
                        v.checked_sub(d)
                    } else {
                        v.checked_add(d)
                    }
                })
                .ok_or_else(|| format!("integer `{word}` does not fit in 64 bits"))?;
        }
        return Ok(Node::Integer(v));
    }
    let clean: String = word.chars().filter(|c| *c != '_').collect();
    match clean.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Node::Float(f)),
        Ok(_) => Err(format!("`{word}` is out of the range of a float")),
        Err(_) => Err(bad()),
    }
}

/// `n` decimal digits at `at`.
fn digits(w: &[u8], at: usize, n: usize) -> Option<u32> {
    let mut v = 0;
    for k in 0..n {
        let c = *w.get(at + k)?;
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date, time or date-time (RFC 3339 as TOML 1.0 has it: seconds are
/// required; `T`, `t` or a space between date and time).
fn read_datetime(w: &[u8]) -> Option<Datetime> {
    let mut dt = Datetime::default();
    let mut i = 0;
    if w.get(2) != Some(&b':') {
        let (y, m, d) = (digits(w, 0, 4)?, digits(w, 5, 2)?, digits(w, 8, 2)?);
        if w.get(4) != Some(&b'-')
            || w.get(7) != Some(&b'-')
            || !(1..=12).contains(&m)
            || d < 1
            || d > days_in_month(y, m)
        {
            return None;
        }
        dt.date = Some((
            u16::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        ));
        i = 10;
        if i == w.len() {
            return Some(dt);
        }
        if !matches!(w.get(i), Some(b'T' | b't' | b' ')) {
            return None;
        }
        i += 1;
    }
    let (h, mi, s) = (digits(w, i, 2)?, digits(w, i + 3, 2)?, digits(w, i + 6, 2)?);
    if w.get(i + 2) != Some(&b':') || w.get(i + 5) != Some(&b':') || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    i += 8;
    let mut ns = 0;
    if w.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while let Some(c) = w.get(i).filter(|c| c.is_ascii_digit()) {
            if i - start < 9 {
                ns = ns * 10 + u32::from(c - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start).min(9)..9 {
            ns *= 10;
        }
    }
    dt.time = Some((
        u8::try_from(h).ok()?,
        u8::try_from(mi).ok()?,
        u8::try_from(s).ok()?,
        ns,
    ));
    if dt.date.is_some() {
        match w.get(i) {
            Some(b'Z' | b'z') => {
                dt.offset = Some(Offset::Z);
                i += 1;
            }
            Some(&sign @ (b'+' | b'-')) => {
                let (oh, om) = (digits(w, i + 1, 2)?, digits(w, i + 4, 2)?);
                if w.get(i + 3) != Some(&b':') || oh > 23 || om > 59 {
                    return None;
                }
                let m = i16::try_from(oh * 60 + om).ok()?;
                dt.offset = Some(Offset::Minutes(if sign == b'-' { -m } else { m }));
                i += 6;
            }
            _ => {}
        }
    }
    (i == w.len()).then_some(dt)
}
