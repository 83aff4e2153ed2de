//! The loop R6.3 rewrites: `X.Add(1)` then `go func(...) { defer X.Done(); ... }(...)` in the body,
//! `X.Wait()` after the loop, and nothing that already bounds it or would deadlock under a limit.

use super::Shape;
use crate::read::syntax::{self, named_children};
use crate::semantic::package::PkgFile;
use crate::semantic::pkg_calls::{any_node, selector_call};
use tree_sitter::Node;

/// The loop body `X.Add(1)` + `go func(...) { defer X.Done(); ... }(...)`, with `X.Wait()` after the loop
/// and nothing that already bounds it.
pub(super) fn match_shape<'t>(
    file: &PkgFile,
    for_stmt: Node<'t>,
    body: Node<'t>,
) -> Option<Shape<'t>> {
    let src = &file.text;
    let list = for_stmt.parent().filter(|p| p.kind() == "statement_list")?;
    let stmts = syntax::block_statements(body);
    let gos: Vec<usize> = stmts
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind() == "go_statement")
        .map(|(i, _)| i)
        .collect();
    let [gi] = gos.as_slice() else { return None };
    let gi = *gi;
    if gi == 0 {
        return None;
    }
    let (add, go) = (stmts[gi - 1], stmts[gi]);
    // `X.Add(1)` right before `go`.
    let add_call = named_children(add)
        .first()
        .copied()
        .filter(|_| add.kind() == "expression_statement")?;
    let (wg, method, args) = method_call(add_call, src)?;
    if method != "Add" || args.len() != 1 || syntax::text(args[0], src) != "1" {
        return None;
    }
    if !matches!(wg.kind(), "identifier" | "selector_expression") {
        return None;
    }
    let wg_text = syntax::text(wg, src).to_string();
    // `go func(...) { defer X.Done(); ... }(...)`.
    let call = named_children(go).first().copied()?;
    let lit = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "func_literal")?;
    let lit_body = lit.child_by_field_name("body")?;
    let done = *syntax::block_statements(lit_body).first()?;
    if done.kind() != "defer_statement" {
        return None;
    }
    let done_call = named_children(done).first().copied()?;
    let (recv, method, args) = method_call(done_call, src)?;
    if method != "Done" || !args.is_empty() || syntax::text(recv, src) != wg_text {
        return None;
    }
    // Already bounded, or a worker pool in disguise.
    for s in &stmts {
        if s.id() == go.id() {
            continue;
        }
        let hit = any_node(*s, |n| {
            n.kind() == "send_statement"
                || n.kind() == "go_statement"
                || method_call(n, src).is_some_and(|(_, m, _)| {
                    matches!(
                        m,
                        "Acquire" | "TryAcquire" | "Wait" | "Take" | "SetLimit" | "Go"
                    )
                })
        });
        if hit {
            return None;
        }
    }
    let waits_inside = any_node(lit_body, |n| {
        matches!(n.kind(), "receive_statement" | "select_statement")
            || (n.kind() == "unary_expression"
                && n.child_by_field_name("operator")
                    .is_some_and(|o| syntax::text(o, src) == "<-"))
            || (n.kind() == "for_statement" && named_children(n).len() == 1)
            || method_call(n, src).is_some_and(|(_, m, _)| matches!(m, "Acquire" | "TryAcquire"))
            || long_lived_call(n, src)
    });
    if waits_inside {
        return None;
    }
    // `X.Wait()` after the loop, in the same statement list.
    let after = named_children(list);
    let pos = after.iter().position(|s| s.id() == for_stmt.id())?;
    let wait = after[pos + 1..].iter().copied().find(|s| {
        s.kind() == "expression_statement"
            && named_children(*s).first().is_some_and(|c| {
                method_call(*c, src).is_some_and(|(r, m, a)| {
                    m == "Wait" && a.is_empty() && syntax::text(r, src) == wg_text
                })
            })
    })?;
    // A goroutine that sends may block until a consumer runs; if that consumer starts between the loop
    // and `Wait`, the limit would keep the loop from ever reaching it (a deadlock).
    let sends = any_node(lit_body, |n| n.kind() == "send_statement");
    if sends && after.get(pos + 1).is_none_or(|s| s.id() != wait.id()) {
        return None;
    }
    // A lock the function holds around the loop and the goroutines also take: with a limit, the loop
    // waits for goroutines that wait for the lock (a deadlock).
    let func = syntax::enclosing_function(for_stmt)?;
    let lock_receivers = |scope: Node<'_>, inside: bool| {
        let mut out: Vec<String> = vec![];
        syntax::walk(scope, &mut |n| {
            let in_lit = n.start_byte() >= lit.start_byte() && n.end_byte() <= lit.end_byte();
            if in_lit != inside {
                return;
            }
            if let Some((r, "Lock" | "RLock", _)) = method_call(n, src) {
                out.push(syntax::text(r, src).to_string());
            }
        });
        out
    };
    let inner = lock_receivers(lit_body, true);
    if !inner.is_empty()
        && lock_receivers(func, false)
            .iter()
            .any(|r| inner.contains(r))
    {
        return None;
    }
    Some(Shape {
        for_stmt,
        add,
        go,
        lit,
        done,
        wait,
        wg: wg_text,
    })
}

/// A call that usually runs for the life of the program (a server, a watch, an event loop): one goroutine
/// per listener or subscription is the design, and a limit would keep the extra ones from ever starting.
fn long_lived_call(n: Node<'_>, src: &str) -> bool {
    if n.kind() != "call_expression" {
        return false;
    }
    let name = match n.child_by_field_name("function") {
        Some(f) if f.kind() == "selector_expression" => f
            .child_by_field_name("field")
            .map_or("", |x| syntax::text(x, src)),
        Some(f) if f.kind() == "identifier" => syntax::text(f, src),
        _ => "",
    };
    [
        "Serve",
        "ListenAndServe",
        "Listen",
        "Accept",
        "Watch",
        "Subscribe",
        "Consume",
    ]
    .iter()
    .any(|p| name.starts_with(p))
        || name.ends_with("Loop")
        || name.ends_with("Forever")
}

/// `recv.method(args)`: the receiver, the method name and the arguments.
fn method_call<'t>(n: Node<'t>, src: &'t str) -> Option<(Node<'t>, &'t str, Vec<Node<'t>>)> {
    let (recv, field) = selector_call(n)?;
    let args = named_children(n.child_by_field_name("arguments")?);
    Some((recv, syntax::text(field, src), args))
}
