//! How values flow through a function body, as far as rules need it without types: whether an
//! expression is only read, every spelling of a name, and the names that hold a value derived from
//! some given expressions.

use crate::read::syntax::{self, named_children};
use std::collections::HashSet;
use tree_sitter::Node;

/// Every identifier (or package identifier) in `scope` spelled `name`, in source order.
pub fn spellings<'t>(scope: Node<'t>, name: &str, src: &str) -> Vec<Node<'t>> {
    let mut ids = vec![];
    syntax::walk(scope, &mut |n| {
        if matches!(n.kind(), "identifier" | "package_identifier") && syntax::text(n, src) == name {
            ids.push(n);
        }
    });
    ids
}

/// An expression used as a value: not assigned, incremented, ranged into, addressed, called, indexed,
/// sliced or selected from (parentheses around it do not count).
pub fn is_plain_read(expr: Node<'_>, src: &str) -> bool {
    let mut e = expr;
    while let Some(p) = e
        .parent()
        .filter(|p| p.kind() == "parenthesized_expression")
    {
        e = p;
    }
    let Some(parent) = e.parent() else {
        return false;
    };
    match parent.kind() {
        "inc_statement"
        | "dec_statement"
        | "selector_expression"
        | "index_expression"
        | "slice_expression" => false,
        "unary_expression" => parent
            .child_by_field_name("operator")
            .is_some_and(|o| syntax::text(o, src) != "&"),
        "call_expression" => parent.child_by_field_name("function").map(|f| f.id()) != Some(e.id()),
        "expression_list" => match parent.parent() {
            Some(gp) if matches!(gp.kind(), "assignment_statement" | "range_clause") => {
                gp.child_by_field_name("left").map(|l| l.id()) != Some(parent.id())
            }
            _ => true,
        },
        _ => true,
    }
}

/// The expressions `seeds` and every name in a function that holds a value derived from one of them.
pub struct Derived {
    seeds: HashSet<usize>,
    /// Identifiers, or selector texts such as `c.last`, assigned from an expression that mentions a
    /// seed or another derived name (to a fixed point).
    names: HashSet<String>,
}

impl Derived {
    /// Follows assignments, `:=` and `var` specs through `func` until no new name is derived.
    pub fn of(func: Node<'_>, seeds: &[Node<'_>], src: &str) -> Derived {
        let mut d = Derived {
            seeds: seeds.iter().map(|n| n.id()).collect(),
            names: HashSet::new(),
        };
        loop {
            let before = d.names.len();
            syntax::walk(func, &mut |n| {
                let (left, right) = match n.kind() {
                    "assignment_statement" | "short_var_declaration" => (
                        n.child_by_field_name("left").map(named_children),
                        n.child_by_field_name("right"),
                    ),
                    "var_spec" => {
                        let mut c = n.walk();
                        (
                            Some(n.children_by_field_name("name", &mut c).collect()),
                            n.child_by_field_name("value"),
                        )
                    }
                    _ => (None, None),
                };
                if let (Some(left), Some(right)) = (left, right)
                    && d.mentioned_in(right, src)
                {
                    for l in left {
                        d.names.insert(syntax::text(l, src).to_string());
                    }
                }
            });
            if d.names.len() == before {
                return d;
            }
        }
    }

    /// Does `n` contain a seed or spell a derived name?
    pub fn mentioned_in(&self, n: Node<'_>, src: &str) -> bool {
        let mut hit = false;
        syntax::walk(n, &mut |x| {
            hit |= self.seeds.contains(&x.id())
                || (matches!(x.kind(), "identifier" | "selector_expression")
                    && self.names.contains(syntax::text(x, src)));
        });
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_follow_assignments_and_plain_reads() {
        let src = "package m\n\nfunc f() {\n\ta := m.Mallocs\n\tb := a + 1\n\tvar c = b\n\tm.X++\n\t_ = c\n}\n";
        let tree = syntax::parse(src);
        let func = tree.root_node();
        let mut sels = vec![];
        syntax::walk(func, &mut |n| {
            if n.kind() == "selector_expression" {
                sels.push(n);
            }
        });
        let derived = Derived::of(func, &sels[..1], src);
        assert!(["a", "b", "c"].iter().all(|n| derived.names.contains(*n)));
        assert!(is_plain_read(sels[0], src) && !is_plain_read(sels[1], src));
        assert_eq!(spellings(func, "a", src).len(), 2);
    }
}
