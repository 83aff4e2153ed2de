//! The name pprof gives the function that encloses a finding, computed from the syntax tree alone:
//! `example.com/m/pkg.F`, `example.com/m/pkg.(*T).M`, `pkg.T.M`, `pkg.F.func1` for the first closure of F,
//! `pkg.F.func1.2` for the second closure inside that one, `pkg.init.func1` for a closure in a
//! package-level initializer, `pkg.F[...]` / `pkg.(*T[...]).M` for generic code, `main.F` in a main package.
//! (Numbering checked against what the Go 1.26 toolchain writes: closures of one function are numbered
//! in source order, `go`/`defer` literals included; nested ones by their parent's name and a dot.)

use crate::semantic::package::Package;
use tree_sitter::Node;

/// The profile prefix of the package: `main` for a main package, else its import path with dots in the
/// last element escaped (`gopkg.in/yaml%2ev3`), `_test` appended for an external test package.
pub fn package_prefix(pkg: &Package) -> Option<String> {
    if pkg.is_main() {
        return Some("main".into());
    }
    let path = pkg.module.import_path(&pkg.dir)?;
    let (head, last) = match path.rsplit_once('/') {
        Some((h, l)) => (format!("{h}/"), l.to_string()),
        None => (String::new(), path.clone()),
    };
    let mut p = format!("{head}{}", last.replace('.', "%2e"));
    if pkg.name.ends_with("_test") {
        p.push_str("_test");
    }
    Some(p)
}

/// The pprof name of the function (or closure) containing byte `offset` of file `file`, `None` outside
/// any function (package-level declarations, the package clause).
pub fn enclosing_name(pkg: &Package, file: usize, offset: usize) -> Option<String> {
    let f = &pkg.files[file];
    let root = f.tree().root_node();
    let node = root.descendant_for_byte_range(offset, offset)?;
    let prefix = package_prefix(pkg)?;
    function_name(node, &f.text, &prefix)
}

/// `node` itself counts when it is a function: the name of a `func_literal` node is its own.
pub fn function_name(node: Node<'_>, src: &str, prefix: &str) -> Option<String> {
    let mut literals = vec![];
    let mut top = None;
    let mut cur = Some(node);
    while let Some(n) = cur {
        match n.kind() {
            "func_literal" => literals.push(n),
            "function_declaration" | "method_declaration" => {
                top = Some(n);
                break;
            }
            _ => {}
        }
        cur = n.parent();
    }
    literals.reverse();
    let (mut name, scope) = match top {
        Some(decl) => (format!("{prefix}.{}", decl_name(decl, src)?), decl),
        None => {
            // A closure in a package-level initializer belongs to the package's init.
            let first = *literals.first()?;
            (format!("{prefix}.init"), toplevel_of(first)?)
        }
    };
    let mut parent = scope;
    for (depth, lit) in literals.iter().enumerate() {
        let k = 1 + direct_literals(parent)
            .iter()
            .position(|l| l.id() == lit.id())?;
        if depth == 0 {
            name.push_str(&format!(".func{k}"));
        } else {
            name.push_str(&format!(".{k}"));
        }
        parent = *lit;
    }
    Some(name)
}

/// The declaration directly under the source file that holds `n`.
fn toplevel_of(n: Node<'_>) -> Option<Node<'_>> {
    let mut cur = n;
    while let Some(p) = cur.parent() {
        if p.kind() == "source_file" {
            return Some(cur);
        }
        cur = p;
    }
    None
}

/// The function literals inside `scope` not nested in another literal of it, in source order.
fn direct_literals(scope: Node<'_>) -> Vec<Node<'_>> {
    let mut out = vec![];
    let mut stack = vec![];
    let mut c = scope.walk();
    for ch in scope.children(&mut c) {
        stack.push(ch);
    }
    stack.reverse();
    while let Some(n) = stack.pop() {
        if n.kind() == "func_literal" {
            out.push(n);
            continue;
        }
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n.children(&mut c).collect();
        stack.extend(kids.into_iter().rev());
    }
    out
}

/// `F`, `F[...]`, `(*T).M`, `T.M`, `(*T[...]).M`.
fn decl_name(decl: Node<'_>, src: &str) -> Option<String> {
    let name = decl.child_by_field_name("name")?;
    let name = &src[name.byte_range()];
    if decl.kind() == "function_declaration" {
        let generic = decl.child_by_field_name("type_parameters").is_some();
        return Some(if generic {
            format!("{name}[...]")
        } else {
            name.to_string()
        });
    }
    let recv = decl.child_by_field_name("receiver")?;
    let mut c = recv.walk();
    let param = recv
        .named_children(&mut c)
        .find(|n| n.kind() == "parameter_declaration")?;
    let mut ty = param.child_by_field_name("type")?;
    let mut pointer = false;
    while matches!(ty.kind(), "pointer_type" | "parenthesized_type") {
        pointer |= ty.kind() == "pointer_type";
        let mut c = ty.walk();
        ty = ty.named_children(&mut c).next()?;
    }
    let base = match ty.kind() {
        "generic_type" => {
            let t = ty.child_by_field_name("type")?;
            format!("{}[...]", &src[t.byte_range()])
        }
        _ => src[ty.byte_range()].to_string(),
    };
    Some(if pointer {
        format!("(*{base}).{name}")
    } else {
        format!("{base}.{name}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_at(src: &str, marker: &str) -> Vec<String> {
        let tree = crate::read::syntax::parse(src);
        src.match_indices(marker)
            .map(|(at, _)| {
                let node = tree.root_node().descendant_for_byte_range(at, at).unwrap();
                function_name(node, src, "example.com/m/p").unwrap_or_else(|| "-".into())
            })
            .collect()
    }

    #[test]
    fn names_follow_the_go_toolchain() {
        let src = r#"package p

var sink int

type T struct{}
type G[K any] struct{}

func (t *T) Ptr() { sink++ /*X*/ }
func (t T) Val() { sink++ /*X*/ }
func (g *G[K]) M() { sink++ /*X*/ }
func (g G[K]) V() { sink++ /*X*/ }
func Gen[K any](k K) { sink++ /*X*/ }

var Glob = func() { sink++ /*X*/ }

func Clos() {
	f := func() {
		sink++ /*X*/
		g := func() {
			h := func() { sink++ /*X*/ }
			h()
		}
		g()
		g2 := func() { sink++ /*X*/ }
		g2()
	}
	f()
	go func() { sink++ /*X*/ }()
	defer func() { sink++ /*X*/ }()
}

func (t *T) MClos() {
	f := func() { sink++ /*X*/ }
	f()
}
"#;
        assert_eq!(
            names_at(src, "/*X*/"),
            [
                "example.com/m/p.(*T).Ptr",
                "example.com/m/p.T.Val",
                "example.com/m/p.(*G[...]).M",
                "example.com/m/p.G[...].V",
                "example.com/m/p.Gen[...]",
                "example.com/m/p.init.func1",
                "example.com/m/p.Clos.func1",
                "example.com/m/p.Clos.func1.1.1",
                "example.com/m/p.Clos.func1.2",
                "example.com/m/p.Clos.func2",
                "example.com/m/p.Clos.func3",
                "example.com/m/p.(*T).MClos.func1",
            ]
        );
        assert_eq!(names_at("package p\n\nvar x = 1 /*X*/\n", "/*X*/"), ["-"]);
    }
}
