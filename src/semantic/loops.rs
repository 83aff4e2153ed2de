//! Facts about a `for` loop that rules ask for: does it end by itself, and does its body do work or only
//! wait for another goroutine? (R3a's owner decision "inside loops": a yield in a loop that ends by itself can go, a yield in a
//! loop that waits is a spin-wait.) Syntax only: no types, so a name is "local" when the function declares it.

use crate::read::syntax::{self, named_children};
use tree_sitter::Node;

/// Does `for_stmt` end by itself, whatever other goroutines do? A `for range` (over a slice, array, string,
/// map, integer or iterator: each iteration takes the next element; over a channel each one blocks, which
/// never spins), or a counted three-clause loop `for i := a; i < n; i++` whose variable nothing but its post
/// statement changes.
pub fn ends_by_itself(for_stmt: Node<'_>, src: &str) -> bool {
    let Some(header) = named_children(for_stmt)
        .into_iter()
        .find(|n| n.kind() != "block")
    else {
        return false; // `for { ... }`
    };
    match header.kind() {
        "range_clause" => true,
        "for_clause" => counted_variable(header, src).is_some_and(|var| {
            for_stmt
                .child_by_field_name("body")
                .is_some_and(|body| !changes(body, &var, src))
        }),
        _ => false, // `for cond { ... }`
    }
}

/// The variable of `for i := a; i <op> n; i++` (or `i--`, `i += k`, `i -= k` with a literal `k`; a side of
/// the comparison may be an expression of `i`, as in `i+1 < len(xs)`).
fn counted_variable(clause: Node<'_>, src: &str) -> Option<String> {
    let init = clause.child_by_field_name("initializer")?;
    if init.kind() != "short_var_declaration" {
        return None;
    }
    let [var] = named_children(init.child_by_field_name("left")?)[..] else {
        return None;
    };
    let var = syntax::text(var, src).to_string();
    let cond = clause.child_by_field_name("condition")?;
    let op = cond
        .child_by_field_name("operator")
        .map(|o| syntax::text(o, src));
    if cond.kind() != "binary_expression"
        || !matches!(op, Some("<" | "<=" | ">" | ">=" | "!="))
        || ![
            cond.child_by_field_name("left"),
            cond.child_by_field_name("right"),
        ]
        .iter()
        .flatten()
        .any(|side| syntax::identifiers(*side, src).contains(&var))
    {
        return None;
    }
    let update = clause.child_by_field_name("update")?;
    let target = match update.kind() {
        "inc_statement" | "dec_statement" => named_children(update).into_iter().next()?,
        "assignment_statement" => {
            let op = update.child_by_field_name("operator")?;
            let right = update.child_by_field_name("right")?;
            let literal = named_children(right)
                .first()
                .is_some_and(|r| r.kind() == "int_literal");
            if !matches!(syntax::text(op, src), "+=" | "-=") || !literal {
                return None;
            }
            let [t] = named_children(update.child_by_field_name("left")?)[..] else {
                return None;
            };
            t
        }
        _ => return None,
    };
    (target.kind() == "identifier" && syntax::text(target, src) == var).then_some(var)
}

/// Does `scope` assign `var`, take its address, or declare another variable of that name (which we do not
/// resolve, so it counts)?
fn changes(scope: Node<'_>, var: &str, src: &str) -> bool {
    // `i` itself, or a list holding it: `xs[i] = v` reads `i`, it does not change it.
    let names = |n: Option<Node<'_>>| {
        n.is_some_and(|n| {
            let items = if n.kind() == "expression_list" {
                named_children(n)
            } else {
                vec![n]
            };
            items
                .iter()
                .any(|i| i.kind() == "identifier" && syntax::text(*i, src) == var)
        })
    };
    let mut found = false;
    syntax::walk(scope, &mut |n| {
        found |= match n.kind() {
            "assignment_statement" | "short_var_declaration" | "range_clause" => {
                names(n.child_by_field_name("left"))
            }
            "inc_statement" | "dec_statement" => names(named_children(n).first().copied()),
            "unary_expression" => {
                n.child_by_field_name("operator")
                    .is_some_and(|o| syntax::text(o, src) == "&")
                    && names(n.child_by_field_name("operand"))
            }
            "var_spec" => {
                let mut c = n.walk();
                n.children_by_field_name("name", &mut c)
                    .any(|i| syntax::text(i, src) == var)
            }
            _ => false,
        }
    });
    found
}

/// Is `stmt` an exit check: an `if` without init statement whose branches only `return`, `break` or
/// `continue`? (`if ready() { return true }`: a loop of these and a yield polls until something changes.)
pub fn is_exit_check(stmt: Node<'_>) -> bool {
    let exits = |b: Node<'_>| match b.kind() {
        "block" => syntax::block_statements(b).iter().all(|s| {
            matches!(
                s.kind(),
                "break_statement" | "continue_statement" | "return_statement"
            )
        }),
        _ => is_exit_check(b),
    };
    stmt.kind() == "if_statement"
        && stmt.child_by_field_name("initializer").is_none()
        && ["consequence", "alternative"]
            .iter()
            .all(|f| stmt.child_by_field_name(f).is_none_or(exits))
}

/// Is `stmt` bookkeeping rather than work, as a loop body's statement: a bare `break`, `continue` or
/// `return`, an assignment (a poll such as `v := load()`, a counter), or an `if` without init statement
/// whose branches hold only bookkeeping (an exit check). A loop made of these and a yield only waits.
pub fn is_bookkeeping(stmt: Node<'_>) -> bool {
    match stmt.kind() {
        "empty_statement" | "break_statement" | "continue_statement" | "return_statement" => true,
        "assignment_statement" | "short_var_declaration" | "inc_statement" | "dec_statement" => {
            true
        }
        "if_statement" => {
            stmt.child_by_field_name("initializer").is_none()
                && ["consequence", "alternative"].iter().all(|f| {
                    stmt.child_by_field_name(f).is_none_or(|b| match b.kind() {
                        "block" => syntax::block_statements(b)
                            .iter()
                            .all(|s| is_bookkeeping(*s)),
                        _ => is_bookkeeping(b),
                    })
                })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_for(src: &str, f: impl Fn(Node<'_>, Node<'_>) -> bool) -> bool {
        let tree = syntax::parse(src);
        let mut result = None;
        syntax::walk(tree.root_node(), &mut |n| {
            if result.is_none() && n.kind() == "for_statement" {
                let func = syntax::enclosing_function(n).expect("in a function");
                result = Some(f(n, func));
            }
        });
        result.expect("a for loop")
    }

    fn ends(body: &str) -> bool {
        let src =
            format!("package m\n\nfunc f(d []int, n int, ready func() bool) {{\n{body}\n}}\n");
        first_for(&src, |l, _| ends_by_itself(l, &src))
    }

    #[test]
    fn range_and_counted_loops_end_by_themselves() {
        assert!(ends("for i, v := range d { _, _ = i, v }"));
        assert!(ends("for range n { }"));
        assert!(ends("for i := 0; i < n; i++ { _ = i }"));
        assert!(ends("for i := n; i > 0; i -= 2 { _ = i }"));
        assert!(ends("for i := 1; i+1 < len(d); i++ { d[i] = 0; d[i]++ }"));
    }

    #[test]
    fn other_loops_do_not() {
        assert!(!ends("for { }"));
        assert!(!ends("for ready() { }"));
        assert!(!ends("for i := 0; i < n; i++ { i = 0 }"));
        assert!(!ends("for i := 0; i < n; i++ { p := &i; _ = p }"));
        assert!(!ends("for i := 0; i < n; i++ { i++ }"));
        assert!(!ends("for i := 0; i < n; i++ { n, i = i, n }"));
        assert!(!ends("for i := 0; ready(); i++ { }"));
        assert!(!ends("for i := 0; i < n; i *= 2 { }"));
        assert!(!ends("for i := 0; i < n; { i++ }"));
    }

    fn bookkeeping(stmt: &str) -> bool {
        let src = format!("package m\n\nfunc f() {{\n{stmt}\n}}\n");
        let tree = syntax::parse(&src);
        let mut result = None;
        syntax::walk(tree.root_node(), &mut |n| {
            if result.is_none() && n.kind() == "block" {
                let first = syntax::block_statements(n)[0];
                result = Some(is_bookkeeping(first));
            }
        });
        result.expect("a statement")
    }

    #[test]
    fn exit_checks_and_polls_are_bookkeeping() {
        assert!(bookkeeping("if ready() { return }"));
        assert!(bookkeeping("v := load()"));
        assert!(bookkeeping("if n > 8 { n = 8 } else { break }"));
        assert!(!bookkeeping("work()"));
        assert!(!bookkeeping("if err := apply(); err != nil { break }"));
        assert!(!bookkeeping("if v > 0 { handle(v) }"));
    }
}
