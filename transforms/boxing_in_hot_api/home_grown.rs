//! Home-grown `...any` APIs and `any` fields: which calls and keyed literals box a scalar for nothing.

use super::*;

/// A call in a hot loop of a function or method the package declares with a `...any` (or
/// `...interface{}`) last parameter, passing a visibly scalar value to it: a home-grown `Logf`, `Emit`, ….
pub(super) fn home_grown_variadic(cx: &mut Ctx<'_>, lk: &Look<'_>, call: Node<'_>) {
    let file = cx.file();
    let src = file.text.as_str();
    let Some(callee) = call.child_by_field_name("function") else {
        return;
    };
    let (name, method) = match callee.kind() {
        "identifier" => (syntax::text(callee, src), false),
        "selector_expression" => {
            // A package's function (`fmt.Sprintf`, `slog.Info`) is not this package's API.
            if callee.child_by_field_name("operand").is_some_and(|o| {
                o.kind() == "identifier"
                    && file
                        .imports()
                        .iter()
                        .any(|i| i.local == syntax::text(o, src))
            }) {
                return;
            }
            let Some(f) = callee.child_by_field_name("field") else {
                return;
            };
            (syntax::text(f, src), true)
        }
        _ => return,
    };
    // Only a name some file spelling `...any` declares can be such an API (most calls are not): the
    // per-call work below is spared for the rest.
    let candidates = cx.pkg.fact(|p| VariadicNames(Rc::new(variadic_names(p))));
    if !candidates.0[usize::from(method)].contains(name) {
        return;
    }
    // Error reporting and debug output (`errorf`, `Fatalf`, `warn`, `debugLogf`, `err.addf`) run on failure
    // or diagnostic paths, not per iteration of a hot loop.
    let receiver = (callee.kind() == "selector_expression")
        .then(|| callee.child_by_field_name("operand"))
        .flatten()
        .map_or("", |o| syntax::text(o, src));
    if [name, receiver].iter().any(|n| failure_or_debug(n)) {
        return;
    }
    let Some(args) = call.child_by_field_name("arguments") else {
        return;
    };
    // `f(xs...)` passes a slice the caller built: nothing is boxed at this call.
    if (0..args.child_count()).any(|i| args.child(i).is_some_and(|c| c.kind() == "..."))
        || !hot_loop_call(lk, call)
    {
        return;
    }
    let args = named_children(args);
    let Some(scope) = syntax::enclosing_function(call) else {
        return;
    };
    // Nothing to box, whatever the callee: spare the package-wide lookup of its declarations.
    if boxed(lk, scope, &args).is_none() {
        return;
    }
    let Some(fixed) = variadic_any_params(cx, lk, name, method) else {
        return;
    };
    let Some(hit) = boxed(lk, scope, args.get(fixed..).unwrap_or(&[])) else {
        return;
    };
    let msg = format!(
        "`{name}` takes `...any`, so in this loop every call boxes `{}` into `any` (a heap allocation for all but small integers) and allocates the variadic slice; where a profile shows the loop hot, give the hot values a typed path (typed parameters, or typed attributes as `slog.Attr` does)",
        syntax::text(hit, src)
    );
    cx.report(TextRange::of(call), msg);
}

/// The function names and the method names `variadic_any_params` may find a declaration for (a package
/// fact).
#[derive(Clone)]
pub(super) struct VariadicNames(Rc<[HashSet<String>; 2]>);

/// Every `func name(` (a function, also `func name[`) and `) name(` (a method) of the files that spell
/// `...` followed by `any` or `interface` (blanks between allowed). `variadic_any_params` finds a
/// declaration only in a file spelling its needle, and a `...any` / `...interface{}` parameter only in a
/// file of this kind, so a name missing here has none.
pub(super) fn variadic_names(pkg: &crate::semantic::package::Package) -> [HashSet<String>; 2] {
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let mut out: [HashSet<String>; 2] = Default::default();
    for f in &pkg.files {
        let b = f.text.as_bytes();
        let variadic_any = memchr::memmem::find_iter(b, b"...").any(|at| {
            let rest = b[at + 3..].trim_ascii_start();
            rest.starts_with(b"any") || rest.starts_with(b"interface") || rest.starts_with(b"/")
        });
        if !variadic_any {
            continue;
        }
        for (prefix, method) in [(&b"func "[..], false), (&b") "[..], true)] {
            for at in memchr::memmem::find_iter(b, prefix) {
                let rest = &b[at + prefix.len()..];
                let len = rest.iter().take_while(|c| is_ident(**c)).count();
                if len > 0 && matches!(rest.get(len), Some(b'(' | b'[')) {
                    out[usize::from(method)].insert(f.text[at + prefix.len()..][..len].to_string());
                }
            }
        }
    }
    out
}

/// Whether some file of the package switches on the type of a selector (a package fact).
#[derive(Clone)]
pub(super) struct TypeSwitches(bool);

/// A name that says it reports a failure or prints debug output.
pub(super) fn failure_or_debug(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "err", "fatal", "panic", "warn", "diag", "debug", "fail", "trace",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// How many parameters come before the `...any` of every function (or, for `method`, every method) named
/// `name` in the package; `None` when there is none, or the declarations disagree.
pub(super) fn variadic_any_params(
    cx: &Ctx<'_>,
    lk: &Look<'_>,
    name: &str,
    method: bool,
) -> Option<usize> {
    let key = (name.to_string(), method);
    if let Some(known) = lk.facts.borrow().variadic.get(&key) {
        return *known;
    }
    let found = variadic_any_params_of(cx, name, method);
    lk.facts.borrow_mut().variadic.insert(key, found);
    found
}

pub(super) fn variadic_any_params_of(cx: &Ctx<'_>, name: &str, method: bool) -> Option<usize> {
    let needle = if method {
        format!(") {name}(")
    } else {
        format!("func {name}(")
    };
    let declaring: Vec<&PkgFile> = cx
        .pkg
        .files
        .iter()
        .filter(|f| memchr::memmem::find(f.text.as_bytes(), needle.as_bytes()).is_some())
        .collect();
    // A variadic parameter is spelled `...`: with none in the files that may declare `name`, no
    // declaration of it is variadic, and those files need not be parsed to say so.
    if !declaring
        .iter()
        .any(|f| memchr::memmem::find(f.text.as_bytes(), b"...").is_some())
    {
        return None;
    }
    let mut found: Option<usize> = None;
    for f in declaring {
        for d in named_children(f.tree().root_node()) {
            let kind_ok = if method {
                d.kind() == "method_declaration"
            } else {
                d.kind() == "function_declaration"
            };
            if !kind_ok
                || d.child_by_field_name("name")
                    .is_none_or(|n| f.node_text(n) != name)
            {
                continue;
            }
            let params = named_children(d.child_by_field_name("parameters")?);
            let (last, before) = params.split_last()?;
            if last.kind() != "variadic_parameter_declaration"
                || !last
                    .child_by_field_name("type")
                    .is_some_and(|t| is_empty_interface(f, t))
            {
                return None;
            }
            let n: usize = before
                .iter()
                .map(|p| {
                    let mut c = p.walk();
                    p.children_by_field_name("name", &mut c).count().max(1)
                })
                .sum();
            if found.is_some_and(|x| x != n) {
                return None;
            }
            found = Some(n);
        }
    }
    found
}

/// `any` or `interface{}`.
pub(super) fn is_empty_interface(f: &PkgFile, t: Node<'_>) -> bool {
    match t.kind() {
        "type_identifier" => f.node_text(t) == "any",
        "interface_type" => named_children(t).is_empty(),
        _ => false,
    }
}

/// A keyed literal of a package struct type storing a visibly scalar value in an `any` / `interface{}`
/// field that the package reads back with a type switch on numbers: the metric holder of the seeds.
pub(super) fn any_field_store(cx: &mut Ctx<'_>, lk: &Look<'_>, lit: Node<'_>) {
    // `switches_on_numbers` needs a `.field.(type)` somewhere in the package: without one, no literal is
    // reported.
    if !cx.pkg.fact(|p| TypeSwitches(p.spells(".(type)"))).0 {
        return;
    }
    let file = cx.file();
    let src = file.text.as_str();
    let (Some(ty), Some(body)) = (
        lit.child_by_field_name("type"),
        lit.child_by_field_name("body"),
    ) else {
        return;
    };
    if in_test_code(file, lit) {
        return;
    }
    let Some(scope) = syntax::enclosing_function(lit) else {
        return;
    };
    if syntax::enclosing_top_function(lit)
        .is_some_and(|f| flow::one_shot_function(f, src).is_some())
    {
        return;
    }
    let ty_name = syntax::text(ty, src);
    for el in named_children(body) {
        if el.kind() != "keyed_element" {
            continue;
        }
        let (Some(k), Some(v)) = (
            el.child_by_field_name("key")
                .and_then(|k| named_children(k).into_iter().next()),
            el.child_by_field_name("value")
                .and_then(|v| named_children(v).into_iter().next()),
        ) else {
            continue;
        };
        let field = syntax::text(k, src);
        if !typed_scalar(lk, scope, v)
            || !any_field(cx, lk, ty_name, field)
            || !switches_on_numbers(cx, lk, field)
        {
            continue;
        }
        let msg = format!(
            "`{ty_name}.{field}` is an `interface{{}}` field that holds numbers (the package reads it back with a type switch): storing `{}` boxes it on the heap on every call, and every read pays the switch; give the value a typed field (or one typed map or generic type per kind of value)",
            syntax::text(v, src)
        );
        cx.report(TextRange::of(el), msg);
        return;
    }
}

/// Does the package declare struct type `ty` with field `field` of type `any` / `interface{}`?
pub(super) fn any_field(cx: &Ctx<'_>, lk: &Look<'_>, ty: &str, field: &str) -> bool {
    let key = (ty.to_string(), field.to_string());
    if let Some(known) = lk.facts.borrow().any_fields.get(&key) {
        return *known;
    }
    let found = any_field_of(cx, ty, field);
    lk.facts.borrow_mut().any_fields.insert(key, found);
    found
}

pub(super) fn any_field_of(cx: &Ctx<'_>, ty: &str, field: &str) -> bool {
    let needle = format!("type {ty} struct");
    cx.pkg.files.iter().any(|f| {
        if memchr::memmem::find(f.text.as_bytes(), needle.as_bytes()).is_none() {
            return false;
        }
        let mut hit = false;
        syntax::walk(f.tree().root_node(), &mut |n| {
            if hit || n.kind() != "type_spec" {
                return;
            }
            let (Some(name), Some(st)) =
                (n.child_by_field_name("name"), n.child_by_field_name("type"))
            else {
                return;
            };
            if f.node_text(name) != ty || st.kind() != "struct_type" {
                return;
            }
            syntax::walk(st, &mut |d| {
                if d.kind() != "field_declaration" {
                    return;
                }
                let mut c = d.walk();
                let named = d
                    .children_by_field_name("name", &mut c)
                    .any(|x| f.node_text(x) == field);
                hit |= named
                    && d.child_by_field_name("type")
                        .is_some_and(|t| is_empty_interface(f, t));
            });
        });
        hit
    })
}

/// Does some file of the package switch on the type of `….field` with a numeric case?
pub(super) fn switches_on_numbers(cx: &Ctx<'_>, lk: &Look<'_>, field: &str) -> bool {
    if let Some(known) = lk.facts.borrow().switched_fields.get(field) {
        return *known;
    }
    let found = switches_on_numbers_of(cx, field);
    lk.facts
        .borrow_mut()
        .switched_fields
        .insert(field.to_string(), found);
    found
}

pub(super) fn switches_on_numbers_of(cx: &Ctx<'_>, field: &str) -> bool {
    let needle = format!(".{field}.(type)");
    cx.pkg.files.iter().any(|f| {
        if memchr::memmem::find(f.text.as_bytes(), needle.as_bytes()).is_none() {
            return false;
        }
        let mut hit = false;
        syntax::walk(f.tree().root_node(), &mut |n| {
            if hit || n.kind() != "type_case" {
                return;
            }
            let mut c = n.walk();
            hit = n
                .children_by_field_name("type", &mut c)
                .any(|t| t.kind() == "type_identifier" && syntax::is_numeric_type(f.node_text(t)));
        });
        hit
    })
}
