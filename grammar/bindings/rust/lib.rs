//! The Go grammar gofix-rt parses with: tree-sitter-go 0.25.0 (MIT, see LICENSE) extended to the Go 1.26
//! language (`new` accepts an expression). Same API as the crates.io crate: [`LANGUAGE`] and [`NODE_TYPES`].

use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_go() -> *const ();
}

/// The tree-sitter [`LanguageFn`] for this grammar.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_go) };

/// The content of the `node-types.json` file for this grammar.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

#[cfg(test)]
mod tests {
    #[test]
    fn loads_into_the_runtime() {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&super::LANGUAGE.into())
            .expect("the generated ABI is one the runtime accepts");
    }
}
