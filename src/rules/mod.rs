//! The rules API: what a rule is, what it reports and how it edits, and the registry of rules.

pub mod call_site;
pub mod diagnostic;
pub mod fix;
pub mod imports;
pub mod naming;
pub mod placement;
pub mod range_blank;
pub mod removal;
pub mod rewrite;
pub mod spec_removal;
pub mod suppress;
pub mod transform;
