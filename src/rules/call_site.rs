//! Where the rules that start from one package-function call statement (`runtime.GC()`,
//! `runtime.Gosched()`, `debug.FreeOSMemory()`, ...) begin and end: the query that finds the statements,
//! the checks that the match really is that call (through the file's imports), and the fix that deletes
//! a `runtime` call statement planned by `removal` together with the import it may leave unused.

use crate::rules::fix::Fix;
use crate::rules::removal::{
    Removal, Shape, in_tests, no_arguments, runtime_import_change, runtime_local,
};
use crate::rules::transform::{Ctx, Match};
use crate::semantic::package::PkgFile;
use tree_sitter::Node;

/// The query of the expression statements calling `X.<name>(...)`: `@match` is the statement, `@call`
/// the call (which package `X` is, the rule checks with `matched_call`).
macro_rules! call_statement_query {
    ($name:literal) => {
        concat!(
            r#"
((expression_statement
   (call_expression
     function: (selector_expression field: (field_identifier) @fn)) @call) @match
 (#eq? @fn ""#,
            $name,
            r#""))
"#
        )
    };
}
pub(crate) use call_statement_query;

/// `call_statement_query!` with a second pattern for the `defer X.<name>(...)` statements.
macro_rules! call_or_defer_statement_query {
    ($name:literal) => {
        concat!(
            $crate::rules::call_site::call_statement_query!($name),
            r#"((defer_statement
   (call_expression
     function: (selector_expression field: (field_identifier) @fn)) @call) @match
 (#eq? @fn ""#,
            $name,
            r#""))
"#
        )
    };
}
pub(crate) use call_or_defer_statement_query;

/// The match's `@call` when it calls `path`.`func` through the file's import (not dot-imported or
/// shadowed).
pub(crate) fn matched_call<'t>(
    file: &PkgFile,
    m: &Match<'t>,
    path: &str,
    func: &str,
) -> Option<Node<'t>> {
    m.node("call").filter(|c| file.is_pkg_call(*c, path, func))
}

/// A `runtime.<func>()` statement a rule may delete: found by `call_statement_query!`, resolved, without
/// arguments, outside test code and test-support packages.
pub(crate) struct RuntimeCall<'t> {
    pub stmt: Node<'t>,
    pub call: Node<'t>,
    /// The local name of the `runtime` import, safe to count its uses after the edit (`runtime_local`).
    pub local: String,
}

/// The match as a deletable `runtime.<func>()` statement, or `None` when the rule has nothing to say.
pub(crate) fn runtime_call<'t>(cx: &Ctx<'_>, m: &Match<'t>, func: &str) -> Option<RuntimeCall<'t>> {
    let (Some(stmt), Some(call)) = (m.node("match"), m.node("call")) else {
        return None;
    };
    let file = cx.file();
    // §0.3: exactly `runtime.<func>()`, `runtime` resolved (not dot-imported or shadowed).
    if !file.is_pkg_call(call, "runtime", func) || !no_arguments(call) {
        return None;
    }
    // §0.3 / §3.4 import: a file that declares the import's name anywhere cannot have its uses counted.
    let local = runtime_local(file)?;
    // §3.2.4: never in tests, benchmarks, TestMain or test-support packages.
    if in_tests(cx, stmt) {
        return None;
    }
    Some(RuntimeCall { stmt, call, local })
}

/// The fix title for each removal shape: `statement` when only the statement goes, else the `if` or
/// `else` that held only `what` (which the `else` branch `verb`s: "runs", "calls").
pub(crate) fn removal_title(shape: Shape, statement: &str, what: &str, verb: &str) -> String {
    match shape {
        Shape::Statement => statement.to_string(),
        Shape::WholeIf => format!("remove the `if` whose only statement is {what}"),
        Shape::ElseClause => format!("drop the `else` branch that only {verb} {what}"),
    }
}

/// `fix` with the removal's edit and, when nothing else needs it, the removal of the `runtime` import.
pub(crate) fn with_runtime_removal(
    cx: &Ctx<'_>,
    fix: Fix,
    removal: &Removal<'_>,
    local: &str,
) -> Fix {
    let fix = fix.edit(cx.file_idx, removal.edit.clone());
    match runtime_import_change(cx.file(), local) {
        Some(change) => fix.import(cx.file_idx, change),
        None => fix,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_match_statements_and_defers() {
        let stmt = "\n((expression_statement\n   (call_expression\n     function: (selector_expression field: (field_identifier) @fn)) @call) @match\n (#eq? @fn \"GC\"))\n";
        assert_eq!(call_statement_query!("GC"), stmt);
        let both = call_or_defer_statement_query!("GC");
        assert!(both.starts_with(stmt));
        assert!(both.ends_with("((defer_statement\n   (call_expression\n     function: (selector_expression field: (field_identifier) @fn)) @call) @match\n (#eq? @fn \"GC\"))\n"));
        for q in [stmt, both] {
            tree_sitter::Query::new(&crate::read::syntax::language(), q).expect("a valid query");
        }
    }

    #[test]
    fn titles_per_shape() {
        let t = |s| removal_title(s, "remove `f()`", "`f()`", "calls");
        assert_eq!(t(Shape::Statement), "remove `f()`");
        assert_eq!(
            t(Shape::WholeIf),
            "remove the `if` whose only statement is `f()`"
        );
        assert_eq!(
            t(Shape::ElseClause),
            "drop the `else` branch that only calls `f()`"
        );
    }
}
