//! The message of one transform's commit: `CODE name: N sites`, then what changed, why, the trade-off and
//! how to verify, wrapped for `git log`.

use crate::catalog::docs;
use crate::rules::transform::Transform;

pub fn render(t: &Transform, sites: usize, files: &[String], applicability: &str) -> String {
    let doc = docs::doc(t);
    let what =
        docs::first_paragraph(&doc, "## What it does").unwrap_or_else(|| t.meta.summary.into());
    let mut paras = vec![format!(
        "What changed: {what} Rewritten at {sites} site{} in {} file{} ({applicability} fix{}).",
        plural(sites),
        files.len(),
        plural(files.len()),
        if sites == 1 { "" } else { "es" }
    )];
    if let Some(why) = docs::first_paragraph(&doc, "## Why is this bad?") {
        paras.push(format!("Why: {why}"));
    }
    if let Some(trade) = docs::first_paragraph(&doc, "## Fix safety") {
        paras.push(format!("Trade-off: {trade}"));
    }
    paras.push(format!(
        "How to verify: read this commit's diff, run `go build ./... && go vet ./...` (and the tests) in each module it touches; `gofix-rt explain {}` documents the rule. Reverting this commit drops this rule's edits and nothing else.",
        t.meta.code
    ));
    let mut out = format!("{}\n", subject(t, sites));
    for p in paras {
        out.push('\n');
        out.push_str(&wrap(&p, 72));
    }
    out.push_str(&format!(
        "\nMade by gofix-rt {}.\n",
        env!("CARGO_PKG_VERSION")
    ));
    out
}

/// `R2 time-after-in-loop: 3 sites`.
pub fn subject(t: &Transform, sites: usize) -> String {
    format!(
        "{} {}: {sites} site{}",
        t.meta.code,
        t.meta.name,
        plural(sites)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Greedy word wrap; a word longer than `width` stays whole on its own line.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_the_width() {
        assert_eq!(wrap("aaa bbb ccc", 7), "aaa bbb\nccc\n");
        assert_eq!(wrap("a verylongword", 4), "a\nverylongword\n");
    }

    #[test]
    fn every_rule_has_a_reason_and_a_trade_off() {
        for t in crate::catalog::registry::all() {
            let msg = render(t, 2, &["a.go".into()], "safe");
            assert!(msg.starts_with(&format!("{} {}: 2 sites\n\n", t.meta.code, t.meta.name)));
            for part in ["What changed: ", "Why: ", "Trade-off: ", "How to verify: "] {
                assert!(msg.contains(part), "{}: no `{part}` in\n{msg}", t.meta.code);
            }
            assert!(msg.lines().all(|l| l.len() <= 72 || !l.contains(' ')));
        }
    }
}
