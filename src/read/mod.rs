//! Reading sources: finding files, decoding them, parsing Go, go.mod and build constraints.

pub mod buildtags;
pub mod documents;
pub mod gomod;
pub mod layout;
pub mod module_facts;
pub mod nodes;
pub mod source;
pub mod syntax;
pub mod version;
pub mod walk;
