//! R1's questions about the `MemStats` variable: declared once in this function as a zero value (or a
//! pointer to one), used only by reading its fields, and never in a delta of cumulative counters.

use super::fields::FIELDS;
use crate::read::nodes::{calls_identifier, is_unary, spec_name_count, strip_numeric_conversions};
use crate::read::syntax::{self, named_children};
use crate::rules::transform::Ctx;
use crate::semantic::imported::is_imported_type;
use crate::semantic::values::{self, Derived};
use tree_sitter::Node;

pub(super) struct Declaration<'t> {
    name: Node<'t>,
    /// Byte range in which the declared name is visible: from the end of its statement to the end of
    /// the enclosing statement list.
    pub(super) scope: (usize, usize),
}

/// The single declaration of `name` in `func` (nested literals included), if it declares a local of
/// type `runtime.MemStats`: `var v runtime.MemStats` (possibly with other names) or `v :=` /
/// `var v =` `runtime.MemStats{}`, directly in `func`'s own body; with `pointer`, `v :=` / `var v =`
/// `new(runtime.MemStats)` or `&runtime.MemStats{}` instead.
pub(super) fn find_declaration<'t>(
    cx: &Ctx<'_>,
    func: Node<'t>,
    outer: Node<'_>,
    name: &str,
    pointer: bool,
) -> Option<Declaration<'t>> {
    let src = cx.src();
    let found = syntax::declarations_of(func, name, src);
    let [(decl, ident)] = found.as_slice() else {
        return None;
    };
    if syntax::enclosing_function(*decl).map(|f| f.id()) != Some(func.id()) {
        return None;
    }
    let is_memstats = |t: Node<'_>| is_imported_type(cx.file(), t, "runtime", "MemStats", outer);
    let empty_literal = |lit: Node<'_>| {
        lit.kind() == "composite_literal"
            && lit.child_by_field_name("type").is_some_and(is_memstats)
            && lit
                .child_by_field_name("body")
                .is_some_and(|b| named_children(b).is_empty())
    };
    // `new(runtime.MemStats)` or `&runtime.MemStats{}`.
    let new_pointer = |v: Node<'_>| {
        if calls_identifier(v, "new", src) {
            !syntax::declares_name(outer, "new", src)
                && v.child_by_field_name("arguments")
                    .is_some_and(|a| matches!(named_children(a).as_slice(), [t] if is_memstats(*t)))
        } else {
            is_unary(v, "&", src) && v.child_by_field_name("operand").is_some_and(empty_literal)
        }
    };
    let is_empty_literal = |values: Node<'_>| {
        let vals = named_children(values);
        matches!(vals.as_slice(), [v] if if pointer { new_pointer(*v) } else { empty_literal(*v) })
    };
    let stmt = match decl.kind() {
        "var_spec" => {
            let ok = match (
                decl.child_by_field_name("type"),
                decl.child_by_field_name("value"),
            ) {
                (Some(t), None) => !pointer && is_memstats(t),
                (None, Some(v)) => spec_name_count(*decl) == 1 && is_empty_literal(v),
                _ => false,
            };
            if !ok {
                return None;
            }
            syntax::ancestors(*decl).find(|a| a.kind() == "var_declaration")?
        }
        "short_var_declaration" => {
            let left = decl.child_by_field_name("left")?;
            if named_children(left).len() != 1
                || !is_empty_literal(decl.child_by_field_name("right")?)
            {
                return None;
            }
            *decl
        }
        _ => return None,
    };
    let list = stmt.parent().filter(|p| p.kind() == "statement_list")?;
    Some(Declaration {
        name: *ident,
        scope: (stmt.end_byte(), list.end_byte()),
    })
}

/// Every field read `v.F` in `func` as (field, selector node); `None` if `v` is used any other way, outside
/// its declaration's scope, or a field is written or has its address taken.
pub(super) fn field_reads<'t>(
    cx: &Ctx<'_>,
    func: Node<'t>,
    name: &str,
    decl: &Declaration<'_>,
    call_operand: Node<'_>,
) -> Option<Vec<(&'static str, Node<'t>)>> {
    let src = cx.src();
    let mut reads = vec![];
    for id in values::spellings(func, name, src) {
        if id.id() == decl.name.id() || id.id() == call_operand.id() {
            continue;
        }
        if id.kind() != "identifier"
            || id.start_byte() < decl.scope.0
            || id.end_byte() > decl.scope.1
        {
            return None;
        }
        let sel = id.parent().filter(|p| p.kind() == "selector_expression")?;
        if sel.child_by_field_name("operand").map(|o| o.id()) != Some(id.id()) {
            return None;
        }
        let field = syntax::text(sel.child_by_field_name("field")?, src);
        let (field, _) = FIELDS.iter().find(|(f, _)| *f == field)?;
        if !values::is_plain_read(sel, src) {
            return None;
        }
        reads.push((*field, sel));
    }
    Some(reads)
}

/// Does `func` subtract a cumulative counter read (or a variable or field it was stored in) from anything
/// other than another field of the same snapshot?
pub(super) fn computes_delta(
    func: Node<'_>,
    cumulative: &[Node<'_>],
    name: &str,
    src: &str,
) -> bool {
    if cumulative.is_empty() {
        return false;
    }
    let derived = Derived::of(func, cumulative, src);
    let same_snapshot = |n: Node<'_>| {
        let n = strip_numeric_conversions(n, src);
        n.kind() == "selector_expression"
            && n.child_by_field_name("operand")
                .is_some_and(|o| o.kind() == "identifier" && syntax::text(o, src) == name)
    };
    let mut delta = false;
    syntax::walk(func, &mut |n| {
        if delta {
            return;
        }
        let op = n
            .child_by_field_name("operator")
            .map(|o| syntax::text(o, src));
        let (Some(l), Some(r)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
            return;
        };
        let subtracts = match n.kind() {
            "binary_expression" => op == Some("-") && !(same_snapshot(l) && same_snapshot(r)),
            "assignment_statement" => op == Some("-="),
            _ => false,
        };
        delta = subtracts && (derived.mentioned_in(l, src) || derived.mentioned_in(r, src));
    });
    delta
}
