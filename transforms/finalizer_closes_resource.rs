//! # finalizer-closes-resource (R7.8)
//!
//! ## What it does
//! Reports `runtime.SetFinalizer(obj, f)` where `f` (a function literal, a function of the package named
//! there, or a method expression `(*T).close` of a package type) releases an operating-system resource: it calls a `Close` method (`x.Close()`, `x.conn.Close()`),
//! `syscall.Close` / `unix.Close` / `Munmap` / `CloseHandle`, or `os.Remove` / `os.RemoveAll` — and the
//! type the finalizer receives has no exported close-like method of its own in the package (`Close`,
//! `Release`, `Shutdown`, `Stop`, `Free`, `Destroy`, `Dispose`; an unexported `close` is no path for the
//! package's callers), so the finalizer is the only way the resource is ever released.
//!
//! ## Why is this bad?
//! A finalizer runs only after a garbage collection finds the object unreachable, on one runtime goroutine
//! shared by every finalizer, and possibly never (the program may exit first; an object in a reference
//! cycle with a finalizer is never collected). The garbage collector paces itself on heap size, not on file
//! descriptors or sockets: a program holding little memory can exhaust its descriptor limit or leave temp
//! files behind long before the next cycle. The object also survives one extra cycle, since the finalizer
//! can resurrect it.
//!
//! ## Example
//! ```go
//! package spool
//!
//! import (
//! 	"os"
//! 	"runtime"
//! )
//!
//! type Spool struct{ f *os.File }
//!
//! func Open(path string) (*Spool, error) {
//! 	f, err := os.Create(path)
//! 	if err != nil {
//! 		return nil, err
//! 	}
//! 	s := &Spool{f: f}
//! 	runtime.SetFinalizer(s, func(s *Spool) { s.f.Close() })
//! 	return s, nil
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package spool
//!
//! import "os"
//!
//! type Spool struct{ f *os.File }
//!
//! func Open(path string) (*Spool, error) {
//! 	f, err := os.Create(path)
//! 	if err != nil {
//! 		return nil, err
//! 	}
//! 	return &Spool{f: f}, nil
//! }
//!
//! // Close releases the file; callers `defer s.Close()`.
//! func (s *Spool) Close() error { return s.f.Close() }
//! ```
//! A cleanup may stay as a safety net that reports or releases what a caller forgot: from Go 1.24,
//! `runtime.AddCleanup(s, func(f *os.File) { f.Close() }, s.f)`, which does not resurrect the object.
//!
//! ## Fix safety
//! No fix: report only. Adding a `Close` method and the `defer` at every call site is an API change.
//!
//! ## Version gating
//! None for the report. The message mentions `runtime.AddCleanup` only when the file's Go version is 1.24
//! or later (the function appeared in Go 1.24).
//!
//! ## When it does not fire
//! - The finalized type has an exported close-like method in the package, or the package clears a finalizer somewhere
//!   (`runtime.SetFinalizer(x, nil)`, typically in the `Close` of a wrapper type): the finalizer is a safety
//!   net behind an explicit close path (the pattern `os.File` and `net` connections use), which is fine.
//! - The finalizer frees memory only (`C.free`, a pool `Put`) or only logs that the object was not closed.
//! - The finalizer is `nil` (clearing it), a method value, a function of another package, or a function
//!   or method whose body we cannot see; its parameter is an interface or a generic type.
//! - `runtime` is shadowed or dot-imported. `runtime.AddCleanup` calls are not reported.
//! - Test code (`*_test.go`, files importing `testing`, test functions).
//!
//! ## References
//! `SetFinalizer` and `AddCleanup` in `src/runtime/mfinal.go` and `src/runtime/mcleanup.go`; the Go 1.24
//! release notes ("runtime.AddCleanup").

use crate::read::syntax::{self, named_children};
use crate::read::version::GoVersion;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::func_declarations;
use crate::semantic::package::PkgFile;
use crate::semantic::pkg_calls::{is_call_of, is_import_local, selector_call};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.8",
        name: "finalizer-closes-resource",
        summary: "runtime.SetFinalizer closing a file, socket or descriptor: it is released only when the GC runs, maybe never",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &[],
        calls: &[("runtime", &["SetFinalizer"])],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("finalizer_closes_resource.rs"),
    query: QUERY,
    run,
    precheck: crate::rules::transform::outside_tests,
    other_files: None,
};

const QUERY: &str = r#"
((call_expression
   function: (selector_expression field: (field_identifier) @fn)
   arguments: (argument_list (_) (_) .)) @match
 (#eq? @fn "SetFinalizer"))
"#;

/// Methods whose presence on the finalized type means an explicit close path exists.
const CLOSE_LIKE: &[&str] = &[
    "close", "release", "shutdown", "stop", "free", "destroy", "dispose",
];

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let call = m.node("match")?;
    let file = cx.file();
    if !file.is_pkg_call(call, "runtime", "SetFinalizer") || in_test_code(file, call) {
        return None;
    }
    let args = call.child_by_field_name("arguments")?;
    let [_, fin] = named_children(args)[..] else {
        return None;
    };
    // The finalizer's parameter type and body: a literal here, or a top-level function of the package.
    let (found, released) = match fin.kind() {
        "func_literal" => {
            let body = fin.child_by_field_name("body")?;
            let recv = param_type(file, fin)?;
            (recv, releases(file, body))
        }
        "identifier" => {
            let name = cx.text(fin);
            let (i, decl) = top_level_func(cx, name)?;
            let f = &cx.pkg.files[i];
            let (Some(body), Some(recv)) = (decl.child_by_field_name("body"), param_type(f, decl))
            else {
                return None;
            };
            (recv, releases(f, body))
        }
        // `(*T).close` / `T.close`: a method expression of a package type; its receiver is the parameter.
        "parenthesized_expression" | "selector_expression" => {
            let (ty, method) = method_expression(cx, fin)?;
            let (i, decl) = method_decl(cx, &ty, &method)?;
            let body = decl.child_by_field_name("body")?;
            (ParamType::Local(ty), releases(&cx.pkg.files[i], body))
        }
        _ => return None,
    };
    let what = released?;
    let advice = match &found {
        ParamType::Local(t) => {
            if has_close_like_method(cx, t) || disarms_finalizers(cx) {
                return None;
            }
            format!("give `{t}` an explicit `Close` that callers `defer`")
        }
        ParamType::Qualified(t) => {
            // Name the release the finalizer makes, not a `Close` method `t` may not have.
            format!("make that call explicitly (with `defer`) where the `{t}`'s use ends")
        }
    };
    let net = if file.versions.api >= GoVersion(24) {
        "keep at most a `runtime.AddCleanup` (Go 1.24+) as a safety net"
    } else {
        "keep the finalizer at most as a safety net"
    };
    let msg = format!(
        "this finalizer releases a resource (`{what}`), which then happens only when a garbage collection finds the object unreachable, maybe never: the collector paces itself on heap size, so descriptors, mappings or disk can run out first; {advice}, and {net}"
    );
    cx.report(TextRange::of(call), msg);
    Some(())
}

enum ParamType {
    /// A type of this package (`*Conn`).
    Local(String),
    /// A type of another package (`*os.File`).
    Qualified(String),
}

/// The type of the single parameter of `func_node`, pointer stripped; `None` for interfaces, generics, etc.
fn param_type(file: &PkgFile, func_node: Node<'_>) -> Option<ParamType> {
    let params = func_node.child_by_field_name("parameters")?;
    let [p] = named_children(params)[..] else {
        return None;
    };
    let mut t = p.child_by_field_name("type")?;
    if t.kind() == "pointer_type" {
        t = named_children(t).into_iter().next()?;
    }
    match t.kind() {
        "type_identifier" => Some(ParamType::Local(file.node_text(t).to_string())),
        "qualified_type" => Some(ParamType::Qualified(file.node_text(t).to_string())),
        _ => None,
    }
}

/// The first call in `body` that releases an OS resource, as written.
fn releases(file: &PkgFile, body: Node<'_>) -> Option<String> {
    let mut found = None;
    syntax::walk(body, &mut |n| {
        if found.is_some() {
            return;
        }
        let Some((operand, field)) = selector_call(n) else {
            return;
        };
        let field = file.node_text(field);
        let pkg_release = [
            ("syscall", &["Close", "CloseHandle", "Munmap"][..]),
            ("golang.org/x/sys/unix", &["Close", "Munmap"][..]),
            ("golang.org/x/sys/windows", &["Close", "CloseHandle"][..]),
            ("os", &["Remove", "RemoveAll"][..]),
        ]
        .iter()
        .any(|(path, funcs)| is_call_of(file, n, path, funcs));
        // A `Close` method on anything that is not a package (`x.Close()`, `x.conn.Close()`).
        let operand_is_pkg =
            operand.kind() == "identifier" && is_import_local(file, file.node_text(operand));
        if pkg_release || (field == "Close" && !operand_is_pkg) {
            let text = file.node_text(n);
            let short = text.split('(').next().unwrap_or(text);
            let no_args = n
                .child_by_field_name("arguments")
                .is_some_and(|a| named_children(a).is_empty());
            found = Some(format!("{short}({})", if no_args { "" } else { "…" }));
        }
    });
    found
}

/// The package function `name` (its first declaration in file order), with the index of its file.
fn top_level_func<'a>(cx: &Ctx<'a>, name: &str) -> Option<(usize, Node<'a>)> {
    func_declarations(cx.pkg, name).into_iter().next()
}

/// Does the package clear a finalizer somewhere (`runtime.SetFinalizer(x, nil)`)? That is an explicit close
/// path disarming the safety net, possibly on a wrapper type (the `os.File` / `os.file` split).
fn disarms_finalizers(cx: &Ctx<'_>) -> bool {
    cx.pkg.files.iter().any(|f| {
        f.text
            .lines()
            .any(|l| l.contains("SetFinalizer(") && l.replace(' ', "").contains(",nil)"))
    })
}

/// `(*T).m` or `T.m` where `T` is a type name (not a package or a value): the type and the method.
fn method_expression(cx: &Ctx<'_>, fin: Node<'_>) -> Option<(String, String)> {
    let sel = match fin.kind() {
        "selector_expression" => fin,
        _ => named_children(fin)
            .into_iter()
            .next()
            .filter(|n| n.kind() == "selector_expression")?,
    };
    let operand = sel.child_by_field_name("operand")?;
    let method = cx.text(sel.child_by_field_name("field")?).to_string();
    // `(*T)` parses as a parenthesized unary `*` (or a pointer type); `T` as an identifier.
    let mut inner = operand;
    while matches!(
        inner.kind(),
        "parenthesized_expression" | "parenthesized_type" | "unary_expression" | "pointer_type"
    ) {
        inner = named_children(inner).into_iter().next()?;
    }
    if !matches!(inner.kind(), "identifier" | "type_identifier") {
        return None;
    }
    let ty = cx.text(inner).to_string();
    let needle = format!("type {ty} ");
    cx.pkg
        .files
        .iter()
        .any(|f| memchr::memmem::find(f.text.as_bytes(), needle.as_bytes()).is_some())
        .then_some((ty, method))
}

/// The declaration of method `method` on `T` or `*T` in the package, with the index of its file.
fn method_decl<'a>(cx: &Ctx<'a>, ty: &str, method: &str) -> Option<(usize, Node<'a>)> {
    let pkg = cx.pkg;
    let m = pkg
        .semantic()
        .index
        .methods_of(pkg, ty)
        .find(|m| m.name == method)?;
    let root = pkg.files[m.file].tree().root_node();
    let decl = root
        .first_named_child_for_byte(m.decl.start)
        .filter(|d| d.start_byte() == m.decl.start)?;
    Some((m.file, decl))
}

/// Does any file of the package declare an exported close-like method on `T` or `*T`? An unexported
/// `close` is no path for the package's callers: the finalizer stays the only release they get.
fn has_close_like_method(cx: &Ctx<'_>, type_name: &str) -> bool {
    cx.pkg
        .semantic()
        .index
        .methods_of(cx.pkg, type_name)
        .any(|m| {
            m.name.starts_with(|c: char| c.is_ascii_uppercase())
                && CLOSE_LIKE.contains(&m.name.to_ascii_lowercase().as_str())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    const CONN: &str = "package m\n\nimport (\n\t\"runtime\"\n\t\"syscall\"\n)\n\ntype Conn struct{ fd int }\n\nfunc Dial(fd int) *Conn {\n\tc := &Conn{fd: fd}\n\truntime.SetFinalizer(c, func(c *Conn) { syscall.Close(c.fd) })\n\treturn c\n}\n";

    #[test]
    fn literal_closing_a_descriptor_version_aware() {
        let msgs = check_detect_only_go(&TRANSFORM, "1.24", CONN);
        assert!(
            msgs[0].contains("AddCleanup") && msgs[0].contains("syscall.Close"),
            "{msgs:?}"
        );
        let msgs = check_detect_only_go(&TRANSFORM, "1.23", CONN);
        assert!(!msgs[0].contains("AddCleanup"), "{msgs:?}");
    }

    #[test]
    fn named_finalizer_function() {
        check_detect_only_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport (\n\t\"os\"\n\t\"runtime\"\n)\n\ntype Tmp struct{ path string }\n\nfunc New(p string) *Tmp {\n\tt := &Tmp{path: p}\n\truntime.SetFinalizer(t, removeTmp)\n\treturn t\n}\n\nfunc removeTmp(t *Tmp) { os.Remove(t.path) }\n",
        );
    }

    #[test]
    fn safety_nets_logs_and_memory_do_not_fire() {
        // A Close method exists: the finalizer is a safety net.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &format!(
                "{CONN}\nfunc (c *Conn) Close() error {{ runtime.SetFinalizer(c, nil); return syscall.Close(c.fd) }}\n"
            ),
        );
        // The wrapper's Close clears the finalizer set on the inner type.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            &format!(
                "{CONN}\ntype Wrapper struct{{ c *Conn }}\n\nfunc (w *Wrapper) Shut() {{\n\truntime.SetFinalizer(w.c, nil)\n\tsyscall.Close(w.c.fd)\n}}\n"
            ),
        );
        // Only logs.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport (\n\t\"log\"\n\t\"runtime\"\n)\n\ntype Tx struct{ done bool }\n\nfunc Begin() *Tx {\n\tt := &Tx{}\n\truntime.SetFinalizer(t, func(t *Tx) {\n\t\tif !t.done {\n\t\t\tlog.Print(\"tx leaked\")\n\t\t}\n\t})\n\treturn t\n}\n",
        );
        // Clearing, and a shadowed runtime.
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nimport \"runtime\"\n\ntype r struct{}\n\nfunc (r) SetFinalizer(any, any) {}\n\ntype F struct{ c interface{ Close() error } }\n\nfunc f(x *F) {\n\truntime.SetFinalizer(x, nil)\n\t{\n\t\truntime := r{}\n\t\truntime.SetFinalizer(x, func(x *F) { x.c.Close() })\n\t}\n}\n",
        );
    }
}
