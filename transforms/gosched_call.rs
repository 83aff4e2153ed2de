//! # gosched-call (R3a)
//!
//! ## What it does
//! Removes a `runtime.Gosched()` statement that is not inside any loop, in an ordinary function that is not
//! itself a yield helper.
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
//! ## Version gating
//! None: `Gosched` has meant the same since Go 1.0 and the rewrite adds no API.
//!
//! ## When it does not fire
//! - The call is inside a `for` loop of its function (a spin-wait: without the yield, a platform without
//!   asynchronous preemption can spin forever), or the function uses `goto`.
//! - The function is a yield helper: its body is only the call (or an `if` holding only it), it is a function
//!   literal or a method, its name is used as a value, it calls itself, or a call to it sits inside a loop or
//!   a function literal anywhere in the package, directly or through other functions of the package.
//! - The function calls `runtime.LockOSThread` (thread-pinned event loops yield on purpose).
//! - Test code: a `*_test.go` file, a file importing `testing`, or a `Test*`, `Benchmark*`, `Fuzz*`,
//!   `Example*` or `TestMain` function (tests yield to provoke interleavings).
//! - The file builds only for platforms without asynchronous preemption (`js`, `wasip1`, `wasm`, `plan9`),
//!   by its `//go:build` or `// +build` lines or its file name.
//! - `go runtime.Gosched()`, `defer runtime.Gosched()`, the function value `runtime.Gosched`, a dot-imported
//!   or shadowed `runtime`, a labeled call, and `if c { runtime.Gosched() } else { ... }`, `if f() { ... }`
//!   or `if x := f(); c { ... }` holding only the call, and an `if` whose removal would leave a variable
//!   its condition reads unused.
//!
//! ## References
//! `runtime.Gosched` in `src/runtime/proc.go`; the Go 1.14 release notes (asynchronous preemption, and
//! the platforms without it); the Go memory model (go.dev/ref/mem).

use crate::buildtags::{
    collect_unknown_tags, eval, file_constraint, filename_platform, platform_tag,
};
use crate::fix::{Fix, TextRange};
use crate::package::{Package, PkgFile};
use crate::removal::{
    Shape, in_test_code, kept_statements, no_arguments, plan_removal, runtime_import_change,
    runtime_local,
};
use crate::syntax;
use crate::transform::{Ctx, Match, Meta, Transform};
use std::collections::HashSet;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R3a",
        name: "gosched-call",
        summary: "runtime.Gosched() outside any loop yields once and orders nothing",
        fix: crate::fix::FixAvailability::Always,
        prefilter: &["Gosched"],
        tier: crate::transform::Tier::AlwaysShip,
    },
    source: include_str!("gosched_call.rs"),
    query: QUERY,
    run,
    precheck: |bytes, _| crate::prefilter::calls_outside_tests(bytes, "runtime", &["Gosched"]),
    other_files: None,
};

const QUERY: &str = r#"
((expression_statement
   (call_expression
     function: (selector_expression field: (field_identifier) @fn)) @call) @match
 (#eq? @fn "Gosched"))
"#;

const MESSAGE: &str = "`runtime.Gosched()` outside any loop yields the processor once and creates no happens-before edge: it orders nothing, and the scheduler preempts busy goroutines by itself";

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) {
    let (Some(stmt), Some(call)) = (m.node("match"), m.node("call")) else {
        return;
    };
    let file = cx.file();
    let src = cx.src();
    // §3.2 match: exactly `runtime.Gosched()`, `runtime` resolved per §0.3 (not dot-imported or shadowed).
    if !file.is_pkg_call(call, "runtime", "Gosched") || !no_arguments(call) {
        return;
    }
    // §0.3 / §3.4 import: a file that declares the import's name anywhere cannot have its uses counted.
    let Some(local) = runtime_local(file) else {
        return;
    };
    // §3.2.4: never in tests.
    if in_test_code(file, stmt) {
        return;
    }
    // §3.2.5: not in files built only for platforms without asynchronous preemption.
    if only_without_preemption(file) {
        return;
    }
    // §3.2.1: not inside any `for` of the same function.
    if syntax::enclosing_loop(stmt).is_some() {
        return;
    }
    // §3.2.2: not a function literal or a method.
    let Some(func) = syntax::enclosing_function(stmt) else {
        return;
    };
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
    if contains_kind(func, "goto_statement") {
        return;
    }
    // §3.2.3: thread-pinned functions yield on purpose.
    if calls_pkg_func(file, func, "runtime", "LockOSThread") {
        return;
    }
    // §3.2.2: its name is not used as a value and it is not called from a loop anywhere in the package.
    if used_as_value(cx.pkg, &name) || may_be_called_repeatedly(cx.pkg, &name, &mut HashSet::new())
    {
        return;
    }
    // §3.4: the edit, or no fire.
    let Ok(removal) = plan_removal(src, stmt) else {
        return;
    };
    // §3.2.2: the body is not just the call (or an `if` holding only the call).
    let body = func.child_by_field_name("body");
    if removal.shape != Shape::ElseClause
        && body.is_some_and(|b| b.id() == removal.container.id())
        && kept_statements(&removal).is_empty()
    {
        return;
    }
    let title = match removal.shape {
        Shape::Statement => "remove the `runtime.Gosched()` call",
        Shape::WholeIf => "remove the `if` whose only statement is `runtime.Gosched()`",
        Shape::ElseClause => "drop the `else` branch that only calls `runtime.Gosched()`",
    };
    let mut fix = Fix::safe(title).edit(cx.file_idx, removal.edit.clone());
    if let Some(change) = runtime_import_change(file, &local) {
        fix = fix.import(cx.file_idx, change);
    }
    let d = cx.report(TextRange::of(call), MESSAGE);
    d.fix = Some(fix);
}

fn contains_kind(node: Node<'_>, kind: &str) -> bool {
    let mut found = false;
    syntax::walk(node, &mut |n| found |= n.kind() == kind);
    found
}

/// Does `scope` (including nested literals) call `path`.`func`?
fn calls_pkg_func(file: &PkgFile, scope: Node<'_>, path: &str, func: &str) -> bool {
    let mut found = false;
    syntax::walk(scope, &mut |n| found |= file.is_pkg_call(n, path, func));
    found
}

/// Is the identifier `name` spelled anywhere in the package other than as a declaration's name or as the
/// callee of a call? (A local of the same name counts too: conservative.)
fn used_as_value(pkg: &Package, name: &str) -> bool {
    pkg.files.iter().any(|f| {
        let mut found = false;
        syntax::walk(f.tree().root_node(), &mut |n| {
            if found || n.kind() != "identifier" || f.node_text(n) != name {
                return;
            }
            let Some(parent) = n.parent() else { return };
            let is_callee = parent.kind() == "call_expression"
                && parent
                    .child_by_field_name("function")
                    .is_some_and(|c| c.id() == n.id());
            let is_decl_name = parent.kind() == "function_declaration"
                && parent
                    .child_by_field_name("name")
                    .is_some_and(|c| c.id() == n.id());
            found = !is_callee && !is_decl_name;
        });
        found
    })
}

/// Can the package function `name` run repeatedly from a loop? True if a call to it sits inside a `for` or a
/// function literal (a callback a retry helper may call in a loop) anywhere in the package, if it calls
/// itself, or if a package function calling it can (§3.2.2, extended through direct callers).
fn may_be_called_repeatedly(pkg: &Package, name: &str, seen: &mut HashSet<String>) -> bool {
    seen.insert(name.to_string());
    let mut callers: Vec<String> = vec![];
    for f in &pkg.files {
        let mut hit = false;
        syntax::walk(f.tree().root_node(), &mut |n| {
            if hit || n.kind() != "call_expression" {
                return;
            }
            let Some(callee) = n.child_by_field_name("function") else {
                return;
            };
            if callee.kind() != "identifier" || f.node_text(callee) != name {
                return;
            }
            if syntax::ancestors(n).any(|a| matches!(a.kind(), "for_statement" | "func_literal")) {
                hit = true;
                return;
            }
            let Some(top) = syntax::enclosing_top_function(n) else {
                return;
            };
            if top.kind() != "function_declaration" {
                return;
            }
            if let Some(caller) = top
                .child_by_field_name("name")
                .map(|c| f.node_text(c).to_string())
            {
                hit |= caller == name;
                callers.push(caller);
            }
        });
        if hit {
            return true;
        }
    }
    callers.into_iter().any(|c| {
        if seen.contains(&c) {
            return false;
        }
        used_as_value(pkg, &c) || may_be_called_repeatedly(pkg, &c, seen)
    })
}

// ---- §3.2.5: platforms without asynchronous preemption ----

/// Platforms that preempt goroutines asynchronously (every first-class and most secondary ports; not
/// `js/wasm`, `wasip1/wasm`, `plan9/*`, `windows/arm`, `darwin/arm`).
const PREEMPTIVE: &[(&str, &str)] = &[
    ("linux", "amd64"),
    ("linux", "386"),
    ("linux", "arm"),
    ("linux", "arm64"),
    ("linux", "loong64"),
    ("linux", "mips"),
    ("linux", "mipsle"),
    ("linux", "mips64"),
    ("linux", "mips64le"),
    ("linux", "ppc64"),
    ("linux", "ppc64le"),
    ("linux", "riscv64"),
    ("linux", "s390x"),
    ("android", "arm64"),
    ("android", "amd64"),
    ("android", "arm"),
    ("android", "386"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("ios", "arm64"),
    ("windows", "amd64"),
    ("windows", "386"),
    ("windows", "arm64"),
    ("freebsd", "amd64"),
    ("freebsd", "386"),
    ("freebsd", "arm"),
    ("freebsd", "arm64"),
    ("freebsd", "riscv64"),
    ("netbsd", "amd64"),
    ("netbsd", "386"),
    ("netbsd", "arm"),
    ("netbsd", "arm64"),
    ("openbsd", "amd64"),
    ("openbsd", "386"),
    ("openbsd", "arm"),
    ("openbsd", "arm64"),
    ("openbsd", "ppc64"),
    ("openbsd", "riscv64"),
    ("dragonfly", "amd64"),
    ("illumos", "amd64"),
    ("solaris", "amd64"),
    ("aix", "ppc64"),
];

/// True when no platform with asynchronous preemption can build `file` (by file name and build lines).
/// A constraint we cannot read counts as restricting (do not fire).
fn only_without_preemption(file: &PkgFile) -> bool {
    let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let (os, arch) = filename_platform(name);
    let Ok(expr) = file_constraint(&file.text) else {
        return true;
    };
    let mut unknown = vec![];
    if let Some(e) = &expr {
        collect_unknown_tags(e, &mut unknown);
    }
    if unknown.len() > 8 {
        return true;
    }
    !PREEMPTIVE.iter().any(|&(goos, goarch)| {
        let name_ok = os.is_none_or(|o| platform_tag(o, goos, goarch) == Some(true))
            && arch.is_none_or(|a| platform_tag(a, goos, goarch) == Some(true));
        name_ok
            && (0..1u32 << unknown.len()).any(|bits| {
                expr.as_ref().is_none_or(|e| {
                    eval(e, &|t| {
                        platform_tag(t, goos, goarch).unwrap_or_else(|| {
                            unknown
                                .iter()
                                .position(|u| u == t)
                                .is_some_and(|i| bits & (1 << i) != 0)
                        })
                    })
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_fix, check_no_fix, check_no_fix_go, run_one};

    const HEAD: &str = "package m\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\n";
    const HEAD_NO_RT: &str = "package m\n\nimport (\n\t\"fmt\"\n)\n\n";

    #[test]
    fn doc_example_round_trips() {
        let doc = crate::docs::doc(&TRANSFORM);
        let before = crate::docs::go_block(&doc, "## Example").expect("example");
        let after = crate::docs::go_block(&doc, "## Use instead").expect("use instead");
        check_fix(&TRANSFORM, &before, &after);
    }

    #[test]
    fn drops_a_lone_yield_and_the_import() {
        check_fix(
            &TRANSFORM,
            &format!(
                "{HEAD}func start(f func()) {{\n\tgo f()\n\truntime.Gosched() // let it run\n\tfmt.Println(\"started\")\n}}\n"
            ),
            &format!(
                "{HEAD_NO_RT}func start(f func()) {{\n\tgo f()\n\tfmt.Println(\"started\")\n}}\n"
            ),
        );
    }

    #[test]
    fn keeps_the_import_when_still_used() {
        let src = "package m\n\nimport \"runtime\"\n\nfunc start(f func()) int {\n\tgo f()\n\truntime.Gosched()\n\treturn runtime.NumCPU()\n}\n";
        check_fix(&TRANSFORM, src, &src.replace("\truntime.Gosched()\n", ""));
        // A type mention is a use the engine does not count: the import must stay.
        let src = "package m\n\nimport \"runtime\"\n\nvar stats runtime.MemStats\n\nfunc start(f func()) {\n\tgo f()\n\truntime.Gosched()\n}\n";
        check_fix(&TRANSFORM, src, &src.replace("\truntime.Gosched()\n", ""));
    }

    #[test]
    fn if_shapes() {
        check_fix(
            &TRANSFORM,
            &format!(
                "{HEAD}func start(f func(), busy bool) {{\n\tgo f()\n\tif busy {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println(\"started\")\n}}\n"
            ),
            &format!(
                "{HEAD_NO_RT}func start(f func(), busy bool) {{\n\tgo f()\n\tfmt.Println(\"started\")\n}}\n"
            ),
        );
        check_fix(
            &TRANSFORM,
            &format!(
                "{HEAD}func start(f func(), busy bool) {{\n\tif busy {{\n\t\tfmt.Println(\"busy\")\n\t}} else {{\n\t\truntime.Gosched()\n\t}}\n\tgo f()\n}}\n"
            ),
            &format!(
                "{HEAD_NO_RT}func start(f func(), busy bool) {{\n\tif busy {{\n\t\tfmt.Println(\"busy\")\n\t}}\n\tgo f()\n}}\n"
            ),
        );
        check_no_fix(
            &TRANSFORM,
            &format!(
                "{HEAD}func start(f func(), busy bool) {{\n\tif busy {{\n\t\truntime.Gosched()\n\t}} else {{\n\t\tfmt.Println(\"idle\")\n\t}}\n\tgo f()\n}}\n"
            ),
        );
        check_no_fix(
            &TRANSFORM,
            &format!(
                "{HEAD}func start(f func() bool) {{\n\tif f() {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println(\"x\")\n}}\n"
            ),
        );
    }

    #[test]
    fn never_in_loops_literals_methods_or_helpers() {
        let spin = format!(
            "{HEAD}func wait(ready func() bool) {{\n\tfor !ready() {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println(\"ready\")\n}}\n"
        );
        check_no_fix(&TRANSFORM, &spin);
        let sel = format!(
            "{HEAD}func wait(c chan int) {{\n\tfor {{\n\t\tselect {{\n\t\tcase <-c:\n\t\t\treturn\n\t\tdefault:\n\t\t\truntime.Gosched()\n\t\t}}\n\t}}\n\tfmt.Println()\n}}\n"
        );
        check_no_fix(&TRANSFORM, &sel);
        let lit =
            format!("{HEAD}var yield = func() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n");
        check_no_fix(&TRANSFORM, &lit);
        let method = format!(
            "{HEAD}type t struct{{}}\n\nfunc (t) wait() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n"
        );
        check_no_fix(&TRANSFORM, &method);
        let helper = format!(
            "{HEAD}func yield() {{\n\truntime.Gosched()\n}}\n\nfunc main() {{\n\tfmt.Println()\n\tyield()\n}}\n"
        );
        check_no_fix(&TRANSFORM, &helper);
        let cond_helper = format!(
            "{HEAD}var busy bool\n\nfunc yield() {{\n\tif busy {{\n\t\truntime.Gosched()\n\t}}\n}}\n\nfunc main() {{\n\tfmt.Println()\n}}\n"
        );
        check_no_fix(&TRANSFORM, &cond_helper);
        let looped = format!(
            "{HEAD}func step() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n\nfunc run(n int) {{\n\tfor i := 0; i < n; i++ {{\n\t\tstep()\n\t}}\n}}\n"
        );
        check_no_fix(&TRANSFORM, &looped);
        let indirect = format!(
            "{HEAD}func step() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n\nfunc tick() {{\n\tstep()\n}}\n\nfunc run() {{\n\tfor {{\n\t\ttick()\n\t}}\n}}\n"
        );
        check_no_fix(&TRANSFORM, &indirect);
        let value = format!(
            "{HEAD}func step() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n\nvar hook = step\n"
        );
        check_no_fix(&TRANSFORM, &value);
        let callback = format!(
            "{HEAD}func step() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n\nfunc run(retry func(func())) {{\n\tretry(func() {{ step() }})\n}}\n"
        );
        check_no_fix(&TRANSFORM, &callback);
        let locked = format!(
            "{HEAD}func loop() {{\n\truntime.LockOSThread()\n\tfmt.Println()\n\truntime.Gosched()\n}}\n"
        );
        check_no_fix(&TRANSFORM, &locked);
        let gotos = format!(
            "{HEAD}func loop(n int) {{\nagain:\n\tfmt.Println()\n\truntime.Gosched()\n\tn--\n\tif n > 0 {{\n\t\tgoto again\n\t}}\n}}\n"
        );
        check_no_fix(&TRANSFORM, &gotos);
    }

    #[test]
    fn never_go_defer_value_or_shadowed() {
        let src = format!(
            "{HEAD}func f() {{\n\tgo runtime.Gosched()\n\tdefer runtime.Gosched()\n\tg := runtime.Gosched\n\tg()\n\tfmt.Println()\n}}\n"
        );
        check_no_fix(&TRANSFORM, &src);
        let src = "package m\n\nimport . \"runtime\"\n\nfunc f() {\n\tGosched()\n\tprintln(NumCPU())\n}\n";
        check_no_fix(&TRANSFORM, src);
        let src = "package m\n\nimport \"runtime\"\n\ntype sched struct{}\n\nfunc (sched) Gosched() {}\n\nfunc f() {\n\truntime := sched{}\n\truntime.Gosched()\n\tprintln()\n}\n\nvar _ = runtime.NumCPU\n";
        check_no_fix(&TRANSFORM, src);
    }

    #[test]
    fn never_in_tests() {
        let src = format!("{HEAD}func TestMain() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n");
        check_no_fix(&TRANSFORM, &src);
        let src = "package m\n\nimport (\n\t\"runtime\"\n\t\"testing\"\n)\n\nfunc start(t *testing.T, f func()) {\n\tgo f()\n\truntime.Gosched()\n\tt.Log()\n}\n";
        check_no_fix(&TRANSFORM, src);
    }

    #[test]
    fn wasm_only_files_are_left_alone() {
        let body = "\npackage m\n\nimport \"runtime\"\n\nfunc start(f func()) {\n\tgo f()\n\truntime.Gosched()\n\tprintln()\n}\n";
        for c in [
            "//go:build js",
            "//go:build js && wasm",
            "//go:build wasm",
            "//go:build plan9 || wasip1",
            "// +build js,wasm",
        ] {
            check_no_fix_go(&TRANSFORM, "1.22", &format!("{c}\n{body}"));
        }
        for c in [
            "//go:build !js",
            "//go:build linux || js",
            "//go:build integration",
            "//go:build go1.21",
        ] {
            let (fixed, _) = run_one(&TRANSFORM, "1.22", &format!("{c}\n{body}"), false);
            assert!(!fixed.contains("Gosched"), "{c}");
        }
    }
}
