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

mod fix;
mod names;
mod plan;
mod site;
#[cfg(test)]
mod tests;

use crate::read::gomod::Module;
use crate::read::version::GoVersion;
use crate::rules::fix::{Applicability, TextRange};
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R2",
        name: "time-after-in-loop",
        summary: "time.After / time.Tick in a loop's select creates a timer per iteration",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &[],
        calls: &[("time", &["After", "Tick"])],
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
    precheck: has_select,
    other_files: None,
};

/// The calls are `case`s of a `select` (which `run` checks): a file without one has none.
fn has_select(bytes: &[u8], _: &Module) -> bool {
    memchr::memmem::find(bytes, b"select").is_some()
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
    let site = site::site_of_call(cx, call)?;
    let plan = plan::make_plan(cx, site)?;
    let (timer, fired) = names::names_for(cx, &plan);
    let fix = fix::build_fix(cx, &plan, &timer, &fired);
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
