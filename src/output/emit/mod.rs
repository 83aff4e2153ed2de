//! Turning a run's outcome into what the user sees: finding lines, a unified diff, files written,
//! commits on a branch, or a JSON, SARIF, GitHub workflow-command or reviewdog (rdjson) document.

pub mod check;
pub mod diff;
pub mod github;
pub mod json;
pub mod profile_summary;
pub mod rdjson;
pub mod sarif;
pub mod write;

use std::path::{Component, Path, PathBuf};

/// Where the tool's documentation lives (the crate's `repository`, empty while it declares none).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The page a reader is sent to for one rule (SARIF `helpUri`, rdjson `code.url`), `None` while the crate
/// names no repository. A rule's `explain` text is the `//!` header of its source file, named after the
/// rule (`time-after-in-loop` → `transforms/time_after_in_loop.rs`); SUP is README's suppression section.
pub fn help_uri(code: &str) -> Option<String> {
    if REPOSITORY.is_empty() {
        return None;
    }
    Some(match crate::catalog::registry::lookup(code) {
        Some(t) => format!(
            "{REPOSITORY}/blob/main/transforms/{}.rs",
            t.meta.name.replace('-', "_")
        ),
        None => format!("{REPOSITORY}#suppressing-a-finding"),
    })
}

/// The lines that a finding's positions refer to, without their line endings: the fixed contents after
/// `--dry-run`/`--write`, else the file as it is (a UTF-8 BOM dropped, as positions count without it);
/// empty when the file cannot be read.
pub fn current_lines(out: &crate::run::engine::RunOutcome, printed: &str) -> Vec<String> {
    let bytes = match out.changes.iter().find(|c| c.display == printed) {
        Some(c) => c.new.clone(),
        None => std::fs::read(printed).unwrap_or_default(),
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect()
}

/// The work tree's root and the current directory below it, when the current directory is inside a git
/// work tree (both canonical).
fn repo_prefix() -> Option<&'static (PathBuf, PathBuf)> {
    static PREFIX: std::sync::OnceLock<Option<(PathBuf, PathBuf)>> = std::sync::OnceLock::new();
    PREFIX
        .get_or_init(|| {
            let cwd = std::env::current_dir().ok()?.canonicalize().ok()?;
            let repo = git2::Repository::discover(&cwd).ok()?;
            let root = repo.workdir()?.canonicalize().ok()?;
            let below = cwd.strip_prefix(&root).ok()?.to_path_buf();
            Some((root, below))
        })
        .as_ref()
}

/// A printed path (relative to the current directory, or absolute) as a path relative to the git work
/// tree's root, which is how `git apply`, GitHub annotations and code review tools name files. Outside a
/// work tree, or for a file outside it, the printed path is returned as it is.
pub fn repo_relative(printed: &str) -> String {
    match repo_prefix() {
        Some((root, below)) => {
            relative_to_root(printed, root, below).unwrap_or_else(|| printed.into())
        }
        None => printed.into(),
    }
}

fn relative_to_root(printed: &str, root: &Path, below: &Path) -> Option<String> {
    let p = Path::new(printed);
    let joined = if p.is_absolute() {
        p.strip_prefix(root).ok()?.to_path_buf()
    } else {
        below.join(p)
    };
    // Lexically, so `../x.go` from a subdirectory names the sibling file; above the root is outside.
    let mut parts: Vec<&std::ffi::OsStr> = vec![];
    for c in joined.components() {
        match c {
            Component::Normal(s) => parts.push(s),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    let parts: Vec<String> = parts
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::relative_to_root;
    use std::path::Path;

    #[test]
    fn printed_paths_become_root_relative() {
        let (root, below) = (Path::new("/r"), Path::new("svc/api"));
        let rel = |p| relative_to_root(p, root, below);
        assert_eq!(rel("x.go").as_deref(), Some("svc/api/x.go"));
        assert_eq!(rel("../lib/y.go").as_deref(), Some("svc/lib/y.go"));
        assert_eq!(rel("/r/top.go").as_deref(), Some("top.go"));
        assert_eq!(rel("/elsewhere/z.go"), None);
        assert_eq!(rel("../../../out.go"), None);
        assert_eq!(
            relative_to_root("a.go", root, Path::new("")).as_deref(),
            Some("a.go")
        );
    }
}
