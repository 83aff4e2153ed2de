//! # gosched-call (R3a)
//!
//! ## What it does
//! Removes a `runtime.Gosched()` statement that is not inside any loop, in an ordinary function that is not
//! itself a yield helper, or that sits in a loop that ends by itself and does other work (a `for range`, or a
//! counted `for i := a; i < n; i++`). A yield in a loop that waits for another goroutine is reported as a
//! spin-wait, without a fix.
//!
//! ## Why is this bad?
//! `runtime.Gosched()` gives up the processor once and puts the goroutine straight back in the run queue.
//! It creates no happens-before edge, so it cannot make one goroutine see another's writes or wait for it;
//! code that "works" because of a lone `Gosched` only got lucky with the scheduler, and the scheduler has
//! preempted long-running goroutines on its own since Go 1.14. Outside a loop the call runs once, so it
//! cannot keep a spinning goroutine from starving the others either: it only costs a trip through the
//! scheduler and suggests an ordering guarantee that does not exist.
//!
//! ## Example
//! ```go
//! package server
//!
//! import (
//! 	"log"
//! 	"net"
//! 	"runtime"
//! )
//!
//! func start(ln net.Listener, handle func(net.Conn)) {
//! 	go func() {
//! 		for {
//! 			conn, err := ln.Accept()
//! 			if err != nil {
//! 				log.Print(err)
//! 				return
//! 			}
//! 			go handle(conn)
//! 		}
//! 	}()
//! 	runtime.Gosched() // let the accept loop start
//! 	log.Printf("listening on %s", ln.Addr())
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package server
//!
//! import (
//! 	"log"
//! 	"net"
//! )
//!
//! func start(ln net.Listener, handle func(net.Conn)) {
//! 	go func() {
//! 		for {
//! 			conn, err := ln.Accept()
//! 			if err != nil {
//! 				log.Print(err)
//! 				return
//! 			}
//! 			go handle(conn)
//! 		}
//! 	}()
//! 	log.Printf("listening on %s", ln.Addr())
//! }
//! ```
//!
//! ## Fix safety
//! Safe. Removing the call adds no execution the memory model did not already allow, and outside a loop it
//! cannot turn a polling loop into a hot spin. The statement goes with its trailing comment; comment lines
//! above it stay (review them in the diff). An `if c { runtime.Gosched() }` without `else` or init statement
//! goes whole when `c` has no side effects; an `else { runtime.Gosched() }` is dropped from its `if`. The
//! `runtime` import goes when nothing else in the file uses it.
//!
//! Inside a loop, Safe when every enclosing loop of the function ends by itself — a `for range`, or a
//! three-clause `for i := a; i < n; i++` whose variable only its post statement changes — and its body does
//! work besides the yield and its exit checks (`if closed() { return }`): such a loop cannot become a spin,
//! it only loses its yields (every platform it fires on preempts goroutines asynchronously since Go 1.14).
//! A range variable that only the deleted `if` read becomes `_` (`for i, v :=` → `for _, v :=`,
//! `for i :=` → `for range`).
//!
//! No fix (reported, and the finding says why): a loop that waits for another goroutine (a spin-wait,
//! where the advice is a channel, `sync.Cond` or `sync.WaitGroup`): a loop that ends by itself whose body is
//! only exit checks and the yield, or a `for {}` / `for cond` whose body is only the yield, exit checks,
//! polls and counters (`v := load()`, `n++`); a loop whose body is only the yield; an `if` holding the call with an `else`, an init
//! statement or a condition with side effects; a function using `goto`.
//!
//! ## Version gating
//! None: `Gosched` has meant the same since Go 1.0 and the rewrite adds no API.
//!
//! ## When it does not fire
//! - Outside any loop, the function uses `goto`, or it is a yield helper: its body is only the call (or an
//!   `if` holding only it), it is a function literal or a method, its name is used as a value, it calls
//!   itself, or a call to it sits inside a loop or a function literal anywhere in the package, directly or
//!   through other functions of the package.
//! - The function calls `runtime.LockOSThread` (thread-pinned event loops yield on purpose).
//! - The call sits between `mu.Unlock()` and `mu.Lock()`: the yield hands the mutex to a waiter, which the
//!   goroutine would otherwise usually take straight back.
//! - Test code: a `*_test.go` file, a file importing `testing`, or a `Test*`, `Benchmark*`, `Fuzz*`,
//!   `Example*` or `TestMain` function (tests yield to provoke interleavings).
//! - The file builds only for platforms without asynchronous preemption (`js`, `wasip1`, `wasm`, `plan9`),
//!   by its `//go:build` or `// +build` lines or its file name.
//! - A loop that never ends by itself (`for {}`, `for cond`) and does work besides polling (an event loop
//!   yielding between rounds), a yield nested among other work of a `select` case or `switch` in such a
//!   loop, and a spin-wait in a function or receiver type named for spinning (a spinlock spins by design)
//!   or whose comments, inside the loop or right above it, say it spins on purpose or yields so another
//!   goroutine can take a lock (`spin`, `mutex`, `lock`).
//! - The only statement of the `default` of a `select` that is a loop's whole body: R7.7
//!   (select-default-spin) reports that spin.
//! - `go runtime.Gosched()`, `defer runtime.Gosched()`, the function value `runtime.Gosched`, and a
//!   dot-imported or shadowed `runtime`.
//! - Test-support packages: `testing` itself, `*test` and `testutil` names, benchmark harnesses, `e2e/` and
//!   `integration/` trees.
//!
//! ## References
//! `runtime.Gosched` in `src/runtime/proc.go`; the Go 1.14 release notes (asynchronous preemption, and
//! the platforms without it); the Go memory model (go.dev/ref/mem).

use crate::read::syntax;
use crate::rules::call_site::{
    call_statement_query, removal_title, runtime_call, with_runtime_removal,
};
use crate::rules::fix::{Fix, TextRange};
use crate::rules::removal::{Removal, Shape, kept_statements, plan_removal};
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::pkg_calls::{any_node, calls_in, selector_call};
use std::collections::HashSet;
use tree_sitter::Node;

mod in_loop;
mod preemption;
#[cfg(test)]
mod tests;
mod yield_helper;

use preemption::only_without_preemption;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R3a",
        name: "gosched-call",
        summary: "runtime.Gosched() outside a spin-wait yields for nothing and orders nothing",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &[],
        calls: &[("runtime", &["Gosched"])],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("gosched_call.rs"),
    query: QUERY,
    run,
    precheck: crate::rules::transform::outside_tests,
    other_files: None,
};
const QUERY: &str = call_statement_query!("Gosched");

const MESSAGE: &str = "`runtime.Gosched()` outside any loop yields the processor once and creates no happens-before edge: it orders nothing, and the scheduler preempts busy goroutines by itself";

const LOOP_MESSAGE: &str = "`runtime.Gosched()` in a loop that ends by itself only sends the goroutine through the scheduler: the runtime has preempted long-running goroutines on its own since Go 1.14, so the yield costs time and buys no fairness";

const SPIN_MESSAGE: &str = "`runtime.Gosched()` in a loop that waits for another goroutine is a spin-wait: it burns a CPU polling and orders nothing; wait on a channel, `sync.Cond` or `sync.WaitGroup` instead";

const YIELD_LOOP_MESSAGE: &str = "a loop of bare `runtime.Gosched()` calls hopes another goroutine runs meanwhile, and orders nothing: wait for it on a channel or a `sync.WaitGroup` instead";
fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let site = runtime_call(cx, m, "Gosched")?;
    let (stmt, call, local) = (site.stmt, site.call, site.local);
    let file = cx.file();
    // §3.2.5: not in files built only for platforms without asynchronous preemption.
    if only_without_preemption(file) {
        return None;
    }
    let func = syntax::enclosing_function(stmt)?;
    // §3.2.3: thread-pinned functions yield on purpose.
    if calls_in(file, func, "runtime", &["LockOSThread"]) {
        return None;
    }
    // `mu.Unlock(); runtime.Gosched(); mu.Lock()` hands the mutex to a waiter: without the yield the
    // goroutine usually takes the lock straight back.
    if between_unlock_and_lock(stmt, cx.src()) {
        return None;
    }
    if syntax::enclosing_loop(stmt).is_some() {
        in_loop::in_loop(cx, stmt, call, func, &local);
    } else {
        outside_loops(cx, stmt, call, func, &local);
    }
    Some(())
}

/// Is `stmt` right after an `X.Unlock()` / `X.RUnlock()` call and right before an `X.Lock()` / `X.RLock()`?
fn between_unlock_and_lock(stmt: Node<'_>, src: &str) -> bool {
    let method = |n: Option<Node<'_>>| -> Option<String> {
        let n = n?;
        let call = syntax::named_children(n)
            .into_iter()
            .next()
            .filter(|_| n.kind() == "expression_statement")?;
        let (_, field) = selector_call(call)?;
        Some(syntax::text(field, src).to_string())
    };
    let prev = std::iter::successors(stmt.prev_named_sibling(), |n| n.prev_named_sibling())
        .find(|n| n.kind() != "comment");
    let next = std::iter::successors(stmt.next_named_sibling(), |n| n.next_named_sibling())
        .find(|n| n.kind() != "comment");
    let (prev, next) = (method(prev), method(next));
    matches!(prev.as_deref(), Some("Unlock" | "RUnlock"))
        && matches!(next.as_deref(), Some("Lock" | "RLock"))
}

/// §3.2 outside any loop: the yield goes unless the function is a yield helper.
fn outside_loops(cx: &mut Ctx<'_>, stmt: Node<'_>, call: Node<'_>, func: Node<'_>, local: &str) {
    let file = cx.file();
    let src = cx.src();
    // §3.2.2: not a function literal or a method.
    if func.kind() != "function_declaration" {
        return;
    }
    let Some(name) = func
        .child_by_field_name("name")
        .map(|n| file.node_text(n).to_string())
    else {
        return;
    };
    // §3.2.1 by other means: a backward `goto` makes a loop the tree does not show.
    if any_node(func, |n| n.kind() == "goto_statement") {
        return;
    }
    // §3.2.2: its name is not used as a value and it is not called from a loop anywhere in the package.
    if yield_helper::used_as_value(cx.pkg, &name)
        || yield_helper::may_be_called_repeatedly(cx.pkg, &name, &mut HashSet::new())
    {
        return;
    }
    // §3.4: the edit; where none is possible the finding says why.
    let removal = match plan_removal(src, stmt) {
        Ok(r) => r,
        Err(blocked) => {
            cx.report(TextRange::of(call), MESSAGE)
                .withhold(blocked.reason());
            return;
        }
    };
    // §3.2.2: the body is not just the call (or an `if` holding only the call).
    let body = func.child_by_field_name("body");
    if removal.shape != Shape::ElseClause
        && body.is_some_and(|b| b.id() == removal.container.id())
        && kept_statements(&removal).is_empty()
    {
        return;
    }
    let fix = removal_fix(cx, &removal, local);
    cx.report(TextRange::of(call), MESSAGE).fix = Some(fix);
}

/// The Safe fix deleting the yield as `removal` plans it, and the `runtime` import if nothing else uses it.
fn removal_fix(cx: &Ctx<'_>, removal: &Removal<'_>, local: &str) -> Fix {
    let title = removal_title(
        removal.shape,
        "remove the `runtime.Gosched()` call",
        "`runtime.Gosched()`",
        "calls",
    );
    with_runtime_removal(cx, Fix::safe(title), removal, local)
}
