//! Non-Go build files (Dockerfile, Makefile, .goreleaser.yml) through the whole command line: discovery and
//! its exclusions, --write touching only the flag ranges (line endings and permissions kept), a second run
//! with nothing to do, --branch committing the edits as one R8 commit, the JSON and SARIF documents, the
//! `# gofixrt:ignore` directive, `[per-file-ignores]`, and a broken build file reported on one line while
//! the run goes on.

mod common;
use common::{commit_all, gofix as run, module_named};
use git2::Repository;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const DOCKERFILE: &str = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/api ./cmd/api\n\nFROM scratch\nCOPY --from=build /out/api /api\n";
const DOCKERFILE_FIXED: &str = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -trimpath -ldflags=\"-s -w\" -o /out/api ./cmd/api\n\nFROM scratch\nCOPY --from=build /out/api /api\n";
const MAKEFILE_CRLF: &str = "LDFLAGS := -X main.version=1.0\r\n\r\nbuild:\r\n\tgo build -ldflags '$(LDFLAGS)' -o bin/api ./cmd/api\r\n";
const MAKEFILE_CRLF_FIXED: &str = "LDFLAGS := -s -w -X main.version=1.0\r\n\r\nbuild:\r\n\tgo build -trimpath -ldflags '$(LDFLAGS)' -o bin/api ./cmd/api\r\n";
const MAIN: &str = "package main\n\nfunc main() { select {} }\n";

fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    module_named("example.com/api", files)
}

fn sample() -> tempfile::TempDir {
    tree(&[
        ("cmd/api/main.go", MAIN.as_bytes()),
        ("Dockerfile", DOCKERFILE.as_bytes()),
        ("Makefile", MAKEFILE_CRLF.as_bytes()),
    ])
}

#[test]
fn write_edits_only_the_flags_and_a_second_run_is_a_no_op() {
    let dir = sample();
    let mk = dir.path().join("Makefile");
    std::fs::set_permissions(&mk, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (out, _, code) = run(dir.path(), &["--select", "R8", "."]);
    assert_eq!(code, 1);
    assert!(
        out.contains("Dockerfile:4:5: R8 [*] release `go build` lacks -trimpath"),
        "{out}"
    );
    assert!(out.contains("Makefile:4:2: R8 [*] "), "{out}");
    let (_, err, code) = run(dir.path(), &["--write", "--select", "R8", "."]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("applied 2 fixes in 2 files (R8: 2)"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        DOCKERFILE_FIXED
    );
    assert_eq!(std::fs::read_to_string(&mk).unwrap(), MAKEFILE_CRLF_FIXED);
    assert_eq!(
        std::fs::metadata(&mk).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("cmd/api/main.go")).unwrap(),
        MAIN
    );
    let (diff, _, code) = run(dir.path(), &["--dry-run", "--select", "R8", "."]);
    assert_eq!((diff.as_str(), code), ("", 0));
}

#[test]
fn discovery_keeps_the_go_tool_exclusions_and_explicit_paths() {
    let dir = tree(&[
        ("cmd/api/main.go", MAIN.as_bytes()),
        ("vendor/example.com/x/Dockerfile", DOCKERFILE.as_bytes()),
        ("testdata/Dockerfile", DOCKERFILE.as_bytes()),
        ("_tools/Makefile", MAKEFILE_CRLF.as_bytes()),
        ("gen/Dockerfile", DOCKERFILE.as_bytes()),
        (".gitignore", b"gen/\n"),
        ("deploy/api.Dockerfile", DOCKERFILE.as_bytes()),
        ("deploy/Dockerfile.dev", DOCKERFILE.as_bytes()),
    ]);
    let (out, _, _) = run(dir.path(), &["--select", "R8", "."]);
    let files: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(files, ["deploy/api.Dockerfile"], "{out}");
    // A file named on the command line is read even where the walk would not go.
    let (out, _, _) = run(dir.path(), &["--select", "R8", "testdata/Dockerfile"]);
    assert!(out.starts_with("testdata/Dockerfile:4:5: R8 "), "{out}");
    let (out, _, code) = run(dir.path(), &["--ignore", "R8", "."]);
    assert!(!out.contains("R8"), "{out}");
    assert_eq!(code, 1, "R5 still fires on the Go file");
}

#[test]
fn a_broken_build_file_is_one_error_line_and_the_run_goes_on() {
    let dir = tree(&[
        ("cmd/api/main.go", MAIN.as_bytes()),
        ("Makefile", b"build:\n\tgo build -o bin/\xff ./cmd/api\n"),
        ("Dockerfile", DOCKERFILE.as_bytes()),
    ]);
    let (out, err, code) = run(dir.path(), &["--write", "--select", "R8", "."]);
    assert_eq!(code, 2, "{out}{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].starts_with("Makefile: error: not valid UTF-8"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        DOCKERFILE_FIXED
    );
}

#[test]
fn suppression_comments_hide_and_stale_ones_are_reported() {
    let suppressed = DOCKERFILE.replace(
        "RUN go build",
        "# gofixrt:ignore R8 crash dumps are read with dlv core\nRUN go build",
    );
    let dir = tree(&[("Dockerfile", suppressed.as_bytes())]);
    let (out, _, code) = run(dir.path(), &["--select", "R8", "."]);
    assert_eq!((out.as_str(), code), ("", 0));
    let stale = DOCKERFILE_FIXED.replace("RUN go build", "# gofixrt:ignore R8 old\nRUN go build");
    let dir = tree(&[("Dockerfile", stale.as_bytes())]);
    let (out, _, code) = run(dir.path(), &["--select", "R8", "."]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("Dockerfile:4:1: SUP unused suppression: R8 reports nothing here"),
        "{out}"
    );
}

/// Build files are documents of the same pass loop as Go files, so `[per-file-ignores]` reaches them.
#[test]
fn per_file_ignores_apply_to_build_files() {
    let dir = tree(&[
        (
            "gofix-rt.toml",
            b"[per-file-ignores]\n\"Makefile\" = [\"R8\"]\n",
        ),
        ("Dockerfile", DOCKERFILE.as_bytes()),
        ("Makefile", MAKEFILE_CRLF.as_bytes()),
    ]);
    let (out, _, code) = run(dir.path(), &["--select", "R8", "."]);
    assert_eq!(code, 1);
    let files: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(files, ["Dockerfile"], "{out}");
    let (_, err, code) = run(dir.path(), &["--write", "--select", "R8", "."]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Makefile")).unwrap(),
        MAKEFILE_CRLF
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        DOCKERFILE_FIXED
    );
}

#[test]
fn json_and_sarif_carry_the_finding_and_its_edits() {
    let dir = sample();
    let (out, _, code) = run(dir.path(), &["--format", "json", "--select", "R8", "."]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{out}");
    let d = &findings[0];
    assert_eq!(d["code"], "R8");
    assert_eq!(d["name"], "build-flags");
    assert_eq!(d["path"], "Dockerfile");
    assert_eq!(d["fix"]["applicability"], "safe");
    assert_eq!(
        d["fix"]["edits"][0]["text"],
        " -trimpath -ldflags=\"-s -w\""
    );
    assert_eq!(d["fix"]["edits"][0]["start"]["line"], 4);
    let (out, _, _) = run(dir.path(), &["--format", "sarif", "--select", "R8", "."]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{out}");
    assert_eq!(results[0]["ruleId"], "R8");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn shards_split_build_files_by_directory_like_go_files() {
    let dir = tree(&[
        ("a/Dockerfile", DOCKERFILE.as_bytes()),
        ("b/Dockerfile", DOCKERFILE.as_bytes()),
        ("c/Dockerfile", DOCKERFILE.as_bytes()),
    ]);
    let mut seen = vec![];
    for shard in ["1/2", "2/2"] {
        let (out, _, _) = run(dir.path(), &["--select", "R8", "--shard", shard, "."]);
        seen.extend(
            out.lines()
                .map(|l| l.split(':').next().unwrap().to_string()),
        );
    }
    seen.sort();
    assert_eq!(seen, ["a/Dockerfile", "b/Dockerfile", "c/Dockerfile"]);
}

#[test]
fn branch_commits_the_build_file_edits_as_one_r8_commit() {
    let dir = sample();
    let head = commit_all(dir.path());
    let repo = Repository::open(dir.path()).unwrap();
    let (_, err, code) = run(
        dir.path(),
        &[
            "--branch",
            "gofix/flags",
            "--select",
            "R5,R8",
            "--unsafe-fixes",
            ".",
        ],
    );
    assert!(code != 2, "{err}");
    // The working tree did not move.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        DOCKERFILE
    );
    let tip = repo
        .revparse_single("refs/heads/gofix/flags")
        .unwrap()
        .peel_to_commit()
        .unwrap();
    // R5 (a Go import and go.mod) first, then R8 on its own.
    let r8 = tip.clone();
    let subject = r8.summary().unwrap().unwrap().to_string();
    assert!(subject.contains("R8"), "{subject}");
    let parent = r8.parent(0).unwrap();
    assert_eq!(parent.parent(0).unwrap().id(), head);
    let diff = repo
        .diff_tree_to_tree(
            Some(&parent.tree().unwrap()),
            Some(&r8.tree().unwrap()),
            None,
        )
        .unwrap();
    let mut files: Vec<String> = diff
        .deltas()
        .map(|d| d.new_file().path().unwrap().to_string_lossy().to_string())
        .collect();
    files.sort();
    assert_eq!(files, ["Dockerfile", "Makefile"]);
    let blob = |name: &str| {
        let entry = r8.tree().unwrap().get_path(Path::new(name)).unwrap();
        let b = repo.find_blob(entry.id()).unwrap();
        String::from_utf8(b.content().to_vec()).unwrap()
    };
    assert_eq!(blob("Dockerfile"), DOCKERFILE_FIXED);
    assert_eq!(blob("Makefile"), MAKEFILE_CRLF_FIXED);
}
