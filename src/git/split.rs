//! `--split-by`: which branch a changed file belongs to, as a slug for `NAME/<slug>`.

use crate::git::codeowners::CodeOwners;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SplitBy {
    /// One branch per Go module (the directory of the nearest go.mod).
    Module,
    /// One branch per top-level directory of the repository.
    Dir,
    /// One branch per owner set of the winning CODEOWNERS rule.
    Codeowners,
}

pub struct Splitter {
    by: SplitBy,
    workdir: PathBuf,
    owners: Option<CodeOwners>,
}

impl Splitter {
    /// `owners` is the repository's CODEOWNERS (only consulted when splitting by owner).
    pub fn new(by: SplitBy, workdir: &Path, owners: Option<CodeOwners>) -> Splitter {
        Splitter {
            by,
            workdir: workdir.to_path_buf(),
            owners,
        }
    }

    /// The slug of the branch a repository path (`svc/api/x.go`) goes to.
    pub fn slug(&self, repo_path: &str) -> String {
        let raw = match self.by {
            SplitBy::Module => module_root(&self.workdir, repo_path).unwrap_or_default(),
            SplitBy::Dir => match repo_path.split_once('/') {
                Some((top, _)) => top.to_string(),
                None => String::new(),
            },
            SplitBy::Codeowners => {
                let owners = self
                    .owners
                    .as_ref()
                    .map_or(&[][..], |o| o.owners(repo_path));
                if owners.is_empty() {
                    return "unowned".into();
                }
                owners
                    .iter()
                    .map(|o| o.trim_start_matches('@'))
                    .collect::<Vec<_>>()
                    .join("+")
            }
        };
        if raw.is_empty() {
            return "root".into();
        }
        slugify(&raw)
    }
}

/// The repository path of the directory holding the nearest go.mod at or above the file's directory
/// (`""` for the repository root), or `None` when no go.mod governs it.
pub fn module_root(workdir: &Path, repo_path: &str) -> Option<String> {
    let mut dir = Path::new(repo_path).parent();
    while let Some(d) = dir {
        if workdir.join(d).join("go.mod").is_file() {
            return Some(d.to_string_lossy().replace('\\', "/"));
        }
        dir = d.parent();
    }
    None
}

/// Keeps what git accepts in a ref name component and a file name: letters, digits, `.`, `_`, `+`, `-`;
/// anything else (`/`, spaces, `@`) becomes `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-');
        let c = if keep { c } else { '-' };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    let out = out
        .trim_matches(|c| c == '-' || c == '.')
        .replace("..", ".");
    let out = out.strip_suffix(".lock").unwrap_or(&out).to_string();
    if out.is_empty() { "root".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ref_and_file_name_safe() {
        assert_eq!(slugify("services/api"), "services-api");
        assert_eq!(slugify("org/team a"), "org-team-a");
        assert_eq!(slugify("../x.lock"), "x");
        assert_eq!(slugify("///"), "root");
    }

    #[test]
    fn dir_and_module_slugs() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("svc/api/sub")).unwrap();
        std::fs::write(d.path().join("svc/api/go.mod"), "module a\n").unwrap();
        std::fs::write(d.path().join("go.mod"), "module r\n").unwrap();
        let m = Splitter::new(SplitBy::Module, d.path(), None);
        assert_eq!(m.slug("svc/api/sub/x.go"), "svc-api");
        assert_eq!(m.slug("svc/api/go.mod"), "svc-api");
        assert_eq!(m.slug("svc/y.go"), "root");
        let t = Splitter::new(SplitBy::Dir, d.path(), None);
        assert_eq!(t.slug("svc/api/x.go"), "svc");
        assert_eq!(t.slug("main.go"), "root");
        let o = Splitter::new(
            SplitBy::Codeowners,
            d.path(),
            Some(CodeOwners::parse("/svc/ @org/api @bob\n")),
        );
        assert_eq!(o.slug("svc/x.go"), "org-api+bob");
        assert_eq!(o.slug("x.go"), "unowned");
    }
}
