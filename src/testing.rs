//! Test support shared by unit tests, the golden harness and the CLI tests: a txtar parser and helpers
//! that run one transform on a small module written to a temporary directory.

use crate::engine::{self, RunOutcome};
use crate::settings::{Mode, Settings};
use crate::transform::Transform;
use std::path::Path;

/// A txtar archive: a comment, then `-- name --` sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Txtar {
    pub comment: String,
    pub files: Vec<(String, String)>,
}

pub fn parse_txtar(text: &str) -> Result<Txtar, String> {
    let mut comment = String::new();
    let mut files: Vec<(String, String)> = vec![];
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end_matches('\n');
        if let Some(name) = trimmed
            .strip_prefix("-- ")
            .and_then(|r| r.strip_suffix(" --"))
        {
            let name = name.trim().to_string();
            if files.iter().any(|(n, _)| *n == name) {
                return Err(format!("duplicate section {name}"));
            }
            files.push((name, String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
        } else {
            comment.push_str(line);
        }
    }
    if files.is_empty() {
        return Err("no files in archive".into());
    }
    Ok(Txtar { comment, files })
}

/// Writes `files` under `dir`.
pub fn write_tree(dir: &Path, files: &[(String, String)]) {
    for (name, body) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().expect("has parent")).expect("create dir");
        std::fs::write(p, body).expect("write file");
    }
}

/// Runs `t` over a one-file module (`go.mod` with `go <go>`) and returns the fixed text and the outcome.
pub fn run_one(
    t: &'static Transform,
    go: &str,
    src: &str,
    unsafe_fixes: bool,
) -> (String, RunOutcome) {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(
        dir.path(),
        &[
            (
                "go.mod".into(),
                format!("module example.com/m\n\ngo {go}\n"),
            ),
            ("x.go".into(), src.into()),
        ],
    );
    let mut s = Settings::new(vec![dir.path().to_path_buf()], vec![t], Mode::DryRun);
    if unsafe_fixes {
        s.threshold = crate::fix::Applicability::Unsafe;
    }
    let out = engine::run(&s);
    assert!(out.problems.is_empty(), "problems: {:?}", out.problems);
    let fixed = out
        .changes
        .iter()
        .find(|c| c.path.ends_with("x.go"))
        .map_or_else(
            || src.to_string(),
            |c| String::from_utf8(c.new.clone()).expect("utf8"),
        );
    (fixed, out)
}

/// Asserts that `t` rewrites `before` into `after` (module go line `go`), with a Safe fix.
pub fn check_fix_go(t: &'static Transform, go: &str, before: &str, after: &str) {
    let (fixed, out) = run_one(t, go, before, false);
    assert_eq!(fixed, after, "findings: {:?}", out.findings);
    let (again, out2) = run_one(t, go, &fixed, false);
    assert_eq!(again, fixed, "second run changed the output");
    assert!(out2.changes.is_empty());
}

pub fn check_fix(t: &'static Transform, before: &str, after: &str) {
    check_fix_go(t, "1.22", before, after);
}

/// Asserts that `t` reports nothing on `src`.
pub fn check_no_fix_go(t: &'static Transform, go: &str, src: &str) {
    let (fixed, out) = run_one(t, go, src, true);
    assert!(
        out.findings.is_empty(),
        "unexpected findings: {:?}",
        out.findings
    );
    assert_eq!(fixed, src);
}

pub fn check_no_fix(t: &'static Transform, src: &str) {
    check_no_fix_go(t, "1.22", src);
}

/// Asserts that `t` reports on `src` without any applicable fix.
pub fn check_detect_only_go(t: &'static Transform, go: &str, src: &str) -> Vec<String> {
    let (fixed, out) = run_one(t, go, src, true);
    assert!(!out.findings.is_empty(), "expected a finding");
    assert_eq!(fixed, src, "expected no edits");
    out.findings
        .iter()
        .map(|(_, f)| f.message.clone())
        .collect()
}
