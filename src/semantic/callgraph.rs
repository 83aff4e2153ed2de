//! The package call graph, by name: which package functions and methods a piece of code may reach.
//!
//! A function or method is a callee of code that spells its name (called or taken as a value);
//! methods are matched by name whatever the receiver, so the reachable set over-approximates. Only the
//! declarations are listed up front; a body's names are read when a walk first reaches it.

use super::index::PackageIndex;
use crate::semantic::package::Package;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// A package function or method declaration: (file index, start byte of the declaration).
pub type FuncId = (usize, usize);

/// The package's functions and methods by name.
#[derive(Debug, Default)]
pub struct CallGraph {
    by_name: HashMap<String, Vec<FuncId>>,
}

impl CallGraph {
    pub fn build(pkg: &Package, index: &PackageIndex) -> CallGraph {
        let mut g = CallGraph::default();
        let mut add = |name: &str, id: FuncId| {
            if name == "init" {
                return;
            }
            match g.by_name.get_mut(name) {
                Some(ids) => ids.push(id),
                None => {
                    g.by_name.insert(name.to_string(), vec![id]);
                }
            }
        };
        for (name, d) in index.functions(pkg) {
            add(name, (d.file, d.decl.start));
        }
        for m in index.methods(pkg) {
            add(&m.name, (m.file, m.decl.start));
        }
        g
    }

    /// Every package function and method that code spelling `names` may reach, transitively.
    pub fn reachable_from(
        &self,
        pkg: &Package,
        names: impl IntoIterator<Item = String>,
    ) -> HashSet<FuncId> {
        let mut seen = HashSet::new();
        let mut queue: Vec<String> = names.into_iter().collect();
        let mut asked = HashSet::new();
        while let Some(name) = queue.pop() {
            let Some(ids) = self.by_name.get(&name) else {
                continue;
            };
            if !asked.insert(name) {
                continue;
            }
            for &(fi, start) in ids {
                if !seen.insert((fi, start)) {
                    continue;
                }
                let f = &pkg.files[fi];
                if let Some(d) = f
                    .tree()
                    .root_node()
                    .first_named_child_for_byte(start)
                    .filter(|d| d.start_byte() == start)
                {
                    queue.extend(
                        spelled_names(&f.text, d)
                            .into_iter()
                            .filter(|n| self.by_name.contains_key(n) && !asked.contains(n)),
                    );
                }
            }
        }
        seen
    }
}

/// The identifiers and field names spelled in `node`.
pub fn spelled_names(src: &str, node: Node<'_>) -> HashSet<String> {
    let mut out = HashSet::new();
    crate::read::syntax::walk(node, &mut |c| {
        if matches!(c.kind(), "identifier" | "field_identifier") {
            let name = crate::read::syntax::text(c, src);
            if !out.contains(name) {
                out.insert(name.to_string());
            }
        }
    });
    out
}
