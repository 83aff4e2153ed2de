//! The fixes a run must not apply: (package directory, code) pairs `--verify` found to break a package's
//! build or vet. Verify passes them to the runs it starts; the user's `Settings` never carry them, and
//! the emitters read the reason from each finding's `skipped` (the pass loop records it from here).

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Withheld(Vec<(PathBuf, &'static str)>);

impl Withheld {
    /// Nothing withheld: a first run, or one without `--verify`.
    pub const NONE: Withheld = Withheld(vec![]);

    pub fn new(pairs: Vec<(PathBuf, &'static str)>) -> Withheld {
        Withheld(pairs)
    }

    /// `code`'s fixes are withheld from the package in `dir`.
    pub fn push(&mut self, dir: PathBuf, code: &'static str) {
        self.0.push((dir, code));
    }

    /// The codes withheld from the package in `dir`.
    pub fn codes_in(&self, dir: &Path) -> Vec<&'static str> {
        self.0
            .iter()
            .filter(|(d, _)| d == dir)
            .map(|(_, code)| *code)
            .collect()
    }

    pub fn contains(&self, dir: &Path, code: &str) -> bool {
        self.0.iter().any(|(d, c)| d == dir && *c == code)
    }

    pub fn pairs(&self) -> &[(PathBuf, &'static str)] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
