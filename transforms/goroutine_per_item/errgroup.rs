//! The errgroup fix, when go.mod requires golang.org/x/sync with `SetLimit` and the translation is
//! mechanical: the WaitGroup becomes an `errgroup.Group` limited to `runtime.GOMAXPROCS(0)`.

use super::Shape;
use super::semaphore::starts_line;
use crate::read::syntax::{self, named_children};
use crate::read::version::GoVersion;
use crate::rules::fix::{Edit, Fix, ImportChange, TextRange};
use crate::rules::rewrite::{delete_statement, insert_before_statement};
use crate::rules::transform::Ctx;
use crate::semantic::package::PkgFile;
use std::collections::HashSet;
use tree_sitter::Node;

const SYNC_MODULE: &str = "golang.org/x/sync";
const ERRGROUP: &str = "golang.org/x/sync/errgroup";

/// The errgroup shape, when go.mod requires x/sync with `SetLimit` and the translation is mechanical.
pub(super) fn errgroup_plan(
    cx: &mut Ctx<'_>,
    shape: &Shape<'_>,
    range: Node<'_>,
    func: Node<'_>,
) -> Option<Fix> {
    let module = cx.pkg.module.clone();
    if module.has_vendor {
        return None;
    }
    let version = module.required_version(SYNC_MODULE)?;
    if !has_set_limit(&version) {
        return None;
    }
    // The module's checksum (not only its go.mod's) must be in go.sum, or the build fails.
    let sums = module.facts().go_sum()?;
    let needle = format!("{SYNC_MODULE} {version} h1:");
    if !sums.lines().any(|l| l.starts_with(&needle)) {
        return None;
    }
    let file = cx.file();
    let src = cx.src();
    let scope = syntax::enclosing_top_function(func).unwrap_or(func);
    // `var wg sync.WaitGroup` in this function, and `wg` used only by Add, Done and Wait.
    if !shape.wg.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let decl = wg_declaration(file, func, &shape.wg)?;
    let mut uses = 0;
    syntax::walk(scope, &mut |n| {
        uses += usize::from(n.kind() == "identifier" && syntax::text(n, src) == shape.wg);
    });
    if uses != 4 {
        return None;
    }
    // The goroutine returns nothing; its parameters are the loop's own variables, per iteration.
    if shape.lit.child_by_field_name("result").is_some() {
        return None;
    }
    let params: Vec<String> = {
        let mut out = vec![];
        let p = shape.lit.child_by_field_name("parameters")?;
        for d in named_children(p) {
            if d.kind() != "parameter_declaration" {
                return None;
            }
            let mut c = d.walk();
            out.extend(
                d.children_by_field_name("name", &mut c)
                    .map(|n| syntax::text(n, src).to_string()),
            );
        }
        out
    };
    let call = named_children(shape.go).first().copied()?;
    let args: Vec<String> = named_children(call.child_by_field_name("arguments")?)
        .iter()
        .map(|a| syntax::text(*a, src).to_string())
        .collect();
    if params != args {
        return None;
    }
    if !params.is_empty() {
        let loop_vars: Vec<String> = syntax::declared_names(range)
            .into_iter()
            .map(|n| syntax::text(n, src).to_string())
            .collect();
        if file.versions.api < GoVersion(22) || !params.iter().all(|p| loop_vars.contains(p)) {
            return None;
        }
    }
    let body = shape.lit.child_by_field_name("body")?;
    let stmts = syntax::block_statements(body);
    if !starts_line(src, shape.go) || !syntax::alone_on_line(shape.add, src) {
        return None;
    }
    if !syntax::alone_on_line(shape.done, src) || !syntax::alone_on_line(shape.wait, src) {
        return None;
    }
    // The `{` of the literal's body ends the `go` line and its `}` starts a line.
    let open = body.start_byte();
    let close = body.end_byte() - 1;
    if !src[open + 1..syntax::line_end_incl(src, open)]
        .trim()
        .is_empty()
        || !src[syntax::line_start(src, close)..close].trim().is_empty()
    {
        return None;
    }
    let eg = cx.import_name_in(cx.file_idx, ERRGROUP, "xerrgroup", scope)?;
    let rt = cx.import_name_in(cx.file_idx, "runtime", "goruntime", scope)?;
    let taken: HashSet<String> = [eg.clone(), rt.clone()].into_iter().collect();
    let g = cx.fresh_name(scope, "g", &taken);
    let file = cx.file();
    let f = cx.file_idx;
    let mut fix = Fix::unsafe_fix(format!(
        "run the items through an `errgroup.Group` limited to `{rt}.GOMAXPROCS(0)`"
    ))
    .edit(
        f,
        Edit::replace(TextRange::of(decl), format!("var {g} {eg}.Group")),
    )
    .edit(
        f,
        insert_before_statement(
            src,
            shape.for_stmt,
            &format!("{g}.SetLimit({rt}.GOMAXPROCS(0))"),
        ),
    )
    .edit(f, delete_statement(src, shape.add))
    .edit(
        f,
        Edit::replace(
            TextRange::new(shape.go.start_byte(), open + 1),
            format!("{g}.Go(func() error {{"),
        ),
    )
    .edit(f, delete_statement(src, shape.done));
    // Bare `return`s of the goroutine (not of literals inside it) return nil.
    let mut returns = vec![];
    syntax::walk(body, &mut |n| {
        if n.kind() == "return_statement"
            && syntax::enclosing_function(n).is_some_and(|e| e.id() == shape.lit.id())
        {
            returns.push(n);
        }
    });
    for r in &returns {
        fix = fix.edit(f, Edit::replace(TextRange::of(*r), "return nil"));
    }
    if stmts.last().is_none_or(|s| s.kind() != "return_statement") {
        let indent = format!("{}\t", syntax::indent_at(src, close));
        fix = fix.edit(
            f,
            Edit::insert(
                syntax::line_start(src, close),
                format!("{indent}return nil\n"),
            ),
        );
    }
    fix = fix
        .edit(
            f,
            Edit::replace(TextRange::new(body.end_byte(), shape.go.end_byte()), ")"),
        )
        .edit(
            f,
            Edit::replace(TextRange::of(shape.wait), format!("_ = {g}.Wait()")),
        )
        .import(
            f,
            ImportChange::Add {
                path: ERRGROUP.into(),
                name: eg,
            },
        )
        .import(
            f,
            ImportChange::Add {
                path: "runtime".into(),
                name: rt,
            },
        );
    // `sync` goes if the WaitGroup's type was its last use (the engine counts only selector uses).
    let mut sync_types = 0;
    syntax::walk(file.tree().root_node(), &mut |n| {
        sync_types += usize::from(
            n.kind() == "qualified_type"
                && n.child_by_field_name("package")
                    .is_some_and(|p| file.names_package(p, "sync")),
        );
    });
    if sync_types == 1 {
        fix = fix.import(
            f,
            ImportChange::RemoveIfUnused {
                path: "sync".into(),
            },
        );
    }
    Some(fix)
}

/// `v0.1.0` or later (pseudo-versions of v0.0.0 predate the tagged releases with `SetLimit`).
pub(super) fn has_set_limit(version: &str) -> bool {
    let core = version.trim_start_matches('v');
    let nums: Vec<u64> = core
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    nums.as_slice() >= [0, 1, 0].as_slice()
}

/// The `var name sync.WaitGroup` declaration statement (alone in its spec) in `func`'s own body.
fn wg_declaration<'t>(file: &PkgFile, func: Node<'t>, name: &str) -> Option<Node<'t>> {
    let body = func.child_by_field_name("body")?;
    let mut found = None;
    syntax::walk(body, &mut |n| {
        if found.is_some() || n.kind() != "var_declaration" {
            return;
        }
        let specs = named_children(n);
        let [spec] = specs.as_slice() else { return };
        if spec.kind() != "var_spec" || spec.child_by_field_name("value").is_some() {
            return;
        }
        let mut c = spec.walk();
        let names: Vec<&str> = spec
            .children_by_field_name("name", &mut c)
            .map(|x| file.node_text(x))
            .collect();
        if names != [name] {
            return;
        }
        let is_wg = spec.child_by_field_name("type").is_some_and(|t| {
            t.kind() == "qualified_type"
                && t.child_by_field_name("package")
                    .is_some_and(|p| file.names_package(p, "sync"))
                && t.child_by_field_name("name")
                    .is_some_and(|x| file.node_text(x) == "WaitGroup")
        });
        if is_wg && syntax::enclosing_function(n).is_some_and(|e| e.id() == func.id()) {
            found = Some(n);
        }
    });
    found
}
