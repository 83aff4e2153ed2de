//! §3.2.2: a function whose `runtime.Gosched()` may run repeatedly although it sits outside any loop: its
//! name is used as a value, or a call to it sits in a loop or a function literal somewhere in the package.

use crate::read::syntax;
use crate::semantic::package::Package;
use std::collections::HashSet;

/// Is the identifier `name` spelled anywhere in the package other than as a declaration's name or as the
/// callee of a call? (A local of the same name counts too: conservative.)
pub(super) fn used_as_value(pkg: &Package, name: &str) -> bool {
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
pub(super) fn may_be_called_repeatedly(
    pkg: &Package,
    name: &str,
    seen: &mut HashSet<String>,
) -> bool {
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
