//! `--branch` with `--verify`: a fix that breaks its package's build is in no commit, and the branch
//! reports it as dropped. A fake transform that renames a call to an undefined function stands in for a
//! broken rule, so this runs the library (in its own test binary: it changes the current directory,
//! which `--branch` resolves repository paths from).

mod common;
use common::{BREAKS_BUILD, GOMOD, commit_all, go_available, tree};

use git2::Repository;
use gofix_rt::catalog::registry;
use gofix_rt::git::branch::{self, BranchOptions};
use gofix_rt::run::settings::{Mode, Settings};

#[test]
fn a_fix_that_breaks_the_build_is_in_no_commit() {
    if !go_available() {
        return;
    }
    let a = "package a\n\nimport \"runtime\"\n\nfunc work() {}\n\nfunc Run() {\n\truntime.Gosched()\n\twork()\n}\n";
    let dir = tree(&[("go.mod", GOMOD), ("a/a.go", a)]);
    commit_all(dir.path());
    let repo = Repository::open(dir.path()).unwrap();

    std::env::set_current_dir(dir.path()).unwrap();
    let mut s = Settings::new(
        vec![".".into()],
        vec![registry::lookup("R3a").unwrap(), &BREAKS_BUILD],
        Mode::Write,
    );
    s.verify = true;
    let opts = BranchOptions {
        name: "fix".into(),
        force: false,
        split_by: None,
        push: None,
    };
    let made = branch::run(&s, &opts).unwrap();
    assert_eq!(made.dropped.len(), 1, "{:?}", made.dropped);
    assert_eq!(made.dropped[0].codes, ["X9"]);
    let b = &made.branches[0];
    let subjects: Vec<String> = b
        .commits
        .iter()
        .map(|c| format!("{} {}", c.transform.meta.code, c.sites))
        .collect();
    assert_eq!(subjects, ["R3a 1"]);
    assert_eq!(b.dropped.len(), 1);
    let committed = repo
        .revparse_single("fix:a/a.go")
        .unwrap()
        .peel_to_blob()
        .unwrap();
    assert_eq!(
        std::str::from_utf8(committed.content()).unwrap(),
        "package a\n\nfunc work() {}\n\nfunc Run() {\n\twork()\n}\n"
    );
    let body = gofix_rt::git::pr_body::render(b, s.threshold);
    assert!(body.contains("Left out by `--verify`"), "{body}");
    assert!(body.contains("- `a`: X9 — "), "{body}");
    // The finding of the dropped fix is still reported.
    assert!(made.outcome.findings.iter().any(|(_, f)| f.code == "X9"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a/a.go")).unwrap(),
        a
    );
}
