//! Runs every `golden/<CODE>-<name>/*.txtar` case through the real binary and checks, with no per-case
//! code: `--write` gives the `want/` files; the `--dry-run` diff applies with `git apply` to the same result;
//! a second run changes nothing; outputs parse; `no-` cases report nothing, `detect-` cases report without
//! edits; outputs are gofmt-clean and pass `go vet` and `go build` (a failure, not a skip, when
//! GOFIXRT_REQUIRE_GO=1); `--branch` in a fresh repository commits exactly want/; and an insta snapshot
//! pins what the tool prints.

use gofix_rt::testing::{Txtar, parse_txtar, write_tree};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_gofix-rt");

struct Case {
    name: String,
    code: String,
    args: Vec<String>,
    inputs: Vec<(String, String)>,
    wants: Vec<(String, String)>,
}

fn load(path: &Path) -> Case {
    let text = std::fs::read_to_string(path).unwrap();
    let Txtar { comment, files } =
        parse_txtar(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dir = path
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let code = dir.split('-').next().unwrap().to_string();
    let mut args = None;
    for line in comment.lines().skip_while(|l| !l.trim().is_empty()) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match line.split_once(':') {
            Some(("args", v)) => {
                args = Some(v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            }
            Some(("known-bug", _)) => {}
            _ => panic!("{}: unknown key line `{line}`", path.display()),
        }
    }
    let (wants, inputs): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|(n, _)| n.starts_with("want/"));
    let wants: Vec<(String, String)> = wants
        .into_iter()
        .map(|(n, b)| (n["want/".len()..].to_string(), b))
        .collect();
    for (w, _) in &wants {
        assert!(
            inputs.iter().any(|(n, _)| n == w) || w == "go.sum",
            "{}: want/{w} has no input",
            path.display()
        );
    }
    let mut full_args = vec!["--select".to_string(), code.clone()];
    full_args.extend(args.unwrap_or_else(|| vec!["--unsafe-fixes".into()]));
    Case {
        name: path.file_stem().unwrap().to_string_lossy().to_string(),
        code,
        args: full_args,
        inputs,
        wants,
    }
}

fn run(dir: &Path, args: &[&str], extra: &[String]) -> (String, String, i32) {
    let out = Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .args(extra)
        .arg(".")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

fn expected(case: &Case) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = case
        .inputs
        .iter()
        .map(|(n, b)| {
            (
                n.clone(),
                case.wants
                    .iter()
                    .find(|(w, _)| w == n)
                    .map_or(b.clone(), |(_, wb)| wb.clone()),
            )
        })
        .collect();
    for (w, b) in &case.wants {
        if !files.iter().any(|(n, _)| n == w) {
            files.push((w.clone(), b.clone()));
        }
    }
    files
}

fn assert_tree(dir: &Path, files: &[(String, String)], what: &str, case: &str) {
    for (name, body) in files {
        let got = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|_| panic!("{case}: {what}: {name} missing"));
        assert_eq!(&got, body, "{case}: {what}: {name} differs from want/");
    }
}

fn go_available() -> bool {
    let ok = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var("GOFIXRT_REQUIRE_GO").is_ok_and(|v| v == "1") {
        panic!("GOFIXRT_REQUIRE_GO=1 but `go` is not on PATH");
    }
    ok
}

fn go(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("go")
        .current_dir(dir)
        .args(args)
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn toolchain_checks(dir: &Path, case: &str) {
    if !go_available() {
        return;
    }
    let clean: Vec<PathBuf> = walk_go(dir)
        .into_iter()
        .filter(|p| !std::fs::read(p).unwrap().contains(&b'\r'))
        .collect();
    if !clean.is_empty() {
        let out = Command::new("gofmt")
            .arg("-l")
            .args(&clean)
            .output()
            .unwrap();
        let listed = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success() && listed.is_empty(),
            "{case}: gofmt -l lists:\n{listed}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    if dir.join("go.mod").exists() {
        let (ok, msg) = go(dir, &["vet", "./..."]);
        assert!(ok, "{case}: go vet failed:\n{msg}");
        let (ok, msg) = go(dir, &["build", "./..."]);
        assert!(ok, "{case}: go build failed:\n{msg}");
    }
}

fn walk_go(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk_go(&p));
        } else if p.extension().is_some_and(|x| x == "go") {
            out.push(p);
        }
    }
    out
}

fn check_case(path: &Path) -> String {
    let case = load(path);
    let label = format!("{}/{}", case.code, case.name);
    let args: Vec<&str> = case.args.iter().map(String::as_str).collect();

    // Report mode: what the tool says.
    let input = tempfile::tempdir().unwrap();
    write_tree(input.path(), &case.inputs);
    // Whole messages (--show-reason): the snapshot is the rule's wording; short lines are tested apart.
    let (report, report_err, code) = run(input.path(), &args, &["--show-reason".into()]);
    assert!(
        !report_err.contains("error:"),
        "{label}: errors in check mode:\n{report_err}"
    );
    if case.name.starts_with("no-") {
        assert!(
            report.is_empty(),
            "{label}: a no- case must not fire, got:\n{report}"
        );
        assert_eq!(code, 0, "{label}: exit code");
    } else {
        assert!(!report.is_empty(), "{label}: expected findings");
        assert_eq!(code, 1, "{label}: exit code");
    }

    // Fix availability as declared: an Always transform never reports without a fix, a Never one never fixes.
    if let Some(t) = gofix_rt::registry::lookup(&case.code) {
        for line in report
            .lines()
            .filter(|l| l.contains(&format!(": {} ", case.code)))
        {
            let fixable = line.contains(" [*] ") || line.contains(" [~] ");
            match t.meta.fix {
                gofix_rt::fix::FixAvailability::Always => assert!(
                    fixable,
                    "{label}: declared Always, reported without a fix: {line}"
                ),
                gofix_rt::fix::FixAvailability::Never => assert!(
                    !fixable,
                    "{label}: declared detect-only, offered a fix: {line}"
                ),
                gofix_rt::fix::FixAvailability::Sometimes => {}
            }
        }
    }

    // --dry-run must leave files alone and print a diff git can apply.
    let (diff, dry_err, _) = run(input.path(), &["--dry-run"], &case.args);
    assert!(
        !dry_err.contains("error:"),
        "{label}: errors in --dry-run:\n{dry_err}"
    );
    assert_tree(
        input.path(),
        &case.inputs,
        "--dry-run modified input",
        &label,
    );
    let want = expected(&case);
    let changed = want != case.inputs;
    if case.name.starts_with("detect-") || case.name.starts_with("no-") {
        assert!(
            !changed,
            "{label}: no-/detect- cases have no want/ sections"
        );
    }
    assert_eq!(diff.is_empty(), !changed, "{label}: diff presence:\n{diff}");
    if changed {
        let applied = tempfile::tempdir().unwrap();
        write_tree(applied.path(), &case.inputs);
        Command::new("git")
            .arg("init")
            .arg("-q")
            .current_dir(applied.path())
            .status()
            .unwrap();
        std::fs::write(applied.path().join("fix.diff"), &diff).unwrap();
        let st = Command::new("git")
            .args(["apply", "fix.diff"])
            .current_dir(applied.path())
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{label}: git apply failed: {}",
            String::from_utf8_lossy(&st.stderr)
        );
        std::fs::remove_file(applied.path().join("fix.diff")).unwrap();
        assert_tree(applied.path(), &want, "git apply of --dry-run", &label);
    }

    // --write gives want/, and a second run has nothing left to change.
    let written = tempfile::tempdir().unwrap();
    write_tree(written.path(), &case.inputs);
    let (_, write_err, _) = run(written.path(), &["--write"], &case.args);
    assert!(
        !write_err.contains("error:"),
        "{label}: errors in --write:\n{write_err}"
    );
    assert_tree(written.path(), &want, "--write", &label);
    let (again, _, _) = run(written.path(), &["--dry-run"], &case.args);
    assert!(
        again.is_empty(),
        "{label}: second run is not a no-op:\n{again}"
    );
    for p in walk_go(written.path()) {
        let text = std::fs::read_to_string(&p).unwrap();
        let tree = gofix_rt::syntax::parse(&text);
        assert!(
            !tree.root_node().has_error(),
            "{label}: {} does not parse after --write",
            p.display()
        );
    }
    toolchain_checks(written.path(), &label);
    branch_check(&case, &want, changed, &label);

    let summary = dry_err.lines().last().unwrap_or("").to_string();
    format!(
        "args: {}\n--- report ---\n{report}--- diff ---\n{diff}--- summary ---\n{summary}\n",
        case.args.join(" ")
    )
}

/// `--branch` on the inputs committed in a fresh repository: the branch's tree is want/ exactly, the
/// working tree, index and HEAD do not move, and a case without edits makes no branch.
fn branch_check(case: &Case, want: &[(String, String)], changed: bool, label: &str) {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &case.inputs);
    let repo = git2::Repository::init(dir.path()).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    let head = repo
        .commit(Some("HEAD"), &sig, &sig, "inputs", &tree, &[])
        .unwrap();
    let index_bytes = std::fs::read(dir.path().join(".git/index")).unwrap();
    let (_, err, code) = run(dir.path(), &["--branch", "gofix"], &case.args);
    assert!(
        code != 2 && !err.contains("error:"),
        "{label}: --branch failed:\n{err}"
    );
    assert_tree(dir.path(), &case.inputs, "--branch modified input", label);
    assert_eq!(
        std::fs::read(dir.path().join(".git/index")).unwrap(),
        index_bytes,
        "{label}: --branch changed the index"
    );
    assert_eq!(
        repo.head().unwrap().target(),
        Some(head),
        "{label}: HEAD moved"
    );
    let Ok(branch) = repo.revparse_single("refs/heads/gofix") else {
        assert!(!changed, "{label}: --branch made no branch");
        return;
    };
    assert!(changed, "{label}: --branch made a branch without edits");
    let tree = branch.peel_to_tree().unwrap();
    let mut got = vec![];
    tree.walk(git2::TreeWalkMode::PreOrder, |root, e| {
        if let Ok(blob) = e.to_object(&repo).and_then(|o| o.peel_to_blob()) {
            let body = String::from_utf8(blob.content().to_vec()).unwrap();
            got.push((format!("{root}{}", e.name().unwrap()), body));
        }
        git2::TreeWalkResult::Ok
    })
    .unwrap();
    let mut want = want.to_vec();
    want.sort();
    got.sort();
    assert_eq!(got, want, "{label}: --branch tree differs from want/");
}

#[test]
fn golden() {
    insta::glob!("../golden", "[A-Z_]*/*.txtar", |path| {
        let out = check_case(path);
        insta::assert_snapshot!(out);
    });
}
