//! Turning a run's outcome into what the user sees: finding lines, a unified diff, files written, or commits on a branch.

pub mod branch;
pub mod check;
pub mod commit_message;
pub mod diff;
pub mod pr_body;
pub mod write;
