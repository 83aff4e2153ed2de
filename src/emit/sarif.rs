//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. One run; every
//! transform is a rule (its `explain` text is the help); every finding a result with its location and,
//! when its fix is plain byte edits, a SARIF fix. tests/format.rs validates the output against the
//! SARIF 2.1.0 schema shipped in tests/data.
//!
//! Positions: lines and columns are 1-based as SARIF requires. Columns count UTF-16 code units, SARIF's
//! default `columnKind` (stated in the run) and what GitHub code scanning expects, not the bytes of the
//! text and JSON output; the two agree on ASCII lines. End columns are exclusive (the column after the
//! region).

use crate::apply::{Finding, FixEdit, SUPPRESSION_CODE};
use crate::emit::json::{rule_name, skipped_reason};
use crate::engine::RunOutcome;
use crate::settings::Settings;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where a SARIF viewer sends a reader for the tool (the crate's `repository`, when it declares one).
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

struct Rule {
    code: &'static str,
    name: &'static str,
    summary: &'static str,
    doc: String,
    applicability: &'static str,
}

fn rules() -> Vec<Rule> {
    let mut all: Vec<Rule> = crate::registry::all()
        .iter()
        .map(|t| Rule {
            code: t.meta.code,
            name: t.meta.name,
            summary: t.meta.summary,
            doc: crate::docs::doc(t),
            applicability: t.meta.fix.as_str(),
        })
        .collect();
    all.sort_by_key(|r| r.code);
    all.push(Rule {
        code: SUPPRESSION_CODE,
        name: "suppression",
        summary: "A //gofixrt:ignore directive names no transform, an unknown one, or suppresses nothing",
        doc: "A `//gofixrt:ignore CODE reason` directive that names no transform, names an unknown one, or \
              names a transform that reports nothing on its line. A stale suppression would hide the next \
              real finding there; fix or remove the directive.\n"
            .into(),
        applicability: "detect-only",
    });
    all
}

fn rule_json(r: &Rule) -> Value {
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": r.doc, "markdown": r.doc },
        "help": { "text": r.doc, "markdown": r.doc },
        "defaultConfiguration": { "level": "warning" },
        "properties": {
            "applicability": r.applicability,
            "tags": ["go", "runtime", r.applicability],
        },
    })
}

/// A URI reference for a printed path: relative paths resolve against `%SRCROOT%` (the checkout root in
/// code scanning), absolute ones become `file://` URIs.
fn artifact_location(path: &str) -> Value {
    let encoded = percent_encode(path);
    if path.starts_with('/') {
        json!({ "uri": format!("file://{encoded}") })
    } else {
        json!({ "uri": encoded, "uriBaseId": "%SRCROOT%" })
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
fn percent_encode(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// A region from 1-based lines and UTF-16 columns.
fn region(lines: (usize, usize), cols: (usize, usize)) -> Value {
    json!({
        "startLine": lines.0,
        "startColumn": cols.0,
        "endLine": lines.1,
        "endColumn": cols.1,
    })
}

/// The SARIF fix of a finding whose fix is plain byte edits. Fixes that also change imports or go.mod are
/// left out: their replacements alone would not compile (the JSON output carries them whole).
fn fix_json(f: &Finding) -> Option<Value> {
    if f.fix_edits.is_empty() || !f.fix_imports.is_empty() || !f.fix_module_edits.is_empty() {
        return None;
    }
    let mut by_file: BTreeMap<&str, Vec<&FixEdit>> = BTreeMap::new();
    for e in &f.fix_edits {
        by_file.entry(&e.path).or_default().push(e);
    }
    let changes: Vec<Value> = by_file
        .into_iter()
        .map(|(path, edits)| {
            json!({
                "artifactLocation": artifact_location(path),
                "replacements": edits.iter().map(|e| json!({
                    "deletedRegion": region((e.start.0, e.end.0), e.utf16_cols),
                    "insertedContent": { "text": e.content },
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Some(json!({
        "description": { "text": f.fix_title.as_deref().unwrap_or_default() },
        "artifactChanges": changes,
    }))
}

pub fn render(out: &RunOutcome, settings: &Settings) -> String {
    let rules = rules();
    let index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    let results: Vec<Value> = out
        .findings
        .iter()
        .map(|(path, f)| {
            let mut r = json!({
                "ruleId": f.code,
                "level": "warning",
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(path),
                        "region": region((f.line, f.end_line), f.utf16_cols),
                    },
                }],
                "properties": {
                    "name": rule_name(f.code),
                    "applicability": f.fix.map(|a| a.as_str()),
                    "lowPriority": f.low_priority,
                    "skippedReason": skipped_reason(f.fix, settings.threshold, settings.mode),
                },
            });
            if let Some(&i) = index.get(f.code) {
                r["ruleIndex"] = json!(i);
            }
            if let Some(fix) = fix_json(f) {
                r["fixes"] = json!([fix]);
            }
            r
        })
        .collect();
    let notifications: Vec<Value> = out
        .problems
        .iter()
        .map(|p| {
            let mut loc = json!({ "artifactLocation": artifact_location(&p.path) });
            if let Some((l, _)) = p.pos {
                // Problem columns count bytes; SARIF columns are UTF-16 units, so give the line only.
                loc["region"] = json!({ "startLine": l });
            }
            json!({
                "level": "error",
                "message": { "text": p.message },
                "locations": [{ "physicalLocation": loc }],
            })
        })
        .collect();
    let mut driver = json!({
        "name": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(rule_json).collect::<Vec<_>>(),
    });
    if !INFORMATION_URI.is_empty() {
        driver["informationUri"] = json!(INFORMATION_URI);
    }
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "utf16CodeUnits",
            "invocations": [{
                "executionSuccessful": out.problems.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("plain data serialises");
    s.push('\n');
    s
}
