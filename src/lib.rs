//! gofix-rt: find and rewrite Go runtime anti-patterns.
//!
//! The engine lives in `src/`; every rule is one file in `transforms/` (compiled into this crate through the
//! `#[path]` attribute below so the fixed top-level layout and a single crate can coexist).

// Transform docs hold Go examples, and gofmt indents Go with tabs.
#![allow(clippy::tabs_in_doc_comments)]

pub mod apply;
pub mod branch;
pub mod buildtags;
pub mod catalogue;
pub mod cgo;
pub mod cli;
pub mod codeowners;
pub mod config;
pub mod context;
pub mod diagnostic;
pub mod docs;
pub mod documents;
pub mod emit;
pub mod engine;
pub mod fix;
pub mod flow;
pub mod gomod;
pub mod imports;
pub mod ledger;
pub mod loops;
pub mod otherfiles;
pub mod package;
pub mod prefilter;
pub mod profile;
pub mod progress;
pub mod registry;
pub mod removal;
pub mod rewrite;
pub mod semantic;
pub mod server;
pub mod settings;
pub mod shard;
pub mod source;
pub mod spec_removal;
pub mod split;
pub mod suppress;
pub mod syntax;
#[doc(hidden)]
pub mod testing;
pub mod transform;
pub mod verify;
pub mod version;
pub mod walk;

#[path = "../transforms/mod.rs"]
pub mod transforms;
