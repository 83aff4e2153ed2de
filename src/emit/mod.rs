//! Turning a run's outcome into what the user sees: finding lines, a unified diff, files written, or a JSON
//! or SARIF document.

pub mod check;
pub mod diff;
pub mod json;
pub mod sarif;
pub mod write;
