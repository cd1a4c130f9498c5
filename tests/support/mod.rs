pub mod households;

use huimin::api;
use huimin::syntax::toml;
use serde_json::Value;

/// Every pack's own test cases as case JSON, each with its `as_of`.
pub fn pack_cases(engine: &api::Engine) -> Vec<Value> {
    let mut out = Vec::new();
    for pack in &engine.packs {
        for t in &pack.tests {
            let mut case = api::toml_to_json(&toml::Value::Table(t.case.clone()));
            if let Some(a) = &t.as_of {
                case["as_of"] = Value::String(a.0.clone());
            }
            out.push(case);
        }
    }
    out
}
