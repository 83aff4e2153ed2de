//! Output: the report, diff, JSON, SARIF and other formats a run prints.

pub mod emit;
