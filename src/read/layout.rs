//! Facts about how code sits on its lines, which gofmt-clean edits depend on: whether a node starts its
//! line, which lines carry a trailing comment, an expression's text folded onto one line.

use crate::read::syntax::{self, line_start};
use std::collections::HashSet;
use tree_sitter::Node;

/// Is `node` the first thing on its line (only indentation before it)?
pub fn starts_line(node: Node<'_>, src: &str) -> bool {
    src[line_start(src, node.start_byte())..node.start_byte()]
        .trim()
        .is_empty()
}

/// Rows (0-based) of the lines in `scope` that end with a comment after code.
pub fn trailing_comment_rows(scope: Node<'_>, src: &str) -> HashSet<usize> {
    let mut rows = HashSet::new();
    syntax::walk(scope, &mut |n| {
        if n.kind() == "comment" && !starts_line(n, src) {
            rows.insert(n.start_position().row);
        }
    });
    rows
}

/// `text` with every run of white space (newlines included) folded into one space, for messages.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
