//! What a run does, resolved from the command line (or built directly by tests); read, never written
//! afterwards: the runs `--verify` and `--branch` start say how they differ in a `run::round::Round`.

use crate::read::version::GoVersion;
use crate::rules::fix::Applicability;
use crate::rules::transform::{Options, Transform};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Report findings only.
    Check,
    /// Compute fixes and print a diff.
    DryRun,
    /// Compute fixes and write them.
    Write,
}

#[derive(Clone)]
pub struct Settings {
    pub paths: Vec<PathBuf>,
    pub transforms: Vec<&'static Transform>,
    pub mode: Mode,
    /// Lowest applicability that is applied (`Safe`, or `Unsafe` with `--unsafe-fixes`).
    pub threshold: Applicability,
    pub options: Options,
    pub go_version: Option<GoVersion>,
    pub respect_gitignore: bool,
    pub ignore_suppressions: bool,
    pub max_file_size: u64,
    pub threads: Option<usize>,
    /// Show a progress bar on stderr (the CLI sets it when stderr is a terminal).
    pub progress: bool,
    /// Build and vet the fixed packages with the go tool before anything is written (`--verify`).
    pub verify: bool,
    /// Only the directories of this shard (`--shard I/N`).
    pub shard: Option<crate::run::shard::Shard>,
    /// `--min-hot PERCENT`: behind-a-profile findings only where the enclosing function's cumulative share
    /// of the profile (`options.profile`) reaches this.
    pub min_hot: Option<f64>,
    /// `exclude` and `per-file-ignores` from the config file (and `--exclude`).
    pub path_rules: Option<std::sync::Arc<crate::run::path_rules::PathRules>>,
}

impl Settings {
    pub fn profile(&self) -> Option<&crate::semantic::profile::Profile> {
        self.options.profile.as_deref()
    }

    pub fn new(paths: Vec<PathBuf>, transforms: Vec<&'static Transform>, mode: Mode) -> Settings {
        Settings {
            paths,
            transforms,
            mode,
            threshold: Applicability::Safe,
            options: Options::default(),
            go_version: None,
            respect_gitignore: true,
            ignore_suppressions: false,
            max_file_size: crate::read::source::DEFAULT_MAX_FILE_SIZE,
            threads: None,
            progress: false,
            verify: false,
            shard: None,
            min_hot: None,
            path_rules: None,
        }
    }
}
