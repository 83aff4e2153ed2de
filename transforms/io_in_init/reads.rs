//! §4.5.3-5: which uses of the variable stay valid once it becomes the call `x()`, and which package
//! variables the load reads.

use super::*;

/// §4.5.5: does `node` read a package-level variable (other than `target`) that is written anywhere, or
/// one initialised from a flag package?
pub(super) fn reads_written_global(
    pkg: &Package,
    file: &PkgFile,
    node: Node<'_>,
    target: &str,
) -> bool {
    let mut names = BTreeSet::new();
    syntax::walk(node, &mut |n| {
        if n.kind() == "identifier" {
            names.insert(file.node_text(n).to_string());
        }
    });
    let methods = package_methods(pkg);
    for name in names {
        if name == target {
            continue;
        }
        let Some(decl) = semantic::sole_var(pkg, &name) else {
            continue;
        };
        let vf = &pkg.files[decl.file];
        if let Some(v) = decl.spec.child_by_field_name("value")
            && touches_forbidden(vf, v)
        {
            return true;
        }
        let Some(refs) = semantic::references(pkg, &name) else {
            return true;
        };
        let kind = decl
            .spec
            .child_by_field_name("type")
            .map_or(Kind::Unknown, |t| type_kind(pkg, vf, t));
        if refs
            .iter()
            .any(|(fi, r)| !is_plain_read(&pkg.files[*fi], *r, kind, &methods))
        {
            return true;
        }
    }
    false
}

/// What the declared type tells about addressability (§4.5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `*T`: methods of any receiver work on the pointer value.
    Pointer,
    /// map, slice, chan, func, interface, predeclared basic: no addressable state behind a method call
    /// except pointer-receiver methods of a named type of the package.
    Reference,
    /// Struct, array, or a type we cannot see: only value-receiver methods of the package are allowed.
    Unknown,
}

pub(super) fn type_kind(pkg: &Package, file: &PkgFile, ty: Node<'_>) -> Kind {
    match ty.kind() {
        "pointer_type" => Kind::Pointer,
        "map_type" | "slice_type" | "channel_type" | "function_type" | "interface_type" => {
            Kind::Reference
        }
        "type_identifier" => {
            let name = file.node_text(ty);
            if syntax::is_basic_type(name) || matches!(name, "error" | "any") {
                return Kind::Reference;
            }
            // A type of the package: its underlying type.
            match semantic::type_definition(pkg, name).map(|(_, t)| t.kind()) {
                Some(
                    "pointer_type" | "map_type" | "slice_type" | "channel_type" | "function_type"
                    | "interface_type",
                ) => Kind::Reference,
                _ => Kind::Unknown,
            }
        }
        _ => Kind::Unknown,
    }
}

/// Method names declared in the package: (value-receiver names, pointer-receiver names).
pub(super) fn package_methods(pkg: &Package) -> (HashSet<String>, HashSet<String>) {
    let (pointer, value): (Vec<_>, Vec<_>) =
        pkg.semantic().index.methods(pkg).partition(|m| m.pointer);
    let names =
        |ms: Vec<&semantic::index::Method>| ms.into_iter().map(|m| m.name.clone()).collect();
    (names(value), names(pointer))
}

/// §4.5.3: is the reference `id` a read that stays valid once `x` becomes the non-addressable `x()`?
pub(super) fn is_plain_read(
    file: &PkgFile,
    id: Node<'_>,
    kind: Kind,
    methods: &(HashSet<String>, HashSet<String>),
) -> bool {
    let (value_methods, pointer_methods) = methods;
    let mut top = id;
    while let Some(p) = top.parent() {
        match p.kind() {
            "selector_expression"
                if p.child_by_field_name("operand")
                    .is_some_and(|o| o.id() == top.id()) =>
            {
                let Some(field) = p.child_by_field_name("field") else {
                    return false;
                };
                let m = file.node_text(field);
                let called = p.parent().is_some_and(|c| {
                    c.kind() == "call_expression"
                        && c.child_by_field_name("function")
                            .is_some_and(|f| f.id() == p.id())
                });
                if kind != Kind::Pointer && pointer_methods.contains(m) {
                    return false;
                }
                if kind == Kind::Unknown
                    && called
                    && (!value_methods.contains(m) || pointer_methods.contains(m))
                {
                    return false;
                }
            }
            "index_expression"
                if p.child_by_field_name("operand")
                    .is_some_and(|o| o.id() == top.id()) => {}
            "slice_expression"
                if p.child_by_field_name("operand")
                    .is_some_and(|o| o.id() == top.id()) =>
            {
                // Slicing an array needs an addressable operand.
                if kind == Kind::Unknown {
                    return false;
                }
            }
            "parenthesized_expression" => {}
            // `*x = v` writes through `x` as much as `x.f = v` does.
            "unary_expression"
                if p.child_by_field_name("operator")
                    .is_some_and(|o| file.node_text(o) == "*") => {}
            _ => break,
        }
        top = p;
    }
    let Some(p) = top.parent() else {
        return true;
    };
    match p.kind() {
        "unary_expression" => p
            .child_by_field_name("operator")
            .is_none_or(|o| file.node_text(o) != "&"),
        "inc_statement" | "dec_statement" => false,
        "expression_list" => {
            let Some(g) = p.parent() else {
                return true;
            };
            let on_left = g
                .child_by_field_name("left")
                .is_some_and(|l| l.id() == p.id());
            !(on_left
                && matches!(
                    g.kind(),
                    "assignment_statement"
                        | "range_clause"
                        | "short_var_declaration"
                        | "receive_statement"
                ))
        }
        "assignment_statement" | "range_clause" => p
            .child_by_field_name("left")
            .is_none_or(|l| l.id() != top.id()),
        _ => true,
    }
}
