//! Reading the tree as the go tool does: ignore rules never hide a file git tracks, and broken links or
//! link loops where no rule reads are no run error.

mod common;
use common::gofix as run;
use std::path::Path;
use std::process::Command;

/// A main package with one R3a finding (a stray Gosched).
const YIELDS: &str = "package main\n\nimport \"runtime\"\n\nfunc main() {\n\tprintln(\"status\")\n\truntime.Gosched()\n}\n";

fn write(dir: &Path, name: &str, body: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, body).unwrap();
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git on PATH");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

#[test]
fn gitignore_does_not_hide_files_the_index_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "go.mod", "module example.com/status\n\ngo 1.22\n");
    // A line meant for the built binary also matches the command's source directory.
    write(d, ".gitignore", "fbstatus\nscratch/\n");
    write(d, "cmd/fbstatus/main.go", YIELDS);
    // Ignored and untracked: still hidden.
    write(d, "scratch/try.go", YIELDS);
    git(d, &["init", "-q"]);
    git(
        d,
        &["add", "-f", "go.mod", ".gitignore", "cmd/fbstatus/main.go"],
    );

    let (out, stderr, code) = run(d, &["--select", "R3a", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        out.starts_with("cmd/fbstatus/main.go:7:2: R3a"),
        "tracked file not read:\n{out}{stderr}"
    );
    assert!(!out.contains("scratch/"), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    // --write fixes the tracked file like any other.
    let (_, stderr, code) = run(d, &["--select", "R3a", "--write", "."]);
    assert_eq!(code, 0, "{stderr}");
    let fixed = std::fs::read_to_string(d.join("cmd/fbstatus/main.go")).unwrap();
    assert!(!fixed.contains("Gosched"), "{fixed}");
    assert_eq!(
        std::fs::read_to_string(d.join("scratch/try.go")).unwrap(),
        YIELDS
    );
}

#[test]
fn tracked_files_still_follow_the_go_tool_exclusions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "go.mod", "module example.com/status\n\ngo 1.22\n");
    write(d, ".gitignore", "*.go\n");
    write(d, "main.go", YIELDS);
    write(d, "testdata/fixture.go", YIELDS);
    write(d, "vendor/dep/dep.go", YIELDS);
    write(d, "_old/old.go", YIELDS);
    git(d, &["init", "-q"]);
    git(d, &["add", "-f", "."]);
    let (out, stderr, code) = run(d, &["--select", "R3a", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out.lines().collect::<Vec<_>>().len(), 1, "{out}");
    assert!(out.starts_with("main.go:"), "{out}");
}

#[test]
fn broken_links_and_loops_where_no_rule_reads_are_no_run_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "go.mod", "module example.com/status\n\ngo 1.22\n");
    write(d, "main.go", YIELDS);
    write(d, "node_modules/tool/package.json", "{}\n");
    std::os::unix::fs::symlink("../gone/cli.js", d.join("node_modules/tool/cli")).unwrap();
    std::fs::create_dir_all(d.join("docs/img")).unwrap();
    std::os::unix::fs::symlink("../..", d.join("docs/img/root")).unwrap();
    std::os::unix::fs::symlink("missing.png", d.join("docs/logo.png")).unwrap();

    let (out, stderr, code) = run(d, &["--select", "R3a", "."]);
    assert_eq!(code, 1, "{out}{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    assert_eq!(out.lines().count(), 1, "{out}");

    // A dangling link named like a file a rule reads is still reported: that file cannot be read.
    std::os::unix::fs::symlink("nowhere.go", d.join("docs/example.go")).unwrap();
    let (_, stderr, code) = run(d, &["--select", "R3a", "."]);
    assert_eq!(code, 2, "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].starts_with("docs/example.go:") && errors[0].contains("no such file"),
        "{stderr}"
    );
}
