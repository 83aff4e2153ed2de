//! Package-wide facts that make a forced collection part of the behaviour (finalizers, cleanups, weak
//! pointers, `sync.Pool`, a tuned collector): R3b reports there without a fix.

use crate::read::syntax::{self, named_children};
use crate::semantic::package::{Package, PkgFile};
use crate::semantic::pkg_calls::is_call_of;
use tree_sitter::Node;

/// The first use in the package of something whose behaviour a forced collection changes (§3.1), as a
/// reason with its place (`cache.go:14`).
pub(super) fn package_depends_on_gc(pkg: &Package) -> Option<String> {
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
                            .is_some_and(|o| f.names_package(o, "sync"));
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
        if is_call_of(f, n, path, &[func]) {
            return Some(why);
        }
    }
    if is_call_of(f, n, "os", &["Setenv"]) {
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
