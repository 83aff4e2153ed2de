//! What R3b reads as measuring: memory statistics and profiles a forced collection makes current, and
//! the `debug.FreeOSMemory()` right after it that collects again.

use crate::read::syntax::{self, named_children};
use crate::semantic::func_declarations;
use crate::semantic::package::{Package, PkgFile};
use crate::semantic::pkg_calls::{any_node, is_call_of};
use tree_sitter::Node;

/// Calls that read memory statistics or write profiles: after a forced collection they see current numbers.
pub(super) fn is_measurement(file: &PkgFile, call: Node<'_>) -> bool {
    is_call_of(file, call, "runtime/pprof", &[])
        || is_call_of(file, call, "net/http/pprof", &[])
        || is_call_of(file, call, "runtime", &["ReadMemStats"])
        || is_call_of(file, call, "runtime/metrics", &["Read"])
        || is_call_of(
            file,
            call,
            "runtime/debug",
            &["ReadGCStats", "WriteHeapDump"],
        )
}

/// Does anything in `scope` after `from` measure, directly or through a package function that does?
pub(super) fn measures_after(pkg: &Package, file: &PkgFile, scope: Node<'_>, from: usize) -> bool {
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
    func_declarations(pkg, name)
        .into_iter()
        .any(|(fi, d)| any_node(d, |n| is_measurement(&pkg.files[fi], n)))
}

/// Is the statement after `stmt` in its list `debug.FreeOSMemory()`?
pub(super) fn next_is_free_os_memory(file: &PkgFile, stmt: Node<'_>) -> bool {
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
                .is_some_and(|c| is_call_of(file, *c, "runtime/debug", &["FreeOSMemory"]))
    })
}
