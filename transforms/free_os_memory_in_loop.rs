//! # free-os-memory-in-loop (R7.4)
//!
//! ## What it does
//! Reports a call of `debug.FreeOSMemory()` (package `runtime/debug`) inside a `for` loop of the same
//! function, outside tests. Also reports `x = nil` stored to a local variable after its last use, the
//! hand-written attempt to give a big value's memory back that frees nothing.
//!
//! ## Why is this bad?
//! `FreeOSMemory` forces a full garbage collection, waits for it to finish, and then returns as much
//! memory to the operating system as it can, one `madvise` call per span range. Every iteration pays a
//! complete collection (with its stop-the-world phases) plus a burst of system calls, and the next
//! allocations fault the returned pages back in. Since Go 1.19 a memory limit (`GOMEMLIMIT`, or
//! `debug.SetMemoryLimit`) makes the runtime collect and return memory by itself as the heap approaches
//! the limit, without a forced cycle per loop iteration.
//!
//! ## Example
//! ```go
//! package batch
//!
//! import "runtime/debug"
//!
//! type Job struct{ Rows [][]byte }
//!
//! func runAll(jobs []Job, process func(Job) error) error {
//! 	for _, j := range jobs {
//! 		if err := process(j); err != nil {
//! 			return err
//! 		}
//! 		debug.FreeOSMemory()
//! 	}
//! 	return nil
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package batch
//!
//! import "runtime/debug"
//!
//! type Job struct{ Rows [][]byte }
//!
//! func runAll(jobs []Job, process func(Job) error) error {
//! 	for _, j := range jobs {
//! 		if err := process(j); err != nil {
//! 			return err
//! 		}
//! 	}
//! 	debug.FreeOSMemory() // once, after the whole batch
//! 	return nil
//! }
//! ```
//! Better still, give the process a memory limit (`GOMEMLIMIT=…` in its environment, or
//! `debug.SetMemoryLimit` at startup) and drop the call.
//!
//! ## The dead `nil` store
//! ```go
//! func nightlyReport() {
//! 	ledger := loadLedger() // several GiB
//! 	summarize(ledger)
//! 	ledger = nil // "release it": reported
//! 	waitUntilTomorrow()
//! }
//! ```
//! The collector scans goroutine stacks precisely: a local the function no longer reads is already
//! dead, so the store changes neither the heap nor the resident memory, and freed pages go back to
//! the OS lazily in both versions. What bounds the process is a memory limit (`GOMEMLIMIT`,
//! `debug.SetMemoryLimit`), or, after a one-off batch, one `debug.FreeOSMemory()` call. It fires only
//! where the store is dead: a local variable of the function (not a parameter, whose caller still
//! holds the value, nor a receiver or a named result, which the function returns), mentioned before
//! the store and never after it (no later word of the same spelling, comments included, before the
//! top-level declaration's closing `}`: the byte prefilter reads the same text), not again by a loop that outlives it, not in a function literal, a
//! `defer` or `go` statement, not as `&x`, in a function without `goto` that does not itself call
//! `runtime.GC()` or `debug.FreeOSMemory()` (the recommended release after a batch, where the store
//! is harmless), outside tests and outside package `runtime` (whose code nils locals so they are not
//! used again, not to free memory).
//!
//! ## Fix safety
//! No fix: report only. Moving the call after the loop, dropping it, or setting a memory limit changes
//! the process's resident memory over time, and the right limit depends on the deployment. The dead
//! `nil` store is reported without a fix too: deleting it is harmless, but it marks where the author
//! wanted memory back, and the limit or the one `FreeOSMemory` call that does that is a deployment choice.
//!
//! ## Version gating
//! None for the report. The message suggests `GOMEMLIMIT` / `debug.SetMemoryLimit` only when the file's
//! Go version is 1.19 or later (the API appeared in Go 1.19); below that it suggests calling it once
//! after the loop.
//!
//! ## When it does not fire
//! - The call is not inside a `for` of its own function (a call in a function literal or a helper that the
//!   loop calls is not seen), or it is `go debug.FreeOSMemory()` / `defer debug.FreeOSMemory()`.
//! - `runtime/debug` is dot-imported or its name is shadowed; a `debug` that is another package.
//! - For the `nil` store: see "The dead `nil` store" above.
//! - Test code: `*_test.go`, files importing `testing`, `Test*`/`Benchmark*`/`Fuzz*`/`Example*`
//!   functions (memory tests free memory between rounds on purpose).
//!
//! ## References
//! `debug.FreeOSMemory` and `debug.SetMemoryLimit` in `src/runtime/debug/garbage.go`; the Go 1.19 release
//! notes (soft memory limit); the Go GC guide (go.dev/doc/gc-guide, "Memory limit").

use crate::read::syntax;
use crate::read::version::GoVersion;
use crate::rules::call_site::{call_statement_query, matched_call};
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::pkg_calls::calls_in;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.4",
        name: "free-os-memory-in-loop",
        summary: "debug.FreeOSMemory() in a loop forces a full GC and a memory return on each pass; `x = nil` to a dead local frees nothing",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &["FreeOSMemory", "= nil"],
        calls: &[],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("free_os_memory_in_loop.rs"),
    query: QUERY,
    run,
    precheck: |bytes, _| {
        crate::semantic::prefilter::calls_outside_tests(bytes, "runtime/debug", &["FreeOSMemory"])
            || crate::semantic::prefilter::nil_store_outside_tests(bytes)
    },
    other_files: None,
};

const QUERY: &str = concat!(
    call_statement_query!("FreeOSMemory"),
    r#"((assignment_statement
   left: (expression_list . (identifier) @var .)
   right: (expression_list . (nil) .)) @match @store)
"#
);

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    if let Some(store) = m.node("store") {
        return dead_nil_store(cx, store, m.node("var")?);
    }
    // `debug` resolved to runtime/debug (§0.3).
    let call = matched_call(cx.file(), m, "runtime/debug", "FreeOSMemory")?;
    let file = cx.file();
    // Only a loop of the same function.
    syntax::enclosing_loop(call)?;
    if in_test_code(file, call) {
        return None;
    }
    let msg = if file.versions.api >= GoVersion(19) {
        "`debug.FreeOSMemory()` inside a loop forces a full garbage collection and returns memory to the OS each time the loop reaches it (stop-the-world phases, a burst of madvise calls, pages faulted back in); set a memory limit instead (`GOMEMLIMIT` or `debug.SetMemoryLimit`, Go 1.19+) so the runtime returns memory as the heap nears it, or call it once after the loop"
    } else {
        "`debug.FreeOSMemory()` inside a loop forces a full garbage collection and returns memory to the OS each time the loop reaches it (stop-the-world phases, a burst of madvise calls, pages faulted back in); call it once after the loop"
    };
    cx.report(TextRange::of(call), msg);
    Some(())
}

/// `x = nil` to a local after its last use: the store frees nothing.
fn dead_nil_store(cx: &mut Ctx<'_>, store: Node<'_>, var: Node<'_>) -> Option<()> {
    let file = cx.file();
    // The runtime's own code nils locals to keep them from being used again, not to free memory.
    if cx.pkg.name == "runtime" {
        return None;
    }
    // Plain `=`, one target.
    if store
        .child_by_field_name("operator")
        .is_none_or(|o| file.node_text(o) != "=")
        || in_test_code(file, store)
        || crate::semantic::prefilter::mentioned_later(
            file.text.as_bytes(),
            store.end_byte(),
            file.node_text(var).as_bytes(),
        )
        || crate::semantic::liveness::dead_local_store(file, store, var).is_some()
    {
        return None;
    }
    // The function gives memory back the way that works (`runtime.GC()` / `debug.FreeOSMemory()` once
    // after the batch, the recommended shape): the store beside it is harmless.
    let func = syntax::enclosing_function(store)?;
    if calls_in(file, func, "runtime/debug", &["FreeOSMemory"])
        || calls_in(file, func, "runtime", &["GC"])
    {
        return None;
    }
    let name = file.node_text(var);
    let limit = if file.versions.api >= GoVersion(19) {
        "set a memory limit (`GOMEMLIMIT` or `debug.SetMemoryLimit`, Go 1.19+) so the runtime returns memory as the heap nears it, or after a one-off batch call `debug.FreeOSMemory()` once"
    } else {
        "after a one-off batch call `debug.FreeOSMemory()` once"
    };
    let msg = format!(
        "`{name} = nil` after the last use of `{name}` frees nothing: the garbage collector already treats a local the function no longer reads as dead, and freed pages return to the OS lazily either way; to give memory back, {limit}"
    );
    cx.report(TextRange::of(store), msg);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    const LOOP: &str = "package m\n\nimport \"runtime/debug\"\n\nfunc f(n int) {\n\tfor i := 0; i < n; i++ {\n\t\tdebug.FreeOSMemory()\n\t}\n}\n";

    #[test]
    fn suggests_the_memory_limit_from_119() {
        let msgs = check_detect_only_go(&TRANSFORM, "1.19", LOOP);
        assert!(msgs[0].contains("SetMemoryLimit"), "{msgs:?}");
        let msgs = check_detect_only_go(&TRANSFORM, "1.18", LOOP);
        assert!(!msgs[0].contains("SetMemoryLimit"), "{msgs:?}");
    }

    #[test]
    fn not_outside_loops_or_in_literals() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"runtime/debug\"\n\nfunc f(jobs []func()) {\n\tfor _, j := range jobs {\n\t\tgo func() {\n\t\t\tj()\n\t\t\tdebug.FreeOSMemory()\n\t\t}()\n\t}\n\tdebug.FreeOSMemory()\n}\n",
        );
    }

    #[test]
    fn not_another_debug_package() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport debug \"example.com/m/debug\"\n\nfunc f(n int) {\n\tfor i := 0; i < n; i++ {\n\t\tdebug.FreeOSMemory()\n\t}\n}\n",
        );
    }
}
