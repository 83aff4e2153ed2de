//! `--branch` against real git (git2, in temporary repositories; a bare repository as the remote): the
//! working tree, index and HEAD are byte-identical afterwards; the branch equals `--write`; one commit per
//! transform in code order; refusals; `--split-by`; `--pr-body`; `--push`.

mod common;
use common::{GOMOD, commit_all, files_under, gofix as run, tree};
use git2::Repository;
use std::collections::BTreeMap;
use std::path::Path;
/// R3a removes the yield; R5 (unsafe) adds the automaxprocs import to this long-running main (it blocks
/// forever), go.mod's require and go.sum.
const MAIN: &str = "package main\n\nimport \"runtime\"\n\nfunc main() {\n\truntime.Gosched()\n\tprintln(\"up\")\n\tselect {}\n}\n";
/// R6.1 removes the empty default.
const SPIN: &str = "package sub\n\nfunc F(a chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tdefault:\n\t\t}\n\t}\n}\n";
/// R6.1 on a method-call operand: an unsafe fix, left alone without --unsafe-fixes.
const SPIN_CALL: &str = "package sub\n\ntype S interface{ Err() <-chan error }\n\nfunc G(s S) {\n\tfor {\n\t\tselect {\n\t\tcase <-s.Err():\n\t\tdefault:\n\t\t}\n\t}\n}\n";

/// A repository with `files` committed on HEAD.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tree(files);
    commit_all(dir.path());
    dir
}

/// Every file of the working tree plus .git's index, HEAD and the ref HEAD names, byte for byte.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = files_under(dir, dir);
    out.retain(|k, _| !k.starts_with(".git/"));
    for f in [".git/index", ".git/HEAD"] {
        out.insert(f.into(), std::fs::read(dir.join(f)).unwrap_or_default());
    }
    let repo = Repository::open(dir).unwrap();
    out.insert(
        "HEAD commit".into(),
        repo.head()
            .unwrap()
            .target()
            .unwrap()
            .to_string()
            .into_bytes(),
    );
    out
}

/// The blobs of a branch's tree.
fn branch_files(dir: &Path, branch: &str) -> BTreeMap<String, Vec<u8>> {
    let repo = Repository::open(dir).unwrap();
    let tree = repo
        .revparse_single(&format!("refs/heads/{branch}"))
        .unwrap()
        .peel_to_tree()
        .unwrap();
    let mut out = BTreeMap::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |root, e| {
        if let Some(blob) = e.to_object(&repo).ok().and_then(|o| o.into_blob().ok()) {
            out.insert(
                format!("{root}{}", e.name().unwrap()),
                blob.content().to_vec(),
            );
        }
        git2::TreeWalkResult::Ok
    })
    .unwrap();
    out
}

/// (subject, files changed) of each commit from HEAD to the branch, oldest first.
fn commits(dir: &Path, branch: &str) -> Vec<(String, Vec<String>)> {
    let repo = Repository::open(dir).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.push_ref(&format!("refs/heads/{branch}")).unwrap();
    walk.hide_head().unwrap();
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .unwrap();
    walk.map(|id| {
        let c = repo.find_commit(id.unwrap()).unwrap();
        let diff = repo
            .diff_tree_to_tree(
                Some(&c.parent(0).unwrap().tree().unwrap()),
                Some(&c.tree().unwrap()),
                None,
            )
            .unwrap();
        let files = diff
            .deltas()
            .map(|d| d.new_file().path().unwrap().to_string_lossy().to_string())
            .collect();
        (c.summary().unwrap().unwrap().to_string(), files)
    })
    .collect()
}

fn branches(dir: &Path) -> Vec<String> {
    let repo = Repository::open(dir).unwrap();
    let mut names: Vec<String> = repo
        .branches(Some(git2::BranchType::Local))
        .unwrap()
        .map(|b| b.unwrap().0.name().unwrap().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// The branch HEAD is on (master or main, depending on init.defaultBranch).
fn head_branch(dir: &Path) -> String {
    let repo = Repository::open(dir).unwrap();
    repo.head().unwrap().shorthand().unwrap().to_string()
}

fn sample() -> tempfile::TempDir {
    repo(&[("go.mod", GOMOD), ("main.go", MAIN), ("sub/x.go", SPIN)])
}

#[test]
fn one_commit_per_transform_equal_to_write_and_nothing_else_touched() {
    let dir = sample();
    let before = snapshot(dir.path());
    let (stdout, stderr, code) = run(dir.path(), &["--branch", "fix", "--unsafe-fixes"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        snapshot(dir.path()),
        before,
        "working tree, index or HEAD changed"
    );

    assert_eq!(
        commits(dir.path(), "fix"),
        [
            (
                "R3a gosched-call: 1 site".to_string(),
                vec!["main.go".to_string()]
            ),
            (
                "R5 automaxprocs-import: 1 site".into(),
                vec!["go.mod".into(), "go.sum".into(), "main.go".into()]
            ),
            (
                "R6.1 busy-select-default: 1 site".into(),
                vec!["sub/x.go".into()]
            ),
        ]
    );
    let repo = Repository::open(dir.path()).unwrap();
    let tip = repo.revparse_single("fix").unwrap().id().to_string();
    assert!(stdout.starts_with("branch fix: 3 commits on "), "{stdout}");
    assert!(stdout.contains(&format!("  {tip} R6.1 busy-select-default: 1 site\n")));
    assert!(stdout.ends_with("  review: git diff HEAD...fix\n"));
    let msg = repo
        .revparse_single("fix")
        .unwrap()
        .peel_to_commit()
        .unwrap();
    let body = msg.message().unwrap();
    for part in ["What changed:", "Why:", "Trade-off:", "How to verify:"] {
        assert!(body.contains(part), "{body}");
    }
    let first = msg.parent(0).unwrap().parent(0).unwrap();
    let first = first.message().unwrap().replace('\n', " ");
    assert!(first.contains("at 1 site in 1 file (safe fix)"), "{first}");
    let r5 = msg.parent(0).unwrap();
    let r5 = r5.message().unwrap().replace('\n', " ");
    assert!(r5.contains("at 1 site in 3 files (unsafe fix)"), "{r5}");

    // --write on an identical tree gives the branch's files.
    let written = sample();
    let (_, err, code) = run(written.path(), &["--write", "--unsafe-fixes"]);
    assert_eq!(code, 0, "{err}");
    let mut want = files_under(written.path(), written.path());
    want.retain(|k, _| !k.starts_with(".git/"));
    assert_eq!(branch_files(dir.path(), "fix"), want);
}

#[test]
fn works_from_a_subdirectory_of_a_multi_module_repository() {
    let dir = repo(&[
        ("a/go.mod", "module example.com/a\n\ngo 1.22\n"),
        ("a/sub/x.go", SPIN),
        ("b/go.mod", "module example.com/b\n\ngo 1.22\n"),
        ("b/y.go", SPIN),
    ]);
    let before = snapshot(dir.path());
    let (_, err, code) = run(&dir.path().join("a/sub"), &["--branch", "only-a"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        commits(dir.path(), "only-a"),
        [(
            "R6.1 busy-select-default: 1 site".to_string(),
            vec!["a/sub/x.go".to_string()]
        )]
    );
    let (_, err, code) = run(&dir.path().join("a"), &["--branch", "both", ".", "../b"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        commits(dir.path(), "both"),
        [(
            "R6.1 busy-select-default: 2 sites".to_string(),
            vec!["a/sub/x.go".to_string(), "b/y.go".to_string()]
        )]
    );
    assert_eq!(snapshot(dir.path()), before);
}

fn assert_refused(dir: &Path, args: &[&str], needle: &str) {
    let before = snapshot(dir);
    let branches_before = branches(dir);
    let (stdout, stderr, code) = run(dir, args);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("gofix-rt: error: ") && stderr.contains(needle),
        "{stderr}"
    );
    assert_eq!(snapshot(dir), before);
    assert_eq!(branches(dir), branches_before);
}

#[test]
fn refusals_exit_2_with_one_line() {
    let dir = sample();
    // A file to fix with uncommitted changes.
    std::fs::write(dir.path().join("sub/x.go"), format!("{SPIN}\n")).unwrap();
    assert_refused(
        dir.path(),
        &["--branch", "fix"],
        "sub/x.go differs from HEAD",
    );
    // A dirty file the run does not change is fine.
    std::fs::write(dir.path().join("sub/x.go"), SPIN).unwrap();
    std::fs::write(dir.path().join("go.mod"), format!("{GOMOD}// edited\n")).unwrap();
    let (_, err, code) = run(dir.path(), &["--branch", "fix"]);
    assert_eq!(code, 1, "R5's unsafe fix is left: {err}");
    // An untracked file to fix.
    std::fs::write(dir.path().join("sub/new.go"), SPIN.replace("F(", "H(")).unwrap();
    assert_refused(
        dir.path(),
        &["--branch", "other"],
        "sub/new.go differs from HEAD",
    );
    std::fs::remove_file(dir.path().join("sub/new.go")).unwrap();
    // go.mod is dirty, and R5 (enabled by --unsafe-fixes) would change it.
    assert_refused(
        dir.path(),
        &["--branch", "other", "--unsafe-fixes"],
        "go.mod differs from HEAD",
    );
    std::fs::write(dir.path().join("go.mod"), GOMOD).unwrap();
    // The branch exists; --force-branch replaces it.
    assert_refused(
        dir.path(),
        &["--branch", "fix"],
        "branch `fix` already exists",
    );
    let (_, err, code) = run(
        dir.path(),
        &["--branch", "fix", "--force-branch", "--unsafe-fixes"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(commits(dir.path(), "fix").len(), 3);
    // Never the branch HEAD is on.
    let on = head_branch(dir.path());
    assert_refused(
        dir.path(),
        &["--branch", &on, "--force-branch"],
        "is checked out",
    );
    assert_refused(
        dir.path(),
        &["--branch", "bad..name"],
        "not a valid branch name",
    );
    // Not a repository.
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("x.go"), SPIN).unwrap();
    let (_, stderr, code) = run(plain.path(), &["--branch", "fix"]);
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a git repository"), "{stderr}");
}

#[test]
fn a_broken_file_is_reported_and_the_rest_still_committed() {
    let dir = repo(&[
        ("go.mod", GOMOD),
        ("sub/x.go", SPIN),
        (
            "sub/bad.go",
            "package sub\n\nfunc f( {\n\tselect { default: }\n}\n",
        ),
    ]);
    let (stdout, stderr, code) = run(dir.path(), &["--branch", "fix"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("sub/bad.go:"), "{stderr}");
    assert!(stdout.starts_with("branch fix: 1 commit on "), "{stdout}");
    assert_eq!(changed(dir.path(), "fix"), ["sub/x.go"]);
}

#[test]
fn nothing_to_fix_makes_no_branch() {
    let dir = repo(&[("go.mod", GOMOD), ("ok.go", "package m\n")]);
    let (stdout, _, code) = run(dir.path(), &["--branch", "fix"]);
    assert_eq!(
        (stdout.as_str(), code),
        ("nothing to fix; no branch made\n", 0)
    );
    assert_eq!(branches(dir.path()), [head_branch(dir.path())]);
}

fn split_repo() -> tempfile::TempDir {
    repo(&[
        ("go.mod", GOMOD),
        ("tools/t.go", SPIN),
        ("svc/a/go.mod", "module example.com/a\n\ngo 1.22\n"),
        ("svc/a/x.go", SPIN),
        ("svc/b/go.mod", "module example.com/b\n\ngo 1.22\n"),
        ("svc/b/deep/y.go", SPIN),
        (
            ".github/CODEOWNERS",
            "# teams\n*  @org/core\n/svc/a/ @org/team-a\n**/deep/ @bob\n",
        ),
    ])
}

/// The files where a branch differs from HEAD.
fn changed(dir: &Path, branch: &str) -> Vec<String> {
    let mut all: Vec<String> = commits(dir, branch)
        .into_iter()
        .flat_map(|(_, f)| f)
        .collect();
    all.sort();
    all.dedup();
    all
}

#[test]
fn split_by_module_dir_and_codeowners() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        (
            "module",
            &[
                ("root", "tools/t.go"),
                ("svc-a", "svc/a/x.go"),
                ("svc-b", "svc/b/deep/y.go"),
            ],
        ),
        (
            "dir",
            &[
                ("svc", "svc/a/x.go svc/b/deep/y.go"),
                ("tools", "tools/t.go"),
            ],
        ),
        (
            "codeowners",
            &[
                ("bob", "svc/b/deep/y.go"),
                ("org-core", "tools/t.go"),
                ("org-team-a", "svc/a/x.go"),
            ],
        ),
    ];
    for (how, want) in cases {
        let dir = split_repo();
        let before = snapshot(dir.path());
        let (stdout, err, code) = run(dir.path(), &["--branch", "fix", "--split-by", how]);
        assert_eq!(code, 0, "{how}: {err}");
        assert_eq!(snapshot(dir.path()), before);
        let mut names = vec![head_branch(dir.path())];
        names.extend(want.iter().map(|(slug, _)| format!("fix/{slug}")));
        names.sort();
        assert_eq!(branches(dir.path()), names, "{how}");
        for (slug, files) in *want {
            let name = format!("fix/{slug}");
            assert_eq!(changed(dir.path(), &name).join(" "), *files, "{how} {name}");
            assert!(stdout.contains(&format!("review: git diff HEAD...{name}\n")));
        }
    }
}

#[test]
fn module_file_edits_follow_the_go_files_that_need_them() {
    // Split by directory, R5's import lands in cmd/ while go.mod and go.sum sit at the root: they go to
    // the cmd branch, which would not build without them.
    let dir = repo(&[
        ("go.mod", GOMOD),
        ("cmd/app/main.go", MAIN),
        ("tools/t.go", SPIN),
    ]);
    let (_, err, code) = run(
        dir.path(),
        &["--branch", "fix", "--split-by", "dir", "--unsafe-fixes"],
    );
    assert_eq!(code, 0, "{err}");
    let mut names = vec![
        "fix/cmd".to_string(),
        "fix/tools".into(),
        head_branch(dir.path()),
    ];
    names.sort();
    assert_eq!(branches(dir.path()), names);
    assert_eq!(
        changed(dir.path(), "fix/cmd"),
        ["cmd/app/main.go", "go.mod", "go.sum"]
    );
    assert_eq!(changed(dir.path(), "fix/tools"), ["tools/t.go"]);
}

#[test]
fn pr_body_describes_fixed_and_unfixed_sites() {
    let suppressed = SPIN.replace("F(", "Quiet(").replace(
        "\t\tdefault:",
        "\t\t//gofixrt:ignore R6.1 polling on purpose\n\t\tdefault:",
    );
    let dir = repo(&[
        ("go.mod", GOMOD),
        ("sub/x.go", SPIN),
        ("sub/y.go", &suppressed),
        ("sub/z.go", SPIN_CALL),
    ]);
    let out = tempfile::tempdir().unwrap();
    let body = out.path().join("pr.md");
    let (_, err, code) = run(
        dir.path(),
        &["--branch", "fix", "--pr-body", body.to_str().unwrap()],
    );
    assert_eq!(code, 1, "a finding is left: {err}");
    let md = std::fs::read_to_string(&body).unwrap();
    for part in [
        "| rule | sites | files | applicability |",
        "| R6.1 `busy-select-default` | 1 | 1 | safe |",
        "**Why.** An empty `default`",
        "**Trade-off.** Safe when",
        "## Found but not fixed",
        "| `sub/z.go:9:3` | R6.1 |",
        "unsafe fix not enabled",
        "Suppressed by `//gofixrt:ignore` directives (each gives its reason):\n\n- `sub/y.go`: R6.1 (1 site)\n",
        "go build ./... && go vet ./...",
    ] {
        assert!(md.contains(part), "no `{part}` in:\n{md}");
    }

    // Split: one file per branch, the slug before the extension.
    let split = split_repo();
    let (_, err, code) = run(
        split.path(),
        &[
            "--branch",
            "fix",
            "--split-by",
            "dir",
            "--pr-body",
            body.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let svc = std::fs::read_to_string(out.path().join("pr.svc.md")).unwrap();
    assert!(
        svc.contains("| R6.1 `busy-select-default` | 2 | 2 | safe |"),
        "{svc}"
    );
    assert!(
        svc.contains("(cd svc/a && go build ./... && go vet ./...)"),
        "{svc}"
    );
    let tools = std::fs::read_to_string(out.path().join("pr.tools.md")).unwrap();
    assert!(
        tools.contains("| R6.1 `busy-select-default` | 1 | 1 | safe |"),
        "{tools}"
    );
}

#[test]
fn push_lands_the_branches_in_a_bare_remote() {
    let dir = split_repo();
    let remote = tempfile::tempdir().unwrap();
    let bare = Repository::init_bare(remote.path()).unwrap();
    Repository::open(dir.path())
        .unwrap()
        .remote("origin", remote.path().to_str().unwrap())
        .unwrap();
    let (_, err, code) = run(
        dir.path(),
        &["--branch", "fix", "--split-by", "dir", "--push", "origin"],
    );
    assert_eq!(code, 0, "{err}");
    let local = Repository::open(dir.path()).unwrap();
    for b in ["fix/svc", "fix/tools"] {
        let r = format!("refs/heads/{b}");
        assert_eq!(
            bare.refname_to_id(&r).unwrap(),
            local.refname_to_id(&r).unwrap(),
            "{b}"
        );
    }
    // A path works as well as a remote name.
    let (_, err, code) = run(
        dir.path(),
        &[
            "--branch",
            "again",
            "--push",
            remote.path().to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(bare.refname_to_id("refs/heads/again").is_ok());
}
