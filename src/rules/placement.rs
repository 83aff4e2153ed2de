//! Where inserted lines go so the result stays gofmt-clean: before a statement (above its labels and the
//! comment lines on top of them) and at the start of a case body.

use crate::read::layout::starts_line;
use crate::read::syntax::{self, indent_at, line_end_incl, line_start};
use crate::rules::spec_removal::comment_block_start;
use tree_sitter::Node;

/// Where lines inserted before `stmt` go: above its labels and above the `//` comment lines directly on
/// top of them; indented like the statement itself (gofmt outdents labels). `None` when the statement is
/// not in a statement list or it (or one of its labels) does not start its line.
pub fn before_statement(src: &str, stmt: Node<'_>) -> Option<(usize, String)> {
    let outer = syntax::with_label(stmt);
    if outer.parent().is_none_or(|p| p.kind() != "statement_list") {
        return None;
    }
    let mut labeled = stmt;
    while labeled.id() != outer.id() {
        if !starts_line(labeled, src) {
            return None;
        }
        labeled = labeled.parent()?;
    }
    if !starts_line(outer, src) {
        return None;
    }
    let at = comment_block_start(src, line_start(src, outer.start_byte()));
    Some((at, indent_at(src, stmt.start_byte()).to_string()))
}

/// Offset of the line after the case header `case ...:` and the indentation of the case body. The header
/// must start its line and end it (a trailing `//` comment is fine).
pub fn case_body_start(src: &str, case: Node<'_>) -> Option<(usize, String)> {
    let mut cursor = case.walk();
    let colon = case.children(&mut cursor).find(|c| c.kind() == ":")?;
    if !starts_line(case, src) {
        return None;
    }
    let end = line_end_incl(src, colon.end_byte());
    let rest = src[colon.end_byte()..end].trim();
    if !(rest.is_empty() || rest.starts_with("//")) || !src[..end].ends_with('\n') {
        return None;
    }
    Some((end, format!("{}\t", indent_at(src, case.start_byte()))))
}
