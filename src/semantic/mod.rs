//! The semantic model rules read instead of re-deriving it: per package, what names refer to (scopes and
//! bindings), the package's declarations and call graph, constant values (the module's facts are read
//! with its files: `read::module_facts`). Built by the engine, asked by the rules; rules never walk the
//! tree or read files.
//!
//! Per file, [`scope::FileScopes`] (built on first use, dropped when the text changes); per package,
//! [`Semantic`] (`Package::semantic`): the index of declarations and the call graph.
//!
//! Also here: the package as the engine holds it (`package`), where code runs (`context`), control
//! flow (`flow`, `loops`, `select`), per-thread-state facts (`thread_state`), the byte-level prefilter
//! and the CPU profile's heat per function.

pub mod callgraph;
pub mod constant;
pub mod context;
pub mod flow;
pub mod godebug;
pub mod hoist;
pub mod imported;
pub mod index;
pub mod liveness;
pub mod loops;
pub mod memory_limit;
pub mod package;
pub mod pkg_calls;
pub mod prefilter;
pub mod profile;
pub mod scope;
pub mod select;
pub mod thread_state;
pub mod values;

use crate::semantic::package::Package;
use callgraph::{CallGraph, FuncId};
use index::{DeclKind, PackageIndex, TopDecl};
use std::cell::OnceCell;
use std::collections::HashSet;
use tree_sitter::Node;

/// The package-wide part of the model, built once per package text.
pub struct Semantic {
    pub index: PackageIndex,
    calls: OnceCell<CallGraph>,
}

impl Semantic {
    pub fn build(pkg: &Package) -> Semantic {
        Semantic {
            index: PackageIndex::new(pkg),
            calls: OnceCell::new(),
        }
    }

    pub fn call_graph(&self, pkg: &Package) -> &CallGraph {
        self.calls
            .get_or_init(|| CallGraph::build(pkg, &self.index))
    }
}

/// What an identifier of an expression refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Referent<'a> {
    /// A local variable, constant, type or parameter.
    Local(&'a scope::Binding),
    /// An import of the file, by path.
    Import(String),
    /// A package-level declaration (one of several when build constraints split it).
    Package(&'a TopDecl),
    /// A composite-literal key: a field name or a map key, which only the type tells.
    LiteralKey,
    /// Nothing the package declares: predeclared, or from a dot import.
    Other,
}

/// What the identifier `id` of `file` (index `fi` of `pkg`) refers to; `None` when `id` declares.
pub fn referent<'a>(pkg: &'a Package, fi: usize, id: Node<'_>) -> Option<Referent<'a>> {
    let file = &pkg.files[fi];
    let scopes = file.scopes();
    match scopes.resolution(id.start_byte())? {
        scope::Resolution::Declaration => None,
        scope::Resolution::Local(i) => Some(Referent::Local(&scopes.bindings[i])),
        scope::Resolution::LiteralKey => Some(Referent::LiteralKey),
        scope::Resolution::Free => {
            let name = file.node_text(id);
            if let Some(imp) = file
                .imports()
                .iter()
                .find(|i| i.is_usable() && i.local == name)
            {
                return Some(Referent::Import(imp.path.clone()));
            }
            Some(
                pkg.semantic()
                    .index
                    .declarations(pkg, name)
                    .first()
                    .map_or(Referent::Other, |d| Referent::Package(d)),
            )
        }
    }
}

/// Every identifier of the package that refers to the package-level `name`, declarations excluded, as
/// (file index, node). `None` when some use is unsure: `name` is spelled as a composite-literal key.
pub fn references<'a>(pkg: &'a Package, name: &str) -> Option<Vec<(usize, Node<'a>)>> {
    let mut out = vec![];
    for (fi, f) in pkg.files.iter().enumerate() {
        if !crate::read::syntax::contains_word(&f.text, name) {
            continue;
        }
        let scopes = f.scopes();
        if scopes.is_literal_key_name(name) {
            return None;
        }
        let root = f.tree().root_node();
        for &at in scopes.free_uses(name) {
            if let Some(n) = root.descendant_for_byte_range(at, at + name.len()) {
                out.push((fi, n));
            }
        }
    }
    Some(out)
}

/// A package-level `var` declaration as nodes: its file, the declaration and the spec naming the var.
pub struct VarDecl<'t> {
    pub file: usize,
    pub decl: Node<'t>,
    pub spec: Node<'t>,
}

/// The one package-level `var` spec declaring `name`, if exactly one declaration of `name` exists.
pub fn sole_var<'a>(pkg: &'a Package, name: &str) -> Option<VarDecl<'a>> {
    let vars = declared(pkg, name, DeclKind::Var);
    let [d] = vars.as_slice() else {
        return None;
    };
    Some(VarDecl {
        file: d.file,
        decl: d.decl_node(pkg)?,
        spec: d.spec_node(pkg)?,
    })
}

/// The package functions and methods code in `nodes` may reach (see `callgraph`).
pub fn reachable<'a>(pkg: &Package, nodes: &[(usize, Node<'a>)]) -> HashSet<FuncId> {
    let mut names = HashSet::new();
    for (fi, n) in nodes {
        names.extend(callgraph::spelled_names(&pkg.files[*fi].text, *n));
    }
    pkg.semantic().call_graph(pkg).reachable_from(pkg, names)
}

/// The same-package functions `node` calls directly by name (its function and any function called
/// inside its arguments), as (file, declaration): every declaration under any build constraint.
pub fn direct_callees<'a>(pkg: &'a Package, fi: usize, node: Node<'_>) -> Vec<(usize, Node<'a>)> {
    let file = &pkg.files[fi];
    let mut names = std::collections::BTreeSet::new();
    crate::read::syntax::walk(node, &mut |n| {
        if n.kind() == "call_expression"
            && let Some(f) = n.child_by_field_name("function")
            && f.kind() == "identifier"
        {
            names.insert(file.node_text(f).to_string());
        }
    });
    let mut out: Vec<(usize, Node<'a>)> = names
        .iter()
        .flat_map(|name| func_declarations(pkg, name))
        .collect();
    out.sort_by_key(|(f, n)| (*f, n.start_byte()));
    out
}

/// Every declaration of the package function `name` (not a method), in file order, as (file, declaration):
/// several when build constraints split it.
pub fn func_declarations<'a>(pkg: &'a Package, name: &str) -> Vec<(usize, Node<'a>)> {
    declared(pkg, name, DeclKind::Func)
        .into_iter()
        .filter_map(|d| Some((d.file, d.decl_node(pkg)?)))
        .collect()
}

/// The package-level declarations of `name` of one kind, in file order.
fn declared<'a>(pkg: &'a Package, name: &'a str, kind: DeclKind) -> Vec<&'a TopDecl> {
    let mut ds = pkg.semantic().index.declarations(pkg, name);
    ds.retain(|d| d.kind == kind);
    ds
}

/// The start of the function or method declaration of `pkg.files[fi]` holding `node`.
pub fn func_id(fi: usize, decl: Node<'_>) -> FuncId {
    (fi, decl.start_byte())
}

/// The type a package-level `type name T` defines (not an alias), as (file, the `T` node).
pub fn type_definition<'a>(pkg: &'a Package, name: &str) -> Option<(usize, Node<'a>)> {
    declared(pkg, name, DeclKind::Type)
        .into_iter()
        .filter_map(|d| Some((d.file, d.spec_node(pkg)?)))
        .find(|(_, s)| s.kind() == "type_spec")
        .and_then(|(f, s)| Some((f, s.child_by_field_name("type")?)))
}

/// The package functions and methods package initialisation may reach apart from the `init` declared
/// at `except`: from package-level `var` initialisers and every other `init`.
pub fn reached_by_initialization(pkg: &Package, except: FuncId) -> HashSet<FuncId> {
    let mut seeds = vec![];
    for (fi, f) in pkg.files.iter().enumerate() {
        for d in crate::read::syntax::named_children(f.tree().root_node()) {
            match d.kind() {
                "var_declaration" => seeds.extend(
                    index::specs(d)
                        .into_iter()
                        .filter_map(|s| s.child_by_field_name("value"))
                        .map(|v| (fi, v)),
                ),
                "function_declaration"
                    if func_id(fi, d) != except
                        && d.child_by_field_name("name")
                            .is_some_and(|n| f.node_text(n) == "init") =>
                {
                    seeds.push((fi, d));
                }
                _ => {}
            }
        }
    }
    reachable(pkg, &seeds)
}

#[cfg(test)]
mod tests {
    use crate::read::gomod::Module;
    use crate::read::source::SourceText;
    use crate::read::version::{FileVersions, GoVersion};
    use crate::semantic::package::{Package, PkgFile};
    use std::path::PathBuf;
    use std::sync::Arc;

    fn package(files: &[(&str, &str)]) -> Package {
        let files = files
            .iter()
            .map(|(name, text)| {
                PkgFile::new(
                    PathBuf::from(name),
                    name.to_string(),
                    SourceText::decode(text.as_bytes()).expect("utf-8"),
                    FileVersions::new(GoVersion(22), None),
                )
            })
            .collect();
        let module = Arc::new(Module::parse(
            std::path::Path::new(""),
            "module m\n\ngo 1.22\n",
        ));
        Package::new(PathBuf::new(), "p".into(), module, files)
    }

    const A: &str = "package p\n\nvar cfg int\n\nfunc load() int { return helper() }\n\nfunc helper() int { return cfg }\n\nfunc (s *S) Get() int { return cfg }\n";
    const B: &str = "package p\n\ntype S struct{}\n\nfunc use(cfg int) int { return cfg }\n\nfunc read() int {\n\tif cfg := 1; cfg > 0 {\n\t\treturn cfg\n\t}\n\treturn cfg\n}\n";

    #[test]
    fn references_follow_scopes_across_files() {
        let pkg = package(&[("a.go", A), ("b.go", B)]);
        let refs = super::references(&pkg, "cfg").expect("no literal key");
        let at: Vec<(usize, usize)> = refs
            .iter()
            .map(|(f, n)| (*f, n.start_position().row))
            .collect();
        // a.go: helper and Get; b.go: only the last `return cfg` (the parameter and the `if` shadow it).
        assert_eq!(at, vec![(0, 6), (0, 8), (1, 10)]);
        assert!(super::sole_var(&pkg, "cfg").is_some());
        assert!(super::sole_var(&pkg, "load").is_none());
    }

    #[test]
    fn index_and_call_graph() {
        let pkg = package(&[("a.go", A), ("b.go", B)]);
        let ix = &pkg.semantic().index;
        assert_eq!(
            ix.methods_of(&pkg, "S")
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>(),
            ["Get"]
        );
        let method = ix.methods(&pkg).next().expect("one method");
        assert!(method.pointer);
        assert!(ix.declares(&pkg, "S") && ix.declares(&pkg, "helper") && !ix.declares(&pkg, "Get"));
        let load = ix
            .sole(&pkg, "load", super::DeclKind::Func)
            .expect("one load");
        let load_node = load.decl_node(&pkg).expect("node");
        let reached = super::reachable(&pkg, &[(0, load_node)]);
        let helper = ix
            .sole(&pkg, "helper", super::DeclKind::Func)
            .expect("one helper");
        assert!(reached.contains(&(helper.file, helper.decl.start)));
        assert!(!reached.contains(&(0, method.decl.start)));
        assert_eq!(
            super::type_definition(&pkg, "S").map(|(_, t)| t.kind()),
            Some("struct_type")
        );
    }
}
