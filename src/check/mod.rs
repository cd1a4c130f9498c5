//! Checking: turns parsed pack files into the IR of an [`Engine`], collecting
//! every error of every pack at once.
//!
//! The checker resolves names (facts, parameters, definitions, lambda
//! variables, other packs' benefits), types every expression, interns enum
//! values and lowers expressions to [`Node`]s.
//!
//! INVARIANT: an `Engine` is only returned when no diagnostic was found, so
//! the evaluator may assume every node is well typed.

mod err;
mod hash;

pub use err::CheckError;

use crate::diagnostic::{Diagnostic, SourceSpan};
use crate::ir::*;
use crate::syntax::ast::{Arg, BinOp, Expr, ExprKind, Span};
use crate::syntax::pack::{DefinitionDecl, PackFile, Spanned, Text, UpTo};
use crate::syntax::parse_expr;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::str::FromStr;

/// The largest pack file accepted, in bytes.
pub const MAX_PACK_BYTES: usize = 2 * 1024 * 1024;
/// The most parameters an engine can track.
pub const MAX_PARAMS: usize = crate::eval::ParamSet::CAPACITY;
/// A parameter adjusted every year is stale when the as-of date is more than
/// this many months after its last value's `from` (`shared/policy/README.md`).
pub const STALE_AFTER_MONTHS: i64 = 15;

/// Checks pack files (`(file name, text)`) and compiles them.
pub fn check(files: &[(String, String)]) -> Result<Engine, Vec<Diagnostic>> {
    check_with(files, LoadOptions::default())
}

/// How pack files are read, for packs already checked in full elsewhere:
/// the packs embedded at build time.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The files' content hash, when the caller knows it (`build.rs` hashes
    /// the packs it embeds); `None` computes it.
    pub hash: Option<String>,
    /// Leave the packs' `[[tests]]` unread: the engine evaluates exactly as
    /// one read in full but holds no test cases (nor any fault in them). The
    /// test cases are two thirds of the shipped packs' text.
    pub skip_tests: bool,
}

/// Checks and compiles pack files as `options` say.
pub fn check_with(
    files: &[(String, String)],
    options: LoadOptions,
) -> Result<Engine, Vec<Diagnostic>> {
    let mut c = Checker {
        files,
        diags: Vec::new(),
        known_hash: options.hash,
        skip_tests: options.skip_tests,
    };
    let engine = c.run();
    if c.diags.is_empty() {
        engine.ok_or_else(|| {
            vec![Diagnostic::new(
                "check.no_packs",
                "no rule packs were found",
            )]
        })
    } else {
        Err(c.diags)
    }
}

/// The content hash of pack files, `sha256:…` (see [`hash::hash_sorted`];
/// `build.rs` hashes the packs it embeds with the same function).
pub fn content_hash(files: &[(String, String)]) -> String {
    let mut files: Vec<&(String, String)> = files.iter().collect();
    files.sort();
    hash::hash_sorted(files.iter().map(|(n, t)| (n.as_str(), t.as_bytes())))
}

/// Renders a span in `file` as a [`SourceSpan`].
fn locate(text: &str, span: std::ops::Range<usize>) -> SourceSpan {
    SourceSpan::locate(text, span.start, span.end)
}

/// Whether `s` is a valid identifier.
pub fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Parses a `YYYY-MM-DD` date strictly.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *b else {
        return None;
    };
    let digits = |ds: &[u8]| -> Option<u32> {
        ds.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = digits(&[y0, y1, y2, y3])?;
    NaiveDate::from_ymd_opt(year as i32, digits(&[m0, m1])?, digits(&[d0, d1])?)
}

/// Parses a plain decimal (digits, optional sign and fraction).
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let body = s.strip_prefix('-').unwrap_or(s).as_bytes();
    let (mut dots, mut digits) = (0usize, 0usize);
    for &c in body {
        match c {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return None,
        }
    }
    let ok = digits > 0 && dots <= 1 && body.first() != Some(&b'.') && body.last() != Some(&b'.');
    if ok {
        Decimal::from_str(s).ok()
    } else {
        None
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Bool,
    Num,
    Date,
    Text(Option<FactId>),
    List(u32),
    Record(u32),
    Error,
}

enum DefState {
    Pending,
    Active,
    Done(Ty),
}

struct Checker<'a> {
    files: &'a [(String, String)],
    diags: Vec<Diagnostic>,
    /// The files' content hash when the caller knows it.
    known_hash: Option<String>,
    /// Whether the packs' test cases are left unread.
    skip_tests: bool,
}

/// Where an error is: a file and a byte range in it.
#[derive(Clone, Copy)]
struct At {
    file: usize,
    start: usize,
    end: usize,
}

impl<'a> Checker<'a> {
    fn error(&mut self, at: Option<At>, e: CheckError) {
        let mut d = Diagnostic::new(e.code(), e.to_string()).with_help(e.help());
        if let Some(at) = at {
            if let Some((name, text)) = self.files.get(at.file) {
                d.file = Some(name.clone());
                if at.end > 0 || at.start > 0 {
                    d.span = Some(locate(text, at.start..at.end));
                }
            }
        }
        self.diags.push(d);
    }

    fn at<T>(&self, file: usize, s: &Spanned<T>) -> Option<At> {
        let r = s.span();
        Some(At {
            file,
            start: r.start,
            end: r.end,
        })
    }

    fn run(&mut self) -> Option<Engine> {
        let mut parsed: Vec<(usize, PackFile)> = Vec::new();
        for (i, (_, text)) in self.files.iter().enumerate() {
            if text.len() > MAX_PACK_BYTES {
                self.error(
                    Some(At {
                        file: i,
                        start: 0,
                        end: 0,
                    }),
                    CheckError::TooLarge {
                        limit: MAX_PACK_BYTES,
                    },
                );
                continue;
            }
            match crate::syntax::pack::read_with(text, !self.skip_tests) {
                Ok(p) => parsed.push((i, p)),
                Err(errors) => {
                    for e in errors {
                        self.error(
                            Some(At {
                                file: i,
                                start: e.span.start,
                                end: e.span.end,
                            }),
                            CheckError::Toml {
                                message: e.message,
                                help: e.help,
                            },
                        );
                    }
                }
            }
        }
        if parsed.is_empty() {
            if self.diags.is_empty() {
                self.error(None, CheckError::NoPacks);
            }
            return None;
        }
        let order = self.order_packs(&parsed);
        let packs: Vec<(usize, &PackFile)> = order
            .iter()
            .filter_map(|&k| parsed.get(k).map(|(f, p)| (*f, p)))
            .collect();
        let mut engine = Lowerer::new(self, &packs).run()?;
        // The test cases move from the files to their packs, in pack order.
        for (pack, &k) in engine.packs.iter_mut().zip(&order) {
            if let Some((_, p)) = parsed.get_mut(k) {
                pack.tests = std::mem::take(&mut p.tests);
            }
        }
        Some(engine)
    }

    /// Orders packs so that required packs come first; reports unknown and
    /// circular requirements.
    fn order_packs(&mut self, parsed: &[(usize, PackFile)]) -> Vec<usize> {
        let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
        for (k, (file, p)) in parsed.iter().enumerate() {
            let id = p.pack.id.get_ref();
            if !is_ident(id) {
                let at = self.at(*file, &p.pack.id);
                self.error(
                    at,
                    CheckError::BadName {
                        name: id.clone(),
                        what: "pack id",
                    },
                );
            }
            if by_id.insert(id.clone(), k).is_some() {
                let at = self.at(*file, &p.pack.id);
                self.error(at, CheckError::DuplicatePack { id: id.clone() });
            }
        }
        let mut deps: Vec<Vec<usize>> = Vec::new();
        for (file, p) in parsed {
            let mut d = Vec::new();
            for r in &p.pack.requires {
                match by_id.get(r.get_ref()) {
                    Some(&k) => d.push(k),
                    None => {
                        let at = self.at(*file, r);
                        self.error(
                            at,
                            CheckError::UnknownPack {
                                id: r.get_ref().clone(),
                            },
                        );
                    }
                }
            }
            deps.push(d);
        }
        // Depth-first topological sort; ties keep the ids' alphabetical order.
        let mut state = vec![0u8; parsed.len()];
        let mut order = Vec::new();
        let mut ids: Vec<(&String, usize)> = by_id.iter().map(|(k, v)| (k, *v)).collect();
        ids.sort();
        let mut stack: Vec<usize> = Vec::new();
        fn visit(
            k: usize,
            deps: &[Vec<usize>],
            state: &mut [u8],
            order: &mut Vec<usize>,
            stack: &mut Vec<usize>,
            cycles: &mut Vec<Vec<usize>>,
        ) {
            match state.get(k) {
                Some(2) | None => return,
                Some(1) => {
                    let pos = stack.iter().position(|&s| s == k).unwrap_or(0);
                    let mut cyc: Vec<usize> = stack.get(pos..).unwrap_or(&[]).to_vec();
                    cyc.push(k);
                    cycles.push(cyc);
                    return;
                }
                _ => {}
            }
            if let Some(s) = state.get_mut(k) {
                *s = 1;
            }
            stack.push(k);
            for &d in deps.get(k).map(Vec::as_slice).unwrap_or(&[]) {
                visit(d, deps, state, order, stack, cycles);
            }
            stack.pop();
            if let Some(s) = state.get_mut(k) {
                *s = 2;
            }
            order.push(k);
        }
        let mut cycles = Vec::new();
        for (_, k) in ids {
            visit(k, &deps, &mut state, &mut order, &mut stack, &mut cycles);
        }
        for cyc in cycles {
            let names: Vec<String> = cyc
                .iter()
                .filter_map(|&k| parsed.get(k).map(|(_, p)| p.pack.id.get_ref().clone()))
                .collect();
            if let Some(&(file, ref p)) = cyc.first().and_then(|&k| parsed.get(k)) {
                let at = self.at(file, &p.pack.id);
                self.error(
                    at,
                    CheckError::PackCycle {
                        cycle: names.join(" -> "),
                    },
                );
            }
        }
        order
    }
}

/// Lowers ordered, parsed packs into an engine.
struct Lowerer<'c, 'a> {
    c: &'c mut Checker<'a>,
    packs: &'c [(usize, &'c PackFile)],
    /// Per pack: the packs it may read (itself and everything it requires, transitively).
    visible: Vec<BTreeSet<usize>>,
    schema: Schema,
    symbols: Vec<String>,
    sym_index: BTreeMap<String, Sym>,
    params: Vec<Parameter>,
    param_index: BTreeMap<String, ParamId>,
    def_index: BTreeMap<String, DefId>,
    def_decls: Vec<(usize, String, &'c DefinitionDecl)>,
    def_state: Vec<DefState>,
    def_nodes: Vec<Option<Node>>,
    def_stack: Vec<DefId>,
    benefit_index: BTreeMap<(String, String), BenefitId>,
    locals: Vec<(String, u32)>,
}

impl<'c, 'a> Lowerer<'c, 'a> {
    fn new(c: &'c mut Checker<'a>, packs: &'c [(usize, &'c PackFile)]) -> Self {
        let index: BTreeMap<&str, usize> = packs
            .iter()
            .enumerate()
            .map(|(k, (_, p))| (p.pack.id.get_ref().as_str(), k))
            .collect();
        let mut visible: Vec<BTreeSet<usize>> = Vec::new();
        for (k, (_, p)) in packs.iter().enumerate() {
            let mut set = BTreeSet::from([k]);
            for r in &p.pack.requires {
                if let Some(&d) = index.get(r.get_ref().as_str()) {
                    // Required packs come earlier, so their sets are complete.
                    if let Some(s) = visible.get(d) {
                        set.extend(s.iter().copied());
                    }
                    set.insert(d);
                }
            }
            visible.push(set);
        }
        Lowerer {
            c,
            packs,
            visible,
            schema: Schema::default(),
            symbols: Vec::new(),
            sym_index: BTreeMap::new(),
            params: Vec::new(),
            param_index: BTreeMap::new(),
            def_index: BTreeMap::new(),
            def_decls: Vec::new(),
            def_state: Vec::new(),
            def_nodes: Vec::new(),
            def_stack: Vec::new(),
            benefit_index: BTreeMap::new(),
            locals: Vec::new(),
        }
    }

    fn file(&self, pack: usize) -> usize {
        self.packs.get(pack).map_or(0, |(f, _)| *f)
    }

    fn file_text(&self, pack: usize) -> &str {
        self.c
            .files
            .get(self.file(pack))
            .map_or("", |(_, t)| t.as_str())
    }

    fn err_at<T>(&mut self, pack: usize, s: &Spanned<T>, e: CheckError) {
        let at = self.c.at(self.file(pack), s);
        self.c.error(at, e);
    }

    fn err_pack(&mut self, pack: usize, e: CheckError) {
        let file = self.file(pack);
        self.c.error(
            Some(At {
                file,
                start: 0,
                end: 0,
            }),
            e,
        );
    }

    fn intern(&mut self, s: &str) -> Sym {
        if let Some(&k) = self.sym_index.get(s) {
            return k;
        }
        let k = self.symbols.len() as Sym;
        self.symbols.push(s.to_string());
        self.sym_index.insert(s.to_string(), k);
        k
    }

    fn run(mut self) -> Option<Engine> {
        self.declare_facts();
        self.declare_params();
        self.declare_defs_and_benefits();
        let defs = self.lower_defs();
        let (benefits, pack_benefits, pack_tiers) = self.lower_benefits();
        if !self.c.diags.is_empty() {
            return None;
        }
        let hash = self
            .c
            .known_hash
            .take()
            .unwrap_or_else(|| content_hash(self.c.files));
        let packs = self
            .packs
            .iter()
            .enumerate()
            .map(|(k, (file, p))| Pack {
                id: p.pack.id.get_ref().clone(),
                version: p.pack.version.clone(),
                name: p.pack.name.clone(),
                file: self
                    .c
                    .files
                    .get(*file)
                    .map(|f| f.0.clone())
                    .unwrap_or_default(),
                benefits: pack_benefits.get(k).cloned().unwrap_or_default(),
                tiers: pack_tiers.get(k).cloned().unwrap_or_default(),
                tests: Vec::new(),
            })
            .collect();
        Some(Engine {
            packs,
            schema: self.schema,
            symbols: self.symbols,
            sym_index: self.sym_index,
            params: self.params,
            defs,
            benefits,
            hash,
            shown: Default::default(),
        })
    }

    // ---- facts -------------------------------------------------------------

    fn declare_facts(&mut self) {
        let packs = self.packs;
        // Lists first, so fields can find their list whatever the order.
        for pass in [true, false] {
            for (k, (_, p)) in packs.iter().enumerate() {
                let mut decls: Vec<(&String, &Spanned<crate::syntax::pack::FactDecl>)> =
                    p.facts.iter().collect();
                decls.sort_by_key(|(_, d)| d.span().start);
                for (path, decl) in decls {
                    let is_list = decl.get_ref().ty.get_ref() == "list";
                    if is_list == pass {
                        self.declare_fact(k, path, decl);
                    }
                }
            }
        }
        self.build_shape();
    }

    /// Builds the case-file shape (objects down to facts) and the list
    /// field tables the decoder walks, and checks `exactly_one` fields.
    fn build_shape(&mut self) {
        let mut shape = ShapeTree::default();
        let mut conflicts = Vec::new();
        for (id, f) in self.schema.facts.iter().enumerate() {
            if f.path.contains("[]") {
                continue;
            }
            let segments: Vec<&str> = f.path.split('.').collect();
            if !insert_shape(&mut shape, &segments, id as FactId) {
                conflicts.push((f.pack, f.path.clone()));
            }
        }
        for (pack, path) in conflicts {
            self.err_pack(
                pack,
                CheckError::BadFactPath {
                    path,
                    reason: "it is both a fact and an object holding other facts".into(),
                },
            );
        }
        self.schema.shape = shape.freeze();
        let mut tables = Vec::new();
        for (_, fields) in &self.schema.lists {
            let mut t = BTreeMap::new();
            for (k, fid) in fields.iter().enumerate() {
                if let Some(f) = self.schema.fact(*fid) {
                    let name = f.path.rsplit('.').next().unwrap_or("").to_string();
                    t.insert(name, (*fid, k as u32));
                }
            }
            tables.push(Keys::new(t));
        }
        let mut errs = Vec::new();
        for f in &self.schema.facts {
            if let (Some(rule), FactSlot::List(slot)) = (&f.exactly_one, f.slot) {
                if tables
                    .get(slot as usize)
                    .is_none_or(|t| t.get(&rule.field).is_none())
                {
                    errs.push((
                        f.pack,
                        CheckError::BadFact {
                            path: f.path.clone(),
                            reason: format!(
                                "`exactly_one` names `{}`, which is not a field of the list",
                                rule.field
                            ),
                        },
                    ));
                }
            }
        }
        for (pack, e) in errs {
            self.err_pack(pack, e);
        }
        self.schema.list_fields = tables;
    }

    fn declare_fact(
        &mut self,
        pack: usize,
        path: &str,
        spanned: &Spanned<crate::syntax::pack::FactDecl>,
    ) {
        let d = spanned.get_ref();
        if let Some(&other) = self.schema.by_path.get(path) {
            let other_pack = self
                .schema
                .fact(other)
                .and_then(|f| self.packs.get(f.pack))
                .map(|(_, p)| p.pack.id.get_ref().clone())
                .unwrap_or_default();
            self.err_at(
                pack,
                spanned,
                CheckError::DuplicateFact {
                    path: path.to_string(),
                    other: other_pack,
                },
            );
            return;
        }
        let ty = match d.ty.get_ref().as_str() {
            "bool" => FactType::Bool,
            "integer" => FactType::Integer,
            "decimal" => FactType::Decimal,
            "ratio" => FactType::Ratio,
            "money" => FactType::Money,
            "date" => FactType::Date,
            "string" => FactType::String,
            "list" => FactType::List,
            "enum" => FactType::Enum(d.values.clone()),
            other => {
                self.err_at(pack, &d.ty, CheckError::UnknownType { ty: other.into() });
                return;
            }
        };
        let bad = |reason: &str| CheckError::BadFact {
            path: path.to_string(),
            reason: reason.to_string(),
        };
        // Path structure.
        let (list_part, field_part) = match path.split_once("[].") {
            Some((l, f)) => (Some(l), f),
            None => (None, path),
        };
        let segments_ok = |s: &str| s.split('.').all(is_ident);
        if !segments_ok(field_part)
            || list_part.is_some_and(|l| !segments_ok(l))
            || path.matches("[]").count() > 1
        {
            self.err_at(
                pack,
                spanned,
                CheckError::BadFactPath {
                    path: path.into(),
                    reason: "segments must be lowercase names joined by `.`, with at most one `[]`"
                        .into(),
                },
            );
            return;
        }
        if list_part.is_some() && field_part.contains('.') {
            self.err_at(
                pack,
                spanned,
                CheckError::BadFactPath {
                    path: path.into(),
                    reason: "a record field is one name".into(),
                },
            );
            return;
        }
        let mut errs = Vec::new();
        if let FactType::Enum(values) = &ty {
            if values.is_empty() {
                errs.push(bad("an enum needs `values`"));
            }
            for v in values {
                if !d.value_labels.contains_key(v) {
                    errs.push(bad(&format!("value `{v}` has no entry in `value_labels`")));
                }
            }
            for v in d.value_labels.keys() {
                if !values.contains(v) {
                    errs.push(bad(&format!(
                        "`value_labels` names `{v}`, which is not in `values`"
                    )));
                }
            }
        } else if !d.values.is_empty() || !d.value_labels.is_empty() {
            errs.push(bad("only enums have `values` and `value_labels`"));
        }
        let mut bound = |b: &Option<crate::syntax::pack::PackDecimal>| -> Option<Decimal> {
            let text = &b.as_ref()?.0;
            match parse_decimal(text) {
                Some(v) => Some(v),
                None => {
                    errs.push(CheckError::BadDecimal { text: text.clone() });
                    None
                }
            }
        };
        let (min, max) = (bound(&d.min), bound(&d.max));
        if (d.min.is_some() || d.max.is_some()) && !ty.is_numeric() {
            errs.push(bad("only numbers have `min` and `max`"));
        }
        if d.not_after_as_of && ty != FactType::Date {
            errs.push(bad("only dates have `not_after_as_of`"));
        }
        if d.unique && (ty != FactType::String || list_part.is_none()) {
            errs.push(bad("only string fields of a list can be `unique`"));
        }
        if d.exactly_one.is_some() && ty != FactType::List {
            errs.push(bad("only lists have `exactly_one`"));
        }
        let slot = match (&ty, list_part) {
            (FactType::List, Some(_)) => {
                errs.push(bad("lists inside lists are not supported"));
                None
            }
            (FactType::List, None) => {
                let s = self.schema.lists.len() as u32;
                Some(FactSlot::List(s))
            }
            (_, Some(list)) => match self.schema.by_path.get(list).copied() {
                Some(lid) => match self.schema.fact(lid).map(|f| f.slot) {
                    Some(FactSlot::List(ls)) => {
                        if self.schema.fact(lid).is_some_and(|f| {
                            !self.visible.get(pack).is_some_and(|v| v.contains(&f.pack))
                        }) {
                            errs.push(bad(
                                "its list is declared in a pack this pack does not require",
                            ));
                        }
                        let n = self
                            .schema
                            .lists
                            .get(ls as usize)
                            .map_or(0, |(_, f)| f.len()) as u32;
                        Some(FactSlot::Field(ls, n))
                    }
                    _ => {
                        errs.push(bad(&format!("`{list}` is not declared as a list")));
                        None
                    }
                },
                None => {
                    errs.push(bad(&format!("its list `{list}` is not declared")));
                    None
                }
            },
            (_, None) => {
                let s = self.schema.scalars;
                Some(FactSlot::Scalar(s))
            }
        };
        for e in errs {
            self.err_at(pack, spanned, e);
        }
        let Some(slot) = slot else { return };
        let symbols = match &ty {
            FactType::Enum(values) => values.iter().map(|v| self.intern(v)).collect(),
            _ => Vec::new(),
        };
        let id = self.schema.facts.len() as FactId;
        match slot {
            FactSlot::Scalar(_) => self.schema.scalars += 1,
            FactSlot::List(_) => self.schema.lists.push((id, Vec::new())),
            FactSlot::Field(ls, _) => {
                if let Some((_, fields)) = self.schema.lists.get_mut(ls as usize) {
                    fields.push(id);
                }
            }
        }
        self.schema.by_path.insert(path.to_string(), id);
        let order = d.order.unwrap_or(i64::from(id));
        self.schema.facts.push(FactDef {
            path: path.to_string(),
            ty,
            slot,
            pack,
            label: d.label.clone(),
            help: d.help.clone(),
            value_labels: d.value_labels.clone(),
            min,
            max,
            not_after_as_of: d.not_after_as_of,
            unique: d.unique,
            exactly_one: d.exactly_one.clone(),
            ask: d.ask.unwrap_or(true),
            order,
            symbols,
        });
    }

    // ---- parameters ----------------------------------------------------------

    fn declare_params(&mut self) {
        let packs = self.packs;
        for (k, (_, p)) in packs.iter().enumerate() {
            for (id, spanned) in &p.parameters {
                let decl = spanned.get_ref();
                if !is_ident(id) {
                    self.err_at(
                        k,
                        spanned,
                        CheckError::BadName {
                            name: id.clone(),
                            what: "parameter id",
                        },
                    );
                }
                let mut values = Vec::new();
                let mut last: Option<NaiveDate> = None;
                for v in &decl.values {
                    let vr = v.get_ref();
                    let from = parse_date(&vr.from.0);
                    if from.is_none() {
                        self.err_at(
                            k,
                            v,
                            CheckError::BadDate {
                                text: vr.from.0.clone(),
                            },
                        );
                    }
                    let value = if vr.value.0 == "none" {
                        Some(None)
                    } else {
                        parse_decimal(&vr.value.0).map(Some)
                    };
                    if value.is_none() {
                        self.err_at(
                            k,
                            v,
                            CheckError::BadDecimal {
                                text: vr.value.0.clone(),
                            },
                        );
                    }
                    let confidence = Confidence::parse(&vr.confidence);
                    if confidence.is_none() {
                        self.err_at(
                            k,
                            v,
                            CheckError::BadConfidence {
                                tag: vr.confidence.clone(),
                            },
                        );
                    }
                    if let (Some(from), Some(prev)) = (from, last) {
                        if from <= prev {
                            self.err_at(k, v, CheckError::ParamOrder { id: id.clone() });
                        }
                    }
                    if let (Some(from), Some(value), Some(confidence)) = (from, value, confidence) {
                        last = Some(from);
                        values.push(ParamValue {
                            from,
                            value,
                            confidence,
                            source: vr.source.clone(),
                        });
                    }
                }
                let pid = self.params.len() as ParamId;
                if let Some(&other) = self.param_index.get(id) {
                    let first =
                        self.pack_name(self.params.get(other as usize).map_or(0, |p| p.pack));
                    let second = self.pack_name(k);
                    self.err_at(
                        k,
                        spanned,
                        CheckError::DuplicateName {
                            name: id.clone(),
                            first,
                            second,
                        },
                    );
                    continue;
                }
                self.param_index.insert(id.clone(), pid);
                let stale_after = match (decl.adjusted_yearly, values.last()) {
                    (true, Some(v)) => crate::eval::add_months(v.from, STALE_AFTER_MONTHS),
                    _ => None,
                };
                self.params.push(Parameter {
                    id: id.clone(),
                    pack: k,
                    decl: decl.clone(),
                    values,
                    stale_after,
                });
            }
        }
        if self.params.len() > MAX_PARAMS {
            self.err_pack(0, CheckError::TooManyParameters { limit: MAX_PARAMS });
        }
    }

    fn pack_name(&self, k: usize) -> String {
        self.packs
            .get(k)
            .map(|(_, p)| format!("pack `{}`", p.pack.id.get_ref()))
            .unwrap_or_default()
    }

    // ---- definitions and benefit ids ----------------------------------------

    fn declare_defs_and_benefits(&mut self) {
        let packs = self.packs;
        for (k, (_, p)) in packs.iter().enumerate() {
            for (name, decl) in &p.definitions {
                let spanned = decl;
                if !is_ident(name) || matches!(name.as_str(), "as_of" | "true" | "false") {
                    self.err_at(
                        k,
                        spanned,
                        CheckError::BadName {
                            name: name.clone(),
                            what: "definition name",
                        },
                    );
                }
                let clash = self
                    .def_index
                    .get(name)
                    .map(|&d| self.def_decls.get(d as usize).map_or(0, |x| x.0))
                    .or_else(|| {
                        self.param_index
                            .get(name)
                            .and_then(|&p| self.params.get(p as usize))
                            .map(|p| p.pack)
                    });
                if let Some(other) = clash {
                    let (first, second) = (self.pack_name(other), self.pack_name(k));
                    self.err_at(
                        k,
                        spanned,
                        CheckError::DuplicateName {
                            name: name.clone(),
                            first,
                            second,
                        },
                    );
                    continue;
                }
                let id = self.def_decls.len() as DefId;
                self.def_index.insert(name.clone(), id);
                self.def_decls.push((k, name.clone(), decl));
                self.def_state.push(DefState::Pending);
                self.def_nodes.push(None);
            }
            let mut seen = BTreeSet::new();
            for b in &p.benefits {
                let id = b.get_ref().id.get_ref();
                if !is_ident(id) {
                    self.err_at(
                        k,
                        &b.get_ref().id,
                        CheckError::BadName {
                            name: id.clone(),
                            what: "benefit id",
                        },
                    );
                }
                if !seen.insert(id.clone()) {
                    self.err_at(
                        k,
                        &b.get_ref().id,
                        CheckError::DuplicateId {
                            what: "benefit",
                            id: id.clone(),
                        },
                    );
                    continue;
                }
                let bid = self.benefit_index.len() as BenefitId;
                self.benefit_index
                    .insert((p.pack.id.get_ref().clone(), id.clone()), bid);
            }
        }
    }

    fn lower_defs(&mut self) -> Vec<Definition> {
        for id in 0..self.def_decls.len() {
            self.lower_def(id as DefId);
        }
        self.def_decls
            .iter()
            .zip(self.def_nodes.iter())
            .map(|((pack, name, decl), node)| Definition {
                name: name.clone(),
                pack: *pack,
                node: node.clone().unwrap_or(Node::Const(Const::Bool(false))),
                label: decl.get_ref().label().cloned(),
                text: decl.get_ref().expr().to_string(),
            })
            .collect()
    }

    fn lower_def(&mut self, id: DefId) -> Ty {
        match self.def_state.get(id as usize) {
            Some(DefState::Done(t)) => return t.clone(),
            Some(DefState::Active) => {
                let pos = self.def_stack.iter().position(|&d| d == id).unwrap_or(0);
                let mut names: Vec<String> = self
                    .def_stack
                    .get(pos..)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|&d| self.def_decls.get(d as usize).map(|x| x.1.clone()))
                    .collect();
                if let Some(first) = names.first().cloned() {
                    names.push(first);
                }
                if let Some(&(pack, _, decl)) = self.def_decls.get(id as usize) {
                    self.err_at(
                        pack,
                        decl,
                        CheckError::DefinitionCycle {
                            cycle: names.join(" -> "),
                        },
                    );
                }
                return Ty::Error;
            }
            Some(DefState::Pending) => {}
            None => return Ty::Error,
        }
        let Some(&(pack, _, decl)) = self.def_decls.get(id as usize) else {
            return Ty::Error;
        };
        if let Some(s) = self.def_state.get_mut(id as usize) {
            *s = DefState::Active;
        }
        self.def_stack.push(id);
        let saved = std::mem::take(&mut self.locals);
        let (node, ty) = self.lower_source(pack, decl.get_ref().expr(), decl.span());
        self.locals = saved;
        self.def_stack.pop();
        if let Some(s) = self.def_state.get_mut(id as usize) {
            *s = DefState::Done(ty.clone());
        }
        if let Some(n) = self.def_nodes.get_mut(id as usize) {
            *n = Some(node);
        }
        ty
    }

    // ---- benefits ------------------------------------------------------------

    #[allow(clippy::type_complexity)]
    fn lower_benefits(&mut self) -> (Vec<Benefit>, Vec<Vec<BenefitId>>, Vec<Vec<BenefitId>>) {
        let packs = self.packs;
        let mut out = Vec::new();
        let mut per_pack = Vec::new();
        let mut tiers_per_pack = Vec::new();
        for (k, (_, p)) in packs.iter().enumerate() {
            let pack_id = p.pack.id.get_ref().clone();
            let mut mine = Vec::new();
            let mut tiers = Vec::new();
            for t in &p.pack.tiers {
                match self
                    .benefit_index
                    .get(&(pack_id.clone(), t.get_ref().clone()))
                {
                    Some(&b) if !tiers.contains(&b) => tiers.push(b),
                    Some(_) => self.err_at(
                        k,
                        t,
                        CheckError::DuplicateId {
                            what: "tier",
                            id: t.get_ref().clone(),
                        },
                    ),
                    None => self.err_at(
                        k,
                        t,
                        CheckError::UnknownBenefit {
                            id: t.get_ref().clone(),
                        },
                    ),
                }
            }
            for b in &p.benefits {
                let decl = b.get_ref();
                let Some(&bid) = self
                    .benefit_index
                    .get(&(pack_id.clone(), decl.id.get_ref().clone()))
                else {
                    continue;
                };
                if mine.contains(&bid) {
                    continue;
                }
                mine.push(bid);
                let citation = self.citation(k, &decl.source, &decl.article);
                let mut names = vec![(None, decl.name.clone())];
                for r in &decl.renamed {
                    match parse_date(&r.from.0) {
                        Some(d) => names.push((Some(d), r.name.clone())),
                        None => self.err_at(
                            k,
                            b,
                            CheckError::BadDate {
                                text: r.from.0.clone(),
                            },
                        ),
                    }
                }
                let date = |s: &str, me: &mut Self| {
                    let d = parse_date(s);
                    if d.is_none() {
                        me.err_at(
                            k,
                            b,
                            CheckError::BadDate {
                                text: s.to_string(),
                            },
                        );
                    }
                    d
                };
                let from = date(&decl.effective.from.0, self).unwrap_or_default();
                let until = decl.effective.until.as_ref().and_then(|u| date(&u.0, self));
                let on = decl
                    .effective
                    .on
                    .as_ref()
                    .map(|e| self.lower_typed(k, e, Ty::Date));
                let period = decl
                    .period
                    .as_ref()
                    .and_then(|p| match p.get_ref().as_str() {
                        "once" => Some(Period::Once),
                        "month" => Some(Period::Month),
                        "year" => Some(Period::Year),
                        other => {
                            self.err_at(
                                k,
                                p,
                                CheckError::BadPeriod {
                                    period: other.into(),
                                },
                            );
                            None
                        }
                    });
                if decl.amount.is_some() != decl.period.is_some() {
                    let what = if decl.amount.is_some() {
                        "an amount but no period"
                    } else {
                        "a period but no amount"
                    };
                    self.err_at(
                        k,
                        &decl.id,
                        CheckError::AmountPeriod {
                            id: decl.id.get_ref().clone(),
                            what,
                        },
                    );
                }
                let amount = decl
                    .amount
                    .as_ref()
                    .map(|e| self.lower_typed(k, e, Ty::Num));
                let up_to = decl.up_to.as_ref().map(|u| match u.get_ref() {
                    UpTo::Flag(f) => Node::Const(Const::Bool(*f)),
                    UpTo::Expr(e) => self.lower_typed_at(k, e, u.span(), Ty::Bool),
                });
                let mut notes = Vec::new();
                for n in &decl.notes {
                    for s in &n.on {
                        if !matches!(
                            s.as_str(),
                            "eligible" | "ineligible" | "undetermined" | "not_in_effect"
                        ) {
                            self.err_at(k, b, CheckError::BadStatus { status: s.clone() });
                        }
                    }
                    notes.push(Note {
                        on: n.on.clone(),
                        text: n.text.clone(),
                    });
                }
                let mut conditions = Vec::new();
                let mut seen = BTreeSet::new();
                for cdecl in &decl.conditions {
                    let cid = cdecl.id.get_ref();
                    if !is_ident(cid) {
                        self.err_at(
                            k,
                            &cdecl.id,
                            CheckError::BadName {
                                name: cid.clone(),
                                what: "condition id",
                            },
                        );
                    }
                    if !seen.insert(cid.clone()) || cid == "no_higher_tier" {
                        self.err_at(
                            k,
                            &cdecl.id,
                            CheckError::DuplicateId {
                                what: "condition",
                                id: cid.clone(),
                            },
                        );
                    }
                    let node = self.lower_typed(k, &cdecl.when, Ty::Bool);
                    let citation = match &cdecl.source {
                        Some(s) => self.citation(k, s, cdecl.article.as_deref().unwrap_or("")),
                        None => Citation {
                            article: cdecl
                                .article
                                .clone()
                                .unwrap_or_else(|| citation.article.clone()),
                            ..citation.clone()
                        },
                    };
                    conditions.push(Condition {
                        id: cid.clone(),
                        node,
                        text_src: cdecl.when.get_ref().clone(),
                        citation,
                        text: cdecl.text.clone(),
                        subject: cdecl.subject.clone(),
                        plan: ConditionPlan::default(),
                    });
                }
                let tier_pos = tiers.iter().position(|&t| t == bid);
                out.push((
                    bid,
                    Benefit {
                        id: decl.id.get_ref().clone(),
                        key: format!("{pack_id}.{}", decl.id.get_ref()),
                        pack: k,
                        names,
                        citation,
                        from,
                        until,
                        on,
                        on_src: decl.effective.on.as_ref().map(|e| e.get_ref().clone()),
                        period,
                        amount,
                        amount_src: decl.amount.as_ref().map(|e| e.get_ref().clone()),
                        up_to,
                        rounding: decl.rounding.unwrap_or(2).min(10),
                        notes,
                        conditions,
                        higher_tiers: tier_pos
                            .map(|i| tiers.get(..i).unwrap_or(&[]).to_vec())
                            .unwrap_or_default(),
                        is_tier: tier_pos.is_some(),
                    },
                ));
            }
            per_pack.push(mine);
            tiers_per_pack.push(tiers);
        }
        out.sort_by_key(|(id, _)| *id);
        (
            out.into_iter().map(|(_, b)| b).collect(),
            per_pack,
            tiers_per_pack,
        )
    }

    fn citation(&mut self, pack: usize, source: &Spanned<String>, article: &str) -> Citation {
        let visible = self.visible.get(pack).cloned().unwrap_or_default();
        let found = visible.iter().find_map(|&v| {
            self.packs
                .get(v)
                .and_then(|(_, p)| p.sources.get(source.get_ref()))
                .map(|s| s.title.clone())
        });
        let title = match found {
            Some(t) => t,
            None => {
                self.err_at(
                    pack,
                    source,
                    CheckError::UnknownSource {
                        id: source.get_ref().clone(),
                    },
                );
                Text::default()
            }
        };
        Citation {
            document: source.get_ref().clone(),
            title,
            article: article.to_string(),
        }
    }

    // ---- expressions ---------------------------------------------------------

    /// Parses and lowers an expression written in `pack`, reporting errors
    /// at their place in the file.
    fn lower_source(&mut self, pack: usize, text: &str, raw_span: Range<usize>) -> (Node, Ty) {
        let raw = self.file_text(pack).get(raw_span.clone()).unwrap_or("");
        // The expression's first byte in the file: after the opening quote(s).
        let offset = raw
            .find(text)
            .map_or(raw_span.start, |o| raw_span.start + o);
        let cx = ExprCx { pack, offset };
        match parse_expr(text) {
            Ok(e) => self.lower(&cx, &e),
            Err(e) => {
                let s = e.span();
                self.err_expr(&cx, s, CheckError::Syntax(e));
                (Node::Const(Const::Bool(false)), Ty::Error)
            }
        }
    }

    fn lower_typed(&mut self, pack: usize, src: &Spanned<String>, want: Ty) -> Node {
        self.lower_typed_at(pack, src.get_ref(), src.span(), want)
    }

    fn lower_typed_at(&mut self, pack: usize, text: &str, span: Range<usize>, want: Ty) -> Node {
        let (node, ty) = self.lower_source(pack, text, span.clone());
        if !compatible(&ty, &want) {
            let (found, expected) = (self.ty_name(&ty), self.ty_name(&want));
            let file = self.file(pack);
            self.c.error(
                Some(At {
                    file,
                    start: span.start,
                    end: span.end,
                }),
                CheckError::TypeMismatch { expected, found },
            );
        }
        node
    }

    fn err_expr(&mut self, cx: &ExprCx, span: Span, e: CheckError) {
        let file = self.file(cx.pack);
        self.c.error(
            Some(At {
                file,
                start: cx.offset + span.start,
                end: cx.offset + span.end,
            }),
            e,
        );
    }

    fn ty_name(&self, t: &Ty) -> String {
        match t {
            Ty::Bool => "a boolean".into(),
            Ty::Num => "a number".into(),
            Ty::Date => "a date".into(),
            Ty::Text(Some(f)) => format!(
                "a value of `{}`",
                self.schema.fact(*f).map_or("", |f| f.path.as_str())
            ),
            Ty::Text(None) => "a string".into(),
            Ty::List(s) => format!("a list of `{}` records", self.list_path(*s)),
            Ty::Record(s) => format!("a `{}` record", self.list_path(*s)),
            Ty::Error => "an erroneous value".into(),
        }
    }

    fn list_path(&self, slot: u32) -> String {
        self.schema
            .lists
            .get(slot as usize)
            .and_then(|(f, _)| self.schema.fact(*f))
            .map_or_else(String::new, |f| f.path.clone())
    }

    fn expect_type(&mut self, cx: &ExprCx, span: Span, got: &Ty, want: &Ty) {
        if !compatible(got, want) {
            let (found, expected) = (self.ty_name(got), self.ty_name(want));
            self.err_expr(cx, span, CheckError::TypeMismatch { expected, found });
        }
    }

    fn visible_fact(&self, pack: usize, path: &str) -> Option<FactId> {
        let id = *self.schema.by_path.get(path)?;
        let f = self.schema.fact(id)?;
        self.visible.get(pack)?.contains(&f.pack).then_some(id)
    }

    fn visible_def(&self, pack: usize, name: &str) -> Option<DefId> {
        let id = *self.def_index.get(name)?;
        let owner = self.def_decls.get(id as usize)?.0;
        self.visible.get(pack)?.contains(&owner).then_some(id)
    }

    fn visible_param(&self, pack: usize, name: &str) -> Option<ParamId> {
        let id = *self.param_index.get(name)?;
        let owner = self.params.get(id as usize)?.pack;
        self.visible.get(pack)?.contains(&owner).then_some(id)
    }

    fn suggestion(&self, pack: usize, name: &str) -> Option<String> {
        let mut candidates: Vec<String> = Vec::new();
        for f in &self.schema.facts {
            if self.visible.get(pack).is_some_and(|v| v.contains(&f.pack)) && !f.path.contains("[]")
            {
                candidates.push(f.path.clone());
            }
        }
        for n in self.def_index.keys().chain(self.param_index.keys()) {
            if self.visible_def(pack, n).is_some() || self.visible_param(pack, n).is_some() {
                candidates.push(n.clone());
            }
        }
        for (n, _) in &self.locals {
            candidates.push(n.clone());
        }
        candidates
            .into_iter()
            .map(|c| (edit_distance(&c, name), c))
            .filter(|(d, c)| *d <= 3.max(name.len() / 4) && *d < c.len())
            .min()
            .map(|(_, c)| c)
    }

    fn lower(&mut self, cx: &ExprCx, e: &Expr) -> (Node, Ty) {
        let err_node = || (Node::Const(Const::Bool(false)), Ty::Error);
        match &e.kind {
            ExprKind::Number(n) => match parse_decimal(n) {
                Some(d) => (Node::Const(Const::Num(d)), Ty::Num),
                None => {
                    self.err_expr(cx, e.span, CheckError::BadDecimal { text: n.clone() });
                    err_node()
                }
            },
            ExprKind::Str(s) => {
                let sym = self.intern(s);
                (Node::Const(Const::Sym(sym)), Ty::Text(None))
            }
            ExprKind::Bool(b) => (Node::Const(Const::Bool(*b)), Ty::Bool),
            ExprKind::Name(_) | ExprKind::Field(..) => self.lower_path(cx, e),
            ExprKind::Neg(x) => {
                let (n, t) = self.lower(cx, x);
                self.expect_type(cx, x.span, &t, &Ty::Num);
                (Node::Neg(Box::new(n)), Ty::Num)
            }
            ExprKind::Not(x) => {
                let (n, t) = self.lower(cx, x);
                self.expect_type(cx, x.span, &t, &Ty::Bool);
                (Node::Not(Box::new(n)), Ty::Bool)
            }
            ExprKind::Binary(op, a, b) => self.lower_binary(cx, *op, a, b),
            ExprKind::In(x, items) => {
                let (n, t) = self.lower(cx, x);
                let mut consts = Vec::new();
                for item in items {
                    let (inode, it) = self.lower(cx, item);
                    // `-1` is a literal too.
                    let inode = match inode {
                        Node::Neg(inner) => match *inner {
                            Node::Const(Const::Num(n)) => Node::Const(Const::Num(-n)),
                            other => Node::Neg(Box::new(other)),
                        },
                        other => other,
                    };
                    match inode {
                        Node::Const(c) => {
                            self.check_same(cx, item.span, &t, &it);
                            self.check_enum_literal(cx, &t, &Node::Const(c.clone()), item.span);
                            consts.push(c);
                        }
                        _ => self.err_expr(
                            cx,
                            item.span,
                            CheckError::TypeMismatch {
                                expected: "a literal".into(),
                                found: "an expression".into(),
                            },
                        ),
                    }
                }
                if matches!(t, Ty::List(_) | Ty::Record(_)) {
                    let found = self.ty_name(&t);
                    self.err_expr(
                        cx,
                        x.span,
                        CheckError::TypeMismatch {
                            expected: "a number, string or value".into(),
                            found,
                        },
                    );
                }
                (Node::In(Box::new(n), consts), Ty::Bool)
            }
            ExprKind::List(_) => {
                self.err_expr(
                    cx,
                    e.span,
                    CheckError::TypeMismatch {
                        expected: "a value (list literals only follow `in`)".into(),
                        found: "a list literal".into(),
                    },
                );
                err_node()
            }
            ExprKind::If(c, a, b) => {
                let (cn, ct) = self.lower(cx, c);
                self.expect_type(cx, c.span, &ct, &Ty::Bool);
                let (an, at) = self.lower(cx, a);
                let (bn, bt) = self.lower(cx, b);
                self.check_same(cx, b.span, &at, &bt);
                let t = if at == Ty::Error { bt } else { at };
                (Node::If(Box::new(cn), Box::new(an), Box::new(bn)), t)
            }
            ExprKind::Call(name, nspan, args) => self.lower_call(cx, name, *nspan, args, e.span),
        }
    }

    fn check_same(&mut self, cx: &ExprCx, span: Span, a: &Ty, b: &Ty) {
        let same = match (a, b) {
            (Ty::Error, _) | (_, Ty::Error) => true,
            (Ty::Text(_), Ty::Text(_)) => true,
            (x, y) => x == y,
        };
        if !same {
            let (expected, found) = (self.ty_name(a), self.ty_name(b));
            self.err_expr(cx, span, CheckError::TypeMismatch { expected, found });
        }
    }

    fn check_enum_literal(&mut self, cx: &ExprCx, t: &Ty, node: &Node, span: Span) {
        let (Ty::Text(Some(fid)), Node::Const(Const::Sym(s))) = (t, node) else {
            return;
        };
        let Some(f) = self.schema.fact(*fid) else {
            return;
        };
        if let FactType::Enum(values) = &f.ty {
            let v = self.symbols.get(*s as usize).cloned().unwrap_or_default();
            if !values.contains(&v) {
                let e = CheckError::UnknownEnumValue {
                    value: v,
                    fact: f.path.clone(),
                    allowed: values.clone(),
                };
                self.err_expr(cx, span, e);
            }
        }
    }

    fn lower_binary(&mut self, cx: &ExprCx, op: BinOp, a: &Expr, b: &Expr) -> (Node, Ty) {
        let (an, at) = self.lower(cx, a);
        let (bn, bt) = self.lower(cx, b);
        let ty = match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                self.expect_type(cx, a.span, &at, &Ty::Num);
                self.expect_type(cx, b.span, &bt, &Ty::Num);
                Ty::Num
            }
            BinOp::And | BinOp::Or => {
                self.expect_type(cx, a.span, &at, &Ty::Bool);
                self.expect_type(cx, b.span, &bt, &Ty::Bool);
                Ty::Bool
            }
            BinOp::Eq | BinOp::Ne => {
                self.check_same(cx, b.span, &at, &bt);
                self.check_enum_literal(cx, &at, &bn, b.span);
                self.check_enum_literal(cx, &bt, &an, a.span);
                if matches!(at, Ty::List(_) | Ty::Record(_)) {
                    let found = self.ty_name(&at);
                    self.err_expr(
                        cx,
                        a.span,
                        CheckError::TypeMismatch {
                            expected: "a comparable value".into(),
                            found,
                        },
                    );
                }
                Ty::Bool
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                if !matches!(at, Ty::Num | Ty::Date | Ty::Error) {
                    let found = self.ty_name(&at);
                    self.err_expr(
                        cx,
                        a.span,
                        CheckError::TypeMismatch {
                            expected: "a number or a date".into(),
                            found,
                        },
                    );
                }
                self.check_same(cx, b.span, &at, &bt);
                Ty::Bool
            }
            BinOp::Default => {
                self.check_same(cx, b.span, &at, &bt);
                self.check_enum_literal(cx, &at, &bn, b.span);
                if at == Ty::Error {
                    bt
                } else {
                    at
                }
            }
        };
        (Node::Bin(op, Box::new(an), Box::new(bn)), ty)
    }

    fn lower_path(&mut self, cx: &ExprCx, e: &Expr) -> (Node, Ty) {
        let err_node = (Node::Const(Const::Bool(false)), Ty::Error);
        // A bare name: local, as_of, definition, parameter.
        if let ExprKind::Name(n) = &e.kind {
            if let Some(r) = self.lower_name(cx, n) {
                return r;
            }
        }
        let path = e.as_path();
        let head = path.as_ref().and_then(|p| p.first().copied());
        let head_is_value = head.is_some_and(|h| {
            self.locals.iter().any(|(n, _)| n == h)
                || h == "as_of"
                || self.visible_def(cx.pack, h).is_some()
                || self.visible_param(cx.pack, h).is_some()
        });
        if let (Some(p), false) = (&path, head_is_value) {
            let joined = p.join(".");
            if let Some(fid) = self.visible_fact(cx.pack, &joined) {
                let Some(f) = self.schema.fact(fid) else {
                    return err_node;
                };
                return match (f.slot, fact_ty(fid, &f.ty)) {
                    (FactSlot::Scalar(s), t) => (Node::Fact(fid, s), t),
                    (FactSlot::List(s), _) => (Node::List(fid, s), Ty::List(s)),
                    (FactSlot::Field(..), _) => err_node,
                };
            }
            let suggestion = self.suggestion(cx.pack, &joined);
            self.err_expr(
                cx,
                e.span,
                CheckError::UnknownName {
                    name: joined,
                    suggestion,
                },
            );
            return err_node;
        }
        // Field access on a value.
        let ExprKind::Field(base, field, fspan) = &e.kind else {
            return err_node;
        };
        let (bn, bt) = self.lower(cx, base);
        match bt {
            Ty::Record(slot) => {
                let list = self.list_path(slot);
                let path = format!("{list}[].{field}");
                match self.schema.by_path.get(&path).copied() {
                    Some(fid) => {
                        let (fslot, t) = match self.schema.fact(fid) {
                            Some(f) => (f.slot, fact_ty(fid, &f.ty)),
                            None => return err_node,
                        };
                        let idx = match fslot {
                            FactSlot::Field(_, i) => i,
                            _ => 0,
                        };
                        (Node::Field(Box::new(bn), fid, idx), t)
                    }
                    None => {
                        self.err_expr(
                            cx,
                            *fspan,
                            CheckError::UnknownField {
                                list,
                                field: field.clone(),
                            },
                        );
                        err_node
                    }
                }
            }
            Ty::Error => err_node,
            other => {
                let found = self.ty_name(&other);
                self.err_expr(
                    cx,
                    base.span,
                    CheckError::TypeMismatch {
                        expected: "a record".into(),
                        found,
                    },
                );
                err_node
            }
        }
    }

    fn lower_name(&mut self, cx: &ExprCx, n: &str) -> Option<(Node, Ty)> {
        if let Some(pos) = self.locals.iter().rposition(|(name, _)| name == n) {
            let slot = self.locals.get(pos).map_or(0, |l| l.1);
            return Some((Node::Local(pos as u32), Ty::Record(slot)));
        }
        if n == "as_of" {
            return Some((Node::AsOf, Ty::Date));
        }
        if let Some(d) = self.visible_def(cx.pack, n) {
            let t = self.lower_def(d);
            return Some((Node::Def(d), t));
        }
        if let Some(p) = self.visible_param(cx.pack, n) {
            return Some((Node::Param(p, None), Ty::Num));
        }
        None
    }

    fn lower_call(
        &mut self,
        cx: &ExprCx,
        name: &str,
        nspan: Span,
        args: &[Arg],
        span: Span,
    ) -> (Node, Ty) {
        let err_node = (Node::Const(Const::Bool(false)), Ty::Error);
        let arity = |me: &mut Self, expected: &'static str| {
            me.err_expr(
                cx,
                span,
                CheckError::Arity {
                    name: name.to_string(),
                    expected,
                },
            );
        };
        let plain: Vec<&Expr> = args
            .iter()
            .filter_map(|a| match a {
                Arg::Expr(e) => Some(e),
                Arg::Lambda(..) => None,
            })
            .collect();
        let all_plain = plain.len() == args.len();
        match name {
            "date" => match (args, all_plain) {
                (
                    [Arg::Expr(Expr {
                        kind: ExprKind::Str(s),
                        span: sspan,
                    })],
                    true,
                ) => match parse_date(s) {
                    Some(d) => (Node::Const(Const::Date(d)), Ty::Date),
                    None => {
                        self.err_expr(cx, *sspan, CheckError::BadDate { text: s.clone() });
                        err_node
                    }
                },
                _ => {
                    arity(self, "one date string, such as date('2024-05-31')");
                    err_node
                }
            },
            "known" => match args {
                [Arg::Expr(x)] => {
                    let (n, _) = self.lower(cx, x);
                    (Node::Known(Box::new(n)), Ty::Bool)
                }
                _ => {
                    arity(self, "one expression");
                    err_node
                }
            },
            "param_at" => match args {
                [Arg::Expr(Expr {
                    kind: ExprKind::Name(p),
                    span: pspan,
                }), Arg::Expr(d)] => {
                    let (dn, dt) = self.lower(cx, d);
                    self.expect_type(cx, d.span, &dt, &Ty::Date);
                    match self.visible_param(cx.pack, p) {
                        Some(pid) => (Node::Param(pid, Some(Box::new(dn))), Ty::Num),
                        None => {
                            let suggestion = self.suggestion(cx.pack, p);
                            self.err_expr(
                                cx,
                                *pspan,
                                CheckError::UnknownName {
                                    name: p.clone(),
                                    suggestion,
                                },
                            );
                            err_node
                        }
                    }
                }
                _ => {
                    arity(self, "a parameter name and a date");
                    err_node
                }
            },
            "eligible" => {
                let path = match args {
                    [Arg::Expr(x)] => x.as_path().map(|p| (p.join("."), x.span)),
                    _ => None,
                };
                match path {
                    Some((p, pspan)) => {
                        let found = p.split_once('.').and_then(|(pk, b)| {
                            let bid = *self.benefit_index.get(&(pk.to_string(), b.to_string()))?;
                            let pk_idx = self
                                .packs
                                .iter()
                                .position(|(_, x)| x.pack.id.get_ref() == pk)?;
                            (pk_idx != cx.pack && self.visible.get(cx.pack)?.contains(&pk_idx))
                                .then_some(bid)
                        });
                        match found {
                            Some(bid) => (Node::Eligible(bid), Ty::Bool),
                            None => {
                                self.err_expr(cx, pspan, CheckError::UnknownBenefit { id: p });
                                err_node
                            }
                        }
                    }
                    None => {
                        arity(self, "one benefit, written `pack.benefit`");
                        err_node
                    }
                }
            }
            "count" | "sum" | "any" | "all" | "filter" | "first" => {
                let f = match name {
                    "count" => ListFn::Count,
                    "sum" => ListFn::Sum,
                    "any" => ListFn::Any,
                    "all" => ListFn::All,
                    "filter" => ListFn::Filter,
                    _ => ListFn::First,
                };
                let (list, lambda) = match args {
                    [Arg::Expr(l)] if f == ListFn::Count => (l, None),
                    [Arg::Expr(l), Arg::Lambda(v, vs, body)] => (l, Some((v, *vs, body))),
                    _ => {
                        arity(
                            self,
                            if f == ListFn::Count {
                                "a list and, optionally, a lambda `m -> condition`"
                            } else {
                                "a list and a lambda `m -> …`"
                            },
                        );
                        return err_node;
                    }
                };
                let (ln, lt) = self.lower(cx, list);
                let slot = match lt {
                    Ty::List(s) => s,
                    Ty::Error => return err_node,
                    other => {
                        let found = self.ty_name(&other);
                        self.err_expr(
                            cx,
                            list.span,
                            CheckError::TypeMismatch {
                                expected: "a list".into(),
                                found,
                            },
                        );
                        return err_node;
                    }
                };
                let body = match lambda {
                    Some((v, _vs, body)) => {
                        self.locals.push((v.clone(), slot));
                        let (bn, bt) = self.lower(cx, body);
                        self.locals.pop();
                        let want = if f == ListFn::Sum { Ty::Num } else { Ty::Bool };
                        self.expect_type(cx, body.span, &bt, &want);
                        Some(Box::new(bn))
                    }
                    None => None,
                };
                let ty = match f {
                    ListFn::Count | ListFn::Sum => Ty::Num,
                    ListFn::Any | ListFn::All => Ty::Bool,
                    ListFn::Filter => Ty::List(slot),
                    ListFn::First => Ty::Record(slot),
                };
                (Node::ListCall(f, Box::new(ln), body), ty)
            }
            "min" | "max" | "round" | "age" | "age_on" | "months_between" | "add_months" => {
                if !all_plain {
                    arity(self, "no lambda");
                    return err_node;
                }
                let lowered: Vec<(Node, Ty, Span)> = plain
                    .iter()
                    .map(|x| {
                        let (n, t) = self.lower(cx, x);
                        (n, t, x.span)
                    })
                    .collect();
                let (f, sig, ret): (ScalarFn, &[Ty], Ty) = match name {
                    "min" => (ScalarFn::Min, &[], Ty::Num),
                    "max" => (ScalarFn::Max, &[], Ty::Num),
                    "round" => (ScalarFn::Round, &[Ty::Num, Ty::Num], Ty::Num),
                    "age" => (ScalarFn::Age, &[Ty::Date], Ty::Num),
                    "age_on" => (ScalarFn::AgeOn, &[Ty::Date, Ty::Date], Ty::Num),
                    "months_between" => (ScalarFn::MonthsBetween, &[Ty::Date, Ty::Date], Ty::Num),
                    _ => (ScalarFn::AddMonths, &[Ty::Date, Ty::Num], Ty::Date),
                };
                if matches!(f, ScalarFn::Min | ScalarFn::Max) {
                    if lowered.is_empty() {
                        arity(self, "one or more numbers or dates");
                        return err_node;
                    }
                    let first = lowered.first().map(|l| l.1.clone()).unwrap_or(Ty::Error);
                    if !matches!(first, Ty::Num | Ty::Date | Ty::Error) {
                        let found = self.ty_name(&first);
                        self.err_expr(
                            cx,
                            span,
                            CheckError::TypeMismatch {
                                expected: "numbers or dates".into(),
                                found,
                            },
                        );
                    }
                    for (_, t, s) in &lowered {
                        self.check_same(cx, *s, &first, t);
                    }
                    let nodes = lowered.into_iter().map(|l| l.0).collect();
                    return (Node::Call(f, nodes), first);
                }
                if lowered.len() != sig.len() {
                    arity(
                        self,
                        match f {
                            ScalarFn::Round => "a number and a count of decimal places",
                            ScalarFn::Age => "one date",
                            ScalarFn::AddMonths => "a date and a number of months",
                            _ => "two dates",
                        },
                    );
                    return err_node;
                }
                for ((_, t, s), want) in lowered.iter().zip(sig) {
                    self.expect_type(cx, *s, t, want);
                }
                if f == ScalarFn::Round {
                    let ok = matches!(lowered.get(1), Some((Node::Const(Const::Num(d)), _, _)) if d.is_integer() && *d >= Decimal::ZERO && *d <= Decimal::from(10));
                    if !ok {
                        arity(
                            self,
                            "a number and a literal count of decimal places from 0 to 10",
                        );
                    }
                }
                (
                    Node::Call(f, lowered.into_iter().map(|l| l.0).collect()),
                    ret,
                )
            }
            _ => {
                self.err_expr(
                    cx,
                    nspan,
                    CheckError::UnknownFunction {
                        name: name.to_string(),
                    },
                );
                err_node
            }
        }
    }
}

struct ExprCx {
    pack: usize,
    offset: usize,
}

/// Adds a fact to the case-file shape; false when the path is taken.
/// The case-file shape while it is built.
#[derive(Default)]
struct ShapeTree {
    children: BTreeMap<String, ShapeNode>,
}

enum ShapeNode {
    Fact(FactId),
    Object(ShapeTree),
}

impl ShapeTree {
    fn freeze(self) -> ObjectShape {
        let children = self
            .children
            .into_iter()
            .map(|(k, c)| {
                let c = match c {
                    ShapeNode::Fact(id) => ShapeChild::Fact(id),
                    ShapeNode::Object(tree) => ShapeChild::Object(tree.freeze()),
                };
                (k, c)
            })
            .collect();
        ObjectShape {
            children: Keys::new(children),
        }
    }
}

fn insert_shape(node: &mut ShapeTree, segments: &[&str], id: FactId) -> bool {
    match segments {
        [] => false,
        [last] => {
            if node.children.contains_key(*last) {
                return false;
            }
            node.children
                .insert((*last).to_string(), ShapeNode::Fact(id));
            true
        }
        [first, rest @ ..] => {
            let child = node
                .children
                .entry((*first).to_string())
                .or_insert_with(|| ShapeNode::Object(ShapeTree::default()));
            match child {
                ShapeNode::Object(inner) => insert_shape(inner, rest, id),
                ShapeNode::Fact(_) => false,
            }
        }
    }
}

fn fact_ty(id: FactId, t: &FactType) -> Ty {
    match t {
        FactType::Bool => Ty::Bool,
        FactType::Integer | FactType::Decimal | FactType::Ratio | FactType::Money => Ty::Num,
        FactType::Date => Ty::Date,
        FactType::Enum(_) => Ty::Text(Some(id)),
        FactType::String => Ty::Text(None),
        FactType::List => Ty::Error,
    }
}

fn compatible(got: &Ty, want: &Ty) -> bool {
    match (got, want) {
        (Ty::Error, _) | (_, Ty::Error) => true,
        (Ty::Text(_), Ty::Text(_)) => true,
        (a, b) => a == b,
    }
}

/// Levenshtein distance, for did-you-mean suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
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
