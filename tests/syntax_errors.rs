//! A file with a syntax error: one `path:line:col: error: syntax error ...` line (like `gofmt -e`), exit
//! code 2, findings in the declarations without an ERROR or MISSING node still reported, and fixes that
//! never touch the broken declaration. Other files of the tree are analysed and fixed as usual.

mod common;
use common::gofix as run;

/// `drain` is clean and yields for no reason (R3a removes the yield); `refill` has an unclosed
/// parameter list; `report` after it is clean again.
const MIXED: &str = "package queue

import (
\t\"fmt\"
\t\"runtime\"
)

func drain(items []int) int {
\ttotal := 0
\tfor _, it := range items {
\t\ttotal += it
\t}
\truntime.Gosched()
\treturn total
}

func refill(n int {
\truntime.Gosched()
\treturn n
}

func report(items []int) {
\tfmt.Println(len(items))
\truntime.Gosched()
}
";

const OTHER: &str = "package queue

import \"runtime\"

func settle(rounds int) int {
\truntime.Gosched()
\treturn rounds
}
";

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/queue\n\ngo 1.22\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("mixed.go"), MIXED).unwrap();
    std::fs::write(dir.path().join("other.go"), OTHER).unwrap();
    dir
}

fn error_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(": error: ")).collect()
}

#[test]
fn findings_outside_the_broken_declaration_are_reported() {
    let dir = tree();
    let (out, stderr, code) = run(dir.path(), &["--select", "R3a", "."]);
    assert_eq!(code, 2, "{stderr}");
    let errors = error_lines(&stderr);
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].starts_with("mixed.go:17:") && errors[0].contains(": error: syntax error"),
        "{stderr}"
    );
    let lines: Vec<&str> = out.lines().collect();
    // drain (line 13) and report (line 24) in the broken file, settle in the other; nothing in refill.
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with("mixed.go:13:2: R3a [*]"), "{out}");
    assert!(lines[1].starts_with("mixed.go:24:2: R3a [*]"), "{out}");
    assert!(lines[2].starts_with("other.go:6:2: R3a [*]"), "{out}");
}

#[test]
fn fixes_never_touch_the_broken_declaration() {
    let dir = tree();
    let (_, stderr, code) = run(dir.path(), &["--select", "R3a", "--write", "."]);
    assert_eq!(code, 2, "{stderr}");
    let after = std::fs::read_to_string(dir.path().join("mixed.go")).unwrap();
    // The clean functions lost their yields; the broken one is byte for byte what it was, and the
    // runtime import it uses stays.
    let refill = &MIXED[MIXED.find("func refill").unwrap()..MIXED.find("func report").unwrap()];
    assert!(after.contains(refill), "{after}");
    assert_eq!(after.matches("runtime.Gosched()").count(), 1, "{after}");
    assert!(after.contains("\t\"runtime\"\n"), "{after}");
    assert!(after.starts_with("package queue\n\nimport (\n\t\"fmt\"\n"));
    // The other file is fixed as usual (its import goes with its last use).
    let other = std::fs::read_to_string(dir.path().join("other.go")).unwrap();
    assert!(!other.contains("runtime"), "{other}");
    // The one error line stays; a second run has nothing left to fix.
    let (diff, stderr, code) = run(dir.path(), &["--select", "R3a", "--dry-run", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(diff, "");
    assert_eq!(error_lines(&stderr).len(), 1, "{stderr}");
}

#[test]
fn a_fix_whose_edit_reaches_into_a_broken_header_is_withheld() {
    // The import block is what is broken: R1's fix would add runtime/metrics there, so it is withheld,
    // and the finding says why.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/stats\n\ngo 1.22\n",
    )
    .unwrap();
    let src = "package stats\n\nimport (\n\t\"runtime\"\n\t\"net/http\n)\n\nfunc heap(w http.ResponseWriter, r *http.Request) uint64 {\n\tvar m runtime.MemStats\n\truntime.ReadMemStats(&m)\n\treturn m.HeapAlloc\n}\n";
    std::fs::write(dir.path().join("stats.go"), src).unwrap();
    let (out, _, code) = run(dir.path(), &["--select", "R1", "."]);
    assert_eq!(code, 2);
    assert!(
        out.starts_with("stats.go:10:2: R1 ")
            && out.contains("(no fix: the fix would edit a declaration that has a syntax error)"),
        "{out}"
    );
    let (_, stderr, code) = run(dir.path(), &["--select", "R1", "--write", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("stats.go")).unwrap(),
        src
    );
    assert_eq!(error_lines(&stderr).len(), 1, "{stderr}");
}

#[test]
fn json_reports_the_syntax_error_with_its_position_and_the_findings() {
    let dir = tree();
    let (out, _, code) = run(dir.path(), &["--select", "R3a", "--format", "json", "."]);
    assert_eq!(code, 2);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let problems = doc["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{out}");
    assert_eq!(problems[0]["path"], "mixed.go");
    assert_eq!(problems[0]["line"], 17);
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("syntax error")
    );
    assert_eq!(doc["findings"].as_array().unwrap().len(), 3, "{out}");
}
