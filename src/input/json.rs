//! A strict JSON reader (RFC 8259) over a case file's text, byte by byte.
//!
//! The decoder pulls from it what the case shape expects: a key, an element,
//! a scalar, or a whole value to skip. Strings without escapes are borrowed
//! from the text; only an escaped string is copied. A value that is skipped
//! is read without recursion (the kinds of the open brackets are kept as
//! bits), so no nesting overruns the stack; the decoder itself recurses only
//! as deep as the case shape. The first fault of syntax stops the reader,
//! with where it is (line and column, counted in bytes as `serde_json` does).

use crate::check::parse_decimal;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::str::FromStr;

/// What a JSON value is, for "expected …, found …".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Null,
    Bool,
    Number,
    String,
    List,
    Object,
}

impl Kind {
    pub(super) fn name(self) -> &'static str {
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

/// A JSON scalar, or what kind of non-scalar it was (skipped).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Scalar<'a> {
    Null,
    Bool(bool),
    /// A number, exactly as written; `None` when no decimal holds it
    /// (beyond 96 bits or 28 decimal places).
    Num(Option<Decimal>),
    Str(Cow<'a, str>),
    Other(Kind),
}

impl Scalar<'_> {
    pub(super) fn kind(&self) -> Kind {
        match self {
            Scalar::Null => Kind::Null,
            Scalar::Bool(_) => Kind::Bool,
            Scalar::Num(_) => Kind::Number,
            Scalar::Str(_) => Kind::String,
            Scalar::Other(k) => *k,
        }
    }
}

/// What the reader expected where the text is not JSON (in `serde_json`'s
/// words, where it has them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum What {
    EofValue,
    EofList,
    EofObject,
    EofString,
    Trailing,
    TrailingComma,
    KeyNotString,
    Colon,
    CommaOrBrace,
    CommaOrBracket,
    Value,
    Ident,
    Number,
    Escape,
    Control,
    HexEnd,
    LoneLeading,
    LoneTrailing,
}

impl What {
    fn text(self) -> &'static str {
        match self {
            What::EofValue => "EOF while parsing a value",
            What::EofList => "EOF while parsing a list",
            What::EofObject => "EOF while parsing an object",
            What::EofString => "EOF while parsing a string",
            What::Trailing => "trailing characters",
            What::TrailingComma => "trailing comma",
            What::KeyNotString => "key must be a string",
            What::Colon => "expected `:`",
            What::CommaOrBrace => "expected `,` or `}`",
            What::CommaOrBracket => "expected `,` or `]`",
            What::Value => "expected value",
            What::Ident => "expected ident",
            What::Number => "invalid number",
            What::Escape => "invalid escape",
            What::Control => "control character (\\u0000-\\u001F) found while parsing a string",
            What::HexEnd => "unexpected end of hex escape",
            What::LoneLeading => "lone leading surrogate in hex escape",
            What::LoneTrailing => "lone trailing surrogate in hex escape",
        }
    }
}

/// A fault of syntax: what was expected, and the byte where the reader
/// found something else (the length of the text for its end). Eight bytes,
/// so that every result of the reader fits in registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Syntax {
    at: u32,
    what: What,
}

impl Syntax {
    /// "… at line L column C" in `text`, placed as `serde_json` places it:
    /// the column of the offending byte (1-based), or the number of bytes of
    /// the last line at the end of the text.
    pub(super) fn message(&self, text: &str) -> String {
        let b = text.as_bytes();
        let upto = (self.at as usize).saturating_add(1).min(b.len());
        let head = b.get(..upto).unwrap_or(b);
        let line_start = head.iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1);
        let line = 1 + head
            .get(..line_start)
            .map_or(0, |h| h.iter().filter(|&&c| c == b'\n').count());
        let column = upto - line_start;
        format!("{} at line {line} column {column}", self.what.text())
    }
}

/// The kinds of the brackets open while a value is skipped: the innermost
/// one's, and one bit for each outer one (set for an object), the first 64
/// in a word, deeper ones in a vector.
#[derive(Default)]
struct Open {
    /// How many brackets are open.
    depth: usize,
    /// Whether the innermost one is an object.
    object: bool,
    first: u64,
    more: Vec<u64>,
}

impl Open {
    fn push(&mut self, object: bool) {
        if self.depth > 0 {
            // Keep the innermost kind, at its own depth.
            let d = self.depth - 1;
            let bit = 1u64 << (d % 64);
            let word = if d < 64 {
                Some(&mut self.first)
            } else {
                let w = d / 64 - 1;
                if w >= self.more.len() {
                    self.more.push(0);
                }
                self.more.get_mut(w)
            };
            if let Some(word) = word {
                if self.object {
                    *word |= bit;
                } else {
                    *word &= !bit;
                }
            }
        }
        self.depth += 1;
        self.object = object;
    }

    /// Closes the innermost bracket: whether one is still open.
    fn pop(&mut self) -> bool {
        self.depth = self.depth.saturating_sub(1);
        let Some(d) = self.depth.checked_sub(1) else {
            return false;
        };
        let word = if d < 64 {
            self.first
        } else {
            self.more.get(d / 64 - 1).copied().unwrap_or(0)
        };
        self.object = word & (1u64 << (d % 64)) != 0;
        true
    }
}

/// The reader: the text and where it is.
pub(super) struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The first byte from `i` that ends the plain run of a string: a quote, a
/// backslash or a control character (or the end of the text). Eight bytes
/// at a time: the lowest flagged byte of each test is exact.
#[inline(always)]
fn plain_end(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let hits = special(u64::from_le_bytes(*chunk));
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// The bytes of `w` that end a plain run of a string (a quote, a
/// backslash, a control character), flagged in their high bits; the lowest
/// flagged byte is exact.
#[inline(always)]
fn special(w: u64) -> u64 {
    let q = w ^ (LO * u64::from(b'"'));
    let s = w ^ (LO * u64::from(b'\\'));
    ((q.wrapping_sub(LO) & !q) | (s.wrapping_sub(LO) & !s) | (w.wrapping_sub(LO * 0x20) & !w)) & HI
}

#[inline]
fn hex(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'a'..=b'f' => Some(u32::from(c - b'a') + 10),
        b'A'..=b'F' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

const TRUE: u32 = u32::from_le_bytes(*b"true");
const NULL: u32 = u32::from_le_bytes(*b"null");
const ALSE: u32 = u32::from_le_bytes(*b"alse");

impl<'t> Reader<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    #[cold]
    #[inline(never)]
    fn fault(&self, at: usize, what: What) -> Syntax {
        Syntax {
            at: u32::try_from(at).unwrap_or(u32::MAX),
            what,
        }
    }

    #[cold]
    #[inline(never)]
    fn eof(&self, what: What) -> Syntax {
        self.fault(self.bytes.len(), what)
    }

    #[inline(always)]
    fn byte(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(&c) = self.bytes.get(self.pos) {
            if c > b' ' || !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                return;
            }
            self.pos += 1;
        }
    }

    /// The first byte of the next value (whitespace skipped), not consumed.
    #[inline(always)]
    pub(super) fn peek(&mut self) -> Result<u8, Syntax> {
        self.ws();
        match self.byte() {
            Some(c) => Ok(c),
            None => Err(self.eof(What::EofValue)),
        }
    }

    /// Consumes the byte [`peek`](Self::peek) returned (a `[` or a `{`).
    #[inline(always)]
    pub(super) fn bump(&mut self) {
        self.pos += 1;
    }

    /// After the whole value: only whitespace may follow.
    pub(super) fn end(&mut self) -> Result<(), Syntax> {
        self.ws();
        match self.byte() {
            None => Ok(()),
            Some(_) => Err(self.fault(self.pos, What::Trailing)),
        }
    }

    /// In an object whose `{` is read: whether another member follows (the
    /// reader is then at its key's opening quote), or `false` at the
    /// closing `}` (read). `first`: no member read yet.
    #[inline(always)]
    pub(super) fn member(&mut self, first: bool) -> Result<bool, Syntax> {
        // Compact JSON: the next key's quote right after the comma.
        if !first && self.bytes.get(self.pos..self.pos + 2) == Some(b",\"") {
            self.pos += 1;
            return Ok(true);
        }
        self.ws();
        match self.byte() {
            Some(b'"') if first => Ok(true),
            Some(b'}') => {
                self.pos += 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.pos += 1;
                self.ws();
                if self.byte() == Some(b'"') {
                    Ok(true)
                } else {
                    Err(self.bad_key(false))
                }
            }
            _ if first => Err(self.bad_key(true)),
            None => Err(self.eof(What::EofObject)),
            Some(_) => Err(self.fault(self.pos, What::CommaOrBrace)),
        }
    }

    /// Where a key should begin (first in its object, or after a comma).
    #[cold]
    #[inline(never)]
    fn bad_key(&self, first: bool) -> Syntax {
        match self.byte() {
            None if first => self.eof(What::EofObject),
            None => self.eof(What::EofValue),
            Some(b'}') => self.fault(self.pos, What::TrailingComma),
            Some(_) => self.fault(self.pos, What::KeyNotString),
        }
    }

    /// The key of the member [`member`](Self::member) found, with the `:`
    /// after it.
    #[inline(always)]
    pub(super) fn key(&mut self) -> Result<Cow<'t, str>, Syntax> {
        let key = self.string()?;
        self.colon()?;
        Ok(key)
    }

    /// Whether the key of the member [`member`](Self::member) found is
    /// `name`, written as it is; if so it is read, with the `:` after it.
    /// Otherwise the reader has not moved.
    ///
    /// `name` must be plain: no quote, backslash or control character, so
    /// that its bytes between quotes are exactly the string `name`. Every
    /// declared key is (a lowercase identifier, `check::is_ident`).
    #[inline(always)]
    pub(super) fn key_is(&mut self, name: &str) -> Result<bool, Syntax> {
        debug_assert_eq!(plain_end(name.as_bytes(), 0), name.len(), "{name:?}");
        let start = self.pos + 1;
        let end = start + name.len();
        if self.bytes.get(end) != Some(&b'"') {
            return Ok(false);
        }
        match self.bytes.get(start..end) {
            Some(text) if text == name.as_bytes() => {
                // Compact JSON: the colon right after the quote.
                if self.bytes.get(end + 1) == Some(&b':') {
                    self.pos = end + 2;
                    return Ok(true);
                }
                self.pos = end + 1;
                self.colon()?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    #[inline(always)]
    fn colon(&mut self) -> Result<(), Syntax> {
        if self.byte() == Some(b':') {
            self.pos += 1;
            return Ok(());
        }
        self.ws();
        match self.byte() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.fault(self.pos, What::Colon)),
            None => Err(self.eof(What::EofObject)),
        }
    }

    /// In a list whose `[` is read: whether another element follows (its
    /// value is next), or `false` at the closing `]` (read). `first`: no
    /// element read yet.
    #[inline(always)]
    pub(super) fn element(&mut self, first: bool) -> Result<bool, Syntax> {
        self.ws();
        match self.byte() {
            Some(b']') => {
                self.pos += 1;
                Ok(false)
            }
            Some(_) if first => Ok(true),
            Some(b',') => {
                self.pos += 1;
                self.ws();
                match self.byte() {
                    Some(b']') => Err(self.fault(self.pos, What::TrailingComma)),
                    _ => Ok(true),
                }
            }
            Some(_) => Err(self.fault(self.pos, What::CommaOrBracket)),
            None => Err(self.eof(What::EofList)),
        }
    }

    /// Reads one value: a scalar, or a list or an object skipped and given
    /// as its kind.
    #[inline]
    pub(super) fn scalar(&mut self) -> Result<Scalar<'t>, Syntax> {
        Ok(match self.peek()? {
            b'"' => Scalar::Str(self.string()?),
            b't' | b'f' | b'n' => match self.word()? {
                Some(b) => Scalar::Bool(b),
                None => Scalar::Null,
            },
            b'-' | b'0'..=b'9' => {
                let (literal, integer) = self.number()?;
                Scalar::Num(decimal(literal, integer))
            }
            b'[' => {
                self.skip_nested()?;
                Scalar::Other(Kind::List)
            }
            b'{' => {
                self.skip_nested()?;
                Scalar::Other(Kind::Object)
            }
            _ => return Err(self.fault(self.pos, What::Value)),
        })
    }

    /// A number, at its first character (which [`peek`](Self::peek)
    /// returned): its exact decimal, `None` when no decimal holds it.
    #[inline(always)]
    pub(super) fn number_value(&mut self) -> Result<Option<Decimal>, Syntax> {
        let (literal, integer) = self.number()?;
        Ok(decimal(literal, integer))
    }

    /// Skips one value (checking that it is JSON), giving its kind.
    pub(super) fn skip(&mut self) -> Result<Kind, Syntax> {
        Ok(match self.peek()? {
            b'"' => {
                self.skip_string()?;
                Kind::String
            }
            b't' | b'f' | b'n' => match self.word()? {
                Some(_) => Kind::Bool,
                None => Kind::Null,
            },
            b'-' | b'0'..=b'9' => {
                self.number()?;
                Kind::Number
            }
            b'[' => {
                self.skip_nested()?;
                Kind::List
            }
            b'{' => {
                self.skip_nested()?;
                Kind::Object
            }
            _ => return Err(self.fault(self.pos, What::Value)),
        })
    }

    /// In a list whose `[` is read: skips the rest of it, `]` included.
    pub(super) fn skip_rest_of_list(&mut self, mut first: bool) -> Result<(), Syntax> {
        while self.element(first)? {
            first = false;
            self.skip()?;
        }
        Ok(())
    }

    /// `true`, `false` or `null` (`None`), at its first letter (which
    /// [`peek`](Self::peek) returned).
    #[inline(always)]
    pub(super) fn word(&mut self) -> Result<Option<bool>, Syntax> {
        let at = self.pos;
        let four = |i: usize| {
            self.bytes
                .get(i..)
                .and_then(<[u8]>::first_chunk::<4>)
                .map(|c| u32::from_le_bytes(*c))
        };
        match four(at) {
            Some(TRUE) => {
                self.pos = at + 4;
                Ok(Some(true))
            }
            Some(NULL) => {
                self.pos = at + 4;
                Ok(None)
            }
            _ if four(at + 1) == Some(ALSE) && self.bytes.get(at) == Some(&b'f') => {
                self.pos = at + 5;
                Ok(Some(false))
            }
            _ => Err(self.bad_word()),
        }
    }

    #[cold]
    #[inline(never)]
    fn bad_word(&self) -> Syntax {
        let word: &[u8] = match self.byte() {
            Some(b't') => b"true",
            Some(b'f') => b"false",
            Some(b'n') => b"null",
            _ => return self.fault(self.pos, What::Value),
        };
        for (k, &w) in word.iter().enumerate() {
            match self.bytes.get(self.pos + k) {
                Some(&c) if c == w => {}
                Some(_) => return self.fault(self.pos + k, What::Ident),
                None => break,
            }
        }
        self.eof(What::EofValue)
    }

    /// A number's literal text and whether it is an integer (no fraction,
    /// no exponent): `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    #[inline]
    fn number(&mut self) -> Result<(&'t str, bool), Syntax> {
        let b = self.bytes;
        let start = self.pos;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => {
                i += 1;
                if let Some(b'0'..=b'9') = b.get(i) {
                    return Err(self.fault(i, What::Number));
                }
            }
            Some(b'1'..=b'9') => {
                i += 1;
                while let Some(b'0'..=b'9') = b.get(i) {
                    i += 1;
                }
            }
            Some(_) => return Err(self.fault(i, What::Number)),
            None => return Err(self.eof(What::EofValue)),
        }
        let mut integer = true;
        if b.get(i) == Some(&b'.') {
            integer = false;
            i = self.digits(i + 1)?;
        }
        if let Some(b'e' | b'E') = b.get(i) {
            integer = false;
            i += 1;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            i = self.digits(i)?;
        }
        self.pos = i;
        match self.text.get(start..i) {
            Some(literal) => Ok((literal, integer)),
            None => Err(self.fault(start, What::Number)),
        }
    }

    /// One digit or more from `i`: where they end.
    fn digits(&self, mut i: usize) -> Result<usize, Syntax> {
        match self.bytes.get(i) {
            Some(b'0'..=b'9') => {}
            Some(_) => return Err(self.fault(i, What::Number)),
            None => return Err(self.eof(What::EofValue)),
        }
        while let Some(b'0'..=b'9') = self.bytes.get(i) {
            i += 1;
        }
        Ok(i)
    }

    /// A string, at its opening quote (which [`peek`](Self::peek)
    /// returned): borrowed from the text unless it has escapes.
    #[inline(always)]
    pub(super) fn string(&mut self) -> Result<Cow<'t, str>, Syntax> {
        let start = self.pos + 1;
        let end = plain_end(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            // Both ends are ASCII bytes, so this is always some.
            if let Some(s) = self.text.get(start..end) {
                self.pos = end + 1;
                return Ok(Cow::Borrowed(s));
            }
        }
        self.string_rest(start, end).map(Cow::Owned)
    }

    /// The rest of a string whose plain run from `start` ends at `end` on
    /// something else than its closing quote.
    #[inline(never)]
    fn string_rest(&mut self, start: usize, end: usize) -> Result<String, Syntax> {
        match self.bytes.get(end) {
            Some(b'\\') => {
                let mut out = String::with_capacity(end - start + 8);
                out.push_str(self.text.get(start..end).unwrap_or(""));
                self.escaped(end, Some(&mut out))?;
                Ok(out)
            }
            Some(_) => Err(self.fault(end, What::Control)),
            None => Err(self.eof(What::EofString)),
        }
    }

    /// Skips a string, at its opening quote, checking it.
    #[inline(always)]
    fn skip_string(&mut self) -> Result<(), Syntax> {
        let end = plain_end(self.bytes, self.pos + 1);
        match self.bytes.get(end) {
            Some(b'"') => {
                self.pos = end + 1;
                Ok(())
            }
            Some(b'\\') => self.escaped(end, None),
            Some(_) => Err(self.fault(end, What::Control)),
            None => Err(self.eof(What::EofString)),
        }
    }

    /// The rest of a string from its first backslash at `i`, decoded into
    /// `out` (when given); the reader is left after the closing quote.
    #[inline(never)]
    fn escaped(&mut self, mut i: usize, mut out: Option<&mut String>) -> Result<(), Syntax> {
        loop {
            match self.bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let (c, next) = self.escape(i + 1)?;
                    if let Some(out) = out.as_deref_mut() {
                        out.push(c);
                    }
                    i = next;
                }
                Some(&c) if c < 0x20 => return Err(self.fault(i, What::Control)),
                Some(_) => {
                    let end = plain_end(self.bytes, i);
                    if let Some(out) = out.as_deref_mut() {
                        // Both ends are ASCII bytes (or the end of the text).
                        out.push_str(self.text.get(i..end).unwrap_or(""));
                    }
                    i = end;
                }
                None => return Err(self.eof(What::EofString)),
            }
        }
    }

    /// The escape after a backslash (`i` is the byte after it): the
    /// character and where the string goes on.
    fn escape(&self, i: usize) -> Result<(char, usize), Syntax> {
        let c = match self.bytes.get(i) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode(i + 1),
            Some(_) => return Err(self.fault(i, What::Escape)),
            None => return Err(self.eof(What::EofString)),
        };
        Ok((c, i + 1))
    }

    /// The four hex digits of a `\u` escape from `i` (and a low surrogate's
    /// escape after a high one).
    fn unicode(&self, i: usize) -> Result<(char, usize), Syntax> {
        let unit = self.hex4(i)?;
        let (code, next) = match unit {
            0xD800..=0xDBFF => {
                let after = i + 4;
                match (self.bytes.get(after), self.bytes.get(after + 1)) {
                    (Some(b'\\'), Some(b'u')) => {}
                    (None, _) | (Some(b'\\'), None) => return Err(self.eof(What::EofString)),
                    _ => return Err(self.fault(after, What::HexEnd)),
                }
                let low = self.hex4(after + 2)?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.fault(after + 5, What::LoneLeading));
                }
                (
                    0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00),
                    after + 6,
                )
            }
            0xDC00..=0xDFFF => return Err(self.fault(i + 3, What::LoneTrailing)),
            _ => (unit, i + 4),
        };
        // Surrogates are excluded above, so every code is a character.
        match char::from_u32(code) {
            Some(c) => Ok((c, next)),
            None => Err(self.fault(i, What::Escape)),
        }
    }

    fn hex4(&self, i: usize) -> Result<u32, Syntax> {
        let mut n = 0;
        for k in i..i + 4 {
            match self.bytes.get(k) {
                Some(&c) => match hex(c) {
                    Some(h) => n = n * 16 + h,
                    None => return Err(self.fault(k, What::Escape)),
                },
                None => return Err(self.eof(What::EofString)),
            }
        }
        Ok(n)
    }

    /// Skips a list or an object, at its opening bracket, without
    /// recursion: the open brackets' kinds are kept as bits.
    #[inline(never)]
    fn skip_nested(&mut self) -> Result<(), Syntax> {
        let mut open = Open::default();
        'value: loop {
            // At the start of a value, whitespace skipped.
            match self.byte() {
                Some(b'[') => {
                    self.pos += 1;
                    self.ws();
                    match self.byte() {
                        Some(b']') => self.pos += 1,
                        None => return Err(self.eof(What::EofList)),
                        Some(_) => {
                            open.push(false);
                            continue 'value;
                        }
                    }
                }
                Some(b'{') => {
                    self.pos += 1;
                    self.ws();
                    match self.byte() {
                        Some(b'}') => self.pos += 1,
                        Some(b'"') => {
                            open.push(true);
                            self.skip_key()?;
                            continue 'value;
                        }
                        Some(_) => return Err(self.fault(self.pos, What::KeyNotString)),
                        None => return Err(self.eof(What::EofObject)),
                    }
                }
                Some(b'"') => self.skip_string()?,
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                }
                Some(b't' | b'f' | b'n') => {
                    self.word()?;
                }
                Some(_) => return Err(self.fault(self.pos, What::Value)),
                None => return Err(self.eof(What::EofValue)),
            }
            // After a value: a comma, or the end of the brackets it is in.
            loop {
                if open.depth == 0 {
                    return Ok(());
                }
                let object = open.object;
                self.ws();
                match self.byte() {
                    Some(b',') => {
                        self.pos += 1;
                        self.ws();
                        match self.byte() {
                            Some(b'"') if object => self.skip_key()?,
                            Some(b'}') if object => {
                                return Err(self.fault(self.pos, What::TrailingComma))
                            }
                            Some(b']') if !object => {
                                return Err(self.fault(self.pos, What::TrailingComma))
                            }
                            Some(_) if object => {
                                return Err(self.fault(self.pos, What::KeyNotString))
                            }
                            _ => {}
                        }
                        continue 'value;
                    }
                    Some(b']') if !object => {
                        self.pos += 1;
                        open.pop();
                    }
                    Some(b'}') if object => {
                        self.pos += 1;
                        open.pop();
                    }
                    Some(_) if object => return Err(self.fault(self.pos, What::CommaOrBrace)),
                    Some(_) => return Err(self.fault(self.pos, What::CommaOrBracket)),
                    None if object => return Err(self.eof(What::EofObject)),
                    None => return Err(self.eof(What::EofList)),
                }
            }
        }
    }

    /// A key being skipped, at its quote, with its `:` (and the whitespace
    /// before the value).
    #[inline(always)]
    fn skip_key(&mut self) -> Result<(), Syntax> {
        self.skip_string()?;
        self.colon()?;
        self.ws();
        Ok(())
    }
}

/// The exact decimal of a JSON number's literal: an integer or a plain
/// fraction of up to 18 digits directly, a longer one by its digits, an
/// exponent by scientific notation. `None` when no decimal holds it.
pub(super) fn decimal(literal: &str, integer: bool) -> Option<Decimal> {
    if let Some(n) = short_decimal(literal) {
        return Some(n);
    }
    if integer {
        Decimal::from_str(literal).ok()
    } else if literal.bytes().any(|c| c == b'e' || c == b'E') {
        Decimal::from_scientific(literal).ok()
    } else {
        parse_decimal(literal)
    }
}

/// A plain decimal (see [`parse_decimal`]), by its digits and its scale.
pub(super) fn plain_decimal(s: &str) -> Option<Decimal> {
    short_decimal(s).or_else(|| parse_decimal(s))
}

/// `-? digits (. digits)?` of 18 digits at most, as `Decimal::from_str`
/// reads it (trailing zeros kept); `None` for anything else.
#[inline]
fn short_decimal(s: &str) -> Option<Decimal> {
    let (negative, body) = match s.as_bytes() {
        [b'-', body @ ..] => (true, body),
        body => (false, body),
    };
    if body.len() > 19 || body.first() == Some(&b'.') || body.last() == Some(&b'.') {
        return None;
    }
    let mut n: i64 = 0;
    let mut scale: Option<u32> = None;
    let mut digits = 0u32;
    for &c in body {
        match c {
            b'0'..=b'9' => {
                if digits == 18 {
                    return None;
                }
                n = n * 10 + i64::from(c - b'0');
                digits += 1;
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            b'.' if scale.is_none() => scale = Some(0),
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    Decimal::try_new(if negative { -n } else { n }, scale.unwrap_or(0)).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

    use super::*;

    fn scalar(text: &str) -> Result<Scalar<'_>, String> {
        let mut r = Reader::new(text);
        r.scalar()
            .and_then(|v| r.end().map(|()| v))
            .map_err(|e| e.message(text))
    }

    fn string(text: &str) -> Cow<'_, str> {
        match scalar(text) {
            Ok(Scalar::Str(s)) => s,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn number(text: &str) -> Option<String> {
        match scalar(text) {
            Ok(Scalar::Num(n)) => n.map(|n| n.to_string()),
            other => panic!("{text}: {other:?}"),
        }
    }

    fn fault(text: &str) -> String {
        let mut r = Reader::new(text);
        match r.skip().and_then(|_| r.end()) {
            Ok(()) => panic!("{text:?} was read as JSON"),
            Err(e) => e.message(text),
        }
    }

    #[test]
    fn plain_strings_are_borrowed_and_escaped_ones_decoded() {
        assert!(matches!(string(r#""abc""#), Cow::Borrowed("abc")));
        assert!(matches!(string(r#""""#), Cow::Borrowed("")));
        // Runs longer than a word, multi-byte characters, DEL.
        let long = "\"申请人 ok-0123456789 abcdefghij \u{7f}\"";
        assert!(matches!(string(long), Cow::Borrowed(s) if s == &long[1..long.len() - 1]));
        let s = string(r#""a\"b\\c\/d\be\ff\ng\rh\ti""#);
        assert!(matches!(s, Cow::Owned(_)));
        assert_eq!(s, "a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti");
        assert_eq!(string(r#""\u0041\u00e9\u4E2D\u0000""#), "Aé中\0");
        // A surrogate pair is one character.
        assert_eq!(string(r#""x\ud83d\udcDAy""#), "x📚y");
        // An escape at the very start and the very end, and a long tail.
        assert_eq!(
            string(r#""\n0123456789abcdef0123456789\t""#),
            "\n0123456789abcdef0123456789\t"
        );
    }

    #[test]
    fn bad_strings_are_faults_with_their_place() {
        assert_eq!(
            fault(r#""\ud800""#),
            "unexpected end of hex escape at line 1 column 8"
        );
        assert_eq!(
            fault(r#""\ud800\u0041""#),
            "lone leading surrogate in hex escape at line 1 column 13"
        );
        assert!(fault(r#""\udc00""#).starts_with("lone trailing surrogate"));
        assert!(fault(r#""\ud800\ud800""#).starts_with("lone leading surrogate"));
        assert_eq!(fault(r#""\x""#), "invalid escape at line 1 column 3");
        assert_eq!(fault(r#""\u12g4""#), "invalid escape at line 1 column 6");
        assert_eq!(
            fault(r#""\u12"#),
            "EOF while parsing a string at line 1 column 5"
        );
        assert_eq!(
            fault("\"a\u{1}\""),
            "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 3"
        );
        assert!(fault("\"tab\there\"").starts_with("control character"));
        assert!(fault("\"line\nbreak\"").starts_with("control character"));
        assert_eq!(
            fault("\"abc"),
            "EOF while parsing a string at line 1 column 4"
        );
        assert_eq!(fault("'abc'"), "expected value at line 1 column 1");
    }

    #[test]
    fn numbers_are_read_exactly() {
        assert_eq!(number("0").as_deref(), Some("0"));
        assert_eq!(number("-0").as_deref(), Some("0"));
        assert_eq!(number("-5").as_deref(), Some("-5"));
        assert_eq!(number("0.1").as_deref(), Some("0.1"));
        assert_eq!(number("0.10").as_deref(), Some("0.10"));
        assert_eq!(number("-0.0").as_deref(), Some("0.0"));
        assert_eq!(number("35.55").as_deref(), Some("35.55"));
        assert_eq!(number("1e3").as_deref(), Some("1000"));
        assert_eq!(number("1.5E+2").as_deref(), Some("150"));
        assert_eq!(number("25e-1").as_deref(), Some("2.5"));
        assert_eq!(
            number("1e-28").as_deref(),
            Some("0.0000000000000000000000000001")
        );
        // Integers beyond 64 bits keep every digit, up to the decimal's 96.
        assert_eq!(
            number("999999999999999999").as_deref(),
            Some("999999999999999999")
        );
        assert_eq!(
            number("-9223372036854775809").as_deref(),
            Some("-9223372036854775809")
        );
        assert_eq!(
            number("123456789012345678901234").as_deref(),
            Some("123456789012345678901234")
        );
        assert_eq!(
            number("79228162514264337593543950335").as_deref(),
            Some("79228162514264337593543950335")
        );
        // Beyond any decimal: a number still, but none the decoder takes.
        assert_eq!(number("79228162514264337593543950336"), None);
        assert_eq!(number(&"9".repeat(400)), None);
        assert_eq!(number("1e29"), None);
        assert_eq!(number("1e-29"), None);
        assert_eq!(number("1e400"), None);
        assert_eq!(number("-1E99999999999999999999"), None);
    }

    #[test]
    fn short_decimals_are_read_as_parse_decimal_reads_them() {
        // Every text of up to 6 characters from these, and longer ones
        // around 18 digits: the same decimal, digit for digit and scale for
        // scale, or none from both.
        let alphabet = ['0', '1', '9', '.', '-', 'x', ' '];
        let mut texts: Vec<String> = vec![String::new()];
        let mut all = Vec::new();
        for _ in 0..6 {
            texts = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            all.extend(texts.iter().cloned());
        }
        for n in 15..22 {
            let digits = "9876543210".repeat(3);
            let d = &digits[..n];
            all.push(d.to_string());
            all.push(format!("-{d}"));
            all.push(format!("{}.{}", &d[..n / 2], &d[n / 2..]));
            all.push(format!("-0.{d}"));
            all.push(format!("{d}."));
        }
        all.push("999999999999999999".into());
        all.push("-999999999999999999".into());
        all.push("9999999999999999999".into());
        for t in &all {
            let want = parse_decimal(t);
            let got = plain_decimal(t);
            assert_eq!(
                got.map(|d| (d.to_string(), d.scale(), d.is_sign_negative())),
                want.map(|d| (d.to_string(), d.scale(), d.is_sign_negative())),
                "{t:?}"
            );
        }
    }

    #[test]
    fn numbers_follow_the_grammar() {
        assert_eq!(fault("01"), "invalid number at line 1 column 2");
        assert_eq!(fault("-01"), "invalid number at line 1 column 3");
        assert_eq!(fault("-"), "EOF while parsing a value at line 1 column 1");
        assert_eq!(fault("-a"), "invalid number at line 1 column 2");
        assert_eq!(fault("1."), "EOF while parsing a value at line 1 column 2");
        assert_eq!(fault("1.e5"), "invalid number at line 1 column 3");
        assert_eq!(fault("1e"), "EOF while parsing a value at line 1 column 2");
        assert_eq!(fault("1e+"), "EOF while parsing a value at line 1 column 3");
        assert_eq!(fault(".5"), "expected value at line 1 column 1");
        assert_eq!(fault("+1"), "expected value at line 1 column 1");
        assert_eq!(fault("1.5.2"), "trailing characters at line 1 column 4");
        for t in ["NaN", "Infinity", "-Infinity", "0x10", "1_000"] {
            assert!(!fault(t).is_empty());
        }
    }

    #[test]
    fn words_whitespace_and_trailing_text() {
        assert_eq!(scalar(" \t\r\ntrue\n "), Ok(Scalar::Bool(true)));
        assert_eq!(scalar("false"), Ok(Scalar::Bool(false)));
        assert_eq!(scalar("null"), Ok(Scalar::Null));
        assert_eq!(fault(""), "EOF while parsing a value at line 1 column 0");
        assert_eq!(fault("   "), "EOF while parsing a value at line 1 column 3");
        assert_eq!(fault("nul"), "EOF while parsing a value at line 1 column 3");
        assert_eq!(fault("nulL"), "expected ident at line 1 column 4");
        assert_eq!(fault("True"), "expected value at line 1 column 1");
        assert_eq!(fault("1 2"), "trailing characters at line 1 column 3");
        assert_eq!(fault("null\u{c}"), "trailing characters at line 1 column 5");
        assert_eq!(fault("\u{feff}{}"), "expected value at line 1 column 1");
        assert_eq!(fault("\n\n  x"), "expected value at line 3 column 3");
        assert_eq!(
            fault("[\n1,\n2\n"),
            "EOF while parsing a list at line 4 column 0"
        );
        assert_eq!(fault("\"é\" x"), "trailing characters at line 1 column 6");
    }

    #[test]
    fn skipped_values_are_checked() {
        let ok = |t: &str| {
            let mut r = Reader::new(t);
            r.skip().and_then(|k| r.end().map(|()| k))
        };
        assert_eq!(
            ok(r#" { "a" : [ 1 , { } , [ ] , "x\n" , null ] , "b" : {} } "#),
            Ok(Kind::Object)
        );
        assert_eq!(ok("[[],[[]],{\"\\u0041\":[true,false]}]"), Ok(Kind::List));
        assert_eq!(fault("[1,]"), "trailing comma at line 1 column 4");
        assert_eq!(fault("{\"a\":1,}"), "trailing comma at line 1 column 8");
        assert_eq!(fault("[1}"), "expected `,` or `]` at line 1 column 3");
        assert_eq!(fault("{\"a\":1]"), "expected `,` or `}` at line 1 column 7");
        assert_eq!(fault("[1 2]"), "expected `,` or `]` at line 1 column 4");
        assert_eq!(fault("{\"a\" 1}"), "expected `:` at line 1 column 6");
        assert_eq!(fault("{1:2}"), "key must be a string at line 1 column 2");
        assert_eq!(
            fault("{\"a\":1,2:3}"),
            "key must be a string at line 1 column 8"
        );
        assert_eq!(fault("[,1]"), "expected value at line 1 column 2");
        assert_eq!(fault("[1,,2]"), "expected value at line 1 column 4");
        assert_eq!(fault("{\"a\":}"), "expected value at line 1 column 6");
        assert_eq!(
            fault("[1] // no comments"),
            "trailing characters at line 1 column 5"
        );
        assert_eq!(fault("[/* no */ 1]"), "expected value at line 1 column 2");
        assert_eq!(fault("["), "EOF while parsing a list at line 1 column 1");
        assert_eq!(fault("{"), "EOF while parsing an object at line 1 column 1");
        assert_eq!(
            fault("{\"a\""),
            "EOF while parsing an object at line 1 column 4"
        );
        assert_eq!(
            fault("{\"a\":"),
            "EOF while parsing a value at line 1 column 5"
        );
        assert_eq!(
            fault("{\"a\":1"),
            "EOF while parsing an object at line 1 column 6"
        );
    }

    #[test]
    fn deep_nesting_is_skipped_without_recursion() {
        let depth = 300_000;
        let lists = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let mut r = Reader::new(&lists);
        assert_eq!(r.skip(), Ok(Kind::List));
        assert_eq!(r.end(), Ok(()));
        let objects = format!("{}1{}", "{\"a\":[".repeat(depth), "]}".repeat(depth));
        let mut r = Reader::new(&objects);
        assert_eq!(r.scalar(), Ok(Scalar::Other(Kind::Object)));
        assert_eq!(r.end(), Ok(()));
        // The brackets' kinds are remembered at every depth: a mismatch
        // deep down (beyond the first word of bits) is found.
        for at in [1, 63, 64, 65, 127, 128, 129, 5000] {
            let mut bad = format!("{}1{}", "{\"a\":[".repeat(depth), "]}".repeat(depth));
            let close = bad.len() - 2 * at;
            bad.replace_range(close..close + 1, "}");
            let mut r = Reader::new(&bad);
            assert!(r.skip().is_err(), "a mismatch {at} from the top");
        }
        assert!(fault(&"[".repeat(depth)).starts_with("EOF while parsing a list"));
    }

    #[test]
    fn the_plain_run_scan_agrees_with_a_byte_loop() {
        let bytes: Vec<u8> = (0u8..=255).collect();
        for stop in [b'"', b'\\', 0, 0x1f, 0x0a] {
            for at in 0..20 {
                for start in 0..9 {
                    let mut b: Vec<u8> = (0..24).map(|k| bytes[0x20 + (k * 7) % 0x60]).collect();
                    b.retain(|&c| c != b'"' && c != b'\\');
                    b.extend_from_slice(&[0xe4, 0xb8, 0xad, 0x7f, b' ']);
                    if at < b.len() {
                        b[at] = stop;
                    }
                    let slow = (start..b.len())
                        .find(|&i| b[i] == b'"' || b[i] == b'\\' || b[i] < 0x20)
                        .unwrap_or(b.len());
                    assert_eq!(
                        plain_end(&b, start.min(b.len())),
                        slow.max(start.min(b.len()))
                    );
                }
            }
        }
    }
}
