//! # time-after-in-loop (R2)
//!
//! ## What it does
//! Replaces `time.After(d)` used as a case of a `select` inside a `for` loop with one `time.Timer` that
//! is declared before the loop and re-armed right before each `select`. `time.Tick(d)` in the same
//! position, with a constant `d > 0`, gets the same rewrite.
//!
//! ## Why is this bad?
//! A `select` evaluates its case operands every time it is entered, so `time.After(d)` creates a new
//! timer and channel on every iteration, even when another case wins. With a runtime older than Go 1.23
//! (a main module whose `go` line is below 1.23, or `GODEBUG=asynctimerchan=1`) such a timer is not
//! garbage-collected until it fires: a loop that handles thousands of messages per second with a
//! one-minute idle timeout keeps a minute's worth of timers alive. `time.Tick` is worse there: a ticker
//! is never collected. Since Go 1.23 the unreferenced timers are collected, and the rewrite saves one
//! timer and channel allocation per iteration. A loop where every other case leaves the loop (sleep or
//! quit) only repeats after the timer fired, so it never piles timers up; it is reported at low priority.
//!
//! ## Example
//! ```go
//! package worker
//!
//! import "time"
//!
//! func batch(in <-chan string, idle time.Duration, flush func([]string)) {
//! 	var buf []string
//! 	for {
//! 		select {
//! 		case s, ok := <-in:
//! 			if !ok {
//! 				flush(buf)
//! 				return
//! 			}
//! 			buf = append(buf, s)
//! 		case <-time.After(idle):
//! 			flush(buf)
//! 			buf = buf[:0]
//! 		}
//! 	}
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package worker
//!
//! import "time"
//!
//! func batch(in <-chan string, idle time.Duration, flush func([]string)) {
//! 	var buf []string
//! 	idleTimer := time.NewTimer(idle)
//! 	idleFired := false
//! 	for {
//! 		if !idleTimer.Stop() && !idleFired {
//! 			<-idleTimer.C
//! 		}
//! 		idleTimer.Reset(idle)
//! 		idleFired = false
//! 		select {
//! 		case s, ok := <-in:
//! 			if !ok {
//! 				flush(buf)
//! 				return
//! 			}
//! 			buf = append(buf, s)
//! 		case <-idleTimer.C:
//! 			idleFired = true
//! 			flush(buf)
//! 			buf = buf[:0]
//! 		}
//! 	}
//! }
//! ```
//!
//! When the duration is not available before the loop (it is computed in the loop body, mentions a
//! loop variable, calls a function, or could panic: a field read through a pointer, an index), the timer
//! is declared as `var t *time.Timer` and created on the first `select` entry, re-armed on the others,
//! with the duration expression evaluated exactly once per entry, where the original evaluated it.
//!
//! ## Fix safety
//! Safe: the timer is re-armed with the current value of the duration immediately before every entry
//! into the `select`, where the original started its timer, so the case becomes ready at the same
//! moment. The reset sequence is correct with both timer implementations: it drains a value left in the
//! channel by a blocking receive, and only when `Stop` reports the timer already fired and the program
//! did not take that value (a non-blocking drain is racy before Go 1.23, and `len(t.C)` is always 0
//! after). Receiving the time value (`case t := <-time.After(d):`) keeps working: the timer sends the
//! same `time.Time`.
//! Unsafe (applied with `--unsafe-fixes`) when a case *before* the `time.After` case has an operand with
//! a call other than `.Done()`, `len` or `cap` (`case m := <-sub.Next():`): the original started its
//! timer after that call returned, the rewrite starts it before. Also Unsafe when the duration calls a
//! function and an earlier operand reads a variable that the duration expression mentions: its
//! evaluation moves ahead of that operand. Operands after the `time.After` case never matter.
//!
//! ## Version gating
//! Fires at every Go version. Below Go 1.23 (`G_rt`, the oldest runtime that can build the file) the
//! message calls it a leak; from 1.23 on it names the allocation it saves. The reset sequence is the
//! async-safe one (a `Fired` flag, `Stop`, guarded blocking drain, `Reset`) unless `G_rt` >= 1.27, where
//! timer channels are always synchronous and a plain `Reset` is exact. With `--opt R2.sync-timers=true`
//! the plain `Reset` is also used for 1.23 <= `G_rt` < 1.27 when the module's go line is >= 1.23 and no
//! `godebug` line of go.mod or go.work and no `//go:debug` line in the module sets `asynctimerchan` to
//! a non-zero value or `default` to go1.22 or older (a `GODEBUG` variable at run time can still do so:
//! that residual risk is why the option is off by default).
//!
//! ## When it is reported without a fix
//! From Go 1.23 (`G_rt`) on, the timers are collected, so the rewrite saves one allocation per iteration.
//! In test code (a `_test.go` file, a test-helper package such as `testutil` or `e2e`, a file importing a
//! test framework: the engine's `context` fact) and in a sleep-or-quit loop (it only repeats after its
//! timer fires, every other case leaves it) that is not worth a diff by default: the finding is low
//! priority and says why the fix is withheld. With `--profile`, a profile that has samples in the
//! enclosing function brings the fix back.
//!
//! ## When it does not fire
//! - The `time.After` result is held in a variable (a deadline for the whole loop), passed, returned or
//!   received outside a `select` case.
//! - The `select` is not inside a `for` of the same function (a `select` in a `go func() { ... }()` in
//!   the loop would share one timer between goroutines).
//! - The `select` has a `default` case, or more than one `time.After`/`time.Tick` case.
//! - A case before the `time.After` case evaluates a receive (`case out <- <-in:`) or a function literal.
//! - The function contains a `goto`.
//! - `time` is not the standard library package here: dot import, a local variable, parameter or
//!   declaration named like the import, or a look-alike such as a fake clock's `clock.After`.
//! - `time.Tick` whose duration is not a constant greater than zero (`time.Tick(d <= 0)` returns a nil
//!   channel that never fires, a timer would fire at once).
//! - The `select`, its `for`, or the case header do not start their lines, or the duration spans lines
//!   or carries comments (the moved text could not stay gofmt-clean).
//!
//! ## Options
//! `--opt R2.sync-timers=true`: emit the plain-`Reset` shape for 1.23 <= `G_rt` < 1.27 (see above).
//!
//! ## References
//! `time.NewTimer`, `Timer.Stop` and `Timer.Reset` docs (`src/time/sleep.go`); Go 1.23 release notes,
//! "Timer changes"; the `asynctimerchan` setting in the GODEBUG documentation (`doc/godebug.md`);
//! go.dev/issue/37196 (the pre-1.23 drain race).

use crate::read::gomod::Module;
use crate::read::syntax::{self, indent_at, line_end_incl, line_start, named_children};
use crate::read::version::GoVersion;
use crate::rules::fix::{Applicability, Edit, Fix, TextRange};
use crate::rules::rewrite::indent_lines;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::constant;
use std::collections::HashSet;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R2",
        name: "time-after-in-loop",
        summary: "time.After / time.Tick in a loop's select creates a timer per iteration",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &[".After(", ".Tick("],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[(
            "sync-timers",
            "true: a plain Reset also for runtimes 1.23 to 1.26 when no godebug setting brings back async timer channels",
        )],
    },
    source: include_str!("time_after_in_loop.rs"),
    query: QUERY,
    run,
    precheck: imports_time,
    other_files: None,
};

/// Both calls need the standard `time` import, so the file spells its path.
fn imports_time(bytes: &[u8], _: &Module) -> bool {
    crate::semantic::prefilter::calls(bytes, "time", &["After", "Tick"])
        && memchr::memmem::find(bytes, b"select").is_some()
}

/// A call `pkg.After(arg)` / `pkg.Tick(arg)`; everything else (the package, the case position) is checked
/// in `run`.
const QUERY: &str = r#"(call_expression
  function: (selector_expression
    operand: (identifier)
    field: (field_identifier) @fn)
  arguments: (argument_list . (_) @dur .)
  (#any-of? @fn "After" "Tick")) @match"#;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    After,
    Tick,
}

/// A `time.After`/`time.Tick` call that is the operand of a select case's receive.
struct Site<'t> {
    case: Node<'t>,
    call: Node<'t>,
    arg: Node<'t>,
    kind: Kind,
    /// The local name of the `time` import.
    time: String,
}

/// Everything about a firing site except the fresh names.
struct Plan<'t> {
    site: Site<'t>,
    /// The outermost function around the site: the scope of fresh names.
    scope: Node<'t>,
    /// Where the timer declaration and the reset sequence go, with their indentation.
    decl_at: (usize, String),
    reset_at: (usize, String),
    /// Offset just past the case header's line, and the indentation of the case body.
    case_body_at: (usize, String),
    /// The duration can be evaluated before the loop: Shape A, else Shape B (§2.3).
    shape_a: bool,
    sync: bool,
    applicability: Applicability,
    /// The sleep-or-quit loop of the owner's decisions.
    low_priority: bool,
    /// Why the fix needs review, for its title.
    review: Option<String>,
}

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let call = m.node("match")?;
    let site = site_of_call(cx, call)?;
    let plan = make_plan(cx, site)?;
    let (timer, fired) = names_for(cx, &plan);
    let fix = build_fix(cx, &plan, &timer, &fired);
    let message = message(cx, &plan);
    let cold = not_worth_a_diff(cx, &plan);
    let d = cx.report(TextRange::of(plan.site.call), message);
    d.low_priority = plan.low_priority || cold.is_some();
    match cold {
        Some(why) => {
            d.withhold(why);
        }
        None => d.fix = Some(fix),
    }
    Some(())
}

/// The issue's R2 noise: from Go 1.23 on the timers are collected, so the rewrite saves one allocation per
/// iteration. In test code (the engine's `context` fact) or in a sleep-or-quit loop that only repeats
/// after the timer fires, that is not worth a diff by default; a CPU profile with samples in the function
/// says otherwise.
fn not_worth_a_diff(cx: &Ctx<'_>, plan: &Plan<'_>) -> Option<String> {
    if cx.file().versions.rt < GoVersion(23) {
        return None;
    }
    let role = crate::semantic::context::file_role(cx.pkg, cx.file());
    let why = match role {
        Some(r) => format!(
            "at Go >= 1.23 the timers are collected, and in {} one allocation per iteration is not worth a diff",
            r.describe()
        ),
        None if plan.low_priority => "at Go >= 1.23 the timers are collected, and this loop only repeats after its timer fires (every other case leaves it), so one allocation per iteration is not worth a diff".to_string(),
        None => return None,
    };
    if let Some(p) = cx.options.profile.as_deref()
        && crate::semantic::profile::heat_of(p, cx.pkg, cx.file_idx, plan.site.call.start_byte())
            .cum
            > 0.0
    {
        return None;
    }
    Some(format!(
        "{why} (a CPU profile showing this function brings it back)"
    ))
}

/// §2.4.1: `call` is exactly the operand of `case [lhs :=|=] <-call:` and calls the standard library's
/// `time.After` (or `time.Tick` with a constant duration > 0, §2.5).
fn site_of_call<'t>(cx: &Ctx<'_>, call: Node<'t>) -> Option<Site<'t>> {
    let file = cx.file();
    let src = cx.src();
    if call.kind() != "call_expression" || call.child_by_field_name("type_arguments").is_some() {
        return None;
    }
    let unary = call.parent().filter(|p| p.kind() == "unary_expression")?;
    if unary
        .child_by_field_name("operator")
        .map(|o| syntax::text(o, src))
        != Some("<-")
    {
        return None;
    }
    let recv = unary.parent().filter(|p| p.kind() == "receive_statement")?;
    if recv.child_by_field_name("right")?.id() != unary.id() {
        return None;
    }
    let case = recv.parent().filter(|p| p.kind() == "communication_case")?;
    let func = call.child_by_field_name("function")?;
    let kind = match syntax::text(func.child_by_field_name("field")?, src) {
        "After" => Kind::After,
        "Tick" => Kind::Tick,
        _ => return None,
    };
    // §0.3 / must-not-fire: the qualifier is the standard `time` import, not shadowed, not a dot import,
    // not a fake clock.
    let pkg = func.child_by_field_name("operand")?;
    if !file.names_package(pkg, "time") {
        return None;
    }
    // §2.4.7: one argument expression, no comments inside the parentheses, on one line (moved verbatim).
    let args = call.child_by_field_name("arguments")?;
    let mut cursor = args.walk();
    let children: Vec<Node<'t>> = args.named_children(&mut cursor).collect();
    let [arg] = children.as_slice() else {
        return None;
    };
    if arg.kind() == "variadic_argument" || syntax::text(*arg, src).contains('\n') {
        return None;
    }
    // §2.5: `time.Tick(d)` only with a constant d > 0 (Tick returns nil for d <= 0, a timer fires at once).
    if kind == Kind::Tick && !constant::value(cx.pkg, cx.file_idx, *arg).is_some_and(|v| v.v > 0.0)
    {
        return None;
    }
    Some(Site {
        case,
        call,
        arg: *arg,
        kind,
        time: syntax::text(pkg, src).to_string(),
    })
}

/// Is `case` a select case whose operand is a `time.After`/`time.Tick` call, whatever its argument?
fn is_timer_case(cx: &Ctx<'_>, case: Node<'_>) -> bool {
    let src = cx.src();
    let Some(right) = case
        .child_by_field_name("communication")
        .filter(|c| c.kind() == "receive_statement")
        .and_then(|r| r.child_by_field_name("right"))
    else {
        return false;
    };
    let Some(call) = strip_parens(right)
        .child_by_field_name("operand")
        .map(strip_parens)
    else {
        return false;
    };
    let Some(f) = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
    else {
        return false;
    };
    call.kind() == "call_expression"
        && f.child_by_field_name("field")
            .is_some_and(|n| matches!(syntax::text(n, src), "After" | "Tick"))
        && f.child_by_field_name("operand")
            .is_some_and(|o| cx.file().names_package(o, "time"))
}

fn strip_parens(mut n: Node<'_>) -> Node<'_> {
    while n.kind() == "parenthesized_expression" {
        match named_children(n).first() {
            Some(inner) => n = *inner,
            None => break,
        }
    }
    n
}

/// Checks every remaining precondition of §2.4 and decides shape, mode, applicability and priority.
fn make_plan<'t>(cx: &Ctx<'_>, site: Site<'t>) -> Option<Plan<'t>> {
    let src = cx.src();
    let select = site
        .case
        .parent()
        .filter(|p| p.kind() == "select_statement")?;
    let clauses = named_children(select);
    // §2.4.4: no `default` case (with one, the timer case is effectively dead; leave it alone).
    if clauses.iter().any(|c| c.kind() == "default_case") {
        return None;
    }
    // §2.4.3: exactly one time.After / time.Tick case in this select.
    if clauses.iter().filter(|c| is_timer_case(cx, **c)).count() != 1 {
        return None;
    }
    // §2.4.2: the innermost `for` around the select is in the same function (enclosing_loop stops at
    // function literals); no loop there means no accumulation (§2.5's non-loop rule is not implemented).
    let for_stmt = syntax::enclosing_loop(select)?;
    let scope = outermost_function(select)?;
    // §2.4.6: no goto anywhere in the function (a jump over the declaration does not compile; one onto the
    // select would skip the reset).
    if contains_kind(scope, "goto_statement") {
        return None;
    }
    // Placement (§2.3): both statements sit in statement lists and start their lines; labels stay with
    // their statements, so the inserted lines go above the label (and above a comment block attached to it).
    let decl_at = insertion_point(src, for_stmt)?;
    let reset_at = insertion_point(src, select)?;
    let case_body_at = case_body_point(src, site.case)?;
    // §2.4.5 with the owner's decision: only operands evaluated before the timer operand matter.
    let mut applicability = Applicability::Safe;
    let mut review = None;
    let earlier = earlier_operands(&clauses, site.case);
    for op in &earlier {
        match classify_operand(src, *op) {
            Operand::Pure => {}
            Operand::Call => {
                if review.is_none() {
                    review = Some(format!(
                        "the timer now starts before `{}` is evaluated",
                        one_line(syntax::text(*op, src))
                    ));
                }
                applicability = Applicability::Unsafe;
            }
            Operand::Reject => return None,
        }
    }
    // The duration's own evaluation moves ahead of the earlier operands; a call in it could change what
    // they read when they share a variable.
    if !syntax::is_pure_expr(site.arg, src) {
        let mentioned = syntax::identifiers(site.arg, src);
        let shared = earlier.iter().any(|op| {
            let mut hit = false;
            syntax::walk(*op, &mut |n| {
                hit |= n.kind() == "identifier" && mentioned.contains(syntax::text(n, src))
            });
            hit
        });
        if shared {
            applicability = Applicability::Unsafe;
            review.get_or_insert_with(|| {
                format!(
                    "`{}` is now evaluated before the earlier case operands",
                    syntax::text(site.arg, src)
                )
            });
        }
    }
    let shape_a = evaluable_before_loop(cx, site.arg, for_stmt, scope, 0);
    let rt = cx.file().versions.rt;
    let sync = rt >= GoVersion(27)
        || (rt >= GoVersion(23) && cx.options.flag("R2", "sync-timers") && sync_opt_allowed(cx));
    // Owner's decision: sleep-or-quit loops never pile timers up (tickers before 1.23 do: never collected).
    let leaks_anyway = site.kind == Kind::Tick && rt < GoVersion(23);
    let low_priority = !leaks_anyway && sleep_or_quit(src, &clauses, site.case, for_stmt);
    Some(Plan {
        site,
        scope,
        decl_at,
        reset_at,
        case_body_at,
        shape_a,
        sync,
        applicability,
        low_priority,
        review,
    })
}

/// The outermost function (declaration, method or literal) containing `node`: fresh names and `goto`
/// are checked over all of it.
fn outermost_function(node: Node<'_>) -> Option<Node<'_>> {
    syntax::ancestors(node)
        .filter(|n| syntax::is_function(*n))
        .last()
}

fn contains_kind(node: Node<'_>, kind: &str) -> bool {
    let mut found = false;
    syntax::walk(node, &mut |n| found |= n.kind() == kind);
    found
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where lines inserted before `stmt` go: above its labels and above the `//` comment lines directly on
/// top of them; indented like the statement itself (gofmt outdents labels). `None` when the statement is
/// not in a statement list or does not start its line.
fn insertion_point(src: &str, stmt: Node<'_>) -> Option<(usize, String)> {
    let outer = syntax::with_label(stmt);
    if outer.parent().is_none_or(|p| p.kind() != "statement_list") {
        return None;
    }
    let starts_line = |n: Node<'_>| {
        src[line_start(src, n.start_byte())..n.start_byte()]
            .trim()
            .is_empty()
    };
    let mut labeled = stmt;
    while labeled.id() != outer.id() {
        if !starts_line(labeled) {
            return None;
        }
        labeled = labeled.parent()?;
    }
    if !starts_line(outer) {
        return None;
    }
    let mut at = line_start(src, outer.start_byte());
    while at > 0 {
        let prev = line_start(src, at - 1);
        if !src[prev..at].trim_start().starts_with("//") {
            break;
        }
        at = prev;
    }
    Some((at, indent_at(src, stmt.start_byte()).to_string()))
}

/// Offset of the line after the case header `case ...:` and the indentation of the case body. The header
/// must start its line and end it (a trailing `//` comment is fine).
fn case_body_point(src: &str, case: Node<'_>) -> Option<(usize, String)> {
    let mut cursor = case.walk();
    let colon = case.children(&mut cursor).find(|c| c.kind() == ":")?;
    if !src[line_start(src, case.start_byte())..case.start_byte()]
        .trim()
        .is_empty()
    {
        return None;
    }
    let end = line_end_incl(src, colon.end_byte());
    let rest = src[colon.end_byte()..end].trim();
    if !(rest.is_empty() || rest.starts_with("//")) || !src[..end].ends_with('\n') {
        return None;
    }
    Some((end, format!("{}\t", indent_at(src, case.start_byte()))))
}

/// The channel operands and send values of the cases before `timer_case`, in source order.
fn earlier_operands<'t>(clauses: &[Node<'t>], timer_case: Node<'t>) -> Vec<Node<'t>> {
    let mut out = vec![];
    for c in clauses {
        if c.id() == timer_case.id() {
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
                    let right = strip_parens(right);
                    let is_recv = right.kind() == "unary_expression"
                        && right.child(0).is_some_and(|o| o.kind() == "<-");
                    out.push(if is_recv {
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

enum Operand {
    /// Identifiers, selectors, index expressions, literals, `len`/`cap`, `x.Done()`.
    Pure,
    /// Contains another call: evaluating it takes time and may have effects.
    Call,
    /// Blocks (a receive) or is too unusual to reason about.
    Reject,
}

fn classify_operand(src: &str, op: Node<'_>) -> Operand {
    if syntax::is_pure_expr(op, src) || syntax::is_done_call(op, src) {
        return Operand::Pure;
    }
    let mut blocks = false;
    syntax::walk(op, &mut |n| {
        let recv = n.kind() == "unary_expression" && n.child(0).is_some_and(|o| o.kind() == "<-");
        blocks |= recv || n.kind() == "func_literal";
    });
    if blocks {
        Operand::Reject
    } else {
        Operand::Call
    }
}

/// Shape A (§2.3): `d` can be evaluated once more before the loop with no effect and no possible panic,
/// and every name in it is declared outside the loop. Identifiers, literals, package-qualified names,
/// `+ - *`, division by a non-zero constant and `time.Duration(...)` conversions qualify; field reads
/// through variables (maybe nil pointers), indexes and calls do not.
fn evaluable_before_loop(
    cx: &Ctx<'_>,
    d: Node<'_>,
    for_stmt: Node<'_>,
    scope: Node<'_>,
    depth: u32,
) -> bool {
    let src = cx.src();
    let file = cx.file();
    if depth > 16 {
        return false;
    }
    let rec = |n: Node<'_>| evaluable_before_loop(cx, n, for_stmt, scope, depth + 1);
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
                "/" | "%" => {
                    rec(l) && constant::value(cx.pkg, cx.file_idx, r).is_some_and(|v| v.v != 0.0)
                }
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

/// Owner's decision: every case other than the timer's ends by leaving the loop (return, panic, a labeled
/// break or continue to a statement outside it), so the loop only repeats after the timer fired.
fn sleep_or_quit(
    src: &str,
    clauses: &[Node<'_>],
    timer_case: Node<'_>,
    for_stmt: Node<'_>,
) -> bool {
    clauses
        .iter()
        .filter(|c| c.id() != timer_case.id())
        .all(|c| {
            syntax::case_statements(*c)
                .last()
                .is_some_and(|last| leaves_loop(src, *last, for_stmt))
        })
}

fn leaves_loop(src: &str, stmt: Node<'_>, for_stmt: Node<'_>) -> bool {
    match stmt.kind() {
        "return_statement" => true,
        "expression_statement" => named_children(stmt).first().is_some_and(|c| {
            c.kind() == "call_expression"
                && c.child_by_field_name("function")
                    .is_some_and(|f| f.kind() == "identifier" && syntax::text(f, src) == "panic")
        }),
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

/// The timer and flag names for this site: fresh in the whole function, and different from the names
/// that every earlier firing site of the same function takes in this pass (two fixes may apply together).
fn names_for(cx: &Ctx<'_>, plan: &Plan<'_>) -> (String, String) {
    let mut taken = HashSet::new();
    let mut earlier = vec![];
    syntax::walk(plan.scope, &mut |n| {
        if n.kind() == "call_expression" && n.start_byte() < plan.site.call.start_byte() {
            earlier.push(n);
        }
    });
    for call in earlier {
        if let Some(p) = site_of_call(cx, call).and_then(|s| make_plan(cx, s)) {
            let (t, f) = pick_names(cx, &p, &taken);
            taken.insert(t);
            taken.insert(f);
        }
    }
    pick_names(cx, plan, &taken)
}

fn pick_names(cx: &Ctx<'_>, plan: &Plan<'_>, taken: &HashSet<String>) -> (String, String) {
    let base = name_base(cx, plan.site.arg);
    let timer = match &base {
        Some(b) => cx.fresh_name(plan.scope, &format!("{b}Timer"), taken),
        None => cx.fresh_name(plan.scope, "timer", taken),
    };
    let mut taken2 = taken.clone();
    taken2.insert(timer.clone());
    let fired = cx.fresh_name(
        plan.scope,
        &format!("{}Fired", base.as_deref().unwrap_or("timer")),
        &taken2,
    );
    (timer, fired)
}

/// The name a duration suggests: `idle` → `idle`, `s.cfg.IdleTimeout` → `idleTimeout`, `backoff * 2` →
/// `backoff`, `time.Duration(n) * time.Second` → `n`; `None` for pure constants like `5 * time.Second`.
fn name_base(cx: &Ctx<'_>, d: Node<'_>) -> Option<String> {
    let src = cx.src();
    let file = cx.file();
    let is_constish = |n: Node<'_>| {
        matches!(n.kind(), "int_literal" | "float_literal")
            || (n.kind() == "selector_expression"
                && n.child_by_field_name("operand")
                    .is_some_and(|o| file.names_package(o, "time")))
    };
    let d = strip_parens(d);
    let name = match d.kind() {
        "identifier" => syntax::text(d, src).to_string(),
        "selector_expression" if !is_constish(d) => {
            syntax::text(d.child_by_field_name("field")?, src).to_string()
        }
        "binary_expression" => {
            let l = strip_parens(d.child_by_field_name("left")?);
            let r = strip_parens(d.child_by_field_name("right")?);
            return match (is_constish(l), is_constish(r)) {
                (true, false) => name_base(cx, r),
                (false, true) => name_base(cx, l),
                _ => None,
            };
        }
        "call_expression" if constant::is_time_duration(file, d) => {
            return name_base(
                cx,
                *named_children(d.child_by_field_name("arguments")?).first()?,
            );
        }
        _ => return None,
    };
    if name == "_" {
        return None;
    }
    Some(lower_camel(&name))
}

/// `IdleTimeout` → `idleTimeout`, `TTL` → `ttl`, `HTTPTimeout` → `httpTimeout`.
fn lower_camel(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let upper = chars.iter().take_while(|c| c.is_uppercase()).count();
    let cut = if upper > 1 && upper < chars.len() && chars[upper].is_lowercase() {
        upper - 1
    } else {
        upper
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < cut {
                c.to_lowercase().next().unwrap_or(*c)
            } else {
                *c
            }
        })
        .collect()
}

fn build_fix(cx: &Ctx<'_>, plan: &Plan<'_>, timer: &str, fired: &str) -> Fix {
    let src = cx.src();
    let d = syntax::text(plan.site.arg, src);
    let time = &plan.site.time;
    let mut decl = String::new();
    let mut reset = String::new();
    match (plan.shape_a, plan.sync) {
        (true, false) => {
            decl.push_str(&format!(
                "{timer} := {time}.NewTimer({d})\n{fired} := false\n"
            ));
            reset.push_str(&format!(
                "if !{timer}.Stop() && !{fired} {{\n\t<-{timer}.C\n}}\n{timer}.Reset({d})\n{fired} = false\n"
            ));
        }
        (true, true) => {
            decl.push_str(&format!("{timer} := {time}.NewTimer({d})\n"));
            reset.push_str(&format!("{timer}.Reset({d})\n"));
        }
        (false, false) => {
            decl.push_str(&format!("var {timer} *{time}.Timer\n{fired} := false\n"));
            reset.push_str(&format!(
                "if {timer} == nil {{\n\t{timer} = {time}.NewTimer({d})\n}} else {{\n\tif !{timer}.Stop() && !{fired} {{\n\t\t<-{timer}.C\n\t}}\n\t{timer}.Reset({d})\n}}\n{fired} = false\n"
            ));
        }
        (false, true) => {
            decl.push_str(&format!("var {timer} *{time}.Timer\n"));
            reset.push_str(&format!(
                "if {timer} == nil {{\n\t{timer} = {time}.NewTimer({d})\n}} else {{\n\t{timer}.Reset({d})\n}}\n"
            ));
        }
    }
    let mode = if plan.sync {
        "plain Reset: timer channels are synchronous"
    } else {
        "async-safe reset"
    };
    let mut title = format!("reuse one `time.Timer` ({timer}) declared before the loop ({mode})");
    if let Some(r) = &plan.review {
        title.push_str(&format!("; review: {r}"));
    }
    let fi = cx.file_idx;
    let mut fix = Fix::new(title, plan.applicability)
        .edit(
            fi,
            Edit::insert(plan.decl_at.0, indent_lines(&decl, &plan.decl_at.1)),
        )
        .edit(
            fi,
            Edit::insert(plan.reset_at.0, indent_lines(&reset, &plan.reset_at.1)),
        )
        .edit(
            fi,
            Edit::replace(TextRange::of(plan.site.call), format!("{timer}.C")),
        );
    if !plan.sync {
        let (at, indent) = &plan.case_body_at;
        fix = fix.edit(fi, Edit::insert(*at, format!("{indent}{fired} = true\n")));
    }
    fix
}

fn message(cx: &Ctx<'_>, plan: &Plan<'_>) -> String {
    let rt = cx.file().versions.rt;
    let time = &plan.site.time;
    match (plan.site.kind, rt < GoVersion(23), plan.low_priority) {
        (Kind::After, true, false) => format!(
            "`{time}.After` in this loop's select starts a new timer on every iteration, and before Go 1.23 each one leaks until it fires; reuse one `time.Timer`"
        ),
        (Kind::After, true, true) => format!(
            "`{time}.After` in this loop's select allocates a timer on every iteration; every other case leaves the loop, so they do not pile up, but one reused `time.Timer` saves the allocation"
        ),
        (Kind::After, false, _) => format!(
            "`{time}.After` in this loop's select allocates a new timer and channel on every iteration; one reused `time.Timer` saves that allocation"
        ),
        (Kind::Tick, true, _) => format!(
            "`{time}.Tick` in this loop's select starts a new ticker on every iteration, and before Go 1.23 tickers are never collected, so each one leaks; reuse one `time.Timer` (a new ticker's first tick comes after the same delay)"
        ),
        (Kind::Tick, false, _) => format!(
            "`{time}.Tick` in this loop's select allocates a new ticker and channel on every iteration; one reused `time.Timer` saves that allocation (a new ticker's first tick comes after the same delay)"
        ),
    }
}

/// §2.2 opt-in: the plain-Reset shape below 1.27 only when the module's go line (and a go.work's, in
/// workspace mode) is >= 1.23 and nothing in the module (go.mod, go.work, `//go:debug` lines) asks for
/// asynchronous timer channels.
fn sync_opt_allowed(cx: &Ctx<'_>) -> bool {
    let module = &cx.pkg.module;
    if cx.file().versions.module < GoVersion(23)
        || module.work_go.is_some_and(|g| g < GoVersion(23))
        || godebug_forces_async(&module.godebug)
        || godebug_forces_async(&module.work_godebug)
    {
        return false;
    }
    // Without a go.mod there is no go line to opt in with.
    module.root.is_some() && !godebug_forces_async(module.facts().go_debug_settings())
}

/// `asynctimerchan` set to anything but 0, or `default` at go1.22 or older.
fn godebug_forces_async(settings: &[(String, String)]) -> bool {
    settings.iter().any(|(k, v)| match k.as_str() {
        "asynctimerchan" => v.trim() != "0",
        "default" => GoVersion::parse(v).is_none_or(|g| g < GoVersion(23)),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::TRANSFORM;
    use crate::run::engine::RunOutcome;
    use crate::run::settings::Mode;
    use crate::testing::{changed_text, check_fix, check_fix_go, check_no_fix, run_one, run_tree};

    /// Wraps a function body (tab-indented once) in a file that imports time.
    fn file(body: &str) -> String {
        format!("package m\n\nimport \"time\"\n\n{body}")
    }

    /// Runs with a custom go.mod and `--opt` values; returns the fixed x.go and the outcome.
    fn run_with(gomod: &str, opts: &[(&str, &str)], src: &str) -> (String, RunOutcome) {
        let (_dir, out) = run_tree(
            &TRANSFORM,
            &[("go.mod", gomod), ("x.go", src)],
            Mode::DryRun,
            false,
            opts,
        );
        (changed_text(&out, "x.go", src), out)
    }

    /// The findings of a check-mode run (dry runs report what remains after fixing).
    fn findings(go: &str, src: &str) -> Vec<crate::run::apply::Finding> {
        crate::testing::findings(&TRANSFORM, go, src)
    }

    const IDLE_LOOP: &str = "func f(in chan int, idle time.Duration) {\n\tfor {\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\t_ = v\n\t\tcase <-time.After(idle):\n\t\t\treturn\n\t\t}\n\t}\n}\n";

    #[test]
    fn doc_example_round_trips() {
        let doc = crate::catalog::docs::doc(&TRANSFORM);
        let example = crate::catalog::docs::go_block(&doc, "## Example").expect("example");
        let use_instead =
            crate::catalog::docs::go_block(&doc, "## Use instead").expect("use instead");
        check_fix(&TRANSFORM, &example, &use_instead);
    }

    #[test]
    fn shape_a_async_below_1_23_is_a_leak() {
        let (fixed, _) = run_one(&TRANSFORM, "1.22", &file(IDLE_LOOP), false);
        assert_eq!(
            fixed,
            file(
                "func f(in chan int, idle time.Duration) {\n\tidleTimer := time.NewTimer(idle)\n\tidleFired := false\n\tfor {\n\t\tif !idleTimer.Stop() && !idleFired {\n\t\t\t<-idleTimer.C\n\t\t}\n\t\tidleTimer.Reset(idle)\n\t\tidleFired = false\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\t_ = v\n\t\tcase <-idleTimer.C:\n\t\t\tidleFired = true\n\t\t\treturn\n\t\t}\n\t}\n}\n"
            )
        );
        let f = &findings("1.22", &file(IDLE_LOOP))[0];
        assert!(f.message.contains("leak"), "{}", f.message);
        assert!(!f.low_priority);
    }

    #[test]
    fn at_1_23_the_message_names_the_allocation_not_a_leak() {
        let (fixed, _) = run_one(&TRANSFORM, "1.23", &file(IDLE_LOOP), false);
        assert!(
            fixed.contains("idleFired = true"),
            "1.23 still uses the async-safe shape"
        );
        let msg = &findings("1.23", &file(IDLE_LOOP))[0].message;
        assert!(!msg.contains("leak") && msg.contains("allocation"), "{msg}");
    }

    #[test]
    fn sync_shape_at_1_27() {
        check_fix_go(
            &TRANSFORM,
            "1.27",
            &file(IDLE_LOOP),
            &file(
                "func f(in chan int, idle time.Duration) {\n\tidleTimer := time.NewTimer(idle)\n\tfor {\n\t\tidleTimer.Reset(idle)\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\t_ = v\n\t\tcase <-idleTimer.C:\n\t\t\treturn\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn sync_opt_in_respects_godebug() {
        let src = file(IDLE_LOOP);
        let opt = [("R2.sync-timers", "true")];
        let (fixed, _) = run_with("module m\n\ngo 1.24\n", &opt, &src);
        assert!(
            !fixed.contains("Fired"),
            "opt-in gives the sync shape:\n{fixed}"
        );
        let (fixed, _) = run_with(
            "module m\n\ngo 1.24\n\ngodebug asynctimerchan=1\n",
            &opt,
            &src,
        );
        assert!(
            fixed.contains("idleFired"),
            "godebug override keeps the async-safe shape"
        );
        let (fixed, _) = run_with(
            "module m\n\ngo 1.24\n\ngodebug default=go1.22\n",
            &opt,
            &src,
        );
        assert!(fixed.contains("idleFired"));
        let (fixed, _) = run_with("module m\n\ngo 1.22\n", &opt, &src);
        assert!(
            fixed.contains("idleFired"),
            "below 1.23 the option does nothing"
        );
        let (fixed, _) = run_with("module m\n\ngo 1.24\n", &[], &src);
        assert!(fixed.contains("idleFired"), "off by default");
    }

    #[test]
    fn sync_opt_in_respects_go_work_and_go_debug_lines() {
        let run = |files: &[(&str, &str)]| {
            let (_dir, out) = run_tree(
                &TRANSFORM,
                files,
                Mode::DryRun,
                false,
                &[("R2.sync-timers", "true")],
            );
            assert_eq!(out.changes.len(), 1, "a change");
            changed_text(&out, "x.go", "")
        };
        let src = file(IDLE_LOOP);
        let gomod = "module m\n\ngo 1.24\n";
        let fixed = run(&[
            (
                "go.work",
                "go 1.24\n\ngodebug asynctimerchan=1\n\nuse ./m\n",
            ),
            ("m/go.mod", gomod),
            ("m/x.go", &src),
        ]);
        assert!(
            fixed.contains("idleFired"),
            "go.work godebug keeps the async-safe shape"
        );
        let fixed = run(&[
            ("go.work", "go 1.22\n\nuse ./m\n"),
            ("m/go.mod", gomod),
            ("m/x.go", &src),
        ]);
        assert!(
            fixed.contains("idleFired"),
            "a go 1.22 workspace runs async timers"
        );
        let main = "//go:debug asynctimerchan=1\n\npackage main\n\nfunc main() {}\n";
        let fixed = run(&[("go.mod", gomod), ("x.go", &src), ("cmd/app/main.go", main)]);
        assert!(
            fixed.contains("idleFired"),
            "a //go:debug line keeps the async-safe shape"
        );
        let fixed = run(&[("go.mod", gomod), ("x.go", &src)]);
        assert!(!fixed.contains("idleFired"));
    }

    #[test]
    fn shape_b_for_a_duration_computed_in_the_loop() {
        check_fix(
            &TRANSFORM,
            &file(
                "func f(ctx interface{ Done() <-chan struct{} }, next func(int) time.Duration) {\n\tfor attempt := 0; ; attempt++ {\n\t\twait := next(attempt)\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-time.After(wait):\n\t\t}\n\t}\n}\n",
            ),
            &file(
                "func f(ctx interface{ Done() <-chan struct{} }, next func(int) time.Duration) {\n\tvar waitTimer *time.Timer\n\twaitFired := false\n\tfor attempt := 0; ; attempt++ {\n\t\twait := next(attempt)\n\t\tif waitTimer == nil {\n\t\t\twaitTimer = time.NewTimer(wait)\n\t\t} else {\n\t\t\tif !waitTimer.Stop() && !waitFired {\n\t\t\t\t<-waitTimer.C\n\t\t\t}\n\t\t\twaitTimer.Reset(wait)\n\t\t}\n\t\twaitFired = false\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-waitTimer.C:\n\t\t\twaitFired = true\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn field_through_a_pointer_is_shape_b() {
        let src = file(
            "type s struct{ idle time.Duration }\n\nfunc (x *s) f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(x.idle):\n\t\t}\n\t}\n}\n",
        );
        let (fixed, _) = run_one(&TRANSFORM, "1.27", &src, false);
        assert!(
            fixed.contains("var idleTimer *time.Timer")
                && fixed.contains("idleTimer = time.NewTimer(x.idle)"),
            "{fixed}"
        );
    }

    #[test]
    fn shadowed_time_does_not_fire() {
        check_no_fix(
            &TRANSFORM,
            &file(
                "func f(in chan int) {\n\ttime := struct{ After func(int) chan int }{}\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(1):\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn dot_import_does_not_fire() {
        check_no_fix(
            &TRANSFORM,
            "package m\n\nimport . \"time\"\n\nfunc f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-After(Second):\n\t\t}\n\t}\n}\n",
        );
    }

    #[test]
    fn aliased_import_uses_its_name() {
        let src = "package m\n\nimport tm \"time\"\n\nfunc f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-tm.After(tm.Second):\n\t\t}\n\t}\n}\n";
        let (fixed, _) = run_one(&TRANSFORM, "1.22", src, false);
        assert!(
            fixed.contains("timer := tm.NewTimer(tm.Second)")
                && fixed.contains("timer.Reset(tm.Second)"),
            "{fixed}"
        );
    }

    #[test]
    fn goto_in_the_function_does_not_fire() {
        check_no_fix(
            &TRANSFORM,
            &file(
                "func f(in chan int) {\n\tn := 0\nagain:\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(time.Second):\n\t\t\tn++\n\t\t\tif n < 3 {\n\t\t\t\tgoto again\n\t\t\t}\n\t\t\treturn\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn default_case_does_not_fire() {
        check_no_fix(
            &TRANSFORM,
            &file(
                "func f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(time.Second):\n\t\tdefault:\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn two_timer_cases_do_not_fire() {
        check_no_fix(
            &TRANSFORM,
            &file(
                "func f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(time.Second):\n\t\tcase <-time.After(time.Minute):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn func_literal_between_loop_and_select_does_not_fire() {
        check_no_fix(
            &TRANSFORM,
            &file(
                "func f(in chan int) {\n\tfor i := 0; i < 3; i++ {\n\t\tgo func() {\n\t\t\tselect {\n\t\t\tcase <-in:\n\t\t\tcase <-time.After(time.Second):\n\t\t\t}\n\t\t}()\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn loop_inside_a_func_literal_fires_inside_it() {
        let (fixed, _) = run_one(
            &TRANSFORM,
            "1.27",
            &file(
                "func f(in chan int) {\n\tgo func() {\n\t\tfor {\n\t\t\tselect {\n\t\t\tcase <-in:\n\t\t\tcase <-time.After(time.Second):\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}()\n}\n",
            ),
            false,
        );
        assert!(fixed.contains("\tgo func() {\n\t\ttimer := time.NewTimer(time.Second)\n\t\tfor {\n\t\t\ttimer.Reset(time.Second)\n"), "{fixed}");
    }

    #[test]
    fn labeled_loop_and_labeled_select() {
        check_fix_go(
            &TRANSFORM,
            "1.27",
            &file(
                "func f(in chan int, d time.Duration) {\nouter:\n\tfor {\n\twait:\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\tif v == 0 {\n\t\t\t\tbreak outer\n\t\t\t}\n\t\t\tbreak wait\n\t\tcase <-time.After(d):\n\t\t\tcontinue outer\n\t\t}\n\t}\n}\n",
            ),
            &file(
                "func f(in chan int, d time.Duration) {\n\tdTimer := time.NewTimer(d)\nouter:\n\tfor {\n\t\tdTimer.Reset(d)\n\twait:\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\tif v == 0 {\n\t\t\t\tbreak outer\n\t\t\t}\n\t\t\tbreak wait\n\t\tcase <-dTimer.C:\n\t\t\tcontinue outer\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn select_nested_in_if_gets_the_reset_in_place() {
        check_fix_go(
            &TRANSFORM,
            "1.27",
            &file(
                "func f(in chan int, busy func() bool) {\n\tfor {\n\t\tif busy() {\n\t\t\t// wait a little\n\t\t\tselect {\n\t\t\tcase <-in:\n\t\t\tcase <-time.After(10 * time.Millisecond):\n\t\t\t}\n\t\t}\n\t}\n}\n",
            ),
            &file(
                "func f(in chan int, busy func() bool) {\n\ttimer := time.NewTimer(10 * time.Millisecond)\n\tfor {\n\t\tif busy() {\n\t\t\ttimer.Reset(10 * time.Millisecond)\n\t\t\t// wait a little\n\t\t\tselect {\n\t\t\tcase <-in:\n\t\t\tcase <-timer.C:\n\t\t\t}\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn deadline_outside_loop_does_not_fire() {
        check_no_fix(
            &TRANSFORM,
            &file(
                "func f(in chan int) {\n\tdeadline := time.After(time.Minute)\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-deadline:\n\t\t\treturn\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn fake_clock_does_not_fire() {
        check_no_fix(
            &TRANSFORM,
            &file(
                "type clock interface{ After(time.Duration) <-chan time.Time }\n\nfunc f(in chan int, c clock) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-c.After(time.Second):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn not_in_a_loop_does_not_fire() {
        check_no_fix(
            &TRANSFORM,
            &file(
                "func f(in chan int) int {\n\tselect {\n\tcase v := <-in:\n\t\treturn v\n\tcase <-time.After(time.Second):\n\t\treturn 0\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn call_before_the_timer_case_is_unsafe_after_it_is_safe() {
        let before = file(
            "type sub interface{ Next() <-chan int }\n\nfunc f(s sub) {\n\tfor {\n\t\tselect {\n\t\tcase <-s.Next():\n\t\tcase <-time.After(time.Second):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
        );
        let (safe_only, _) = run_one(&TRANSFORM, "1.22", &before, false);
        assert_eq!(safe_only, before);
        assert_eq!(
            findings("1.22", &before)[0].fix,
            Some(crate::rules::fix::Applicability::Unsafe)
        );
        let (fixed, _) = run_one(&TRANSFORM, "1.22", &before, true);
        assert!(fixed.contains("case <-timer.C:"));
        let after = file(
            "type sub interface{ Next() <-chan int }\n\nfunc f(s sub) {\n\tfor {\n\t\tselect {\n\t\tcase <-time.After(time.Second):\n\t\t\treturn\n\t\tcase <-s.Next():\n\t\t}\n\t}\n}\n",
        );
        let (fixed, _) = run_one(&TRANSFORM, "1.22", &after, false);
        assert!(
            fixed.contains("case <-timer.C:"),
            "a call after the timer case keeps it Safe"
        );
    }

    #[test]
    fn receive_before_the_timer_case_does_not_fire() {
        check_no_fix(
            &TRANSFORM,
            &file(
                "func f(in, out chan int) {\n\tfor {\n\t\tselect {\n\t\tcase out <- <-in:\n\t\tcase <-time.After(time.Second):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn tick_needs_a_positive_constant() {
        let tick = |d: &str| {
            file(&format!(
                "const poll = 2 * time.Second\n\nfunc f(in chan int, n time.Duration) {{\n\tfor {{\n\t\tselect {{\n\t\tcase <-in:\n\t\t\treturn\n\t\tcase <-time.Tick({d}):\n\t\t}}\n\t}}\n}}\n"
            ))
        };
        for d in ["n", "0", "1 / 2 * time.Second", "-time.Second"] {
            check_no_fix(&TRANSFORM, &tick(d));
        }
        let (fixed, _) = run_one(&TRANSFORM, "1.22", &tick("poll"), false);
        assert!(
            fixed.contains("pollTimer := time.NewTimer(poll)"),
            "{fixed}"
        );
        let f = &findings("1.22", &tick("poll"))[0];
        assert!(
            f.message.contains("ticker") && !f.low_priority,
            "tickers leak before 1.23 even here"
        );
        assert!(findings("1.23", &tick("poll"))[0].low_priority);
        let (fixed, _) = run_one(&TRANSFORM, "1.22", &tick("time.Second / 2"), false);
        assert!(
            fixed.contains("timer := time.NewTimer(time.Second / 2)"),
            "{fixed}"
        );
    }

    #[test]
    fn sleep_or_quit_is_low_priority() {
        let src = file(
            "func f(ctx interface{ Done() <-chan struct{} }, work func()) {\n\tfor {\n\t\twork()\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-time.After(time.Second):\n\t\t}\n\t}\n}\n",
        );
        let f = &findings("1.22", &src)[0];
        assert!(
            f.low_priority && !f.message.contains("leak"),
            "{}",
            f.message
        );
        // An unlabeled break only leaves the select: the loop goes on, timers can pile up.
        let src = src.replace("\t\t\treturn\n", "\t\t\tbreak\n");
        assert!(!findings("1.22", &src)[0].low_priority);
    }

    #[test]
    fn fresh_names_avoid_collisions_and_each_other() {
        let src = file(
            "func f(in chan int, idle time.Duration) {\n\tidleTimer := 1\n\t_ = idleTimer\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(idle):\n\t\t\treturn\n\t\t}\n\t}\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(idle):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
        );
        let (fixed, _) = run_one(&TRANSFORM, "1.27", &src, false);
        assert!(
            fixed.contains("idleTimer2 := time.NewTimer(idle)")
                && fixed.contains("idleTimer3 := time.NewTimer(idle)"),
            "{fixed}"
        );
    }

    #[test]
    fn time_value_receive_and_trailing_comment() {
        check_fix(
            &TRANSFORM,
            &file(
                "func f(in chan int, tick func(time.Time)) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase now := <-time.After(time.Second): // heartbeat\n\t\t\ttick(now)\n\t\t}\n\t}\n}\n",
            ),
            &file(
                "func f(in chan int, tick func(time.Time)) {\n\ttimer := time.NewTimer(time.Second)\n\ttimerFired := false\n\tfor {\n\t\tif !timer.Stop() && !timerFired {\n\t\t\t<-timer.C\n\t\t}\n\t\ttimer.Reset(time.Second)\n\t\ttimerFired = false\n\t\tselect {\n\t\tcase <-in:\n\t\tcase now := <-timer.C: // heartbeat\n\t\t\ttimerFired = true\n\t\t\ttick(now)\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn fires_in_test_files_too() {
        let src = file(IDLE_LOOP);
        let files = [
            ("go.mod", "module m\n\ngo 1.22\n"),
            ("x_test.go", src.as_str()),
        ];
        let (_dir, out) = run_tree(&TRANSFORM, &files, Mode::DryRun, false, &[]);
        assert_eq!(out.changes.len(), 1);
    }

    #[test]
    fn two_selects_in_one_loop_get_two_timers() {
        let src = file(
            "func f(a, b chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tcase <-time.After(time.Second):\n\t\t}\n\t\tselect {\n\t\tcase <-b:\n\t\tcase <-time.After(time.Minute):\n\t\t}\n\t}\n}\n",
        );
        check_fix_go(
            &TRANSFORM,
            "1.27",
            &src,
            &file(
                "func f(a, b chan int) {\n\ttimer := time.NewTimer(time.Second)\n\ttimer2 := time.NewTimer(time.Minute)\n\tfor {\n\t\ttimer.Reset(time.Second)\n\t\tselect {\n\t\tcase <-a:\n\t\tcase <-timer.C:\n\t\t}\n\t\ttimer2.Reset(time.Minute)\n\t\tselect {\n\t\tcase <-b:\n\t\tcase <-timer2.C:\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn build_constraint_raises_the_runtime_gate() {
        let src = format!("//go:build go1.27\n\n{}", file(IDLE_LOOP));
        let (fixed, _) = run_one(&TRANSFORM, "1.22", &src, false);
        assert!(
            !fixed.contains("Fired"),
            "G_rt = max(go line, constraint) = 1.27: sync shape\n{fixed}"
        );
    }

    #[test]
    fn case_in_a_switch_and_range_loop() {
        check_fix_go(
            &TRANSFORM,
            "1.27",
            &file(
                "func f(jobs []int, done chan int, slow time.Duration) {\n\tfor _, j := range jobs {\n\t\tswitch {\n\t\tcase j > 0:\n\t\t\tselect {\n\t\t\tcase <-done:\n\t\t\tcase <-time.After(slow / 2):\n\t\t\t}\n\t\t}\n\t}\n}\n",
            ),
            &file(
                "func f(jobs []int, done chan int, slow time.Duration) {\n\tslowTimer := time.NewTimer(slow / 2)\n\tfor _, j := range jobs {\n\t\tswitch {\n\t\tcase j > 0:\n\t\t\tslowTimer.Reset(slow / 2)\n\t\t\tselect {\n\t\t\tcase <-done:\n\t\t\tcase <-slowTimer.C:\n\t\t\t}\n\t\t}\n\t}\n}\n",
            ),
        );
    }

    #[test]
    fn index_in_the_duration_is_shape_b() {
        let src = file(
            "func f(in chan int, waits []time.Duration) {\n\tfor i := 0; ; i++ {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(waits[0]):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
        );
        let (fixed, _) = run_one(&TRANSFORM, "1.27", &src, false);
        assert!(
            fixed.contains("var timer *time.Timer"),
            "an index could panic before the loop\n{fixed}"
        );
    }
}
