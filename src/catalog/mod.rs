//! The catalogue of rules: the registry of every rule (transforms/), the seed catalogue, explain texts.

pub mod catalogue;
pub mod docs;
pub mod registry;
