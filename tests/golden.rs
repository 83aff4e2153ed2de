//! Runs every `golden/<CODE>-<name>/*.txtar` case, and every `golden/multi-<name>/*.txtar` case (several
//! rules at once, named by the case's `args:` line), through the real binary and checks, with no per-case
//! code: `--write` gives the `want/` files; the `--dry-run` diff applies with `git apply` to the same result;
//! a second run changes nothing; outputs parse; `no-` cases report nothing, `detect-` cases report without
//! edits; outputs are gofmt-clean and pass `go vet`, and changed ones `go build` (a failure, not a skip,
//! when GOFIXRT_REQUIRE_GO=1; a tree that passed before, byte for byte with the same go, is not checked
//! again); `--branch` in a fresh repository commits exactly want/; and an insta snapshot
//! pins what the tool prints.
//!
//! Each case is its own test (libtest-mimic, `harness = false`), named `<dir>/<case>` and run in parallel:
//!
//! ```sh
//! cargo test --test golden R2-                              # R2's cases (a substring of the name)
//! cargo test --test golden -- --exact R2-time-after-in-loop/labeled-loop
//! INSTA_GLOB_FILTER='R3a-*/*' cargo test --test golden      # or globs on `<dir>/<case>.txtar`, `;`-separated
//! INSTA_UPDATE=always cargo test --test golden R7.13-      # write the snapshots of new cases, then read them
//! cargo test --test golden -- --list                        # the case names
//! ```
//!
//! Snapshots keep the names `insta::glob!` gave them: `tests/snapshots/golden__golden@<dir>__<case>.txtar.snap`.

use common::{commit_all, go, go_available, go_files, gofix_cmd, output};
use gofix_rt::testing::{Txtar, parse_txtar, write_tree};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
struct Case {
    name: String,
    /// `R2`, or `multi-<name>` for a cross-rule case.
    code: String,
    /// The codes the case runs (its `--select`).
    codes: Vec<String>,
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
    let multi = dir.starts_with("multi-");
    let code = if multi {
        dir.clone()
    } else {
        dir.split('-').next().unwrap().to_string()
    };
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
    let args = args.unwrap_or_else(|| vec!["--unsafe-fixes".into()]);
    // A rule's directory names the one code it runs; a multi- case names its codes on its args: line.
    let (codes, full_args) = if multi {
        let select = args
            .iter()
            .position(|a| a == "--select")
            .and_then(|i| args.get(i + 1))
            .unwrap_or_else(|| {
                panic!(
                    "{}: a multi- case needs `args: --select A,B`",
                    path.display()
                )
            });
        let codes: Vec<String> = select.split(',').map(str::to_string).collect();
        assert!(
            codes.len() >= 2,
            "{}: a multi- case selects two rules or more",
            path.display()
        );
        (codes, args)
    } else {
        let mut full = vec!["--select".to_string(), code.clone()];
        full.extend(args);
        (vec![code.clone()], full)
    };
    Case {
        name: path.file_stem().unwrap().to_string_lossy().to_string(),
        code,
        codes,
        args: full_args,
        inputs,
        wants,
    }
}

fn run(dir: &Path, args: &[&str], extra: &[String]) -> (String, String, i32) {
    output(gofix_cmd(dir).args(args).args(extra).arg("."))
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

/// gofmt, `go vet` and, when the tool changed something, `go build`. An unchanged tree is the case's own
/// input: vet type-checks it (so a `no-` case is about valid Go), and linking it again would test the test
/// data rather than the tool, at twice the cost of the vet.
///
/// The verdict depends only on the files of the tree and the Go release, so a passing one is remembered
/// by their content (`verdict_stamp`): a later run with the same tree and go asks the toolchain nothing.
/// A fresh checkout (CI) has no stamps and checks every case.
fn toolchain_checks(dir: &Path, case: &str, changed: bool) {
    if !go_available() {
        return;
    }
    let stamp = verdict_stamp(dir, changed);
    if stamp.exists() {
        return;
    }
    run_toolchain(dir, case, changed);
    std::fs::create_dir_all(stamp.parent().unwrap()).unwrap();
    std::fs::write(&stamp, case).unwrap();
}

/// Where the passing verdict on this tree is kept: a hash of the Go release, the checks asked for and
/// every file of the tree (names and bytes), under the target directory's test scratch space.
fn verdict_stamp(dir: &Path, changed: bool) -> PathBuf {
    use std::hash::{Hash, Hasher};
    static GO_VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let version = GO_VERSION.get_or_init(|| go(Path::new("."), &["env", "GOVERSION"]).1);
    let mut h = std::hash::DefaultHasher::new();
    (version, changed, common::files_under(dir, dir)).hash(&mut h);
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("golden-toolchain-ok")
        .join(format!("{:016x}", h.finish()))
}

fn run_toolchain(dir: &Path, case: &str, changed: bool) {
    let clean: Vec<PathBuf> = go_files(dir)
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
        if !changed {
            return;
        }
        // To /dev/null: a case with one main package would otherwise leave its binary in the tree.
        let (ok, msg) = go(dir, &["build", "-o", "/dev/null", "./..."]);
        assert!(ok, "{case}: go build failed:\n{msg}");
    }
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
    for t in case
        .codes
        .iter()
        .filter_map(|c| gofix_rt::catalog::registry::lookup(c))
    {
        for line in report
            .lines()
            .filter(|l| l.contains(&format!(": {} ", t.meta.code)))
        {
            let fixable = line.contains(" [*] ") || line.contains(" [~] ");
            match t.meta.fix {
                gofix_rt::rules::fix::FixAvailability::Always => assert!(
                    fixable,
                    "{label}: declared Always, reported without a fix: {line}"
                ),
                gofix_rt::rules::fix::FixAvailability::Never => assert!(
                    !fixable,
                    "{label}: declared detect-only, offered a fix: {line}"
                ),
                gofix_rt::rules::fix::FixAvailability::Sometimes => {}
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
    for p in go_files(written.path()) {
        let text = std::fs::read_to_string(&p).unwrap();
        let tree = gofix_rt::read::syntax::parse(&text);
        assert!(
            !tree.root_node().has_error(),
            "{label}: {} does not parse after --write",
            p.display()
        );
    }
    toolchain_checks(written.path(), &label, changed);
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
    let head = commit_all(dir.path());
    let repo = git2::Repository::open(dir.path()).unwrap();
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

/// The cases, as `(test name, path)`: `golden/<dir>/<case>.txtar` for a rule's directory (`R2-...`) or a
/// cross-rule one (`multi-...`), named `<dir>/<case>`.
fn cases(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = vec![];
    for dir in std::fs::read_dir(root).unwrap().flatten() {
        let dname = dir.file_name().to_string_lossy().to_string();
        let rule = dname.starts_with(|c: char| c.is_ascii_uppercase() || c == '_');
        if !(rule || dname.starts_with("multi-")) || !dir.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let fname = f.file_name().to_string_lossy().to_string();
            if let Some(stem) = fname.strip_suffix(".txtar") {
                out.push((format!("{dname}/{stem}"), f.path()));
            }
        }
    }
    out.sort();
    out
}

/// INSTA_GLOB_FILTER as `insta::glob!` reads it: `;`-separated, case-insensitive globs on `<dir>/<case>.txtar`.
fn glob_filter() -> Vec<globset::GlobMatcher> {
    std::env::var("INSTA_GLOB_FILTER")
        .unwrap_or_default()
        .split(';')
        .filter(|g| !g.is_empty())
        .map(|g| {
            globset::GlobBuilder::new(g)
                .case_insensitive(true)
                .build()
                .unwrap_or_else(|e| panic!("INSTA_GLOB_FILTER: {e}"))
                .compile_matcher()
        })
        .collect()
}

fn main() {
    let mut args = Arguments::from_args();
    // libtest-mimic reads --test-threads only; RUST_TEST_THREADS is honoured here as libtest does. By
    // default two cases per core: a case mostly waits on its child processes.
    if args.test_threads.is_none() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        args.test_threads = Some(
            std::env::var("RUST_TEST_THREADS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(cores * 2),
        );
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let filter = glob_filter();
    let trials = cases(&root)
        .into_iter()
        .filter(|(_, path)| {
            let rel = path.strip_prefix(&root).unwrap();
            filter.is_empty() || filter.iter().any(|g| g.is_match(rel))
        })
        .map(|(name, path)| {
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .to_string();
            Trial::test(name, move || {
                let out = check_case(&path);
                // The name, suffix and input file insta::glob! used, so the snapshot files stay as they are.
                let mut settings = insta::Settings::clone_current();
                settings.set_input_file(&path);
                settings.set_snapshot_suffix(rel);
                settings.bind(|| insta::assert_snapshot!("golden", out));
                Ok::<(), Failed>(())
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
