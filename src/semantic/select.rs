//! Facts about a `select` inside a loop: which operands its cases evaluate before a given case, what
//! evaluating an operand may do, and whether every other case leaves the loop.

use crate::read::nodes::{calls_identifier, unparen};
use crate::read::syntax::{self, named_children};
use tree_sitter::Node;

/// The channel operands and send values of the cases before `case`, in source order (the order the
/// `select` evaluates them in).
pub fn operands_before<'t>(clauses: &[Node<'t>], case: Node<'t>) -> Vec<Node<'t>> {
    let mut out = vec![];
    for c in clauses {
        if c.id() == case.id() {
            break;
        }
        let Some(comm) = c.child_by_field_name("communication") else {
            continue;
        };
        match comm.kind() {
            "send_statement" => out.extend(
                ["channel", "value"]
                    .iter()
                    .filter_map(|f| comm.child_by_field_name(f)),
            ),
            "receive_statement" => {
                if let Some(right) = comm.child_by_field_name("right") {
                    let right = unparen(right);
                    out.push(if is_receive(right) {
                        right.child_by_field_name("operand").unwrap_or(right)
                    } else {
                        right
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn is_receive(n: Node<'_>) -> bool {
    n.kind() == "unary_expression" && n.child(0).is_some_and(|o| o.kind() == "<-")
}

/// What evaluating a case operand may do.
pub enum OperandEffect {
    /// Identifiers, selectors, index expressions, literals, `len`/`cap`, `x.Done()`.
    Pure,
    /// Contains another call: evaluating it takes time and may have effects.
    Call,
    /// Blocks (a receive) or holds a function literal: too unusual to reason about.
    Blocks,
}

pub fn operand_effect(src: &str, op: Node<'_>) -> OperandEffect {
    if syntax::is_pure_expr(op, src) || syntax::is_done_call(op, src) {
        return OperandEffect::Pure;
    }
    let mut blocks = false;
    syntax::walk(op, &mut |n| {
        blocks |= is_receive(n) || n.kind() == "func_literal"
    });
    if blocks {
        OperandEffect::Blocks
    } else {
        OperandEffect::Call
    }
}

/// Does every case but `except` end by leaving `for_stmt` (return, panic, a labeled break or continue
/// to a statement outside it)? Then the loop only repeats after `except` ran.
pub fn other_cases_leave_loop(
    src: &str,
    clauses: &[Node<'_>],
    except: Node<'_>,
    for_stmt: Node<'_>,
) -> bool {
    clauses.iter().filter(|c| c.id() != except.id()).all(|c| {
        syntax::case_statements(*c)
            .last()
            .is_some_and(|last| leaves_loop(src, *last, for_stmt))
    })
}

/// Does `stmt` leave `for_stmt` for good: `return`, `panic(...)`, or a labeled `break`/`continue` whose
/// label names a statement around the loop (`continue` of the loop's own label does not leave it)?
/// Unlabeled `break` in a case only leaves the `select`.
pub fn leaves_loop(src: &str, stmt: Node<'_>, for_stmt: Node<'_>) -> bool {
    match stmt.kind() {
        "return_statement" => true,
        "expression_statement" => named_children(stmt)
            .first()
            .is_some_and(|c| calls_identifier(*c, "panic", src)),
        "break_statement" | "continue_statement" => {
            let Some(label) = named_children(stmt)
                .into_iter()
                .find(|c| c.kind() == "label_name")
            else {
                return false;
            };
            let label = syntax::text(label, src);
            let target = syntax::ancestors(stmt).find(|a| {
                a.kind() == "labeled_statement"
                    && a.child_by_field_name("label")
                        .is_some_and(|l| syntax::text(l, src) == label)
            });
            let Some(target) = target else { return false };
            let labeled = named_children(target)
                .into_iter()
                .find(|c| c.kind() != "label_name");
            let is_loop_itself = labeled.is_some_and(|s| s.id() == for_stmt.id());
            // `target` encloses the loop: either the loop's own label or something outside it.
            let encloses = target.start_byte() <= for_stmt.start_byte()
                && for_stmt.end_byte() <= target.end_byte();
            encloses && !(stmt.kind() == "continue_statement" && is_loop_itself)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_select(src: &str, f: impl FnOnce(Vec<Node<'_>>, Node<'_>)) {
        let tree = syntax::parse(src);
        let mut select = None;
        syntax::walk(tree.root_node(), &mut |n| {
            if n.kind() == "select_statement" {
                select.get_or_insert(n);
            }
        });
        let select = select.expect("a select");
        f(
            named_children(select),
            syntax::enclosing_loop(select).expect("a loop"),
        );
    }

    #[test]
    fn cases_that_leave_and_operands_before() {
        let src = "package m\n\nfunc f(in, out chan int, q func() chan int) {\nouter:\n\tfor {\n\t\tselect {\n\t\tcase out <- 1:\n\t\t\tbreak outer\n\t\tcase <-q():\n\t\t\treturn\n\t\tcase <-in:\n\t\t\tbreak\n\t\t}\n\t}\n}\n";
        with_select(src, |clauses, lp| {
            let ops = operands_before(&clauses, clauses[2]);
            let texts: Vec<&str> = ops.iter().map(|o| syntax::text(*o, src)).collect();
            assert_eq!(texts, ["out", "1", "q()"]);
            assert!(matches!(operand_effect(src, ops[2]), OperandEffect::Call));
            // The unlabeled break only leaves the select.
            assert!(!other_cases_leave_loop(src, &clauses, clauses[1], lp));
            assert!(other_cases_leave_loop(src, &clauses, clauses[2], lp));
        });
    }
}
