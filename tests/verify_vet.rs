//! `--verify` on a package `go vet` already rejects before any fix: it is told apart from one that does not
//! build, and its fixes are still verified by `go build` (kept when they build, dropped when they do not).
//! These run the real go tool (skipped without it unless GOFIXRT_REQUIRE_GO=1).

mod common;
use common::BREAKS_BUILD;

use gofix_rt::catalog::registry;
use gofix_rt::run::engine;
use gofix_rt::run::settings::{Mode, Settings};
use gofix_rt::run::verify;
use std::process::Command;

const GOMOD: &str = "module example.com/ledger\n\ngo 1.22\n";
/// go vet's printf check rejects this (a string for %d); go build accepts it.
const VET_DIRTY: &str = "package ledger\n\nimport \"fmt\"\n\nfunc Total(name string) string {\n\treturn fmt.Sprintf(\"%d entries\", name)\n}\n";
/// R3a removes the lone yield; X9 (the test stand-in) renames `work()` to a function that does not exist.
const FLUSH: &str = "package ledger\n\nimport \"runtime\"\n\nfunc work() {}\n\nfunc Flush() {\n\truntime.Gosched()\n\twork()\n}\n";

fn go_available() -> bool {
    let ok = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var("GOFIXRT_REQUIRE_GO").is_ok_and(|v| v == "1") {
        panic!("GOFIXRT_REQUIRE_GO=1 but `go` is not on PATH");
    }
    ok
}

fn module(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    dir
}

#[test]
fn a_vet_dirty_package_keeps_the_fixes_that_build_with_a_vet_note() {
    if !go_available() {
        return;
    }
    let dir = module(&[
        ("go.mod", GOMOD),
        ("total.go", VET_DIRTY),
        ("flush.go", FLUSH),
    ]);
    let out = Command::new(env!("CARGO_BIN_EXE_gofix-rt"))
        .current_dir(dir.path())
        .args(["--write", "--verify", "--select", "R3a", "."])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
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
    let dir = module(&[
        ("go.mod", GOMOD),
        ("total.go", VET_DIRTY),
        ("flush.go", FLUSH),
    ]);
    let r3a = registry::lookup("R3a").unwrap();
    let s = Settings::new(
        vec![dir.path().to_path_buf()],
        vec![r3a, &BREAKS_BUILD],
        Mode::DryRun,
    );
    let report = verify::verify(engine::run(&s), &s).unwrap();
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
