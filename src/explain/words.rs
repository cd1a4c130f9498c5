//! The engine's own words, in the three languages.

use crate::syntax::ast::BinOp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A language of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Simplified Chinese (the default: the applicants' language).
    #[default]
    Zh,
    /// English.
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Parses `zh`, `en` or `ja`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            "ja" => Some(Lang::Ja),
            _ => None,
        }
    }

    /// The language's column in the tables of words.
    #[inline]
    pub fn index(self) -> usize {
        match self {
            Lang::Zh => 0,
            Lang::En => 1,
            Lang::Ja => 2,
        }
    }
}

/// Declares the engine's words: the [`Word`] enum and its table, in the
/// enum's order, so that a word is found by its index.
macro_rules! words {
    ($($word:ident => [$zh:literal, $en:literal, $ja:literal],)*) => {
        /// A word of the engine (its English text says which).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Word {
            $(
                #[doc = $en]
                $word,
            )*
        }

        /// Each word in zh, en, ja, in the order of [`Word`].
        const WORDS: &[[&str; 3]] = &[$([$zh, $en, $ja],)*];
    };
}

words! {
    Age => ["周岁", "age", "満年齢"],
    Amount => ["金额", "amount", "金額"],
    AmountUnknown => ["符合条件，但金额尚无法计算", "eligible, but the amount cannot be computed yet", "対象ですが、金額はまだ計算できません"],
    AsOf => ["评估日期", "the as-of date", "基準日"],
    AsOfHeading => ["评估日期", "as of", "基準日"],
    Computed => ["计算值", "computed value", "計算値"],
    Counterfactual => ["若{subject}{op} {threshold}（目前为 {actual}），即可满足此条件", "would pass if {subject} were {op} {threshold} (now {actual})", "{subject}が {threshold} {op}であれば満たします（現在 {actual}）"],
    Estimate => ["估算（依赖未经确认的参数）", "estimate (depends on unconfirmed values)", "概算（未確認の値に依存）"],
    LegalBasis => ["依据", "basis", "根拠"],
    ListSep => ["；", "; ", "、"],
    Missing => ["缺少", "missing", "未回答"],
    NoHigherTier => ["未达到更高一档救助", "no higher tier applies", "より上位の区分に該当しない"],
    None => ["无", "none", "なし"],
    Notes => ["说明", "notes", "注記"],
    OutcomeFail => ["不满足", "fail", "不充足"],
    OutcomePass => ["满足", "pass", "充足"],
    OutcomeUnknown => ["未知", "unknown", "不明"],
    ParameterUnconfigured => ["参数「{param}」在 {on} 没有可用的取值", "parameter `{param}` has no value on {on}", "パラメータ「{param}」には {on} 時点の値がありません"],
    Parameters => ["参数", "parameters", "パラメータ"],
    PeriodMonth => ["/月", " per month", "/月"],
    PeriodOnce => ["（一次性）", " (once)", "（一回限り）"],
    PeriodYear => ["/年", " per year", "/年"],
    PlusMonths => ["{date}起 {n} 个月", "{date} + {n} months", "{date}から {n} か月"],
    Questions => ["接下来请回答", "Questions to answer next", "次の質問"],
    StaleParameter => ["参数「{param}」最近一次取值自 {from} 起适用，已超过 15 个月，可能已调整", "parameter `{param}` was last set from {from}, more than 15 months before the as-of date; it may have changed", "パラメータ「{param}」の最新値は {from} からのもので、15 か月以上前です。改定されている可能性があります"],
    StatusEligible => ["符合", "eligible", "対象"],
    StatusIneligible => ["不符合", "not eligible", "対象外"],
    StatusNotInEffect => ["未生效", "not in effect", "施行期間外"],
    StatusUndetermined => ["待定", "undetermined", "未確定"],
    SummaryEligible => ["符合条件", "Eligible", "対象です"],
    SummaryEligibleAmount => ["符合条件：{up_to}{amount} 元{period}", "Eligible: {up_to}{amount} yuan{period}", "対象です：{up_to}{amount} 元{period}"],
    SummaryEligibleUnknownAmount => ["符合条件；金额尚无法确定", "Eligible; the amount cannot be determined yet", "対象です。金額はまだ確定できません"],
    SummaryIneligible => ["不符合条件，未满足：{failed}", "Not eligible; not met: {failed}", "対象外です。満たしていない要件：{failed}"],
    SummaryMissing => ["；还需回答 {n} 项信息", "; {n} more answers are needed", "。あと {n} 項目の回答が必要です"],
    SummaryNotInEffect => ["{on} 不在政策有效期内（{from} 至 {until}）", "Not in force on {on} (in force {from} to {until})", "{on} は施行期間外です（{from}～{until}）"],
    SummaryUnconfigured => ["；以下政策参数尚未确定：{params}", "; these policy values are not known: {params}", "。次の政策パラメータが未確定です：{params}"],
    SummaryUndetermined => ["尚无法确定", "Cannot be decided yet", "まだ判定できません"],
    Tier => ["档次", "tier", "区分"],
    UpTo => ["最高", "up to ", "上限"],
    Warnings => ["提示", "warnings", "警告"],
}

/// A word of the engine in a language.
#[inline]
pub fn w(lang: Lang, word: Word) -> &'static str {
    WORDS
        .get(word as usize)
        .and_then(|t| t.get(lang.index()))
        .copied()
        .unwrap_or("")
}

/// A value put into a template slot.
#[derive(Clone, Copy)]
pub enum Arg<'a> {
    /// Text, copied as it is.
    Text(&'a str),
    /// A date, `YYYY-MM-DD`.
    Day(NaiveDate),
    /// A count.
    Count(usize),
    /// A decimal, as written by its `Display`.
    Decimal(rust_decimal::Decimal),
    /// Anything else that displays itself.
    Show(&'a dyn fmt::Display),
    /// Text written straight into the result.
    With(&'a dyn Fn(&mut String)),
}

impl Arg<'_> {
    /// Appends the value.
    pub fn push_to(&self, out: &mut String) {
        use std::fmt::Write;
        match *self {
            Arg::Text(t) => out.push_str(t),
            Arg::Day(d) => super::push_day(out, d),
            Arg::Count(n) if n < 10 => out.push(char::from(b'0' + n as u8)),
            // Writing to a String cannot fail.
            Arg::Count(n) => {
                let _ = write!(out, "{n}");
            }
            Arg::Decimal(d) => super::push_decimal(out, d),
            Arg::Show(v) => {
                let _ = write!(out, "{v}");
            }
            Arg::With(f) => f(out),
        }
    }
}

/// Fills a template's `{name}` slots with values, in one pass and one
/// allocation. A slot with no value is kept as written.
#[cfg(test)]
pub fn fill(template: &str, args: &[(&str, Arg)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    fill_into(&mut out, template, args);
    out
}

/// [`fill`], appending to `out`.
pub fn fill_into(out: &mut String, template: &str, args: &[(&str, Arg)]) {
    for piece in pieces(template) {
        push_piece(out, piece, args);
    }
}

/// [`fill`] with one of the engine's words as the template, appending to
/// `out`. The words are split into pieces once, when first filled.
pub fn fill_word_into(out: &mut String, lang: Lang, word: Word, args: &[(&str, Arg)]) {
    static PIECES: std::sync::OnceLock<Vec<Vec<Piece<'static>>>> = std::sync::OnceLock::new();
    let all = PIECES.get_or_init(|| {
        WORDS
            .iter()
            .flat_map(|texts| texts.iter().map(|t| pieces(t).collect()))
            .collect()
    });
    match all.get(word as usize * 3 + lang.index()) {
        Some(pieces) => {
            for piece in pieces {
                push_piece(out, *piece, args);
            }
        }
        None => fill_into(out, w(lang, word), args),
    }
}

/// [`fill_word_into`] into a new string.
pub fn fill_word(lang: Lang, word: Word, args: &[(&str, Arg)]) -> String {
    let mut out = String::with_capacity(w(lang, word).len() + 32);
    fill_word_into(&mut out, lang, word, args);
    out
}

/// A piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'t> {
    /// Text as written (a `{` that opens no slot included).
    Text(&'t str),
    /// A slot's name.
    Slot(&'t str),
}

/// A template's pieces, in order. A slot is a name between braces with no
/// brace in it; any other brace is text.
fn pieces(template: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = template;
    let mut slot_next = None;
    std::iter::from_fn(move || {
        if let Some(name) = slot_next.take() {
            return Some(Piece::Slot(name));
        }
        if rest.is_empty() {
            return None;
        }
        // Braces are ASCII, so byte positions are character boundaries.
        let bytes = rest.as_bytes();
        let mut from = 0;
        while let Some(open) = bytes.get(from..)?.iter().position(|&b| b == b'{') {
            let open = from + open;
            let after = bytes.get(open + 1..)?;
            match after.iter().position(|&b| b == b'{' || b == b'}') {
                Some(k) if after.get(k) == Some(&b'}') => {
                    let text = rest.get(..open)?;
                    slot_next = Some(rest.get(open + 1..open + 1 + k)?);
                    rest = rest.get(open + k + 2..)?;
                    return Some(Piece::Text(text));
                }
                _ => from = open + 1,
            }
        }
        let text = rest;
        rest = "";
        Some(Piece::Text(text))
    })
    .filter(|p| *p != Piece::Text(""))
}

#[inline]
fn push_piece(out: &mut String, piece: Piece, args: &[(&str, Arg)]) {
    match piece {
        Piece::Text(t) => out.push_str(t),
        Piece::Slot(name) => match args.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => v.push_to(out),
            None => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        },
    }
}

/// How an operator reads in a counterfactual.
pub fn op_word(lang: Lang, op: BinOp) -> &'static str {
    let words: [&str; 3] = match op {
        BinOp::Lt => ["低于", "below", "未満"],
        BinOp::Le => ["不超过", "at most", "以下"],
        BinOp::Gt => ["高于", "above", "超"],
        BinOp::Ge => ["达到", "at least", "以上"],
        _ => ["等于", "equal to", "と等しい"],
    };
    words.get(lang.index()).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_three_languages() {
        for texts in WORDS {
            for t in texts {
                assert!(!t.is_empty(), "{texts:?}");
            }
        }
        assert_eq!(w(Lang::En, Word::NoHigherTier), "no higher tier applies");
        assert_eq!(w(Lang::Zh, Word::Age), "周岁");
        assert_eq!(w(Lang::Ja, Word::Warnings), "警告");
    }

    #[test]
    fn templates_fill_their_slots_and_keep_unknown_ones() {
        let day = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default();
        assert_eq!(
            fill(
                "{a} and {b}, {a}",
                &[("a", Arg::Show(&1.5)), ("b", Arg::Text("two"))]
            ),
            "1.5 and two, 1.5"
        );
        assert_eq!(fill("{missing} {", &[("a", Arg::Count(1))]), "{missing} {");
        assert_eq!(fill("no slots", &[]), "no slots");
        assert_eq!(
            fill("平均 {n} 元", &[("n", Arg::Text("1330"))]),
            "平均 1330 元"
        );
        assert_eq!(
            fill(
                "{on}: {n}, {m}",
                &[
                    ("on", Arg::Day(day)),
                    ("n", Arg::Count(7)),
                    ("m", Arg::Count(1234))
                ]
            ),
            "2025-03-01: 7, 1234"
        );
        let mut out = String::from("x");
        fill_into(&mut out, "-{n}-", &[("n", Arg::Count(10))]);
        assert_eq!(out, "x-10-");
        assert_eq!(fill("{a}{b}", &[("b", Arg::Text("B"))]), "{a}B");
        assert_eq!(fill("{}", &[("", Arg::Text("E"))]), "E");
        assert_eq!(fill("{ {a} }", &[("a", Arg::Text("A"))]), "{ A }");
        assert_eq!(fill("{{a}}", &[("a", Arg::Text("A"))]), "{A}");
        assert_eq!(fill("{{a}}", &[]), "{{a}}");
    }

    #[test]
    fn templates_split_into_text_and_slots() {
        let all: Vec<Piece> = pieces("若{subject}{op} {threshold}（{").collect();
        assert_eq!(
            all,
            [
                Piece::Text("若"),
                Piece::Slot("subject"),
                Piece::Slot("op"),
                Piece::Text(" "),
                Piece::Slot("threshold"),
                Piece::Text("（{"),
            ]
        );
        assert_eq!(pieces("").count(), 0);
    }

    #[test]
    fn a_word_fills_as_its_text_does() {
        let args = [
            ("param", Arg::Text("P")),
            ("on", Arg::Count(3)),
            ("from", Arg::Text("F")),
            ("subject", Arg::Text("S")),
        ];
        for word in [
            Word::ParameterUnconfigured,
            Word::StaleParameter,
            Word::Counterfactual,
            Word::Age,
        ] {
            for lang in [Lang::Zh, Lang::En, Lang::Ja] {
                assert_eq!(fill_word(lang, word, &args), fill(w(lang, word), &args));
            }
        }
        assert_eq!(
            fill_word(Lang::En, Word::StaleParameter, &args),
            "parameter `P` was last set from F, more than 15 months before the as-of date; it may have changed"
        );
    }
}
