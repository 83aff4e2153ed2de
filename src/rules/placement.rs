//! Where inserted lines go so the result stays gofmt-clean: before a statement (above its labels and the
//! comment lines on top of them), at the start of a case body, and where a replaced statement ends.

use crate::read::layout::{starts_line, trailing_comment_rows};
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

/// Replacing `stmt` by new lines: the end of the text to replace and the statement's trailing `//`
/// comment, which the caller puts back on the first new line. `None` when anything else follows the
/// statement on its line (a block comment), or when it has a trailing comment and either spans lines or
/// a neighbouring line of `scope` ends with a comment too: gofmt aligns adjacent trailing comments, so
/// the neighbour's padding would change.
pub fn statement_replacement_end<'s>(
    stmt: Node<'_>,
    scope: Node<'_>,
    src: &'s str,
) -> Option<(usize, Option<&'s str>)> {
    let line_end = line_end_incl(src, stmt.end_byte());
    let rest = src[stmt.end_byte()..line_end].trim();
    if rest.is_empty() {
        return Some((stmt.end_byte(), None));
    }
    if !rest.starts_with("//") {
        return None;
    }
    let row = stmt.start_position().row;
    let rows = trailing_comment_rows(scope, src);
    if stmt.end_position().row != row
        || row.checked_sub(1).is_some_and(|r| rows.contains(&r))
        || rows.contains(&(row + 1))
    {
        return None;
    }
    let end = stmt.end_byte() + src[stmt.end_byte()..line_end].trim_end().len();
    Some((end, Some(rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first<'t>(root: Node<'t>, kind: &str) -> Node<'t> {
        let mut found = None;
        syntax::walk(root, &mut |n| {
            if n.kind() == kind {
                found.get_or_insert(n);
            }
        });
        found.expect(kind)
    }

    #[test]
    fn lines_go_above_the_label_and_its_comments() {
        let src = "package m\n\nfunc f() {\n\tx := 1\n\t// again\nagain:\n\tfor {\n\t}\n}\n";
        let tree = syntax::parse(src);
        let lp = first(tree.root_node(), "for_statement");
        let (at, indent) = before_statement(src, lp).expect("a place");
        assert!(src[at..].starts_with("\t// again\n"));
        assert_eq!(indent, "\t");
    }

    #[test]
    fn a_trailing_comment_moves_unless_a_neighbour_has_one() {
        let src = "package m\n\nfunc f() {\n\tg() // call\n\th()\n}\n";
        let tree = syntax::parse(src);
        let func = first(tree.root_node(), "function_declaration");
        let stmt = first(tree.root_node(), "expression_statement");
        let (end, comment) = statement_replacement_end(stmt, func, src).expect("replaceable");
        assert_eq!(
            (&src[stmt.start_byte()..end], comment),
            ("g() // call", Some("// call"))
        );
        let src = src.replace("h()", "h() // next");
        let tree = syntax::parse(&src);
        let func = first(tree.root_node(), "function_declaration");
        let stmt = first(tree.root_node(), "expression_statement");
        assert!(statement_replacement_end(stmt, func, &src).is_none());
    }
}
