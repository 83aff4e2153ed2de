//! Turning a run's outcome into what the user sees: finding lines, a unified diff, files written,
//! commits on a branch, or a JSON or SARIF document.

pub mod branch;
pub mod check;
pub mod commit_message;
pub mod diff;
pub mod json;
pub mod pr_body;
pub mod sarif;
pub mod write;
