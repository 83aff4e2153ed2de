//! # map-of-small-pointers (R7.13)
//!
//! ## What it does
//! Reports a `for _, v := range m` loop that reads fields of every value of a map `m` of type `map[K]*T`,
//! where `T` is a small struct declared in the package (at most four fields, all of basic types: numbers,
//! `bool`, `string`) and nothing in the package needs the values to be pointers: the pointers are never
//! written through, never shared and never handed out.
//!
//! ## Why is this bad?
//! Every value of such a map is a separate heap object. The map's buckets hold only the 8-byte
//! pointers, so a loop over the map loads a pointer and then touches a scattered cache line for each
//! entry, and the garbage collector has one more object to find and trace per entry (plus the
//! allocation cost when the map is filled). A `map[K]T` keeps the small struct inline in the buckets, next
//! to its key: iteration reads memory sequentially within each bucket and the values are no objects of
//! their own.
//!
//! ## Example
//! ```go
//! package book
//!
//! type quote struct {
//! 	Bid, Ask float64
//! 	Venue    string
//! }
//!
//! var quotes = map[string]*quote{}
//!
//! func Update(ticker string, bid, ask float64, venue string) {
//! 	quotes[ticker] = &quote{Bid: bid, Ask: ask, Venue: venue}
//! }
//!
//! func AverageSpread() float64 {
//! 	if len(quotes) == 0 {
//! 		return 0
//! 	}
//! 	sum := 0.0
//! 	for _, q := range quotes {
//! 		sum += q.Ask - q.Bid
//! 	}
//! 	return sum / float64(len(quotes))
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package book
//!
//! type quote struct {
//! 	Bid, Ask float64
//! 	Venue    string
//! }
//!
//! var quotes = map[string]quote{}
//!
//! func Update(ticker string, bid, ask float64, venue string) {
//! 	quotes[ticker] = quote{Bid: bid, Ask: ask, Venue: venue}
//! }
//!
//! func AverageSpread() float64 {
//! 	if len(quotes) == 0 {
//! 		return 0
//! 	}
//! 	sum := 0.0
//! 	for _, q := range quotes {
//! 		sum += q.Ask - q.Bid
//! 	}
//! 	return sum / float64(len(quotes))
//! }
//! ```
//!
//! ## Fix safety
//! No fix: report only. Value maps change semantics — `m[k].f = x` does not compile and `v := m[k]` is a
//! copy, so every update becomes `v := m[k]; v.f = x; m[k] = v` — and the rewrite spans every use of the
//! map. Tier: behind a profile — worth it for large maps on a hot path.
//!
//! ## Version gating
//! None. (Go 1.24's Swiss-table maps store small values inline in their groups just as the old buckets
//! did.)
//!
//! ## When it does not fire
//! - `T` is not a struct type declared in the package with at most four named fields of basic types (an
//!   embedded field, a slice, map, pointer, interface or `sync` type makes it no "small value"), or `T`
//!   has a method with a pointer receiver (methods that mutate or need identity).
//! - Values are mutated through the pointer: any assignment, `++`/`--` or `&x.f` on a field of `T`'s
//!   names anywhere in the package (tests included), except on a variable that was just created with
//!   `&T{...}` or `new(T)`.
//! - Pointers are shared or handed out: `*T` appears in the package anywhere other than as the value type
//!   of `map[K]*T` maps with the same key type (a parameter, a result, a slice, a field, a local of type
//!   `*T`); a value is stored in the map other than as `&T{...}`, `new(T)` or a fresh variable holding one.
//! - The loop uses the value other than to read its fields (passes it on, compares it with `nil`).
//! - The map is not resolved: it must be a local, parameter or package variable, or a struct field
//!   whose name only one struct of the package declares; its name must be unexported, and its `map[K]*T`
//!   type must be spelled in the file of the loop. Test code is not reported.
//!
//! ## References
//! The Go GC guide (go.dev/doc/gc-guide, "Eliminating heap allocations", pointer-dense data);
//! `src/internal/runtime/maps` (Swiss-table layout, Go 1.24).

use crate::read::syntax;
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::{Package, PkgFile};
use std::collections::HashMap;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.13",
        name: "map-of-small-pointers",
        summary: "a map of pointers to a small struct, iterated in bulk: store the values inline",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &["map["],
        calls: &[],
        tier: crate::rules::transform::Tier::BehindProfile,
        status: crate::rules::transform::Status::Preview,
        options: &[],
    },
    source: include_str!("map_of_small_pointers.rs"),
    query: QUERY,
    run,
    precheck: |bytes, _| {
        has_pointer_map(bytes)
            && !crate::semantic::prefilter::imports(bytes, "testing")
            && bytes.windows(6).any(|w| w == b"range ")
    },
    other_files: None,
};

// One match per file: the loops are gathered in `run`, so the package-wide checks run once per map and
// type, not once per loop (which made a large file quadratic).
const QUERY: &str = r#"(source_file) @file"#;

const MAX_FIELDS: usize = 4;

/// Does the text spell `map[K]*T` with a plain (unqualified) `T`?
fn has_pointer_map(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = bytes[i..].windows(4).position(|w| w == b"map[") {
        let start = i + p + 4;
        let mut depth = 1;
        let mut j = start;
        while j < bytes.len() && depth > 0 && bytes[j] != b'\n' {
            match bytes[j] {
                b'[' => depth += 1,
                b']' => depth -= 1,
                _ => {}
            }
            j += 1;
        }
        if depth == 0 && bytes.get(j) == Some(&b'*') {
            let name: Vec<u8> = bytes[j + 1..]
                .iter()
                .copied()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                .collect();
            if !name.is_empty() && bytes.get(j + 1 + name.len()) != Some(&b'.') {
                return true;
            }
        }
        i = start;
    }
    false
}

/// A `for _, v := range m { … }` loop: the loop, `v`, the ranged expression and the body.
fn range_loop(n: Node<'_>) -> Option<(Node<'_>, Node<'_>, Node<'_>, Node<'_>)> {
    let clause = syntax::named_children(n)
        .into_iter()
        .find(|c| c.kind() == "range_clause")?;
    let left = clause.child_by_field_name("left")?;
    let [_, v] = syntax::named_children(left)[..] else {
        return None;
    };
    let map = clause.child_by_field_name("right")?;
    let body = n.child_by_field_name("body")?;
    (v.kind() == "identifier"
        && matches!(map.kind(), "identifier" | "selector_expression")
        && body.kind() == "block")
        .then_some((n, v, map, body))
}

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let root = m.node("file")?;
    let file = cx.file();
    let pkg = cx.pkg;
    let mut loops = Vec::new();
    syntax::walk(root, &mut |n| {
        if n.kind() == "for_statement"
            && let Some(l) = range_loop(n)
        {
            loops.push(l);
        }
    });
    if loops.is_empty() {
        return None;
    }
    let vars = package_vars(file);
    // (map, T, key) -> the fields of T when the package-wide conditions hold.
    let mut facts: HashMap<(String, String, String), Option<Vec<String>>> = HashMap::new();
    for (lp, v, map, body) in loops {
        if in_test_code(file, lp) {
            continue;
        }
        let Some((map_name, map_type)) = resolve_map(pkg, file, &vars, map) else {
            continue;
        };
        if !map_name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
            continue;
        }
        let (Some(key), Some(value)) = (
            map_type.child_by_field_name("key"),
            map_type.child_by_field_name("value"),
        ) else {
            continue;
        };
        let Some(elem) = pointee(value) else {
            continue;
        };
        let t = file.node_text(elem).to_string();
        let key = file.node_text(key).to_string();
        let fields = facts
            .entry((map_name.clone(), t.clone(), key.clone()))
            .or_insert_with(|| package_facts(pkg, &map_name, &t, &key));
        let Some(fields) = fields else {
            continue;
        };
        let v_name = file.node_text(v);
        if v_name == "_" || !reads_only_fields(file, body, v_name, fields) {
            continue;
        }
        let shown = file.node_text(map);
        let msg = format!(
            "`{shown}` is a `map[{key}]*{t}` of pointers to a small struct, and this loop reads every value: each entry is a separate heap object the GC has to trace and the loop chases one pointer per entry; where a profile shows it hot, store the values inline as `map[{key}]{t}` (nothing in the package writes through or shares the pointers; updates become `v := m[k]; v.f = x; m[k] = v`)"
        );
        cx.report(TextRange::of(map), msg);
    }
    Some(())
}

/// The package-wide conditions on a `map[key]*T` named `map_name`: `T` is a small struct without
/// pointer methods, its pointers live only in such maps, nothing writes through them, and every store
/// into the map is a fresh value. The fields of `T` when all hold.
fn package_facts(pkg: &Package, map_name: &str, t: &str, key: &str) -> Option<Vec<String>> {
    let fields = small_struct_fields(pkg, t)?;
    (!has_pointer_method(pkg, t)
        && pointers_stay_in_maps(pkg, t, key)
        && !mutated(pkg, t, &fields)
        && fresh_insertions(pkg, map_name, t))
    .then_some(fields)
}

/// The package-level `var` specs of `file`, by the names they declare.
fn package_vars<'t>(file: &'t PkgFile) -> HashMap<&'t str, Vec<Node<'t>>> {
    let mut out: HashMap<&str, Vec<Node<'_>>> = HashMap::new();
    for d in syntax::named_children(file.tree().root_node()) {
        if d.kind() != "var_declaration" {
            continue;
        }
        syntax::walk(d, &mut |n| {
            if n.kind() == "var_spec" {
                for x in syntax::declared_names(n) {
                    out.entry(file.node_text(x)).or_default().push(n);
                }
            }
        });
    }
    out
}

/// The pointed-to type name of `*T` (plain `T` only).
fn pointee(t: Node<'_>) -> Option<Node<'_>> {
    if t.kind() != "pointer_type" {
        return None;
    }
    syntax::named_children(t)
        .into_iter()
        .next()
        .filter(|e| e.kind() == "type_identifier")
}

/// The name and `map_type` node of the ranged map: a local, parameter or package variable, or a field
/// that only one struct of the package declares.
fn resolve_map<'t>(
    pkg: &'t Package,
    file: &'t PkgFile,
    vars: &HashMap<&str, Vec<Node<'t>>>,
    map: Node<'t>,
) -> Option<(String, Node<'t>)> {
    match map.kind() {
        "identifier" => {
            let name = file.node_text(map);
            let scope = syntax::enclosing_top_function(map)?;
            if let Some(decl) = syntax::sole_declaration(scope, name, &file.text) {
                return map_type_of_decl(file, decl).map(|t| (name.to_string(), t));
            }
            if syntax::declares_name(scope, name, &file.text) {
                return None;
            }
            // A package-level variable, spelled in this file.
            let [spec] = vars.get(name).map(Vec::as_slice).unwrap_or_default()[..] else {
                return None;
            };
            map_type_of_decl(file, spec).map(|t| (name.to_string(), t))
        }
        "selector_expression" => {
            let field = file.node_text(map.child_by_field_name("field")?);
            // Cheap first: this file spells a field `field map[K]*T`.
            if !spells_pointer_map_field(&file.text, field) {
                return None;
            }
            let mut decls = Vec::new();
            for f in pkg
                .files
                .iter()
                .filter(|f| may_declare_field(&f.text, field))
            {
                syntax::walk(f.tree().root_node(), &mut |n| {
                    if n.kind() == "field_declaration"
                        && field_names(n).iter().any(|x| f.node_text(*x) == field)
                    {
                        decls.push((f.path.clone(), n.start_byte()));
                    }
                });
            }
            if decls.len() != 1 || decls[0].0 != file.path {
                return None;
            }
            let root = file.tree().root_node();
            let decl = root.descendant_for_byte_range(decls[0].1, decls[0].1)?;
            let decl = syntax::ancestors(decl).find(|a| a.kind() == "field_declaration")?;
            let t = decl.child_by_field_name("type")?;
            (t.kind() == "map_type" && field_names(decl).len() == 1).then(|| (field.to_string(), t))
        }
        _ => None,
    }
}

/// Does a line of `text` start (after blanks) with `name`, blanks, then `map[...]*`?
fn spells_pointer_map_field(text: &str, name: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start().strip_prefix(name).is_some_and(|rest| {
            rest.starts_with([' ', '\t']) && {
                let ty = rest.trim_start();
                ty.starts_with("map[") && has_pointer_map(ty.as_bytes())
            }
        })
    })
}

/// Could `text` declare a struct field `name`: a line starting with it (after blanks), followed by a
/// blank or a comma (the start of a name list)? Over-approximates; the parse decides.
fn may_declare_field(text: &str, name: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.strip_prefix(name)
            .is_some_and(|rest| rest.starts_with([' ', '\t', ',']))
            || l.contains(&format!(", {name} "))
    })
}

fn field_names(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut c = decl.walk();
    decl.children_by_field_name("name", &mut c).collect()
}

/// The `map_type` a one-name declaration gives its variable: its type, or a `make(map...)` / `map...{}`
/// initializer.
fn map_type_of_decl<'t>(file: &PkgFile, decl: Node<'t>) -> Option<Node<'t>> {
    if let Some(t) = decl.child_by_field_name("type") {
        return (t.kind() == "map_type" && syntax::declared_names(decl).len() == 1).then_some(t);
    }
    let values = decl
        .child_by_field_name("right")
        .or_else(|| decl.child_by_field_name("value"))
        .map(syntax::named_children)?;
    if values.len() != 1 || syntax::declared_names(decl).len() != 1 {
        return None;
    }
    let v = values[0];
    match v.kind() {
        "composite_literal" => v
            .child_by_field_name("type")
            .filter(|t| t.kind() == "map_type"),
        "call_expression" => {
            let f = v.child_by_field_name("function")?;
            if file.node_text(f) != "make" {
                return None;
            }
            let args = syntax::named_children(v.child_by_field_name("arguments")?);
            args.first().copied().filter(|t| t.kind() == "map_type")
        }
        _ => None,
    }
}

/// The field names of `T` when it is a struct declared in the package with at most four named fields,
/// all of basic types.
fn small_struct_fields(pkg: &Package, t: &str) -> Option<Vec<String>> {
    let mut specs = Vec::new();
    let spelled = format!("{t} struct");
    for f in pkg.files.iter().filter(|f| f.text.contains(&spelled)) {
        syntax::walk(f.tree().root_node(), &mut |n| {
            if n.kind() == "type_spec"
                && n.child_by_field_name("name")
                    .is_some_and(|x| f.node_text(x) == t)
            {
                specs.push((f, n));
            }
        });
    }
    let [(f, spec)] = specs[..] else {
        return None;
    };
    if spec.child_by_field_name("type_parameters").is_some() {
        return None;
    }
    let st = spec
        .child_by_field_name("type")
        .filter(|s| s.kind() == "struct_type")?;
    let list = syntax::named_children(st)
        .into_iter()
        .find(|c| c.kind() == "field_declaration_list")?;
    let mut names = Vec::new();
    for d in syntax::named_children(list) {
        if d.kind() != "field_declaration" {
            continue;
        }
        let ty = d.child_by_field_name("type")?;
        let fields = field_names(d);
        if fields.is_empty()
            || ty.kind() != "type_identifier"
            || !syntax::is_basic_type(f.node_text(ty))
        {
            return None;
        }
        names.extend(fields.iter().map(|n| f.node_text(*n).to_string()));
    }
    (!names.is_empty() && names.len() <= MAX_FIELDS).then_some(names)
}

/// Does any method of the package have receiver `*T`?
fn has_pointer_method(pkg: &Package, t: &str) -> bool {
    let spelled = format!("*{t})");
    pkg.files
        .iter()
        .filter(|f| f.text.contains(&spelled))
        .any(|f| {
            syntax::named_children(f.tree().root_node())
                .into_iter()
                .filter(|d| d.kind() == "method_declaration")
                .filter_map(|d| d.child_by_field_name("receiver"))
                .any(|r| {
                    let mut hit = false;
                    syntax::walk(r, &mut |n| {
                        hit |= pointee(n).is_some_and(|e| f.node_text(e) == t);
                    });
                    hit
                })
        })
}

/// Is every use of `v` in `body` the operand of a selector naming one of `fields`, and is there one?
fn reads_only_fields(file: &PkgFile, body: Node<'_>, v: &str, fields: &[String]) -> bool {
    let mut reads = 0;
    let mut other = false;
    syntax::walk(body, &mut |n| {
        if n.kind() != "identifier" || file.node_text(n) != v {
            return;
        }
        let sel = n.parent().filter(|p| {
            p.kind() == "selector_expression" && p.child_by_field_name("operand") == Some(n)
        });
        match sel.and_then(|s| s.child_by_field_name("field")) {
            Some(f) if fields.iter().any(|x| x == file.node_text(f)) => reads += 1,
            _ => other = true,
        }
    });
    reads > 0 && !other
}

/// Is every `*T` of the package the value type of a `map[key]*T`?
fn pointers_stay_in_maps(pkg: &Package, t: &str, key: &str) -> bool {
    let spelled = format!("*{t}");
    pkg.files
        .iter()
        .filter(|f| f.text.contains(&spelled))
        .all(|f| {
            let mut ok = true;
            syntax::walk(f.tree().root_node(), &mut |n| {
                if !ok || pointee(n).is_none_or(|e| f.node_text(e) != t) {
                    return;
                }
                ok = n.parent().is_some_and(|p| {
                    p.kind() == "map_type"
                        && p.child_by_field_name("value") == Some(n)
                        && p.child_by_field_name("key")
                            .is_some_and(|k| f.node_text(k) == key)
                });
            });
            ok
        })
}

/// Is `x` (in `f`) a variable declared in its function as `x := &T{...}` or `x := new(T)`?
fn fresh_variable(f: &PkgFile, x: Node<'_>, t: &str) -> bool {
    if x.kind() != "identifier" {
        return false;
    }
    let Some(scope) = syntax::enclosing_top_function(x) else {
        return false;
    };
    let Some(decl) = syntax::sole_declaration(scope, f.node_text(x), &f.text) else {
        return false;
    };
    if decl.kind() != "short_var_declaration" && decl.kind() != "var_spec" {
        return false;
    }
    let values = decl
        .child_by_field_name("right")
        .or_else(|| decl.child_by_field_name("value"))
        .map(syntax::named_children)
        .unwrap_or_default();
    values.len() == 1 && syntax::declared_names(decl).len() == 1 && is_fresh(f, values[0], t)
}

/// `&T{...}` or `new(T)`.
fn is_fresh(f: &PkgFile, e: Node<'_>, t: &str) -> bool {
    let text = f.node_text(e).trim();
    (e.kind() == "unary_expression"
        && text.starts_with('&')
        && e.child_by_field_name("operand").is_some_and(|o| {
            o.kind() == "composite_literal"
                && o.child_by_field_name("type")
                    .is_some_and(|ty| f.node_text(ty) == t)
        }))
        || text == format!("new({t})")
}

/// Any write through a field of `T`'s names (`x.f = ...`, `x.f++`, `&x.f`) other than on a fresh
/// `&T{}` variable, anywhere in the package?
fn mutated(pkg: &Package, t: &str, fields: &[String]) -> bool {
    let spelled = |f: &&PkgFile| fields.iter().any(|x| f.text.contains(x.as_str()));
    pkg.files.iter().filter(spelled).any(|f| {
        let mut hit = false;
        syntax::walk(f.tree().root_node(), &mut |n| {
            if hit || n.kind() != "selector_expression" {
                return;
            }
            let Some(field) = n.child_by_field_name("field") else {
                return;
            };
            if !fields.iter().any(|x| x == f.node_text(field)) {
                return;
            }
            let Some(p) = n.parent() else {
                return;
            };
            let written = match p.kind() {
                "inc_statement" | "dec_statement" => true,
                "unary_expression" => f.node_text(p).starts_with('&'),
                "expression_list" => p.parent().is_some_and(|a| {
                    a.kind() == "assignment_statement" && a.child_by_field_name("left") == Some(p)
                }),
                _ => false,
            };
            if written
                && !n
                    .child_by_field_name("operand")
                    .is_some_and(|o| fresh_variable(f, o, t))
            {
                hit = true;
            }
        });
        hit
    })
}

/// Is every store into the map (`name[k] = x`, `s.name[k] = x`) of a fresh value: `&T{...}`, `new(T)`
/// or a variable holding one that is used only through its fields besides the store?
fn fresh_insertions(pkg: &Package, name: &str, t: &str) -> bool {
    pkg.files.iter().filter(|f| f.text.contains(name)).all(|f| {
        let mut ok = true;
        syntax::walk(f.tree().root_node(), &mut |n| {
            if !ok || n.kind() != "assignment_statement" {
                return;
            }
            let (Some(left), Some(right)) = (
                n.child_by_field_name("left"),
                n.child_by_field_name("right"),
            ) else {
                return;
            };
            let (left, right) = (syntax::named_children(left), syntax::named_children(right));
            for (i, l) in left.iter().enumerate() {
                let stores = l.kind() == "index_expression"
                    && l.child_by_field_name("operand").is_some_and(|o| {
                        let o_name = match o.kind() {
                            "selector_expression" => o.child_by_field_name("field"),
                            "identifier" => Some(o),
                            _ => None,
                        };
                        o_name.is_some_and(|x| f.node_text(x) == name)
                    });
                if !stores {
                    continue;
                }
                let Some(v) = right.get(i).copied() else {
                    ok = false;
                    return;
                };
                if !(is_fresh(f, v, t) || fresh_variable(f, v, t) && only_field_uses(f, v, t)) {
                    ok = false;
                }
            }
        });
        ok
    })
}

/// Besides its declaration and the store `x` is part of, is the variable `x` used only as `x.f`?
fn only_field_uses(f: &PkgFile, x: Node<'_>, _t: &str) -> bool {
    let Some(scope) = syntax::enclosing_top_function(x) else {
        return false;
    };
    let name = f.node_text(x);
    let mut bare = 0;
    syntax::walk(scope, &mut |n| {
        if n.kind() != "identifier" || f.node_text(n) != name {
            return;
        }
        let is_operand = n.parent().is_some_and(|p| {
            p.kind() == "selector_expression" && p.child_by_field_name("operand") == Some(n)
        });
        let is_decl = n.parent().is_some_and(|p| {
            p.kind() == "expression_list"
                && p.parent().is_some_and(|d| {
                    d.kind() == "short_var_declaration" && d.child_by_field_name("left") == Some(p)
                })
        }) || n.parent().is_some_and(|p| p.kind() == "var_spec");
        if !is_operand && !is_decl {
            bare += 1;
        }
    });
    bare == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    const SYM: &str = "package p\n\ntype Sym struct {\n\tKind uint8\n\tOff  uint32\n}\n\n";

    fn src(decls: &str, funcs: &str) -> String {
        format!("{SYM}{decls}\n{funcs}")
    }

    const SUM: &str = "func sum() (n uint64) {\n\tfor _, s := range table {\n\t\tn += uint64(s.Off)\n\t}\n\treturn n\n}\n";

    #[test]
    fn reports_package_map_iterated_for_fields() {
        let s = src(
            "var table = map[string]*Sym{}\n",
            &format!("func add(k string, o uint32) {{\n\ttable[k] = &Sym{{Off: o}}\n}}\n\n{SUM}"),
        );
        let msgs = check_detect_only_go(&TRANSFORM, "1.22", &s);
        assert!(
            msgs.len() == 1 && msgs[0].contains("map[string]Sym"),
            "{msgs:?}"
        );
    }

    #[test]
    fn reports_field_map_and_fresh_variable_insert() {
        let s = src(
            "type index struct {\n\tbyName map[string]*Sym\n}\n",
            "func (x *index) add(k string, o uint32) {\n\ts := new(Sym)\n\ts.Off = o\n\tx.byName[k] = s\n}\n\nfunc (x *index) kinds() (n int) {\n\tfor _, s := range x.byName {\n\t\tn += int(s.Kind)\n\t}\n\treturn n\n}\n",
        );
        check_detect_only_go(&TRANSFORM, "1.22", &s);
    }

    #[test]
    fn no_mutation_sharing_or_large_types() {
        for (decls, funcs) in [
            // Written through the pointer.
            (
                "var table = map[string]*Sym{}\n",
                format!("func bump(k string) {{\n\ttable[k].Off++\n}}\n\n{SUM}"),
            ),
            // Handed out.
            (
                "var table = map[string]*Sym{}\n",
                format!("func get(k string) *Sym {{\n\treturn table[k]\n}}\n\n{SUM}"),
            ),
            // Shared with a slice.
            (
                "var table = map[string]*Sym{}\nvar all []*Sym\n",
                SUM.to_string(),
            ),
            // Inserted from elsewhere.
            (
                "var table = map[string]*Sym{}\n",
                format!("func put(k string, s Sym) {{\n\tc := s\n\ttable[k] = &c\n}}\n\n{SUM}"),
            ),
            // Exported map.
            (
                "var Table = map[string]*Sym{}\n",
                SUM.replace("table", "Table"),
            ),
            // Pointer method.
            (
                "var table = map[string]*Sym{}\n",
                format!("func (s *Sym) reset() {{}}\n\n{SUM}"),
            ),
        ] {
            check_no_fix_go(&TRANSFORM, "1.22", &src(decls, &funcs));
        }
        // A struct with a mutex or too many fields.
        for ty in [
            "type Sym struct {\n\tmu  sync.Mutex\n\tOff uint32\n}\n",
            "type Sym struct {\n\tA, B, C int\n\tD, Off  uint32\n}\n",
        ] {
            let s = format!(
                "package p\n\nimport \"sync\"\n\nvar _ sync.Locker\n\n{ty}\nvar table = map[string]*Sym{{}}\n\n{SUM}"
            );
            check_no_fix_go(&TRANSFORM, "1.22", &s);
        }
    }

    #[test]
    fn value_used_whole_is_not_a_field_read() {
        let s = src(
            "var table = map[string]*Sym{}\n",
            "func any() bool {\n\tfor _, s := range table {\n\t\tif s == nil || s.Off > 0 {\n\t\t\treturn true\n\t\t}\n\t}\n\treturn false\n}\n",
        );
        check_no_fix_go(&TRANSFORM, "1.22", &s);
    }

    #[test]
    fn precheck_spots_pointer_maps() {
        assert!(has_pointer_map(b"var m map[string]*Sym"));
        assert!(has_pointer_map(b"m := make(map[[2]int]*node)"));
        assert!(!has_pointer_map(b"var m map[string]*ast.File"));
        assert!(!has_pointer_map(b"var m map[string]Sym"));
    }
}
