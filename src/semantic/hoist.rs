//! Can an expression be evaluated once more before a loop, with no effect and no possible panic, and
//! give the value it has at the first iteration? Rules that move a computation out of a loop ask.

use crate::read::syntax::{self, named_children};
use crate::semantic::constant;
use crate::semantic::package::Package;
use tree_sitter::Node;

/// `expr` (in file `fi`) can be evaluated before `for_stmt`: every name in it is declared outside the
/// loop, and it is built from identifiers, literals, package-qualified names (of imports no declaration
/// in `scope` shadows), `+ - *`, division by a non-zero constant and `time.Duration(...)` conversions.
/// Field reads through variables (maybe nil pointers), indexes and calls do not qualify.
pub fn evaluable_before_loop(
    pkg: &Package,
    fi: usize,
    expr: Node<'_>,
    for_stmt: Node<'_>,
    scope: Node<'_>,
) -> bool {
    evaluable(pkg, fi, expr, for_stmt, scope, 0)
}

fn evaluable(
    pkg: &Package,
    fi: usize,
    d: Node<'_>,
    for_stmt: Node<'_>,
    scope: Node<'_>,
    depth: u32,
) -> bool {
    let file = &pkg.files[fi];
    let src = file.text.as_str();
    if depth > 16 {
        return false;
    }
    let rec = |n: Node<'_>| evaluable(pkg, fi, n, for_stmt, scope, depth + 1);
    match d.kind() {
        "int_literal" | "float_literal" => true,
        "identifier" => {
            let name = syntax::text(d, src);
            !syntax::declares_name(for_stmt, name, src) && !matches!(name, "iota" | "nil")
        }
        "parenthesized_expression" => named_children(d).first().is_some_and(|n| rec(*n)),
        "unary_expression" => {
            d.child(0).is_some_and(|o| matches!(o.kind(), "-" | "+"))
                && d.child_by_field_name("operand").is_some_and(rec)
        }
        "selector_expression" => d.child_by_field_name("operand").is_some_and(|o| {
            o.kind() == "identifier" && {
                let name = syntax::text(o, src);
                file.imports()
                    .iter()
                    .any(|i| i.is_usable() && i.local == name)
                    && !syntax::declares_name(scope, name, src)
            }
        }),
        "binary_expression" => {
            let (Some(l), Some(op), Some(r)) = (
                d.child_by_field_name("left"),
                d.child_by_field_name("operator"),
                d.child_by_field_name("right"),
            ) else {
                return false;
            };
            match syntax::text(op, src) {
                "+" | "-" | "*" => rec(l) && rec(r),
                "/" | "%" => rec(l) && constant::value(pkg, fi, r).is_some_and(|v| v.v != 0.0),
                _ => false,
            }
        }
        "call_expression" => {
            let args = d
                .child_by_field_name("arguments")
                .map(named_children)
                .unwrap_or_default();
            constant::is_time_duration(file, d) && args.len() == 1 && rec(args[0])
        }
        _ => false,
    }
}
