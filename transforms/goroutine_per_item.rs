//! # goroutine-per-item (R6.3)
//!
//! ## What it does
//! Reports a `range` loop that starts one goroutine per item under a `sync.WaitGroup`
//! (`wg.Add(1); go func(...) { defer wg.Done(); ... }(...)`, then `wg.Wait()` after the loop) when the
//! items come from a slice, map or count of unbounded size. With `--unsafe-fixes` it bounds the loop to
//! `runtime.GOMAXPROCS(0)` goroutines at a time: through `errgroup.Group.SetLimit` when the module already
//! requires `golang.org/x/sync` v0.1.0 or later and the translation is mechanical, else with a semaphore
//! channel.
//!
//! ## Why is this bad?
//! Goroutines are cheap but not free: each starts with a stack that grows with the work, and a loop over
//! a hundred thousand items starts a hundred thousand of them at once. They all compete for the same
//! `GOMAXPROCS` processors, so CPU-bound items finish no sooner than with a few workers, while memory,
//! scheduler queues and anything the items open (connections, files, requests to another service) grow
//! with the input. One large input can exhaust memory, file descriptors or a downstream quota.
//!
//! ## Example
//! ```go
//! package thumbs
//!
//! import (
//! 	"os"
//! 	"sync"
//! )
//!
//! func Checksums(paths []string, sum func([]byte) uint32) []uint32 {
//! 	out := make([]uint32, len(paths))
//! 	var wg sync.WaitGroup
//! 	for i, p := range paths {
//! 		wg.Add(1)
//! 		go func(i int, p string) {
//! 			defer wg.Done()
//! 			data, err := os.ReadFile(p)
//! 			if err != nil {
//! 				return
//! 			}
//! 			out[i] = sum(data)
//! 		}(i, p)
//! 	}
//! 	wg.Wait()
//! 	return out
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package thumbs
//!
//! import (
//! 	"os"
//! 	"runtime"
//! 	"sync"
//! )
//!
//! func Checksums(paths []string, sum func([]byte) uint32) []uint32 {
//! 	out := make([]uint32, len(paths))
//! 	var wg sync.WaitGroup
//! 	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
//! 	for i, p := range paths {
//! 		wg.Add(1)
//! 		sem <- struct{}{}
//! 		go func(i int, p string) {
//! 			defer func() { <-sem }()
//! 			defer wg.Done()
//! 			data, err := os.ReadFile(p)
//! 			if err != nil {
//! 				return
//! 			}
//! 			out[i] = sum(data)
//! 		}(i, p)
//! 	}
//! 	wg.Wait()
//! 	return out
//! }
//! ```
//! In a module that requires `golang.org/x/sync` (v0.1.0 or later) the same loop becomes a
//! `errgroup.Group` with `SetLimit(runtime.GOMAXPROCS(0))` whose tasks return `nil`.
//!
//! ## Fix safety
//! Unsafe (applied only with `--unsafe-fixes`), never Safe. A limit changes the program: the loop now
//! blocks until a slot frees, so items that wait for one another (item i needs what item j produces,
//! and j has not started) deadlock; items finish in a different order and the last one later; and the
//! limit itself is a policy choice (`GOMAXPROCS` suits CPU-bound work, I/O-bound work may want more). The
//! errgroup shape is chosen only when the translation is mechanical: the `WaitGroup` is a local
//! `var wg sync.WaitGroup` used only by this loop, the goroutine returns nothing, its parameters (if any)
//! are the loop's own variables in a file at Go 1.22 or later (one variable per iteration), and go.sum
//! holds the module's checksum; a `return` in the body becomes `return nil`. errgroup also changes
//! error and cancellation semantics once tasks return errors (first error wins, `WithContext` cancels).
//! Otherwise the fix adds a buffered channel `sem` sized `runtime.GOMAXPROCS(0)` before the loop, a send
//! before `go` and a deferred receive first in the goroutine. Imports go through the engine.
//!
//! No fix, reported with the reason, when the items are named like endpoints, connections or cluster
//! members (`endpoints`, `peers`, `backends`, `replicas`, `subConns`, `addrs`, `hosts`,
//! `brokers`, ...): such a fan-out waits on the network over a list as long as the deployment, and a
//! `GOMAXPROCS` limit is for CPU-bound work over input of unbounded size.
//!
//! ## Version gating
//! The errgroup shape needs `golang.org/x/sync` v0.1.0 or later in go.mod (`SetLimit`, go.dev/issue/27837)
//! and a file language version of Go 1.22 or later when it drops the goroutine's parameters; everything
//! else is Go 1.0.
//!
//! ## When it does not fire
//! - The items have a fixed, small size: a composite literal, a constant or integer literal count, a
//!   local or package variable initialised with a literal, a fixed-size array.
//! - Long-lived goroutines: one per listener or server (the items' name says so), or a goroutine that calls
//!   `Serve*`, `ListenAndServe*`, `Listen*`, `Accept*`, `Watch*`, `Subscribe*`, `Consume*` or a `*Loop` /
//!   `*Forever` function: a limit would keep the extra ones from ever starting.
//! - Worker pools: three-clause loops (`for i := 0; i < workers; i++`), counts named like workers or
//!   CPUs or taken from `runtime.NumCPU()`/`GOMAXPROCS`, goroutines that receive from a channel, `select`
//!   or loop forever (they consume a queue, or wait on other items), loops over channels, goroutines that
//!   use no loop variable or range over input the iteration did not give them, `for range n` without
//!   variables.
//! - Deadlock-prone: the goroutine sends on a channel and statements sit between the loop and `Wait`
//!   (a consumer started there would never be reached), or it takes a lock the function also takes.
//! - Already bounded: a send, `Acquire`, `Wait`, `Take` or `SetLimit` in the loop outside the goroutine,
//!   or an `Acquire` inside it.
//! - The shape differs: something between `Add(1)` and `go`, `Add(n)` with n other than 1, a goroutine
//!   that is not a function literal or does not start with `defer wg.Done()`, no `wg.Wait()` after the loop
//!   in the same block, a labeled loop.
//! - Test code: `*_test.go`, files importing `testing`, `Test*`/`Benchmark*`/`Fuzz*`/`Example*`.
//! - Test-support packages: `*test` and `testutil` names, benchmark harnesses, `e2e/` and `integration/`
//!   trees.
//!
//! ## References
//! `errgroup.Group.SetLimit` in golang.org/x/sync (go.dev/issue/27837); `sync.WaitGroup` docs; Go 1.22
//! release notes (per-iteration loop variables); the go directive in the Go modules reference
//! (go.dev/ref/mod), which sets a file's language version.

use crate::read::syntax;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_tests;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use tree_sitter::Node;

mod errgroup;
mod items;
mod semaphore;
mod shape;
#[cfg(test)]
mod tests;

use errgroup::errgroup_plan;
use items::{bounded_items, per_item};
use semaphore::semaphore_fix;
use shape::match_shape;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R6.3",
        name: "goroutine-per-item",
        summary: "one goroutine per item of an unbounded slice under a WaitGroup: concurrency grows with the input",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &["go func"],
        calls: &[],
        tier: crate::rules::transform::Tier::BehindProfile,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("goroutine_per_item.rs"),
    query: QUERY,
    run,
    precheck: |bytes, _| {
        let has = |s: &str| memchr::memmem::find(bytes, s.as_bytes()).is_some();
        has(".Add(1)")
            && has(".Done()")
            && has(".Wait()")
            && has("range")
            && !crate::semantic::prefilter::imports(bytes, "testing")
    },
    other_files: None,
};

const QUERY: &str = r#"
(for_statement (range_clause) @range body: (block) @body) @match
"#;

/// The matched loop, once every precondition holds.
pub(super) struct Shape<'t> {
    pub(super) for_stmt: Node<'t>,
    pub(super) add: Node<'t>,
    pub(super) go: Node<'t>,
    pub(super) lit: Node<'t>,
    pub(super) done: Node<'t>,
    pub(super) wait: Node<'t>,
    /// The WaitGroup expression as written (`wg`, `s.wg`).
    pub(super) wg: String,
}

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let (Some(for_stmt), Some(range), Some(body)) =
        (m.node("match"), m.node("range"), m.node("body"))
    else {
        return None;
    };
    let file = cx.file();
    if in_tests(cx, for_stmt) {
        return None;
    }
    let top = syntax::enclosing_function(for_stmt)?;
    // §6.3: the items must be of unbounded size.
    let items = range.child_by_field_name("right")?;
    let shape = match_shape(file, for_stmt, body)?;
    if bounded_items(cx, items, top) {
        return None;
    }
    // A goroutine that uses no variable of the iteration, or that ranges over something the iteration
    // did not give it, consumes shared input: a worker pool, not a goroutine per item.
    if !per_item(file, range, shape.go) {
        return None;
    }
    let items_text = match file.node_text(items) {
        t if t.len() <= 40 && !t.contains('\n') => t.to_string(),
        _ => "the items".to_string(),
    };
    // What the code is for: a fan-out over a handful of endpoints waits on the network, and a GOMAXPROCS
    // limit is for CPU-bound work over unbounded input; the finding stays, the fix does not.
    if names_endpoints(file.node_text(items)) {
        let message = format!(
            "starts one goroutine per element of `{items_text}` with no limit: if the list grows with the input, memory and whatever each item opens grow with it"
        );
        cx.report(TextRange::of(shape.go), message).withhold(
            "the items look like a handful of endpoints or connections: an I/O fan-out waits on the network, and a GOMAXPROCS limit is for CPU-bound work over unbounded input",
        );
        return None;
    }
    let errgroup = errgroup_plan(cx, &shape, range, top);
    let message = format!(
        "starts one goroutine per element of `{items_text}` with no limit: memory, scheduling and whatever each item opens grow with the input; bound it (a semaphore or errgroup `SetLimit` of `runtime.GOMAXPROCS(0)`), checking first that no item waits for another (a limit can deadlock) and that the changed order and latency are acceptable{}",
        if errgroup.is_some() {
            "; the errgroup fix also changes error and cancellation semantics once tasks return errors"
        } else {
            ""
        }
    );
    let fix = match errgroup {
        Some(fix) => Some(fix),
        None => semaphore_fix(cx, &shape, top),
    };
    let d = cx.report(TextRange::of(shape.go), message);
    d.fix = fix;
    Some(())
}

/// Words naming endpoints, connections or cluster members: lists a service fans out over, one goroutine
/// each, whose length is the deployment's, not the input's.
const ENDPOINT_WORDS: &[&str] = &[
    "endpoint",
    "peer",
    "backend",
    "replica",
    "subconn",
    "conns",
    "addrs",
    "addresses",
    "hosts",
    "members",
    "upstream",
    "broker",
    "remotes",
    "regions",
];

fn names_endpoints(items: &str) -> bool {
    let lower = items.to_lowercase();
    ENDPOINT_WORDS.iter().any(|w| lower.contains(w))
}
