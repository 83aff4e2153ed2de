//! `--verify`: fixes that build are kept, a transform whose fixes break a package is dropped there (and only
//! there), the working tree is never touched, go.mod edits are verified through the overlay, a package that
//! was already broken keeps its fixes with a note, and a missing go tool is a clear error.
//! These run the real go tool (skipped without it unless GOFIXRT_REQUIRE_GO=1).

mod common;
use common::{
    ALSO_BREAKS_BUILD, BREAKS_BUILD, GOMOD, files_under, go_available, gofix_cmd, output,
    tree as module, verify_with,
};

use gofix_rt::catalog::registry;
use gofix_rt::run::engine;
use gofix_rt::run::settings::{Mode, Settings};
use gofix_rt::run::verify;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// R6.1 removes the empty default.
const SPIN: &str = "package m\n\nfunc f(a chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tdefault:\n\t\t}\n\t}\n}\n";
/// R3a removes the call and then the unused import.
const YIELD: &str =
    "package b\n\nimport \"runtime\"\n\nfunc Yield() {\n\truntime.Gosched()\n\tprintln()\n}\n";

/// Every file under `dir` with its bytes: a snapshot to prove nothing was written, created or removed.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir, dir)
}

fn run(dir: &Path, args: &[&str], path_env: Option<&str>) -> (String, String, i32) {
    let mut cmd = gofix_cmd(dir);
    cmd.args(args);
    if let Some(p) = path_env {
        cmd.env("PATH", p);
    }
    output(&mut cmd)
}

/// `gofix-rt --dry-run --verify ARGS` in `cwd` (inside the tree `dir`): fixes to show (exit 1), nothing
/// dropped or noted by verify, nothing written; the diff.
fn verified_dry_run(dir: &Path, cwd: &Path, args: &[&str]) -> String {
    let before = snapshot(dir);
    let args: Vec<&str> = ["--dry-run", "--verify"]
        .iter()
        .chain(args)
        .copied()
        .collect();
    let (diff, err, code) = run(cwd, &args, None);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("verify:"), "{err}");
    assert_eq!(snapshot(dir), before, "--dry-run --verify wrote");
    diff
}

/// A stand-in for a transform with a bug the syntax check cannot see: it renames `work()` calls to a
/// function that does not exist. The result parses; only the compiler rejects it.
#[test]
fn a_breaking_transform_is_dropped_in_its_package_and_the_other_fixes_are_kept() {
    if !go_available() {
        return;
    }
    let a = "package a\n\nimport \"runtime\"\n\nfunc work() {}\n\nfunc Run() {\n\truntime.Gosched()\n\twork()\n}\n";
    let c = "package c\n\nfunc work() {}\n";
    let dir = module(&[
        ("go.mod", GOMOD),
        ("a/a.go", a),
        ("b/b.go", YIELD),
        ("c/c.go", c),
    ]);
    let before = snapshot(dir.path());
    let r3a = registry::lookup("R3a").unwrap();
    let s = Settings::new(
        vec![dir.path().to_path_buf()],
        vec![r3a, &BREAKS_BUILD],
        Mode::DryRun,
    );
    let outcome = engine::run(&s);
    assert_eq!(outcome.applied.get("X9"), Some(&1));
    let report = verify::verify(outcome, &s).unwrap();
    assert_eq!(report.dropped.len(), 1, "{:?}", report.dropped);
    let d = &report.dropped[0];
    assert!(d.path.ends_with("/a"), "{}", d.path);
    assert_eq!(d.codes, vec!["X9"]);
    assert!(d.message.contains("undefined: doWork"), "{}", d.message);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let text = |name: &str| {
        report
            .outcome
            .changes
            .iter()
            .find(|c| c.path.ends_with(name))
            .map(|c| String::from_utf8(c.new.clone()).unwrap())
    };
    // R3a's fix in the same package survives; X9's is gone; the other package is untouched by the drop.
    assert_eq!(
        text("a/a.go").unwrap(),
        "package a\n\nfunc work() {}\n\nfunc Run() {\n\twork()\n}\n"
    );
    assert!(!text("b/b.go").unwrap().contains("Gosched"));
    assert_eq!(report.outcome.changes.len(), 2);
    assert_eq!(report.outcome.applied.get("R3a"), Some(&2));
    assert_eq!(report.outcome.applied.get("X9"), None);
    assert!(report.outcome.ledger.iter().all(|a| a.code != "X9"));
    assert_eq!(
        report.outcome.ledger.len(),
        2,
        "{:?}",
        report.outcome.ledger
    );
    // The dropped fix's finding is still reported.
    assert!(
        report
            .outcome
            .findings
            .iter()
            .any(|(p, f)| p.ends_with("a/a.go") && f.code == "X9")
    );
    assert_eq!(snapshot(dir.path()), before, "verify wrote to the tree");
}

#[test]
fn fixes_that_build_are_kept_and_the_tree_is_untouched() {
    if !go_available() {
        return;
    }
    let dir = module(&[("go.mod", GOMOD), ("x.go", SPIN), ("b/b.go", YIELD)]);
    let diff = verified_dry_run(dir.path(), dir.path(), &["."]);
    assert!(diff.contains("-\t\tdefault:") && diff.contains("-\truntime.Gosched()"));
    let (_, err, code) = run(dir.path(), &["--write", "--verify", "."], None);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("applied 2 fixes in 2 files"), "{err}");
    assert!(
        !std::fs::read_to_string(dir.path().join("x.go"))
            .unwrap()
            .contains("default:")
    );
}

#[test]
fn a_go_mod_edit_is_verified_through_the_overlay_without_writing_go_sum() {
    if !go_available() {
        return;
    }
    let main = "package main\n\nfunc main() { select {} }\n";
    let dir = module(&[("go.mod", GOMOD), ("cmd/app/main.go", main)]);
    // With -mod=mod (e.g. from GOFLAGS) the go tool would write go.sum if it were not part of the overlay.
    let diff = verified_dry_run(dir.path(), dir.path(), &R5_UNSAFE);
    assert!(diff.contains("+require go.uber.org/automaxprocs"), "{diff}");
    assert!(diff.contains("b/go.sum"), "{diff}");
}

const R5_UNSAFE: [&str; 4] = ["--unsafe-fixes", "--select", "R5", "."];

/// In workspace mode `-mod=mod` is an error, so the check keeps the default readonly mode.
#[test]
fn a_go_mod_edit_is_verified_inside_a_workspace() {
    if !go_available() {
        return;
    }
    let main = "package main\n\nfunc main() { select {} }\n";
    let dir = module(&[
        ("go.work", "go 1.22\n\nuse ./m\n"),
        ("m/go.mod", GOMOD),
        ("m/cmd/app/main.go", main),
    ]);
    let diff = verified_dry_run(dir.path(), &dir.path().join("m"), &R5_UNSAFE);
    assert!(diff.contains("+require go.uber.org/automaxprocs"), "{diff}");
}

#[test]
fn a_package_broken_before_the_fixes_keeps_them_with_a_note() {
    if !go_available() {
        return;
    }
    let broken = "package m\n\nvar n int = \"not an int\"\n";
    let dir = module(&[("go.mod", GOMOD), ("x.go", SPIN), ("y.go", broken)]);
    let (_, err, code) = run(dir.path(), &["--write", "--verify", "."], None);
    assert_eq!(code, 0, "{err}");
    let note = err
        .lines()
        .find(|l| l.contains(": warning: verify: "))
        .expect(&err);
    assert!(
        note.contains("does not build without the fixes either") && note.contains("y.go:3"),
        "{note}"
    );
    assert!(
        !std::fs::read_to_string(dir.path().join("x.go"))
            .unwrap()
            .contains("default:")
    );
}

#[test]
fn missing_go_is_a_clear_error() {
    let dir = module(&[("go.mod", GOMOD), ("x.go", SPIN)]);
    let empty = tempfile::tempdir().unwrap();
    let path = empty.path().to_str().unwrap();
    let (out, err, code) = run(dir.path(), &["--write", "--verify", "."], Some(path));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("error: --verify needs the go command"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("x.go")).unwrap(),
        SPIN
    );
    let (_, err, code) = run(dir.path(), &["--verify", "."], None);
    assert_eq!(code, 2);
    assert!(
        err.contains("use it with --dry-run, --write or --branch"),
        "{err}"
    );
}

/// A git-ignored generated file of the same package declares a package-level `metrics`. The go tool
/// compiles it, so the run reads it as package context (never edits it): R1 imports runtime/metrics under
/// an alias instead of clashing, and the verified result builds with nothing dropped.
#[test]
fn a_git_ignored_file_of_the_package_is_seen_and_the_fix_builds() {
    if !go_available() {
        return;
    }
    let generated = "// Code generated by gen-metrics. DO NOT EDIT.\n\npackage stats\n\nvar metrics = map[string]uint64{}\n";
    let collect = "package stats\n\nimport \"runtime\"\n\nfunc Collect() {\n\tvar mem runtime.MemStats\n\truntime.ReadMemStats(&mem)\n\tmetrics[\"heap_alloc\"] = mem.HeapAlloc\n}\n";
    let dir = module(&[
        ("go.mod", GOMOD),
        (".gitignore", "zz_gen.go\n"),
        ("stats/zz_gen.go", generated),
        ("stats/collect.go", collect),
    ]);
    let diff = verified_dry_run(dir.path(), dir.path(), &["."]);
    assert!(diff.contains("rtmetrics \"runtime/metrics\""), "{diff}");
    let (_, err, code) = run(dir.path(), &["--write", "--verify", "."], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("stats/zz_gen.go")).unwrap(),
        generated
    );
    let build = Command::new("go")
        .args(["build", "./..."])
        .current_dir(dir.path())
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
}

/// A directory of test files only cannot be built, but vet compiles it: a fix there is verified, not
/// waved through as "broken before".
#[test]
fn test_only_packages_are_checked_by_vet() {
    if !go_available() {
        return;
    }
    let spin_test = "package p\n\nimport \"testing\"\n\nfunc spin(a chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tdefault:\n\t\t}\n\t}\n}\n\nfunc TestSpin(t *testing.T) { _ = spin }\n";
    let dir = module(&[("go.mod", GOMOD), ("p/p_test.go", spin_test)]);
    let diff = verified_dry_run(dir.path(), dir.path(), &["."]);
    assert!(diff.contains("-\t\tdefault:"), "{diff}");
}

#[test]
fn two_broken_transforms_in_one_package_are_both_dropped_and_the_good_one_kept() {
    if !go_available() {
        return;
    }
    let a = "package a\n\nimport \"runtime\"\n\nfunc work() {}\n\nfunc rest() {}\n\nfunc Run() {\n\truntime.Gosched()\n\twork()\n\trest()\n}\n";
    let dir = module(&[("go.mod", GOMOD), ("a/a.go", a)]);
    let r3a = registry::lookup("R3a").unwrap();
    let report = verify_with(dir.path(), vec![r3a, &ALSO_BREAKS_BUILD, &BREAKS_BUILD]);
    assert_eq!(report.dropped.len(), 1, "{:?}", report.dropped);
    assert_eq!(report.dropped[0].codes, vec!["X8", "X9"]);
    let fixed = String::from_utf8(report.outcome.changes[0].new.clone()).unwrap();
    assert_eq!(
        fixed,
        "package a\n\nfunc work() {}\n\nfunc rest() {}\n\nfunc Run() {\n\twork()\n\trest()\n}\n"
    );
}

/// go.mod and go.sum are overlaid even when no fix touches them: with `GOFLAGS=-mod=mod` in the user's
/// environment the go tool would otherwise add the missing go.sum lines to the working tree.
#[test]
fn a_users_mod_mod_cannot_make_verify_write_go_sum() {
    if !go_available() {
        return;
    }
    let gomod = "module example.com/m\n\ngo 1.22\n\nrequire go.uber.org/automaxprocs v1.6.0\n";
    // The changed package imports the module whose go.sum lines are missing.
    let main = format!(
        "package main\n\nimport _ \"go.uber.org/automaxprocs\"\n\nfunc main() {{}}\n{}",
        &SPIN["package m\n".len()..]
    );
    let dir = module(&[("go.mod", gomod), ("main.go", &main)]);
    let before = snapshot(dir.path());
    let out = gofix_cmd(dir.path())
        .args(["--dry-run", "--verify", "."])
        .env("GOFLAGS", "-mod=mod")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!dir.path().join("go.sum").exists(), "verify wrote go.sum");
    assert_eq!(snapshot(dir.path()), before);
}

/// A package that fails only because a package it imports was broken keeps its own fixes.
#[test]
fn an_importer_of_a_broken_package_keeps_its_own_fixes() {
    if !go_available() {
        return;
    }
    let a = "package a\n\nfunc work() {}\n\nfunc Run() {\n\twork()\n}\n";
    let b = "package b\n\nimport (\n\t\"runtime\"\n\n\t\"example.com/m/a\"\n)\n\nfunc Yield() {\n\truntime.Gosched()\n\ta.Run()\n}\n";
    let dir = module(&[("go.mod", GOMOD), ("a/a.go", a), ("b/b.go", b)]);
    let report = verify_with(
        dir.path(),
        vec![registry::lookup("R3a").unwrap(), &BREAKS_BUILD],
    );
    let dropped: Vec<(&str, &[&str])> = report
        .dropped
        .iter()
        .map(|d| (&d.path[d.path.len() - 1..], &d.codes[..]))
        .collect();
    assert_eq!(dropped, [("a", &["X9"][..])]);
    assert_eq!(report.outcome.applied.get("R3a"), Some(&1));
    assert_eq!(report.outcome.changes.len(), 1);
    assert!(report.outcome.changes[0].path.ends_with("b/b.go"));
}
