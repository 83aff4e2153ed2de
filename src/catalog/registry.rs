//! Looking transforms up by code or name, and their compiled queries (compiled once per process).

use crate::rules::transform::Transform;
use crate::transforms::ALL;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use tree_sitter::Query;

pub fn all() -> &'static [&'static Transform] {
    ALL
}

/// Is `t` a preview rule (off unless `--preview` or selected by name)?
pub fn is_preview(t: &Transform) -> bool {
    t.meta.status == crate::rules::transform::Status::Preview
}

/// The transforms a run uses when none is named: every stable one, plus preview ones on request. With a
/// profile, the behind-a-profile rules in preview join too: a profile is what they wait for.
pub fn default_selection(preview: bool, profile: bool) -> Vec<&'static Transform> {
    ALL.iter()
        .copied()
        .filter(|t| {
            preview
                || !is_preview(t)
                || profile && t.meta.tier == crate::rules::transform::Tier::BehindProfile
        })
        .collect()
}

/// Finds a transform by code (`R2`, case-insensitive) or name (`time-after-in-loop`).
pub fn lookup(key: &str) -> Option<&'static Transform> {
    ALL.iter()
        .copied()
        .find(|t| t.meta.code.eq_ignore_ascii_case(key) || t.meta.name == key)
}

/// What a `--select`/`--ignore` entry (or a config file's) names: one transform by code or name, every
/// transform whose code extends a prefix (`R7` is `R7.1`..`R7.15`, `R3` is `R3a` and `R3b`; `R1` is not
/// `R10`), or `ALL`. `None` when it names nothing.
pub fn select(key: &str) -> Option<Vec<&'static Transform>> {
    let key = key.trim();
    if key.is_empty() {
        return None;
    }
    if let Some(t) = lookup(key) {
        return Some(vec![t]);
    }
    if key.eq_ignore_ascii_case("ALL") {
        return Some(ALL.to_vec());
    }
    let found: Vec<&'static Transform> = ALL
        .iter()
        .copied()
        .filter(|t| {
            let code = t.meta.code;
            code.len() > key.len()
                && code.is_char_boundary(key.len())
                && code[..key.len()].eq_ignore_ascii_case(key)
                && !code[key.len()..].starts_with(|c: char| c.is_ascii_digit())
                && !key.ends_with('.')
        })
        .collect();
    (!found.is_empty()).then_some(found)
}

/// Is this entry a prefix or `ALL` rather than one rule? (Preview rules join a prefix only with
/// `--preview`, as in ruff; a rule named exactly always runs.)
pub fn is_group(key: &str) -> bool {
    lookup(key.trim()).is_none()
}

/// The compiled query of a transform, compiled on first use and kept for the process (queries are
/// immutable and shareable across threads). A query that does not compile against the pinned grammar is a
/// bug the registry test catches; at run time it panics in the worker and is reported as internal.
pub fn query(t: &Transform) -> &'static Query {
    static CACHE: OnceLock<RwLock<HashMap<(usize, usize), &'static Query>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (t.query.as_ptr() as usize, t.query.len());
    if let Some(q) = cache.read().expect("query cache lock").get(&key) {
        return q;
    }
    let compiled = Query::new(&crate::read::syntax::language(), t.query)
        .unwrap_or_else(|e| panic!("query of {} does not compile: {e}", t.meta.code));
    let leaked: &'static Query = Box::leak(Box::new(compiled));
    cache
        .write()
        .expect("query cache lock")
        .entry(key)
        .or_insert(leaked)
}

/// Codes in reading order: `R2` < `R3a` < `R3b` < `R6.1` < `R7.2` < `R7.10` < `R10` (digit runs compare as
/// numbers, the rest as text), for tables, commits and SARIF rule lists.
pub fn code_order(code: &str) -> Vec<(String, u32)> {
    let mut parts = vec![];
    let mut rest = code;
    while !rest.is_empty() {
        let (text, tail) = rest.split_at(
            rest.find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len()),
        );
        let (digits, tail) = tail.split_at(
            tail.find(|c: char| !c.is_ascii_digit())
                .unwrap_or(tail.len()),
        );
        parts.push((text.to_string(), digits.parse().unwrap_or(0)));
        rest = tail;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::{code_order, default_selection, select};

    #[test]
    fn a_prefix_selects_its_family_only() {
        let codes = |k| -> Vec<&str> {
            let mut v: Vec<&str> = select(k)
                .unwrap_or_default()
                .iter()
                .map(|t| t.meta.code)
                .collect();
            v.sort();
            v
        };
        assert_eq!(codes("R3"), ["R3a", "R3b"]);
        let r7 = codes("r7");
        assert_eq!(r7.len(), 15);
        assert!(r7.iter().all(|c| c.starts_with("R7.")));
        assert_eq!(codes("R7.1"), ["R7.1"], "exact code, not R7.10..R7.15");
        assert_eq!(codes("R1"), ["R1"], "R1 is not a prefix of R10");
        assert_eq!(codes("time-after-in-loop"), ["R2"]);
        assert!(select("R99").is_none() && select("R7.").is_none() && select("").is_none());
        assert_eq!(codes("ALL").len(), super::all().len());
    }

    #[test]
    fn a_profile_brings_in_the_behind_a_profile_preview_rules_only() {
        let codes = |preview, profile| -> Vec<&str> {
            default_selection(preview, profile)
                .iter()
                .map(|t| t.meta.code)
                .collect()
        };
        let plain = codes(false, false);
        assert!(plain.contains(&"R2") && !plain.contains(&"R7.2") && !plain.contains(&"R7.1"));
        let profiled = codes(false, true);
        assert!(profiled.contains(&"R7.2"), "R7.2 is behind a profile");
        assert!(
            !profiled.contains(&"R7.1"),
            "R7.1 is always-ship: still preview"
        );
        assert_eq!(codes(true, false).len(), super::all().len());
    }

    #[test]
    fn codes_sort_by_number_then_suffix() {
        let mut codes = vec![
            "R10", "R7.10", "R6.1", "R3b", "R7.2", "R2", "R3a", "R5", "R1", "R7.9",
        ];
        codes.sort_by_key(|c| code_order(c));
        assert_eq!(
            codes,
            [
                "R1", "R2", "R3a", "R3b", "R5", "R6.1", "R7.2", "R7.9", "R7.10", "R10"
            ]
        );
    }
}
