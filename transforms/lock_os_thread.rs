//! # lock-os-thread (R6.2)
//!
//! ## What it does
//! Reports `runtime.LockOSThread()` followed by `defer runtime.UnlockOSThread()` in one function when
//! nothing in the package suggests per-thread state: no cgo, no assembly, no raw or per-thread system
//! calls, no namespace, graphics, GUI or COM libraries. With `--unsafe-fixes` it removes both statements.
//! A lock around a direct C call (`C.f(...)`) with nothing showing thread-local state is reported without a
//! fix, saying what to audit on the C side.
//!
//! ## Why is this bad?
//! While locked, the goroutine owns its OS thread: no other goroutine runs on that thread, and every time
//! the locked goroutine blocks (a channel, a mutex, the network) the thread sleeps with it while the
//! scheduler has to find or start another thread for the remaining work. Waking a locked goroutine means
//! handing its thread back, a full OS context switch instead of a cheap goroutine switch. Many goroutines
//! doing this turn the program into one thread per goroutine, and throughput collapses. The lock only buys
//! something when the code depends on per-thread state: C libraries with thread-local storage, Linux
//! namespaces, per-thread credentials or signal masks, graphics contexts, COM apartments.
//!
//! ## Example
//! ```go
//! package render
//!
//! import (
//! 	"runtime"
//! 	"strings"
//! )
//!
//! func renderPage(title string, lines []string) string {
//! 	runtime.LockOSThread()
//! 	defer runtime.UnlockOSThread()
//! 	var b strings.Builder
//! 	b.WriteString(title)
//! 	for _, l := range lines {
//! 		b.WriteString(l)
//! 	}
//! 	return b.String()
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package render
//!
//! import (
//! 	"strings"
//! )
//!
//! func renderPage(title string, lines []string) string {
//! 	var b strings.Builder
//! 	b.WriteString(title)
//! 	for _, l := range lines {
//! 		b.WriteString(l)
//! 	}
//! 	return b.String()
//! }
//! ```
//!
//! ## Fix safety
//! Unsafe (applied only with `--unsafe-fixes`), never Safe: the tool sees neither the callees in other
//! packages nor the C or assembly code they may reach, and any of them may rely on running on one thread
//! (thread-local storage in a C library, a per-thread system call). The reviewer must check the callees
//! before accepting. Both statements go with their lines; the `runtime` import goes when nothing else in
//! the file uses it.
//!
//! No fix where the locked code calls C directly and nothing shows thread-local state (no marker in the
//! package, no `__thread`, `_Thread_local`, `pthread_getspecific` or `TlsAlloc` in the directory's `.c` and
//! `.h` files): the finding asks for an audit of the C library (errno-style values read on a later call,
//! OpenGL or GUI contexts, handles bound to the thread that created them), which the tool cannot do.
//!
//! ## Version gating
//! None. (Since Go 1.10 locks nest and a goroutine that exits while locked terminates its thread; both
//! shapes this rule does not touch.)
//!
//! ## When it does not fire
//! - Anything in the package suggests thread-affine state: `import "C"` in any file (unless the locked code
//!   calls C itself, reported as above), an assembly file in
//!   the directory, `//go:linkname`, raw or per-thread system calls (`Syscall`, `RawSyscall`, `Setns`,
//!   `Unshare`, `Prctl`, `SchedSetaffinity`, `Setpriority`, `Ptrace*`, `Capset`, `Setresuid` & co.,
//!   `SYS_` numbers, `Gettid`, signal masks, seccomp/landlock), `/proc/thread-self` or `/proc/self/task`,
//!   `SysProcAttr`/`Pdeathsig`, netns packages (`vishvananda`), OpenGL/EGL/GLFW/SDL/Cocoa/COM/OLE names,
//!   Windows DLL loading and thread APIs, C-calling libraries without cgo (`purego`, `dlopen`), GUI
//!   toolkits (Fyne, Gio, GTK, Qt, webview, Ebiten...), any other identifier mentioning `Thread`, and
//!   comments that say why the thread matters ("thread-local", "per-thread", "main thread", "same
//!   thread", "the very same one", "namespace"). A comment that *denies* thread state ("pure Go, no cgo, no
//!   thread-locals": a `no`, `not`, `without`, `never`, `pure Go` or `plain Go` before the word in the same
//!   comment) is no reason and does not count.
//! - The locked code calls a package of the same module that imports "C", has assembly, C sources or
//!   prebuilt objects, or spells a raw or per-thread system call (the callee may need the thread).
//! - The function runs callbacks it does not own while locked (it calls a parameter, or a value it
//!   receives or ranges over): a "run this on a locked thread" helper.
//! - `init` functions (pinning `main` to the startup thread on purpose), `LockOSThread` without a
//!   following `defer runtime.UnlockOSThread()` in the same statement list (a goroutine that exits locked
//!   kills its thread on purpose), functions that lock or unlock more than once.
//! - Test code: `*_test.go`, files importing `testing`, `Test*`/`Benchmark*`/`Fuzz*`/`Example*`.
//! - A dot-imported or shadowed `runtime`.
//! - Test-support packages: `*test` and `testutil` names, benchmark harnesses, `e2e/` and `integration/`
//!   trees.
//!
//! ## References
//! `runtime.LockOSThread` in `src/runtime/proc.go`; Go 1.10 release notes
//! (nesting, exiting while locked); Go 1.16 release notes (`syscall.Setuid` on all threads).

use crate::read::syntax;
use crate::rules::call_site::{RuntimeCall, call_statement_query, runtime_call};
use crate::rules::fix::{Edit, Fix, TextRange};
use crate::rules::removal::{no_arguments, plan_removal, runtime_import_change};
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::Package;
use crate::semantic::thread_state::{mentions_thread_state, module_package_needs_thread};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R6.2",
        name: "lock-os-thread",
        summary: "LockOSThread with a deferred unlock and no per-thread state pins a thread for nothing",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &[],
        calls: &[("runtime", &["LockOSThread"])],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("lock_os_thread.rs"),
    query: QUERY,
    run,
    precheck: |bytes, module| {
        crate::rules::transform::outside_tests(bytes, module) && !mentions_thread_state(bytes)
    },
    other_files: None,
};

const QUERY: &str = call_statement_query!("LockOSThread");

const MESSAGE: &str = "`runtime.LockOSThread()` with a deferred unlock makes this goroutine own its OS thread for the whole call: each time it blocks the thread sleeps with it, waking it costs an OS context switch, and parallelism drops toward one thread per locked goroutine; no cgo, assembly or per-thread system call shows up in this package, but before removing the lock check that no callee reaches a C library with thread-local state or a per-thread system call";

const C_MESSAGE: &str = "`runtime.LockOSThread()` with a deferred unlock pins this goroutine to its OS thread on every call, so the scheduler cannot move it and every blocking call parks the thread with it; the locked code calls C, but nothing in this package shows thread-local state on the C side";

const C_WITHHELD: &str = "the locked code calls C: audit the C library for thread-local state (errno-style values read on a later call, OpenGL or GUI contexts, handles bound to the thread that created them) before removing the lock";

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    // §6.2 / §0.3: exactly `runtime.LockOSThread()`, `runtime` resolved through the import, outside tests.
    let RuntimeCall {
        stmt: lock,
        call,
        local,
    } = runtime_call(cx, m, "LockOSThread")?;
    let file = cx.file();
    let src = cx.src();
    let func = syntax::enclosing_function(lock)?;
    // `init` pins the main goroutine to the startup thread on purpose (GUI and graphics main loops).
    if syntax::enclosing_top_function(lock).is_some_and(|f| {
        f.kind() == "function_declaration"
            && f.child_by_field_name("name")
                .is_some_and(|n| file.node_text(n) == "init")
    }) {
        return None;
    }
    // The deferred unlock must follow in the same statement list; without it the goroutine may exit
    // locked on purpose (its thread dies with it).
    let list = lock.parent().filter(|p| p.kind() == "statement_list")?;
    let stmts = syntax::named_children(list);
    let pos = stmts.iter().position(|s| s.id() == lock.id())?;
    let unlock = stmts[pos + 1..]
        .iter()
        .copied()
        .find(|s| is_deferred_unlock(cx, *s))?;
    // Exactly one lock and one unlock in the function: nested or manual locking is deliberate.
    let (mut locks, mut unlocks) = (0, 0);
    syntax::walk(func, &mut |n| {
        if n.kind() == "selector_expression"
            && n.child_by_field_name("operand")
                .is_some_and(|o| file.names_package(o, "runtime"))
        {
            match n.child_by_field_name("field").map(|f| file.node_text(f)) {
                Some("LockOSThread") => locks += 1,
                Some("UnlockOSThread") => unlocks += 1,
                _ => {}
            }
        }
    });
    if locks != 1 || unlocks != 1 {
        return None;
    }
    // A helper that runs callers' code on a locked thread: the callbacks are what needs the thread.
    if runs_foreign_callbacks(func, src) {
        return None;
    }
    // Owner's decision "R6.2 comments and cgo": a callee in a package of the module that imports "C" may
    // need the thread (the tool cannot see what that C code keeps per thread).
    if calls_thread_bound_package(cx.pkg, file, func, lock.end_byte()) {
        return None;
    }
    // Owner's decision "R6.2 comments and cgo": C called under the lock with nothing showing thread-local
    // state is reported without a fix, with what to audit on the C side.
    let calls_c = calls_c_after(file, func, lock.end_byte());
    // §6.2: anything in the package that suggests per-thread state.
    if package_touches_thread_state(cx.pkg, calls_c) {
        return None;
    }
    if calls_c {
        cx.report(TextRange::of(call), C_MESSAGE)
            .withhold(C_WITHHELD);
        return None;
    }
    let fix = removal_fix(src, lock, unlock).map(|edit| {
        let mut fix = Fix::unsafe_fix("remove the `LockOSThread`/`defer UnlockOSThread` pair")
            .edit(cx.file_idx, edit);
        if let Some(change) = runtime_import_change(file, &local) {
            fix = fix.import(cx.file_idx, change);
        }
        fix
    });
    let d = cx.report(TextRange::of(call), MESSAGE);
    d.fix = fix;
    Some(())
}

/// Is `stmt` exactly `defer runtime.UnlockOSThread()`?
fn is_deferred_unlock(cx: &Ctx<'_>, stmt: Node<'_>) -> bool {
    stmt.kind() == "defer_statement"
        && syntax::named_children(stmt).first().is_some_and(|c| {
            cx.file().is_pkg_call(*c, "runtime", "UnlockOSThread") && no_arguments(*c)
        })
}

/// Does `func` call one of its parameters (`f()`), or a value it receives from a channel or ranges over
/// (`f()`, `job.Run()`, `(<-work)()`)?
fn runs_foreign_callbacks(func: Node<'_>, src: &str) -> bool {
    let mut params: Vec<&str> = vec![];
    if let Some(list) = func.child_by_field_name("parameters") {
        syntax::walk(list, &mut |n| {
            if n.kind() == "parameter_declaration" || n.kind() == "variadic_parameter_declaration" {
                let mut c = n.walk();
                params.extend(
                    n.children_by_field_name("name", &mut c)
                        .map(|x| syntax::text(x, src)),
                );
            }
        });
    }
    let Some(body) = func.child_by_field_name("body") else {
        return true;
    };
    let mut received: Vec<&str> = vec![];
    syntax::walk(body, &mut |n| {
        if matches!(n.kind(), "range_clause" | "receive_statement") {
            received.extend(
                syntax::declared_names(n)
                    .into_iter()
                    .map(|x| syntax::text(x, src)),
            );
        }
    });
    let mut found = false;
    syntax::walk(body, &mut |n| {
        if found || n.kind() != "call_expression" {
            return;
        }
        found = n
            .child_by_field_name("function")
            .is_some_and(|f| match f.kind() {
                "identifier" => {
                    let name = syntax::text(f, src);
                    params.contains(&name) || received.contains(&name)
                }
                "selector_expression" => f.child_by_field_name("operand").is_some_and(|o| {
                    o.kind() == "identifier" && received.contains(&syntax::text(o, src))
                }),
                "parenthesized_expression" => true,
                _ => false,
            });
    });
    found
}

/// Does the function call, after `from`, a function of a package of this module that uses cgo, assembly
/// or per-thread system calls?
fn calls_thread_bound_package(
    pkg: &Package,
    file: &crate::semantic::package::PkgFile,
    func: Node<'_>,
    from: usize,
) -> bool {
    let mut found = false;
    syntax::walk(func, &mut |n| {
        if found || n.start_byte() < from || n.kind() != "selector_expression" {
            return;
        }
        let Some(op) = n
            .child_by_field_name("operand")
            .filter(|o| o.kind() == "identifier")
        else {
            return;
        };
        let name = file.node_text(op);
        found = file.imports().iter().any(|i| {
            i.is_usable() && i.local == name && module_package_needs_thread(&pkg.module, &i.path)
        });
    });
    found
}

/// Does the function call a `C.` name after `from` (the lock), in a file that imports "C"?
fn calls_c_after(file: &crate::semantic::package::PkgFile, func: Node<'_>, from: usize) -> bool {
    if !file.imports_path("C") {
        return false;
    }
    let mut found = false;
    syntax::walk(func, &mut |n| {
        found |= n.start_byte() >= from
            && n.kind() == "call_expression"
            && n.child_by_field_name("function").is_some_and(|f| {
                f.kind() == "selector_expression"
                    && f.child_by_field_name("operand")
                        .is_some_and(|o| o.kind() == "identifier" && file.node_text(o) == "C")
            });
    });
    found
}

/// Thread-local storage spelled in C sources: cgo preambles and the `.c`/`.h` files next to the Go files.
const C_THREAD_LOCAL: &[&str] = &[
    "__thread",
    "_Thread_local",
    "thread_local",
    "pthread_getspecific",
    "pthread_setspecific",
    "pthread_key_create",
    "TlsAlloc",
];

/// cgo, assembly or any per-thread marker in any file of the package. With `c_called` the lock is around a
/// C call the rule reports without a fix, so cgo itself is no reason to stay silent; thread-local storage in
/// the directory's C sources still is.
fn package_touches_thread_state(pkg: &Package, c_called: bool) -> bool {
    if pkg.files.iter().any(|f| {
        (!c_called && crate::semantic::prefilter::imports(f.text.as_bytes(), "C"))
            || mentions_thread_state(f.text.as_bytes())
            || (c_called
                && C_THREAD_LOCAL
                    .iter()
                    .any(|w| memchr::memmem::find(f.text.as_bytes(), w.as_bytes()).is_some()))
    }) {
        return true;
    }
    // Assembly in the directory, C files compiled by cgo (their thread-local storage when C is called:
    // cgo itself is reported, not a reason for silence) and prebuilt objects.
    if c_called {
        pkg.has_assembly()
            || pkg.has_other_file(&[".syso"])
            || pkg.other_file_texts(&[".c", ".h"]).iter().any(|(_, text)| {
                text.as_ref().is_none_or(|t| {
                    C_THREAD_LOCAL
                        .iter()
                        .any(|w| memchr::memmem::find(t, w.as_bytes()).is_some())
                })
            })
    } else {
        pkg.has_assembly() || pkg.has_other_file(&[".c", ".syso"])
    }
}

/// One edit removing both statements: the pair as one block of lines when the unlock follows on the
/// next line (so no blank line is left where they stood), otherwise each statement on its own. `None`
/// when either statement shares its line with other code.
fn removal_fix(src: &str, lock: Node<'_>, unlock: Node<'_>) -> Option<Edit> {
    let a = plan_removal(src, lock).ok()?;
    let b = plan_removal(src, unlock).ok()?;
    if a.edit.range.end == syntax::line_start(src, unlock.start_byte())
        && b.edit.range.start == a.edit.range.end
    {
        // Adjacent: re-plan the deletion as one range with the blank-line rules of a single statement.
        let start = a.edit.range.start;
        let mut end = syntax::line_end_incl(src, unlock.end_byte());
        let prev_blank = start >= 2 && &src[start - 2..start] == "\n\n";
        let prev_open = src[..start].trim_end_matches('\n').ends_with('{');
        let next_line_end = syntax::line_end_incl(src, end);
        let next_blank = end < src.len() && src[end..next_line_end].trim().is_empty();
        let next_close = src[end..].trim_start().starts_with('}');
        if next_blank && (prev_blank || prev_open) {
            end = next_line_end;
        } else if prev_blank && next_close {
            return Some(Edit::delete(TextRange::new(start - 1, end)));
        }
        return Some(Edit::delete(TextRange::new(start, end)));
    }
    // Not adjacent: fold both deletions into one edit that keeps the text between them unchanged.
    let mid = &src[a.edit.range.end..b.edit.range.start];
    Some(Edit::replace(
        TextRange::new(a.edit.range.start, b.edit.range.end),
        mid.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_no_fix, run_one};

    fn fixed(src: &str) -> String {
        let (out, o) = run_one(&TRANSFORM, "1.22", src, true);
        assert!(!o.findings.is_empty() || out != src, "no finding");
        out
    }

    #[test]
    fn doc_example_round_trips() {
        let doc = crate::catalog::docs::doc(&TRANSFORM);
        let before = crate::catalog::docs::go_block(&doc, "## Example").expect("example");
        let after = crate::catalog::docs::go_block(&doc, "## Use instead").expect("use instead");
        assert_eq!(fixed(&before), after);
    }

    #[test]
    fn not_applied_without_unsafe_fixes() {
        let src = "package m\n\nimport \"runtime\"\n\nfunc work(xs []int) int {\n\truntime.LockOSThread()\n\tdefer runtime.UnlockOSThread()\n\treturn len(xs)\n}\n";
        let (out, o) = run_one(&TRANSFORM, "1.22", src, false);
        assert_eq!(out, src);
        assert_eq!(o.findings.len(), 1);
    }

    #[test]
    fn goroutine_literal_and_kept_import() {
        let src = "package m\n\nimport \"runtime\"\n\nfunc start(xs []int) int {\n\tgo func() {\n\t\truntime.LockOSThread()\n\t\tdefer runtime.UnlockOSThread()\n\n\t\tprintln(len(xs))\n\t}()\n\treturn runtime.NumCPU()\n}\n";
        assert_eq!(
            fixed(src),
            "package m\n\nimport \"runtime\"\n\nfunc start(xs []int) int {\n\tgo func() {\n\t\tprintln(len(xs))\n\t}()\n\treturn runtime.NumCPU()\n}\n"
        );
        // Not adjacent: both lines go, what sits between stays.
        let src = "package m\n\nimport \"runtime\"\n\nfunc work(xs []int) int {\n\truntime.LockOSThread()\n\tn := len(xs)\n\tdefer runtime.UnlockOSThread()\n\treturn n\n}\n";
        assert_eq!(
            fixed(src),
            "package m\n\nfunc work(xs []int) int {\n\tn := len(xs)\n\treturn n\n}\n"
        );
    }

    #[test]
    fn never_without_deferred_unlock_in_init_or_nested() {
        let h = "package m\n\nimport \"runtime\"\n\n";
        check_no_fix(
            &TRANSFORM,
            &format!("{h}func serve() {{\n\truntime.LockOSThread()\n\tprintln()\n}}\n"),
        );
        check_no_fix(
            &TRANSFORM,
            &format!(
                "{h}func init() {{\n\truntime.LockOSThread()\n\tdefer runtime.UnlockOSThread()\n\tprintln()\n}}\n"
            ),
        );
        check_no_fix(
            &TRANSFORM,
            &format!(
                "{h}func f() {{\n\tdefer runtime.UnlockOSThread()\n\truntime.LockOSThread()\n\tprintln()\n}}\n"
            ),
        );
        check_no_fix(
            &TRANSFORM,
            &format!(
                "{h}func f() {{\n\truntime.LockOSThread()\n\tdefer runtime.UnlockOSThread()\n\truntime.LockOSThread()\n\tdefer runtime.UnlockOSThread()\n}}\n"
            ),
        );
        check_no_fix(
            &TRANSFORM,
            &format!(
                "{h}func f(ok bool) {{\n\truntime.LockOSThread()\n\tif ok {{\n\t\tdefer runtime.UnlockOSThread()\n\t}}\n}}\n"
            ),
        );
    }

    #[test]
    fn never_with_thread_state_or_callbacks() {
        let h = "package m\n\nimport \"runtime\"\n\n";
        let body = "\truntime.LockOSThread()\n\tdefer runtime.UnlockOSThread()\n";
        check_no_fix(
            &TRANSFORM,
            &format!("{h}func do(f func()) {{\n{body}\tf()\n}}\n"),
        );
        check_no_fix(
            &TRANSFORM,
            &format!(
                "{h}func loop(work chan func()) {{\n{body}\tfor f := range work {{\n\t\tf()\n\t}}\n}}\n"
            ),
        );
        check_no_fix(
            &TRANSFORM,
            "package m\n\nimport (\n\t\"runtime\"\n\n\t\"golang.org/x/sys/unix\"\n)\n\nfunc enter(fd int) error {\n\truntime.LockOSThread()\n\tdefer runtime.UnlockOSThread()\n\treturn unix.Setns(fd, 0)\n}\n",
        );
        check_no_fix(
            &TRANSFORM,
            &format!(
                "{h}func tid() int {{\n{body}\treturn getThreadID()\n}}\n\nfunc getThreadID() int {{ return 0 }}\n"
            ),
        );
        check_no_fix(
            &TRANSFORM,
            "package m\n\nimport \"runtime\"\n\ntype fake struct{}\n\nfunc (fake) LockOSThread()   {}\nfunc (fake) UnlockOSThread() {}\n\nfunc f() {\n\truntime := fake{}\n\truntime.LockOSThread()\n\tdefer runtime.UnlockOSThread()\n\tprintln()\n}\n\nvar _ = runtime.NumCPU\n",
        );
        check_no_fix(
            &TRANSFORM,
            "package m\n\nimport . \"runtime\"\n\nfunc f() {\n\tLockOSThread()\n\tdefer UnlockOSThread()\n\tprintln()\n}\n",
        );
    }

    #[test]
    fn never_in_tests() {
        check_no_fix(
            &TRANSFORM,
            "package m\n\nimport (\n\t\"runtime\"\n\t\"testing\"\n)\n\nfunc helper(t *testing.T) {\n\truntime.LockOSThread()\n\tdefer runtime.UnlockOSThread()\n\tt.Log()\n}\n",
        );
    }

    #[test]
    fn markers_skip_the_lock_names() {
        assert!(!mentions_thread_state(
            b"runtime.LockOSThread()\nruntime.UnlockOSThread()"
        ));
        assert!(mentions_thread_state(b"unix.Setns(fd, unix.CLONE_NEWNET)"));
        assert!(mentions_thread_state(b"windows.GetCurrentThread()"));
        assert!(!mentions_thread_state(
            b"// Thread-safe. Legal values only."
        ));
        assert!(mentions_thread_state(
            b"// the library keeps thread-local state"
        ));
        assert!(mentions_thread_state(
            b"os.ReadFile(\"/proc/thread-self/attr/current\")"
        ));
    }
}
