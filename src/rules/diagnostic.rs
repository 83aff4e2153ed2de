//! What a transform reports.

use crate::rules::fix::{Fix, TextRange};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    /// Index of the file in its package.
    pub file: usize,
    pub range: TextRange,
    pub message: String,
    pub fix: Option<Fix>,
    /// Lower priority findings (e.g. R2's sleep-or-quit loops) still print, marked as such.
    pub low_priority: bool,
    /// Why the finding carries no fix (or a lower tier than its rule can give): the precondition that
    /// failed, in a short clause ("the loop's condition reads a field another goroutine may write").
    /// Detection is not gated by fix safety, so a rule reports the shape and says here what withheld
    /// the fix; JSON and SARIF carry it as a field.
    pub withheld: Option<String>,
}

impl Diagnostic {
    /// Records the precondition that withheld (or lowered) this finding's fix.
    pub fn withhold(&mut self, reason: impl Into<String>) -> &mut Self {
        self.withheld = Some(reason.into());
        self
    }
}
