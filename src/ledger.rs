//! The fix ledger: every fix a run applied, in the order it applied them (rule, file, pass,
//! applicability, how many edits). The pass loops (src/apply.rs for Go packages, src/otherfiles.rs for
//! build files) record into it; `--branch` reads applicabilities from it instead of asking a second run.

use crate::fix::Applicability;

/// One applied fix. `file` is a file index inside a package's outcome and becomes the display path once
/// the engine puts the run together (`Applied<String>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied<F = String> {
    pub code: &'static str,
    /// The file of the finding that was fixed.
    pub file: F,
    /// The pass (0-based) in which the fix was applied.
    pub pass: usize,
    pub applicability: Applicability,
    /// Byte edits of the fix (import and module-file changes not counted).
    pub edits: usize,
}

impl<F> Applied<F> {
    /// The same entry with its file named another way (an index becomes a display path).
    pub fn map_file<G>(self, name: impl FnOnce(F) -> G) -> Applied<G> {
        Applied {
            code: self.code,
            file: name(self.file),
            pass: self.pass,
            applicability: self.applicability,
            edits: self.edits,
        }
    }
}
