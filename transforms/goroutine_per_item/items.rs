//! What the loop ranges over: items of fixed size or a worker count (not §6.3's "unbounded"), and whether
//! the goroutine works on the iteration's item rather than on shared input (a worker pool).

use crate::read::syntax::{self, named_children};
use crate::rules::transform::Ctx;
use crate::semantic::package::PkgFile;
use crate::semantic::pkg_calls::any_node;
use tree_sitter::Node;

/// Is the range expression of small or fixed size, or a count of workers (§6.3 "unbounded" only)?
pub(super) fn bounded_items(cx: &Ctx<'_>, items: Node<'_>, func: Node<'_>) -> bool {
    let file = cx.file();
    let src = cx.src();
    // A literal, or `range runtime.NumCPU()` / `GOMAXPROCS(0)`: a worker count.
    if matches!(items.kind(), "composite_literal" | "int_literal")
        || file.is_pkg_call(items, "runtime", "NumCPU")
        || file.is_pkg_call(items, "runtime", "GOMAXPROCS")
    {
        return true;
    }
    let lower = syntax::text(items, src).to_lowercase();
    if [
        "worker",
        "concurren",
        "parallel",
        "procs",
        "cpu",
        "thread",
        "shard",
        "goroutines",
        "listener",
        "server",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return true;
    }
    if items.kind() != "identifier" {
        return false;
    }
    let name = syntax::text(items, src);
    // Declarations of the name in the function, then at package level.
    if any_node(func, |n| fixed_declaration(n, file, name)) {
        return true;
    }
    // Only files that spell the name are parsed for its package-level declaration.
    let spelled = |f: &&PkgFile| memchr::memmem::find(f.text.as_bytes(), name.as_bytes()).is_some();
    cx.pkg.files.iter().filter(spelled).any(|f| {
        named_children(f.tree().root_node())
            .into_iter()
            .any(|decl| {
                matches!(decl.kind(), "var_declaration" | "const_declaration")
                    && any_node(decl, |n| fixed_declaration(n, f, name))
            })
    })
}

/// Does `n` declare `name` as a constant, a fixed-size array, a channel, or from a fixed-size value?
fn fixed_declaration(n: Node<'_>, f: &PkgFile, name: &str) -> bool {
    let text = |x: Node<'_>| syntax::text(x, &f.text);
    match n.kind() {
        "const_spec" => {
            let mut c = n.walk();
            n.children_by_field_name("name", &mut c)
                .any(|x| text(x) == name)
        }
        "var_spec" | "parameter_declaration" => {
            let mut c = n.walk();
            if !n
                .children_by_field_name("name", &mut c)
                .any(|x| text(x) == name)
            {
                return false;
            }
            n.child_by_field_name("type")
                .is_some_and(|t| matches!(t.kind(), "array_type" | "channel_type"))
                || n.child_by_field_name("value")
                    .is_some_and(|v| named_children(v).iter().any(|e| fixed_value(*e, &f.text)))
        }
        "short_var_declaration" => {
            let (Some(l), Some(r)) = (
                n.child_by_field_name("left"),
                n.child_by_field_name("right"),
            ) else {
                return false;
            };
            let (ls, rs) = (named_children(l), named_children(r));
            ls.iter()
                .position(|x| text(*x) == name)
                .is_some_and(|i| rs.get(i).is_some_and(|v| fixed_value(*v, &f.text)))
        }
        _ => false,
    }
}

/// Does the goroutine work on the iteration's item: it mentions a loop variable, and every `range` inside
/// it ranges over an expression built from the loop variables or the goroutine's parameters?
pub(super) fn per_item(file: &PkgFile, range: Node<'_>, go: Node<'_>) -> bool {
    let src = &file.text;
    let mut item_names: Vec<&str> = syntax::declared_names(range)
        .into_iter()
        .map(|n| syntax::text(n, src))
        .filter(|n| *n != "_")
        .collect();
    if item_names.is_empty() {
        return false;
    }
    let mentions = |n: Node<'_>, names: &[&str]| {
        any_node(n, |x| {
            x.kind() == "identifier" && names.contains(&syntax::text(x, src))
        })
    };
    if !mentions(go, &item_names) {
        return false;
    }
    let Some(lit) = named_children(go)
        .first()
        .and_then(|c| c.child_by_field_name("function"))
    else {
        return false;
    };
    if let Some(params) = lit.child_by_field_name("parameters") {
        syntax::walk(params, &mut |n| {
            if n.kind() == "parameter_declaration" {
                let mut c = n.walk();
                item_names.extend(
                    n.children_by_field_name("name", &mut c)
                        .map(|x| syntax::text(x, src)),
                );
            }
        });
    }
    // Locals of the goroutine are its own, never input shared with other goroutines.
    if let Some(body) = lit.child_by_field_name("body") {
        syntax::walk(body, &mut |n| {
            if n.kind() == "short_var_declaration" || n.kind() == "var_spec" {
                item_names.extend(
                    syntax::declared_names(n)
                        .into_iter()
                        .map(|x| syntax::text(x, src)),
                );
            }
        });
    }
    let mut shared = false;
    syntax::walk(lit, &mut |n| {
        if n.kind() == "range_clause" {
            shared |= n
                .child_by_field_name("right")
                .is_some_and(|r| !mentions(r, &item_names));
        }
    });
    !shared
}

/// A value of fixed size: a composite literal, `make(chan ...)`, an integer literal.
fn fixed_value(v: Node<'_>, src: &str) -> bool {
    match v.kind() {
        "composite_literal" | "int_literal" => true,
        "call_expression" => {
            v.child_by_field_name("function")
                .is_some_and(|f| syntax::text(f, src) == "make")
                && v.child_by_field_name("arguments")
                    .and_then(|a| named_children(a).first().copied())
                    .is_some_and(|t| t.kind() == "channel_type")
        }
        _ => false,
    }
}
