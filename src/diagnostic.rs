//! What a transform reports.

use crate::fix::{Fix, TextRange};

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
}
