//! The semantic model rules read instead of re-deriving it: per package, what names refer to (scopes and
//! bindings), the package's declarations and call graph, constant values; per module, facts about its
//! other files. Built by the engine, asked by the rules; rules never walk the tree or read files.

pub mod constant;
pub mod module;
pub mod scope;
