//! Facts about a `for` loop that rules ask for: does it end by itself, and does it wait for another
//! goroutine? (R3a's owner decision "inside loops": a yield in a loop that ends by itself can go, a yield in a
//! loop that waits is a spin-wait.) Syntax only: no types, so a name is "local" when the function declares it.

use crate::syntax::{self, named_children};
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

/// Does the body of `for_stmt` leave the loop (a `return`, or a `break` of this loop) under an `if` whose
/// condition reads state another goroutine may write: a call, a field, an index, a receive, or a name the
/// enclosing function `func` does not declare (a package variable)? Such a loop waits for something.
pub fn exits_on_shared_state(for_stmt: Node<'_>, func: Node<'_>, src: &str) -> bool {
    let Some(body) = for_stmt.child_by_field_name("body") else {
        return false;
    };
    let mut found = false;
    syntax::walk(body, &mut |n| {
        if found || !matches!(n.kind(), "return_statement" | "break_statement") {
            return;
        }
        // A `break` inside a nested loop, switch or select leaves that statement, not this loop.
        let inner_break = n.kind() == "break_statement"
            && n.named_child_count() == 0
            && syntax::ancestors(n)
                .take_while(|a| a.id() != for_stmt.id())
                .any(|a| {
                    matches!(
                        a.kind(),
                        "for_statement"
                            | "expression_switch_statement"
                            | "type_switch_statement"
                            | "select_statement"
                    )
                });
        if inner_break
            || syntax::ancestors(n)
                .take_while(|a| a.id() != for_stmt.id())
                .any(syntax::is_function)
        {
            return;
        }
        found = syntax::ancestors(n)
            .take_while(|a| a.id() != for_stmt.id())
            .filter(|a| a.kind() == "if_statement")
            .filter_map(|a| a.child_by_field_name("condition"))
            .any(|c| reads_shared_state(c, func, src));
    });
    found
}

/// Does `expr` read anything but the function's own variables and constants?
pub fn reads_shared_state(expr: Node<'_>, func: Node<'_>, src: &str) -> bool {
    let mut shared = false;
    syntax::walk(expr, &mut |n| {
        shared |= match n.kind() {
            "call_expression" | "selector_expression" | "index_expression" => true,
            "unary_expression" => n
                .child_by_field_name("operator")
                .is_some_and(|o| syntax::text(o, src) == "<-"),
            "identifier" => {
                let name = syntax::text(n, src);
                !matches!(name, "true" | "false" | "nil" | "iota")
                    && !syntax::declares_name(func, name, src)
            }
            _ => false,
        }
    });
    shared
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

    fn waits(body: &str) -> bool {
        let src = format!(
            "package m\n\nvar stop bool\n\nfunc f(d []int, n int, ready func() bool) {{\n{body}\n}}\n"
        );
        first_for(&src, |l, func| exits_on_shared_state(l, func, &src))
    }

    #[test]
    fn exits_that_read_shared_state() {
        assert!(waits("for i := 0; i < n; i++ { if ready() { return } }"));
        assert!(waits("for range d { if stop { break } }"));
        assert!(!waits("for i, v := range d { if v > n { return }; _ = i }"));
        assert!(!waits("for range d { for { if ready() { break } } }"));
        assert!(!waits(
            "for range d { go func() { if ready() { return } }() }"
        ));
    }
}
