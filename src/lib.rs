//! gofix-rt: find and rewrite Go runtime anti-patterns.
//!
//! The engine lives in `src/`; every rule is one file in `transforms/` (compiled into this crate through the
//! `#[path]` attribute below so the fixed top-level layout and a single crate can coexist).

//!
//! `src/` is grouped by layer, each using only the layers listed before it (tests/layers.rs checks it):
//! `read` (files, Go syntax, go.mod, build files), `semantic` (what the code means), `rules` (what a rule
//! is and how it edits), `catalog` (the registry of rules in `transforms/`, the seed catalogue, explain
//! texts), `run` (settings, the pass loop, the whole run, verify), `output` (report formats) and `git`
//! (branch, commit messages, PR body). `cli`, `config`, `server` and `main.rs` sit on top.

// Transform docs hold Go examples, and gofmt indents Go with tabs.
#![allow(clippy::tabs_in_doc_comments)]

pub mod catalog;
pub mod cli;
pub mod config;
pub mod git;
pub mod output;
pub mod read;
pub mod rules;
pub mod run;
pub mod semantic;
pub mod server;
#[doc(hidden)]
pub mod testing;

#[path = "../transforms/mod.rs"]
pub mod transforms;
