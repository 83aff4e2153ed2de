//! `--verify` on a package `go vet` already rejects before any fix: it is told apart from one that does not
//! build, and its fixes are still verified by `go build` (kept when they build, dropped when they do not).
//! These run the real go tool (skipped without it unless GOFIXRT_REQUIRE_GO=1).

mod common;
use common::{BREAKS_BUILD, go_available, gofix, tree, verify_with};

use gofix_rt::catalog::registry;

const GOMOD: &str = "module example.com/ledger\n\ngo 1.22\n";
/// go vet's printf check rejects this (a string for %d); go build accepts it.
const VET_DIRTY: &str = "package ledger\n\nimport \"fmt\"\n\nfunc Total(name string) string {\n\treturn fmt.Sprintf(\"%d entries\", name)\n}\n";
/// R3a removes the lone yield; X9 (the test stand-in) renames `work()` to a function that does not exist.
const FLUSH: &str = "package ledger\n\nimport \"runtime\"\n\nfunc work() {}\n\nfunc Flush() {\n\truntime.Gosched()\n\twork()\n}\n";

/// A module holding the vet-dirty file and the file R3a and X9 fix.
fn ledger_module() -> tempfile::TempDir {
    tree(&[
        ("go.mod", GOMOD),
        ("total.go", VET_DIRTY),
        ("flush.go", FLUSH),
    ])
}

#[test]
fn a_vet_dirty_package_keeps_the_fixes_that_build_with_a_vet_note() {
    if !go_available() {
        return;
    }
    let dir = ledger_module();
    let (_, err, code) = gofix(dir.path(), &["--write", "--verify", "--select", "R3a", "."]);
    assert_eq!(code, 0, "{err}");
    let note = err
        .lines()
        .find(|l| l.contains(": warning: verify: "))
        .unwrap_or_else(|| panic!("a note: {err}"));
    assert!(
        note.contains("go vet reports problems without the fixes too") && note.contains("total.go"),
        "{note}"
    );
    assert!(!note.contains("does not build"), "{note}");
    let fixed = std::fs::read_to_string(dir.path().join("flush.go")).unwrap();
    assert!(!fixed.contains("Gosched"), "{fixed}");
}

#[test]
fn a_vet_dirty_package_still_loses_the_fixes_that_break_its_build() {
    if !go_available() {
        return;
    }
    let dir = ledger_module();
    let report = verify_with(
        dir.path(),
        vec![registry::lookup("R3a").unwrap(), &BREAKS_BUILD],
    );
    assert_eq!(report.dropped.len(), 1, "{:?}", report.dropped);
    assert_eq!(report.dropped[0].codes, ["X9"]);
    assert!(
        report.dropped[0].message.contains("undefined: doWork"),
        "{}",
        report.dropped[0].message
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.message.contains("checked by go build only")),
        "{:?}",
        report.notes
    );
    let flush = report
        .outcome
        .changes
        .iter()
        .find(|c| c.path.ends_with("flush.go"))
        .map(|c| String::from_utf8(c.new.clone()).unwrap())
        .unwrap();
    assert!(
        !flush.contains("Gosched") && flush.contains("\twork()"),
        "{flush}"
    );
}
