//! # free-os-memory-in-loop (R7.4)
//!
//! ## What it does
//! Reports a call of `debug.FreeOSMemory()` (package `runtime/debug`) inside a `for` loop of the same
//! function, outside tests.
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
//! ## Fix safety
//! No fix: report only. Moving the call after the loop, dropping it, or setting a memory limit changes
//! the process's resident memory over time, and the right limit depends on the deployment.
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

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.4",
        name: "free-os-memory-in-loop",
        summary: "debug.FreeOSMemory() in a loop forces a full GC and a return of memory to the OS on each pass",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &["FreeOSMemory"],
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
    },
    other_files: None,
};

const QUERY: &str = call_statement_query!("FreeOSMemory");

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
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
