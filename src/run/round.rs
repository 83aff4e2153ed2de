//! What one engine run takes besides the user's `Settings`, which are input only: the runs `--verify`
//! and `--branch` start say here how they differ from the run the user asked for.

use crate::rules::transform::Transform;
use crate::run::settings::{Mode, Settings};
use crate::run::withheld::Withheld;
use std::path::PathBuf;

#[derive(Clone, Default)]
pub struct Round {
    /// Fixes not applied (still reported, `Finding::skipped` says why): those `--verify` dropped.
    pub withheld: Withheld,
    /// Only these files (a package `--verify` runs again) instead of the walk of `settings.paths`; no
    /// shard applies and no progress bar is drawn.
    pub files: Option<Vec<PathBuf>>,
    /// `--branch`: fix whatever `settings.mode` says, and record, per directory that changed, what each
    /// prefix (in code order) of the rules that applied there gives (`RunOutcome::dir_steps`).
    pub branch: bool,
    /// Only these of the selected transforms (a `--branch` rule step: a prefix of those that applied).
    pub rules: Option<Vec<&'static Transform>>,
}

impl Round {
    /// The run `--branch` makes its commits from.
    pub fn branch() -> Round {
        Round {
            branch: true,
            ..Round::default()
        }
    }

    /// The transforms this run runs.
    pub fn rules<'a>(&'a self, settings: &'a Settings) -> &'a [&'static Transform] {
        self.rules.as_deref().unwrap_or(&settings.transforms)
    }

    /// Does this run apply fixes?
    pub fn fixes(&self, settings: &Settings) -> bool {
        self.branch || settings.mode != Mode::Check
    }

    /// The same run on `files` only, with `withheld` not applied.
    pub fn again(&self, files: Vec<PathBuf>, withheld: Withheld) -> Round {
        Round {
            withheld,
            files: Some(files),
            ..self.clone()
        }
    }
}
