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
            Arg::Show(v) => {
                let _ = write!(out, "{v}");
            }
            Arg::With(f) => f(out),
        }
    }
}

/// Fills a template's `{name}` slots with values, in one pass and one
/// allocation. A slot with no value is kept as written.
pub fn fill(template: &str, args: &[(&str, Arg)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    fill_into(&mut out, template, args);
    out
}

/// [`fill`], appending to `out`.
pub fn fill_into(out: &mut String, template: &str, args: &[(&str, Arg)]) {
    let mut rest = template;
    // Slots are ASCII braces, so byte positions are character boundaries.
    while let Some(open) = rest.bytes().position(|b| b == b'{') {
        let (before, tail) = rest.split_at(open);
        out.push_str(before);
        let slot = tail
            .bytes()
            .position(|b| b == b'}')
            .and_then(|close| Some((tail.get(1..close)?, close)));
        let value = slot.and_then(|(name, close)| {
            let (_, v) = args.iter().find(|(n, _)| *n == name)?;
            Some((v, close))
        });
        match value {
            Some((v, close)) => {
                v.push_to(out);
                rest = tail.get(close + 1..).unwrap_or("");
            }
            None => {
                out.push('{');
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
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
    }
}
