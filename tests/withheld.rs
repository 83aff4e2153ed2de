//! A finding whose fix a precondition withheld says which one, in every output: the text line ends with
//! `(no fix: ...)`, JSON carries `skipped_reason: "precondition"` and `fix_withheld`, SARIF carries
//! `fixWithheld` (and the same skipped reason) in the result's properties. A fixable finding next to it
//! carries none of these, so a bot can count withheld fixes by the field alone.

mod common;
use common::BIN;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Two R3a findings: a spin-wait (reported, the fix withheld) and a yield in a loop that ends by itself
/// (a Safe fix).
const SRC: &str = r#"package feed

import (
	"runtime"
	"sync/atomic"
)

var ready atomic.Bool

func waitReady() {
	for !ready.Load() {
		runtime.Gosched()
	}
}

func total(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
		runtime.Gosched()
	}
	return t
}
"#;

const REASON: &str = "the loop waits for another goroutine, and without the yield it would spin";

fn module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/feed\n\ngo 1.22\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("feed.go"), SRC).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .current_dir(dir)
        .args(["--select", "R3a"])
        .args(args)
        .arg(".")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The entries of `list` whose `line_of` is `line`: exactly one.
fn at_line(list: &[Value], line_of: impl Fn(&Value) -> Option<u64>, line: u64) -> &Value {
    let hits: Vec<&Value> = list.iter().filter(|f| line_of(f) == Some(line)).collect();
    assert_eq!(hits.len(), 1, "one finding at line {line}: {list:#?}");
    hits[0]
}

#[test]
fn text_line_says_what_withheld_the_fix() {
    let dir = module();
    let out = run(dir.path(), &[]);
    let spin = out.lines().find(|l| l.starts_with("feed.go:12:")).unwrap();
    assert!(spin.ends_with(&format!("(no fix: {REASON})")), "{spin}");
    assert!(!spin.contains("[*]"), "{spin}");
    let fixable = out.lines().find(|l| l.starts_with("feed.go:20:")).unwrap();
    assert!(fixable.contains("R3a [*]"), "{fixable}");
    assert!(!fixable.contains("no fix"), "{fixable}");
}

#[test]
fn json_carries_the_precondition_as_fields() {
    let dir = module();
    let doc: Value = serde_json::from_str(&run(dir.path(), &["--format", "json"])).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{doc:#}");
    let spin = at_line(findings, |f| f["start"]["line"].as_u64(), 12);
    assert_eq!(spin["skipped_reason"], "precondition");
    assert_eq!(spin["fix_withheld"], REASON);
    assert!(spin["fix"].is_null());
    let fixable = at_line(findings, |f| f["start"]["line"].as_u64(), 20);
    assert!(fixable["fix_withheld"].is_null(), "{fixable:#}");
    assert_ne!(fixable["skipped_reason"], "precondition");
    assert_eq!(fixable["fix"]["applicability"], "safe");
}

#[test]
fn sarif_carries_fix_withheld() {
    let dir = module();
    let doc: Value = serde_json::from_str(&run(dir.path(), &["--format", "sarif"])).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{doc:#}");
    let line = |r: &Value| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64();
    let spin = at_line(results, line, 12);
    assert_eq!(spin["properties"]["fixWithheld"], REASON);
    assert_eq!(spin["properties"]["skippedReason"], "precondition");
    assert!(spin["properties"]["applicability"].is_null());
    let fixable = at_line(results, line, 20);
    assert!(
        fixable["properties"].get("fixWithheld").is_none(),
        "{fixable:#}"
    );
    assert_eq!(fixable["properties"]["applicability"], "safe");
}
