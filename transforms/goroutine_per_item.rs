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

use crate::read::syntax::{self, named_children};
use crate::read::version::GoVersion;
use crate::rules::fix::{Edit, Fix, ImportChange, TextRange};
use crate::rules::removal::{in_test_code, names_import};
use crate::rules::rewrite::delete_statement;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::PkgFile;
use std::collections::HashSet;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R6.3",
        name: "goroutine-per-item",
        summary: "one goroutine per item of an unbounded slice under a WaitGroup: concurrency grows with the input",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &["go func"],
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

const SYNC_MODULE: &str = "golang.org/x/sync";
const ERRGROUP: &str = "golang.org/x/sync/errgroup";

/// The matched loop, once every precondition holds.
struct Shape<'t> {
    for_stmt: Node<'t>,
    add: Node<'t>,
    go: Node<'t>,
    lit: Node<'t>,
    done: Node<'t>,
    wait: Node<'t>,
    /// The WaitGroup expression as written (`wg`, `s.wg`).
    wg: String,
}

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let (Some(for_stmt), Some(range), Some(body)) =
        (m.node("match"), m.node("range"), m.node("body"))
    else {
        return None;
    };
    let file = cx.file();
    if in_test_code(file, for_stmt) || crate::semantic::context::in_test_support(cx.pkg, file) {
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

/// Is the range expression of small or fixed size, or a count of workers (§6.3 "unbounded" only)?
fn bounded_items(cx: &Ctx<'_>, items: Node<'_>, func: Node<'_>) -> bool {
    let file = cx.file();
    let src = cx.src();
    // A literal, or `range runtime.NumCPU()` / `GOMAXPROCS(0)`: a worker count.
    if matches!(items.kind(), "composite_literal" | "int_literal")
        || file.is_pkg_call(items, "runtime", "NumCPU")
        || file.is_pkg_call(items, "runtime", "GOMAXPROCS")
    {
        return true;
    }
    let lower = syntax::text(items, src).to_lowercase();
    if [
        "worker",
        "concurren",
        "parallel",
        "procs",
        "cpu",
        "thread",
        "shard",
        "goroutines",
        "listener",
        "server",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return true;
    }
    if items.kind() != "identifier" {
        return false;
    }
    let name = syntax::text(items, src);
    // Declarations of the name in the function, then at package level.
    let mut bounded = false;
    syntax::walk(func, &mut |n| bounded |= fixed_declaration(n, file, name));
    // Only files that spell the name are parsed for its package-level declaration.
    let spelled = |f: &&PkgFile| memchr::memmem::find(f.text.as_bytes(), name.as_bytes()).is_some();
    for f in cx.pkg.files.iter().filter(spelled) {
        for decl in named_children(f.tree().root_node()) {
            if matches!(decl.kind(), "var_declaration" | "const_declaration") {
                syntax::walk(decl, &mut |n| bounded |= fixed_declaration(n, f, name));
            }
        }
    }
    bounded
}

/// Does `n` declare `name` as a constant, a fixed-size array, a channel, or from a fixed-size value?
fn fixed_declaration(n: Node<'_>, f: &PkgFile, name: &str) -> bool {
    let text = |x: Node<'_>| syntax::text(x, &f.text);
    match n.kind() {
        "const_spec" => {
            let mut c = n.walk();
            n.children_by_field_name("name", &mut c)
                .any(|x| text(x) == name)
        }
        "var_spec" | "parameter_declaration" => {
            let mut c = n.walk();
            if !n
                .children_by_field_name("name", &mut c)
                .any(|x| text(x) == name)
            {
                return false;
            }
            n.child_by_field_name("type")
                .is_some_and(|t| matches!(t.kind(), "array_type" | "channel_type"))
                || n.child_by_field_name("value")
                    .is_some_and(|v| named_children(v).iter().any(|e| fixed_value(*e, &f.text)))
        }
        "short_var_declaration" => {
            let (Some(l), Some(r)) = (
                n.child_by_field_name("left"),
                n.child_by_field_name("right"),
            ) else {
                return false;
            };
            let (ls, rs) = (named_children(l), named_children(r));
            ls.iter()
                .position(|x| text(*x) == name)
                .is_some_and(|i| rs.get(i).is_some_and(|v| fixed_value(*v, &f.text)))
        }
        _ => false,
    }
}

/// Does the goroutine work on the iteration's item: it mentions a loop variable, and every `range` inside
/// it ranges over an expression built from the loop variables or the goroutine's parameters?
fn per_item(file: &PkgFile, range: Node<'_>, go: Node<'_>) -> bool {
    let src = &file.text;
    let mut item_names: Vec<&str> = syntax::declared_names(range)
        .into_iter()
        .map(|n| syntax::text(n, src))
        .filter(|n| *n != "_")
        .collect();
    if item_names.is_empty() {
        return false;
    }
    let mentions = |n: Node<'_>, names: &[&str]| {
        let mut hit = false;
        syntax::walk(n, &mut |x| {
            hit |= x.kind() == "identifier" && names.contains(&syntax::text(x, src));
        });
        hit
    };
    if !mentions(go, &item_names) {
        return false;
    }
    let Some(lit) = named_children(go)
        .first()
        .and_then(|c| c.child_by_field_name("function"))
    else {
        return false;
    };
    if let Some(params) = lit.child_by_field_name("parameters") {
        syntax::walk(params, &mut |n| {
            if n.kind() == "parameter_declaration" {
                let mut c = n.walk();
                item_names.extend(
                    n.children_by_field_name("name", &mut c)
                        .map(|x| syntax::text(x, src)),
                );
            }
        });
    }
    // Locals of the goroutine are its own, never input shared with other goroutines.
    if let Some(body) = lit.child_by_field_name("body") {
        syntax::walk(body, &mut |n| {
            if n.kind() == "short_var_declaration" || n.kind() == "var_spec" {
                item_names.extend(
                    syntax::declared_names(n)
                        .into_iter()
                        .map(|x| syntax::text(x, src)),
                );
            }
        });
    }
    let mut shared = false;
    syntax::walk(lit, &mut |n| {
        if n.kind() == "range_clause" {
            shared |= n
                .child_by_field_name("right")
                .is_some_and(|r| !mentions(r, &item_names));
        }
    });
    !shared
}

/// A value of fixed size: a composite literal, `make(chan ...)`, an integer literal.
fn fixed_value(v: Node<'_>, src: &str) -> bool {
    match v.kind() {
        "composite_literal" | "int_literal" => true,
        "call_expression" => {
            v.child_by_field_name("function")
                .is_some_and(|f| syntax::text(f, src) == "make")
                && v.child_by_field_name("arguments")
                    .and_then(|a| named_children(a).first().copied())
                    .is_some_and(|t| t.kind() == "channel_type")
        }
        _ => false,
    }
}

/// The loop body `X.Add(1)` + `go func(...) { defer X.Done(); ... }(...)`, with `X.Wait()` after the loop
/// and nothing that already bounds it.
fn match_shape<'t>(file: &PkgFile, for_stmt: Node<'t>, body: Node<'t>) -> Option<Shape<'t>> {
    let src = &file.text;
    let list = for_stmt.parent().filter(|p| p.kind() == "statement_list")?;
    let stmts = syntax::block_statements(body);
    let gos: Vec<usize> = stmts
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind() == "go_statement")
        .map(|(i, _)| i)
        .collect();
    let [gi] = gos.as_slice() else { return None };
    let gi = *gi;
    if gi == 0 {
        return None;
    }
    let (add, go) = (stmts[gi - 1], stmts[gi]);
    // `X.Add(1)` right before `go`.
    let add_call = named_children(add)
        .first()
        .copied()
        .filter(|_| add.kind() == "expression_statement")?;
    let (wg, method, args) = method_call(add_call, src)?;
    if method != "Add" || args.len() != 1 || syntax::text(args[0], src) != "1" {
        return None;
    }
    if !matches!(wg.kind(), "identifier" | "selector_expression") {
        return None;
    }
    let wg_text = syntax::text(wg, src).to_string();
    // `go func(...) { defer X.Done(); ... }(...)`.
    let call = named_children(go).first().copied()?;
    let lit = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "func_literal")?;
    let lit_body = lit.child_by_field_name("body")?;
    let done = *syntax::block_statements(lit_body).first()?;
    if done.kind() != "defer_statement" {
        return None;
    }
    let done_call = named_children(done).first().copied()?;
    let (recv, method, args) = method_call(done_call, src)?;
    if method != "Done" || !args.is_empty() || syntax::text(recv, src) != wg_text {
        return None;
    }
    // Already bounded, or a worker pool in disguise.
    for s in &stmts {
        if s.id() == go.id() {
            continue;
        }
        let mut hit = false;
        syntax::walk(*s, &mut |n| {
            hit |= n.kind() == "send_statement"
                || n.kind() == "go_statement"
                || method_call(n, src).is_some_and(|(_, m, _)| {
                    matches!(
                        m,
                        "Acquire" | "TryAcquire" | "Wait" | "Take" | "SetLimit" | "Go"
                    )
                });
        });
        if hit {
            return None;
        }
    }
    let mut waits_inside = false;
    syntax::walk(lit_body, &mut |n| {
        waits_inside |= matches!(n.kind(), "receive_statement" | "select_statement")
            || (n.kind() == "unary_expression"
                && n.child_by_field_name("operator")
                    .is_some_and(|o| syntax::text(o, src) == "<-"))
            || (n.kind() == "for_statement" && named_children(n).len() == 1)
            || method_call(n, src).is_some_and(|(_, m, _)| matches!(m, "Acquire" | "TryAcquire"))
            || long_lived_call(n, src);
    });
    if waits_inside {
        return None;
    }
    // `X.Wait()` after the loop, in the same statement list.
    let after = named_children(list);
    let pos = after.iter().position(|s| s.id() == for_stmt.id())?;
    let wait = after[pos + 1..].iter().copied().find(|s| {
        s.kind() == "expression_statement"
            && named_children(*s).first().is_some_and(|c| {
                method_call(*c, src).is_some_and(|(r, m, a)| {
                    m == "Wait" && a.is_empty() && syntax::text(r, src) == wg_text
                })
            })
    })?;
    // A goroutine that sends may block until a consumer runs; if that consumer starts between the loop
    // and `Wait`, the limit would keep the loop from ever reaching it (a deadlock).
    let mut sends = false;
    syntax::walk(lit_body, &mut |n| sends |= n.kind() == "send_statement");
    if sends && after.get(pos + 1).is_none_or(|s| s.id() != wait.id()) {
        return None;
    }
    // A lock the function holds around the loop and the goroutines also take: with a limit, the loop
    // waits for goroutines that wait for the lock (a deadlock).
    let func = syntax::enclosing_function(for_stmt)?;
    let lock_receivers = |scope: Node<'_>, inside: bool| {
        let mut out: Vec<String> = vec![];
        syntax::walk(scope, &mut |n| {
            let in_lit = n.start_byte() >= lit.start_byte() && n.end_byte() <= lit.end_byte();
            if in_lit != inside {
                return;
            }
            if let Some((r, "Lock" | "RLock", _)) = method_call(n, src) {
                out.push(syntax::text(r, src).to_string());
            }
        });
        out
    };
    let inner = lock_receivers(lit_body, true);
    if !inner.is_empty()
        && lock_receivers(func, false)
            .iter()
            .any(|r| inner.contains(r))
    {
        return None;
    }
    Some(Shape {
        for_stmt,
        add,
        go,
        lit,
        done,
        wait,
        wg: wg_text,
    })
}

/// A call that usually runs for the life of the program (a server, a watch, an event loop): one goroutine
/// per listener or subscription is the design, and a limit would keep the extra ones from ever starting.
fn long_lived_call(n: Node<'_>, src: &str) -> bool {
    if n.kind() != "call_expression" {
        return false;
    }
    let name = match n.child_by_field_name("function") {
        Some(f) if f.kind() == "selector_expression" => f
            .child_by_field_name("field")
            .map_or("", |x| syntax::text(x, src)),
        Some(f) if f.kind() == "identifier" => syntax::text(f, src),
        _ => "",
    };
    [
        "Serve",
        "ListenAndServe",
        "Listen",
        "Accept",
        "Watch",
        "Subscribe",
        "Consume",
    ]
    .iter()
    .any(|p| name.starts_with(p))
        || name.ends_with("Loop")
        || name.ends_with("Forever")
}

/// `recv.method(args)`: the receiver, the method name and the arguments.
fn method_call<'t>(n: Node<'t>, src: &'t str) -> Option<(Node<'t>, &'t str, Vec<Node<'t>>)> {
    if n.kind() != "call_expression" {
        return None;
    }
    let f = n
        .child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")?;
    let recv = f.child_by_field_name("operand")?;
    let field = f.child_by_field_name("field")?;
    let args = named_children(n.child_by_field_name("arguments")?);
    Some((recv, syntax::text(field, src), args))
}

/// Inserts `line` on its own line before `stmt`, with `stmt`'s indentation.
fn line_before(src: &str, stmt: Node<'_>, line: &str) -> Edit {
    let at = syntax::line_start(src, stmt.start_byte());
    Edit::insert(
        at,
        format!("{}{line}\n", syntax::indent_at(src, stmt.start_byte())),
    )
}

/// The semaphore shape: a buffered channel before the loop, a send before `go`, a deferred receive first
/// in the goroutine.
fn semaphore_fix(cx: &mut Ctx<'_>, shape: &Shape<'_>, func: Node<'_>) -> Option<Fix> {
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
            line_before(
                src,
                shape.for_stmt,
                &format!("{sem} := make(chan struct{{}}, {rt}.GOMAXPROCS(0))"),
            ),
        )
        .edit(
            f,
            line_before(src, shape.go, &format!("{sem} <- struct{{}}{{}}")),
        )
        .edit(
            f,
            line_before(src, shape.done, &format!("defer func() {{ <-{sem} }}()")),
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
fn starts_line(src: &str, node: Node<'_>) -> bool {
    src[syntax::line_start(src, node.start_byte())..node.start_byte()]
        .trim()
        .is_empty()
}

/// The errgroup shape, when go.mod requires x/sync with `SetLimit` and the translation is mechanical.
fn errgroup_plan(
    cx: &mut Ctx<'_>,
    shape: &Shape<'_>,
    range: Node<'_>,
    func: Node<'_>,
) -> Option<Fix> {
    let module = cx.pkg.module.clone();
    if module.has_vendor {
        return None;
    }
    let version = module.required_version(SYNC_MODULE)?;
    if !has_set_limit(&version) {
        return None;
    }
    // The module's checksum (not only its go.mod's) must be in go.sum, or the build fails.
    let sums = module.facts().go_sum()?;
    let needle = format!("{SYNC_MODULE} {version} h1:");
    if !sums.lines().any(|l| l.starts_with(&needle)) {
        return None;
    }
    let file = cx.file();
    let src = cx.src();
    let scope = syntax::enclosing_top_function(func).unwrap_or(func);
    // `var wg sync.WaitGroup` in this function, and `wg` used only by Add, Done and Wait.
    if !shape.wg.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let decl = wg_declaration(file, func, &shape.wg)?;
    let mut uses = 0;
    syntax::walk(scope, &mut |n| {
        uses += usize::from(n.kind() == "identifier" && syntax::text(n, src) == shape.wg);
    });
    if uses != 4 {
        return None;
    }
    // The goroutine returns nothing; its parameters are the loop's own variables, per iteration.
    if shape.lit.child_by_field_name("result").is_some() {
        return None;
    }
    let params: Vec<String> = {
        let mut out = vec![];
        let p = shape.lit.child_by_field_name("parameters")?;
        for d in named_children(p) {
            if d.kind() != "parameter_declaration" {
                return None;
            }
            let mut c = d.walk();
            out.extend(
                d.children_by_field_name("name", &mut c)
                    .map(|n| syntax::text(n, src).to_string()),
            );
        }
        out
    };
    let call = named_children(shape.go).first().copied()?;
    let args: Vec<String> = named_children(call.child_by_field_name("arguments")?)
        .iter()
        .map(|a| syntax::text(*a, src).to_string())
        .collect();
    if params != args {
        return None;
    }
    if !params.is_empty() {
        let loop_vars: Vec<String> = syntax::declared_names(range)
            .into_iter()
            .map(|n| syntax::text(n, src).to_string())
            .collect();
        if file.versions.api < GoVersion(22) || !params.iter().all(|p| loop_vars.contains(p)) {
            return None;
        }
    }
    let body = shape.lit.child_by_field_name("body")?;
    let stmts = syntax::block_statements(body);
    if !starts_line(src, shape.go) || !syntax::alone_on_line(shape.add, src) {
        return None;
    }
    if !syntax::alone_on_line(shape.done, src) || !syntax::alone_on_line(shape.wait, src) {
        return None;
    }
    // The `{` of the literal's body ends the `go` line and its `}` starts a line.
    let open = body.start_byte();
    let close = body.end_byte() - 1;
    if !src[open + 1..syntax::line_end_incl(src, open)]
        .trim()
        .is_empty()
        || !src[syntax::line_start(src, close)..close].trim().is_empty()
    {
        return None;
    }
    let eg = cx.import_name_in(cx.file_idx, ERRGROUP, "xerrgroup", scope)?;
    let rt = cx.import_name_in(cx.file_idx, "runtime", "goruntime", scope)?;
    let taken: HashSet<String> = [eg.clone(), rt.clone()].into_iter().collect();
    let g = cx.fresh_name(scope, "g", &taken);
    let file = cx.file();
    let f = cx.file_idx;
    let mut fix = Fix::unsafe_fix(format!(
        "run the items through an `errgroup.Group` limited to `{rt}.GOMAXPROCS(0)`"
    ))
    .edit(
        f,
        Edit::replace(TextRange::of(decl), format!("var {g} {eg}.Group")),
    )
    .edit(
        f,
        line_before(
            src,
            shape.for_stmt,
            &format!("{g}.SetLimit({rt}.GOMAXPROCS(0))"),
        ),
    )
    .edit(f, delete_statement(src, shape.add))
    .edit(
        f,
        Edit::replace(
            TextRange::new(shape.go.start_byte(), open + 1),
            format!("{g}.Go(func() error {{"),
        ),
    )
    .edit(f, delete_statement(src, shape.done));
    // Bare `return`s of the goroutine (not of literals inside it) return nil.
    let mut returns = vec![];
    syntax::walk(body, &mut |n| {
        if n.kind() == "return_statement"
            && syntax::enclosing_function(n).is_some_and(|e| e.id() == shape.lit.id())
        {
            returns.push(n);
        }
    });
    for r in &returns {
        fix = fix.edit(f, Edit::replace(TextRange::of(*r), "return nil"));
    }
    if stmts.last().is_none_or(|s| s.kind() != "return_statement") {
        let indent = format!("{}\t", syntax::indent_at(src, close));
        fix = fix.edit(
            f,
            Edit::insert(
                syntax::line_start(src, close),
                format!("{indent}return nil\n"),
            ),
        );
    }
    fix = fix
        .edit(
            f,
            Edit::replace(TextRange::new(body.end_byte(), shape.go.end_byte()), ")"),
        )
        .edit(
            f,
            Edit::replace(TextRange::of(shape.wait), format!("_ = {g}.Wait()")),
        )
        .import(
            f,
            ImportChange::Add {
                path: ERRGROUP.into(),
                name: eg,
            },
        )
        .import(
            f,
            ImportChange::Add {
                path: "runtime".into(),
                name: rt,
            },
        );
    // `sync` goes if the WaitGroup's type was its last use (the engine counts only selector uses).
    let mut sync_types = 0;
    syntax::walk(file.tree().root_node(), &mut |n| {
        sync_types += usize::from(
            n.kind() == "qualified_type"
                && n.child_by_field_name("package")
                    .is_some_and(|p| names_import(file, p, "sync")),
        );
    });
    if sync_types == 1 {
        fix = fix.import(
            f,
            ImportChange::RemoveIfUnused {
                path: "sync".into(),
            },
        );
    }
    Some(fix)
}

/// `v0.1.0` or later (pseudo-versions of v0.0.0 predate the tagged releases with `SetLimit`).
fn has_set_limit(version: &str) -> bool {
    let core = version.trim_start_matches('v');
    let nums: Vec<u64> = core
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    nums.as_slice() >= [0, 1, 0].as_slice()
}

/// The `var name sync.WaitGroup` declaration statement (alone in its spec) in `func`'s own body.
fn wg_declaration<'t>(file: &PkgFile, func: Node<'t>, name: &str) -> Option<Node<'t>> {
    let body = func.child_by_field_name("body")?;
    let mut found = None;
    syntax::walk(body, &mut |n| {
        if found.is_some() || n.kind() != "var_declaration" {
            return;
        }
        let specs = named_children(n);
        let [spec] = specs.as_slice() else { return };
        if spec.kind() != "var_spec" || spec.child_by_field_name("value").is_some() {
            return;
        }
        let mut c = spec.walk();
        let names: Vec<&str> = spec
            .children_by_field_name("name", &mut c)
            .map(|x| file.node_text(x))
            .collect();
        if names != [name] {
            return;
        }
        let is_wg = spec.child_by_field_name("type").is_some_and(|t| {
            t.kind() == "qualified_type"
                && t.child_by_field_name("package")
                    .is_some_and(|p| names_import(file, p, "sync"))
                && t.child_by_field_name("name")
                    .is_some_and(|x| file.node_text(x) == "WaitGroup")
        });
        if is_wg && syntax::enclosing_function(n).is_some_and(|e| e.id() == func.id()) {
            found = Some(n);
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_no_fix, run_one};

    fn fixed(go: &str, src: &str) -> String {
        let (out, o) = run_one(&TRANSFORM, go, src, true);
        assert!(!o.findings.is_empty() || out != src, "no finding");
        out
    }

    const HEAD: &str = "package m\n\nimport \"sync\"\n\n";

    fn loop_over(items: &str, decl: &str) -> String {
        format!(
            "{HEAD}{decl}func run({}) {{\n\tvar wg sync.WaitGroup\n\tfor _, x := range {items} {{\n\t\twg.Add(1)\n\t\tgo func(x int) {{\n\t\t\tdefer wg.Done()\n\t\t\tprintln(x)\n\t\t}}(x)\n\t}}\n\twg.Wait()\n}}\n",
            if decl.is_empty() && items == "xs" {
                "xs []int"
            } else {
                ""
            }
        )
    }

    #[test]
    fn doc_example_round_trips() {
        let doc = crate::catalog::docs::doc(&TRANSFORM);
        let before = crate::catalog::docs::go_block(&doc, "## Example").expect("example");
        let after = crate::catalog::docs::go_block(&doc, "## Use instead").expect("use instead");
        assert_eq!(fixed("1.22", &before), after);
    }

    #[test]
    fn report_only_by_default() {
        let src = loop_over("xs", "");
        let (out, o) = run_one(&TRANSFORM, "1.22", &src, false);
        assert_eq!(out, src);
        assert_eq!(o.findings.len(), 1);
    }

    #[test]
    fn fixed_size_items_are_left_alone() {
        check_no_fix(&TRANSFORM, &loop_over("[]int{1, 2, 3}", ""));
        check_no_fix(&TRANSFORM, &loop_over("xs", "var xs = []int{1, 2}\n\n"));
        check_no_fix(&TRANSFORM, &loop_over("xs", "var xs [4]int\n\n"));
        check_no_fix(&TRANSFORM, &loop_over("workers", "const workers = 4\n\n"));
        check_no_fix(
            &TRANSFORM,
            &loop_over(
                "numWorkers",
                "var numWorkers = flagValue()\n\nfunc flagValue() int { return 8 }\n\n",
            ),
        );
    }

    #[test]
    fn bounded_or_pooled_loops_are_left_alone() {
        let sem = "package m\n\nimport \"sync\"\n\nfunc run(xs []int) {\n\tsem := make(chan struct{}, 4)\n\tvar wg sync.WaitGroup\n\tfor _, x := range xs {\n\t\tsem <- struct{}{}\n\t\twg.Add(1)\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tdefer func() { <-sem }()\n\t\t\tprintln(x)\n\t\t}(x)\n\t}\n\twg.Wait()\n}\n";
        check_no_fix(&TRANSFORM, sem);
        let pool = "package m\n\nimport \"sync\"\n\nfunc run(xs []int, jobs chan int) {\n\tvar wg sync.WaitGroup\n\tfor range xs {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tfor j := range jobs {\n\t\t\t\tprintln(j)\n\t\t\t}\n\t\t}()\n\t}\n\twg.Wait()\n}\n";
        check_no_fix(&TRANSFORM, pool);
        let no_wait = "package m\n\nimport \"sync\"\n\nfunc run(xs []int, wg *sync.WaitGroup) {\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tprintln(x)\n\t\t}(x)\n\t}\n}\n";
        check_no_fix(&TRANSFORM, no_wait);
        let between = "package m\n\nimport \"sync\"\n\nfunc run(xs []int) {\n\tvar wg sync.WaitGroup\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tif x < 0 {\n\t\t\tbreak\n\t\t}\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tprintln(x)\n\t\t}(x)\n\t}\n\twg.Wait()\n}\n";
        check_no_fix(&TRANSFORM, between);
    }

    #[test]
    fn deadlock_prone_shapes_are_left_alone() {
        let consumer_after = "package m\n\nimport \"sync\"\n\nfunc run(xs []int) int {\n\tout := make(chan int)\n\tvar wg sync.WaitGroup\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tout <- x * 2\n\t\t}(x)\n\t}\n\ttotal := 0\n\tdone := make(chan bool)\n\tgo func() {\n\t\tfor v := range out {\n\t\t\ttotal += v\n\t\t}\n\t\tdone <- true\n\t}()\n\twg.Wait()\n\tclose(out)\n\t<-done\n\treturn total\n}\n";
        check_no_fix(&TRANSFORM, consumer_after);
        let held_lock = "package m\n\nimport \"sync\"\n\nfunc run(mu *sync.Mutex, xs []int, m map[int]int) {\n\tvar wg sync.WaitGroup\n\tmu.Lock()\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tmu.Lock()\n\t\t\tm[x]++\n\t\t\tmu.Unlock()\n\t\t}(x)\n\t}\n\tmu.Unlock()\n\twg.Wait()\n}\n";
        check_no_fix(&TRANSFORM, held_lock);
        // Sending with the consumer already running is fine.
        let consumer_before = consumer_after
            .replace("\ttotal := 0\n\tdone := make(chan bool)\n\tgo func() {\n\t\tfor v := range out {\n\t\t\ttotal += v\n\t\t}\n\t\tdone <- true\n\t}()\n", "")
            .replace("\tvar wg sync.WaitGroup\n", "\ttotal := 0\n\tdone := make(chan bool)\n\tgo func() {\n\t\tfor v := range out {\n\t\t\ttotal += v\n\t\t}\n\t\tdone <- true\n\t}()\n\tvar wg sync.WaitGroup\n");
        assert!(fixed("1.22", &consumer_before).contains("sem <- struct{}{}"));
    }

    #[test]
    fn never_in_tests() {
        let src = loop_over("xs", "").replace(
            "import \"sync\"",
            "import (\n\t\"sync\"\n\t\"testing\"\n)\n\nvar _ testing.T",
        );
        check_no_fix(&TRANSFORM, &src);
    }

    fn with_module(gomod: &str, gosum: Option<&str>, src: &str) -> String {
        use crate::run::settings::Mode;
        let mut files = vec![("go.mod", gomod), ("x.go", src)];
        if let Some(sum) = gosum {
            files.push(("go.sum", sum));
        }
        let (_dir, out) = crate::testing::run_tree(&TRANSFORM, &files, Mode::DryRun, true, &[]);
        assert_eq!(
            out.findings.len() + out.changes.len().min(1),
            1,
            "{:?}",
            out.findings
        );
        crate::testing::changed_text(&out, "x.go", src)
    }

    const XSYNC_MOD: &str = "module m\n\ngo 1.22\n\nrequire golang.org/x/sync v0.10.0\n";
    const XSYNC_SUM: &str = "golang.org/x/sync v0.10.0 h1:3NQrjDixjgGwUOCaF8w2+VYHv0Ve/vGYSbdkTa98gmQ=\ngolang.org/x/sync v0.10.0/go.mod h1:Czt+wKu1gCyEFDUtn0jG5QVvpJ6rzVqr5aXyt9drQfk=\n";

    #[test]
    fn errgroup_only_when_mechanical_and_summed() {
        let src = "package m\n\nimport \"sync\"\n\nfunc run(xs []int) {\n\tvar wg sync.WaitGroup\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tprintln(x)\n\t\t}()\n\t}\n\twg.Wait()\n}\n";
        let out = with_module(XSYNC_MOD, Some(XSYNC_SUM), src);
        assert_eq!(
            out,
            "package m\n\nimport (\n\t\"runtime\"\n\n\t\"golang.org/x/sync/errgroup\"\n)\n\nfunc run(xs []int) {\n\tvar g errgroup.Group\n\tg.SetLimit(runtime.GOMAXPROCS(0))\n\tfor _, x := range xs {\n\t\tg.Go(func() error {\n\t\t\tprintln(x)\n\t\t\treturn nil\n\t\t})\n\t}\n\t_ = g.Wait()\n}\n"
        );
        // No checksum of the module zip in go.sum: the semaphore instead.
        let sum_mod_only =
            "golang.org/x/sync v0.10.0/go.mod h1:Czt+wKu1gCyEFDUtn0jG5QVvpJ6rzVqr5aXyt9drQfk=\n";
        assert!(with_module(XSYNC_MOD, Some(sum_mod_only), src).contains("sem <- struct{}{}"));
        // A pseudo-version from before SetLimit.
        let old =
            "module m\n\ngo 1.22\n\nrequire golang.org/x/sync v0.0.0-20220601150217-0de741cfad7f\n";
        let old_sum = "golang.org/x/sync v0.0.0-20220601150217-0de741cfad7f h1:x\n";
        assert!(with_module(old, Some(old_sum), src).contains("sem <- struct{}{}"));
        // The WaitGroup is used elsewhere too.
        let shared = src.replace("\twg.Wait()\n}", "\twg.Wait()\n\twg.Add(0)\n}");
        assert!(with_module(XSYNC_MOD, Some(XSYNC_SUM), &shared).contains("sem <- struct{}{}"));
        // The sync import stays when another sync type remains.
        let mutex = src.replace("func run", "var mu sync.Mutex\n\nfunc run");
        let out = with_module(XSYNC_MOD, Some(XSYNC_SUM), &mutex);
        assert!(
            out.contains("\t\"sync\"\n") && out.contains("g.Go(func() error {"),
            "{out}"
        );
    }

    #[test]
    fn set_limit_versions() {
        assert!(has_set_limit("v0.1.0"));
        assert!(has_set_limit("v0.10.0"));
        assert!(has_set_limit("v0.1.1-0.20230101000000-abcdefabcdef"));
        assert!(!has_set_limit("v0.0.0-20220722155255-886fb9371eb4"));
    }

    #[test]
    fn semaphore_names_avoid_collisions() {
        let src = "package m\n\nimport \"sync\"\n\nfunc run(xs []int, sem int) {\n\truntime := sem\n\t_ = runtime\n\tvar wg sync.WaitGroup\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tprintln(x)\n\t\t}(x)\n\t}\n\twg.Wait()\n}\n";
        let out = fixed("1.22", src);
        assert!(
            out.contains("sem2 := make(chan struct{}, goruntime.GOMAXPROCS(0))"),
            "{out}"
        );
        assert!(out.contains("goruntime \"runtime\""), "{out}");
    }
}
