//! Is a value a typed scalar (an integer, float, bool or string kind) that boxing would allocate?

use super::*;

/// Numbers and strings: the values `...any` boxes (complex numbers excluded: rarely logged).
pub(super) fn is_scalar_type(name: &str) -> bool {
    name == "string" || syntax::is_numeric_type(name) && !name.starts_with("complex")
}

/// Is `v` a non-constant value whose type is visibly a number or a string?
pub(super) fn typed_scalar(lk: &Look<'_>, scope: Node<'_>, v: Node<'_>) -> bool {
    let file = lk.file;
    let src = file.text.as_str();
    match v.kind() {
        "parenthesized_expression" => named_children(v)
            .first()
            .is_some_and(|c| typed_scalar(lk, scope, *c)),
        "binary_expression" => {
            let op = v
                .child_by_field_name("operator")
                .map_or("", |o| syntax::text(o, src));
            // Go has no operator overloading: arithmetic yields a number or a string, boxed unless constant.
            matches!(
                op,
                "+" | "-" | "*" | "/" | "%" | "<<" | ">>" | "&" | "|" | "^" | "&^"
            ) && ["left", "right"].iter().any(|f| {
                v.child_by_field_name(f)
                    .is_some_and(|o| typed_scalar(lk, scope, o) || is_variable(lk, scope, o))
            })
        }
        "call_expression" => {
            let Some(f) = v.child_by_field_name("function") else {
                return false;
            };
            if f.kind() == "identifier" {
                let n = syntax::text(f, src);
                return matches!(n, "len" | "cap") || (is_scalar_type(n) && !is_constant_arg(v));
            }
            [
                ("time", &["Since", "Until", "Duration"][..]),
                (
                    "strconv",
                    &["Itoa", "FormatInt", "FormatUint", "FormatFloat", "Quote"][..],
                ),
                ("fmt", &["Sprint", "Sprintf", "Sprintln"][..]),
            ]
            .iter()
            .any(|(p, fs)| fs.iter().any(|fname| file.is_pkg_call(v, p, fname)))
        }
        "identifier" => {
            let name = syntax::text(v, src);
            let top = syntax::enclosing_top_function(v).unwrap_or(scope);
            let decls = declarations(lk, top, name);
            let [d] = decls[..] else { return false };
            scalar_declaration(lk, scope, d)
        }
        _ => false,
    }
}

/// A local variable (declared once in the function, not a constant) or an index into something.
pub(super) fn is_variable(lk: &Look<'_>, scope: Node<'_>, o: Node<'_>) -> bool {
    let file = lk.file;
    match o.kind() {
        "index_expression" => true,
        "parenthesized_expression" => named_children(o)
            .first()
            .is_some_and(|c| is_variable(lk, scope, *c)),
        "identifier" => {
            let top = syntax::enclosing_top_function(o).unwrap_or(scope);
            let decls = declarations(lk, top, file.node_text(o));
            matches!(decls[..], [d] if d.parent().is_none_or(|p| p.kind() != "const_spec"))
        }
        _ => false,
    }
}

/// A conversion of a constant (`int64(3)`) is a constant.
pub(super) fn is_constant_arg(call: Node<'_>) -> bool {
    call.child_by_field_name("arguments").is_some_and(|a| {
        named_children(a).iter().all(|x| {
            matches!(
                x.kind(),
                "int_literal"
                    | "float_literal"
                    | "interpreted_string_literal"
                    | "raw_string_literal"
            )
        })
    })
}

/// Does the declaration of the identifier `d` give it a number or string type?
pub(super) fn scalar_declaration(lk: &Look<'_>, scope: Node<'_>, d: Node<'_>) -> bool {
    let file = lk.file;
    let src = file.text.as_str();
    let scalar_type = |t: Node<'_>| {
        (t.kind() == "type_identifier" && is_scalar_type(syntax::text(t, src)))
            || (t.kind() == "qualified_type"
                && t.child_by_field_name("name")
                    .is_some_and(|n| syntax::text(n, src) == "Duration")
                && t.child_by_field_name("package")
                    .is_some_and(|p| names_pkg(file, p, "time")))
    };
    let Some(parent) = d.parent() else {
        return false;
    };
    match parent.kind() {
        "parameter_declaration" | "var_spec" => {
            if let Some(t) = parent.child_by_field_name("type") {
                return scalar_type(t);
            }
            // `var n = len(x)`
            let Some(vals) = parent.child_by_field_name("value") else {
                return false;
            };
            let mut c = parent.walk();
            let names: Vec<_> = parent.children_by_field_name("name", &mut c).collect();
            let vals = named_children(vals);
            names.len() == vals.len()
                && names
                    .iter()
                    .position(|n| n.id() == d.id())
                    .is_some_and(|i| scalar_init(lk, scope, vals[i]))
        }
        "expression_list" => {
            let Some(decl) = parent.parent() else {
                return false;
            };
            match decl.kind() {
                "short_var_declaration" => {
                    short_var_value(decl, d).is_some_and(|v| scalar_init(lk, scope, v))
                }
                // `for i := range n` (an int) or the index of `for i, v := range xs`? Only the first: a
                // map's key can be anything.
                "range_clause" => {
                    let first = named_children(parent).first().map(|n| n.id()) == Some(d.id());
                    first
                        && decl.child_by_field_name("right").is_some_and(|r| {
                            r.kind() == "int_literal"
                                || (r.kind() != "identifier" && typed_scalar(lk, scope, r))
                        })
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// An initial value that makes a variable a number or a string: a literal or a visibly scalar expression.
pub(super) fn scalar_init(lk: &Look<'_>, scope: Node<'_>, v: Node<'_>) -> bool {
    matches!(
        v.kind(),
        "int_literal" | "float_literal" | "interpreted_string_literal" | "raw_string_literal"
    ) || typed_scalar(lk, scope, v)
}
