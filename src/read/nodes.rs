//! Small structural questions about syntax nodes that several rules ask: the outermost function around
//! a node, whether a subtree holds a node kind, an expression without its parentheses or numeric
//! conversions, the names of a spec, an argument that is `x` or `&x`.

use crate::read::syntax::{self, named_children};
use tree_sitter::Node;

/// The outermost function (declaration, method or literal) containing `node`: the scope rules check
/// fresh names and shadowing over.
pub fn outermost_function(node: Node<'_>) -> Option<Node<'_>> {
    syntax::ancestors(node)
        .filter(|n| syntax::is_function(*n))
        .last()
}

/// Does the subtree of `node` (itself included) hold a node of `kind`?
pub fn contains_kind(node: Node<'_>, kind: &str) -> bool {
    let mut found = false;
    syntax::walk(node, &mut |n| found |= n.kind() == kind);
    found
}

/// `((x))` → `x`.
pub fn unparen(mut n: Node<'_>) -> Node<'_> {
    while n.kind() == "parenthesized_expression" {
        match named_children(n).first() {
            Some(inner) => n = *inner,
            None => break,
        }
    }
    n
}

/// Strips parentheses and conversions to a numeric basic type: `float64((x))` → `x`.
pub fn strip_numeric_conversions<'t>(mut n: Node<'t>, src: &str) -> Node<'t> {
    loop {
        match n.kind() {
            "parenthesized_expression" => match named_children(n).as_slice() {
                [inner] => n = *inner,
                _ => return n,
            },
            "call_expression" => {
                let numeric = n.child_by_field_name("function").is_some_and(|f| {
                    f.kind() == "identifier"
                        && matches!(
                            syntax::text(f, src),
                            "float64"
                                | "float32"
                                | "int"
                                | "int64"
                                | "int32"
                                | "uint"
                                | "uint64"
                                | "uint32"
                        )
                });
                let args = n
                    .child_by_field_name("arguments")
                    .map(named_children)
                    .unwrap_or_default();
                match (numeric, args.as_slice()) {
                    (true, [arg]) => n = *arg,
                    _ => return n,
                }
            }
            _ => return n,
        }
    }
}

/// How many names a `var_spec` / `const_spec` declares.
pub fn spec_name_count(spec: Node<'_>) -> usize {
    let mut c = spec.walk();
    spec.children_by_field_name("name", &mut c).count()
}

/// The one argument of `call` when it is `&x` → `(x, false)` or `x` → `(x, true)` for an identifier `x`.
pub fn sole_identifier_or_address<'t>(call: Node<'t>, src: &str) -> Option<(Node<'t>, bool)> {
    let args = named_children(call.child_by_field_name("arguments")?);
    let [arg] = args.as_slice() else { return None };
    if arg.kind() == "identifier" {
        return Some((*arg, true));
    }
    if !is_unary(*arg, "&", src) {
        return None;
    }
    let operand = arg.child_by_field_name("operand")?;
    (operand.kind() == "identifier").then_some((operand, false))
}

/// Is `n` the unary expression `<op>x`?
pub fn is_unary(n: Node<'_>, op: &str, src: &str) -> bool {
    n.kind() == "unary_expression"
        && n.child_by_field_name("operator")
            .is_some_and(|o| syntax::text(o, src) == op)
}

/// Is `n` a call of the identifier `name` (a builtin such as `new` or `panic`, when not shadowed)?
pub fn calls_identifier(n: Node<'_>, name: &str, src: &str) -> bool {
    n.kind() == "call_expression"
        && n.child_by_field_name("function")
            .is_some_and(|f| f.kind() == "identifier" && syntax::text(f, src) == name)
}
