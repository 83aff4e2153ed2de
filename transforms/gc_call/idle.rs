//! Periodic collection loops: would a loop do nothing but wait once its `runtime.GC()` is gone?

use crate::read::syntax::{self, named_children};
use crate::semantic::package::PkgFile;
use crate::semantic::pkg_calls::is_call_of;
use tree_sitter::Node;

/// Would `block` do nothing but wait (sleep, receive, log, leave) once `removed` is gone?
pub(super) fn block_is_idle(file: &PkgFile, block: Node<'_>, removed: Node<'_>) -> bool {
    syntax::block_statements(block)
        .into_iter()
        .all(|s| stmt_is_idle(file, s, removed))
}

fn stmt_is_idle(file: &PkgFile, s: Node<'_>, removed: Node<'_>) -> bool {
    if s.id() == removed.id() {
        return true;
    }
    match s.kind() {
        "return_statement" | "break_statement" | "continue_statement" | "empty_statement" => true,
        "labeled_statement" => named_children(s)
            .into_iter()
            .skip(1)
            .all(|x| stmt_is_idle(file, x, removed)),
        "expression_statement" => named_children(s).first().is_some_and(|e| match e.kind() {
            "unary_expression" => e
                .child_by_field_name("operator")
                .is_some_and(|o| file.node_text(o) == "<-"),
            "call_expression" => is_call_of(file, *e, "time", &["Sleep"]) || is_log_call(file, *e),
            _ => false,
        }),
        "select_statement" => named_children(s).into_iter().all(|case| {
            let receives = case
                .child_by_field_name("communication")
                .is_none_or(|c| c.kind() == "receive_statement");
            receives
                && syntax::case_statements(case)
                    .into_iter()
                    .all(|x| stmt_is_idle(file, x, removed))
        }),
        "if_statement" => {
            // An `if` whose branches are idle (a `break` on a flag, say) changes nothing about the loop's work.
            let cond_pure = s
                .child_by_field_name("condition")
                .is_some_and(|c| syntax::is_pure_expr(c, &file.text));
            cond_pure
                && s.child_by_field_name("initializer").is_none()
                && ["consequence", "alternative"].iter().all(|f| {
                    s.child_by_field_name(f).is_none_or(|b| match b.kind() {
                        "block" => block_is_idle(file, b, removed),
                        _ => stmt_is_idle(file, b, removed),
                    })
                })
        }
        _ => false,
    }
}

/// `log.Printf(...)`, `slog.Info(...)`, `logger.Debugf(...)`: logging, not work.
pub(super) fn is_log_call(file: &PkgFile, call: Node<'_>) -> bool {
    if is_call_of(file, call, "log", &[]) || is_call_of(file, call, "log/slog", &[]) {
        return true;
    }
    call.child_by_field_name("function").is_some_and(|f| {
        f.kind() == "selector_expression"
            && f.child_by_field_name("field").is_some_and(|n| {
                let name = file.node_text(n);
                ["Print", "Debug", "Info", "Warn", "Trace", "Log"]
                    .iter()
                    .any(|p| {
                        name.strip_prefix(p)
                            .is_some_and(|rest| matches!(rest, "" | "f" | "ln" | "w" | "Context"))
                    })
            })
    })
}
