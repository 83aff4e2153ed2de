//! The catalogue of rules: the registry of every rule (transforms/), the seed catalogue, the rules each
//! profiled runtime cost points to, explain texts.

pub mod catalogue;
pub mod costs;
pub mod docs;
pub mod registry;
