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

use crate::read::buildtags::{
    collect_unknown_tags, eval, file_constraint, filename_platform, platform_tag,
};
use crate::read::syntax;
use crate::rules::fix::{Edit, Fix, TextRange};
use crate::rules::removal::{
    Shape, in_test_code, kept_statements, no_arguments, plan_removal, plan_removal_leaving_unused,
    runtime_import_change, runtime_local,
};
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::{Package, PkgFile};
use std::collections::HashSet;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R3a",
        name: "gosched-call",
        summary: "runtime.Gosched() outside a spin-wait yields for nothing and orders nothing",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &["Gosched"],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("gosched_call.rs"),
    query: QUERY,
    run,
    precheck: |bytes, _| {
        crate::semantic::prefilter::calls_outside_tests(bytes, "runtime", &["Gosched"])
    },
    other_files: None,
};

const QUERY: &str = r#"
((expression_statement
   (call_expression
     function: (selector_expression field: (field_identifier) @fn)) @call) @match
 (#eq? @fn "Gosched"))
"#;

const MESSAGE: &str = "`runtime.Gosched()` outside any loop yields the processor once and creates no happens-before edge: it orders nothing, and the scheduler preempts busy goroutines by itself";

const LOOP_MESSAGE: &str = "`runtime.Gosched()` in a loop that ends by itself only sends the goroutine through the scheduler: the runtime has preempted long-running goroutines on its own since Go 1.14, so the yield costs time and buys no fairness";

const SPIN_MESSAGE: &str = "`runtime.Gosched()` in a loop that waits for another goroutine is a spin-wait: it burns a CPU polling and orders nothing; wait on a channel, `sync.Cond` or `sync.WaitGroup` instead";

const YIELD_LOOP_MESSAGE: &str = "a loop of bare `runtime.Gosched()` calls hopes another goroutine runs meanwhile, and orders nothing: wait for it on a channel or a `sync.WaitGroup` instead";

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let (Some(stmt), Some(call)) = (m.node("match"), m.node("call")) else {
        return None;
    };
    let file = cx.file();
    // §3.2 match: exactly `runtime.Gosched()`, `runtime` resolved per §0.3 (not dot-imported or shadowed).
    if !file.is_pkg_call(call, "runtime", "Gosched") || !no_arguments(call) {
        return None;
    }
    // §0.3 / §3.4 import: a file that declares the import's name anywhere cannot have its uses counted.
    let local = runtime_local(file)?;
    // §3.2.4: never in tests (they yield to provoke interleavings).
    if in_test_code(file, stmt) || crate::semantic::context::in_test_support(cx.pkg, file) {
        return None;
    }
    // §3.2.5: not in files built only for platforms without asynchronous preemption.
    if only_without_preemption(file) {
        return None;
    }
    let func = syntax::enclosing_function(stmt)?;
    // §3.2.3: thread-pinned functions yield on purpose.
    if calls_pkg_func(file, func, "runtime", "LockOSThread") {
        return None;
    }
    // `mu.Unlock(); runtime.Gosched(); mu.Lock()` hands the mutex to a waiter: without the yield the
    // goroutine usually takes the lock straight back.
    if between_unlock_and_lock(stmt, cx.src()) {
        return None;
    }
    if syntax::enclosing_loop(stmt).is_some() {
        in_loop(cx, stmt, call, func, &local);
    } else {
        outside_loops(cx, stmt, call, func, &local);
    }
    Some(())
}

/// Owner's decision "R3a inside loops": the yield goes (Safe) from a loop that ends by itself and does other
/// work; a loop that waits for another goroutine is a spin-wait, reported without a fix.
fn in_loop(cx: &mut Ctx<'_>, stmt: Node<'_>, call: Node<'_>, func: Node<'_>, local: &str) {
    let file = cx.file();
    let src = cx.src();
    let loops: Vec<Node<'_>> = syntax::ancestors(stmt)
        .take_while(|a| a.id() != func.id())
        .filter(|a| a.kind() == "for_statement")
        .collect();
    let innermost = loops[0];
    let planned = plan_removal_leaving_unused(src, stmt);
    let ends = loops
        .iter()
        .all(|l| crate::semantic::loops::ends_by_itself(*l, src));
    // The statement of the loop's body that holds the yield (the yield itself, or the `if` around it).
    let holder = std::iter::once(stmt)
        .chain(syntax::ancestors(stmt))
        .find(|a| {
            a.parent().and_then(|l| l.parent()).is_some_and(|b| {
                Some(b.id()) == innermost.child_by_field_name("body").map(|x| x.id())
            })
        })
        .unwrap_or(stmt);
    let body = innermost.child_by_field_name("body");
    let others: Vec<Node<'_>> = body
        .map(syntax::block_statements)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.id() != holder.id())
        .collect();
    // A loop that does nothing but yield and check whether to stop waits for another goroutine: a
    // spin-wait. A loop without end counts its polls and counters as waiting too (`v := load()`).
    // A yield nested in a bigger statement (a `select` case that starts workers, say) sits among work.
    let removed = planned.as_ref().map_or(stmt, |(r, _)| r.removed);
    let nested_in_work = holder.id() != removed.id();
    let waits = !nested_in_work
        && if ends {
            !others.is_empty()
                && others
                    .iter()
                    .all(|s| crate::semantic::loops::is_exit_check(*s))
        } else {
            others
                .iter()
                .all(|s| crate::semantic::loops::is_bookkeeping(*s))
        };
    if waits || (others.is_empty() && !nested_in_work) {
        // `for { select { ...; default: runtime.Gosched() } }` is R7.7's finding: one report per site. A
        // function or type named for spinning (a spinlock) spins by design, and a comment at the loop
        // that says it spins or hands a lock over explains the yield.
        if select_default_spin(stmt)
            || named_for_spinning(func, src)
            || loops.iter().any(|l| comment_explains_yield(*l, func, src))
        {
            return;
        }
        if others.is_empty() && ends {
            cx.report(TextRange::of(call), YIELD_LOOP_MESSAGE)
                .withhold("the loop does nothing but yield");
        } else {
            cx.report(TextRange::of(call), SPIN_MESSAGE).withhold(
                "the loop waits for another goroutine, and without the yield it would spin",
            );
        }
        return;
    }
    // A loop that works and never ends by itself (an event loop) yields between rounds; only a loop that
    // ends by itself is known not to turn into a spin without its yields.
    if !ends {
        return;
    }
    // §3.2.1 by other means: a backward `goto` makes a loop the tree does not show.
    if contains_kind(func, "goto_statement") {
        cx.report(TextRange::of(call), LOOP_MESSAGE)
            .withhold("the function uses `goto`, so its loops cannot be read from the tree");
        return;
    }
    let (removal, unused) = match planned {
        Ok(p) => p,
        Err(blocked) => {
            cx.report(TextRange::of(call), LOOP_MESSAGE)
                .withhold(blocked.reason());
            return;
        }
    };
    // A range variable only the deleted `if` read is blanked, or Go rejects it as unused.
    let mut blank = vec![];
    for name in &unused {
        match blank_range_variable(&loops, name, src) {
            Some(edit) => blank.push(edit),
            None => {
                cx.report(TextRange::of(call), LOOP_MESSAGE).withhold(
                    "deleting the enclosing `if` would leave a variable its condition reads unused",
                );
                return;
            }
        }
    }
    let title = match removal.shape {
        Shape::Statement => "remove the `runtime.Gosched()` call",
        Shape::WholeIf => "remove the `if` whose only statement is `runtime.Gosched()`",
        Shape::ElseClause => "drop the `else` branch that only calls `runtime.Gosched()`",
    };
    let mut fix = Fix::safe(title).edit(cx.file_idx, removal.edit.clone());
    for edit in merge_blanks(blank, src) {
        fix = fix.edit(cx.file_idx, edit);
    }
    if let Some(change) = runtime_import_change(file, local) {
        fix = fix.import(cx.file_idx, change);
    }
    cx.report(TextRange::of(call), LOOP_MESSAGE).fix = Some(fix);
}

/// Is `stmt` right after an `X.Unlock()` / `X.RUnlock()` call and right before an `X.Lock()` / `X.RLock()`?
fn between_unlock_and_lock(stmt: Node<'_>, src: &str) -> bool {
    let method = |n: Option<Node<'_>>| -> Option<String> {
        let n = n?;
        let call = syntax::named_children(n)
            .into_iter()
            .next()
            .filter(|c| n.kind() == "expression_statement" && c.kind() == "call_expression")?;
        let f = call
            .child_by_field_name("function")
            .filter(|f| f.kind() == "selector_expression")?;
        Some(syntax::text(f.child_by_field_name("field")?, src).to_string())
    };
    let prev = std::iter::successors(stmt.prev_named_sibling(), |n| n.prev_named_sibling())
        .find(|n| n.kind() != "comment");
    let next = std::iter::successors(stmt.next_named_sibling(), |n| n.next_named_sibling())
        .find(|n| n.kind() != "comment");
    let (prev, next) = (method(prev), method(next));
    matches!(prev.as_deref(), Some("Unlock" | "RUnlock"))
        && matches!(next.as_deref(), Some("Lock" | "RLock"))
}

/// Does a comment inside `for_stmt`, or in the comment lines right above it, say the loop spins on purpose
/// or yields so another goroutine can take a lock ("we spin because...", "acquire the shard mutex")?
fn comment_explains_yield(for_stmt: Node<'_>, func: Node<'_>, src: &str) -> bool {
    // The run of `//` lines right above the loop (tree-sitter may hang them on the block, not the list).
    let mut above = syntax::line_start(src, for_stmt.start_byte());
    while above > 0 {
        let prev = syntax::line_start(src, above - 1);
        if !src[prev..above].trim_start().starts_with("//") {
            break;
        }
        above = prev;
    }
    let mut found = false;
    syntax::walk(func, &mut |n| {
        if n.kind() == "comment" && n.start_byte() >= above && n.end_byte() <= for_stmt.end_byte() {
            let text = syntax::text(n, src).to_lowercase();
            found |= ["spin", "mutex", "lock"].iter().any(|w| text.contains(w));
        }
    });
    found
}

/// Does the function, or the type of the method's receiver, say it spins (`spinLock.Lock`, `spinWait`)?
fn named_for_spinning(func: Node<'_>, src: &str) -> bool {
    let top = syntax::enclosing_top_function(func).unwrap_or(func);
    ["name", "receiver"].iter().any(|f| {
        top.child_by_field_name(f)
            .is_some_and(|n| syntax::text(n, src).to_lowercase().contains("spin"))
    })
}

/// Is `stmt` the only statement of the `default` of a `select` that is a loop's whole body (R7.7's shape)?
fn select_default_spin(stmt: Node<'_>) -> bool {
    let Some(case) = stmt.parent().and_then(|l| {
        if l.kind() == "statement_list" {
            l.parent()
        } else {
            Some(l)
        }
    }) else {
        return false;
    };
    if case.kind() != "default_case" || syntax::case_statements(case).len() != 1 {
        return false;
    }
    let Some(select) = case.parent().filter(|s| s.kind() == "select_statement") else {
        return false;
    };
    let body = syntax::ancestors(select).find(|a| a.kind() == "block");
    body.is_some_and(|b| {
        b.parent().is_some_and(|f| f.kind() == "for_statement")
            && syntax::block_statements(b)
                .iter()
                .all(|s| s.id() == select.id())
    })
}

/// The edit that stops the range clause of one of `loops` from declaring `name`: `for i, v := range` →
/// `for _, v := range`, `for i := range` → `for range`, `for k, v := range` → `for k := range` for `v`.
/// Returns the range clause and which of its two variables goes, merged per clause by `merge_blanks`.
fn blank_range_variable<'t>(
    loops: &[Node<'t>],
    name: &str,
    src: &str,
) -> Option<(Node<'t>, usize)> {
    loops.iter().find_map(|l| {
        let clause = syntax::named_children(*l)
            .into_iter()
            .find(|n| n.kind() == "range_clause")?;
        let define =
            (0..clause.child_count()).any(|i| clause.child(i).is_some_and(|c| c.kind() == ":="));
        let left = clause.child_by_field_name("left").filter(|_| define)?;
        let vars = syntax::named_children(left);
        let at = vars.iter().position(|v| syntax::text(*v, src) == name)?;
        Some((clause, at))
    })
}

/// One edit per range clause, from the variables that go: the left side is rewritten as a whole.
fn merge_blanks(blanks: Vec<(Node<'_>, usize)>, src: &str) -> Vec<Edit> {
    let is_blank = |v: Node<'_>| syntax::text(v, src) == "_";
    let mut edits = vec![];
    let mut done: Vec<usize> = vec![];
    for (clause, _) in &blanks {
        if done.contains(&clause.id()) {
            continue;
        }
        done.push(clause.id());
        let gone: Vec<usize> = blanks
            .iter()
            .filter(|(c, _)| c.id() == clause.id())
            .map(|(_, i)| *i)
            .collect();
        let Some(left) = clause.child_by_field_name("left") else {
            continue;
        };
        let vars = syntax::named_children(left);
        let Some(range_kw) = (0..clause.child_count())
            .filter_map(|i| clause.child(i))
            .find(|c| c.kind() == "range")
        else {
            continue;
        };
        let keep_key = !gone.contains(&0) && vars.first().is_some_and(|k| !is_blank(*k));
        let keep_value = vars.len() > 1 && !gone.contains(&1) && !is_blank(vars[1]);
        edits.push(match (keep_key, keep_value) {
            // `for i := range` / `for i, _ := range` → `for range`
            (false, false) => {
                Edit::delete(TextRange::new(left.start_byte(), range_kw.start_byte()))
            }
            // `for k, v := range` → `for k := range`
            (true, false) => Edit::delete(TextRange::new(vars[0].end_byte(), left.end_byte())),
            // `for i, v := range` → `for _, v := range`
            _ => Edit::replace(TextRange::of(vars[0]), "_"),
        });
    }
    edits
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
    if contains_kind(func, "goto_statement") {
        return;
    }
    // §3.2.2: its name is not used as a value and it is not called from a loop anywhere in the package.
    if used_as_value(cx.pkg, &name) || may_be_called_repeatedly(cx.pkg, &name, &mut HashSet::new())
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
    let title = match removal.shape {
        Shape::Statement => "remove the `runtime.Gosched()` call",
        Shape::WholeIf => "remove the `if` whose only statement is `runtime.Gosched()`",
        Shape::ElseClause => "drop the `else` branch that only calls `runtime.Gosched()`",
    };
    let mut fix = Fix::safe(title).edit(cx.file_idx, removal.edit.clone());
    if let Some(change) = runtime_import_change(file, local) {
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
    use crate::testing::{
        check_detect_only_go, check_fix, check_no_fix, check_no_fix_go, findings, run_one,
    };

    /// Reported without an edit, and the finding says which precondition withheld the fix.
    fn withheld(src: &str) -> String {
        check_detect_only_go(&TRANSFORM, "1.22", src);
        let found = findings(&TRANSFORM, "1.22", src);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].fix.is_none());
        found[0].withheld.clone().expect("a withheld reason")
    }

    const HEAD: &str = "package m\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\n";
    const HEAD_NO_RT: &str = "package m\n\nimport (\n\t\"fmt\"\n)\n\n";

    #[test]
    fn doc_example_round_trips() {
        let doc = crate::catalog::docs::doc(&TRANSFORM);
        let before = crate::catalog::docs::go_block(&doc, "## Example").expect("example");
        let after = crate::catalog::docs::go_block(&doc, "## Use instead").expect("use instead");
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
        let reason = withheld(&format!(
            "{HEAD}func start(f func(), busy bool) {{\n\tif busy {{\n\t\truntime.Gosched()\n\t}} else {{\n\t\tfmt.Println(\"idle\")\n\t}}\n\tgo f()\n}}\n"
        ));
        assert!(reason.contains("else"), "{reason}");
        let reason = withheld(&format!(
            "{HEAD}func start(f func() bool) {{\n\tif f() {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println(\"x\")\n}}\n"
        ));
        assert!(reason.contains("side effects"), "{reason}");
    }

    #[test]
    fn spin_waits_are_reported_without_a_fix() {
        let spin = format!(
            "{HEAD}func wait(ready func() bool) {{\n\tfor !ready() {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println(\"ready\")\n}}\n"
        );
        assert!(withheld(&spin).contains("waits"));
        let sel = format!(
            "{HEAD}func wait(c chan int) {{\n\tfor {{\n\t\tselect {{\n\t\tcase <-c:\n\t\t\treturn\n\t\tdefault:\n\t\t\truntime.Gosched()\n\t\t}}\n\t}}\n\tfmt.Println()\n}}\n"
        );
        // R7.7 reports the yield in a spinning select's default; R3a stays quiet there.
        check_no_fix(&TRANSFORM, &sel);
        let poll = format!(
            "{HEAD}func wait(n int, ready func() bool) {{\n\tfor i := 0; i < n; i++ {{\n\t\tif ready() {{\n\t\t\treturn\n\t\t}}\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println()\n}}\n"
        );
        assert!(withheld(&poll).contains("waits"));
        let bare = format!(
            "{HEAD}func settle() {{\n\tfor i := 0; i < 3; i++ {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println()\n}}\n"
        );
        assert!(withheld(&bare).contains("nothing but yield"));
    }

    #[test]
    fn yields_in_loops_that_end_by_themselves_go() {
        // The range key only the deleted `if` read becomes `_`.
        check_fix(
            &TRANSFORM,
            &format!(
                "{HEAD}func sum(xs []int) int {{\n\tt := 0\n\tfor i, x := range xs {{\n\t\tt += x\n\t\tif i%64 == 0 {{\n\t\t\truntime.Gosched()\n\t\t}}\n\t}}\n\tfmt.Println(t)\n\treturn t\n}}\n"
            ),
            &format!(
                "{HEAD_NO_RT}func sum(xs []int) int {{\n\tt := 0\n\tfor _, x := range xs {{\n\t\tt += x\n\t}}\n\tfmt.Println(t)\n\treturn t\n}}\n"
            ),
        );
        // The only range variable goes with it; methods and literals are fine inside a loop.
        check_fix(
            &TRANSFORM,
            &format!(
                "{HEAD}type w struct{{ n int }}\n\nfunc (x *w) run(xs []int) {{\n\tfor i := range xs {{\n\t\tx.n++\n\t\tif i%8 == 0 {{\n\t\t\truntime.Gosched()\n\t\t}}\n\t}}\n\tfmt.Println()\n}}\n"
            ),
            &format!(
                "{HEAD_NO_RT}type w struct{{ n int }}\n\nfunc (x *w) run(xs []int) {{\n\tfor range xs {{\n\t\tx.n++\n\t}}\n\tfmt.Println()\n}}\n"
            ),
        );
        // A counted loop keeps its variable (its header reads it).
        check_fix(
            &TRANSFORM,
            &format!(
                "{HEAD}func f(n int) {{\n\tfor i := 0; i < n; i++ {{\n\t\tfmt.Println(i)\n\t\truntime.Gosched()\n\t}}\n}}\n"
            ),
            &format!(
                "{HEAD_NO_RT}func f(n int) {{\n\tfor i := 0; i < n; i++ {{\n\t\tfmt.Println(i)\n\t}}\n}}\n"
            ),
        );
    }

    #[test]
    fn event_loops_and_spinlocks_yield_by_design() {
        // A loop without end that does work between polls (an event loop) is left alone.
        check_no_fix(
            &TRANSFORM,
            &format!(
                "{HEAD}func serve(poll func() int, handle func(int)) {{\n\tfor {{\n\t\tn := poll()\n\t\tif n == 0 {{\n\t\t\truntime.Gosched()\n\t\t\tcontinue\n\t\t}}\n\t\thandle(n)\n\t\tfmt.Println(n)\n\t}}\n}}\n"
            ),
        );
        // A spinlock spins by design.
        check_no_fix(
            &TRANSFORM,
            &format!(
                "{HEAD}type spinLock struct{{ held func() bool }}\n\nfunc (l *spinLock) Lock() {{\n\tfor l.held() {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println()\n}}\n"
            ),
        );
        // A counted loop that works, with a cancellation check, loses its yield.
        let (fixed, _) = run_one(
            &TRANSFORM,
            "1.22",
            &format!(
                "{HEAD}func replay(n int, apply func(int), closed func() bool) {{\n\tfor i := 0; i < n; i++ {{\n\t\tapply(i)\n\t\truntime.Gosched()\n\t\tif closed() {{\n\t\t\treturn\n\t\t}}\n\t}}\n\tfmt.Println()\n}}\n"
            ),
            false,
        );
        assert!(!fixed.contains("Gosched"), "{fixed}");
    }

    #[test]
    fn never_in_literals_methods_or_helpers_outside_loops() {
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
