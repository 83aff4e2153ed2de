//! Edit helpers shared by transforms: deleting a statement with its line, inserting lines before a
//! statement at its indentation, re-indenting moved code. Every helper produces gofmt-shaped text.

use crate::read::syntax::{alone_on_line, indent_at, line_end_incl, line_start};
use crate::rules::fix::{Edit, TextRange};
use tree_sitter::Node;

/// Deletes `stmt`; when it is alone on its line the whole line goes (with its trailing comment, §3.4), and
/// a blank line left between two blank lines or after `{` is removed too, as gofmt would.
pub fn delete_statement(src: &str, stmt: Node<'_>) -> Edit {
    if !alone_on_line(stmt, src) {
        return Edit::delete(TextRange::of(stmt));
    }
    let start = line_start(src, stmt.start_byte());
    let mut end = line_end_incl(src, stmt.end_byte());
    let prev_blank = start >= 2 && &src[start - 2..start] == "\n\n";
    let prev_open = src[..start].trim_end_matches(['\n']).ends_with('{')
        || src[..start].trim_end().ends_with(':');
    let next_line_end = line_end_incl(src, end);
    let next_blank = end < src.len() && src[end..next_line_end].trim().is_empty();
    let next_close = src[end..].trim_start().starts_with('}');
    if next_blank && (prev_blank || prev_open) {
        end = next_line_end;
    } else if prev_blank && next_close {
        return Edit::delete(TextRange::new(start - 1, end));
    }
    Edit::delete(TextRange::new(start, end))
}

/// Inserts `lines` (without indentation, `\n`-separated) on their own lines before `stmt`, indented like it.
pub fn insert_before_statement(src: &str, stmt: Node<'_>, lines: &str) -> Edit {
    let at = line_start(src, stmt.start_byte());
    let indent = indent_at(src, stmt.start_byte());
    Edit::insert(at, indent_lines(lines, indent))
}

/// Prefixes every non-empty line with `indent` and ends each line with `\n`.
pub fn indent_lines(lines: &str, indent: &str) -> String {
    let mut out = String::new();
    for l in lines.lines() {
        if !l.is_empty() {
            out.push_str(indent);
            out.push_str(l);
        }
        out.push('\n');
    }
    out
}
