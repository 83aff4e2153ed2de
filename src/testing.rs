//! Test support shared by unit tests, the golden harness and the CLI tests: a txtar parser and helpers
//! that run one transform on a small module written to a temporary directory.

use crate::rules::transform::Transform;
use crate::run::engine::{self, RunOutcome};
use crate::run::settings::{Mode, Settings};
use std::path::Path;

/// One Go file at Go 1.22, as the engine holds it, for unit tests of the semantic model.
pub fn go_file(name: &str, text: &str) -> crate::semantic::package::PkgFile {
    crate::semantic::package::PkgFile::new(
        name.into(),
        name.to_string(),
        crate::read::source::SourceText::decode(text.as_bytes()).expect("utf-8"),
        crate::read::version::FileVersions::new(crate::read::version::GoVersion(22), None),
    )
}

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

/// Runs `t` alone over `files` (written to a temporary directory) in `mode`; `unsafe_fixes` lowers the
/// threshold, `opts` are `--opt` pairs. Panics on any per-file problem.
pub fn run_tree(
    t: &'static Transform,
    files: &[(&str, &str)],
    mode: Mode,
    unsafe_fixes: bool,
    opts: &[(&str, &str)],
) -> (tempfile::TempDir, RunOutcome) {
    let dir = tempfile::tempdir().expect("tempdir");
    let owned: Vec<(String, String)> = files
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_string()))
        .collect();
    write_tree(dir.path(), &owned);
    let mut s = Settings::new(vec![dir.path().to_path_buf()], vec![t], mode);
    if unsafe_fixes {
        s.threshold = crate::rules::fix::Applicability::Unsafe;
    }
    s.options.values = opts
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let out = engine::run(&s);
    assert!(out.problems.is_empty(), "problems: {:?}", out.problems);
    (dir, out)
}

/// The new text of the file whose path ends with `name`, or `original` when it did not change.
pub fn changed_text(out: &RunOutcome, name: &str, original: &str) -> String {
    out.changes
        .iter()
        .find(|c| c.path.ends_with(name))
        .map_or_else(
            || original.to_string(),
            |c| String::from_utf8(c.new.clone()).expect("utf8"),
        )
}

/// Runs `t` over a one-file module (`go.mod` with `go <go>`) and returns the fixed text and the outcome.
pub fn run_one(
    t: &'static Transform,
    go: &str,
    src: &str,
    unsafe_fixes: bool,
) -> (String, RunOutcome) {
    let gomod = format!("module example.com/m\n\ngo {go}\n");
    let (_dir, out) = run_tree(
        t,
        &[("go.mod", &gomod), ("x.go", src)],
        Mode::DryRun,
        unsafe_fixes,
        &[],
    );
    (changed_text(&out, "x.go", src), out)
}

/// The findings of a report-mode run on a one-file module (fix modes report only what remains).
pub fn findings(t: &'static Transform, go: &str, src: &str) -> Vec<crate::run::apply::Finding> {
    let gomod = format!("module m\n\ngo {go}\n");
    let (_dir, out) = run_tree(
        t,
        &[("go.mod", &gomod), ("x.go", src)],
        Mode::Check,
        false,
        &[],
    );
    out.findings.into_iter().map(|(_, f)| f).collect()
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

/// The whole pipeline on one Go file held in memory, for fuzzing: `bytes` becomes `x.go` in a temporary
/// module whose go.mod says `go <go>`, every transform runs with `--unsafe-fixes` in dry-run mode, and the
/// new text of `x.go` comes back (`None` when nothing changed). `Err` holds the per-file problems, one
/// `path: error: reason` line each, as the CLI prints them.
pub fn fix_text(bytes: &[u8], go: &str) -> Result<Option<String>, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
    let gomod = format!("module example.com/fuzz\n\ngo {go}\n");
    std::fs::write(dir.path().join("go.mod"), gomod).map_err(|e| e.to_string())?;
    let file = dir.path().join("x.go");
    std::fs::write(&file, bytes).map_err(|e| e.to_string())?;
    let mut s = Settings::new(
        vec![dir.path().to_path_buf()],
        crate::catalog::registry::all().to_vec(),
        Mode::DryRun,
    );
    s.threshold = crate::rules::fix::Applicability::Unsafe;
    let out = engine::run(&s);
    if !out.problems.is_empty() {
        return Err(out
            .problems
            .iter()
            .map(crate::output::emit::check::problem_line)
            .collect::<Vec<_>>()
            .join("\n"));
    }
    Ok(out
        .changes
        .iter()
        .find(|c| c.path == file)
        .map(|c| String::from_utf8_lossy(&c.new).into_owned()))
}

/// Does `text` parse without a syntax error?
pub fn parses(text: &str) -> bool {
    crate::read::syntax::first_error(&crate::read::syntax::parse(text)).is_none()
}

/// What the fuzz target checks on one input: no panic; no internal error; when the input parses, the output
/// parses too and a second run changes nothing. Panics with the reason otherwise; returns whether the
/// input was fixed (and checked as such).
pub fn check_pipeline(bytes: &[u8], go: &str) -> bool {
    let fixed = match fix_text(bytes, go) {
        Ok(fixed) => fixed,
        Err(e) => {
            assert!(
                !e.contains("internal error") && !e.contains("did not converge"),
                "{e}"
            );
            return false;
        }
    };
    let Some(fixed) = fixed else { return false };
    let input = String::from_utf8_lossy(bytes);
    if !parses(input.trim_start_matches('\u{feff}')) {
        return false;
    }
    assert!(
        parses(fixed.trim_start_matches('\u{feff}')),
        "the output does not parse:\n{fixed}"
    );
    match fix_text(fixed.as_bytes(), go) {
        Ok(None) => {}
        Ok(Some(again)) => panic!("a second run changed the output:\n{fixed}\n---\n{again}"),
        Err(e) => panic!("a second run failed: {e}\n{fixed}"),
    }
    true
}

/// Asserts that the rule's documented `## Example` becomes its `## Use instead` (the doc is tested code).
pub fn check_doc_example(t: &'static Transform) {
    let doc = crate::catalog::docs::doc(t);
    let before = crate::catalog::docs::go_block(&doc, "## Example").expect("Example block");
    let after = crate::catalog::docs::go_block(&doc, "## Use instead").expect("Use instead block");
    check_fix(t, &before, &after);
}

/// Runs `t` over `src` (module go line `go`, Safe fixes only) and asserts the fixed text holds each of
/// `parts`.
pub fn check_fixed_contains(t: &'static Transform, go: &str, src: &str, parts: &[&str]) {
    let (fixed, _) = run_one(t, go, src, false);
    for p in parts {
        assert!(
            fixed.contains(p),
            "{p:?} is not in the fixed text:\n{fixed}"
        );
    }
}

/// A finding at 3:2-3:9 of its file with `code` and `message`, no fix and no reason: a fixture for the
/// emitters' tests (set the fields a test is about with `..finding(code, message)`).
pub fn finding(code: &'static str, message: &str) -> crate::run::apply::Finding {
    crate::run::apply::Finding {
        code,
        line: 3,
        col: 2,
        message: message.into(),
        fix: None,
        fix_title: None,
        low_priority: false,
        withheld: None,
        skipped: None,
        end_line: 3,
        end_col: 9,
        range: crate::rules::fix::TextRange::new(0, 1),
        utf16_cols: (2, 9),
        fix_edits: vec![],
        fix_imports: vec![],
        fix_module_edits: vec![],
        heat: None,
    }
}
