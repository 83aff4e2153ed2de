//! Calls of an imported package's functions, with the package resolved through the file's imports
//! (`PkgFile::names_package`, §0.3): the one spelling of "does this call `path`.`F`" and "does this scope
//! call it" that rules ask instead of walking selectors themselves.

use crate::read::syntax;
use crate::semantic::package::PkgFile;
use tree_sitter::Node;

/// Is `call` a call of one of `funcs` of the import `path` (of any of its functions when `funcs` is empty)?
pub fn is_call_of(file: &PkgFile, call: Node<'_>, path: &str, funcs: &[&str]) -> bool {
    selector_call(call).is_some_and(|(operand, field)| {
        (funcs.is_empty() || funcs.contains(&file.node_text(field)))
            && file.names_package(operand, path)
    })
}

/// `x.f(...)`: the operand `x` and the field `f` of a call through a selector (a method or a package
/// function; which one, the caller asks).
pub fn selector_call(call: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    if call.kind() != "call_expression" {
        return None;
    }
    let f = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")?;
    Some((
        f.child_by_field_name("operand")?,
        f.child_by_field_name("field")?,
    ))
}

/// Does anything in `scope` (nested function literals included) call one of `funcs` of `path`?
pub fn calls_in(file: &PkgFile, scope: Node<'_>, path: &str, funcs: &[&str]) -> bool {
    any_node(scope, |n| is_call_of(file, n, path, funcs))
}

/// Is `name` the local name of one of the file's imports (dot and blank ones included)?
pub fn is_import_local(file: &PkgFile, name: &str) -> bool {
    file.imports().iter().any(|i| i.local == name)
}

/// Does `pred` hold for `scope` or any node below it? (`pred` is not asked again once it held.)
pub fn any_node<'t>(scope: Node<'t>, mut pred: impl FnMut(Node<'t>) -> bool) -> bool {
    let mut found = false;
    syntax::walk(scope, &mut |n| found = found || pred(n));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> PkgFile {
        crate::testing::go_file("a.go", text)
    }

    fn calls(f: &PkgFile) -> Vec<Node<'_>> {
        let mut out = vec![];
        syntax::walk(f.tree().root_node(), &mut |n| {
            if n.kind() == "call_expression" {
                out.push(n);
            }
        });
        out
    }

    #[test]
    fn calls_resolve_through_the_imports() {
        let f = file(
            "package p\n\nimport (\n\trt \"runtime\"\n\t\"os/signal\"\n)\n\nfunc f(c chan int) {\n\trt.GC()\n\tsignal.Stop(c)\n\tx.GC()\n}\n\nfunc g() {\n\trt := 1\n\t_ = rt\n\trt.GC()\n}\n",
        );
        let cs = calls(&f);
        let [gc, stop, other, shadowed] = cs[..] else {
            panic!("{} calls", cs.len())
        };
        assert!(is_call_of(&f, gc, "runtime", &["GC"]) && is_call_of(&f, gc, "runtime", &[]));
        assert!(!is_call_of(&f, gc, "runtime", &["Gosched"]));
        assert!(is_call_of(&f, stop, "os/signal", &["Stop", "Reset"]));
        assert!(!is_call_of(&f, other, "runtime", &["GC"]));
        assert!(!is_call_of(&f, shadowed, "runtime", &["GC"]));
        let body = f.tree().root_node();
        assert!(calls_in(&f, body, "os/signal", &["Stop"]));
        assert!(!calls_in(&f, body, "os/signal", &["Notify"]));
        assert!(is_import_local(&f, "rt") && !is_import_local(&f, "runtime"));
        let (operand, field) = selector_call(other).expect("a selector call");
        assert_eq!((f.node_text(operand), f.node_text(field)), ("x", "GC"));
        assert!(selector_call(operand).is_none());
    }
}
