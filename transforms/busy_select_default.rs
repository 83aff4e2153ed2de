//! # busy-select-default (R6.1)
//!
//! ## What it does
//! Removes the empty `default:` clause of a `select` that is the whole body of a `for` loop.
//!
//! ## Why is this bad?
//! An empty `default` makes the `select` non-blocking, so the loop spins: it burns a whole core polling
//! channels that are not ready, and competes with the goroutines that would make them ready. Without the
//! `default`, the goroutine parks until a case can proceed and costs nothing while it waits. Every
//! iteration that took the empty `default` had no effect, so the sequence of executed cases is the same.
//!
//! ## Example
//! ```go
//! package worker
//!
//! func drain(jobs <-chan int, quit <-chan struct{}, handle func(int)) {
//! 	for {
//! 		select {
//! 		case j := <-jobs:
//! 			handle(j)
//! 		case <-quit:
//! 			return
//! 		default:
//! 		}
//! 	}
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package worker
//!
//! func drain(jobs <-chan int, quit <-chan struct{}, handle func(int)) {
//! 	for {
//! 		select {
//! 		case j := <-jobs:
//! 			handle(j)
//! 		case <-quit:
//! 			return
//! 		}
//! 	}
//! }
//! ```
//!
//! ## Fix safety
//! Safe when every case operand is a local variable, parameter, selector or index on one, or a `.Done()`
//! call on one: such operands read the same channel on every spin, so blocking on them once is the same.
//! Unsafe (applied with `--unsafe-fixes`) when an operand is another method call (a subscription's `Err()`,
//! say): the spinning loop called it on every iteration, the blocking one calls it once per wait.
//! A conditional loop (`for !done`) is Safe only when the condition reads local variables assigned only
//! inside that `select`'s cases; it cannot change between two spins anyway. One behaviour does change, by
//! design: a loop where no case can ever become ready now blocks instead of spinning, and if every
//! goroutine blocks the runtime reports a deadlock.
//!
//! ## Version gating
//! None: the rewrite uses no API and means the same at every Go version.
//!
//! ## When it does not fire
//! - The loop body has anything besides the `select` (the common non-blocking cancellation check inside a
//!   working loop: `select { case <-ctx.Done(): return; default: }; doWork()`).
//! - The `default` has statements (`runtime.Gosched()`, `time.Sleep`, work) or comments.
//! - The `select` has only a `default`.
//! - The loop has a three-clause or range header: it polls a bounded number of times on purpose.
//! - Test code (`*_test.go`, files importing `testing`, `Test*`/`Benchmark*`/`Fuzz*`/`Example*`
//!   functions, test-support packages such as `httptest`-like names, `testutil`, `e2e/`, `integration/`)
//!   when a precondition withholds the fix: tests spin on purpose. The Safe removal still applies there.
//!
//! Reported without a fix (the finding says which precondition failed): a case operand that is a
//! package-level variable (another goroutine may swap it; the spinning loop would see the new channel),
//! contains a receive, or calls a function; a loop condition that reads fields, globals or calls; a
//! function that uses `goto`.
//!
//! ## References
//! The Go spec, "Select statements" (with a `default`, a `select` never blocks); `selectgo` in
//! `src/runtime/select.go`.

use crate::read::syntax::{self, block_statements, named_children};
use crate::rules::fix::{Applicability, Fix, TextRange};
use crate::rules::rewrite::delete_statement;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R6.1",
        name: "busy-select-default",
        summary: "an empty default makes a for/select loop spin instead of block",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &["default:"],
        calls: &[],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("busy_select_default.rs"),
    query: QUERY,
    run,
    precheck: has_empty_default,
    other_files: None,
};

/// An empty `default:` is followed only by blanks and then `}` or the next `case`.
fn has_empty_default(bytes: &[u8], _: &crate::read::gomod::Module) -> bool {
    crate::semantic::prefilter::has_default_clause(bytes, false)
}

const QUERY: &str = r#"(for_statement body: (block) @body) @match"#;

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let (Some(for_stmt), Some(body)) = (m.node("match"), m.node("body")) else {
        return None;
    };
    let src = cx.src();
    // §6.1.2: the body is exactly one select (comments allowed).
    let stmts = block_statements(body);
    let [select] = stmts.as_slice() else {
        return None;
    };
    if select.kind() != "select_statement" {
        return None;
    }
    let clauses = named_children(*select);
    let defaults: Vec<Node<'_>> = clauses
        .iter()
        .copied()
        .filter(|c| c.kind() == "default_case")
        .collect();
    let cases: Vec<Node<'_>> = clauses
        .iter()
        .copied()
        .filter(|c| c.kind() == "communication_case")
        .collect();
    // §6.1.3: at least one communication case and one empty default, comments included (we keep comments).
    let [default] = defaults.as_slice() else {
        return None;
    };
    if cases.is_empty() || default.named_child_count() > 0 {
        return None;
    }
    // tree-sitter attaches a comment after `default:` to the select, so look at the text up to the next clause.
    let next_clause =
        std::iter::successors(default.next_named_sibling(), |n| n.next_named_sibling())
            .find(|n| n.kind() != "comment");
    let clause_end = next_clause.map_or(select.end_byte() - 1, |n| n.start_byte());
    let tail = &src[default.start_byte()..clause_end];
    if tail.contains("//") || tail.contains("/*") {
        return None;
    }
    let func = syntax::enclosing_function(for_stmt)?;
    // Tests and benchmarks spin on purpose (to provoke or measure contention): there a spin whose fix a
    // precondition withholds is not worth a report (the Safe removal still applies, as it always did).
    let file = cx.file();
    let test_code = crate::rules::removal::in_test_code(file, for_stmt)
        || crate::semantic::context::in_test_support(cx.pkg, file);
    // Loop header: a three-clause or range loop polls a bounded number of times (a "try n times" on
    // purpose), not the spin shape.
    let mut header = named_children(for_stmt);
    header.retain(|n| n.id() != body.id());
    if header
        .iter()
        .any(|h| matches!(h.kind(), "for_clause" | "range_clause"))
    {
        return None;
    }
    // From here the loop spins: reported, and a failed precondition withholds the fix (owner's principle).
    let message = "empty `default` turns this for/select into a busy loop; without it the goroutine blocks until a case is ready";
    let withheld = |cx: &mut Ctx<'_>, reason: &str| {
        if !test_code {
            cx.report(TextRange::of(*default), message).withhold(reason);
        }
    };
    // §6.1.1: no goto in the function (a label on the loop may be a goto target).
    if contains_kind(func, "goto_statement") {
        withheld(
            cx,
            "the function uses `goto`, so the loop may be entered or left in ways the tree does not show",
        );
        return None;
    }
    let mut applicability = Applicability::Safe;
    // §6.1.4–5: operands are local, side-effect free; a method call on a local makes it Unsafe (owner).
    for case in &cases {
        let comm = case.child_by_field_name("communication")?;
        for operand in case_operands(comm) {
            match classify_operand(cx, func, operand) {
                OperandKind::Pure => {}
                OperandKind::MethodCall => applicability = Applicability::Unsafe,
                OperandKind::Reject => {
                    withheld(
                        cx,
                        "a case operand is a package variable, a receive or a call: another goroutine may change the channel between spins, and a blocking select would not see it",
                    );
                    return None;
                }
            }
        }
    }
    // `for {}`, or (owner) a condition over locals assigned only inside this select's cases.
    if let [cond] = header.as_slice()
        && !condition_is_select_local(cx, func, *cond, *select)
    {
        withheld(
            cx,
            "the loop's condition reads state another goroutine may write, which a blocking select would stop checking",
        );
        return None;
    }
    let edit = delete_statement(src, *default);
    let title = "remove the empty `default` so the select blocks";
    let fix = Fix::new(title, applicability).edit(cx.file_idx, edit);
    let d = cx.report(TextRange::of(*default), message);
    d.fix = Some(fix);
    Some(())
}

enum OperandKind {
    Pure,
    MethodCall,
    Reject,
}

/// The channel expressions (and send values) a select case evaluates.
fn case_operands(comm: Node<'_>) -> Vec<Node<'_>> {
    match comm.kind() {
        "send_statement" => ["channel", "value"]
            .iter()
            .filter_map(|f| comm.child_by_field_name(f))
            .collect(),
        "receive_statement" => {
            let right = comm.child_by_field_name("right");
            right
                .map(|r| unwrap_receive(r).into_iter().collect())
                .unwrap_or_default()
        }
        _ => vec![],
    }
}

/// `<-x` → `x`; anything else is not a plain receive and is returned as is (and rejected later).
fn unwrap_receive(expr: Node<'_>) -> Option<Node<'_>> {
    if expr.kind() == "unary_expression" {
        return expr.child_by_field_name("operand");
    }
    Some(expr)
}

fn classify_operand(cx: &Ctx<'_>, func: Node<'_>, op: Node<'_>) -> OperandKind {
    let src = cx.src();
    let pure_local = |n: Node<'_>| syntax::is_pure_expr(n, src) && root_is_local(cx, func, n);
    if pure_local(op) {
        return OperandKind::Pure;
    }
    if syntax::is_done_call(op, src) {
        let recv = op
            .child_by_field_name("function")
            .and_then(|f| f.child_by_field_name("operand"));
        return if recv.is_some_and(pure_local) {
            OperandKind::Pure
        } else {
            OperandKind::Reject
        };
    }
    // Owner's decision: a method call on a local (no arguments besides pure locals) is an Unsafe fix.
    if op.kind() == "call_expression"
        && let Some(f) = op.child_by_field_name("function")
        && f.kind() == "selector_expression"
        && f.child_by_field_name("operand").is_some_and(pure_local)
        && op
            .child_by_field_name("arguments")
            .is_some_and(|a| named_children(a).iter().all(|x| pure_local(*x)))
    {
        return OperandKind::MethodCall;
    }
    OperandKind::Reject
}

/// The leftmost identifier of a selector/index chain is declared inside the function (a local or parameter).
fn root_is_local(cx: &Ctx<'_>, func: Node<'_>, expr: Node<'_>) -> bool {
    let src = cx.src();
    let mut idents = vec![];
    syntax::walk(expr, &mut |n| {
        if n.kind() == "identifier" {
            idents.push(n);
        }
    });
    // Literals have no identifiers and are fine; every identifier must be a local or parameter.
    idents
        .iter()
        .all(|id| syntax::declares_name(func, syntax::text(*id, src), src))
}

/// Owner's R6.1 relaxation: every identifier in the condition is a local declared in the function and
/// assigned only inside the cases of `select` (never elsewhere after its declaration).
fn condition_is_select_local(
    cx: &Ctx<'_>,
    func: Node<'_>,
    cond: Node<'_>,
    select: Node<'_>,
) -> bool {
    let src = cx.src();
    if !syntax::is_pure_expr(cond, src)
        || contains_kind(cond, "selector_expression")
        || contains_kind(cond, "index_expression")
    {
        return false;
    }
    let mut idents = vec![];
    syntax::walk(cond, &mut |n| {
        if n.kind() == "identifier" {
            idents.push(syntax::text(n, src).to_string());
        }
    });
    if idents.is_empty() {
        return false;
    }
    idents.iter().all(|name| {
        if !syntax::declares_name(func, name, src) {
            return false;
        }
        let mut ok = true;
        syntax::walk(func, &mut |n| {
            let assigns = matches!(
                n.kind(),
                "assignment_statement" | "inc_statement" | "dec_statement"
            ) || (n.kind() == "unary_expression"
                && n.child_by_field_name("operator")
                    .is_some_and(|o| syntax::text(o, src) == "&"));
            if assigns
                && mentions(n, name, src)
                && !(n.start_byte() >= select.start_byte() && n.end_byte() <= select.end_byte())
            {
                ok = false;
            }
            // A closure capturing the variable could write it from another goroutine.
            if n.kind() == "func_literal" && mentions(n, name, src) {
                ok = false;
            }
        });
        ok
    })
}

/// Does `node` assign or mention identifier `name` (on the left of an assignment, or anywhere for `&`)?
fn mentions(node: Node<'_>, name: &str, src: &str) -> bool {
    let target = node.child_by_field_name("left").unwrap_or(node);
    let mut found = false;
    syntax::walk(target, &mut |n| {
        found |= n.kind() == "identifier" && syntax::text(n, src) == name
    });
    found
}

fn contains_kind(node: Node<'_>, kind: &str) -> bool {
    let mut found = false;
    syntax::walk(node, &mut |n| found |= n.kind() == kind);
    found
}

#[cfg(test)]
mod tests {
    use super::TRANSFORM;
    use crate::testing::{check_fix, check_no_fix, run_one};

    #[test]
    fn drops_empty_default() {
        check_fix(
            &TRANSFORM,
            "package m\n\nfunc f(a, b chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tcase v := <-b:\n\t\t\t_ = v\n\t\tdefault:\n\t\t}\n\t}\n}\n",
            "package m\n\nfunc f(a, b chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tcase v := <-b:\n\t\t\t_ = v\n\t\t}\n\t}\n}\n",
        );
    }

    #[test]
    fn work_after_select_is_a_cancellation_check() {
        check_no_fix(
            &TRANSFORM,
            "package m\n\nfunc f(done chan int, work func()) {\n\tfor {\n\t\tselect {\n\t\tcase <-done:\n\t\t\treturn\n\t\tdefault:\n\t\t}\n\t\twork()\n\t}\n}\n",
        );
    }

    /// Reported without an edit, with the precondition that withheld the fix.
    fn withheld(src: &str) -> String {
        crate::testing::check_detect_only_go(&TRANSFORM, "1.22", src);
        let found = crate::testing::findings(&TRANSFORM, "1.22", src);
        assert_eq!(found.len(), 1, "{found:?}");
        found[0].withheld.clone().expect("a withheld reason")
    }

    #[test]
    fn package_level_channel_is_reported_without_a_fix() {
        let reason = withheld(
            "package m\n\nvar quit chan int\n\nfunc f() {\n\tfor {\n\t\tselect {\n\t\tcase <-quit:\n\t\t\treturn\n\t\tdefault:\n\t\t}\n\t}\n}\n",
        );
        assert!(reason.contains("package variable"), "{reason}");
    }

    #[test]
    fn bounded_polls_are_not_spins() {
        check_no_fix(
            &TRANSFORM,
            "package m\n\nfunc f(in chan int, n int) {\n\tfor i := 0; i < n; i++ {\n\t\tselect {\n\t\tcase <-in:\n\t\tdefault:\n\t\t}\n\t}\n}\n",
        );
    }

    #[test]
    fn method_call_operand_is_unsafe() {
        let src = "package m\n\ntype sub interface{ Err() <-chan error }\n\nfunc f(s sub) {\n\tfor {\n\t\tselect {\n\t\tcase <-s.Err():\n\t\t\treturn\n\t\tdefault:\n\t\t}\n\t}\n}\n";
        let (safe_only, _) = run_one(&TRANSFORM, "1.22", src, false);
        assert_eq!(safe_only, src);
        let (fixed, _) = run_one(&TRANSFORM, "1.22", src, true);
        assert!(!fixed.contains("default:"));
    }

    #[test]
    fn condition_over_select_local_flag_is_safe() {
        check_fix(
            &TRANSFORM,
            "package m\n\nfunc f(in chan int) {\n\tdone := false\n\tfor !done {\n\t\tselect {\n\t\tcase _, ok := <-in:\n\t\t\tdone = !ok\n\t\tdefault:\n\t\t}\n\t}\n}\n",
            "package m\n\nfunc f(in chan int) {\n\tdone := false\n\tfor !done {\n\t\tselect {\n\t\tcase _, ok := <-in:\n\t\t\tdone = !ok\n\t\t}\n\t}\n}\n",
        );
        let reason = withheld(
            "package m\n\ntype s struct{ running bool }\n\nfunc (x *s) f(in chan int) {\n\tfor x.running {\n\t\tselect {\n\t\tcase <-in:\n\t\tdefault:\n\t\t}\n\t}\n}\n",
        );
        assert!(reason.contains("condition"), "{reason}");
    }
}
