//! The two textbook shapes (`x = f()`; `var err error` / `x, err = f()` / `if err != nil { log.Fatal }`)
//! and their preconditions (§4.5).

use super::*;

/// The two `init` shapes of §4.2, and the shadowing mistake.
pub(super) enum Shape<'t> {
    /// `x = f(...)`.
    Plain { assign: Node<'t>, call: Node<'t> },
    /// `var err error` / `x, err = f(...)` / `if err != nil { exit }`.
    Checked {
        assign: Node<'t>,
        call: Node<'t>,
        err: String,
        branch: Node<'t>,
    },
}

pub(super) struct Found<'t> {
    pub(super) shape: Shape<'t>,
    pub(super) target: Node<'t>,
}

pub(super) fn check(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let init = m.node("match")?;
    let body = m.node("body")?;
    let file = cx.file();
    let src = cx.src();
    // An `init` in a test file sets up tests; moving its variable into a test file is no option either.
    if file.is_test || init.start_position().column != 0 {
        return None;
    }
    if !src[init.start_byte()..].starts_with("func init() {")
        || src[body.byte_range()].lines().count() > MAX_INIT_LINES + 1
    {
        return None;
    }
    let stmts = syntax::block_statements(body);
    if let Some(()) = shadowing(cx, init, &stmts) {
        return Some(());
    }
    let found = match_shape(file, &stmts)?;
    let pkg = cx.pkg;
    let name = file.node_text(found.target).to_string();
    // §4.5.1: exported names are API.
    let first = name.chars().next()?;
    if name == "_" || first.is_uppercase() {
        return None;
    }
    // §4.5.11: not in `main` unless asked for.
    if pkg.is_main() && !cx.opt("main") {
        return None;
    }
    let call = match &found.shape {
        Shape::Plain { call, .. } | Shape::Checked { call, .. } => *call,
    };
    // In `v, err := f(args)` an `err` among the arguments would no longer be the init's local.
    if let Shape::Checked { err, .. } = &found.shape
        && syntax::identifiers(call, src).contains(err)
    {
        return None;
    }
    let branch = match &found.shape {
        Shape::Checked { branch, .. } => Some(*branch),
        Shape::Plain { .. } => None,
    };
    // Without I/O within reach (checked below) nothing is reported: tell it first from the bytes, before
    // the package index parses every file.
    if !may_reach_io(pkg, file, call) {
        return None;
    }
    // The declaration: `var x T`, one name, a type, no value, exactly once in the package.
    let decl = semantic::sole_var(pkg, &name)?;
    let var_file = &pkg.files[decl.file];
    let ty = decl.spec.child_by_field_name("type")?;
    if decl.spec.child_by_field_name("value").is_some() {
        return None;
    }
    let mut c = decl.spec.walk();
    if decl.spec.children_by_field_name("name", &mut c).count() != 1 {
        return None;
    }
    // A compiler directive on the declaration (`//go:embed` fills the variable itself) → never.
    if directive_above(&var_file.text, decl.decl.start_byte())
        || directive_above(&var_file.text, decl.spec.start_byte())
    {
        return None;
    }
    // §4.5.10: same build constraints for the var and the init.
    if !var_file.same_build_constraints(file) || var_file.is_test {
        return None;
    }
    // §0.2 / §4.5.9: generated files, assembly, linkname.
    if !var_file.editable
        || var_file.generated
        || pkg.has_assembly()
        || pkg.linkname_mentions(&name)
    {
        return None;
    }
    // §4.5.8 and §4.7: the call does real I/O; no registration, flags or process state on the way.
    let helpers = semantic::direct_callees(pkg, cx.file_idx, call);
    let io = calls_io(file, call) || helpers.iter().any(|(fi, f)| calls_io(&pkg.files[*fi], *f));
    if !io {
        return None;
    }
    let mut scanned: Vec<(&PkgFile, Node<'_>)> = vec![(file, call)];
    if let Some(b) = branch {
        scanned.push((file, b));
    }
    scanned.extend(helpers.iter().map(|(fi, f)| (&pkg.files[*fi], *f)));
    for (f, n) in &scanned {
        if touches_forbidden(f, *n) {
            return None;
        }
    }
    // §4.5.5: package variables the load reads must never be written.
    for (f, n) in &scanned {
        if reads_written_global(pkg, f, *n, &name) {
            return None;
        }
    }
    // §4.4 / §4.5.2-4: every reference in the package, each a plain read outside initialisation.
    let refs = semantic::references(pkg, &name)?;
    // §4.5.4: the load itself must not read `x` (through any chain of package functions): `x()` from
    // inside its own `OnceValue` deadlocks.
    let reachable = semantic::reachable(pkg, &[(cx.file_idx, call)]);
    // ... nor may any other initialisation reach it: a package-level initializer or another `init` saw the
    // zero value, through however many calls (§4.5.4).
    let init_reachable = semantic::reached_by_initialization(pkg, (cx.file_idx, init.start_byte()));
    let mut reads = vec![];
    let methods = package_methods(pkg);
    let kind = type_kind(pkg, var_file, ty);
    for (fi, id) in &refs {
        if id.id() == found.target.id() {
            continue;
        }
        let f = &pkg.files[*fi];
        if !f.editable || f.generated {
            return None;
        }
        let top = syntax::ancestors(*id)
            .find(|a| matches!(a.kind(), "function_declaration" | "method_declaration"));
        let Some(top) = top else {
            // A package-level initializer saw the zero value (§4.5.4).
            return None;
        };
        let in_init = top.kind() == "function_declaration"
            && top
                .child_by_field_name("name")
                .is_some_and(|n| f.node_text(n) == "init");
        if in_init
            || reachable.contains(&semantic::func_id(*fi, top))
            || init_reachable.contains(&semantic::func_id(*fi, top))
        {
            return None;
        }
        if !is_plain_read(f, *id, kind, &methods) {
            return None;
        }
        reads.push((*fi, *id));
    }
    if reads.is_empty() {
        return None;
    }
    let api = file.versions.api;
    let fatal = branch.is_some();
    let hazards = format!(
        "Review: the load moves to the first `{name}()` call (first-use latency, maybe on a request goroutine){}, and env/cwd changes made by `main` become visible to it.",
        if fatal {
            ", its `log.Fatal`/`os.Exit` then skips deferred cleanups"
        } else if panics_on_failure(file, call) {
            ", a failure panics there (net/http recovers it) and again on every later call"
        } else {
            ""
        }
    );
    let who = if pkg.is_main() {
        "every run of the binary (tests and `--help` included)"
    } else {
        "every program and test importing the package"
    };
    let head = format!(
        "`init` does I/O to fill `{name}` at import time: {who} pays for it, and dies if it fails, even when `{name}` is unused"
    );
    let once_value = api >= GoVersion(21);
    if !once_value && !fatal {
        cx.report(
            TextRange::of(found_stmt(&found)),
            format!(
                "{head}; make it a lazy `sync.OnceValue` accessor once the file is Go 1.21 (it is Go {api}; no `sync.Once` fix is offered, as it would return the zero value after a panic)."
            ),
        );
        return Some(());
    }
    let how = if once_value {
        "make it a lazy `sync.OnceValue` accessor"
    } else {
        "make it a lazy accessor on `sync.Once` (this file predates Go 1.21's `sync.OnceValue`)"
    };
    let message = format!("{head}; {how}. {hazards}");
    let plan = build_fix(cx, init, &found, &decl, ty, &name, &reads, once_value);
    let stmt = found_stmt(&found);
    match plan {
        Ok(fix) => {
            let d = cx.report(TextRange::of(stmt), message);
            d.fix = Some(fix);
        }
        Err(why) => {
            cx.report(
                TextRange::of(stmt),
                format!("{message} (No automatic fix: {why}.)"),
            );
        }
    }
    Some(())
}

pub(super) fn found_stmt<'t>(f: &Found<'t>) -> Node<'t> {
    match &f.shape {
        Shape::Plain { assign, .. } | Shape::Checked { assign, .. } => *assign,
    }
}

/// Does the call go through a `Must`-style wrapper (`template.Must`, `mustLoad`), which panics on failure?
pub(super) fn panics_on_failure(file: &PkgFile, call: Node<'_>) -> bool {
    let mut found = false;
    syntax::walk(call, &mut |n| {
        if n.kind() == "call_expression"
            && let Some(f) = n.child_by_field_name("function")
        {
            let name = match f.kind() {
                "identifier" => Some(f),
                "selector_expression" => f.child_by_field_name("field"),
                _ => None,
            };
            found |= name.is_some_and(|c| {
                let t = file.node_text(c);
                t.starts_with("Must") || t.starts_with("must")
            });
        }
    });
    found
}

/// §4.2: `x, err := f()` in `init` declares a new local `x` beside a package variable `x` that nothing
/// else ever assigns — a probable bug, reported without a fix.
pub(super) fn shadowing(cx: &mut Ctx<'_>, init: Node<'_>, stmts: &[Node<'_>]) -> Option<()> {
    let file = cx.file();
    let pkg = cx.pkg;
    if !calls_io(file, init) {
        return None;
    }
    for s in stmts {
        if s.kind() != "short_var_declaration" {
            continue;
        }
        let right = s.child_by_field_name("right")?;
        let rhs = named_children(right);
        if rhs.len() != 1 || rhs[0].kind() != "call_expression" {
            continue;
        }
        let left = s.child_by_field_name("left")?;
        for id in named_children(left) {
            let name = file.node_text(id);
            if name == "_" || name == "err" {
                continue;
            }
            let Some(decl) = semantic::sole_var(pkg, name) else {
                continue;
            };
            if decl.spec.child_by_field_name("value").is_some() {
                continue;
            }
            // The package variable is never assigned anywhere, so it stays zero.
            let Some(refs) = semantic::references(pkg, name) else {
                continue;
            };
            let kind = type_kind(
                pkg,
                &pkg.files[decl.file],
                decl.spec.child_by_field_name("type")?,
            );
            let methods = package_methods(pkg);
            let assigned = refs
                .iter()
                .any(|(fi, r)| !is_plain_read(&pkg.files[*fi], *r, kind, &methods));
            if assigned || refs.is_empty() {
                continue;
            }
            cx.report(
                TextRange::of(*s),
                format!(
                    "`:=` declares a new local `{name}` that shadows the package-level `{name}`, which nothing assigns and so stays at its zero value; probably `=` was meant (declare the other names with `var`)"
                ),
            );
            return Some(());
        }
    }
    None
}

pub(super) fn match_shape<'t>(file: &PkgFile, stmts: &[Node<'t>]) -> Option<Found<'t>> {
    match stmts {
        [assign] => {
            let (targets, call) = assignment(file, *assign)?;
            let [target] = targets.as_slice() else {
                return None;
            };
            Some(Found {
                shape: Shape::Plain {
                    assign: *assign,
                    call,
                },
                target: *target,
            })
        }
        [var, assign, branch] => {
            // `var err error`
            if var.kind() != "var_declaration" {
                return None;
            }
            let specs = semantic::index::specs(*var);
            let [spec] = specs.as_slice() else {
                return None;
            };
            let mut c = spec.walk();
            let names: Vec<Node<'_>> = spec.children_by_field_name("name", &mut c).collect();
            let [err] = names.as_slice() else {
                return None;
            };
            let err = file.node_text(*err).to_string();
            if spec.child_by_field_name("value").is_some()
                || spec
                    .child_by_field_name("type")
                    .is_none_or(|t| file.node_text(t) != "error")
            {
                return None;
            }
            let (targets, call) = assignment(file, *assign)?;
            let [target, e] = targets.as_slice() else {
                return None;
            };
            if file.node_text(*e) != err || file.node_text(*target) == err {
                return None;
            }
            if !exits_on_error(file, *branch, &err) {
                return None;
            }
            Some(Found {
                shape: Shape::Checked {
                    assign: *assign,
                    call,
                    err,
                    branch: *branch,
                },
                target: *target,
            })
        }
        _ => None,
    }
}

/// `a, b = call(...)`: the identifiers on the left and the one call on the right.
pub(super) fn assignment<'t>(file: &PkgFile, n: Node<'t>) -> Option<(Vec<Node<'t>>, Node<'t>)> {
    if n.kind() != "assignment_statement" {
        return None;
    }
    if file.node_text(n.child_by_field_name("operator")?) != "=" {
        return None;
    }
    let left = named_children(n.child_by_field_name("left")?);
    let right = named_children(n.child_by_field_name("right")?);
    if left.iter().any(|l| l.kind() != "identifier") {
        return None;
    }
    match right.as_slice() {
        [call] if call.kind() == "call_expression" => Some((left, *call)),
        _ => None,
    }
}

/// §4.5.7: `if err != nil { log.Fatal*(...) }` or `{ print...; os.Exit(n) }`, no init, no else.
pub(super) fn exits_on_error(file: &PkgFile, n: Node<'_>, err: &str) -> bool {
    if n.kind() != "if_statement"
        || n.child_by_field_name("initializer").is_some()
        || n.child_by_field_name("alternative").is_some()
    {
        return false;
    }
    let Some(cond) = n.child_by_field_name("condition") else {
        return false;
    };
    let cond_ok = cond.kind() == "binary_expression"
        && cond
            .child_by_field_name("left")
            .is_some_and(|l| l.kind() == "identifier" && file.node_text(l) == err)
        && cond
            .child_by_field_name("operator")
            .is_some_and(|o| file.node_text(o) == "!=")
        && cond
            .child_by_field_name("right")
            .is_some_and(|r| r.kind() == "nil");
    let Some(block) = n.child_by_field_name("consequence") else {
        return false;
    };
    let stmts = syntax::block_statements(block);
    let calls: Option<Vec<Node<'_>>> = stmts
        .iter()
        .map(|s| {
            (s.kind() == "expression_statement")
                .then(|| named_children(*s).into_iter().next())
                .flatten()
                .filter(|c| c.kind() == "call_expression")
        })
        .collect();
    let Some(calls) = calls else {
        return false;
    };
    let fatal = |c: Node<'_>| {
        ["Fatal", "Fatalf", "Fatalln"]
            .iter()
            .any(|f| file.is_pkg_call(c, "log", f))
    };
    let print = |c: Node<'_>| {
        [
            "Print", "Printf", "Println", "Fprint", "Fprintf", "Fprintln",
        ]
        .iter()
        .any(|f| file.is_pkg_call(c, "fmt", f))
            || ["Print", "Printf", "Println"]
                .iter()
                .any(|f| file.is_pkg_call(c, "log", f))
    };
    let body_ok = match calls.as_slice() {
        [only] => fatal(*only) || file.is_pkg_call(*only, "os", "Exit"),
        [prints @ .., last] => {
            file.is_pkg_call(*last, "os", "Exit") && prints.iter().all(|p| print(*p))
        }
        [] => false,
    };
    cond_ok && body_ok
}
