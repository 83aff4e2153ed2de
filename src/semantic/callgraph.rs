//! The package call graph, by name: which package functions and methods a piece of code may reach.
//!
//! A function or method is a callee of code that spells its name (called or taken as a value);
//! methods are matched by name whatever the receiver, so the reachable set over-approximates.

use super::index::PackageIndex;
use crate::package::Package;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// A package function or method declaration: (file index, start byte of the declaration).
pub type FuncId = (usize, usize);

/// Names each function and method body spells, and the declarations of each name.
#[derive(Debug, Default)]
pub struct CallGraph {
    by_name: HashMap<String, Vec<FuncId>>,
    spelled: HashMap<FuncId, HashSet<String>>,
}

impl CallGraph {
    pub fn build(pkg: &Package, index: &PackageIndex) -> CallGraph {
        let mut g = CallGraph::default();
        let mut add = |name: &str, id: FuncId| {
            if name == "init" {
                return;
            }
            g.by_name.entry(name.to_string()).or_default().push(id);
        };
        for (name, d) in index.functions() {
            add(name, (d.file, d.decl.start));
        }
        for m in index.methods() {
            add(&m.name, (m.file, m.decl.start));
        }
        for ids in g.by_name.values() {
            for &(fi, start) in ids {
                let f = &pkg.files[fi];
                let root = f.tree().root_node();
                if let Some(d) = root
                    .first_named_child_for_byte(start)
                    .filter(|d| d.start_byte() == start)
                {
                    g.spelled.insert((fi, start), spelled_names(&f.text, d));
                }
            }
        }
        g
    }

    /// Every package function and method that code spelling `names` may reach, transitively.
    pub fn reachable_from(&self, names: impl IntoIterator<Item = String>) -> HashSet<FuncId> {
        let mut seen = HashSet::new();
        let mut queue: Vec<String> = names.into_iter().collect();
        let mut asked = HashSet::new();
        while let Some(name) = queue.pop() {
            if !asked.insert(name.clone()) {
                continue;
            }
            for id in self.by_name.get(&name).into_iter().flatten() {
                if seen.insert(*id) {
                    queue.extend(self.spelled.get(id).into_iter().flatten().cloned());
                }
            }
        }
        seen
    }
}

/// The identifiers and field names spelled in `node`.
pub fn spelled_names(src: &str, node: Node<'_>) -> HashSet<String> {
    let mut out = HashSet::new();
    crate::syntax::walk(node, &mut |c| {
        if matches!(c.kind(), "identifier" | "field_identifier") {
            out.insert(crate::syntax::text(c, src).to_string());
        }
    });
    out
}
