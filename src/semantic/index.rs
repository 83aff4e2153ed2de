//! The package's declarations: functions, methods by receiver type, types, constants and variables of
//! every file, and the package-level names each file's free identifiers refer to.

use crate::package::{Package, PkgFile};
use crate::syntax::named_children;
use std::collections::HashMap;
use tree_sitter::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclKind {
    Func,
    Var,
    Const,
    Type,
}

/// One package-level declaration of a name: where its declaration and its spec are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopDecl {
    pub kind: DeclKind,
    pub file: usize,
    /// Byte range of the top-level declaration (`func ...`, `var (...)`).
    pub decl: std::ops::Range<usize>,
    /// Byte range of the spec naming it (the declaration itself for a function).
    pub spec: std::ops::Range<usize>,
}

impl TopDecl {
    /// The top-level declaration node in `pkg`'s tree of its file.
    pub fn decl_node<'a>(&self, pkg: &'a Package) -> Option<Node<'a>> {
        top_level_at(&pkg.files[self.file], self.decl.start)
    }

    /// The spec node (`var_spec`, `const_spec`, `type_spec`; the function declaration for a function).
    pub fn spec_node<'a>(&self, pkg: &'a Package) -> Option<Node<'a>> {
        let root = pkg.files[self.file].tree().root_node();
        let mut n = root.descendant_for_byte_range(self.spec.start, self.spec.end)?;
        while n.byte_range() != self.spec || !n.is_named() {
            n = n.parent()?;
        }
        // A parent with the same range (a spec list around its only spec) is not the spec.
        while let Some(c) = n.named_child(0) {
            if c.byte_range() == self.spec && is_spec(c.kind()) {
                n = c;
            } else {
                break;
            }
        }
        Some(n)
    }
}

/// A method declaration: its name, receiver type name and whether the receiver is a pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    pub name: String,
    pub receiver: String,
    pub pointer: bool,
    pub file: usize,
    pub decl: std::ops::Range<usize>,
}

/// Every package-level declaration of the package, by name; methods by receiver type.
#[derive(Debug, Default)]
pub struct PackageIndex {
    by_name: HashMap<String, Vec<TopDecl>>,
    methods: Vec<Method>,
}

impl PackageIndex {
    pub fn build(pkg: &Package) -> PackageIndex {
        let mut ix = PackageIndex::default();
        for (fi, f) in pkg.files.iter().enumerate() {
            ix.add_file(fi, f);
        }
        ix
    }

    fn add_file(&mut self, fi: usize, f: &PkgFile) {
        for d in named_children(f.tree().root_node()) {
            let kind = match d.kind() {
                "function_declaration" => {
                    if let Some(n) = d.child_by_field_name("name") {
                        self.push(f.node_text(n), DeclKind::Func, fi, d, d);
                    }
                    continue;
                }
                "method_declaration" => {
                    self.add_method(fi, f, d);
                    continue;
                }
                "var_declaration" => DeclKind::Var,
                "const_declaration" => DeclKind::Const,
                "type_declaration" => DeclKind::Type,
                _ => continue,
            };
            for spec in specs(d) {
                let mut c = spec.walk();
                let names: Vec<Node<'_>> = spec.children_by_field_name("name", &mut c).collect();
                for n in names {
                    self.push(f.node_text(n), kind, fi, d, spec);
                }
            }
        }
    }

    fn push(&mut self, name: &str, kind: DeclKind, file: usize, decl: Node<'_>, spec: Node<'_>) {
        self.by_name
            .entry(name.to_string())
            .or_default()
            .push(TopDecl {
                kind,
                file,
                decl: decl.byte_range(),
                spec: spec.byte_range(),
            });
    }

    fn add_method(&mut self, fi: usize, f: &PkgFile, d: Node<'_>) {
        let (Some(n), Some(r)) = (
            d.child_by_field_name("name"),
            d.child_by_field_name("receiver"),
        ) else {
            return;
        };
        let mut receiver = String::new();
        crate::syntax::walk(r, &mut |t| {
            if receiver.is_empty() && t.kind() == "type_identifier" {
                receiver = f.node_text(t).to_string();
            }
        });
        self.methods.push(Method {
            name: f.node_text(n).to_string(),
            receiver,
            pointer: f.node_text(r).contains('*'),
            file: fi,
            decl: d.byte_range(),
        });
    }

    /// Every package-level declaration of `name` (several under different build constraints).
    pub fn declarations(&self, name: &str) -> &[TopDecl] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The one declaration of `name` of this kind, if exactly one exists.
    pub fn sole(&self, name: &str, kind: DeclKind) -> Option<&TopDecl> {
        let mut it = self.declarations(name).iter().filter(|d| d.kind == kind);
        let first = it.next()?;
        it.next().is_none().then_some(first)
    }

    /// Does the package block declare `name` (a func, var, const or type; not a method)?
    pub fn declares(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    pub fn functions(&self) -> impl Iterator<Item = (&str, &TopDecl)> {
        self.by_name.iter().flat_map(|(n, ds)| {
            ds.iter()
                .filter(|d| d.kind == DeclKind::Func)
                .map(move |d| (n.as_str(), d))
        })
    }

    pub fn methods(&self) -> &[Method] {
        &self.methods
    }

    /// The methods declared with receiver type `ty` (`T` or `*T`).
    pub fn methods_of<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a Method> {
        self.methods.iter().filter(move |m| m.receiver == ty)
    }
}

fn is_spec(kind: &str) -> bool {
    matches!(kind, "var_spec" | "const_spec" | "type_spec" | "type_alias")
}

/// The specs of a `var`/`const`/`type` declaration, grouped or not.
pub fn specs(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut out = vec![];
    for c in named_children(decl) {
        if is_spec(c.kind()) {
            out.push(c);
        } else if c.kind().ends_with("_spec_list") {
            out.extend(named_children(c).into_iter().filter(|s| is_spec(s.kind())));
        }
    }
    out
}

/// The top-level declaration of `f` starting at `start`.
fn top_level_at(f: &PkgFile, start: usize) -> Option<Node<'_>> {
    let root = f.tree().root_node();
    root.first_named_child_for_byte(start)
        .filter(|d| d.start_byte() == start)
}
