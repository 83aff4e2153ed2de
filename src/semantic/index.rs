//! The package's declarations: functions, methods by receiver type, types, constants and variables of
//! every file, and the package-level names each file's free identifiers refer to.

use crate::read::syntax::named_children;
use crate::semantic::package::{Package, PkgFile};
use std::cell::OnceCell;
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

/// Every package-level declaration of the package, by name; methods by receiver type. Each file's part
/// is built on the first question that reads the file, and a question about one name reads only the
/// files that spell it: asking about `cfg` parses no file that never mentions `cfg`.
#[derive(Debug, Default)]
pub struct PackageIndex {
    files: Vec<OnceCell<FileDecls>>,
}

/// The package-level declarations of one file.
#[derive(Debug, Default)]
struct FileDecls {
    by_name: HashMap<String, Vec<TopDecl>>,
    methods: Vec<Method>,
}

impl PackageIndex {
    pub fn new(pkg: &Package) -> PackageIndex {
        PackageIndex {
            files: pkg.files.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    fn file(&self, pkg: &Package, fi: usize) -> &FileDecls {
        self.files[fi].get_or_init(|| FileDecls::build(fi, &pkg.files[fi]))
    }

    /// The files that may hold a method of `ty`: those spelling it as a word.
    fn spelling<'a>(
        &'a self,
        pkg: &'a Package,
        name: &'a str,
    ) -> impl Iterator<Item = &'a FileDecls> + 'a {
        self.files_where(pkg, move |t| crate::read::syntax::contains_word(t, name))
    }

    /// The files that may declare `name` in the package block: those spelling it in a declaring position
    /// (`package::may_declare`), so asking about a builtin or a common local (`make`, `n`) does not parse
    /// every file of the package.
    fn declaring<'a>(
        &'a self,
        pkg: &'a Package,
        name: &'a str,
    ) -> impl Iterator<Item = &'a FileDecls> + 'a {
        self.files_where(pkg, move |t| {
            crate::semantic::package::may_declare(t.as_bytes(), name.as_bytes())
        })
    }

    /// The declarations of the files whose text passes `keep` (only those files are parsed).
    fn files_where<'a>(
        &'a self,
        pkg: &'a Package,
        keep: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = &'a FileDecls> + 'a {
        (0..self.files.len())
            .filter(move |&fi| keep(&pkg.files[fi].text))
            .map(move |fi| self.file(pkg, fi))
    }

    /// Every package-level declaration of `name` (several under different build constraints), in file
    /// order.
    pub fn declarations<'a>(&'a self, pkg: &'a Package, name: &'a str) -> Vec<&'a TopDecl> {
        self.declaring(pkg, name)
            .flat_map(|f| f.by_name.get(name).into_iter().flatten())
            .collect()
    }

    /// The one declaration of `name` of this kind, if exactly one exists.
    pub fn sole<'a>(
        &'a self,
        pkg: &'a Package,
        name: &'a str,
        kind: DeclKind,
    ) -> Option<&'a TopDecl> {
        let ds = self.declarations(pkg, name);
        let mut it = ds.into_iter().filter(|d| d.kind == kind);
        let first = it.next()?;
        it.next().is_none().then_some(first)
    }

    /// Does the package block declare `name` (a func, var, const or type; not a method)?
    pub fn declares(&self, pkg: &Package, name: &str) -> bool {
        self.declaring(pkg, name)
            .any(|f| f.by_name.contains_key(name))
    }

    /// Every package-level function (not method), with its name; reads every file.
    pub fn functions<'a>(
        &'a self,
        pkg: &'a Package,
    ) -> impl Iterator<Item = (&'a str, &'a TopDecl)> {
        (0..self.files.len()).flat_map(move |fi| {
            self.file(pkg, fi).by_name.iter().flat_map(|(n, ds)| {
                ds.iter()
                    .filter(|d| d.kind == DeclKind::Func)
                    .map(move |d| (n.as_str(), d))
            })
        })
    }

    /// Every method declaration of the package, in file order; reads every file.
    pub fn methods<'a>(&'a self, pkg: &'a Package) -> impl Iterator<Item = &'a Method> {
        (0..self.files.len()).flat_map(move |fi| self.file(pkg, fi).methods.iter())
    }

    /// The methods declared with receiver type `ty` (`T` or `*T`): only files spelling `ty` are read.
    pub fn methods_of<'a>(
        &'a self,
        pkg: &'a Package,
        ty: &'a str,
    ) -> impl Iterator<Item = &'a Method> {
        self.spelling(pkg, ty)
            .flat_map(move |f| f.methods.iter().filter(move |m| m.receiver == ty))
    }
}

impl FileDecls {
    fn build(fi: usize, f: &PkgFile) -> FileDecls {
        let mut out = FileDecls::default();
        for d in named_children(f.tree().root_node()) {
            let kind = match d.kind() {
                "function_declaration" => {
                    if let Some(n) = d.child_by_field_name("name") {
                        out.push(f.node_text(n), DeclKind::Func, fi, d, d);
                    }
                    continue;
                }
                "method_declaration" => {
                    out.add_method(fi, f, d);
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
                    out.push(f.node_text(n), kind, fi, d, spec);
                }
            }
        }
        out
    }

    fn push(&mut self, name: &str, kind: DeclKind, file: usize, decl: Node<'_>, spec: Node<'_>) {
        let decl = TopDecl {
            kind,
            file,
            decl: decl.byte_range(),
            spec: spec.byte_range(),
        };
        match self.by_name.get_mut(name) {
            Some(ds) => ds.push(decl),
            None => {
                self.by_name.insert(name.to_string(), vec![decl]);
            }
        }
    }

    fn add_method(&mut self, fi: usize, f: &PkgFile, d: Node<'_>) {
        let (Some(n), Some(r)) = (
            d.child_by_field_name("name"),
            d.child_by_field_name("receiver"),
        ) else {
            return;
        };
        let mut receiver = String::new();
        crate::read::syntax::walk(r, &mut |t| {
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
