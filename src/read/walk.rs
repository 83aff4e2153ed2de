//! Finding the Go files to look at: the `ignore` walker (so .gitignore is respected) with the go tool's own
//! exclusions (§0.2): `vendor/`, `testdata/`, and directories or files starting with `_` or `.`.
//! Files named on the command line are always read. Non-Go build files (Dockerfile, Makefile,
//! .goreleaser.yml: `crate::read::documents`) are picked up under the same exclusions; the engine keeps those
//! a rule reads. Files the git
//! index tracks are read whatever the ignore rules say: a tracked file is part of the build.

use std::path::{Path, PathBuf};

/// A per-file problem: unreadable, not UTF-8, too large, syntax error (like gofmt), internal error. Always
/// exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub path: String,
    pub pos: Option<(usize, usize)>,
    pub message: String,
}

impl Problem {
    pub fn new(path: String, message: String) -> Problem {
        Problem {
            path,
            pos: None,
            message,
        }
    }
}

/// Does the go tool skip this directory name?
pub fn is_excluded_dir(name: &str) -> bool {
    name == "vendor" || name == "testdata" || name.starts_with('_') || name.starts_with('.')
}

fn is_go_file_name(name: &str) -> bool {
    name.ends_with(".go") && !name.starts_with('_') && !name.starts_with('.')
}

/// The normal components of `path` as strings (no `.`, `..`, root or prefix): a path compared or
/// hashed the same way on every platform.
pub fn normal_parts(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// The path as printed: relative to the current directory when it lies below it, without a leading `./`,
/// so diff headers (`a/<path>`) are what `git apply` expects when run from here.
pub fn display_path(p: &Path) -> String {
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let rel = match CWD.get_or_init(|| std::env::current_dir().ok()) {
        Some(cwd) if p.is_absolute() => p.strip_prefix(cwd).unwrap_or(p),
        _ => p,
    };
    let s = rel.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

pub fn discover(paths: &[PathBuf], respect_gitignore: bool) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut files = vec![];
    let mut problems = vec![];
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                problems.push(Problem::new(
                    display_path(root),
                    format!("cannot read: {}", io_reason(&e)),
                ));
                continue;
            }
        };
        if meta.is_file() {
            files.push(root.clone());
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(root);
        builder
            .follow_links(true)
            .hidden(false)
            .git_ignore(respect_gitignore)
            .git_global(respect_gitignore)
            .git_exclude(respect_gitignore)
            .ignore(respect_gitignore)
            .parents(respect_gitignore)
            .require_git(false)
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                e.depth() == 0
                    || !e.file_type().is_some_and(|t| t.is_dir())
                    || !is_excluded_dir(&name)
                    || name.ends_with(".go")
            });
        for entry in builder.build() {
            match entry {
                Err(err) if !is_run_error(&err) => {}
                Ok(e) => {
                    let name = e.file_name().to_string_lossy();
                    let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                    if e.depth() > 0
                        && !is_dir
                        && !is_go_file_name(&name)
                        && crate::read::documents::is_build_file_name(&name)
                    {
                        files.push(e.into_path());
                    } else if e.depth() > 0 && is_go_file_name(&name) {
                        if is_dir {
                            problems.push(Problem::new(
                                display_path(e.path()),
                                "is a directory, not a Go file".into(),
                            ));
                        } else {
                            files.push(e.into_path());
                        }
                    }
                }
                Err(err) => problems.push(walk_problem(&err)),
            }
        }
        if respect_gitignore {
            files.extend(tracked_files(root));
        }
    }
    files.sort();
    files.dedup();
    (files, problems)
}

fn is_read_file_name(name: &str) -> bool {
    is_go_file_name(name) || crate::read::documents::is_build_file_name(name)
}

/// Is a walk error the run's business? A link loop is not (the walk just does not follow it, and the go
/// tool never follows directory links); a dangling link or unreadable entry is only when a rule would read
/// it (a `.go` or build file name), so a broken link in `node_modules/` or the docs is no run error.
fn is_run_error(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::Loop { .. } => false,
        ignore::Error::WithDepth { err, .. } => is_run_error(err),
        ignore::Error::WithPath { path, err } => {
            is_run_error(err)
                && (path.is_dir()
                    || path
                        .file_name()
                        .is_some_and(|n| is_read_file_name(&n.to_string_lossy())))
        }
        _ => true,
    }
}

/// The files below `root` that the git index tracks and a rule reads, under the go tool's exclusions.
/// Ignore rules never hide them: a root `.gitignore` line meant for a binary (`fbstatus`) must not drop
/// the tracked source directory `cmd/fbstatus/`. Symbolic links and submodules in the index are left
/// to the walk.
fn tracked_files(root: &Path) -> Vec<PathBuf> {
    let Ok(repo) = git2::Repository::discover(root) else {
        return vec![];
    };
    let (Some(workdir), Ok(index)) = (repo.workdir(), repo.index()) else {
        return vec![];
    };
    let (Ok(workdir), Ok(abs_root)) = (workdir.canonicalize(), root.canonicalize()) else {
        return vec![];
    };
    let mut out = vec![];
    for entry in index.iter() {
        // Regular files only (0o100644, 0o100755): not links (0o120000) or submodules (0o160000).
        if entry.mode & 0o170000 != 0o100000 {
            continue;
        }
        let Ok(rel) = std::str::from_utf8(&entry.path) else {
            continue;
        };
        let Ok(below) = workdir
            .join(rel)
            .strip_prefix(&abs_root)
            .map(Path::to_path_buf)
        else {
            continue;
        };
        let parts: Vec<String> = below
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let Some((name, dirs)) = parts.split_last() else {
            continue;
        };
        if dirs.iter().any(|d| is_excluded_dir(d)) || !is_read_file_name(name) {
            continue;
        }
        let path = root.join(&below);
        if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            out.push(path);
        }
    }
    out
}

fn walk_problem(err: &ignore::Error) -> Problem {
    match err {
        ignore::Error::WithPath { path, err } => Problem::new(display_path(path), walk_reason(err)),
        ignore::Error::WithDepth { err, .. } => walk_problem(err),
        ignore::Error::Loop { child, ancestor } => Problem::new(
            display_path(child),
            format!(
                "symbolic link loop (points back to {}); not followed",
                display_path(ancestor)
            ),
        ),
        other => Problem::new(String::from("<walk>"), other.to_string()),
    }
}

fn walk_reason(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Io(e) => io_reason(e),
        ignore::Error::Loop { ancestor, .. } => {
            format!(
                "symbolic link loop (points back to {}); not followed",
                display_path(ancestor)
            )
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithPath { err, .. } => {
            walk_reason(err)
        }
        other => other.to_string(),
    }
}

/// An io::Error as a short reason, without the "(os error N)" tail.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}
