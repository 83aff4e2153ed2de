//! Deleting one spec of a package-level declaration (`var x T`, an import) the way gofmt would leave the
//! file: the whole declaration when the spec is its only one, else the spec's lines, with the blank lines
//! and comments around it tidied. Shared by the import plan and the rules that move a variable.

use crate::read::syntax::{self, line_end_incl, line_start, named_children};
use crate::rules::fix::{Edit, TextRange};
use crate::semantic::index;
use tree_sitter::Node;

/// The start of the run of comment lines directly above the line starting at `line_at` (or `line_at`).
pub fn comment_block_start(src: &str, line_at: usize) -> usize {
    let mut at = line_at;
    while at > 0 {
        let prev = line_start(src, at - 1);
        if src[prev..at].trim_start().starts_with("//") {
            at = prev;
        } else {
            break;
        }
    }
    at
}

/// The lines to delete for a whole declaration from the line start `start` to its end byte `end`: with
/// one blank line next to it, so no double blank line is left behind.
pub fn whole_declaration_lines(src: &str, start: usize, end: usize) -> std::ops::Range<usize> {
    let mut end = line_end_incl(src, end);
    let mut start = start;
    if src[end..].starts_with('\n') {
        end += 1;
    } else if start >= 2 && &src[start - 2..start] == "\n\n" {
        start -= 1;
    }
    start..end
}

/// The edit deleting the spec `var x T` of the package-level `decl` (the whole declaration, or the spec's lines inside a group) and the doc
/// comment lines that move with it (each ending in a newline).
pub fn delete_var_spec(
    src: &str,
    decl: Node<'_>,
    spec: Node<'_>,
) -> Result<(Edit, String), &'static str> {
    let specs = index::specs(decl);
    let grouped = named_children(decl)
        .iter()
        .any(|c| c.kind() == "var_spec_list");
    let trailing = |end: usize| -> Result<String, &'static str> {
        let rest = src[end..line_end_incl(src, end)].trim();
        if rest.is_empty() {
            Ok(String::new())
        } else if rest.starts_with("//") {
            Ok(format!("{rest}\n"))
        } else {
            Err("the declaration shares its line with other code")
        }
    };
    let doc_above = |at: usize| comment_block_start(src, line_start(src, at));
    if specs.len() == 1 {
        let d = decl;
        if !syntax::alone_on_line(d, src) {
            return Err("the declaration shares its line with other code");
        }
        let line = line_start(src, d.start_byte());
        let start = doc_above(d.start_byte());
        let mut doc = src[start..line].to_string();
        if grouped {
            // `var (` doc `x T` `)`: the spec's own comments move too.
            let inner = doc_above(spec.start_byte());
            let inner_line = line_start(src, spec.start_byte());
            doc.push_str(&reindent_doc(&src[inner..inner_line]));
            doc.push_str(&trailing(spec.end_byte())?);
            let close = line_end_incl(src, spec.end_byte());
            if src[close..line_end_incl(src, close)].trim() != ")"
                || line_start(src, d.end_byte()) != close
            {
                return Err("the grouped declaration has a layout we do not rewrite");
            }
        } else {
            doc.push_str(&trailing(d.end_byte())?);
        }
        let range = whole_declaration_lines(src, start, d.end_byte());
        return Ok((Edit::delete(TextRange::new(range.start, range.end)), doc));
    }
    // Inside a group with other specs: only the spec's lines go, if gofmt's alignment of the rest holds.
    if !syntax::alone_on_line(spec, src) || spec.start_position().row != spec.end_position().row {
        return Err("the declaration shares its line with other code");
    }
    let line = line_start(src, spec.start_byte());
    let start = doc_above(spec.start_byte());
    let end = line_end_incl(src, spec.end_byte());
    if !trailing(spec.end_byte())?.is_empty() {
        return Err("the grouped declaration carries a trailing comment gofmt aligns");
    }
    let doc = reindent_doc(&src[start..line]);
    let prev_line = if start == 0 {
        ""
    } else {
        src[line_start(src, start - 1)..start].trim()
    };
    let next_line = src[end..line_end_incl(src, end)].trim();
    let prev_free = prev_line.is_empty() || prev_line.ends_with('(');
    let next_free = next_line.is_empty() || next_line == ")";
    if !(prev_free && next_free) {
        // Neighbours in the same alignment section: keep the fix only when this spec sets no column.
        if start != line {
            return Err("removing the spec and its comment would re-align the group");
        }
        let name_len = spec
            .child_by_field_name("name")
            .map_or(0, |n| n.end_byte() - n.start_byte());
        let mut widest = 0;
        let mut ok = true;
        for s in &specs {
            if s.id() == spec.id() {
                continue;
            }
            let same_section =
                section_of(src, s.start_byte()) == section_of(src, spec.start_byte());
            if !same_section {
                continue;
            }
            let rest = src[s.end_byte()..line_end_incl(src, s.end_byte())].trim();
            if s.child_by_field_name("value").is_some()
                || !rest.is_empty()
                || s.start_position().row != s.end_position().row
            {
                ok = false;
            }
            if let Some(n) = s.child_by_field_name("name") {
                widest = widest.max(n.end_byte() - n.start_byte());
            }
        }
        if !ok || widest < name_len {
            return Err("removing the spec would re-align the rest of the group");
        }
        return Ok((Edit::delete(TextRange::new(line, end)), String::new()));
    }
    // Alone in its section: drop one of the blank lines around it.
    let blank_before = prev_line.is_empty() && start > 0;
    let blank_after = next_line.is_empty();
    let range = if blank_after && (blank_before || prev_line.ends_with('(')) {
        TextRange::new(start, line_end_incl(src, end))
    } else if blank_before && next_line == ")" {
        TextRange::new(line_start(src, start - 1), end)
    } else {
        TextRange::new(start, end)
    };
    Ok((Edit::delete(range), doc))
}

/// The first line of the run of non-blank lines holding `at` (gofmt aligns within such runs).
fn section_of(src: &str, at: usize) -> usize {
    let mut start = line_start(src, at);
    while start > 0 {
        let prev = line_start(src, start - 1);
        let t = src[prev..start].trim();
        if t.is_empty() || t.ends_with('(') || t.starts_with("//") {
            break;
        }
        start = prev;
    }
    start
}

/// Comment lines from inside a group, moved to the top level: their indentation goes.
fn reindent_doc(lines: &str) -> String {
    lines
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect()
}
