//! Machine-readable output and sharding, end to end through the binary: the JSON document's fields and
//! values, SARIF validated against the SARIF 2.1.0 schema shipped in tests/data, JSON under --dry-run and
//! --write, and `--shard I/N` covering a generated tree exactly once.

mod common;
use common::{BREAKS_BUILD, go_available, gofix_cmd, module, texts};

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// A loop whose empty default R6.1 removes (a safe fix of plain byte edits).
const SPIN: &str = "package m\n\nfunc f(a chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tdefault:\n\t\t}\n\t}\n}\n";

/// R2 (safe, with an import plan), R3a (safe), R6.1 (safe), an unknown suppression (SUP, detect-only).
const WORKER: &str = r#"package main

import (
	"log"
	"runtime"
	"time"
)

func run(jobs <-chan int, idle time.Duration) {
	for {
		select {
		case <-jobs:
		case <-time.After(idle):
			log.Println("idle")
		}
	}
}

func collect(results <-chan int) {
	for {
		select {
		case <-results:
		default:
		}
	}
}

func warmup() {
	runtime.Gosched()
	log.Println("warm") //gofixrt:ignore ZZ no such rule
}
"#;

/// A file that R6.1's prefilter picks and that does not parse.
const BROKEN: &str =
    "package m\n\nfunc f(a chan int) {\n\tfor {\n\t\tselect {\n\t\tdefault:\n\t\t}\n\t}\n";

/// A long-running main package (it blocks) below go 1.25: R5 offers an unsafe fix (a blank import plus
/// go.mod/go.sum lines).
const MAIN: &str = "package main\n\nfunc main() { select {} }\n";

/// The binary's output; stdout must be UTF-8 (it carries the JSON and SARIF documents).
fn run(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = gofix_cmd(dir).args(args).output().unwrap();
    let stdout = String::from_utf8(out.stdout.clone()).expect("stdout is not UTF-8");
    let (_, stderr, code) = texts(out);
    (stdout, stderr, code)
}

fn json(dir: &Path, args: &[&str]) -> (Value, i32) {
    let (out, err, code) = run(dir, args);
    let doc = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{out}\nstderr: {err}"));
    (doc, code)
}

fn codes(doc: &Value) -> Vec<&str> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

fn finding<'a>(doc: &'a Value, code: &str) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code} finding in {doc:#}"))
}

#[test]
fn json_reports_findings_fixes_and_reasons() {
    let dir = module(&[("main.go", MAIN), ("worker.go", WORKER)]);
    let (doc, code) = json(dir.path(), &["--format", "json", "."]);
    assert_eq!(code, 1);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["tool"]["name"], "gofix-rt");
    assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["mode"], "check");
    assert_eq!(doc["unsafe_fixes"], false);
    assert_eq!(doc["shard"], Value::Null);
    assert_eq!(codes(&doc), ["R5", "R2", "R6.1", "R3a", "SUP"]);

    // R6.1: position, byte range, a safe fix whose one edit deletes the `default:` line.
    let spin = finding(&doc, "R6.1");
    assert_eq!(spin["name"], "busy-select-default");
    assert_eq!(spin["path"], "worker.go");
    assert_eq!(spin["start"]["line"], 23);
    assert_eq!(spin["start"]["column"], 3);
    assert_eq!(spin["end"]["line"], 23);
    let start = spin["byte_range"]["start"].as_u64().unwrap() as usize;
    let end = spin["byte_range"]["end"].as_u64().unwrap() as usize;
    assert!(WORKER[start..end].starts_with("default"), "{spin:#}");
    assert_eq!(
        spin["skipped_reason"],
        Value::Null,
        "check mode: --write would fix it"
    );
    let fix = &spin["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert!(fix["title"].as_str().unwrap().contains("default"));
    let edits = fix["edits"].as_array().unwrap();
    assert!(!edits.is_empty());
    let mut fixed = WORKER.to_string();
    for e in edits.iter().rev() {
        assert_eq!(e["path"], "worker.go");
        let (s, t) = (
            e["byte_range"]["start"].as_u64().unwrap() as usize,
            e["byte_range"]["end"].as_u64().unwrap() as usize,
        );
        fixed.replace_range(s..t, e["text"].as_str().unwrap());
    }
    assert!(
        !fixed.contains("default:"),
        "the edits remove the default:\n{fixed}"
    );

    // R2's fix adds no import here, R5's is unsafe with module edits, SUP has no fix.
    assert_eq!(finding(&doc, "R2")["fix"]["applicability"], "safe");
    let r5 = finding(&doc, "R5");
    assert_eq!(r5["skipped_reason"], "unsafe fixes not enabled");
    assert_eq!(r5["fix"]["applicability"], "unsafe");
    assert_eq!(r5["fix"]["imports"][0]["action"], "add");
    assert_eq!(
        r5["fix"]["imports"][0]["import_path"],
        "go.uber.org/automaxprocs"
    );
    let module_actions: Vec<&Value> = r5["fix"]["module_edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["action"])
        .collect();
    assert_eq!(module_actions, ["require", "add-sum-lines"]);
    let sup = finding(&doc, "SUP");
    assert_eq!(sup["name"], "suppression");
    assert_eq!(sup["fix"], Value::Null);
    assert_eq!(sup["skipped_reason"], "detect-only");

    // Per-file counts and the summary.
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["path"], "main.go");
    assert_eq!(
        files[0]["skipped"],
        serde_json::json!([{"code": "R5", "reason": "unsafe fixes not enabled", "count": 1}])
    );
    assert_eq!(files[1]["findings"], 4);
    assert_eq!(files[1]["changed"], false);
    let s = &doc["summary"];
    assert_eq!(
        (
            &s["findings"],
            &s["fixable"],
            &s["unsafe_fixable"],
            &s["applied"]
        ),
        (&5.into(), &3.into(), &1.into(), &0.into())
    );
    assert_eq!(doc["changes"], serde_json::json!([]));
    assert_eq!(doc["problems"], serde_json::json!([]));
}

#[test]
fn json_under_dry_run_lists_changes_and_prints_no_diff() {
    let dir = module(&[("main.go", MAIN), ("worker.go", WORKER)]);
    let (out, err, code) = run(dir.path(), &["--format", "json", "--dry-run", "."]);
    assert_eq!(code, 1);
    assert!(!out.contains("@@") && !out.contains("diff --git"), "{out}");
    assert!(
        err.is_empty(),
        "no report lines on stderr in json mode: {err}"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["mode"], "dry-run");
    assert_eq!(
        doc["changes"],
        serde_json::json!([{"path": "worker.go", "new_file": false}])
    );
    let worker = &doc["files"][1];
    assert_eq!(worker["path"], "worker.go");
    assert_eq!(
        worker["applied"],
        serde_json::json!({"R2": 1, "R3a": 1, "R6.1": 1})
    );
    assert_eq!(worker["changed"], true);
    assert_eq!(codes(&doc), ["R5", "SUP"], "what remains after the fixes");
    assert_eq!(doc["summary"]["applied"], 3);
    assert_eq!(doc["summary"]["files_changed"], 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("worker.go")).unwrap(),
        WORKER
    );

    // With --unsafe-fixes, R5's go.mod/go.sum edits are changes too; --write writes them.
    let (doc, _) = json(
        dir.path(),
        &["--format", "json", "--write", "--unsafe-fixes", "."],
    );
    assert_eq!(doc["mode"], "write");
    assert_eq!(doc["unsafe_fixes"], true);
    let changed: Vec<&str> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["go.mod", "go.sum", "main.go", "worker.go"]);
    assert_eq!(doc["changes"][1]["new_file"], true);
    assert!(
        std::fs::read_to_string(dir.path().join("go.mod"))
            .unwrap()
            .contains("go.uber.org/automaxprocs")
    );
}

#[test]
fn applied_counts_add_up_across_the_packages_of_one_directory() {
    // m and m_test live in one directory; their counts used to overwrite each other.
    let test_spin = SPIN.replace("package m\n", "package m_test\n");
    let dir = module(&[("a.go", SPIN), ("a_test.go", &test_spin)]);
    let (doc, _) = json(dir.path(), &["--format", "json", "--dry-run", "."]);
    assert_eq!(doc["summary"]["applied"], 2);
    let (_, err, _) = run(dir.path(), &["--dry-run", "."]);
    assert!(
        err.contains("would apply 2 fixes in 2 files (R6.1: 2)"),
        "{err}"
    );
}

#[test]
fn json_problems_carry_positions() {
    let dir = module(&[("bad.go", BROKEN), ("x.go", SPIN)]);
    let (out, err, code) = run(dir.path(), &["--format", "json", "."]);
    assert_eq!(code, 2);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let p = &doc["problems"][0];
    assert_eq!(p["path"], "bad.go");
    assert!(p["line"].as_u64().is_some() && p["column"].as_u64().is_some());
    assert!(p["message"].as_str().unwrap().contains("syntax error"));
    assert_eq!(err.lines().count(), 1, "one stderr line per problem: {err}");
}

#[test]
fn json_snapshot_of_one_finding() {
    let dir = module(&[("x.go", SPIN)]);
    let (out, _, _) = run(dir.path(), &["--format", "json", "."]);
    let normalised = out.replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"[version]\"",
    );
    insta::assert_snapshot!(normalised);
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the shipped schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_validates_against_the_schema_and_carries_rules_results_and_fixes() {
    let validator = sarif_validator();
    // The validator is not vacuous: a result without a message is rejected.
    let broken = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
        "results": [{"ruleId": "R1"}]}]});
    assert!(!validator.is_valid(&broken));

    let dir = module(&[
        ("main.go", MAIN),
        ("worker.go", WORKER),
        ("sub dir/bad.go", BROKEN),
    ]);
    for mode in [&["."][..], &["--dry-run", "."], &["--unsafe-fixes", "."]] {
        let mut args = vec!["--format", "sarif"];
        args.extend_from_slice(mode);
        let (out, _, code) = run(dir.path(), &args);
        assert_eq!(code, 2, "the unparsable file is an error");
        let doc: Value = serde_json::from_str(&out).unwrap();
        assert_valid(&validator, &doc);
    }

    let (out, _, _) = run(dir.path(), &["--format", "sarif", "."]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let run0 = &doc["runs"][0];
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "gofix-rt");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        gofix_rt::catalog::registry::all().len() + 1,
        "every transform and SUP"
    );
    for r in rules {
        assert!(r["help"]["markdown"].as_str().unwrap().len() > 20, "{r:#}");
        assert!(r["shortDescription"]["text"].as_str().is_some());
    }
    let r2 = rules.iter().find(|r| r["id"] == "R2").unwrap();
    assert!(
        r2["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why is this bad?")
    );

    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[idx]["id"], r["ruleId"],
            "ruleIndex points at its rule"
        );
        assert_eq!(r["level"], "warning");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    let spin = results.iter().find(|r| r["ruleId"] == "R6.1").unwrap();
    let loc = &spin["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "worker.go");
    assert_eq!(loc["region"]["startLine"], 23);
    assert_eq!(loc["region"]["startColumn"], 3);
    let change = &spin["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "worker.go");
    let deleted = &change["replacements"][0]["deletedRegion"];
    assert_eq!(deleted["startLine"], 23);
    // R5's fix is an import plus go.mod lines, not byte edits: no SARIF fix rather than half of one.
    let r5 = results.iter().find(|r| r["ruleId"] == "R5").unwrap();
    assert!(r5.get("fixes").is_none());
    // The problem is a notification with an escaped URI.
    let notes = run0["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "sub%20dir/bad.go"
    );
    assert_eq!(run0["invocations"][0]["executionSuccessful"], false);
}

/// ~50 packages, most with a finding, some nested, some clean; one package with two files; one main
/// package.
fn generated_tree() -> tempfile::TempDir {
    let mut files: Vec<(String, String)> = vec![];
    for i in 0..50 {
        let dir = match i % 5 {
            0 => format!("svc/p{i:02}"),
            1 => format!("lib/p{i:02}/inner"),
            _ => format!("p{i:02}"),
        };
        let body = if i % 7 == 3 {
            "package m\n\nfunc g() {}\n".to_string()
        } else {
            SPIN.to_string()
        };
        files.push((format!("{dir}/a.go"), body));
        if i == 10 {
            files.push((format!("{dir}/b.go"), SPIN.replace("func f(", "func h(")));
        }
    }
    // A main package whose (unsafe) R5 fix edits go.mod and go.sum.
    files.push(("cmd/app/main.go".into(), MAIN.into()));
    let owned: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    module(&owned)
}

type Finding = (String, u64, u64, String);

fn findings_and_changes(doc: &Value) -> (BTreeSet<Finding>, BTreeSet<String>) {
    let findings = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["start"]["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let changes = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap().to_string())
        .collect();
    (findings, changes)
}

#[test]
fn shards_are_disjoint_and_together_equal_the_whole_run() {
    let tree = generated_tree();
    let (whole, _) = json(tree.path(), &["--format", "json", "."]);
    let (all_findings, _) = findings_and_changes(&whole);
    assert_eq!(all_findings.len(), 43 + 1 + 1);
    let (whole_dry, _) = json(tree.path(), &["--format", "json", "--dry-run", "."]);
    let (_, all_changes) = findings_and_changes(&whole_dry);
    assert_eq!(all_changes.len(), 44);

    const N: u64 = 4;
    let mut union_findings = BTreeSet::new();
    let mut union_changes = BTreeSet::new();
    let mut scanned = 0;
    let mut gomod_shards = 0;
    for i in 1..=N {
        let shard = format!("{i}/{N}");
        let (doc, _) = json(tree.path(), &["--format", "json", "--shard", &shard, "."]);
        assert_eq!(doc["shard"], serde_json::json!({"index": i, "count": N}));
        scanned += doc["summary"]["files_scanned"].as_u64().unwrap();
        let (f, _) = findings_and_changes(&doc);
        assert!(!f.is_empty(), "shard {shard} got no package of 50");
        assert!(
            union_findings.is_disjoint(&f),
            "shard {shard} overlaps another"
        );
        union_findings.extend(f);
        let (dry, _) = json(
            tree.path(),
            &["--format", "json", "--dry-run", "--shard", &shard, "."],
        );
        let (_, c) = findings_and_changes(&dry);
        assert!(union_changes.is_disjoint(&c));
        union_changes.extend(c);
        // go.mod/go.sum edits go with the shard of the package that asks for them.
        let (unsafe_dry, _) = json(
            tree.path(),
            &[
                "--format",
                "json",
                "--dry-run",
                "--unsafe-fixes",
                "--shard",
                &shard,
                ".",
            ],
        );
        let (_, c) = findings_and_changes(&unsafe_dry);
        assert_eq!(c.contains("go.mod"), c.contains("cmd/app/main.go"), "{c:?}");
        gomod_shards += usize::from(c.contains("go.mod"));
    }
    assert_eq!(gomod_shards, 1);
    assert_eq!(union_findings, all_findings);
    assert_eq!(union_changes, all_changes);
    assert_eq!(scanned, whole["summary"]["files_scanned"].as_u64().unwrap());

    // The split depends on paths relative to the scan root, not on where the job runs from.
    let (inside, _) = json(
        &tree.path().join("svc"),
        &["--format", "json", "--shard", "2/4", "."],
    );
    let (outside, _) = json(tree.path(), &["--format", "json", "--shard", "2/4", "svc"]);
    let strip = |doc: &Value, prefix: &str| -> BTreeSet<String> {
        findings_and_changes(doc)
            .0
            .into_iter()
            .map(|f| f.0.trim_start_matches(prefix).to_string())
            .collect()
    };
    assert_eq!(strip(&inside, ""), strip(&outside, "svc/"));

    let (_, err, code) = run(tree.path(), &["--shard", "5/4", "."]);
    assert_eq!(code, 2);
    assert!(err.contains("--shard"), "{err}");
}

#[test]
fn sarif_columns_count_utf16_code_units_and_json_columns_bytes() {
    // Two tabs, `/* `, é (2 bytes, 1 unit), 😀 (4 bytes, 2 units), ` */ `: byte column 16, UTF-16 column 13.
    let src = SPIN.replace("\t\tdefault:", "\t\t/* é😀 */ default:");
    let dir = module(&[("x.go", &src)]);
    let (doc, _) = json(dir.path(), &["--format", "json", "."]);
    assert_eq!(finding(&doc, "R6.1")["start"]["column"], 16);
    let (out, _, _) = run(dir.path(), &["--format", "sarif", "."]);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sarif["runs"][0]["columnKind"], "utf16CodeUnits");
    let result = &sarif["runs"][0]["results"][0];
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startColumn"], &region["endColumn"]),
        (&13.into(), &21.into())
    );
    let deleted = &result["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"];
    assert_eq!(deleted["startColumn"], 13);
}

#[test]
fn json_tells_fixes_verify_dropped_from_conflicts() {
    use gofix_rt::output::emit::{json::Verified, sarif};
    use gofix_rt::run::settings::{Mode, Settings};
    if !go_available() {
        return;
    }
    let a = "package a\n\nimport \"runtime\"\n\nfunc work() {}\n\nfunc Run() {\n\truntime.Gosched()\n\twork()\n}\n";
    let dir = module(&[("a/a.go", a)]);
    let r3a = gofix_rt::catalog::registry::lookup("R3a").unwrap();
    let s = Settings::new(
        vec![dir.path().to_path_buf()],
        vec![r3a, &BREAKS_BUILD],
        Mode::DryRun,
    );
    let report = gofix_rt::run::verify::verify(gofix_rt::run::engine::run(&s), &s).unwrap();
    let verified = Some(Verified {
        dropped: &report.dropped,
        notes: &report.notes,
    });
    let doc: Value = serde_json::from_str(&gofix_rt::output::emit::json::render(
        &report.outcome,
        &s,
        verified,
    ))
    .unwrap();
    assert_eq!(finding(&doc, "X9")["skipped_reason"], "verify failed");
    assert_eq!(
        doc["verify"]["dropped"][0]["codes"],
        serde_json::json!(["X9"])
    );
    assert!(
        doc["verify"]["dropped"][0]["message"]
            .as_str()
            .unwrap()
            .contains("undefined: doWork")
    );
    let file = &doc["files"][0];
    assert_eq!(file["applied"], serde_json::json!({"R3a": 1}));
    assert_eq!(
        file["skipped"],
        serde_json::json!([{"code": "X9", "reason": "verify failed", "count": 1}])
    );
    let sarif: Value = serde_json::from_str(&sarif::render(&report.outcome, &s, verified)).unwrap();
    assert_valid(&sarif_validator(), &sarif);
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes[0]["level"], "warning");
}
