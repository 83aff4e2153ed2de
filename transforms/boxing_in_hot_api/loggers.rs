//! Structured loggers (slog, zap, logrus): which receiver is one and which values a call boxes.

use super::*;

/// The first value that gets boxed.
pub(super) fn boxed<'t>(lk: &Look<'_>, scope: Node<'_>, vals: &[Node<'t>]) -> Option<Node<'t>> {
    vals.iter().copied().find(|v| typed_scalar(lk, scope, *v))
}

/// The values of `"key", value` pairs (slog or zap sugar), skipping `slog.Attr`/`zap.Field` arguments;
/// `None` when the list cannot be read as pairs (a key that is not a string literal).
pub(super) fn pair_values<'t>(file: &PkgFile, args: &[Node<'t>]) -> Option<Vec<Node<'t>>> {
    let mut out = vec![];
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if is_typed_attr(file, a) {
            i += 1;
            continue;
        }
        if !matches!(
            a.kind(),
            "interpreted_string_literal" | "raw_string_literal"
        ) {
            return None;
        }
        out.push(*args.get(i + 1)?);
        i += 2;
    }
    Some(out)
}

/// `slog.Int(…)`, `slog.Group(…)`, `zap.Int(…)`, …: already a typed attribute or field.
pub(super) fn is_typed_attr(file: &PkgFile, a: Node<'_>) -> bool {
    let Some(f) = a
        .child_by_field_name("function")
        .filter(|f| a.kind() == "call_expression" && f.kind() == "selector_expression")
    else {
        return false;
    };
    let Some(name) = f.child_by_field_name("field").map(|n| file.node_text(n)) else {
        return false;
    };
    file.is_pkg_call(a, SLOG, name) || file.is_pkg_call(a, ZAP, name)
}

/// The values of a `logrus.Fields{…}` literal.
pub(super) fn logrus_values<'t>(file: &PkgFile, lit: Node<'t>) -> Option<Vec<Node<'t>>> {
    if lit.kind() != "composite_literal" {
        return None;
    }
    let ty = lit.child_by_field_name("type")?;
    if ty.kind() != "qualified_type"
        || ty.child_by_field_name("name").map(|n| file.node_text(n)) != Some("Fields")
        || !ty
            .child_by_field_name("package")
            .is_some_and(|p| names_pkg(file, p, LOGRUS))
    {
        return None;
    }
    let body = lit.child_by_field_name("body")?;
    let mut out = vec![];
    for el in named_children(body) {
        if el.kind() != "keyed_element" {
            return None;
        }
        let v = el.child_by_field_name("value")?;
        out.push(named_children(v).into_iter().next()?);
    }
    Some(out)
}

/// `names_package` for a package identifier node (also `package_identifier`).
pub(super) fn names_pkg(file: &PkgFile, node: Node<'_>, path: &str) -> bool {
    let Some(imp) = file.import_of(path).filter(|i| i.is_usable()) else {
        return false;
    };
    let name = file.node_text(node);
    name == imp.local
        && !syntax::enclosing_top_function(node)
            .is_some_and(|s| syntax::declares_name(s, name, &file.text))
}

/// Is `recv` the `slog` package or a `*slog.Logger` the function shows?
pub(super) fn is_slog(lk: &Look<'_>, scope: Node<'_>, recv: Node<'_>) -> bool {
    let file = lk.file;
    if recv.kind() == "identifier" && file.names_package(recv, SLOG) {
        return true;
    }
    logger_of(
        lk,
        scope,
        recv,
        SLOG,
        "Logger",
        &["New", "Default", "With"],
        "With",
    )
}

/// Is `recv` a zap sugared logger the function shows (`zap.S()`, `x.Sugar()`, a `*zap.SugaredLogger`)?
pub(super) fn is_sugared(lk: &Look<'_>, scope: Node<'_>, recv: Node<'_>) -> bool {
    let file = lk.file;
    if recv.kind() == "call_expression" && file.is_pkg_call(recv, ZAP, "S") {
        return true;
    }
    logger_of(lk, scope, recv, ZAP, "SugaredLogger", &["S"], "Sugar")
}

/// Does `expr` have type `*pkg.ty`, as far as the function shows? A call of `pkg.ctor…()`, a call of
/// `.method(…)` on anything (`.With`, `.Sugar`), or an identifier declared once in the function as a
/// parameter of that type or assigned from such a call.
pub(super) fn logger_of(
    lk: &Look<'_>,
    scope: Node<'_>,
    expr: Node<'_>,
    path: &str,
    ty: &str,
    ctors: &[&str],
    method: &str,
) -> bool {
    let file = lk.file;
    match expr.kind() {
        "call_expression" => {
            ctors.iter().any(|c| file.is_pkg_call(expr, path, c))
                || expr
                    .child_by_field_name("function")
                    .filter(|f| f.kind() == "selector_expression")
                    .and_then(|f| f.child_by_field_name("field"))
                    .is_some_and(|f| file.node_text(f) == method)
        }
        "identifier" => {
            let name = file.node_text(expr);
            let Some(top) = syntax::enclosing_top_function(expr).or(Some(scope)) else {
                return false;
            };
            let decls = declarations(lk, top, name);
            let [d] = decls[..] else { return false };
            match d.parent().map(|p| (p.kind(), p)) {
                Some(("parameter_declaration", p)) => {
                    p.child_by_field_name("type").is_some_and(|t| {
                        t.kind() == "pointer_type"
                            && named_children(t).first().is_some_and(|q| {
                                q.kind() == "qualified_type"
                                    && q.child_by_field_name("name")
                                        .is_some_and(|n| file.node_text(n) == ty)
                                    && q.child_by_field_name("package")
                                        .is_some_and(|p| names_pkg(file, p, path))
                            })
                    })
                }
                Some(("expression_list", l)) => l
                    .parent()
                    .filter(|s| s.kind() == "short_var_declaration")
                    .and_then(|decl| short_var_value(decl, d))
                    .is_some_and(|v| logger_of(lk, scope, v, path, ty, ctors, method)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// The value `decl` (a `:=`) gives the name `d` on its left, when both sides have as many expressions.
pub(super) fn short_var_value<'t>(decl: Node<'t>, d: Node<'_>) -> Option<Node<'t>> {
    let lv = named_children(decl.child_by_field_name("left")?);
    let rv = named_children(decl.child_by_field_name("right")?);
    let i = lv.iter().position(|n| n.id() == d.id())?;
    (lv.len() == rv.len()).then(|| rv[i])
}

/// The declaring identifiers of `name` in `scope`, from the scope's name index (one walk per function).
pub(super) fn declarations<'t>(lk: &Look<'_>, scope: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let key = (scope.start_byte(), scope.end_byte());
    let index = lk
        .facts
        .borrow_mut()
        .decls
        .entry(key)
        .or_insert_with(|| Rc::new(declared_names_in(scope, &lk.file.text)))
        .clone();
    index.get(name).map_or_else(Vec::new, |ranges| {
        ranges
            .iter()
            .filter_map(|&(start, end)| scope.named_descendant_for_byte_range(start, end))
            .collect()
    })
}

/// Every name declared in `scope`, with the byte ranges of its declaring identifiers in tree order.
pub(super) fn declared_names_in(scope: Node<'_>, src: &str) -> NameIndex {
    let mut out = NameIndex::new();
    syntax::walk(scope, &mut |n| {
        for d in syntax::declared_names(n) {
            out.entry(syntax::text(d, src).to_string())
                .or_default()
                .push((d.start_byte(), d.end_byte()));
        }
    });
    out
}
