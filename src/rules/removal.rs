//! Shared by `gosched_call` (R3a) and `gc_call` (R3b): planning the removal of one call statement under
//! go-semantics §3.4 (empty `if` and `else` branches, comments, layout), the test-code checks of §3.2
//! condition 4, and the import bookkeeping of §0.3. Not a transform itself.

use crate::read::syntax::{self, alone_on_line, line_end_incl, named_children};
use crate::rules::fix::{Edit, ImportChange, TextRange};
use crate::rules::rewrite::delete_statement;
use crate::rules::transform::Ctx;
use crate::semantic::package::{PkgFile, is_test_func_name};
use tree_sitter::Node;

/// What removing a statement edits, and where the removed statement lived.
#[derive(Debug, Clone)]
pub(crate) struct Removal<'t> {
    pub edit: Edit,
    /// The statement that goes: the call statement itself, or an `if` that held only it.
    pub removed: Node<'t>,
    /// The statement list's owner the removed statement sat in (a `block` or a case clause).
    pub container: Node<'t>,
    pub shape: Shape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Only the statement's line(s) go.
    Statement,
    /// A whole `if c { call() }` (without init or else, `c` side-effect free) goes.
    WholeIf,
    /// `else { call() }` (or `else if c { call() }`) is dropped from its `if`.
    ElseClause,
}

/// Why §3.4 gives no edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blocked {
    /// `if c { call() } else { B }`: would need the condition negated.
    ElseRemains,
    /// `if x := f(); c { call() }`: the init statement has effects.
    IfInit,
    /// `if f() { call() }`: the condition has effects.
    ImpureCondition,
    /// The branch that would be deleted holds comments of its own.
    Comments,
    /// Deleting the `if` would leave a local variable its condition reads unused (a compile error).
    WouldLeaveUnused,
    /// Labeled statement, several statements on one line, or another layout we do not rewrite.
    Layout,
}

impl Blocked {
    pub fn reason(self) -> &'static str {
        match self {
            Blocked::ElseRemains => "removing it would leave an empty `if` branch beside an `else`",
            Blocked::IfInit => "the enclosing `if` has an init statement, which would have to stay",
            Blocked::ImpureCondition => {
                "the enclosing `if` condition may have side effects, which would have to stay"
            }
            Blocked::Comments => "the branch it would empty holds comments that would be lost",
            Blocked::WouldLeaveUnused => {
                "deleting the enclosing `if` would leave a variable its condition reads unused"
            }
            Blocked::Layout => "it is labeled or shares its line with other code",
        }
    }
}

/// Plans the removal of `stmt` (an expression or defer statement) following §3.4: the statement goes with
/// its line and trailing comment; an `if` left empty goes whole when that is behaviour-preserving; an `else`
/// left empty is dropped; case clauses and function bodies may become empty.
pub(crate) fn plan_removal<'t>(src: &str, stmt: Node<'t>) -> Result<Removal<'t>, Blocked> {
    plan(src, stmt, &mut None)
}

/// `plan_removal`, except that deleting an `if` may leave locals its condition read without a use: their
/// names come back (declared once in the function), for the caller to blank (a range key becomes `_`).
pub(crate) fn plan_removal_leaving_unused<'t>(
    src: &str,
    stmt: Node<'t>,
) -> Result<(Removal<'t>, Vec<String>), Blocked> {
    let mut unused = Some(vec![]);
    let removal = plan(src, stmt, &mut unused)?;
    Ok((removal, unused.unwrap_or_default()))
}

fn plan<'t>(
    src: &str,
    stmt: Node<'t>,
    unused: &mut Option<Vec<String>>,
) -> Result<Removal<'t>, Blocked> {
    let mut cur = stmt;
    loop {
        let list = cur.parent().ok_or(Blocked::Layout)?;
        if list.kind() != "statement_list" || !alone_on_line(cur, src) {
            return Err(Blocked::Layout);
        }
        let container = list.parent().ok_or(Blocked::Layout)?;
        let others = named_children(list)
            .into_iter()
            .filter(|n| n.id() != cur.id())
            .count();
        let shape = if cur.id() == stmt.id() {
            Shape::Statement
        } else {
            Shape::WholeIf
        };
        let statement = |cur| {
            Ok(Removal {
                edit: delete_statement(src, cur),
                removed: cur,
                container,
                shape,
            })
        };
        if others > 0 {
            return statement(cur);
        }
        match container.kind() {
            "expression_case" | "default_case" | "communication_case" | "type_case" => {
                return statement(cur);
            }
            "block" => {}
            _ => return Err(Blocked::Layout),
        }
        let owner = container.parent().ok_or(Blocked::Layout)?;
        match owner.kind() {
            "function_declaration" | "method_declaration" | "func_literal" | "for_statement" => {
                return statement(cur);
            }
            "if_statement" => {}
            // A bare `{ call() }` block statement: it goes with its only statement.
            "statement_list" => {
                if has_own_comments(container, cur, src) {
                    return Err(Blocked::Comments);
                }
                cur = container;
                continue;
            }
            _ => return Err(Blocked::Layout),
        }
        if has_own_comments(container, cur, src) {
            return Err(Blocked::Comments);
        }
        let consequence = owner
            .child_by_field_name("consequence")
            .ok_or(Blocked::Layout)?;
        if consequence.id() != container.id() {
            // `if c { A } else { call() }` → `if c { A }` (always safe).
            return Ok(else_clause(owner, container));
        }
        if owner.child_by_field_name("alternative").is_some() {
            return Err(Blocked::ElseRemains);
        }
        if owner.child_by_field_name("initializer").is_some() {
            return Err(Blocked::IfInit);
        }
        let pure = owner
            .child_by_field_name("condition")
            .is_some_and(|c| syntax::is_pure_expr(c, src));
        if !pure {
            return Err(Blocked::ImpureCondition);
        }
        match (unused_locals(owner, src), unused.as_mut()) {
            (Some(names), _) if names.is_empty() => {}
            (Some(names), Some(acc)) => acc.extend(names),
            _ => return Err(Blocked::WouldLeaveUnused),
        }
        if let Some(outer) = owner.parent().filter(|p| p.kind() == "if_statement") {
            // `if a { A } else if c { call() }` → `if a { A }`.
            return Ok(else_clause(outer, owner));
        }
        cur = owner;
    }
}

/// The local variables deleting `removed` (an `if` about to go whole) would leave without any use, which Go
/// rejects ("declared and not used"). Parameters and package-level names never need a use. `None` when a
/// name is declared more than once in the function (shadowing we do not resolve) and may be one of them.
fn unused_locals(removed: Node<'_>, src: &str) -> Option<Vec<String>> {
    let body = syntax::enclosing_function(removed).and_then(|f| f.child_by_field_name("body"))?;
    let mut names: Vec<&str> = vec![];
    syntax::walk(removed, &mut |n| {
        if n.kind() == "identifier" && !names.contains(&syntax::text(n, src)) {
            names.push(syntax::text(n, src));
        }
    });
    let mut unused = vec![];
    for name in names {
        match declarations(body, name, src) {
            0 => {}
            1 if read_outside(body, removed, name, src) => {}
            1 => unused.push(name.to_string()),
            _ => return None,
        }
    }
    Some(unused)
}

/// How many times `scope` declares `name` (the kinds `syntax::declares_name` knows).
fn declarations(scope: Node<'_>, name: &str, src: &str) -> usize {
    syntax::declarations_of(scope, name, src).len()
}

/// Is there an occurrence of `name` in `scope`, outside `removed`, that Go counts as a use (anything but a
/// declaration or the direct left-hand side of a plain `=`)?
fn read_outside(scope: Node<'_>, removed: Node<'_>, name: &str, src: &str) -> bool {
    let mut found = false;
    syntax::walk(scope, &mut |n| {
        if found || n.kind() != "identifier" || syntax::text(n, src) != name {
            return;
        }
        if n.start_byte() >= removed.start_byte() && n.end_byte() <= removed.end_byte() {
            return;
        }
        found = is_use(n, src);
    });
    found
}

fn is_use(ident: Node<'_>, src: &str) -> bool {
    let Some(parent) = ident.parent() else {
        return true;
    };
    match parent.kind() {
        "var_spec" | "const_spec" | "parameter_declaration" | "variadic_parameter_declaration" => {
            parent
                .child_by_field_name("type")
                .is_some_and(|t| t.id() == ident.id())
        }
        "expression_list" => {
            let Some(owner) = parent.parent() else {
                return true;
            };
            let is_left = owner
                .child_by_field_name("left")
                .is_some_and(|l| l.id() == parent.id());
            match owner.kind() {
                "short_var_declaration" | "range_clause" | "receive_statement" => !is_left,
                "assignment_statement" => {
                    !(is_left
                        && owner
                            .child_by_field_name("operator")
                            .is_some_and(|o| syntax::text(o, src) == "="))
                }
                _ => true,
            }
        }
        // `T{name: v}`: a field name, not a variable.
        "literal_element" => !parent.parent().is_some_and(|k| {
            k.kind() == "keyed_element"
                && k.child_by_field_name("key")
                    .is_some_and(|key| key.id() == parent.id())
        }),
        _ => true,
    }
}

/// Drops `else <alternative>` from `if_stmt`: everything from the end of the consequence block.
fn else_clause<'t>(if_stmt: Node<'t>, alternative: Node<'t>) -> Removal<'t> {
    let from = if_stmt
        .child_by_field_name("consequence")
        .map_or(alternative.start_byte(), |c| c.end_byte());
    Removal {
        edit: Edit::delete(TextRange::new(from, alternative.end_byte())),
        removed: alternative,
        container: if_stmt,
        shape: Shape::ElseClause,
    }
}

/// Does `block` hold a comment other than the trailing same-line comment of `stmt`?
fn has_own_comments(block: Node<'_>, stmt: Node<'_>, src: &str) -> bool {
    let trailing_end = line_end_incl(src, stmt.end_byte());
    let mut found = false;
    syntax::walk(block, &mut |n| {
        if n.kind() == "comment"
            && !(n.start_byte() >= stmt.end_byte() && n.end_byte() < trailing_end)
        {
            found |= !(n.start_byte() >= stmt.start_byte() && n.end_byte() <= stmt.end_byte());
        }
    });
    found
}

/// The statements the removal's container keeps (comments excluded).
pub(crate) fn kept_statements<'t>(r: &Removal<'t>) -> Vec<Node<'t>> {
    if r.shape == Shape::ElseClause {
        return vec![r.container];
    }
    let lists: Vec<Node<'t>> = {
        let mut c = r.container.walk();
        r.container
            .named_children(&mut c)
            .filter(|n| n.kind() == "statement_list")
            .collect()
    };
    lists
        .into_iter()
        .flat_map(named_children)
        .filter(|n| n.id() != r.removed.id())
        .collect()
}

/// §3.2 condition 4: a `*_test.go` file, a file importing `testing`, or a test/benchmark/fuzz function.
pub(crate) fn in_test_code(file: &PkgFile, node: Node<'_>) -> bool {
    if file.is_test || file.imports_path("testing") {
        return true;
    }
    syntax::enclosing_top_function(node)
        .and_then(|f| f.child_by_field_name("name"))
        .is_some_and(|n| is_test_func_name(file.node_text(n)))
}

/// `in_test_code`, or the file belongs to a test-support package (`semantic::context::in_test_support`):
/// the places rules that remove or rewrite runtime calls never touch.
pub(crate) fn in_tests(cx: &Ctx<'_>, node: Node<'_>) -> bool {
    let file = cx.file();
    in_test_code(file, node) || crate::semantic::context::in_test_support(cx.pkg, file)
}

/// The local name of the `runtime` import when it is safe to count its uses after the edit (§0.3): the
/// import is not dot or blank, and nothing in the file declares the same name.
pub(crate) fn runtime_local(file: &PkgFile) -> Option<String> {
    let imp = file.import_of("runtime").filter(|i| i.is_usable())?;
    let root = file.tree().root_node();
    if syntax::declares_name(root, &imp.local, &file.text) {
        return None;
    }
    Some(imp.local.clone())
}

/// `RemoveIfUnused` for the `runtime` import, unless the file names `runtime` in a type (`runtime.MemStats`):
/// the engine counts only selector expressions as uses, so in that case the import must be left alone.
pub(crate) fn runtime_import_change(file: &PkgFile, local: &str) -> Option<ImportChange> {
    let mut typed = false;
    syntax::walk(file.tree().root_node(), &mut |n| {
        typed |= n.kind() == "qualified_type"
            && n.child_by_field_name("package")
                .is_some_and(|p| file.node_text(p) == local);
    });
    (!typed).then(|| ImportChange::RemoveIfUnused {
        path: "runtime".into(),
    })
}

/// Does `call` have an empty argument list?
pub(crate) fn no_arguments(call: Node<'_>) -> bool {
    call.child_by_field_name("arguments")
        .is_some_and(|a| named_children(a).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_call_stmt<'t>(
        tree: &'t tree_sitter::Tree,
        src: &str,
        needle: &str,
    ) -> Option<Node<'t>> {
        let mut out = None;
        syntax::walk(tree.root_node(), &mut |n| {
            if out.is_none() && n.kind() == "expression_statement" && syntax::text(n, src) == needle
            {
                out = Some(n);
            }
        });
        out
    }

    fn apply(src: &str, needle: &str) -> Result<String, Blocked> {
        let tree = syntax::parse(src);
        let stmt = first_call_stmt(&tree, src, needle).expect("statement");
        let r = plan_removal(src, stmt)?;
        let mut out = src.to_string();
        out.replace_range(r.edit.range.start..r.edit.range.end, &r.edit.content);
        Ok(out)
    }

    #[test]
    fn statement_if_and_else_shapes() {
        let f = |body: &str| format!("package m\n\nfunc f(c bool) {{\n{body}}}\n");
        assert_eq!(
            apply(&f("\tx()\n\tg() // why\n\ty()\n"), "g()"),
            Ok(f("\tx()\n\ty()\n"))
        );
        assert_eq!(
            apply(&f("\tx()\n\tif c {\n\t\tg()\n\t}\n"), "g()"),
            Ok(f("\tx()\n"))
        );
        assert_eq!(
            apply(&f("\tif c {\n\t\tx()\n\t} else {\n\t\tg()\n\t}\n"), "g()"),
            Ok(f("\tif c {\n\t\tx()\n\t}\n"))
        );
        assert_eq!(
            apply(
                &f("\tif c {\n\t\tx()\n\t} else if !c {\n\t\tg()\n\t}\n"),
                "g()"
            ),
            Ok(f("\tif c {\n\t\tx()\n\t}\n"))
        );
        assert_eq!(
            apply(&f("\tif c {\n\t\tg()\n\t} else {\n\t\tx()\n\t}\n"), "g()"),
            Err(Blocked::ElseRemains)
        );
        assert_eq!(
            apply(&f("\tif h() {\n\t\tg()\n\t}\n"), "g()"),
            Err(Blocked::ImpureCondition)
        );
        assert_eq!(
            apply(&f("\tif v := 1; c {\n\t\tg()\n\t\t_ = v\n\t}\n"), "g()"),
            Ok(f("\tif v := 1; c {\n\t\t_ = v\n\t}\n"))
        );
        assert_eq!(
            apply(&f("\tif v := 1; v > 0 {\n\t\tg()\n\t}\n"), "g()"),
            Err(Blocked::IfInit)
        );
        assert_eq!(
            apply(&f("\tif c {\n\t\t// keep me\n\t\tg()\n\t}\n"), "g()"),
            Err(Blocked::Comments)
        );
        assert_eq!(apply(&f("\tx(); g()\n"), "g()"), Err(Blocked::Layout));
        assert_eq!(
            apply(
                &f("\tif c {\n\t\tif !c {\n\t\t\tg()\n\t\t}\n\t}\n\tx()\n"),
                "g()"
            ),
            Ok(f("\tx()\n"))
        );
    }

    #[test]
    fn whole_if_never_leaves_a_local_unused() {
        let f = |body: &str| format!("package m\n\nfunc f(xs []int) {{\n{body}}}\n");
        let unused =
            f("\tfor i, x := range xs {\n\t\t_ = x\n\t\tif i%10 == 9 {\n\t\t\tg()\n\t\t}\n\t}\n");
        assert_eq!(apply(&unused, "g()"), Err(Blocked::WouldLeaveUnused));
        let assigned_only = f("\tn := 0\n\tn = len(xs)\n\tif n > 0 {\n\t\tg()\n\t}\n");
        assert_eq!(apply(&assigned_only, "g()"), Err(Blocked::WouldLeaveUnused));
        let used = f("\tn := len(xs)\n\tif n > 0 {\n\t\tg()\n\t}\n\tprintln(n)\n");
        assert_eq!(apply(&used, "g()"), Ok(f("\tn := len(xs)\n\tprintln(n)\n")));
        let param = f("\tprintln()\n\tif len(xs) > 0 {\n\t\tg()\n\t}\n");
        assert_eq!(apply(&param, "g()"), Ok(f("\tprintln()\n")));
    }

    #[test]
    fn case_clauses_and_bodies_may_become_empty() {
        let src = "package m\n\nfunc f(c int) {\n\tswitch c {\n\tcase 1:\n\t\tg()\n\t}\n}\n";
        assert_eq!(
            apply(src, "g()"),
            Ok("package m\n\nfunc f(c int) {\n\tswitch c {\n\tcase 1:\n\t}\n}\n".into())
        );
        let src = "package m\n\nfunc f() {\n\tg()\n}\n";
        assert_eq!(apply(src, "g()"), Ok("package m\n\nfunc f() {\n}\n".into()));
    }
}
