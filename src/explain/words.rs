//! The engine's own words, in the three languages.

use crate::syntax::ast::BinOp;
use serde::{Deserialize, Serialize};

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
}

/// The engine's words by key, in byte order of the keys (a test checks it),
/// so that a word is found by binary search.
const WORDS: &[(&str, [&str; 3])] = &[
    ("age", ["周岁", "age", "満年齢"]),
    ("amount", ["金额", "amount", "金額"]),
    ("amount_unknown", ["符合条件，但金额尚无法计算", "eligible, but the amount cannot be computed yet", "対象ですが、金額はまだ計算できません"]),
    ("as_of", ["评估日期", "the as-of date", "基準日"]),
    ("as_of_heading", ["评估日期", "as of", "基準日"]),
    ("computed", ["计算值", "computed value", "計算値"]),
    ("counterfactual", ["若{subject}{op} {threshold}（目前为 {actual}），即可满足此条件", "would pass if {subject} were {op} {threshold} (now {actual})", "{subject}が {threshold} {op}であれば満たします（現在 {actual}）"]),
    ("estimate", ["估算（依赖未经确认的参数）", "estimate (depends on unconfirmed values)", "概算（未確認の値に依存）"]),
    ("legal_basis", ["依据", "basis", "根拠"]),
    ("list_sep", ["；", "; ", "、"]),
    ("missing", ["缺少", "missing", "未回答"]),
    ("no_higher_tier", ["未达到更高一档救助", "no higher tier applies", "より上位の区分に該当しない"]),
    ("none", ["无", "none", "なし"]),
    ("notes", ["说明", "notes", "注記"]),
    ("outcome_fail", ["不满足", "fail", "不充足"]),
    ("outcome_pass", ["满足", "pass", "充足"]),
    ("outcome_unknown", ["未知", "unknown", "不明"]),
    ("parameter_unconfigured", ["参数「{param}」在 {on} 没有可用的取值", "parameter `{param}` has no value on {on}", "パラメータ「{param}」には {on} 時点の値がありません"]),
    ("parameters", ["参数", "parameters", "パラメータ"]),
    ("period_month", ["/月", " per month", "/月"]),
    ("period_once", ["（一次性）", " (once)", "（一回限り）"]),
    ("period_year", ["/年", " per year", "/年"]),
    ("plus_months", ["{date}起 {n} 个月", "{date} + {n} months", "{date}から {n} か月"]),
    ("questions", ["接下来请回答", "Questions to answer next", "次の質問"]),
    ("stale_parameter", ["参数「{param}」最近一次取值自 {from} 起适用，已超过 15 个月，可能已调整", "parameter `{param}` was last set from {from}, more than 15 months before the as-of date; it may have changed", "パラメータ「{param}」の最新値は {from} からのもので、15 か月以上前です。改定されている可能性があります"]),
    ("status_eligible", ["符合", "eligible", "対象"]),
    ("status_ineligible", ["不符合", "not eligible", "対象外"]),
    ("status_not_in_effect", ["未生效", "not in effect", "施行期間外"]),
    ("status_undetermined", ["待定", "undetermined", "未確定"]),
    ("summary_eligible", ["符合条件", "Eligible", "対象です"]),
    ("summary_eligible_amount", ["符合条件：{up_to}{amount} 元{period}", "Eligible: {up_to}{amount} yuan{period}", "対象です：{up_to}{amount} 元{period}"]),
    ("summary_eligible_unknown_amount", ["符合条件；金额尚无法确定", "Eligible; the amount cannot be determined yet", "対象です。金額はまだ確定できません"]),
    ("summary_ineligible", ["不符合条件，未满足：{failed}", "Not eligible; not met: {failed}", "対象外です。満たしていない要件：{failed}"]),
    ("summary_missing", ["；还需回答 {n} 项信息", "; {n} more answers are needed", "。あと {n} 項目の回答が必要です"]),
    ("summary_not_in_effect", ["{on} 不在政策有效期内（{from} 至 {until}）", "Not in force on {on} (in force {from} to {until})", "{on} は施行期間外です（{from}～{until}）"]),
    ("summary_unconfigured", ["；以下政策参数尚未确定：{params}", "; these policy values are not known: {params}", "。次の政策パラメータが未確定です：{params}"]),
    ("summary_undetermined", ["尚无法确定", "Cannot be decided yet", "まだ判定できません"]),
    ("tier", ["档次", "tier", "区分"]),
    ("up_to", ["最高", "up to ", "上限"]),
    ("warnings", ["提示", "warnings", "警告"]),
];

/// A word of the engine in a language; the key itself when missing.
pub fn w(lang: Lang, key: &'static str) -> &'static str {
    let i = match lang {
        Lang::Zh => 0,
        Lang::En => 1,
        Lang::Ja => 2,
    };
    WORDS
        .binary_search_by(|(k, _)| k.cmp(&key))
        .ok()
        .and_then(|at| WORDS.get(at))
        .and_then(|(_, t)| t.get(i).copied())
        .unwrap_or(key)
}

/// Fills a template's `{name}` slots with values, in one pass and one
/// allocation. A slot with no value is kept as written.
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(template.len() + 32);
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
                let _ = write!(out, "{v}");
                rest = tail.get(close + 1..).unwrap_or("");
            }
            None => {
                out.push('{');
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// How an operator reads in a counterfactual.
pub fn op_word(lang: Lang, op: BinOp) -> &'static str {
    let i = match lang {
        Lang::Zh => 0,
        Lang::En => 1,
        Lang::Ja => 2,
    };
    let words: [&str; 3] = match op {
        BinOp::Lt => ["低于", "below", "未満"],
        BinOp::Le => ["不超过", "at most", "以下"],
        BinOp::Gt => ["高于", "above", "超"],
        BinOp::Ge => ["达到", "at least", "以上"],
        _ => ["等于", "equal to", "と等しい"],
    };
    words.get(i).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_three_languages() {
        for (key, texts) in WORDS {
            for t in texts {
                assert!(!t.is_empty() || *key == "up_to", "{key}");
            }
        }
        assert_eq!(w(Lang::En, "no_higher_tier"), "no higher tier applies");
        assert_eq!(w(Lang::En, "not-a-key"), "not-a-key");
    }

    #[test]
    fn words_are_in_key_order() {
        for pair in WORDS.windows(2) {
            if let [(a, _), (b, _)] = pair {
                assert!(a < b, "`{a}` must come before `{b}`");
            }
        }
    }

    #[test]
    fn templates_fill_their_slots_and_keep_unknown_ones() {
        assert_eq!(
            fill("{a} and {b}, {a}", &[("a", &1), ("b", &"two")]),
            "1 and two, 1"
        );
        assert_eq!(fill("{missing} {", &[("a", &1)]), "{missing} {");
        assert_eq!(fill("no slots", &[]), "no slots");
        assert_eq!(fill("平均 {n} 元", &[("n", &"1330")]), "平均 1330 元");
    }
}
