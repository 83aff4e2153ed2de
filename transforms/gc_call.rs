//! # gc-call (R3b)
//!
//! ## What it does
//! Removes a `runtime.GC()` statement (or `defer runtime.GC()`): as a Safe fix in HTTP handlers, where it
//! runs on every request, and as an Unsafe fix (applied with `--unsafe-fixes`) elsewhere. It reports
//! without a fix where dropping the call is not a mechanical decision: periodic collection loops, a
//! `runtime.GC()` right before `debug.FreeOSMemory()`, and packages whose behaviour depends on when
//! collections happen (finalizers, cleanups, weak pointers, `sync.Pool`, a tuned or disabled collector).
//!
//! ## Why is this bad?
//! `runtime.GC()` runs a complete collection and blocks the calling goroutine until it has finished, and
//! it can stall the whole program while it runs. The runtime already starts collections when the heap
//! grows past its goal (`GOGC`, `GOMEMLIMIT`), so a forced one rarely returns memory that would not have
//! been reclaimed anyway; in a request handler it adds a full collection's latency to every request and
//! serialises requests behind it.
//!
//! ## Example
//! ```go
//! package api
//!
//! import (
//! 	"encoding/json"
//! 	"net/http"
//! 	"runtime"
//! )
//!
//! type report struct {
//! 	Rows []string `json:"rows"`
//! }
//!
//! func handleReport(w http.ResponseWriter, r *http.Request) {
//! 	rep := report{Rows: r.URL.Query()["row"]}
//! 	w.Header().Set("Content-Type", "application/json")
//! 	if err := json.NewEncoder(w).Encode(rep); err != nil {
//! 		http.Error(w, err.Error(), http.StatusInternalServerError)
//! 		return
//! 	}
//! 	runtime.GC() // free the report buffers
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package api
//!
//! import (
//! 	"encoding/json"
//! 	"net/http"
//! )
//!
//! type report struct {
//! 	Rows []string `json:"rows"`
//! }
//!
//! func handleReport(w http.ResponseWriter, r *http.Request) {
//! 	rep := report{Rows: r.URL.Query()["row"]}
//! 	w.Header().Set("Content-Type", "application/json")
//! 	if err := json.NewEncoder(w).Encode(rep); err != nil {
//! 		http.Error(w, err.Error(), http.StatusInternalServerError)
//! 		return
//! 	}
//! }
//! ```
//!
//! ## Fix safety
//! Safe in a request handler: a function or function literal taking `(http.ResponseWriter, *http.Request)`
//! (`ServeHTTP` methods included), a gin `func(*gin.Context)`, an echo `func(echo.Context) error` or a
//! fiber `func(*fiber.Ctx) error`, with the call directly in the handler and not in a loop. Collections
//! still happen as the heap grows; what goes is a blocking collection per request.
//! Unsafe everywhere else: a deployment may run with `GOGC=off`, set in the environment where the tool
//! cannot see it, and then this call may be the only collection the program gets.
//! The statement goes with its trailing comment; comment lines above it stay. An `if c { runtime.GC() }`
//! without `else` or init statement goes whole when `c` has no side effects; an `else { runtime.GC() }` is
//! dropped from its `if`. The `runtime` import goes when nothing else in the file uses it.
//!
//! ## Version gating
//! None: `runtime.GC` has meant the same since Go 1.0 and the rewrite adds no API.
//!
//! ## When it does not fire
//! - Test code: a `*_test.go` file, a file importing `testing`, a `Test*`, `Benchmark*`, `Fuzz*`,
//!   `Example*` or `TestMain` function.
//! - The function uses `runtime/pprof` anywhere (a profile looked up before the call and written after it).
//! - The function goes on to read memory statistics or write a profile (`runtime/pprof`,
//!   `net/http/pprof`, `runtime.ReadMemStats`, `runtime/metrics`, `debug.ReadGCStats`,
//!   `debug.WriteHeapDump`), directly or through a package function: the documented way to get current
//!   numbers is to collect first.
//! - Forcing a collection is the code's purpose: a function or handler named for it (`forceGC`,
//!   `freeMemory`, `handleGC`), a handler registered on such a route (`/debug/gc`, `/admin/free`), a
//!   handler whose body is essentially the call (it only writes the response through its own parameters or
//!   an imported package, such as `w.WriteHeader(204)` or `fmt.Fprintln(w, "ok")`, logs or returns; a
//!   package helper taking the writer, `serve(w, r)`, is the handler's real work and does not count), or
//!   code outside a request handler in a function that calls `signal.Notify` (a collection on demand).
//! - Test-support packages (`testing` itself, `*test` and `testutil` names, benchmark harnesses, `e2e/` and
//!   `integration/` trees).
//! - The function registers a finalizer or cleanup (`runtime.SetFinalizer`, `runtime.AddCleanup`): the
//!   collection is how it waits for it to run.
//! - An `if` around the call tests a flag named for the collection (`if callGC`, `if cfg.ForceGC`): an
//!   option or test hook turns it on.
//! - A collector loop: the enclosing loop reads memory statistics (`runtime.ReadMemStats`,
//!   `metrics.Read`, ...) and collects past a threshold, so the collection is the loop's whole design.
//! - `go runtime.GC()`, the function value `runtime.GC`, a dot-imported or shadowed `runtime`.
//!
//! Reported without a fix: `runtime.GC()` right before `debug.FreeOSMemory()` (redundant, but not
//! equivalent: two cycles return more memory than one); a loop that would only wait once the call is gone
//! (`for { runtime.GC(); time.Sleep(d) }`); a package that uses `runtime.SetFinalizer`, `runtime.AddCleanup`,
//! `runtime.KeepAlive`, package `weak` or `unique`, `sync.Pool`, `debug.SetGCPercent`,
//! `debug.SetMemoryLimit`, `debug.FreeOSMemory` or sets `GOGC`/`GOMEMLIMIT`; a call that is the only
//! statement of its function or case; an `if` holding only the call that cannot go whole (it has an
//! `else`, an init statement, a condition with calls, or would leave a variable unused).
//!
//! ## References
//! `runtime.GC` in `src/runtime/mgc.go`; `debug.FreeOSMemory` in `src/runtime/mheap.go`; the
//! `runtime/pprof` package doc; "A Guide to the Go Garbage Collector" (go.dev/doc/gc-guide: `GOGC`,
//! `GOMEMLIMIT`).

use crate::read::syntax;
use crate::rules::call_site::{
    call_or_defer_statement_query, removal_title, runtime_call, with_runtime_removal,
};
use crate::rules::fix::{Fix, TextRange};
use crate::rules::removal::{Removal, Shape, kept_statements, plan_removal};
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::pkg_calls::{any_node, calls_in};

mod handler;
mod idle;
mod measure;
mod package_facts;
mod purpose;
#[cfg(test)]
mod tests;

use handler::handler_shape;
use idle::block_is_idle;
use measure::{is_measurement, measures_after, next_is_free_os_memory};
use package_facts::package_depends_on_gc;
use purpose::{forcing_is_the_purpose, names_purpose};

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R3b",
        name: "gc-call",
        summary: "runtime.GC() blocks for a full collection the runtime would run on its own",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &[],
        calls: &[("runtime", &["GC"])],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("gc_call.rs"),
    query: QUERY,
    run,
    precheck: crate::rules::transform::outside_tests,
    other_files: None,
};
const QUERY: &str = call_or_defer_statement_query!("GC");

const SAFE_MESSAGE: &str = "`runtime.GC()` in a request handler runs a full collection and blocks the request until it ends, on every request; the runtime already collects as the heap grows (GOGC), so dropping it only removes the stall";
const UNSAFE_MESSAGE: &str = "`runtime.GC()` runs a full collection and blocks the caller until it ends; the runtime collects on its own as the heap grows, but review before dropping it: with GOGC=off in the environment this may be the only collection the program gets";
const REDUNDANT_MESSAGE: &str =
    "redundant forced GC: `debug.FreeOSMemory()` right after it runs a full collection itself";
const REDUNDANT_WITHHELD: &str = "dropping this one runs one cycle instead of two, which returns less memory while sync.Pool victims or finalizer-reachable objects exist";
const PERIODIC_MESSAGE: &str = "periodic forced GC: this loop blocks for a full collection on every iteration and does nothing else; the runtime collects on its own as the heap grows (unless GOGC=off), so consider deleting the loop and the goroutine running it";
const NOT_FIXED_MESSAGE: &str =
    "`runtime.GC()` runs a full collection and blocks the caller until it ends";
fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let site = runtime_call(cx, m, "GC")?;
    let (stmt, call, local) = (site.stmt, site.call, site.local);
    let file = cx.file();
    let src = cx.src();
    let func = syntax::enclosing_function(stmt)?;
    let top = syntax::enclosing_top_function(stmt).unwrap_or(func);
    // Owner's decision / §3.3: never before a heap profile (or another read of memory statistics).
    if measures_after(cx.pkg, file, top, call.end_byte()) {
        return None;
    }
    // A profile obtained earlier in the function and written later (`p := pprof.Lookup(name)`, then
    // `runtime.GC()` when name is "heap", then `p.WriteTo`) is the same idiom: net/http/pprof does this.
    if calls_in(file, top, "runtime/pprof", &[]) {
        return None;
    }
    // A collection that drives a finalizer or cleanup the function registered (waiting for it to run) is
    // what the code is for.
    if calls_in(file, top, "runtime", &["SetFinalizer", "AddCleanup"]) {
        return None;
    }
    // `if callGC { runtime.GC() }`: an option or test hook named for the collection turns it on.
    if syntax::ancestors(stmt)
        .take_while(|a| a.id() != func.id())
        .filter(|a| a.kind() == "if_statement")
        .filter_map(|a| a.child_by_field_name("condition"))
        .any(|c| {
            any_node(c, |n| {
                matches!(n.kind(), "identifier" | "field_identifier")
                    && names_purpose(file.node_text(n), false)
            })
        })
    {
        return None;
    }
    let handler = handler_shape(file, func);
    // §3.3: signal handlers that free memory on demand (a request handler inside such a function is not one).
    if handler.is_none() && calls_in(file, top, "os/signal", &["Notify"]) {
        return None;
    }
    // §3.3: `runtime.GC()` immediately before `debug.FreeOSMemory()` is reported as redundant, never fixed.
    if stmt.kind() == "expression_statement" && next_is_free_os_memory(file, stmt) {
        cx.report(TextRange::of(call), REDUNDANT_MESSAGE)
            .withhold(REDUNDANT_WITHHELD);
        return None;
    }
    let removal = plan_removal(src, stmt);
    let removed = removal.as_ref().map_or(stmt, |r| r.removed);
    // A collector loop that reads the heap and collects past a threshold is the design, not noise: the
    // collection is what the loop is for (GOMEMLIMIT is the modern spelling, a design change, not a fix).
    if let Some(l) = syntax::enclosing_loop(stmt)
        && any_node(l, |n| {
            n.kind() == "call_expression" && is_measurement(file, n)
        })
    {
        return None;
    }
    // §3.3: a loop left doing nothing but waiting is reported, not produced.
    if let Some(body) = syntax::enclosing_loop(stmt).and_then(|l| l.child_by_field_name("body"))
        && block_is_idle(file, body, removed)
    {
        cx.report(TextRange::of(call), PERIODIC_MESSAGE)
            .withhold("the loop would be left only waiting");
        return None;
    }
    // §3.3: admin endpoints and helpers whose purpose is the collection.
    if forcing_is_the_purpose(cx.pkg, file, func, handler.as_ref(), removed) {
        return None;
    }
    // Owner's decision: packages that depend on when collections happen get a report with the reason.
    if let Some(reason) = package_depends_on_gc(cx.pkg) {
        cx.report(TextRange::of(call), NOT_FIXED_MESSAGE)
            .withhold(reason);
        return None;
    }
    // §3.4: the edit shapes.
    let removal: Removal<'_> = match removal {
        Ok(r) => r,
        Err(blocked) => {
            cx.report(TextRange::of(call), NOT_FIXED_MESSAGE)
                .withhold(blocked.reason());
            return None;
        }
    };
    // §3.3: the enclosing block keeps at least one other statement.
    if removal.shape != Shape::ElseClause && kept_statements(&removal).is_empty() {
        let where_ = if removal.container.kind() == "block" {
            "its function"
        } else {
            "its case"
        };
        cx.report(TextRange::of(call), NOT_FIXED_MESSAGE).withhold(format!(
            "it is the only statement of {where_}, which would be left empty; review the callers"
        ));
        return None;
    }
    // Owner's decision: Safe on per-request paths, Unsafe elsewhere.
    let per_request = handler.is_some() && syntax::enclosing_loop(stmt).is_none();
    let what = if stmt.kind() == "defer_statement" {
        "`defer runtime.GC()`"
    } else {
        "`runtime.GC()`"
    };
    let title = removal_title(removal.shape, &format!("remove {what}"), what, "runs");
    let fix = if per_request {
        Fix::safe(title)
    } else {
        Fix::unsafe_fix(title)
    };
    let fix = with_runtime_removal(cx, fix, &removal, &local);
    let d = cx.report(
        TextRange::of(call),
        if per_request {
            SAFE_MESSAGE
        } else {
            UNSAFE_MESSAGE
        },
    );
    d.fix = Some(fix);
    Some(())
}
