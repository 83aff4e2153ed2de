//! Turning a run's outcome into what the user sees: finding lines, a unified diff, or files written.

pub mod check;
pub mod diff;
pub mod write;
