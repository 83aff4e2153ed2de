//! Scopes and bindings of one file: what every identifier of an expression refers to.
//!
//! One walk over the tree with Go's block rules (§4.4 of the spec): a function's receiver, type
//! parameters, parameters and results; blocks; the implicit blocks of `if`/`for`/`switch`/`select` and
//! of each case clause; a local `var`/`const`/`:=` in scope from the end of its spec, a local type from
//! its name on. Visible names live in one map from name to a stack of bindings, so a lookup costs the
//! same at any nesting depth and the walk stays linear in the file.
//!
//! Only local scopes are modelled here: an identifier no local declaration covers is *free*, and the
//! package index (`semantic::index`) or the file's imports say what it names.

use crate::read::syntax::{self, named_children};
use std::collections::HashMap;
use tree_sitter::Node;

/// What kind of local declaration a binding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingKind {
    /// `:=`, `var`, a range or receive variable, a type-switch binding.
    Var,
    Const,
    Type,
    /// Receiver, parameter or named result.
    Param,
    TypeParam,
}

/// One local declaration of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub name: String,
    pub kind: BindingKind,
    /// Start byte of the declaring identifier.
    pub at: usize,
}

/// What one `identifier` node of the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// It declares something (a local, a parameter, a package-level name, a parameter of a func type).
    Declaration,
    /// A use of the local binding with this index in [`FileScopes::bindings`].
    Local(usize),
    /// A use no local declaration covers: a package-level name, an import or a predeclared name.
    Free,
    /// The key of a composite-literal element: a field name or a map key expression, which only the
    /// literal's type tells apart.
    LiteralKey,
}

/// The resolution of every identifier of one file.
#[derive(Debug, Default)]
pub struct FileScopes {
    pub bindings: Vec<Binding>,
    /// By the identifier's start byte (identifiers never share one).
    resolved: HashMap<usize, Resolution>,
    /// Start bytes of the free uses, by name.
    free: HashMap<String, Vec<usize>>,
    /// Start bytes of the composite-literal keys, by name.
    keys: HashMap<String, Vec<usize>>,
}

impl FileScopes {
    /// Resolves every identifier of the file `root` (its text `src`).
    pub fn build(root: Node<'_>, src: &str) -> FileScopes {
        let mut b = Builder {
            src,
            out: FileScopes::default(),
            visible: HashMap::new(),
            scopes: vec![],
        };
        b.run(root);
        b.out
    }

    /// What the identifier starting at `at` is; `None` for a byte that starts no identifier.
    pub fn resolution(&self, at: usize) -> Option<Resolution> {
        self.resolved.get(&at).copied()
    }

    /// The local binding the identifier `node` uses, if any.
    pub fn binding_of(&self, node: Node<'_>) -> Option<&Binding> {
        match self.resolution(node.start_byte())? {
            Resolution::Local(i) => self.bindings.get(i),
            _ => None,
        }
    }

    /// Is the identifier `node` a use that no local declaration covers?
    pub fn is_free(&self, node: Node<'_>) -> bool {
        node.kind() == "identifier" && self.resolution(node.start_byte()) == Some(Resolution::Free)
    }

    /// Start bytes of the free uses of `name`.
    pub fn free_uses(&self, name: &str) -> &[usize] {
        self.free.get(name).map_or(&[], Vec::as_slice)
    }

    /// Is `name` spelled as a composite-literal key somewhere in the file?
    pub fn is_literal_key_name(&self, name: &str) -> bool {
        self.keys.contains_key(name)
    }
}

/// Work of the walk, in an explicit stack (no recursion: expression chains nest deeply).
enum Step<'t> {
    Visit(Node<'t>),
    /// Make these declaring identifiers visible in the innermost scope.
    Bind(Vec<Node<'t>>, BindingKind),
    /// The left side of a `:=`, once its right side is resolved.
    Define(Node<'t>),
    Open,
    Close,
}

struct Builder<'s> {
    src: &'s str,
    out: FileScopes,
    /// Name → indices of its visible bindings, innermost last (names borrow the text: no allocation).
    visible: HashMap<&'s str, Vec<usize>>,
    /// Per open scope, the names it bound (to pop on close).
    scopes: Vec<Vec<&'s str>>,
}

impl<'s> Builder<'s> {
    fn run(&mut self, root: Node<'_>) {
        let mut stack = vec![Step::Visit(root)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Open => self.scopes.push(vec![]),
                Step::Close => {
                    for name in self.scopes.pop().unwrap_or_default() {
                        if let Some(v) = self.visible.get_mut(name) {
                            v.pop();
                        }
                    }
                }
                Step::Bind(ids, kind) => {
                    for id in ids {
                        self.bind(id, kind);
                    }
                }
                Step::Define(left) => {
                    let fresh = self.define(left);
                    for id in fresh {
                        self.bind(id, BindingKind::Var);
                    }
                }
                Step::Visit(n) => self.visit(n, &mut stack),
            }
        }
    }

    fn text(&self, n: Node<'_>) -> &'s str {
        syntax::text(n, self.src)
    }

    fn declare(&mut self, id: Node<'_>) {
        if id.kind() == "identifier" {
            self.out
                .resolved
                .insert(id.start_byte(), Resolution::Declaration);
        }
    }

    fn bind(&mut self, id: Node<'_>, kind: BindingKind) {
        if id.kind() != "identifier" {
            return;
        }
        let name = self.text(id);
        if name == "_" {
            return;
        }
        let index = self.out.bindings.len();
        self.out.bindings.push(Binding {
            name: name.to_string(),
            kind,
            at: id.start_byte(),
        });
        self.visible.entry(name).or_default().push(index);
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(name);
        }
    }

    fn use_of(&mut self, id: Node<'_>) {
        let at = id.start_byte();
        if self.out.resolved.contains_key(&at) {
            return;
        }
        let name = self.text(id);
        let res = match self.visible.get(name).and_then(|v| v.last()) {
            Some(&i) => Resolution::Local(i),
            None => {
                push_by_name(&mut self.out.free, name, at);
                Resolution::Free
            }
        };
        self.out.resolved.insert(at, res);
    }

    /// A `:=` (or a `:=` range/receive) redeclares names of the same scope instead of binding them anew.
    fn define<'t>(&mut self, left: Node<'t>) -> Vec<Node<'t>> {
        let mut fresh = vec![];
        for id in named_children(left) {
            if id.kind() != "identifier" {
                continue;
            }
            let name = self.text(id);
            let here = self.scopes.last().is_some_and(|s| s.contains(&name));
            if here {
                self.use_of(id);
            } else {
                self.declare(id);
                fresh.push(id);
            }
        }
        fresh
    }

    fn visit<'t>(&mut self, n: Node<'t>, stack: &mut Vec<Step<'t>>) {
        let local = in_function(n);
        match n.kind() {
            "identifier" => {
                if is_literal_key(n) {
                    let name = self.text(n);
                    push_by_name(&mut self.out.keys, name, n.start_byte());
                    self.out
                        .resolved
                        .insert(n.start_byte(), Resolution::LiteralKey);
                } else {
                    self.use_of(n);
                }
            }
            "function_declaration" | "method_declaration" | "func_literal" => {
                if let Some(name) = n.child_by_field_name("name") {
                    self.declare(name);
                }
                stack.push(Step::Close);
                // The body's statements share the parameters' block (a `:=` of a named result reuses it).
                if let Some(body) = n.child_by_field_name("body") {
                    push_children(body, stack);
                }
                let mut binds = vec![];
                let mut lists = vec![];
                for (field, kind) in [
                    ("receiver", BindingKind::Param),
                    ("type_parameters", BindingKind::TypeParam),
                    ("parameters", BindingKind::Param),
                    ("result", BindingKind::Param),
                ] {
                    if let Some(list) = n.child_by_field_name(field) {
                        let names = parameter_names(list);
                        binds.push(Step::Bind(names, kind));
                        lists.push(Step::Visit(list));
                    }
                }
                stack.extend(binds);
                stack.extend(lists.into_iter().rev());
                stack.push(Step::Open);
            }
            "parameter_declaration"
            | "variadic_parameter_declaration"
            | "type_parameter_declaration" => {
                let mut c = n.walk();
                for name in n.children_by_field_name("name", &mut c) {
                    self.declare(name);
                }
                self.visit_children_except_names(n, stack);
            }
            "block"
            | "if_statement"
            | "for_statement"
            | "expression_switch_statement"
            | "select_statement"
            | "expression_case"
            | "type_case"
            | "default_case"
            | "communication_case" => {
                stack.push(Step::Close);
                push_children(n, stack);
                stack.push(Step::Open);
            }
            "type_switch_statement" => {
                // `switch v := x.(type)`: `x` is outside `v`'s scope, every clause inside it.
                stack.push(Step::Close);
                let mut c = n.walk();
                let clauses: Vec<Node<'t>> = n
                    .named_children(&mut c)
                    .filter(|k| k.kind().ends_with("_case"))
                    .collect();
                stack.extend(clauses.into_iter().rev().map(Step::Visit));
                if let Some(alias) = n.child_by_field_name("alias") {
                    let ids = named_children(alias);
                    for id in &ids {
                        self.declare(*id);
                    }
                    stack.push(Step::Bind(ids, BindingKind::Var));
                }
                stack.extend(n.child_by_field_name("value").map(Step::Visit));
                stack.extend(n.child_by_field_name("initializer").map(Step::Visit));
                stack.push(Step::Open);
            }
            "short_var_declaration" | "range_clause" | "receive_statement" => {
                let left = n.child_by_field_name("left");
                let defines = n.kind() == "short_var_declaration"
                    || (0..n.child_count()).any(|i| n.child(i).is_some_and(|c| c.kind() == ":="));
                match left {
                    Some(left) if defines => {
                        // The right side first: `x := x` reads the outer `x`.
                        stack.push(Step::Define(left));
                        stack.extend(n.child_by_field_name("right").map(Step::Visit));
                    }
                    _ => push_children(n, stack),
                }
            }
            "var_spec" | "const_spec" if local => {
                let kind = if n.kind() == "var_spec" {
                    BindingKind::Var
                } else {
                    BindingKind::Const
                };
                let mut c = n.walk();
                let names: Vec<Node<'t>> = n.children_by_field_name("name", &mut c).collect();
                for id in &names {
                    self.declare(*id);
                }
                stack.push(Step::Bind(names, kind));
                self.visit_children_except_names(n, stack);
            }
            "var_spec" | "const_spec" => {
                let mut c = n.walk();
                let names: Vec<Node<'t>> = n.children_by_field_name("name", &mut c).collect();
                for id in names {
                    self.declare(id);
                }
                self.visit_children_except_names(n, stack);
            }
            "type_spec" | "type_alias" => {
                if let Some(name) = n.child_by_field_name("name") {
                    self.declare(name);
                    if local {
                        self.bind(name, BindingKind::Type);
                    }
                }
                self.visit_children_except_names(n, stack);
            }
            _ => push_children(n, stack),
        }
    }

    fn visit_children_except_names<'t>(&mut self, n: Node<'t>, stack: &mut Vec<Step<'t>>) {
        let mut c = n.walk();
        let names: Vec<usize> = n
            .children_by_field_name("name", &mut c)
            .map(|x| x.id())
            .collect();
        let mut c = n.walk();
        let rest: Vec<Node<'t>> = n
            .children(&mut c)
            .filter(|x| !names.contains(&x.id()))
            .collect();
        stack.extend(rest.into_iter().rev().map(Step::Visit));
    }
}

/// Is the spec `n` inside a function (its declaration not at package level)?
fn in_function(n: Node<'_>) -> bool {
    if !matches!(
        n.kind(),
        "var_spec" | "const_spec" | "type_spec" | "type_alias"
    ) {
        return false;
    }
    let decl = syntax::ancestors(n).find(|a| {
        matches!(
            a.kind(),
            "var_declaration" | "const_declaration" | "type_declaration"
        )
    });
    decl.and_then(|d| d.parent())
        .is_some_and(|p| p.kind() != "source_file")
}

/// Appends `at` to `name`'s list, allocating the key only for a name's first entry.
fn push_by_name(map: &mut HashMap<String, Vec<usize>>, name: &str, at: usize) {
    match map.get_mut(name) {
        Some(v) => v.push(at),
        None => {
            map.insert(name.to_string(), vec![at]);
        }
    }
}

fn push_children<'t>(n: Node<'t>, stack: &mut Vec<Step<'t>>) {
    let mut c = n.walk();
    let kids: Vec<Node<'t>> = n.children(&mut c).collect();
    stack.extend(kids.into_iter().rev().map(Step::Visit));
}

/// The names a parameter list declares itself (not those of nested func types).
fn parameter_names(list: Node<'_>) -> Vec<Node<'_>> {
    named_children(list)
        .into_iter()
        .flat_map(|p| {
            let mut c = p.walk();
            p.children_by_field_name("name", &mut c).collect::<Vec<_>>()
        })
        .collect()
}

/// Is `n` the key of a composite-literal element (`T{key: v}`)?
pub fn is_literal_key(n: Node<'_>) -> bool {
    let Some(p) = n.parent() else {
        return false;
    };
    let key_of = |k: Node<'_>, child: Node<'_>| {
        k.kind() == "keyed_element" && k.named_child(0).is_some_and(|c| c.id() == child.id())
    };
    match p.kind() {
        "literal_element" => p.parent().is_some_and(|k| key_of(k, p)),
        "keyed_element" => key_of(p, n),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{BindingKind, FileScopes, Resolution};

    /// The resolution of the `nth` (0-based) identifier spelled `name` in `src`.
    fn res(src: &str, name: &str, nth: usize) -> Resolution {
        let tree = crate::read::syntax::parse(src);
        let scopes = FileScopes::build(tree.root_node(), src);
        let mut seen = vec![];
        crate::read::syntax::walk(tree.root_node(), &mut |n| {
            if n.kind() == "identifier" && crate::read::syntax::text(n, src) == name {
                seen.push(n.start_byte());
            }
        });
        scopes.resolution(seen[nth]).expect("identifier resolved")
    }

    fn kind_of(src: &str, name: &str, nth: usize) -> Option<BindingKind> {
        let tree = crate::read::syntax::parse(src);
        let scopes = FileScopes::build(tree.root_node(), src);
        match res(src, name, nth) {
            Resolution::Local(i) => Some(scopes.bindings[i].kind),
            _ => None,
        }
    }

    #[test]
    fn short_declarations_start_after_their_right_side() {
        let src = "package p\nvar x int\nfunc f() {\n\tx := x + 1\n\t_ = x\n}\n";
        assert_eq!(res(src, "x", 0), Resolution::Declaration);
        assert_eq!(res(src, "x", 1), Resolution::Declaration);
        assert_eq!(res(src, "x", 2), Resolution::Free);
        assert_eq!(kind_of(src, "x", 3), Some(BindingKind::Var));
    }

    #[test]
    fn blocks_and_clauses_end_their_bindings() {
        let src = "package p\nfunc f(c chan int) {\n\tif x := 1; x > 0 {\n\t\t_ = x\n\t}\n\t_ = x\n\tselect {\n\tcase x := <-c:\n\t\t_ = x\n\t}\n\t_ = x\n}\n";
        assert_eq!(kind_of(src, "x", 1), Some(BindingKind::Var));
        assert_eq!(kind_of(src, "x", 2), Some(BindingKind::Var));
        assert_eq!(res(src, "x", 3), Resolution::Free);
        assert_eq!(kind_of(src, "x", 5), Some(BindingKind::Var));
        assert_eq!(res(src, "x", 6), Resolution::Free);
    }

    #[test]
    fn parameters_results_and_type_switches() {
        let src = "package p\nfunc f(v any) (err error) {\n\tswitch v := v.(type) {\n\tcase int:\n\t\t_ = v\n\t}\n\ta, err := 1, err\n\t_ = a\n\treturn err\n}\n";
        assert_eq!(kind_of(src, "v", 2), Some(BindingKind::Param));
        assert_eq!(kind_of(src, "v", 3), Some(BindingKind::Var));
        // `a, err :=` in the function's block reuses the named result.
        assert_eq!(kind_of(src, "err", 1), Some(BindingKind::Param));
        assert_eq!(kind_of(src, "err", 3), Some(BindingKind::Param));
    }

    #[test]
    fn func_types_and_literal_keys_do_not_bind() {
        let src = "package p\nvar cb func(x int)\nfunc f() {\n\t_ = T{x: x}\n}\n";
        assert_eq!(res(src, "x", 0), Resolution::Declaration);
        assert_eq!(res(src, "x", 1), Resolution::LiteralKey);
        assert_eq!(res(src, "x", 2), Resolution::Free);
    }
}
