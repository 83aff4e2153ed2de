//! Blanking range variables an edit leaves unused (`for i, v := range` → `for _, v := range`,
//! `for i := range` → `for range`), so that deleting the only statement reading one still compiles.

use crate::read::syntax;
use crate::rules::fix::{Edit, TextRange};
use tree_sitter::Node;

/// The edit that stops the range clause of one of `loops` from declaring `name`: `for i, v := range` →
/// `for _, v := range`, `for i := range` → `for range`, `for k, v := range` → `for k := range` for `v`.
/// Returns the range clause and which of its two variables goes, merged per clause by `merge_blanks`.
pub(crate) fn blank_range_variable<'t>(
    loops: &[Node<'t>],
    name: &str,
    src: &str,
) -> Option<(Node<'t>, usize)> {
    loops.iter().find_map(|l| {
        let clause = syntax::named_children(*l)
            .into_iter()
            .find(|n| n.kind() == "range_clause")?;
        let define =
            (0..clause.child_count()).any(|i| clause.child(i).is_some_and(|c| c.kind() == ":="));
        let left = clause.child_by_field_name("left").filter(|_| define)?;
        let vars = syntax::named_children(left);
        let at = vars.iter().position(|v| syntax::text(*v, src) == name)?;
        Some((clause, at))
    })
}

/// One edit per range clause, from the variables that go: the left side is rewritten as a whole.
pub(crate) fn merge_blanks(blanks: Vec<(Node<'_>, usize)>, src: &str) -> Vec<Edit> {
    let is_blank = |v: Node<'_>| syntax::text(v, src) == "_";
    let mut edits = vec![];
    let mut done: Vec<usize> = vec![];
    for (clause, _) in &blanks {
        if done.contains(&clause.id()) {
            continue;
        }
        done.push(clause.id());
        let gone: Vec<usize> = blanks
            .iter()
            .filter(|(c, _)| c.id() == clause.id())
            .map(|(_, i)| *i)
            .collect();
        let Some(left) = clause.child_by_field_name("left") else {
            continue;
        };
        let vars = syntax::named_children(left);
        let Some(range_kw) = (0..clause.child_count())
            .filter_map(|i| clause.child(i))
            .find(|c| c.kind() == "range")
        else {
            continue;
        };
        let keep_key = !gone.contains(&0) && vars.first().is_some_and(|k| !is_blank(*k));
        let keep_value = vars.len() > 1 && !gone.contains(&1) && !is_blank(vars[1]);
        edits.push(match (keep_key, keep_value) {
            // `for i := range` / `for i, _ := range` → `for range`
            (false, false) => {
                Edit::delete(TextRange::new(left.start_byte(), range_kw.start_byte()))
            }
            // `for k, v := range` → `for k := range`
            (true, false) => Edit::delete(TextRange::new(vars[0].end_byte(), left.end_byte())),
            // `for i, v := range` → `for _, v := range`
            _ => Edit::replace(TextRange::of(vars[0]), "_"),
        });
    }
    edits
}
