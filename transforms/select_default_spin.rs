//! # select-default-spin (R7.7)
//!
//! ## What it does
//! Reports a `for` loop whose whole body is a `select` with at least one channel case and a `default`
//! that never blocks: it only yields (`runtime.Gosched()`), continues, or does bookkeeping (`idle++`,
//! `atomic.AddInt64(&spins, 1)`, a plain assignment), or holds nothing but a comment. The empty `default`
//! is R6.1's (it removes it); this rule covers the shapes that need a person to decide.
//!
//! ## Why is this bad?
//! A `select` with a `default` never parks the goroutine. When no channel is ready the loop goes straight
//! round again, so the goroutine runs at a full core for as long as the channels stay idle, each pass
//! through the runtime's `selectgo` (locking every channel of the `select`). `runtime.Gosched()` does not
//! change that: the goroutine goes back on the run queue and is picked again at once when nothing else is
//! runnable, which is exactly when the process is idle. A blocking `select` costs nothing while it waits.
//!
//! ## Example
//! ```go
//! package relay
//!
//! import "runtime"
//!
//! func forward(in <-chan []byte, quit <-chan struct{}, send func([]byte)) {
//! 	for {
//! 		select {
//! 		case b := <-in:
//! 			send(b)
//! 		case <-quit:
//! 			return
//! 		default:
//! 			runtime.Gosched()
//! 		}
//! 	}
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package relay
//!
//! func forward(in <-chan []byte, quit <-chan struct{}, send func([]byte)) {
//! 	for {
//! 		select {
//! 		case b := <-in:
//! 			send(b)
//! 		case <-quit:
//! 			return
//! 		}
//! 	}
//! }
//! ```
//! If the `default` existed to do periodic work, give it its own case (a `time.Ticker`'s channel) so the
//! `select` still blocks between ticks.
//!
//! ## Fix safety
//! No fix: report only. Dropping a `default` that counts idle passes or yields changes what the loop does
//! when nothing is ready (the counter stops moving; a loop where no case can ever become ready now blocks
//! forever), so the change needs a reviewer.
//!
//! ## Version gating
//! None: the report and its suggestion mean the same at every Go version.
//!
//! ## When it does not fire
//! - The loop body holds anything besides the `select`: the non-blocking cancellation check inside a
//!   working loop (`select { case <-ctx.Done(): return; default: }` then the work) is the common, correct
//!   use.
//! - The `default` is empty (R6.1 reports it) or does anything else: sleeps, blocks, calls a function or a
//!   method (I/O, real work, `wg.Add`), receives or sends, or leaves the loop (`break`, `return`, `goto`, a
//!   labeled `continue` or `break` of an outer loop).
//! - The loop is bounded: it has a three-clause or `range` header, or a condition reading a variable the
//!   `default` updates (a spin-then-block budget such as `for spins < 100`).
//! - The `select` has only a `default`.
//! - `runtime` or `sync/atomic` is shadowed or dot-imported (the calls are not recognised).
//! - Test code: `*_test.go`, files importing `testing`, `Test*`/`Benchmark*`/`Fuzz*`/`Example*` functions.
//! - Test-support packages: `*test` and `testutil` names, benchmark harnesses, `e2e/` and `integration/`
//!   trees.
//!
//! ## References
//! `selectgo` in `src/runtime/select.go`; `Gosched` in `src/runtime/proc.go`; the Go spec, "Select
//! statements".

use crate::read::syntax::{self, block_statements, named_children};
use crate::rules::fix::TextRange;
use crate::rules::removal::in_tests;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use std::collections::HashSet;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.7",
        name: "select-default-spin",
        summary: "a for/select loop whose default only yields or counts: the goroutine spins at full CPU while idle",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &["default:"],
        calls: &[],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Preview,
        options: &[],
    },
    source: include_str!("select_default_spin.rs"),
    query: QUERY,
    run,
    precheck: has_nonempty_default_in_select,
    other_files: None,
};

/// A `select` exists outside a test file, and some `default:` is followed by something other than the end of
/// its clause (empty defaults are R6.1's).
fn has_nonempty_default_in_select(bytes: &[u8], _: &crate::read::gomod::Module) -> bool {
    if memchr::memmem::find(bytes, b"select {").is_none()
        || crate::semantic::prefilter::imports(bytes, "testing")
    {
        return false;
    }
    crate::semantic::prefilter::has_default_clause(bytes, true)
}

const QUERY: &str = r#"(for_statement body: (block) @body) @match"#;

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let (Some(for_stmt), Some(body)) = (m.node("match"), m.node("body")) else {
        return None;
    };
    let src = cx.src();
    let [select] = block_statements(body)[..] else {
        return None;
    };
    if select.kind() != "select_statement" {
        return None;
    }
    let clauses = named_children(select);
    let defaults: Vec<Node<'_>> = clauses
        .iter()
        .copied()
        .filter(|c| c.kind() == "default_case")
        .collect();
    let [default] = defaults[..] else { return None };
    if !clauses.iter().any(|c| c.kind() == "communication_case") {
        return None;
    }
    let stmts = syntax::case_statements(default);
    if stmts.is_empty() {
        // Only a comment keeps R6.1 from removing an empty default; a truly empty one is R6.1's finding.
        let next_clause =
            std::iter::successors(default.next_named_sibling(), |n| n.next_named_sibling())
                .find(|n| n.kind() != "comment");
        let end = next_clause.map_or(select.end_byte() - 1, |n| n.start_byte());
        let tail = &src[default.start_byte()..end];
        if !(tail.contains("//") || tail.contains("/*")) {
            return None;
        }
    }
    let mut written = HashSet::new();
    for s in &stmts {
        if !non_blocking(cx, *s, for_stmt, &mut written) {
            return None;
        }
    }
    // Bounded loops: a header, or a condition over what the default updates.
    let mut header = None;
    let mut c = for_stmt.walk();
    for ch in for_stmt.named_children(&mut c) {
        match ch.kind() {
            "block" | "comment" => {}
            "for_clause" | "range_clause" => return None,
            _ => header = Some(ch),
        }
    }
    if let Some(cond) = header {
        let read = syntax::identifiers(cond, src);
        if written.iter().any(|w| read.contains(w)) || !syntax::is_pure_expr(cond, src) {
            return None;
        }
    }
    if in_tests(cx, for_stmt) {
        return None;
    }
    let what = if stmts.is_empty() {
        "holds only a comment"
    } else if stmts
        .iter()
        .any(|s| s.kind() == "expression_statement" && cx.text(*s).contains("Gosched"))
    {
        "only yields"
    } else if stmts.iter().all(|s| s.kind() == "continue_statement") {
        "only continues the loop"
    } else {
        "only does bookkeeping"
    };
    cx.report(
        TextRange::of(default),
        format!(
            "this `select` never blocks: its `default` {what}, so the loop spins at a full core (one `selectgo` per pass) while the channels are idle; drop the `default` so the goroutine parks until a case is ready, or give periodic work its own ticker case"
        ),
    );
    Some(())
}

/// Does `stmt` (a statement of the default) finish at once without leaving the loop? Records the names
/// it writes in `written`.
fn non_blocking(
    cx: &Ctx<'_>,
    stmt: Node<'_>,
    for_stmt: Node<'_>,
    written: &mut HashSet<String>,
) -> bool {
    let file = cx.file();
    let src = cx.src();
    match stmt.kind() {
        "empty_statement" => true,
        "continue_statement" => match named_children(stmt).first() {
            None => true,
            // `continue L` where L labels this very loop.
            Some(label) => for_stmt.parent().is_some_and(|p| {
                p.kind() == "labeled_statement"
                    && p.child_by_field_name("label")
                        .is_some_and(|l| cx.text(l) == cx.text(*label))
            }),
        },
        "inc_statement" | "dec_statement" => named_children(stmt)
            .first()
            .is_some_and(|t| is_target(*t, src, written)),
        "assignment_statement" => {
            let (Some(left), Some(right)) = (
                stmt.child_by_field_name("left"),
                stmt.child_by_field_name("right"),
            ) else {
                return false;
            };
            named_children(right)
                .iter()
                .all(|r| syntax::is_pure_expr(*r, src))
                && named_children(left)
                    .iter()
                    .all(|t| is_target(*t, src, written))
        }
        "expression_statement" => {
            let Some(call) = named_children(stmt).into_iter().next() else {
                return false;
            };
            if file.is_pkg_call(call, "runtime", "Gosched") {
                return true;
            }
            let Some(name) = call
                .child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("field"))
                .map(|f| cx.text(f))
            else {
                return false;
            };
            let atomic = ["Add", "Store", "Swap", "CompareAndSwap", "Or", "And"]
                .iter()
                .any(|p| name.starts_with(p))
                && file.is_pkg_call(call, "sync/atomic", name);
            let pure_args = call.child_by_field_name("arguments").is_some_and(|a| {
                named_children(a).iter().all(|x| {
                    syntax::is_pure_expr(*x, src)
                        || (x.kind() == "unary_expression"
                            && x.child_by_field_name("operator")
                                .is_some_and(|o| cx.text(o) == "&")
                            && x.child_by_field_name("operand")
                                .is_some_and(|o| is_target(o, src, written)))
                })
            });
            atomic && pure_args
        }
        _ => false,
    }
}

/// A variable, field or index target (no calls, no receives); records the names it spells.
fn is_target(t: Node<'_>, src: &str, written: &mut HashSet<String>) -> bool {
    let ok = matches!(
        t.kind(),
        "identifier" | "selector_expression" | "index_expression"
    ) && syntax::is_pure_expr(t, src);
    if ok {
        written.extend(syntax::identifiers(t, src));
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    fn loop_with(default: &str) -> String {
        format!(
            "package m\n\nimport (\n\t\"runtime\"\n\t\"sync/atomic\"\n)\n\nvar _ = runtime.NumCPU\nvar _ atomic.Int64\n\nfunc f(in <-chan int, quit <-chan struct{{}}, use func(int)) {{\n\tvar idle int64\n\t_ = idle\n\tfor {{\n\t\tselect {{\n\t\tcase v := <-in:\n\t\t\tuse(v)\n\t\tcase <-quit:\n\t\t\treturn\n\t\tdefault:\n{default}\t\t}}\n\t}}\n}}\n"
        )
    }

    #[test]
    fn yield_continue_bookkeeping_and_comment_defaults_fire() {
        for d in [
            "\t\t\truntime.Gosched()\n",
            "\t\t\tcontinue\n",
            "\t\t\tidle++\n",
            "\t\t\tatomic.AddInt64(&idle, 1)\n\t\t\truntime.Gosched()\n",
            "\t\t\t// nothing ready yet\n",
        ] {
            let msgs = check_detect_only_go(&TRANSFORM, "1.22", &loop_with(d));
            assert_eq!(msgs.len(), 1, "{d}: {msgs:?}");
        }
    }

    #[test]
    fn blocking_working_or_leaving_defaults_do_not() {
        for d in [
            "",
            "\t\t\truntime.Gosched()\n\t\t\tuse(0)\n",
            "\t\t\treturn\n",
            "\t\t\tbreak\n",
            "\t\t\tidle = int64(len(in))\n\t\t\t<-quit\n",
        ] {
            check_no_fix_go(&TRANSFORM, "1.22", &loop_with(d));
        }
    }

    #[test]
    fn working_loops_and_bounded_spins_do_not() {
        // The cancellation check inside a working loop.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"runtime\"\n\nfunc f(done <-chan struct{}, work func()) {\n\tfor {\n\t\tselect {\n\t\tcase <-done:\n\t\t\treturn\n\t\tdefault:\n\t\t\truntime.Gosched()\n\t\t}\n\t\twork()\n\t}\n}\n",
        );
        // A spin budget.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"runtime\"\n\nfunc f(ch <-chan int) int {\n\tspins := 0\n\tfor spins < 100 {\n\t\tselect {\n\t\tcase v := <-ch:\n\t\t\treturn v\n\t\tdefault:\n\t\t\tspins++\n\t\t\truntime.Gosched()\n\t\t}\n\t}\n\treturn <-ch\n}\n",
        );
        // A shadowed runtime.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"runtime\"\n\nvar _ = runtime.NumCPU\n\ntype yielder struct{}\n\nfunc (yielder) Gosched() {}\n\nfunc f(ch <-chan int, use func(int)) {\n\truntime := yielder{}\n\tfor {\n\t\tselect {\n\t\tcase v := <-ch:\n\t\t\tuse(v)\n\t\tdefault:\n\t\t\truntime.Gosched()\n\t\t}\n\t}\n}\n",
        );
    }
}
