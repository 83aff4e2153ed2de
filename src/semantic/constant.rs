//! Constant values of Go expressions, one evaluator for every rule: literals, `time.Nanosecond` …
//! `time.Hour`, the package's own constants (`const d = 5 * time.Second`), `+ - * /`, parentheses and
//! `time.Duration(...)` conversions. A name a function declares shadows the package constant.

use crate::read::syntax::{self, named_children};
use crate::semantic::package::{Package, PkgFile};
use tree_sitter::Node;

/// `time.Duration` as the function of a conversion.
pub fn is_time_duration(file: &PkgFile, call: Node<'_>) -> bool {
    call.child_by_field_name("function").is_some_and(|f| {
        f.kind() == "selector_expression"
            && f.child_by_field_name("field")
                .is_some_and(|n| file.node_text(n) == "Duration")
            && f.child_by_field_name("operand")
                .is_some_and(|o| file.names_package(o, "time"))
    })
}

/// A constant's value and whether it is an integer (untyped integer or time.Duration) constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConstNum {
    pub v: f64,
    pub int: bool,
}

/// The value of a constant duration expression in file `fi`: literals, `time.Nanosecond` … `time.Hour`,
/// package-level constants of this package, `+ - * /`, parentheses and `time.Duration(...)`.
pub fn value(pkg: &Package, fi: usize, n: Node<'_>) -> Option<ConstNum> {
    const_value(pkg, fi, n, 0)
}

fn const_value(pkg: &Package, fi: usize, n: Node<'_>, depth: u32) -> Option<ConstNum> {
    let file = &pkg.files[fi];
    let src = file.text.as_str();
    if depth > 8 {
        return None;
    }
    let rec = |x: Node<'_>| const_value(pkg, fi, x, depth + 1);
    match n.kind() {
        "int_literal" => parse_int(syntax::text(n, src)).map(|v| ConstNum { v, int: true }),
        "float_literal" => syntax::text(n, src)
            .replace('_', "")
            .parse()
            .ok()
            .map(|v| ConstNum { v, int: false }),
        "parenthesized_expression" => rec(*named_children(n).first()?),
        "unary_expression" => {
            let v = rec(n.child_by_field_name("operand")?)?;
            match n.child(0)?.kind() {
                "-" => Some(ConstNum { v: -v.v, ..v }),
                "+" => Some(v),
                _ => None,
            }
        }
        "binary_expression" => {
            let l = rec(n.child_by_field_name("left")?)?;
            let r = rec(n.child_by_field_name("right")?)?;
            let int = l.int && r.int;
            let v = match syntax::text(n.child_by_field_name("operator")?, src) {
                "+" => l.v + r.v,
                "-" => l.v - r.v,
                "*" => l.v * r.v,
                "/" if r.v == 0.0 => return None,
                "/" if int => (l.v / r.v).trunc(),
                "/" => l.v / r.v,
                _ => return None,
            };
            Some(ConstNum { v, int })
        }
        "selector_expression" => {
            let o = n.child_by_field_name("operand")?;
            if !file.names_package(o, "time") {
                return None;
            }
            let unit = match syntax::text(n.child_by_field_name("field")?, src) {
                "Nanosecond" => 1.0,
                "Microsecond" => 1e3,
                "Millisecond" => 1e6,
                "Second" => 1e9,
                "Minute" => 60e9,
                "Hour" => 3600e9,
                _ => return None,
            };
            Some(ConstNum { v: unit, int: true })
        }
        "call_expression" => {
            let args = named_children(n.child_by_field_name("arguments")?);
            if !is_time_duration(file, n) || args.len() != 1 {
                return None;
            }
            let v = rec(args[0])?;
            (v.v.fract() == 0.0).then_some(ConstNum { v: v.v, int: true })
        }
        "identifier" => {
            let name = syntax::text(n, src);
            let scope = syntax::ancestors(n)
                .filter(|a| syntax::is_function(*a))
                .last();
            if scope.is_some_and(|s| syntax::declares_name(s, name, src)) {
                return None;
            }
            let (fj, value) = package_const(pkg, name)?;
            const_value(pkg, fj, value, depth + 1)
        }
        _ => None,
    }
}

fn parse_int(t: &str) -> Option<f64> {
    syntax::int_literal(t).map(|v| v as f64)
}

/// The value expression of the package-level constant `name` (file index, node), when it has an explicit one.
fn package_const<'p>(pkg: &'p Package, name: &str) -> Option<(usize, Node<'p>)> {
    for (fi, f) in pkg.files.iter().enumerate() {
        for decl in named_children(f.tree().root_node()) {
            if decl.kind() != "const_declaration" {
                continue;
            }
            for spec in named_children(decl)
                .into_iter()
                .filter(|s| s.kind() == "const_spec")
            {
                let mut cursor = spec.walk();
                let names: Vec<Node<'p>> =
                    spec.children_by_field_name("name", &mut cursor).collect();
                let Some(i) = names.iter().position(|n| f.node_text(*n) == name) else {
                    continue;
                };
                let values = spec.child_by_field_name("value").map(named_children)?;
                return values.get(i).map(|v| (fi, *v));
            }
        }
    }
    None
}
