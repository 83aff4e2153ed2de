//! # stack-all-goroutines (R7.3)
//!
//! ## What it does
//! Reports `runtime.Stack(buf, true)` (all goroutines) on an ordinary code path: outside a panic-recovery
//! handler, outside a dedicated dump function, outside signal handling and outside tests.
//!
//! ## Why is this bad?
//! With its second argument `true`, `runtime.Stack` stops the world and formats the stack of every
//! goroutine into the buffer before the program may continue. The pause grows with the number of
//! goroutines (a server with tens of thousands of connections pays milliseconds), and every other
//! goroutine waits for it. Capturing it "just in case" on every request or every error turns a debugging
//! tool into a recurring global pause. There is no cheaper call with the same output: `Stack(buf, false)`
//! gives only the calling goroutine, and the goroutine profile `pprof.Lookup("goroutine").WriteTo(w, 1)`
//! gives an aggregated view with a much shorter pause (Go 1.19 and later).
//!
//! ## Example
//! ```go
//! package api
//!
//! import (
//! 	"log"
//! 	"net/http"
//! 	"runtime"
//! )
//!
//! func handleOrder(w http.ResponseWriter, r *http.Request) {
//! 	if err := r.ParseForm(); err != nil {
//! 		buf := make([]byte, 1<<20)
//! 		n := runtime.Stack(buf, true)
//! 		log.Printf("bad form: %v\n%s", err, buf[:n])
//! 		http.Error(w, "bad request", http.StatusBadRequest)
//! 		return
//! 	}
//! 	w.WriteHeader(http.StatusNoContent)
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package api
//!
//! import (
//! 	"log"
//! 	"net/http"
//! )
//!
//! func handleOrder(w http.ResponseWriter, r *http.Request) {
//! 	if err := r.ParseForm(); err != nil {
//! 		log.Printf("bad form: %v", err)
//! 		http.Error(w, "bad request", http.StatusBadRequest)
//! 		return
//! 	}
//! 	w.WriteHeader(http.StatusNoContent)
//! }
//! ```
//! Dump all goroutines only on demand (a signal, an admin endpoint, a rate-limited trigger) or on panic;
//! when only this goroutine matters, `runtime.Stack(buf, false)` or `debug.Stack()` pauses nothing.
//!
//! ## Fix safety
//! No fix: report only. There is no cheaper call with the same output: `Stack(buf, false)` shows only
//! the caller and the goroutine profile is aggregated, so any change alters what gets logged.
//!
//! ## Version gating
//! None: `runtime.Stack` has stopped the world for `all == true` since Go 1.0.
//!
//! ## When it does not fire
//! - The second argument is not the literal `true`, or `runtime` is dot-imported or shadowed.
//! - Panic paths: the enclosing function (or a function literal around the call) calls `recover()`
//!   itself, or the enclosing function's name says it handles panics or crashes (`panic`, `recover`,
//!   `crash`), or every call of it in the package sits in a function that calls `recover()`.
//! - Dedicated dump functions: the enclosing function's name mentions `stack`, `dump`, `goroutine` or
//!   `debug`, or the call is in a function literal passed next to a string that does (a route such as
//!   `mux.HandleFunc("/debug/goroutines", func(...) {...})`): an on-demand dump or an admin endpoint is
//!   what the call is for.
//! - Files importing `os/signal` (a dump triggered by SIGQUIT/SIGUSR1 is on demand).
//! - Test code: `*_test.go`, files importing `testing`, `Test*`/`Benchmark*`/`Fuzz*`/`Example*` functions.
//! - Test-support packages: `*test` and `testutil` names, benchmark harnesses, `e2e/` and `integration/`
//!   trees.
//!
//! ## References
//! `runtime.Stack` in `src/runtime/mprof.go` (stops the world when `all` is true); Go 1.19 release notes
//! (goroutine profile pause).

use crate::read::syntax;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::{Package, PkgFile};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.3",
        name: "stack-all-goroutines",
        summary: "runtime.Stack(buf, true) on a regular path stops the world to format every goroutine",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &[],
        calls: &[("runtime", &["Stack"])],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("stack_all_goroutines.rs"),
    query: QUERY,
    run,
    precheck: |bytes, module| {
        crate::rules::transform::outside_tests(bytes, module)
            && !crate::semantic::prefilter::imports(bytes, "os/signal")
    },
    other_files: None,
};

const QUERY: &str = r#"
((call_expression
   function: (selector_expression field: (field_identifier) @fn)
   arguments: (argument_list (_) (true))) @match
 (#eq? @fn "Stack"))
"#;

const MESSAGE: &str = "stops the world while it formats every goroutine's stack: here it pauses the whole program each time this path runs (dump all goroutines only on panic or on demand, rate-limit it, use `runtime.Stack(buf, false)` for this goroutine, or the aggregated `pprof.Lookup(\"goroutine\").WriteTo(w, 1)`)";

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let call = m.node("match")?;
    let file = cx.file();
    // §6.4: exactly `runtime.Stack(x, true)`, `runtime` resolved per §0.3.
    if !file.is_pkg_call(call, "runtime", "Stack") {
        return None;
    }
    let args = call
        .child_by_field_name("arguments")
        .map(syntax::named_children)
        .unwrap_or_default();
    if args.len() != 2 || args[1].kind() != "true" {
        return None;
    }
    // Tests dump stacks to diagnose hangs.
    if in_test_code(file, call) || crate::semantic::context::in_test_support(cx.pkg, file) {
        return None;
    }
    // A dump triggered by a signal (SIGQUIT, SIGUSR1) is on demand.
    if file.imports_path("os/signal") {
        return None;
    }
    // Panic paths: a function around the call recovers itself.
    if syntax::ancestors(call)
        .filter(|a| syntax::is_function(*a))
        .any(|f| calls_recover_directly(file, f))
    {
        return None;
    }
    let top = syntax::enclosing_top_function(call)?;
    let name = top
        .child_by_field_name("name")
        .map(|n| file.node_text(n).to_string())
        .unwrap_or_default();
    // Named panic handlers and dedicated on-demand dump functions.
    if mentions_dump(&name) {
        return None;
    }
    // A function literal registered under a dump route: `mux.HandleFunc("/debug/goroutines", func(...) {...})`.
    if registered_as_dump(file, call) {
        return None;
    }
    // A helper called only from recovering functions.
    if !name.is_empty() && only_called_when_recovering(cx.pkg, &name) {
        return None;
    }
    let shown = match file.node_text(call) {
        t if t.len() <= 60 && !t.contains('\n') => t.to_string(),
        _ => "runtime.Stack(buf, true)".to_string(),
    };
    cx.report(TextRange::of(call), format!("`{shown}` {MESSAGE}"));
    Some(())
}

/// Words naming panic handlers and on-demand dumps.
fn mentions_dump(name: &str) -> bool {
    let lower = name.to_lowercase();
    [
        "panic",
        "recover",
        "crash",
        "stack",
        "dump",
        "goroutine",
        "debug",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Is a function literal around `call` passed to a call next to a string literal that names a dump
/// (a route such as "/debug/goroutines")?
fn registered_as_dump(file: &PkgFile, call: Node<'_>) -> bool {
    syntax::ancestors(call)
        .filter(|a| a.kind() == "func_literal")
        .any(|lit| {
            lit.parent()
                .filter(|p| p.kind() == "argument_list")
                .is_some_and(|args| {
                    syntax::named_children(args).iter().any(|a| {
                        matches!(
                            a.kind(),
                            "interpreted_string_literal" | "raw_string_literal"
                        ) && mentions_dump(file.node_text(*a))
                    })
                })
        })
}

/// Does the body of `func` call `recover()`, not counting nested function literals?
fn calls_recover_directly(file: &PkgFile, func: Node<'_>) -> bool {
    let Some(body) = func.child_by_field_name("body") else {
        return false;
    };
    let mut found = false;
    syntax::walk(body, &mut |n| {
        if found || n.kind() != "call_expression" {
            return;
        }
        let is_recover = n
            .child_by_field_name("function")
            .is_some_and(|f| f.kind() == "identifier" && file.node_text(f) == "recover");
        found = is_recover && syntax::enclosing_function(n).is_some_and(|f| f.id() == func.id());
    });
    found
}

/// Is `name` called at least once in the package, and is every call (by plain name or as a method)
/// inside a function that calls `recover()` itself? Any other mention of the name counts as a
/// non-recovering use.
fn only_called_when_recovering(pkg: &Package, name: &str) -> bool {
    let mut calls = 0;
    let mut other = false;
    for f in &pkg.files {
        syntax::walk(f.tree().root_node(), &mut |n| {
            if other || !matches!(n.kind(), "identifier" | "field_identifier") {
                return;
            }
            if f.node_text(n) != name {
                return;
            }
            let Some(parent) = n.parent() else { return };
            if matches!(parent.kind(), "function_declaration" | "method_declaration") {
                return;
            }
            let callee = match parent.kind() {
                "selector_expression" => parent,
                _ => n,
            };
            let is_call = callee.parent().is_some_and(|c| {
                c.kind() == "call_expression"
                    && c.child_by_field_name("function")
                        .is_some_and(|x| x.id() == callee.id())
            });
            if !is_call {
                other = true;
                return;
            }
            calls += 1;
            other = !syntax::ancestors(n)
                .filter(|a| syntax::is_function(*a))
                .any(|func| calls_recover_directly(f, func));
        });
        if other {
            return false;
        }
    }
    calls > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    const HEAD: &str = "package m\n\nimport (\n\t\"log\"\n\t\"runtime\"\n)\n\n";

    #[test]
    fn reports_per_call_dump() {
        let src = format!(
            "{HEAD}func handle(err error) {{\n\tbuf := make([]byte, 1<<16)\n\tn := runtime.Stack(buf, true)\n\tlog.Printf(\"%v %s\", err, buf[:n])\n}}\n"
        );
        assert_eq!(check_detect_only_go(&TRANSFORM, "1.22", &src).len(), 1);
    }

    #[test]
    fn deferred_recover_is_the_right_place() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &format!(
                "{HEAD}func serve(f func()) {{\n\tdefer func() {{\n\t\tif r := recover(); r != nil {{\n\t\t\tbuf := make([]byte, 1<<16)\n\t\t\tn := runtime.Stack(buf, true)\n\t\t\tlog.Printf(\"%v %s\", r, buf[:n])\n\t\t}}\n\t}}()\n\tf()\n}}\n"
            ),
        );
    }

    #[test]
    fn helper_called_only_from_recover() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &format!(
                "{HEAD}func report(r any) {{\n\tbuf := make([]byte, 1<<16)\n\tn := runtime.Stack(buf, true)\n\tlog.Printf(\"%v %s\", r, buf[:n])\n}}\n\nfunc serve(f func()) {{\n\tdefer func() {{\n\t\tif r := recover(); r != nil {{\n\t\t\treport(r)\n\t\t}}\n\t}}()\n\tf()\n}}\n"
            ),
        );
    }

    #[test]
    fn false_and_variables_are_not_all() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &format!(
                "{HEAD}func handle(all bool) {{\n\tbuf := make([]byte, 1<<16)\n\tn := runtime.Stack(buf, false)\n\tn += runtime.Stack(buf, all)\n\tlog.Printf(\"%s\", buf[:n])\n}}\n"
            ),
        );
    }
}
