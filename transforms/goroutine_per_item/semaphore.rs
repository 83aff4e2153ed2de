//! The semaphore fix: a buffered channel of `runtime.GOMAXPROCS(0)` slots before the loop, a send before
//! `go`, a deferred receive first in the goroutine.

use super::Shape;
use crate::read::syntax;
use crate::rules::fix::{Fix, ImportChange};
use crate::rules::rewrite::insert_before_statement;
use crate::rules::transform::Ctx;
use std::collections::HashSet;
use tree_sitter::Node;

/// The semaphore shape: a buffered channel before the loop, a send before `go`, a deferred receive first
/// in the goroutine.
pub(super) fn semaphore_fix(cx: &mut Ctx<'_>, shape: &Shape<'_>, func: Node<'_>) -> Option<Fix> {
    let src = cx.src();
    if !syntax::alone_on_line(shape.for_stmt, src) && !starts_line(src, shape.for_stmt) {
        return None;
    }
    if !starts_line(src, shape.go) || !starts_line(src, shape.done) {
        return None;
    }
    let scope = syntax::enclosing_top_function(func).unwrap_or(func);
    let rt = cx.import_name_in(cx.file_idx, "runtime", "goruntime", scope)?;
    let taken: HashSet<String> = [rt.clone()].into_iter().collect();
    let sem = cx.fresh_name(scope, "sem", &taken);
    let f = cx.file_idx;
    Some(
        Fix::unsafe_fix(format!(
            "limit the loop to `{rt}.GOMAXPROCS(0)` goroutines at a time with a semaphore channel"
        ))
        .edit(
            f,
            insert_before_statement(
                src,
                shape.for_stmt,
                &format!("{sem} := make(chan struct{{}}, {rt}.GOMAXPROCS(0))"),
            ),
        )
        .edit(
            f,
            insert_before_statement(src, shape.go, &format!("{sem} <- struct{{}}{{}}")),
        )
        .edit(
            f,
            insert_before_statement(src, shape.done, &format!("defer func() {{ <-{sem} }}()")),
        )
        .import(
            f,
            ImportChange::Add {
                path: "runtime".into(),
                name: rt,
            },
        ),
    )
}

/// Does `node` start its line (only blanks before it)?
pub(super) fn starts_line(src: &str, node: Node<'_>) -> bool {
    src[syntax::line_start(src, node.start_byte())..node.start_byte()]
        .trim()
        .is_empty()
}
