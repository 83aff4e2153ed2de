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

use crate::read::syntax::{self, named_children};
use crate::rules::fix::{Fix, TextRange};
use crate::rules::removal::{
    Removal, Shape, in_test_code, kept_statements, names_import, no_arguments, plan_removal,
    runtime_import_change, runtime_local,
};
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::{Package, PkgFile};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R3b",
        name: "gc-call",
        summary: "runtime.GC() blocks for a full collection the runtime would run on its own",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &[".GC()"],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("gc_call.rs"),
    query: QUERY,
    run,
    precheck: |bytes, _| crate::semantic::prefilter::calls_outside_tests(bytes, "runtime", &["GC"]),
    other_files: None,
};

const QUERY: &str = r#"
((expression_statement
   (call_expression
     function: (selector_expression field: (field_identifier) @fn)) @call) @match
 (#eq? @fn "GC"))
((defer_statement
   (call_expression
     function: (selector_expression field: (field_identifier) @fn)) @call) @match
 (#eq? @fn "GC"))
"#;

const SAFE_MESSAGE: &str = "`runtime.GC()` in a request handler runs a full collection and blocks the request until it ends, on every request; the runtime already collects as the heap grows (GOGC), so dropping it only removes the stall";
const UNSAFE_MESSAGE: &str = "`runtime.GC()` runs a full collection and blocks the caller until it ends; the runtime collects on its own as the heap grows, but review before dropping it: with GOGC=off in the environment this may be the only collection the program gets";
const REDUNDANT_MESSAGE: &str =
    "redundant forced GC: `debug.FreeOSMemory()` right after it runs a full collection itself";
const REDUNDANT_WITHHELD: &str = "dropping this one runs one cycle instead of two, which returns less memory while sync.Pool victims or finalizer-reachable objects exist";
const PERIODIC_MESSAGE: &str = "periodic forced GC: this loop blocks for a full collection on every iteration and does nothing else; the runtime collects on its own as the heap grows (unless GOGC=off), so consider deleting the loop and the goroutine running it";
const NOT_FIXED_MESSAGE: &str =
    "`runtime.GC()` runs a full collection and blocks the caller until it ends";

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let (Some(stmt), Some(call)) = (m.node("match"), m.node("call")) else {
        return None;
    };
    let file = cx.file();
    let src = cx.src();
    // §3.3 match: exactly `runtime.GC()`, `runtime` resolved per §0.3 (not dot-imported or shadowed).
    if !file.is_pkg_call(call, "runtime", "GC") || !no_arguments(call) {
        return None;
    }
    // §0.3 / §3.4 import: a file that declares the import's name anywhere cannot have its uses counted.
    let local = runtime_local(file)?;
    // Owner's decision / §3.2.4: never in tests, benchmarks, TestMain.
    if in_test_code(file, stmt) || crate::semantic::context::in_test_support(cx.pkg, file) {
        return None;
    }
    let func = syntax::enclosing_function(stmt)?;
    let top = syntax::enclosing_top_function(stmt).unwrap_or(func);
    // Owner's decision / §3.3: never before a heap profile (or another read of memory statistics).
    if measures_after(cx.pkg, file, top, call.end_byte()) {
        return None;
    }
    // A profile obtained earlier in the function and written later (`p := pprof.Lookup(name)`, then
    // `runtime.GC()` when name is "heap", then `p.WriteTo`) is the same idiom: net/http/pprof does this.
    if calls_import(file, top, "runtime/pprof", &[]) {
        return None;
    }
    // A collection that drives a finalizer or cleanup the function registered (waiting for it to run) is
    // what the code is for.
    if calls_import(file, top, "runtime", &["SetFinalizer", "AddCleanup"]) {
        return None;
    }
    // `if callGC { runtime.GC() }`: an option or test hook named for the collection turns it on.
    if syntax::ancestors(stmt)
        .take_while(|a| a.id() != func.id())
        .filter(|a| a.kind() == "if_statement")
        .filter_map(|a| a.child_by_field_name("condition"))
        .any(|c| {
            let mut named = false;
            syntax::walk(c, &mut |n| {
                named |= matches!(n.kind(), "identifier" | "field_identifier")
                    && names_purpose(file.node_text(n), false)
            });
            named
        })
    {
        return None;
    }
    let handler = handler_shape(file, func);
    // §3.3: signal handlers that free memory on demand (a request handler inside such a function is not one).
    if handler.is_none() && calls_import(file, top, "os/signal", &["Notify"]) {
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
        && calls_matching(l, |n| is_measurement(file, n))
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
    let title = match removal.shape {
        Shape::Statement => format!("remove {what}"),
        Shape::WholeIf => format!("remove the `if` whose only statement is {what}"),
        Shape::ElseClause => format!("drop the `else` branch that only runs {what}"),
    };
    let mut fix = if per_request {
        Fix::safe(title)
    } else {
        Fix::unsafe_fix(title)
    };
    fix = fix.edit(cx.file_idx, removal.edit.clone());
    if let Some(change) = runtime_import_change(file, &local) {
        fix = fix.import(cx.file_idx, change);
    }
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

fn calls_matching(scope: Node<'_>, f: impl Fn(Node<'_>) -> bool) -> bool {
    let mut found = false;
    syntax::walk(scope, &mut |n| {
        found |= !found && n.kind() == "call_expression" && f(n)
    });
    found
}

// ---- calls to imported packages ----

/// Is `call` a call of a function of the import `path` (any of `funcs`, or any function when empty)?
fn is_import_call(file: &PkgFile, call: Node<'_>, path: &str, funcs: &[&str]) -> bool {
    call.kind() == "call_expression"
        && call.child_by_field_name("function").is_some_and(|f| {
            f.kind() == "selector_expression"
                && f.child_by_field_name("field")
                    .is_some_and(|n| funcs.is_empty() || funcs.contains(&file.node_text(n)))
                && f.child_by_field_name("operand")
                    .is_some_and(|o| names_import(file, o, path))
        })
}

fn calls_import(file: &PkgFile, scope: Node<'_>, path: &str, funcs: &[&str]) -> bool {
    let mut found = false;
    syntax::walk(scope, &mut |n| {
        found |= !found && is_import_call(file, n, path, funcs)
    });
    found
}

/// Calls that read memory statistics or write profiles: after a forced collection they see current numbers.
fn is_measurement(file: &PkgFile, call: Node<'_>) -> bool {
    is_import_call(file, call, "runtime/pprof", &[])
        || is_import_call(file, call, "net/http/pprof", &[])
        || is_import_call(file, call, "runtime", &["ReadMemStats"])
        || is_import_call(file, call, "runtime/metrics", &["Read"])
        || is_import_call(
            file,
            call,
            "runtime/debug",
            &["ReadGCStats", "WriteHeapDump"],
        )
}

/// Does anything in `scope` after `from` measure, directly or through a package function that does?
fn measures_after(pkg: &Package, file: &PkgFile, scope: Node<'_>, from: usize) -> bool {
    let mut callees = vec![];
    let mut found = false;
    syntax::walk(scope, &mut |n| {
        if found || n.start_byte() < from || n.kind() != "call_expression" {
            return;
        }
        found = is_measurement(file, n);
        if let Some(f) = n
            .child_by_field_name("function")
            .filter(|f| f.kind() == "identifier")
        {
            callees.push(file.node_text(f).to_string());
        }
    });
    found
        || callees
            .iter()
            .any(|name| package_function_measures(pkg, name))
}

fn package_function_measures(pkg: &Package, name: &str) -> bool {
    // Only a file that spells the name can declare it; the others are not parsed.
    let spells = |f: &&PkgFile| memchr::memmem::find(f.text.as_bytes(), name.as_bytes()).is_some();
    pkg.files.iter().filter(spells).any(|f| {
        named_children(f.tree().root_node()).into_iter().any(|d| {
            d.kind() == "function_declaration"
                && d.child_by_field_name("name")
                    .is_some_and(|n| f.node_text(n) == name)
                && {
                    let mut found = false;
                    syntax::walk(d, &mut |n| found |= !found && is_measurement(f, n));
                    found
                }
        })
    })
}

/// Is the statement after `stmt` in its list `debug.FreeOSMemory()`?
fn next_is_free_os_memory(file: &PkgFile, stmt: Node<'_>) -> bool {
    let Some(list) = stmt.parent().filter(|p| p.kind() == "statement_list") else {
        return false;
    };
    let stmts = named_children(list);
    let Some(i) = stmts.iter().position(|s| s.id() == stmt.id()) else {
        return false;
    };
    stmts.get(i + 1).is_some_and(|next| {
        next.kind() == "expression_statement"
            && named_children(*next)
                .first()
                .is_some_and(|c| is_import_call(file, *c, "runtime/debug", &["FreeOSMemory"]))
    })
}

// ---- periodic loops ----

/// Would `block` do nothing but wait (sleep, receive, log, leave) once `removed` is gone?
fn block_is_idle(file: &PkgFile, block: Node<'_>, removed: Node<'_>) -> bool {
    syntax::block_statements(block)
        .into_iter()
        .all(|s| stmt_is_idle(file, s, removed))
}

fn stmt_is_idle(file: &PkgFile, s: Node<'_>, removed: Node<'_>) -> bool {
    if s.id() == removed.id() {
        return true;
    }
    match s.kind() {
        "return_statement" | "break_statement" | "continue_statement" | "empty_statement" => true,
        "labeled_statement" => named_children(s)
            .into_iter()
            .skip(1)
            .all(|x| stmt_is_idle(file, x, removed)),
        "expression_statement" => named_children(s).first().is_some_and(|e| match e.kind() {
            "unary_expression" => e
                .child_by_field_name("operator")
                .is_some_and(|o| file.node_text(o) == "<-"),
            "call_expression" => {
                is_import_call(file, *e, "time", &["Sleep"]) || is_log_call(file, *e)
            }
            _ => false,
        }),
        "select_statement" => named_children(s).into_iter().all(|case| {
            let receives = case
                .child_by_field_name("communication")
                .is_none_or(|c| c.kind() == "receive_statement");
            receives
                && syntax::case_statements(case)
                    .into_iter()
                    .all(|x| stmt_is_idle(file, x, removed))
        }),
        "if_statement" => {
            // An `if` whose branches are idle (a `break` on a flag, say) changes nothing about the loop's work.
            let cond_pure = s
                .child_by_field_name("condition")
                .is_some_and(|c| syntax::is_pure_expr(c, &file.text));
            cond_pure
                && s.child_by_field_name("initializer").is_none()
                && ["consequence", "alternative"].iter().all(|f| {
                    s.child_by_field_name(f).is_none_or(|b| match b.kind() {
                        "block" => block_is_idle(file, b, removed),
                        _ => stmt_is_idle(file, b, removed),
                    })
                })
        }
        _ => false,
    }
}

/// `log.Printf(...)`, `slog.Info(...)`, `logger.Debugf(...)`: logging, not work.
fn is_log_call(file: &PkgFile, call: Node<'_>) -> bool {
    if is_import_call(file, call, "log", &[]) || is_import_call(file, call, "log/slog", &[]) {
        return true;
    }
    call.child_by_field_name("function").is_some_and(|f| {
        f.kind() == "selector_expression"
            && f.child_by_field_name("field").is_some_and(|n| {
                let name = file.node_text(n);
                ["Print", "Debug", "Info", "Warn", "Trace", "Log"]
                    .iter()
                    .any(|p| {
                        name.strip_prefix(p)
                            .is_some_and(|rest| matches!(rest, "" | "f" | "ln" | "w" | "Context"))
                    })
            })
    })
}

// ---- request handlers ----

/// The parameters of a recognised request handler: the names of its writer/context and request parameters.
struct Handler {
    params: Vec<String>,
}

/// Recognises handler signatures from syntax: `(http.ResponseWriter, *http.Request)`, gin's
/// `(*gin.Context)`, echo's `(echo.Context) error`, fiber's `(*fiber.Ctx) error`; the package qualifiers
/// must resolve to those imports.
fn handler_shape(file: &PkgFile, func: Node<'_>) -> Option<Handler> {
    let params = func.child_by_field_name("parameters")?;
    let mut list: Vec<(String, Node<'_>)> = vec![];
    for decl in named_children(params) {
        if decl.kind() != "parameter_declaration" {
            return None;
        }
        let ty = decl.child_by_field_name("type")?;
        let mut c = decl.walk();
        let names: Vec<String> = decl
            .children_by_field_name("name", &mut c)
            .map(|n| file.node_text(n).to_string())
            .collect();
        if names.is_empty() {
            list.push(("_".into(), ty));
        }
        list.extend(names.into_iter().map(|n| (n, ty)));
    }
    let result = func
        .child_by_field_name("result")
        .map(|r| file.node_text(r));
    let is = |ty: Node<'_>, pointer: bool, paths: &[&str], name: &str| -> bool {
        let ty = if pointer {
            match (ty.kind(), named_children(ty).first()) {
                ("pointer_type", Some(inner)) => *inner,
                _ => return false,
            }
        } else {
            ty
        };
        ty.kind() == "qualified_type"
            && ty
                .child_by_field_name("name")
                .is_some_and(|n| file.node_text(n) == name)
            && ty
                .child_by_field_name("package")
                .is_some_and(|p| paths.iter().any(|path| names_import(file, p, path)))
    };
    let ok = match (list.as_slice(), result) {
        ([(_, w), (_, r)], None) => {
            is(*w, false, &["net/http"], "ResponseWriter") && is(*r, true, &["net/http"], "Request")
        }
        ([(_, c)], None) => is(*c, true, &["github.com/gin-gonic/gin"], "Context"),
        ([(_, c)], Some("error")) => {
            is(
                *c,
                false,
                &["github.com/labstack/echo/v4", "github.com/labstack/echo"],
                "Context",
            ) || is(*c, true, &["github.com/gofiber/fiber/v2"], "Ctx")
                || is(*c, false, &["github.com/gofiber/fiber/v3"], "Ctx")
        }
        _ => false,
    };
    ok.then(|| Handler {
        params: list
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n != "_")
            .collect(),
    })
}

/// Words that say a function exists to collect garbage or give memory back.
const PURPOSE_WORDS: &[&str] = &[
    "gc", "garbage", "mem", "memory", "free", "release", "reclaim", "scavenge", "heap",
];
/// More words that mark an endpoint (handler names, routes) as administrative.
const ENDPOINT_WORDS: &[&str] = &["debug", "admin", "pprof"];

fn words(s: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && !cur.is_empty()
            && (prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || next.is_some_and(|n| n.is_lowercase()));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter().map(|w| w.to_lowercase()).collect()
}

fn names_purpose(s: &str, endpoint: bool) -> bool {
    let lower = s.to_lowercase();
    lower.starts_with("gc")
        || lower.ends_with("gc")
        || words(s).iter().any(|w| {
            PURPOSE_WORDS.contains(&w.as_str())
                || (endpoint && ENDPOINT_WORDS.contains(&w.as_str()))
        })
}

/// §3.3's "admin endpoints" and on-demand helpers: forcing a collection is what the code is for.
fn forcing_is_the_purpose(
    pkg: &Package,
    file: &PkgFile,
    func: Node<'_>,
    handler: Option<&Handler>,
    removed: Node<'_>,
) -> bool {
    let endpoint = handler.is_some();
    let name = func.child_by_field_name("name").map(|n| file.node_text(n));
    if name.is_some_and(|n| names_purpose(n, endpoint)) {
        return true;
    }
    let Some(handler) = handler else { return false };
    // A `ServeHTTP` (or other handler method) of a type named for the job.
    if func.kind() == "method_declaration"
        && let Some(recv) = func.child_by_field_name("receiver")
    {
        let mut found = false;
        syntax::walk(recv, &mut |n| {
            found |= n.kind() == "type_identifier" && names_purpose(file.node_text(n), true)
        });
        if found {
            return true;
        }
    }
    if registered_on_purpose_route(pkg, file, func, name) {
        return true;
    }
    func.child_by_field_name("body")
        .is_some_and(|b| only_responds(file, b, handler, removed))
}

/// Is the handler passed to a call that also takes a route string naming the job (`"/debug/gc"`)?
fn registered_on_purpose_route(
    pkg: &Package,
    file: &PkgFile,
    func: Node<'_>,
    name: Option<&str>,
) -> bool {
    let route_in = |f: &PkgFile, call: Node<'_>| {
        call.child_by_field_name("arguments").is_some_and(|args| {
            named_children(args).into_iter().any(|a| {
                matches!(
                    a.kind(),
                    "interpreted_string_literal" | "raw_string_literal"
                ) && names_purpose(f.node_text(a).trim_matches(['"', '`']), true)
            })
        })
    };
    if func.kind() == "func_literal" {
        // The registration call whose arguments hold the literal (possibly inside `http.HandlerFunc(...)`).
        return syntax::ancestors(func)
            .filter(|a| a.kind() == "call_expression")
            .take(2)
            .any(|c| route_in(file, c));
    }
    let Some(name) = name else { return false };
    let spells = |f: &&PkgFile| memchr::memmem::find(f.text.as_bytes(), name.as_bytes()).is_some();
    pkg.files.iter().filter(spells).any(|f| {
        let mut found = false;
        syntax::walk(f.tree().root_node(), &mut |n| {
            if found || n.kind() != "call_expression" {
                return;
            }
            let Some(args) = n.child_by_field_name("arguments") else {
                return;
            };
            let mentions = named_children(args).into_iter().any(|a| {
                let mut hit = false;
                syntax::walk(a, &mut |x| {
                    hit |= matches!(x.kind(), "identifier" | "field_identifier")
                        && f.node_text(x) == name
                });
                hit
            });
            found = mentions && route_in(f, n);
        });
        found
    })
}

/// Does the handler body, apart from the removed statement, only write the response, log or return?
fn only_responds(file: &PkgFile, body: Node<'_>, handler: &Handler, removed: Node<'_>) -> bool {
    syntax::block_statements(body)
        .into_iter()
        .all(|s| responds(file, s, handler, removed))
}

fn responds(file: &PkgFile, s: Node<'_>, handler: &Handler, removed: Node<'_>) -> bool {
    if s.id() == removed.id() {
        return true;
    }
    match s.kind() {
        "return_statement" | "empty_statement" => true,
        "expression_statement" | "defer_statement" => named_children(s).first().is_some_and(|c| {
            c.kind() == "call_expression"
                && (is_log_call(file, *c) || is_response_call(file, *c, handler))
        }),
        "if_statement" => ["consequence", "alternative"].iter().all(|f| {
            s.child_by_field_name(f).is_none_or(|b| match b.kind() {
                "block" => only_responds(file, b, handler, removed),
                _ => responds(file, b, handler, removed),
            })
        }),
        _ => false,
    }
}

/// A call on the handler's parameters (`w.WriteHeader(204)`, `c.String(200, "ok")`) or an imported
/// package's function that takes them (`fmt.Fprintln(w, "ok")`, `http.Error(w, ...)`), with no other call in
/// its arguments.
fn is_response_call(file: &PkgFile, call: Node<'_>, handler: &Handler) -> bool {
    let is_param = |n: Node<'_>| {
        n.kind() == "identifier" && handler.params.iter().any(|p| p == file.node_text(n))
    };
    let Some(args) = call.child_by_field_name("arguments") else {
        return false;
    };
    let on_param = call
        .child_by_field_name("function")
        .is_some_and(|f| is_param(chain_root(f)));
    // `fmt.Fprintln(w, ...)`, `http.Error(w, ...)`: an imported package's function writing the response. A
    // package helper taking `w` and `r` (`serve(w, r)`) is the handler's real work (owner's decision).
    let imported_callee = call.child_by_field_name("function").is_some_and(|f| {
        f.kind() == "selector_expression"
            && f.child_by_field_name("operand").is_some_and(|o| {
                o.kind() == "identifier"
                    && file
                        .imports()
                        .iter()
                        .any(|i| i.is_usable() && i.local == file.node_text(o))
                    && !handler.params.iter().any(|p| p == file.node_text(o))
            })
    });
    let takes_param = imported_callee && named_children(args).into_iter().any(is_param);
    let plain_args = {
        let mut ok = true;
        for a in named_children(args) {
            syntax::walk(a, &mut |n| {
                ok &= n.kind() != "call_expression" || is_param(chain_root(n))
            });
        }
        ok
    };
    (on_param || takes_param) && plain_args
}

/// The leftmost operand of a selector/call/index chain: `w` for `w.Header().Set`.
fn chain_root(mut n: Node<'_>) -> Node<'_> {
    loop {
        let next = match n.kind() {
            "selector_expression" | "index_expression" => n.child_by_field_name("operand"),
            "call_expression" => n.child_by_field_name("function"),
            _ => None,
        };
        match next {
            Some(x) => n = x,
            None => return n,
        }
    }
}

// ---- package-wide facts ----

/// The first use in the package of something whose behaviour a forced collection changes (§3.1), as a
/// reason with its place (`cache.go:14`).
fn package_depends_on_gc(pkg: &Package) -> Option<String> {
    // Only files that spell one of the names below can hold such a use; the rest are not parsed.
    const TOKENS: &[&str] = &[
        "\"weak\"",
        "\"unique\"",
        "AddCleanup",
        "FreeOSMemory",
        "KeepAlive",
        "Pool",
        "SetFinalizer",
        "SetGCPercent",
        "SetMemoryLimit",
        "Setenv",
    ];
    let spells = |f: &PkgFile| {
        TOKENS
            .iter()
            .any(|t| memchr::memmem::find(f.text.as_bytes(), t.as_bytes()).is_some())
    };
    for f in pkg.files.iter().filter(|f| spells(f)) {
        let base = f
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&f.display)
            .to_string();
        let at = |n: Node<'_>| format!("{base}:{}", n.start_position().row + 1);
        let mut reason: Option<String> = None;
        syntax::walk(f.tree().root_node(), &mut |n| {
            if reason.is_some() {
                return;
            }
            reason = match n.kind() {
                "import_spec" => {
                    let path = n
                        .child_by_field_name("path")
                        .map(|p| f.node_text(p).trim_matches('"'));
                    match path {
                        Some("weak") => Some(format!(
                            "the package imports weak ({}): a forced collection clears weak pointers sooner",
                            at(n)
                        )),
                        Some("unique") => Some(format!(
                            "the package imports unique ({}): a forced collection reclaims unused handles sooner",
                            at(n)
                        )),
                        _ => None,
                    }
                }
                "call_expression" => {
                    gc_sensitive_call(f, n).map(|what| format!("{what} ({})", at(n)))
                }
                "qualified_type" | "selector_expression" => {
                    let (op, field) = if n.kind() == "qualified_type" {
                        ("package", "name")
                    } else {
                        ("operand", "field")
                    };
                    let pool = n
                        .child_by_field_name(field)
                        .is_some_and(|x| f.node_text(x) == "Pool")
                        && n.child_by_field_name(op)
                            .is_some_and(|o| names_import(f, o, "sync"));
                    pool.then(|| format!("the package uses sync.Pool ({}): every collection moves pooled objects to the victim cache and drops the older ones", at(n)))
                }
                _ => None,
            };
        });
        if reason.is_some() {
            return reason;
        }
    }
    None
}

fn gc_sensitive_call(f: &PkgFile, n: Node<'_>) -> Option<&'static str> {
    let checks: &[(&str, &str, &str)] = &[
        (
            "runtime",
            "SetFinalizer",
            "the package sets finalizers (runtime.SetFinalizer), which a forced collection runs sooner",
        ),
        (
            "runtime",
            "AddCleanup",
            "the package registers cleanups (runtime.AddCleanup), which a forced collection runs sooner",
        ),
        (
            "runtime",
            "KeepAlive",
            "the package calls runtime.KeepAlive, a sign that it depends on when objects are collected",
        ),
        (
            "runtime/debug",
            "SetGCPercent",
            "the package tunes the collector (debug.SetGCPercent); with GC off this call may be the only collection",
        ),
        (
            "runtime/debug",
            "SetMemoryLimit",
            "the package sets a memory limit (debug.SetMemoryLimit) and manages collections by hand",
        ),
        (
            "runtime/debug",
            "FreeOSMemory",
            "the package returns memory to the OS by hand (debug.FreeOSMemory), and a forced collection changes how much",
        ),
    ];
    for (path, func, why) in checks {
        if is_import_call(f, n, path, &[func]) {
            return Some(why);
        }
    }
    if is_import_call(f, n, "os", &["Setenv"]) {
        let first = n
            .child_by_field_name("arguments")
            .and_then(|a| named_children(a).into_iter().next());
        if first.is_some_and(|a| matches!(f.node_text(a), "\"GOGC\"" | "\"GOMEMLIMIT\"")) {
            return Some(
                "the package sets GOGC or GOMEMLIMIT (os.Setenv); with GC off this call may be the only collection",
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_fix, check_no_fix, run_one};

    #[test]
    fn doc_example_round_trips() {
        let doc = crate::catalog::docs::doc(&TRANSFORM);
        let before = crate::catalog::docs::go_block(&doc, "## Example").expect("example");
        let after = crate::catalog::docs::go_block(&doc, "## Use instead").expect("use instead");
        check_fix(&TRANSFORM, &before, &after);
    }

    const HTTP: &str = "package m\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n\t\"runtime\"\n)\n\n";
    const HTTP_NO_RT: &str = "package m\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\n";

    #[test]
    fn handler_is_safe() {
        let body = "\tdata := load(r.URL.Path)\n\tfmt.Fprint(w, data)\n";
        check_fix(
            &TRANSFORM,
            &format!(
                "{HTTP}func load(p string) string {{ return p }}\n\nfunc serve(w http.ResponseWriter, r *http.Request) {{\n{body}\truntime.GC()\n}}\n"
            ),
            &format!(
                "{HTTP_NO_RT}func load(p string) string {{ return p }}\n\nfunc serve(w http.ResponseWriter, r *http.Request) {{\n{body}}}\n"
            ),
        );
        // A literal handler and `defer runtime.GC()`.
        check_fix(
            &TRANSFORM,
            &format!(
                "{HTTP}func load(p string) string {{ return p }}\n\nvar h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {{\n\tdefer runtime.GC()\n{body}}})\n"
            ),
            &format!(
                "{HTTP_NO_RT}func load(p string) string {{ return p }}\n\nvar h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {{\n{body}}})\n"
            ),
        );
    }

    #[test]
    fn framework_handlers_are_recognised_by_their_imports() {
        let gin = "package m\n\nimport (\n\t\"runtime\"\n\n\t\"github.com/gin-gonic/gin\"\n)\n\nfunc list(c *gin.Context) {\n\titems := load(c.Query(\"q\"))\n\tc.JSON(200, items)\n\truntime.GC()\n}\n\nfunc load(q string) []string { return []string{q} }\n";
        check_fix(
            &TRANSFORM,
            gin,
            &gin.replace("\t\"runtime\"\n\n", "")
                .replace("\truntime.GC()\n", ""),
        );
        let echo = "package m\n\nimport (\n\t\"runtime\"\n\n\t\"github.com/labstack/echo/v4\"\n)\n\nfunc list(c echo.Context) error {\n\titems := []string{c.QueryParam(\"q\")}\n\truntime.GC()\n\treturn c.JSON(200, items)\n}\n";
        check_fix(
            &TRANSFORM,
            echo,
            &echo
                .replace("\t\"runtime\"\n\n", "")
                .replace("\truntime.GC()\n", ""),
        );
        // A look-alike `Context` from another package is not a handler: Unsafe only.
        let other = "package m\n\nimport (\n\t\"context\"\n\t\"runtime\"\n)\n\nfunc list(c context.Context) error {\n\t_ = c.Err()\n\truntime.GC()\n\treturn nil\n}\n";
        let (safe_only, out) = run_one(&TRANSFORM, "1.22", other, false);
        assert_eq!(safe_only, other);
        assert_eq!(out.findings.len(), 1);
    }

    #[test]
    fn elsewhere_is_unsafe() {
        let src = "package m\n\nimport \"runtime\"\n\nfunc rebuild(shards []string, build func(string)) {\n\tfor _, s := range shards {\n\t\tbuild(s)\n\t\truntime.GC()\n\t}\n}\n";
        let (safe_only, out) = run_one(&TRANSFORM, "1.22", src, false);
        assert_eq!(safe_only, src);
        assert_eq!(out.findings.len(), 1);
        let (fixed, _) = run_one(&TRANSFORM, "1.22", src, true);
        assert_eq!(
            fixed,
            "package m\n\nfunc rebuild(shards []string, build func(string)) {\n\tfor _, s := range shards {\n\t\tbuild(s)\n\t}\n}\n"
        );
    }

    #[test]
    fn never_in_tests_or_before_profiles() {
        check_no_fix(
            &TRANSFORM,
            "package m\n\nimport (\n\t\"runtime\"\n\t\"testing\"\n)\n\nfunc BenchmarkX(b *testing.B) {\n\tb.Log()\n\truntime.GC()\n}\n",
        );
        check_no_fix(
            &TRANSFORM,
            "package m\n\nimport (\n\t\"os\"\n\t\"runtime\"\n\t\"runtime/pprof\"\n)\n\nfunc dump(f *os.File) error {\n\tf.Sync()\n\truntime.GC()\n\treturn pprof.WriteHeapProfile(f)\n}\n",
        );
        check_no_fix(
            &TRANSFORM,
            "package m\n\nimport (\n\t\"io\"\n\t\"runtime\"\n\t\"runtime/pprof\"\n)\n\nfunc dump(w io.Writer) error {\n\tprintln()\n\truntime.GC()\n\treturn write(w)\n}\n\nfunc write(w io.Writer) error {\n\treturn pprof.Lookup(\"allocs\").WriteTo(w, 0)\n}\n",
        );
        check_no_fix(
            &TRANSFORM,
            "package m\n\nimport \"runtime\"\n\nfunc heap() uint64 {\n\tvar m runtime.MemStats\n\truntime.GC()\n\truntime.ReadMemStats(&m)\n\treturn m.HeapAlloc\n}\n",
        );
    }

    #[test]
    fn purposeful_calls_are_left_alone() {
        let admin = format!(
            "{HTTP}func handleGC(w http.ResponseWriter, r *http.Request) {{\n\tx := 1\n\truntime.GC()\n\tfmt.Fprint(w, x)\n}}\n"
        );
        check_no_fix(&TRANSFORM, &admin);
        let respond = format!(
            "{HTTP}func handle(w http.ResponseWriter, r *http.Request) {{\n\tif r.Method != http.MethodPost {{\n\t\thttp.Error(w, \"POST only\", http.StatusMethodNotAllowed)\n\t\treturn\n\t}}\n\truntime.GC()\n\tw.WriteHeader(http.StatusNoContent)\n\tfmt.Fprintln(w, \"ok\")\n}}\n"
        );
        check_no_fix(&TRANSFORM, &respond);
        let route = format!(
            "{HTTP}func routes(mux *http.ServeMux, n int) {{\n\tmux.HandleFunc(\"/debug/collect\", func(w http.ResponseWriter, r *http.Request) {{\n\t\tx := n * 2\n\t\truntime.GC()\n\t\tfmt.Fprint(w, x)\n\t}})\n}}\n"
        );
        check_no_fix(&TRANSFORM, &route);
        let named = "package m\n\nimport \"runtime\"\n\nfunc releaseMemory(cache map[string][]byte) {\n\tclear(cache)\n\truntime.GC()\n}\n";
        check_no_fix(&TRANSFORM, named);
        let signals = "package m\n\nimport (\n\t\"os\"\n\t\"os/signal\"\n\t\"runtime\"\n\t\"syscall\"\n)\n\nfunc watch() {\n\tc := make(chan os.Signal, 1)\n\tsignal.Notify(c, syscall.SIGUSR1)\n\tgo func() {\n\t\tfor range c {\n\t\t\truntime.GC()\n\t\t}\n\t}()\n}\n";
        check_no_fix(&TRANSFORM, signals);
    }

    #[test]
    fn report_only_cases() {
        let redundant = "package m\n\nimport (\n\t\"runtime\"\n\t\"runtime/debug\"\n)\n\nfunc shrink(cache map[string][]byte) {\n\tclear(cache)\n\truntime.GC()\n\tdebug.FreeOSMemory()\n}\n";
        let msgs = check_detect_only_go(&TRANSFORM, "1.22", redundant);
        assert!(msgs[0].starts_with("redundant forced GC"), "{msgs:?}");
        let periodic = "package m\n\nimport (\n\t\"log\"\n\t\"runtime\"\n\t\"time\"\n)\n\nfunc background() {\n\tfor {\n\t\ttime.Sleep(time.Minute)\n\t\tlog.Print(\"collecting\")\n\t\truntime.GC()\n\t}\n}\n";
        let msgs = check_detect_only_go(&TRANSFORM, "1.22", periodic);
        assert!(msgs[0].starts_with("periodic forced GC"), "{msgs:?}");
        let ticker = "package m\n\nimport (\n\t\"context\"\n\t\"runtime\"\n\t\"time\"\n)\n\nfunc background(ctx context.Context) {\n\tt := time.NewTicker(time.Minute)\n\tdefer t.Stop()\n\tfor {\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-t.C:\n\t\t\truntime.GC()\n\t\t}\n\t}\n}\n";
        let msgs = check_detect_only_go(&TRANSFORM, "1.22", ticker);
        assert!(msgs[0].starts_with("periodic forced GC"), "{msgs:?}");
        let pool = "package m\n\nimport (\n\t\"runtime\"\n\t\"sync\"\n)\n\nvar bufs = sync.Pool{New: func() any { return new([]byte) }}\n\nfunc work(f func()) {\n\tf()\n\truntime.GC()\n}\n";
        check_detect_only_go(&TRANSFORM, "1.22", pool);
        assert!(withheld(pool).contains("sync.Pool (x.go:8)"));
        let only = "package m\n\nimport \"runtime\"\n\nfunc settle() {\n\truntime.GC()\n}\n";
        check_detect_only_go(&TRANSFORM, "1.22", only);
        assert!(withheld(only).contains("only statement of its function"));
        let blocked = "package m\n\nimport \"runtime\"\n\nfunc step(big bool, f func()) {\n\tif big {\n\t\truntime.GC()\n\t} else {\n\t\tf()\n\t}\n\tf()\n}\n";
        check_detect_only_go(&TRANSFORM, "1.22", blocked);
        assert!(withheld(blocked).contains("beside an `else`"));
        assert!(withheld(redundant).contains("one cycle instead of two"));
        assert!(withheld(periodic).contains("only waiting"));
    }

    fn withheld(src: &str) -> String {
        let found = crate::testing::findings(&TRANSFORM, "1.22", src);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].fix.is_none());
        found[0].withheld.clone().expect("a withheld reason")
    }

    #[test]
    fn a_helper_taking_the_writer_is_the_handler_s_work() {
        // Owner's decision "R3b on request paths": `serve(w, r)` does not make this a GC endpoint.
        let src = format!(
            "{HTTP}func serve(w http.ResponseWriter, r *http.Request) {{\n\tfmt.Fprint(w, r.URL.Path)\n}}\n\nfunc handle(w http.ResponseWriter, r *http.Request) {{\n\tserve(w, r)\n\truntime.GC()\n}}\n"
        );
        let (fixed, out) = run_one(&TRANSFORM, "1.22", &src, false);
        assert!(!fixed.contains("runtime.GC()"), "{:?}", out.findings);
    }

    #[test]
    fn a_threshold_collector_loop_is_its_design() {
        let src = "package m\n\nimport (\n\t\"runtime\"\n\t\"time\"\n)\n\nfunc watch(limit uint64) {\n\tt := time.NewTicker(time.Second)\n\tfor range t.C {\n\t\tvar ms runtime.MemStats\n\t\truntime.ReadMemStats(&ms)\n\t\tif ms.HeapAlloc > limit {\n\t\t\truntime.GC()\n\t\t}\n\t}\n}\n";
        check_no_fix(&TRANSFORM, src);
    }

    #[test]
    fn if_shapes_follow_section_3_4() {
        let src = "package m\n\nimport \"runtime\"\n\nfunc step(n int, f func()) {\n\tf()\n\tif n > 1000 {\n\t\truntime.GC()\n\t}\n}\n";
        let (fixed, _) = run_one(&TRANSFORM, "1.22", src, true);
        assert_eq!(
            fixed,
            "package m\n\nfunc step(n int, f func()) {\n\tf()\n}\n"
        );
    }

    #[test]
    fn word_splitting() {
        assert_eq!(words("handleGCNow"), ["handle", "gc", "now"]);
        assert_eq!(
            words("/debug/free-os-memory"),
            ["debug", "free", "os", "memory"]
        );
        assert!(names_purpose("forcegc", false));
        assert!(names_purpose("freeOSMemory", false));
        assert!(!names_purpose("handleReport", true));
        assert!(!names_purpose("rebuild", false));
    }
}
