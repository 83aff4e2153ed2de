//! How many engine runs `--verify` makes (in its own test binary: `engine::RUNS` counts every run of the
//! process). A package bisected on texts replayed from the fix ledger costs no run; where a replay cannot
//! be exact (the culprit's fix turned another rule's fix away) that package alone runs once more, and
//! the other rule's fix is then applied. These run the real go tool (skipped without it unless
//! GOFIXRT_REQUIRE_GO=1).

mod common;
use common::{BREAKS_BUILD, GOMOD, go_available, tree, verify_with};

use gofix_rt::catalog::registry;
use gofix_rt::rules::fix::{Edit, Fix, FixAvailability, TextRange};
use gofix_rt::rules::transform::{Ctx, Match, Meta, Transform, always};
use gofix_rt::run::engine::RUNS;
use std::sync::atomic::Ordering;

/// A good rule whose edit overlaps X9's: it rewrites a `work()` call as `(work)()` (which it does not match
/// again). Both edits start at the call, so X9 (first in code order) is taken and this one is turned away.
static PARENS_CALL: Transform = Transform {
    meta: Meta {
        code: "Y1",
        name: "test-parenthesises-call",
        summary: "test only",
        fix: FixAvailability::Always,
        prefilter: &["work()"],
        calls: &[],
        tier: gofix_rt::rules::transform::Tier::AlwaysShip,
        status: gofix_rt::rules::transform::Status::Stable,
        options: &[],
    },
    source: "",
    query: r#"((call_expression function: (identifier) @fn) @match (#eq? @fn "work"))"#,
    run: parenthesise_call,
    precheck: always,
    other_files: None,
};

fn parenthesise_call(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let call = m.node("match")?;
    let file = cx.file_idx;
    cx.report(TextRange::of(call), "test finding").fix =
        Some(Fix::safe("parenthesise").edit(file, Edit::replace(TextRange::of(call), "(work)()")));
    Some(())
}

const A: &str = "package a\n\nimport \"runtime\"\n\nfunc work() {}\n\nfunc Run() {\n\truntime.Gosched()\n\twork()\n}\n";

#[test]
fn verify_replays_the_ledger_and_runs_a_package_again_only_when_it_must() {
    if !go_available() {
        return;
    }
    let r3a = registry::lookup("R3a").unwrap();
    // R3a and X9 edit apart: the bisection is replayed; the runs are the verified one and the
    // recomputation of the package that lost X9.
    let dir = tree(&[("go.mod", GOMOD), ("a/a.go", A)]);
    let before = RUNS.load(Ordering::Relaxed);
    let report = verify_with(dir.path(), vec![r3a, &BREAKS_BUILD]);
    assert_eq!(RUNS.load(Ordering::Relaxed) - before, 2);
    assert_eq!(report.dropped[0].codes, ["X9"]);

    // X9 turned Y1's fix away: what the package gives without X9 is not in the ledger, so it runs once
    // more with X9 withheld, and Y1's fix is applied in the result.
    let dir = tree(&[("go.mod", GOMOD), ("a/a.go", A)]);
    let before = RUNS.load(Ordering::Relaxed);
    let report = verify_with(dir.path(), vec![&PARENS_CALL, &BREAKS_BUILD]);
    assert_eq!(RUNS.load(Ordering::Relaxed) - before, 3);
    assert_eq!(report.dropped.len(), 1, "{:?}", report.dropped);
    assert_eq!(report.dropped[0].codes, ["X9"]);
    let fixed = String::from_utf8(report.outcome.changes[0].new.clone()).unwrap();
    assert!(fixed.contains("\t(work)()\n"), "{fixed}");
    assert_eq!(report.outcome.applied.get("Y1"), Some(&1));
}
