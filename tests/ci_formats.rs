//! CI-facing output end to end through the binary: `--format github` workflow commands, `--format
//! rdjson` (validated against reviewdog's JSON schema in tests/data, and fed to reviewdog itself when it
//! is installed: .ci/run installs it), SARIF fingerprints and help links, the `--dry-run | git apply`
//! pipe from a subdirectory of a repository, and the short finding lines.

mod common;
use common::gofix as run;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Two spinning loops: R6.1 removes each empty `default` (a Safe fix of plain byte edits).
const POLL: &str = "package poll\n\nfunc drain(a chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tdefault:\n\t\t}\n\t}\n}\n\nfunc wait(b chan string) {\n\tfor {\n\t\tselect {\n\t\tcase <-b:\n\t\tdefault:\n\t\t}\n\t}\n}\n";

/// R2: a timer per iteration; its fix edits four places between the loop's start and the timer's case.
const IDLE: &str = "package poll\n\nimport \"time\"\n\nfunc idle(jobs <-chan int, d time.Duration) int {\n\tn := 0\n\tfor {\n\t\tselect {\n\t\tcase <-jobs:\n\t\t\tn++\n\t\tcase <-time.After(d):\n\t\t\treturn n\n\t\t}\n\t}\n}\n";

/// R6.1's prefilter picks it and it does not parse: a per-file problem.
const TRUNCATED: &str =
    "package poll\n\nfunc f(a chan int) {\n\tfor {\n\t\tselect {\n\t\tdefault:\n\t\t}\n\t}\n";

fn git(dir: &Path, args: &[&str]) {
    let st = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
}

/// A repository whose Go module lives in `sub` (below the root), committed.
fn repo(sub: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join(sub);
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(
        module.join("go.mod"),
        "module example.com/poll\n\ngo 1.22\n",
    )
    .unwrap();
    for (name, body) in files {
        let p = module.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "init"]);
    (dir, module)
}

/// A workflow command split into its command, properties and message (GitHub's grammar:
/// `::name key=value,key=value::message`, values without raw `,` or `:`).
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let (head, message) = rest.split_once("::").expect("a :: before the message");
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), v.to_string())
        })
        .collect();
    (name.to_string(), props, message.to_string())
}

#[test]
fn github_format_is_one_workflow_command_per_finding_with_root_relative_paths() {
    // The module sits in a directory whose name needs escaping, and the run starts there.
    let (repo, module) = repo("svc,v2", &[("poll.go", POLL), ("broken/bad.go", TRUNCATED)]);
    let (out, _, code) = run(&module, &["--format", "github", "."]);
    assert_eq!(code, 2, "a problem makes the exit code 2:\n{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    let (name, props, message) = parse_command(lines[0]);
    assert_eq!(name, "warning");
    let props: Vec<(&str, &str)> = props
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        props,
        [
            ("file", "svc%2Cv2/poll.go"),
            ("line", "7"),
            ("col", "3"),
            ("endLine", "7"),
            ("endColumn", "11"),
            ("title", "R6.1 busy-select-default"),
        ]
    );
    // The annotation carries the whole message, not the text output's first sentence.
    assert!(
        message.contains("; without it the goroutine blocks"),
        "{message}"
    );
    assert!(lines[1].starts_with("::warning file=svc%2Cv2/poll.go,line=16,"));
    let (name, props, message) = parse_command(lines[2]);
    assert_eq!(name, "error");
    assert_eq!(props[0], ("file".into(), "svc%2Cv2/broken/bad.go".into()));
    assert!(message.contains("syntax error"), "{message}");
    drop(repo);
}

fn rdjson(dir: &Path, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["--format", "rdjson"];
    all.extend_from_slice(args);
    let (out, err, code) = run(dir, &all);
    (
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}\n{err}")),
        code,
    )
}

/// Applies line-wise rdjson suggestions (`start.line` to `end.line`, both included, replaced by `text`;
/// an empty text deletes them) as GitHub applies a suggested change.
fn apply_suggestions(text: &str, suggestions: &[&Value]) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut sorted: Vec<&Value> = suggestions.to_vec();
    sorted.sort_by_key(|s| std::cmp::Reverse(s["range"]["start"]["line"].as_u64()));
    for s in sorted {
        let range = &s["range"];
        assert!(
            range["start"].get("column").is_none() && range["end"].get("column").is_none(),
            "a line-wise suggestion: {s}"
        );
        let first = range["start"]["line"].as_u64().unwrap() as usize;
        let last = range["end"]["line"].as_u64().unwrap() as usize;
        let new = s["text"].as_str().unwrap();
        let replacement: Vec<String> = if new.is_empty() {
            vec![]
        } else {
            new.split('\n').map(String::from).collect()
        };
        lines.splice(first - 1..last, replacement);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[test]
fn rdjson_matches_reviewdogs_schema_and_its_suggestions_equal_write() {
    let (_repo, module) = repo(
        "svc",
        &[
            ("poll.go", POLL),
            ("idle.go", IDLE),
            ("broken/bad.go", TRUNCATED),
        ],
    );
    let (doc, code) = rdjson(&module, &["."]);
    assert_eq!(code, 2);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rdjson-schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "rdjson schema errors: {errors:?}");

    assert_eq!(doc["source"]["name"], "gofix-rt");
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 4, "{doc:#}");
    assert_eq!(diags[0]["code"]["value"], "R2");
    let d = &diags[1];
    assert_eq!(d["location"]["path"], "poll.go");
    assert_eq!(
        d["location"]["range"]["start"],
        serde_json::json!({"line": 7, "column": 3})
    );
    assert_eq!(
        d["location"]["range"]["end"],
        serde_json::json!({"line": 7, "column": 11})
    );
    assert_eq!(d["severity"], "WARNING");
    assert_eq!(d["code"]["value"], "R6.1");
    assert!(
        d["code"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/transforms/busy_select_default.rs")
    );
    assert_eq!(diags[3]["severity"], "ERROR");
    assert_eq!(diags[3]["location"]["path"], "broken/bad.go");

    // One suggestion per fix (a GitHub suggested change is one block of lines); R2's spans the loop.
    let r2 = diags[0]["suggestions"].as_array().unwrap();
    assert_eq!(r2.len(), 1);
    assert_eq!(r2[0]["range"]["start"]["line"], 7);
    assert_eq!(r2[0]["range"]["end"]["line"], 12);
    // The suggestions, applied, give what --write writes.
    let mut suggested = vec![];
    for (file, text) in [("poll.go", POLL), ("idle.go", IDLE)] {
        let suggestions: Vec<&Value> = diags
            .iter()
            .filter(|d| d["location"]["path"] == file)
            .flat_map(|d| d["suggestions"].as_array().unwrap().iter())
            .collect();
        assert_eq!(suggestions.len(), if file == "poll.go" { 2 } else { 1 });
        suggested.push((file, apply_suggestions(text, &suggestions)));
    }
    run(&module, &["--write", "."]);
    for (file, text) in suggested {
        assert_eq!(
            text,
            std::fs::read_to_string(module.join(file)).unwrap(),
            "{file}"
        );
    }
}

/// reviewdog from PATH or GOPATH/bin (where .ci/run's `go install` puts it).
fn reviewdog() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("GOFIXRT_REVIEWDOG") {
        return Some(p.into());
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("reviewdog"))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let out = Command::new("go").args(["env", "GOPATH"]).output().ok()?;
        let gopath = String::from_utf8(out.stdout).ok()?;
        let p = Path::new(gopath.trim().split(':').next()?).join("bin/reviewdog");
        p.is_file().then_some(p)
    })
}

#[test]
fn reviewdog_reads_the_rdjson_output() {
    let Some(rd) = reviewdog() else {
        // CI installs it and says so; a developer's machine may not have it.
        assert!(
            std::env::var_os("GOFIXRT_REQUIRE_REVIEWDOG").is_none(),
            "GOFIXRT_REQUIRE_REVIEWDOG is set but reviewdog is not installed"
        );
        eprintln!(
            "skipped: reviewdog is not installed (go install github.com/reviewdog/reviewdog/cmd/reviewdog@v0.21.0; .ci/run does)"
        );
        return;
    };
    let (_repo, module) = repo("svc", &[("poll.go", POLL)]);
    let (out, _, _) = run(&module, &["--format", "rdjson", "."]);
    let feed = |input: &str| {
        let mut child = Command::new(&rd)
            .args([
                "-f=rdjson",
                "-reporter=local",
                "-filter-mode=nofilter",
                "-fail-level=warning",
            ])
            .current_dir(&module)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
            o.status.code(),
        )
    };
    let (stdout, stderr, code) = feed(&out);
    // -fail-level=warning: reviewdog exits 1 when it read a warning, and reports each diagnostic.
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(!stderr.contains("parse error"), "{stderr}");
    assert_eq!(stdout.matches("value:\"R6.1\"").count(), 2, "{stdout}");
    assert!(stdout.contains("path:\"poll.go\""), "{stdout}");
    assert_eq!(stdout.matches("suggestions:").count(), 2, "{stdout}");
    // The same reviewdog refuses a document that is not rdjson, so the check above can fail.
    let (_, stderr, code) =
        feed("{\"diagnostics\": [{\"location\": {\"range\": {\"start\": {\"line\": \"x\"}}}}]}");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("parse error"), "{stderr}");
}

fn sarif_results(dir: &Path) -> (Value, Vec<(u64, String)>) {
    let (out, _, _) = run(dir, &["--format", "sarif", "."]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let results = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
                r["partialFingerprints"]["gofixRt/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    (doc, results)
}

#[test]
fn sarif_fingerprints_follow_a_finding_when_lines_move() {
    let (_repo, module) = repo("svc", &[("poll.go", POLL)]);
    let (doc, before) = sarif_results(&module);
    assert_eq!(before.len(), 2);
    // Both findings are on a `default:` line: the occurrence count tells them apart.
    assert_ne!(before[0].1, before[1].1);
    assert!(before[0].1.ends_with(":0") && before[1].1.ends_with(":1"));

    // Lines added above and the line re-indented: new positions, same fingerprints.
    let moved = POLL
        .replacen(
            "package poll\n",
            "package poll\n\n// Package poll waits.\n// More.\n",
            1,
        )
        .replacen("\t\tdefault:", "\t\t  default:", 1);
    std::fs::write(module.join("poll.go"), &moved).unwrap();
    let (_, after) = sarif_results(&module);
    assert_eq!(after.iter().map(|r| r.0).collect::<Vec<_>>(), [10, 19]);
    assert_eq!(
        after.iter().map(|r| &r.1).collect::<Vec<_>>(),
        before.iter().map(|r| &r.1).collect::<Vec<_>>()
    );
    // Another file with the same line gets another fingerprint (the path is part of it).
    std::fs::write(
        module.join("other.go"),
        POLL.replace("drain", "d2").replace("wait", "w2"),
    )
    .unwrap();
    let (_, both) = sarif_results(&module);
    assert_eq!(both.len(), 4);
    let distinct: std::collections::BTreeSet<&String> = both.iter().map(|r| &r.1).collect();
    assert_eq!(distinct.len(), 4);

    // Run in the module's directory, below the repository root: the URI is relative to the root.
    assert_eq!(
        doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "svc/poll.go"
    );
    let driver = &doc["runs"][0]["tool"]["driver"];
    assert_eq!(
        driver["informationUri"],
        "https://github.com/gofix-rt/gofix-rt"
    );
    // Every rule links to its documentation; a rule's link names its source file in this repository.
    for rule in driver["rules"].as_array().unwrap() {
        let uri = rule["helpUri"]
            .as_str()
            .unwrap_or_else(|| panic!("no helpUri: {rule}"));
        if let Some(file) = uri.split_once("/blob/main/").map(|(_, f)| f) {
            assert!(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(file).is_file(),
                "{}: {uri} names no file",
                rule["id"]
            );
        } else {
            assert_eq!(rule["id"], "SUP", "{uri}");
        }
    }
}

#[test]
fn dry_run_diff_applies_with_git_apply_from_a_subdirectory() {
    let (repo, module) = repo(
        "services/poll",
        &[("poll.go", POLL), ("inner/more.go", POLL)],
    );
    let expected = {
        let copy = tempfile::tempdir().unwrap();
        std::fs::write(
            copy.path().join("go.mod"),
            "module example.com/poll\n\ngo 1.22\n",
        )
        .unwrap();
        std::fs::write(copy.path().join("poll.go"), POLL).unwrap();
        run(copy.path(), &["--write", "poll.go"]);
        std::fs::read_to_string(copy.path().join("poll.go")).unwrap()
    };
    let (diff, _, code) = run(&module, &["--dry-run", "."]);
    assert_eq!(code, 1);
    // The headers name files as git diff does: from the repository root.
    assert!(
        diff.contains("diff --git a/services/poll/poll.go b/services/poll/poll.go\n"),
        "{diff}"
    );
    let mut apply = Command::new("git")
        .arg("apply")
        .current_dir(&module)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    apply
        .stdin
        .take()
        .unwrap()
        .write_all(diff.as_bytes())
        .unwrap();
    let o = apply.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["poll.go", "inner/more.go"] {
        assert_eq!(
            std::fs::read_to_string(module.join(f)).unwrap(),
            expected,
            "{f} after git apply"
        );
    }
    // Nothing is left to fix; the finding lines still name files from the current directory.
    let (again, _, code) = run(&module, &["--dry-run", "."]);
    assert_eq!((again.as_str(), code), ("", 0));
    drop(repo);
}

#[test]
fn text_lines_are_short_and_the_reason_is_one_flag_away() {
    let (_repo, module) = repo("svc", &[("poll.go", POLL)]);
    let (out, err, _) = run(&module, &["."]);
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        "poll.go:7:3: R6.1 [*] empty `default` turns this for/select into a busy loop"
    );
    assert!(err.contains("--show-reason"), "{err}");
    for flag in ["--show-reason", "--verbose"] {
        let (out, err, _) = run(&module, &[flag, "."]);
        assert!(
            out.lines()
                .next()
                .unwrap()
                .ends_with("busy loop; without it the goroutine blocks until a case is ready"),
            "{flag}: {out}"
        );
        assert!(!err.contains("--show-reason"), "{err}");
    }
    // JSON keeps the message whole and adds the short form.
    let (out, _, _) = run(&module, &["--format", "json", "."]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let f = &doc["findings"][0];
    assert_eq!(
        f["title"],
        "empty `default` turns this for/select into a busy loop"
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with(f["title"].as_str().unwrap())
    );
    assert!(f["message"].as_str().unwrap().len() > f["title"].as_str().unwrap().len());
}

/// The repository's YAML files, parsed by PyYAML into JSON (None when python3 or PyYAML is missing).
fn yaml_files(files: &[&str]) -> Option<Vec<Value>> {
    let script = "import json, sys, yaml\nprint(json.dumps([yaml.safe_load(open(f)) for f in sys.argv[1:]], default=str))";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(files)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        // A parse error is a failure; a missing module is a machine without PyYAML.
        assert!(
            err.contains("No module named"),
            "YAML does not parse: {err}"
        );
        return None;
    }
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn action_release_workflow_and_pre_commit_hooks_parse_and_fit_their_schemas() {
    let files = [
        "action.yml",
        ".github/workflows/release.yml",
        ".pre-commit-hooks.yaml",
    ];
    let Some(docs) = yaml_files(&files) else {
        eprintln!("skipped: python3 with PyYAML is not installed");
        return;
    };
    let (action, release, hooks) = (&docs[0], &docs[1], &docs[2]);

    // A composite action: every `run` step names its shell (GitHub requires it) and parses as bash.
    assert_eq!(action["runs"]["using"], "composite");
    for input in [
        "mode",
        "paths",
        "args",
        "fail-on-findings",
        "verify",
        "branch",
        "version",
    ] {
        assert!(
            action["inputs"][input]["description"].is_string(),
            "input {input}"
        );
    }
    let steps = action["runs"]["steps"].as_array().unwrap();
    for step in steps.iter().filter(|s| s["run"].is_string()) {
        assert_eq!(step["shell"], "bash", "{}", step["name"]);
        let script = step["run"].as_str().unwrap();
        assert!(
            !script.contains("${{"),
            "{}: expressions go through env",
            step["name"]
        );
        // shellcheck too where it is installed (warnings and errors only).
        let script_file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(script_file.path(), format!("#!/usr/bin/env bash\n{script}")).unwrap();
        if let Ok(sc) = Command::new("shellcheck")
            .args(["-S", "warning"])
            .arg(script_file.path())
            .output()
        {
            assert!(
                sc.status.success(),
                "{}: shellcheck:\n{}",
                step["name"],
                String::from_utf8_lossy(&sc.stdout)
            );
        }
        let st = Command::new("bash")
            .args(["-n", "-c", script])
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}: {}",
            step["name"],
            String::from_utf8_lossy(&st.stderr)
        );
    }
    // Each mode the description names is handled by the run step.
    let run = steps.iter().find(|s| s["id"] == "run").unwrap()["run"]
        .as_str()
        .unwrap();
    for mode in ["report)", "sarif)", "pr)"] {
        assert!(run.contains(mode), "mode {mode}");
    }

    // PyYAML reads the bare key `on` as a boolean.
    let on = if release["on"].is_null() {
        &release["true"]
    } else {
        &release["on"]
    };
    assert_eq!(on["push"]["tags"][0], "v*");
    let targets: Vec<&str> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    // The archive names action.yml downloads are the ones the release builds.
    let install = steps[0]["run"].as_str().unwrap();
    for t in &targets {
        assert!(install.contains(t), "action.yml does not install {t}");
    }
    assert!(
        targets.iter().any(|t| t.contains("linux")) && targets.iter().any(|t| t.contains("apple"))
    );

    let hooks = hooks.as_array().unwrap();
    assert_eq!(
        hooks
            .iter()
            .map(|h| h["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["gofix-rt", "gofix-rt-fix"]
    );
    for h in hooks {
        assert_eq!(h["language"], "rust");
        assert_eq!(h["types"], serde_json::json!(["go"]));
        assert!(h["entry"].as_str().unwrap().starts_with("gofix-rt"));
    }
}
