//! Test-only pieces shared by the integration-test binaries: running the built binary, writing temporary
//! trees and modules, the go toolchain, and a transform that breaks the build.
// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use gofix_rt::rules::fix::{Edit, Fix, FixAvailability, TextRange};
use gofix_rt::rules::transform::{Ctx, Match, Meta, Transform, always};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const BIN: &str = env!("CARGO_BIN_EXE_gofix-rt");

/// The go.mod `module` writes unless the files bring their own.
pub const GOMOD: &str = "module example.com/m\n\ngo 1.22\n";

/// The binary, run in `dir`, with no colour and a fixed git identity, so neither the output nor the commits
/// of `--branch` depend on the environment of whoever runs the tests.
pub fn gofix_cmd(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "Bot")
        .env("GIT_AUTHOR_EMAIL", "bot@example.com")
        .env("GIT_COMMITTER_NAME", "Bot")
        .env("GIT_COMMITTER_EMAIL", "bot@example.com");
    cmd
}

/// `(stdout, stderr, exit code)` of a command; -1 when a signal ended it.
pub fn output(cmd: &mut Command) -> (String, String, i32) {
    texts(cmd.output().unwrap())
}

pub fn texts(out: Output) -> (String, String, i32) {
    (
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
        out.status.code().unwrap_or(-1),
    )
}

/// `gofix-rt ARGS` in `dir`.
pub fn gofix(dir: &Path, args: &[&str]) -> (String, String, i32) {
    output(gofix_cmd(dir).args(args))
}

/// `files` (relative path, contents) under `dir`, with their directories.
pub fn write_files<B: AsRef<[u8]>>(dir: &Path, files: &[(&str, B)]) {
    for (name, body) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
}

/// A temporary directory holding `files`.
pub fn tree<B: AsRef<[u8]>>(files: &[(&str, B)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), files);
    dir
}

/// A temporary module: `module_path`'s go.mod (go 1.22) plus `files`, which may replace it.
pub fn module_named<B: AsRef<[u8]>>(module_path: &str, files: &[(&str, B)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        format!("module {module_path}\n\ngo 1.22\n"),
    )
    .unwrap();
    write_files(dir.path(), files);
    dir
}

/// A temporary module `example.com/m` holding `files`.
pub fn module<B: AsRef<[u8]>>(files: &[(&str, B)]) -> tempfile::TempDir {
    module_named("example.com/m", files)
}

/// Is the go tool on PATH? Without it the toolchain checks are skipped, unless GOFIXRT_REQUIRE_GO=1
/// (CI), where its absence fails the test instead.
pub fn go_available() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    let ok = *OK.get_or_init(|| {
        Command::new("go")
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !ok && std::env::var("GOFIXRT_REQUIRE_GO").is_ok_and(|v| v == "1") {
        panic!("GOFIXRT_REQUIRE_GO=1 but `go` is not on PATH");
    }
    ok
}

/// `go ARGS` in `dir` with the local toolchain (never a download), `-mod=mod` (a case's go.sum may
/// lack lines) and `-trimpath`, so the go build cache keys a package by its contents, not the temporary
/// directory it was written to: a tree checked before costs a cache lookup; its success and its
/// combined output.
pub fn go(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("go")
        .current_dir(dir)
        .args(args)
        .env("GOFLAGS", "-mod=mod -trimpath")
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

/// `git ARGS` in `dir` with a fixed identity; panics with git's message when it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Makes `dir` a repository with everything in it committed on HEAD; returns that commit.
pub fn commit_all(dir: &Path) -> git2::Oid {
    let repo = git2::Repository::init(dir).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "initial", &tree, &[])
        .unwrap()
}

/// A copy of the tree at `from` under `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` (`.git` included) by path relative to `root`, with its bytes: a snapshot that
/// proves nothing was written, created or removed.
pub fn files_under(root: &Path, dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The `.go` files under `dir`.
pub fn go_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = files_under(dir, dir)
        .into_keys()
        .filter(|p| p.ends_with(".go"))
        .map(|p| dir.join(p))
        .collect();
    out.sort();
    out
}

/// The `path: error: reason` lines of a run's stderr.
pub fn error_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(": error: ")).collect()
}

/// Transforms with a bug only the compiler sees: each renames the calls of one function to one that does
/// not exist, so `--verify` must drop its fixes.
macro_rules! breaking_transform {
    ($static:ident, $code:literal, $name:literal, $callee:literal, $to:literal) => {
        pub static $static: Transform = Transform {
            meta: Meta {
                code: $code,
                name: $name,
                summary: "test only",
                fix: FixAvailability::Always,
                prefilter: &[concat!($callee, "()")],
                calls: &[],
                tier: gofix_rt::rules::transform::Tier::AlwaysShip,
                status: gofix_rt::rules::transform::Status::Stable,
                options: &[],
            },
            source: "",
            query: concat!(
                r#"((call_expression function: (identifier) @fn) @match (#eq? @fn ""#,
                $callee,
                r#""))"#
            ),
            run: |cx, m| rename_call(cx, m, $to),
            precheck: always,
            other_files: None,
        };
    };
}

// `work()` becomes `doWork()`.
breaking_transform!(BREAKS_BUILD, "X9", "test-breaks-build", "work", "doWork");
// `rest()` becomes `doRest()`.
breaking_transform!(
    ALSO_BREAKS_BUILD,
    "X8",
    "test-also-breaks-build",
    "rest",
    "doRest"
);

fn rename_call(cx: &mut Ctx<'_>, m: &Match<'_>, to: &str) -> Option<()> {
    let (call, name) = (m.node("match")?, m.node("fn")?);
    let file = cx.file_idx;
    cx.report(TextRange::of(call), "test finding").fix =
        Some(Fix::safe("rename").edit(file, Edit::replace(TextRange::of(name), to)));
    Some(())
}

/// A dry run of `transforms` on `dir`, verified (`--verify` as the library runs it).
pub fn verify_with(
    dir: &Path,
    transforms: Vec<&'static Transform>,
) -> gofix_rt::run::verify::VerifyReport {
    use gofix_rt::run::settings::{Mode, Settings};
    let s = Settings::new(vec![dir.to_path_buf()], transforms, Mode::DryRun);
    gofix_rt::run::verify::verify(gofix_rt::run::engine::run(&s), &s).unwrap()
}
