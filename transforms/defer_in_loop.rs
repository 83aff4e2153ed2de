//! # defer-in-loop (R7.1)
//!
//! ## What it does
//! Reports a `defer` statement that sits inside a `for` loop of the same function (not inside a function
//! literal run per iteration), including the `mu.Lock()` / `defer mu.Unlock()` pair written in a loop body.
//!
//! ## Why is this bad?
//! A deferred call runs when the surrounding *function* returns, not at the end of the loop iteration. Each
//! pass through the loop pushes one more deferred call, so whatever the call releases (a file, a
//! connection, a response body, a lock) stays held until the whole loop is done, and the pending calls
//! pile up in memory with the number of iterations. A loop over many files runs out of descriptors; a
//! `defer mu.Unlock()` after `mu.Lock()` keeps the mutex locked into the next iteration, whose `Lock`
//! then blocks forever. A defer in a loop also turns off the compiler's open-coded defers for the
//! function: every one of them becomes a heap record.
//!
//! ## Example
//! ```go
//! package ingest
//!
//! import (
//! 	"bufio"
//! 	"os"
//! )
//!
//! func countLines(paths []string) (int, error) {
//! 	total := 0
//! 	for _, p := range paths {
//! 		f, err := os.Open(p)
//! 		if err != nil {
//! 			return 0, err
//! 		}
//! 		defer f.Close()
//! 		sc := bufio.NewScanner(f)
//! 		for sc.Scan() {
//! 			total++
//! 		}
//! 	}
//! 	return total, nil
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package ingest
//!
//! import (
//! 	"bufio"
//! 	"os"
//! )
//!
//! func countLines(paths []string) (int, error) {
//! 	total := 0
//! 	for _, p := range paths {
//! 		n, err := countFile(p)
//! 		if err != nil {
//! 			return 0, err
//! 		}
//! 		total += n
//! 	}
//! 	return total, nil
//! }
//!
//! func countFile(p string) (int, error) {
//! 	f, err := os.Open(p)
//! 	if err != nil {
//! 		return 0, err
//! 	}
//! 	defer f.Close()
//! 	n := 0
//! 	sc := bufio.NewScanner(f)
//! 	for sc.Scan() {
//! 		n++
//! 	}
//! 	return n, sc.Err()
//! }
//! ```
//!
//! ## Fix safety
//! No fix: report only. Moving the body into a function changes where `return`, `break`, `continue` and
//! `goto` go and which variables the body may assign; releasing explicitly changes what happens on the
//! early-return and panic paths. Each needs a reviewer.
//!
//! ## Version gating
//! None: deferred calls have run at function return since Go 1.0. (Range-over-function loops of Go 1.23
//! are the same: a `defer` in their body is deferred to the enclosing function.)
//!
//! ## When it does not fire
//! - Test code: `*_test.go`, files importing `testing`, `Test*`/`Benchmark*`/`Fuzz*`/`Example*` functions
//!   (a few fixtures per test; tests of `defer` itself).
//! - `defer x.Unlock()` (or `RUnlock`) where `x` names a variable the loop declares or assigns: each
//!   iteration locks a different mutex (walking a chain of parents), and holding them all is deliberate.
//! - The loop is in `func main()` of a main package: `main` returns only when the program exits, and a
//!   defer per component it starts (a subscription, a server) is the usual way to stop them at exit.
//! - Between the loop and the `defer` there is a `select` case (in a loop these are often one-shot
//!   events, a timer firing or a write finishing, which syntax cannot tell from a stream), or a
//!   once-guard `if x == nil { x = ...; defer ... }` / `if !done { done = ...; defer ... }`.
//! - The deferred call is a function literal that calls `recover()` (a panic handler).
//! - The `defer` is inside a function literal, including the fix shape `for ... { func() { defer ... }() }`
//!   and `go func() { defer wg.Done() ... }()`.
//! - The loop cannot go round again after the `defer` runs: a `return`, `panic`, `goto`, `os.Exit`,
//!   `log.Fatal*` or a `break` of that loop (or any labeled `break`) follows it in its own block or in
//!   a block enclosing it within the loop (the "find the first match, defer its cleanup, return" loop).
//!   After a `break` of an inner loop, the same test applies to the statements after that loop in the
//!   enclosing loop (otherwise each outer iteration adds a defer, and it is reported).
//!
//! ## References
//! The Go specification, "Defer statements"; Go 1.14 release notes (open-coded defers, not used for
//! defers in loops); `deferproc`/`deferreturn` in `src/runtime/panic.go`.

use crate::read::syntax;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::PkgFile;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.1",
        name: "defer-in-loop",
        summary: "defer inside a loop runs only at function return: resources and defer records pile up",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &["defer"],
        calls: &[],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Preview,
        options: &[],
    },
    source: include_str!("defer_in_loop.rs"),
    query: QUERY,
    run,
    // Test code never gets this finding, so files importing testing are not parsed for it.
    precheck: |bytes, _| {
        for_before_defer(bytes)
            && nested_defer(bytes)
            && !crate::semantic::prefilter::imports(bytes, "testing")
    },
    other_files: None,
};

const QUERY: &str = r#"(defer_statement) @match"#;

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let stmt = m.node("match")?;
    let file = cx.file();
    // Only a loop of the same function: a func literal (run per iteration, or a goroutine) is the fix shape.
    let lp = syntax::enclosing_loop(stmt)?;
    // Tests defer in loops over a few fixtures, and exercise defer itself.
    if in_test_code(file, stmt) {
        return None;
    }
    // `main` returns only at exit: a defer per component it starts is the usual shutdown idiom.
    if cx.pkg.is_main()
        && syntax::enclosing_function(stmt).is_some_and(|f| {
            f.kind() == "function_declaration"
                && f.child_by_field_name("name")
                    .is_some_and(|n| file.node_text(n) == "main")
        })
    {
        return None;
    }
    // The loop cannot come round again once this defer ran: it runs at most once per call.
    if leaves_loop_after(file, stmt, lp) {
        return None;
    }
    // Between the loop and the defer: a `select` case (often a one-shot event: a timer firing, a write
    // finishing) or a once-guard `if x == nil { x = ...; defer ... }`.
    if between(stmt, lp).any(|a| a.kind() == "communication_case" || is_once_guard(file, a)) {
        return None;
    }
    let call = syntax::named_children(stmt)
        .into_iter()
        .find(|n| n.kind() == "call_expression");
    // A deferred panic handler: only one of them can recover, and that is the point of it.
    if call
        .and_then(|c| c.child_by_field_name("function"))
        .is_some_and(|f| f.kind() == "func_literal" && calls_recover(file, f))
    {
        return None;
    }
    let locked = call.and_then(|c| unlock_of_locked(file, c, stmt, lp));
    // A different mutex each iteration (walking a chain, hand over hand): holding them all is the design.
    if call.is_some_and(|c| is_unlock(file, c) && receiver_varies(file, c, lp)) {
        return None;
    }
    let msg = match locked {
        Some((recv, method)) if method == "Unlock" => format!(
            "`defer {recv}.Unlock()` inside a loop runs only when the function returns: the lock taken in this iteration stays held, so the next iteration's `{recv}.Lock()` blocks forever (unlock explicitly, or move the body into a function)"
        ),
        Some((recv, _)) => format!(
            "`defer {recv}.RUnlock()` inside a loop runs only when the function returns: the read locks pile up and writers wait until then, and once a writer waits, the next iteration's `{recv}.RLock()` blocks forever (unlock explicitly, or move the body into a function)"
        ),
        None => "`defer` inside a loop runs only when the function returns: every iteration adds a deferred call, so what it releases stays held and the pending calls pile up until the loop ends (move the body into a function, or release explicitly)".to_string(),
    };
    cx.report(TextRange::of(stmt), msg);
    Some(())
}

/// Does some `for` keyword come before the last `defer` in the bytes? A defer in a loop body must.
fn for_before_defer(bytes: &[u8]) -> bool {
    let (Some(f), Some(d)) = (
        memchr::memmem::find(bytes, b"for"),
        memchr::memmem::rfind(bytes, b"defer"),
    ) else {
        return false;
    };
    f < d
}

/// Is some `defer` keyword (outside comments and literals) at brace depth 2 or more? One in a loop body
/// must be: the function's braces and the loop's enclose it. Unbalanced or unreadable text says yes.
fn nested_defer(b: &[u8]) -> bool {
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match memchr::memmem::find(&b[i + 2..], b"*/") {
                Some(p) => i += p + 3,
                None => return true,
            },
            b'`' => match memchr::memchr(b'`', &b[i + 1..]) {
                Some(p) => i += p + 1,
                None => return true,
            },
            q @ (b'"' | b'\'') => {
                let mut j = i + 1;
                while j < b.len() && b[j] != q {
                    if b[j] == b'\n' {
                        return true;
                    }
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                if j >= b.len() {
                    return true;
                }
                i = j;
            }
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            b'd' if b[i..].starts_with(b"defer")
                && (i == 0 || !is_ident_byte(b[i - 1]))
                && b.get(i + 5).is_none_or(|c| !is_ident_byte(*c)) =>
            {
                if depth >= 2 {
                    return true;
                }
                i += 4;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Is the deferred call `recv.Unlock()` (or `RUnlock`) with `recv.Lock()` (`RLock`) called earlier in the
/// same loop body, directly in a block between the defer and the loop? Returns the receiver text and method.
fn unlock_of_locked(
    file: &PkgFile,
    call: Node<'_>,
    stmt: Node<'_>,
    lp: Node<'_>,
) -> Option<(String, String)> {
    let callee = call.child_by_field_name("function")?;
    if callee.kind() != "selector_expression" {
        return None;
    }
    let method = file.node_text(callee.child_by_field_name("field")?);
    let lock = match method {
        "Unlock" => "Lock",
        "RUnlock" => "RLock",
        _ => return None,
    };
    let recv = file
        .node_text(callee.child_by_field_name("operand")?)
        .to_string();
    let body = lp.child_by_field_name("body")?;
    let mut found = false;
    syntax::walk(body, &mut |n| {
        if found || n.kind() != "call_expression" || n.start_byte() >= stmt.start_byte() {
            return;
        }
        if syntax::enclosing_function(n).map(|f| f.id())
            != syntax::enclosing_function(stmt).map(|f| f.id())
        {
            return;
        }
        let Some(f) = n.child_by_field_name("function") else {
            return;
        };
        found = f.kind() == "selector_expression"
            && f.child_by_field_name("field")
                .is_some_and(|x| file.node_text(x) == lock)
            && f.child_by_field_name("operand")
                .is_some_and(|o| file.node_text(o) == recv);
    });
    found.then(|| (recv, method.to_string()))
}

/// The ancestors of `stmt` below the loop `lp`.
fn between<'t>(stmt: Node<'t>, lp: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    syntax::ancestors(stmt).take_while(move |a| a.id() != lp.id())
}

/// `if x == nil { ... x = ... }` or `if !done { ... done = ... }`: the block runs once per call.
fn is_once_guard(file: &PkgFile, n: Node<'_>) -> bool {
    if n.kind() != "if_statement" {
        return false;
    }
    let (Some(cond), Some(body)) = (
        n.child_by_field_name("condition"),
        n.child_by_field_name("consequence"),
    ) else {
        return false;
    };
    let guard = match cond.kind() {
        "binary_expression" => {
            let (Some(l), Some(r), Some(op)) = (
                cond.child_by_field_name("left"),
                cond.child_by_field_name("right"),
                cond.child_by_field_name("operator"),
            ) else {
                return false;
            };
            if file.node_text(op) != "==" {
                return false;
            }
            match (l.kind(), r.kind()) {
                ("identifier", "nil") => l,
                ("nil", "identifier") => r,
                _ => return false,
            }
        }
        "unary_expression" => match cond.child_by_field_name("operand") {
            Some(o) if o.kind() == "identifier" && file.node_text(cond).starts_with('!') => o,
            _ => return false,
        },
        _ => return false,
    };
    let name = file.node_text(guard);
    let mut assigned = false;
    syntax::walk(body, &mut |a| {
        if a.kind() == "assignment_statement" {
            assigned |= a
                .child_by_field_name("left")
                .map(syntax::named_children)
                .unwrap_or_default()
                .iter()
                .any(|t| t.kind() == "identifier" && file.node_text(*t) == name);
        }
    });
    assigned
}

/// Does the function literal `f` call `recover()` in its own body?
fn calls_recover(file: &PkgFile, f: Node<'_>) -> bool {
    let mut found = false;
    syntax::walk(f, &mut |n| {
        found |= n.kind() == "call_expression"
            && n.child_by_field_name("function")
                .is_some_and(|c| c.kind() == "identifier" && file.node_text(c) == "recover")
            && syntax::enclosing_function(n).is_some_and(|e| e.id() == f.id());
    });
    found
}

/// Is `call` a method call `x.Unlock()` or `x.RUnlock()`?
fn is_unlock(file: &PkgFile, call: Node<'_>) -> bool {
    call.child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
        .and_then(|f| f.child_by_field_name("field"))
        .is_some_and(|m| matches!(file.node_text(m), "Unlock" | "RUnlock"))
}

/// Does the receiver of the deferred method call name a variable the loop declares or assigns (so each
/// iteration locks a different mutex)?
fn receiver_varies(file: &PkgFile, call: Node<'_>, lp: Node<'_>) -> bool {
    let Some(operand) = call
        .child_by_field_name("function")
        .and_then(|f| f.child_by_field_name("operand"))
    else {
        return false;
    };
    let names = syntax::identifiers(operand, &file.text);
    let mut varies = false;
    syntax::walk(lp, &mut |n| {
        if varies {
            return;
        }
        let targets = match n.kind() {
            "assignment_statement" => n
                .child_by_field_name("left")
                .map(syntax::named_children)
                .unwrap_or_default(),
            "inc_statement" | "dec_statement" => syntax::named_children(n),
            _ => syntax::declared_names(n),
        };
        // Only a plain variable on the left is a new value per iteration (`p = p.parent`, not `c.n++`).
        varies = targets
            .iter()
            .any(|t| t.kind() == "identifier" && names.contains(file.node_text(*t)));
    });
    varies
}

/// Walking up from `stmt` to the loop body: does a later statement of any enclosing block leave the loop
/// (or the function) unconditionally?
fn leaves_loop_after(file: &PkgFile, stmt: Node<'_>, lp: Node<'_>) -> bool {
    let mut cur = stmt;
    while let Some(parent) = cur.parent() {
        if parent.id() == lp.id() {
            return false;
        }
        if parent.kind() == "statement_list" {
            let mut next = cur.next_named_sibling();
            while let Some(s) = next {
                match exits(file, s, parent, lp) {
                    Exit::No => {}
                    Exit::Function => return true,
                    // Out of this loop; an enclosing loop of the function may enter it again.
                    Exit::Loop => {
                        return match syntax::enclosing_loop(lp) {
                            Some(outer) => leaves_loop_after(file, syntax::with_label(lp), outer),
                            None => true,
                        };
                    }
                }
                next = s.next_named_sibling();
            }
        }
        cur = parent;
    }
    false
}

/// How a statement leaves, as far as the loop around a `defer` is concerned.
enum Exit {
    No,
    /// The function (or, conservatively, something a label names) is left.
    Function,
    /// An unlabeled `break` of the loop itself.
    Loop,
}

/// Is `s` (a statement of `list`) a statement after which the loop `lp` cannot start another iteration?
fn exits(file: &PkgFile, s: Node<'_>, list: Node<'_>, lp: Node<'_>) -> Exit {
    match s.kind() {
        "return_statement" | "goto_statement" => Exit::Function,
        "break_statement" => {
            // A labeled break may leave every loop: treat it as leaving (no report).
            if syntax::named_children(s)
                .iter()
                .any(|c| c.kind() == "label_name")
            {
                return Exit::Function;
            }
            // An unlabeled break leaves the innermost for/switch/select around it: the loop itself?
            if crate::semantic::flow::innermost_breakable(list) == Some(lp.id()) {
                Exit::Loop
            } else {
                Exit::No
            }
        }
        "expression_statement"
            if syntax::named_children(s)
                .into_iter()
                .find(|c| c.kind() == "call_expression")
                .is_some_and(|c| is_terminating_call(file, c)) =>
        {
            Exit::Function
        }
        _ => Exit::No,
    }
}

fn is_terminating_call(file: &PkgFile, call: Node<'_>) -> bool {
    let Some(f) = call.child_by_field_name("function") else {
        return false;
    };
    if f.kind() == "identifier" {
        return file.node_text(f) == "panic";
    }
    file.is_pkg_call(call, "os", "Exit")
        || ["Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln"]
            .iter()
            .any(|m| file.is_pkg_call(call, "log", m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    fn detect(src: &str) -> Vec<String> {
        check_detect_only_go(&TRANSFORM, "1.22", src)
    }

    #[test]
    fn reports_defer_close_in_range_loop() {
        let msgs = detect(
            "package m\n\nimport \"os\"\n\nfunc f(ps []string) {\n\tfor _, p := range ps {\n\t\tf, _ := os.Open(p)\n\t\tdefer f.Close()\n\t}\n}\n",
        );
        assert_eq!(msgs.len(), 1);
        assert!(msgs[0].contains("pile up"), "{msgs:?}");
    }

    #[test]
    fn lock_then_deferred_unlock_names_the_deadlock() {
        let msgs = detect(
            "package m\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc f(xs []int, m map[int]int) {\n\tfor _, x := range xs {\n\t\tmu.Lock()\n\t\tdefer mu.Unlock()\n\t\tm[x]++\n\t}\n}\n",
        );
        assert_eq!(msgs.len(), 1);
        assert!(msgs[0].contains("`mu.Lock()` blocks forever"), "{msgs:?}");
    }

    #[test]
    fn lock_chains_are_deliberate() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"sync\"\n\ntype node struct {\n\tmu     sync.Mutex\n\tparent *node\n\tdone   bool\n}\n\nfunc (n *node) open() *node {\n\tfor p := n.parent; p != nil; p = p.parent {\n\t\tp.mu.Lock()\n\t\tdefer p.mu.Unlock()\n\t\tif !p.done {\n\t\t\treturn p\n\t\t}\n\t}\n\treturn nil\n}\n",
        );
    }

    #[test]
    fn func_literal_per_iteration_is_the_fix() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"os\"\n\nfunc f(ps []string) {\n\tfor _, p := range ps {\n\t\tfunc() {\n\t\t\tf, _ := os.Open(p)\n\t\t\tdefer f.Close()\n\t\t}()\n\t}\n}\n",
        );
    }

    #[test]
    fn defer_then_return_runs_once() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"os\"\n\nfunc f(ps []string) error {\n\tfor _, p := range ps {\n\t\tif p == \"x\" {\n\t\t\tf, err := os.Open(p)\n\t\t\tif err != nil {\n\t\t\t\treturn err\n\t\t\t}\n\t\t\tdefer f.Close()\n\t\t\treturn nil\n\t\t}\n\t}\n\treturn nil\n}\n",
        );
    }

    #[test]
    fn break_of_a_switch_does_not_leave_the_loop() {
        let msgs = detect(
            "package m\n\nimport \"os\"\n\nfunc f(ps []string) {\n\tfor _, p := range ps {\n\t\tswitch p {\n\t\tcase \"a\":\n\t\t\tf, _ := os.Open(p)\n\t\t\tdefer f.Close()\n\t\t\tbreak\n\t\t}\n\t}\n}\n",
        );
        assert_eq!(msgs.len(), 1);
    }

    #[test]
    fn break_of_the_loop_runs_once() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"os\"\n\nfunc f(ps []string) {\n\tfor _, p := range ps {\n\t\tif p != \"\" {\n\t\t\tf, _ := os.Open(p)\n\t\t\tdefer f.Close()\n\t\t\tbreak\n\t\t}\n\t}\n}\n",
        );
    }

    #[test]
    fn break_of_an_inner_loop_repeats_per_outer_iteration() {
        let msgs = detect(
            "package m\n\nimport \"os\"\n\nfunc f(dirs [][]string) {\n\tfor _, ps := range dirs {\n\t\tfor _, p := range ps {\n\t\t\tif p != \"\" {\n\t\t\t\tf, _ := os.Open(p)\n\t\t\t\tdefer f.Close()\n\t\t\t\tbreak\n\t\t\t}\n\t\t}\n\t}\n}\n",
        );
        assert_eq!(msgs.len(), 1);
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"os\"\n\nfunc f(dirs [][]string) {\n\tfor _, ps := range dirs {\n\t\tfor _, p := range ps {\n\t\t\tif p != \"\" {\n\t\t\t\tf, _ := os.Open(p)\n\t\t\t\tdefer f.Close()\n\t\t\t\tbreak\n\t\t\t}\n\t\t}\n\t\treturn\n\t}\n}\n",
        );
    }

    #[test]
    fn precheck_counts_braces_outside_literals() {
        assert!(!nested_defer(b"func f() {\n\tdefer x()\n}\n"));
        assert!(nested_defer(b"func f() {\nfor {\ndefer x()\n}\n}\n"));
        assert!(!nested_defer(
            b"func f() {\n\ts := \"{{\"\n\t_ = '{'\n\t// {\n\t/* { */ _ = `{`\n\tdefer x()\n}\n"
        ));
        assert!(!nested_defer(
            b"func f() {\n\tdeferred := 1\n\t{\n\t\t_ = deferred\n\t}\n}\n"
        ));
        assert!(nested_defer(b"func f() {\n\ts := \"unterminated\n"));
    }

    #[test]
    fn precheck_needs_a_for_before_a_defer() {
        assert!(!for_before_defer(b"func f() { defer x() }"));
        assert!(for_before_defer(b"func f() { for { defer x() } }"));
    }
}
