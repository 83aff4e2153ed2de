//! Which files a run leaves out (`exclude`) and which codes it ignores where (`per-file-ignores`): the
//! path rules of the settings, built by the config reader, asked by the walk and the pass loop.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::path::Path;

/// The path-based parts of the resolved settings: excluded paths and per-file ignores, each glob kept
/// with the directory it is relative to (the config file's, or the current one for `--exclude`).
#[derive(Debug, Default)]
pub struct PathRules {
    exclude: Vec<(String, Gitignore)>,
    per_file: Vec<(String, Gitignore, Vec<String>)>,
}

impl PathRules {
    pub fn is_empty(&self) -> bool {
        self.exclude.is_empty() && self.per_file.is_empty()
    }

    pub fn add_exclude(&mut self, root: &Path, globs: &[String]) -> Result<(), String> {
        for g in globs {
            let m = glob_matcher(root, std::slice::from_ref(g))?;
            self.exclude.push((g.clone(), m));
        }
        Ok(())
    }

    pub fn add_per_file_ignore(
        &mut self,
        root: &Path,
        glob: &str,
        codes: &[String],
    ) -> Result<(), String> {
        let m = glob_matcher(root, &[glob.to_string()])?;
        self.per_file.push((glob.to_string(), m, codes.to_vec()));
        Ok(())
    }

    /// Is this file (or a directory above it, up to the glob's root) matched by an `exclude` glob?
    pub fn excluded(&self, path: &Path) -> bool {
        let Ok(abs) = std::path::absolute(path) else {
            return false;
        };
        self.exclude.iter().any(|(_, m)| matches(m, &abs))
    }

    /// Does a `per-file-ignores` entry matching this file name `code` (exactly, by prefix or ALL)?
    pub fn ignores(&self, path: &Path, code: &str) -> bool {
        if self.per_file.is_empty() {
            return false;
        }
        let Ok(abs) = std::path::absolute(path) else {
            return false;
        };
        self.per_file.iter().any(|(_, m, codes)| {
            codes.iter().any(|c| selector_matches(c, code)) && matches(m, &abs)
        })
    }

    pub fn exclude_globs(&self) -> impl Iterator<Item = &str> {
        self.exclude.iter().map(|(g, _)| g.as_str())
    }

    pub fn per_file_globs(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.per_file.iter().map(|(g, _, c)| (g.as_str(), &c[..]))
    }
}

pub(crate) fn glob_matcher(root: &Path, globs: &[String]) -> Result<Gitignore, String> {
    let mut b = GitignoreBuilder::new(root);
    for g in globs {
        b.add_line(None, g)
            .map_err(|e| format!("bad glob `{g}`: {e}"))?;
    }
    b.build().map_err(|e| e.to_string())
}

/// A file outside the glob's root never matches (the `ignore` matcher panics on such paths).
fn matches(m: &Gitignore, abs: &Path) -> bool {
    abs.starts_with(m.path()) && m.matched_path_or_any_parents(abs, false).is_ignore()
}

fn selector_matches(selector: &str, code: &str) -> bool {
    if selector.eq_ignore_ascii_case(code) {
        return true;
    }
    crate::catalog::registry::select(selector)
        .is_some_and(|ts| ts.iter().any(|t| t.meta.code == code))
}
