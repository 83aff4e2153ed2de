//! Git: putting fixes on a branch, commit messages, the pull-request body, splitting by owner.

pub mod branch;
pub mod codeowners;
pub mod commit_message;
pub mod pr_body;
pub mod report;
pub mod split;
