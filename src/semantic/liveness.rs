//! Is a store to a local variable dead: does nothing in its function ever read the value it stores?
//!
//! Go's collector scans stacks precisely: a local the function no longer reads is not a root, whatever
//! it last held. So `x = nil` after the last use of `x` frees nothing; rules that report such stores ask
//! [`dead_local_store`] instead of reasoning about scopes and loops themselves. The answer is
//! syntactic and errs towards "not dead": any later mention, a loop that comes back to an earlier
//! mention, a closure, a `defer`, an `&x` or a `goto` in the function keep the store alive. Not seen:
//! the implicit `&x` of a pointer-method call on an addressable value (`x.Grow()` with `x` of a named
//! slice type) made before the store, which could let a callee keep a pointer to `x`.

use crate::read::syntax;
use crate::semantic::package::PkgFile;
use crate::semantic::scope::{BindingKind, Resolution};
use tree_sitter::Node;

/// Why a store `ident = …` (the statement `stmt`) to a local is not known to be dead; `None` when it is:
/// `ident` names a local variable (not a parameter, receiver or named result) of the function that holds
/// `stmt`, the function mentions it elsewhere, and no mention can run after the store.
pub fn dead_local_store(file: &PkgFile, stmt: Node<'_>, ident: Node<'_>) -> Option<&'static str> {
    let scopes = file.scopes();
    let Some(Resolution::Local(i)) = scopes.resolution(ident.start_byte()) else {
        return Some("not a local variable");
    };
    let binding = &scopes.bindings[i];
    if binding.kind != BindingKind::Var {
        // A parameter's caller still holds the value; a named result is what the function returns.
        return Some("a parameter, receiver or named result");
    }
    let root = file.tree().root_node();
    let decl = root.descendant_for_byte_range(binding.at, binding.at)?;
    let func = syntax::enclosing_function(stmt)?;
    if syntax::enclosing_function(decl).map(|f| f.id()) != Some(func.id()) {
        return Some("declared in an enclosing function");
    }
    let mut goto = false;
    syntax::walk(func, &mut |n| goto |= n.kind() == "goto_statement");
    if goto {
        return Some("the function uses goto");
    }
    let uses: Vec<Node<'_>> = identifiers_in(func)
        .into_iter()
        .filter(|n| {
            n.start_byte() != ident.start_byte()
                && scopes.resolution(n.start_byte()) == Some(Resolution::Local(i))
        })
        .collect();
    if uses.is_empty() {
        return Some("never used elsewhere");
    }
    // Loops around the store that the variable outlives: an earlier mention runs again next iteration.
    let loops: Vec<Node<'_>> = syntax::ancestors(stmt)
        .take_while(|a| a.id() != func.id())
        .filter(|a| a.kind() == "for_statement" && !contains(*a, decl))
        .collect();
    for u in &uses {
        if syntax::enclosing_function(*u).map(|f| f.id()) != Some(func.id()) {
            return Some("captured by a function literal");
        }
        if syntax::ancestors(*u)
            .take_while(|a| a.id() != func.id())
            .any(|a| a.kind() == "defer_statement" || a.kind() == "go_statement")
        {
            return Some("used by a deferred call or a goroutine");
        }
        if u.parent().is_some_and(|p| {
            p.kind() == "unary_expression"
                && p.child_by_field_name("operator")
                    .is_some_and(|o| file.node_text(o) == "&")
        }) {
            return Some("its address is taken");
        }
        if u.start_byte() >= stmt.end_byte() {
            return Some("mentioned after the store");
        }
        if loops.iter().any(|l| contains(*l, *u)) {
            return Some("read again by the next iteration of a loop");
        }
    }
    None
}

fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

fn identifiers_in(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = vec![];
    syntax::walk(node, &mut |n| {
        if n.kind() == "identifier" {
            out.push(n);
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> PkgFile {
        crate::testing::go_file("a.go", text)
    }

    /// The verdict on every `name = nil` statement of `text`, in order.
    fn verdicts(text: &str) -> Vec<Option<&'static str>> {
        let f = file(text);
        let mut stores = vec![];
        syntax::walk(f.tree().root_node(), &mut |n| {
            if n.kind() == "assignment_statement" && f.node_text(n).ends_with("= nil") {
                stores.push(n);
            }
        });
        stores
            .iter()
            .map(|s| {
                let left = s.child_by_field_name("left").expect("left side");
                let id = left.named_child(0).expect("a target");
                dead_local_store(&f, *s, id)
            })
            .collect()
    }

    #[test]
    fn dead_only_after_the_last_mention() {
        let dead = "package p\n\nfunc f() {\n\tb := load()\n\tuse(b)\n\tb = nil\n\tidle()\n}\n";
        assert_eq!(verdicts(dead), [None]);
        let in_body = "package p\n\nfunc f(n int) {\n\tfor i := 0; i < n; i++ {\n\t\tb := load()\n\t\tuse(b)\n\t\tb = nil\n\t}\n}\n";
        assert_eq!(verdicts(in_body), [None]);
    }

    #[test]
    fn live_stores_say_why() {
        let cases = [
            (
                "\tb := load()\n\tuse(b)\n\tb = nil\n\tuse(b)\n",
                "mentioned after the store",
            ),
            (
                "\tvar b *T\n\tfor i := 0; i < 3; i++ {\n\t\tuse(b)\n\t\tb = load()\n\t\tb = nil\n\t}\n",
                "read again by the next iteration of a loop",
            ),
            (
                "\tb := load()\n\tf := func() { use(b) }\n\tb = nil\n\tf()\n",
                "captured by a function literal",
            ),
            (
                "\tb := load()\n\tdefer use(b)\n\tb = nil\n",
                "used by a deferred call or a goroutine",
            ),
            (
                "\tb := load()\n\tkeep(&b)\n\tb = nil\n",
                "its address is taken",
            ),
            ("\tuse(global)\n\tglobal = nil\n", "not a local variable"),
            (
                "\tuse(p)\n\tp = nil\n",
                "a parameter, receiver or named result",
            ),
            (
                "\tb := load()\nagain:\n\tuse(b)\n\tb = nil\n\tgoto again\n",
                "the function uses goto",
            ),
            ("\tb := load()\n\tb = nil\n", "never used elsewhere"),
        ];
        for (body, why) in cases {
            let text = format!("package p\n\nfunc f(p *T) {{\n{body}}}\n");
            assert_eq!(verdicts(&text), [Some(why)], "{body}");
        }
        let enclosing = "package p\n\nfunc f() func() {\n\tb := load()\n\treturn func() {\n\t\tuse(b)\n\t\tb = nil\n\t}\n}\n";
        assert_eq!(
            verdicts(enclosing),
            [Some("declared in an enclosing function")]
        );
    }
}
