//! Any `init` that does I/O and fills package variables, whatever its statement shape: reported, and
//! fixed by moving the whole body into a `sync.OnceValue` function when that is mechanical.

use super::*;

/// An `init` that does I/O (in its body or one level into a package helper) and fills package variables
/// (`x = ...`, `x.f = ...`, `x[k] = ...`, `&x` passed on), whatever else it does. Reported; the fix moves
/// the whole body into a `sync.OnceValue` function that fills a local of the same name and returns it,
/// when that is mechanical, and otherwise says which precondition withheld it.
pub(super) fn any_shape(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let init = m.node("match")?;
    let body = m.node("body")?;
    let pkg = cx.pkg;
    let file = cx.file();
    // Positive evidence of a legitimate init: test set-up, generated code, a `main` package (a CLI whose
    // start-up is its lifetime) unless asked for.
    if file.is_test || file.generated || init.start_position().column != 0 {
        return None;
    }
    if pkg.is_main() && !cx.opt("main") {
        return None;
    }
    if !may_reach_io(pkg, file, body) {
        return None;
    }
    let helpers = semantic::direct_callees(pkg, cx.file_idx, body);
    let io = calls_io(file, body) || helpers.iter().any(|(fi, f)| calls_io(&pkg.files[*fi], *f));
    if !io {
        return None;
    }
    // Registration, flags and process state must happen at import time (the owner's R4 decision).
    if touches_forbidden(file, body)
        || helpers
            .iter()
            .any(|(fi, f)| touches_forbidden(&pkg.files[*fi], *f))
    {
        return None;
    }
    let targets = filled_globals(pkg, file, init, body);
    let first = targets.first()?.clone();
    let names = targets
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut exits = false;
    syntax::walk(body, &mut |n| {
        if n.kind() == "call_expression" {
            exits |= n
                .child_by_field_name("function")
                .is_some_and(|f| file.node_text(f) == "panic")
                || ["Fatal", "Fatalf", "Fatalln"]
                    .iter()
                    .any(|f| file.is_pkg_call(n, "log", f))
                || file.is_pkg_call(n, "os", "Exit");
        }
    });
    let who = "every program and test importing the package";
    let fails = if exits { ", and dies if it fails" } else { "" };
    let head = format!(
        "`init` does I/O to fill {names} at import time: {who} pays for it{fails}, even when {} unused",
        if targets.len() == 1 {
            "it is"
        } else {
            "they are"
        }
    );
    let plan = whole_body_fix(cx, init, body, &targets);
    let range = TextRange::new(init.start_byte(), init.start_byte() + "func init()".len());
    match plan {
        Ok(fix) => {
            let message = format!(
                "{head}; make `{first}` a lazy `sync.OnceValue` accessor that runs the whole `init` body. Review: the I/O moves to the first `{first}()` call (first-use latency, maybe on a request goroutine){}, and env/cwd changes made by `main` become visible to it.",
                if exits {
                    ", its `log.Fatal`/`os.Exit` then skips deferred cleanups"
                } else {
                    ""
                }
            );
            cx.report(range, message).fix = Some(fix);
        }
        Err(why) => {
            let message = format!(
                "{head}; move the work into a lazy `sync.OnceValue` accessor (or an explicit start-up call from `main`)"
            );
            cx.report(range, message).withhold(why);
        }
    }
    Some(())
}

/// Package variables the `init` body writes: the root identifier of an assignment's left side, or of an
/// `&x` operand, that no declaration in the `init` shadows and that the package declares with `var`.
pub(super) fn filled_globals(
    pkg: &Package,
    file: &PkgFile,
    init: Node<'_>,
    body: Node<'_>,
) -> Vec<String> {
    let src = &file.text;
    let mut roots = vec![];
    syntax::walk(body, &mut |n| match n.kind() {
        "assignment_statement" => {
            if let Some(l) = n.child_by_field_name("left") {
                roots.extend(named_children(l));
            }
        }
        "unary_expression"
            if n.child_by_field_name("operator")
                .is_some_and(|o| file.node_text(o) == "&") =>
        {
            roots.extend(n.child_by_field_name("operand"));
        }
        _ => {}
    });
    let mut out: Vec<String> = vec![];
    for mut r in roots {
        while let Some(inner) = match r.kind() {
            "selector_expression" => r.child_by_field_name("operand"),
            "index_expression" => r.child_by_field_name("operand"),
            "parenthesized_expression" => r.named_child(0),
            _ => None,
        } {
            r = inner;
        }
        if r.kind() != "identifier" {
            continue;
        }
        let name = file.node_text(r).to_string();
        if name == "_"
            || out.contains(&name)
            || syntax::declares_name(init, &name, src)
            || semantic::sole_var(pkg, &name).is_none()
        {
            continue;
        }
        out.push(name);
    }
    out
}

/// The whole-body fix: `var x = sync.OnceValue(func() T {\n\tvar x T\n<body>\treturn x\n})`. The local
/// shadows the accessor inside the function, so the body keeps its text (and comments) as it is.
pub(super) fn whole_body_fix(
    cx: &mut Ctx<'_>,
    init: Node<'_>,
    body: Node<'_>,
    targets: &[String],
) -> Result<Fix, String> {
    let pkg = cx.pkg;
    let init_idx = cx.file_idx;
    let file = cx.file();
    let [name] = targets else {
        return Err(format!(
            "the `init` fills {} package variables; one accessor cannot return them all",
            targets.len()
        ));
    };
    let name = name.as_str();
    if name.chars().next().is_some_and(char::is_uppercase) {
        return Err(format!(
            "`{name}` is exported: an accessor would change the package's API"
        ));
    }
    if file.versions.api < GoVersion(21) {
        return Err(format!(
            "`sync.OnceValue` needs Go 1.21 and this file is Go {}",
            file.versions.api
        ));
    }
    let decl = semantic::sole_var(pkg, name).ok_or("the variable has more than one declaration")?;
    let plain = decl.spec.child_by_field_name("value").is_none() && {
        let mut c = decl.spec.walk();
        decl.spec.children_by_field_name("name", &mut c).count() == 1
    };
    let ty = decl
        .spec
        .child_by_field_name("type")
        .filter(|_| plain)
        .ok_or_else(|| format!("`{name}` is not declared as a plain `var {name} T`"))?;
    let var_file = &pkg.files[decl.file];
    if decl.file != init_idx {
        return Err(format!(
            "`{name}` is declared in another file than the `init`"
        ));
    }
    if directive_above(&var_file.text, decl.decl.start_byte())
        || directive_above(&var_file.text, decl.spec.start_byte())
        || !var_file.editable
        || pkg.has_assembly()
        || pkg.linkname_mentions(name)
    {
        return Err(format!(
            "`{name}` carries a compiler directive, assembly or linkname"
        ));
    }
    // The body becomes a function returning `T`: an early `return` there would not compile.
    let mut returns = false;
    syntax::walk(body, &mut |n| {
        returns |= n.kind() == "return_statement"
            && syntax::enclosing_function(n).is_some_and(|f| f.id() == init.id());
    });
    if returns {
        return Err("the `init` returns early".into());
    }
    // How the body fails must survive the move: a panic would be recovered by net/http and raised again
    // on every later call; a third-party fatal logger's exit hooks are configurable.
    let mut failure = None;
    syntax::walk(body, &mut |n| {
        if failure.is_some() || n.kind() != "call_expression" {
            return;
        }
        let Some(f) = n.child_by_field_name("function") else {
            return;
        };
        if f.kind() == "identifier"
            && file.node_text(f) == "panic"
            && !syntax::declares_name(init, "panic", &file.text)
        {
            failure = Some(
                "the `init` panics on failure: lazily, net/http would recover it and every later call would panic again",
            );
        } else if f.kind() == "selector_expression"
            && f.child_by_field_name("field").is_some_and(|x| {
                matches!(
                    file.node_text(x),
                    "Fatal" | "Fatalf" | "Fatalln" | "Panic" | "Panicf" | "Panicln"
                )
            })
            && !f
                .child_by_field_name("operand")
                .is_some_and(|o| file.names_package(o, "log"))
        {
            failure = Some(
                "the `init` fails through a logger whose exit or panic hooks are configurable",
            );
        }
    });
    if let Some(why) = failure {
        return Err(why.into());
    }
    let text = file.node_text(body);
    let inner = text
        .strip_prefix("{\n")
        .and_then(|t| t.strip_suffix('}'))
        .ok_or("the `init` body is not gofmt-shaped")?;
    if reads_written_global(pkg, file, body, name) {
        return Err("the `init` reads a package variable that is written elsewhere or set by a flag (its value at first use may differ)".into());
    }
    let refs = semantic::references(pkg, name)
        .ok_or_else(|| format!("some use of `{name}` cannot be resolved"))?;
    // A function the body calls must not read `x`: inside the accessor it would call it again.
    let reachable = semantic::reachable(pkg, &[(init_idx, body)]);
    let init_reachable = semantic::reached_by_initialization(pkg, (init_idx, init.start_byte()));
    let methods = package_methods(pkg);
    let kind = type_kind(pkg, var_file, ty);
    let mut reads = vec![];
    for (fi, id) in &refs {
        if *fi == init_idx
            && init.start_byte() <= id.start_byte()
            && id.end_byte() <= init.end_byte()
        {
            continue;
        }
        let f = &pkg.files[*fi];
        if !f.editable || f.generated {
            return Err(format!("`{name}` is used in a file that is not edited"));
        }
        let Some(top) = syntax::ancestors(*id)
            .find(|a| matches!(a.kind(), "function_declaration" | "method_declaration"))
        else {
            return Err(format!("a package-level initializer reads `{name}`"));
        };
        let in_init = top.kind() == "function_declaration"
            && top
                .child_by_field_name("name")
                .is_some_and(|n| f.node_text(n) == "init");
        if in_init || init_reachable.contains(&semantic::func_id(*fi, top)) {
            return Err(format!("another `init` or initializer reads `{name}`"));
        }
        if reachable.contains(&semantic::func_id(*fi, top)) {
            return Err(format!(
                "a function the `init` calls reads `{name}`, which would call the accessor from inside itself"
            ));
        }
        if !is_plain_read(f, *id, kind, &methods) {
            return Err(format!(
                "`{name}` is written, addressed or mutated outside the `init`"
            ));
        }
        if comment_follows(&f.text[id.end_byte()..line_end_incl(&f.text, id.end_byte())]) {
            return Err("a use of the variable shares its line with a comment gofmt aligns".into());
        }
        reads.push((*fi, *id));
    }
    if reads.is_empty() {
        return Err(format!("`{name}` is never read"));
    }
    let ty_text = var_file.node_text(ty).to_string();
    let (del, doc) =
        delete_var_spec(&var_file.text, decl.decl, decl.spec).map_err(str::to_string)?;
    let sync = cx.import_name(init_idx, "sync", "gosync");
    let mut fix = Fix::unsafe_fix(format!(
        "make `{name}` a lazy `sync.OnceValue` accessor running the `init` body, and call it at its uses"
    ))
    .import(
        init_idx,
        ImportChange::Add {
            path: "sync".into(),
            name: sync.clone(),
        },
    )
    .edit(decl.file, del);
    let new_text = format!(
        "{doc}var {name} = {sync}.OnceValue(func() {ty_text} {{\n\tvar {name} {ty_text}\n{inner}\treturn {name}\n}})"
    );
    fix = fix.edit(init_idx, Edit::replace(TextRange::of(init), new_text));
    for (fi, id) in reads {
        fix = fix.edit(fi, Edit::insert(id.end_byte(), "()"));
    }
    Ok(fix)
}
