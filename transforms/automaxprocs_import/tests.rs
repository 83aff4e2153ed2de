use super::awareness::sets_gomaxprocs;
use super::files::has_platform_suffix;
use super::*;
use crate::run::engine::RunOutcome;
use crate::run::settings::Mode;
use crate::testing::{check_no_fix_go, run_one};

const SERVICE: &str = "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n)\n\nfunc main() {\n\tlog.Fatal(http.ListenAndServe(\":8080\", nil))\n}\n";
const SERVICE_FIXED: &str = "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\n\t_ \"go.uber.org/automaxprocs\"\n)\n\nfunc main() {\n\tlog.Fatal(http.ListenAndServe(\":8080\", nil))\n}\n";

/// Runs R5 over a module given as (path, text) pairs with unsafe fixes: the dry-run outcome (changes,
/// applied counts) and the check-mode findings.
fn run_tree(files: &[(&str, &str)]) -> (RunOutcome, Vec<String>) {
    let (_, checked) = crate::testing::run_tree(&TRANSFORM, files, Mode::Check, true, &[]);
    let findings = checked
        .findings
        .into_iter()
        .map(|(_, f)| f.message)
        .collect();
    let (_, fixed) = crate::testing::run_tree(&TRANSFORM, files, Mode::DryRun, true, &[]);
    (fixed, findings)
}

fn changed<'a>(out: &'a RunOutcome, suffix: &str) -> Option<&'a str> {
    out.changes
        .iter()
        .find(|c| c.display.ends_with(suffix))
        .map(|c| std::str::from_utf8(&c.new).expect("utf8"))
}

#[test]
fn doc_example_round_trips() {
    let doc = crate::catalog::docs::doc(&TRANSFORM);
    let example = crate::catalog::docs::go_block(&doc, "## Example").expect("Example block");
    let use_instead =
        crate::catalog::docs::go_block(&doc, "## Use instead").expect("Use instead block");
    let (fixed, _) = run_one(&TRANSFORM, "1.22", &example, true);
    assert_eq!(fixed, use_instead);
    let (again, _) = run_one(&TRANSFORM, "1.25", &use_instead, true);
    assert_eq!(again, example, "at go 1.25 the rewrite is undone");
}

#[test]
fn workspace_counts_only_in_the_cautious_direction() {
    // A go.work at go 1.25 above a go 1.22 module: the runtime may already be container-aware.
    let (_, found) = run_tree(&[
        ("go.work", "go 1.25\n\nuse ./svc\n"),
        ("svc/go.mod", "module example.com/svc\n\ngo 1.22\n"),
        ("svc/main.go", SERVICE),
    ]);
    assert!(found.is_empty());
    let (_, found) = run_tree(&[
        ("svc/go.mod", "module example.com/svc\n\ngo 1.22\n"),
        ("svc/main.go", SERVICE),
    ]);
    assert_eq!(found.len(), 1, "control: the same module without go.work");
    // A go.work that switches the sizing off keeps a go 1.25 module's import.
    let (_, found) = run_tree(&[
        (
            "go.work",
            "go 1.25\n\ngodebug containermaxprocs=0\n\nuse ./svc\n",
        ),
        ("svc/go.mod", "module example.com/svc\n\ngo 1.25\n"),
        ("svc/main.go", SERVICE_FIXED),
    ]);
    assert!(found.is_empty());
}

#[test]
fn adds_v1_6_0_with_require_and_sums() {
    let (out, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
        ("main.go", SERVICE),
    ]);
    assert_eq!(found.len(), 1);
    assert_eq!(changed(&out, "main.go"), Some(SERVICE_FIXED));
    assert_eq!(
        changed(&out, "go.mod"),
        Some("module example.com/svc\n\ngo 1.22\n\nrequire go.uber.org/automaxprocs v1.6.0\n")
    );
    assert_eq!(changed(&out, "go.sum").map(|s| s.lines().count()), Some(2));
}

#[test]
fn picks_v1_5_3_for_go_1_19_and_nothing_below_1_18() {
    let (out, _) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.19\n"),
        ("main.go", SERVICE),
    ]);
    assert!(changed(&out, "go.mod").is_some_and(|t| t.contains("automaxprocs v1.5.3")));
    assert!(changed(&out, "go.sum").is_some_and(|t| t.contains("v1.5.3/go.mod h1:eRbA25")));
    check_no_fix_go(&TRANSFORM, "1.17", SERVICE);
}

#[test]
fn go_1_25_never_adds_but_removes_a_blank_import() {
    check_no_fix_go(&TRANSFORM, "1.25", SERVICE);
    let (fixed, _) = run_one(&TRANSFORM, "1.25", SERVICE_FIXED, true);
    assert_eq!(fixed, SERVICE);
    let (_, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.25\n"),
        ("main.go", SERVICE_FIXED),
    ]);
    assert!(
        found.len() == 1
            && found[0].contains("go mod tidy")
            && found[0].contains("switches those updates off")
    );
    // A test binary's or a generator's import is left alone.
    let test = "package main\n\nimport (\n\t\"testing\"\n\n\t_ \"go.uber.org/automaxprocs\"\n)\n\nfunc TestX(t *testing.T) {}\n";
    let generator = format!("//go:build ignore\n\n{SERVICE_FIXED}");
    let (_, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.25\n"),
        ("main.go", SERVICE),
        ("main_test.go", test),
        ("gen.go", &generator),
    ]);
    assert!(found.is_empty(), "{found:?}");
    // Not applied without --unsafe-fixes.
    let (kept, _) = run_one(&TRANSFORM, "1.25", SERVICE_FIXED, false);
    assert_eq!(kept, SERVICE_FIXED);
}

#[test]
fn libraries_and_generators_are_left_alone() {
    check_no_fix_go(&TRANSFORM, "1.22", "package server\n\nfunc Run() {}\n");
    // A `go run gen.go` generator in a library directory.
    let generator = "//go:build ignore\n\npackage main\n\nfunc main() {}\n";
    let (_, found) = run_tree(&[
        ("go.mod", "module example.com/lib\n\ngo 1.22\n"),
        ("gen.go", generator),
        ("lib.go", "package lib\n"),
    ]);
    assert!(found.is_empty());
    // A main package without func main (a plugin).
    check_no_fix_go(&TRANSFORM, "1.22", "package main\n\nfunc Hook() {}\n");
}

#[test]
fn module_wide_gomaxprocs_policy_blocks() {
    let cfg =
        "package config\n\nimport \"runtime\"\n\nfunc Apply(n int) {\n\truntime.GOMAXPROCS(n)\n}\n";
    let (_, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
        ("main.go", SERVICE),
        ("internal/config/config.go", cfg),
    ]);
    assert!(found.is_empty());
    // A query (`GOMAXPROCS(0)`) is not a policy; neither is a test's setting.
    let q = "package config\n\nimport \"runtime\"\n\nfunc Procs() int { return runtime.GOMAXPROCS(0) }\n";
    let t = "package config\n\nimport (\n\t\"runtime\"\n\t\"testing\"\n)\n\nfunc TestX(t *testing.T) { runtime.GOMAXPROCS(1) }\n";
    let (_, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
        ("main.go", SERVICE),
        ("internal/config/config.go", q),
        ("internal/config/config_test.go", t),
    ]);
    assert_eq!(found.len(), 1);
    // Nested modules and testdata do not count.
    let (_, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
        ("main.go", SERVICE),
        ("tools/go.mod", "module example.com/tools\n\ngo 1.22\n"),
        ("tools/t.go", cfg),
        ("testdata/x.go", cfg),
    ]);
    assert_eq!(found.len(), 1);
}

#[test]
fn policy_detection_reads_literals_and_aliases() {
    assert!(!sets_gomaxprocs(
        "package m\n\nimport \"runtime\"\n\nvar n = runtime.GOMAXPROCS(-1)\n"
    ));
    assert!(!sets_gomaxprocs(
        "package m\n\nimport \"runtime\"\n\nvar n = runtime.GOMAXPROCS((0x0))\n"
    ));
    assert!(sets_gomaxprocs(
        "package m\n\nimport \"runtime\"\n\nvar n = runtime.GOMAXPROCS(4)\n"
    ));
    assert!(sets_gomaxprocs(
        "package m\n\nimport rt \"runtime\"\n\nvar f = rt.GOMAXPROCS\n"
    ));
    assert!(sets_gomaxprocs(
        "package m\n\nimport . \"runtime\"\n\nfunc f() { GOMAXPROCS(2) }\n"
    ));
    assert!(!sets_gomaxprocs(
        "package m\n\n// runtime.GOMAXPROCS(8) is set by the operator\nfunc f() {}\n"
    ));
}

#[test]
fn godebug_and_vendoring() {
    let (_, found) = run_tree(&[
        (
            "go.mod",
            "module example.com/svc\n\ngo 1.24\n\ngodebug containermaxprocs=1\n",
        ),
        ("main.go", SERVICE),
    ]);
    assert!(found.is_empty());
    let directive = format!("//go:debug default=go1.25\n{SERVICE}");
    let (_, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.24\n"),
        ("main.go", &directive),
    ]);
    assert!(found.is_empty());
    // At 1.25 with the runtime's sizing switched off, the import is the only sizing left: keep it.
    let (_, found) = run_tree(&[
        (
            "go.mod",
            "module example.com/svc\n\ngo 1.25\n\ngodebug containermaxprocs=0\n",
        ),
        ("main.go", SERVICE_FIXED),
    ]);
    assert!(found.is_empty());
    let (out, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
        ("vendor/modules.txt", ""),
        ("main.go", SERVICE),
    ]);
    assert_eq!(found.len(), 1);
    assert!(out.findings[0].1.fix.is_none() && out.changes.is_empty());
}

#[test]
fn constrained_files_pick_the_free_file_or_every_main() {
    // Services that block forever (a one-shot `func main() {}` is not a service).
    let linux = "//go:build linux\n\npackage main\n\nfunc main() { select {} }\n";
    let windows = "//go:build windows\n\npackage main\n\nfunc main() { select {} }\n";
    let flags = "package main\n\nvar verbose bool\n";
    let (out, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
        ("main_linux.go", linux),
        ("main_windows.go", windows),
        ("flags.go", flags),
    ]);
    assert_eq!(found.len(), 1);
    assert!(
        changed(&out, "flags.go").is_some_and(|t| t.contains("_ \"go.uber.org/automaxprocs\""))
    );
    assert!(changed(&out, "main_linux.go").is_none());
    let (out, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
        ("main_linux.go", linux),
        ("main_windows.go", windows),
    ]);
    assert_eq!(found.len(), 1);
    assert!(changed(&out, "main_linux.go").is_some() && changed(&out, "main_windows.go").is_some());
    assert!(has_platform_suffix("main_linux.go") && has_platform_suffix("x_linux_arm64.go"));
    assert!(!has_platform_suffix("linux.go") && !has_platform_suffix("http_server.go"));
}

#[test]
fn one_shot_programs_do_not_fire() {
    let (_, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
        ("main.go", "package main\n\nfunc main() {}\n"),
    ]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn two_main_packages_share_one_require() {
    let (out, found) = run_tree(&[
        ("go.mod", "module example.com/svc\n\ngo 1.23\n"),
        ("cmd/a/main.go", SERVICE),
        ("cmd/b/main.go", SERVICE),
    ]);
    assert_eq!(found.len(), 2);
    assert_eq!(
        changed(&out, "go.mod").map(|t| t.matches("automaxprocs").count()),
        Some(1)
    );
    assert_eq!(changed(&out, "go.sum").map(|t| t.lines().count()), Some(2));
}
