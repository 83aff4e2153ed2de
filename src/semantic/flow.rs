//! How often a piece of code runs, as far as the syntax shows: the facts rules need before they say "per
//! iteration" or "per call". A call in an error branch, or in a branch after which the loop breaks or the
//! function returns, runs at most once per failure or once per loop, not once per element; a function named
//! for construction, teardown or configuration (`New…`, `Close`, `Shutdown`, `Reload`, …) runs once or
//! rarely. Rules ask [`cold_in_loop`] and [`one_shot_function`] instead of each keeping a list.

use crate::read::syntax::{self, named_children};
use tree_sitter::Node;

/// Why `node`, inside `loop_stmt`, does not run on every iteration: it sits in an error branch
/// (`if err != nil { … }`), a debug-only branch (`if debug { … }`), or in a branch that leaves the loop or
/// the function (`break`, `return`, `goto`,
/// `panic`, `os.Exit`, `log.Fatal…`). `None` when it may run on every iteration.
pub fn cold_in_loop(node: Node<'_>, loop_stmt: Node<'_>, src: &str) -> Option<&'static str> {
    let body = loop_stmt.child_by_field_name("body")?;
    let mut cur = node;
    while let Some(parent) = cur.parent() {
        if parent.id() == body.id() || syntax::is_function(parent) {
            break;
        }
        match parent.kind() {
            "block" if parent.parent().is_some_and(|p| p.kind() == "if_statement") => {
                let stmt = parent.parent().unwrap_or(parent);
                let is_then = stmt
                    .child_by_field_name("consequence")
                    .is_some_and(|c| c.id() == parent.id());
                let cond = stmt.child_by_field_name("condition");
                if is_then && cond.is_some_and(|c| is_error_check(c, src)) {
                    return Some("an error branch");
                }
                // `if x.debug > 1 { … }`, `if verbose { … }`: off in production runs.
                if is_then
                    && cond.is_some_and(|c| {
                        let t = syntax::text(c, src).to_ascii_lowercase();
                        t.contains("debug") || t.contains("verbose")
                    })
                {
                    return Some("a debug-only branch");
                }
                if leaves(parent, loop_stmt, src) {
                    return Some("a branch that leaves the loop");
                }
            }
            "expression_case" | "type_case" | "communication_case" | "default_case"
                if leaves(parent, loop_stmt, src) =>
            {
                return Some("a branch that leaves the loop");
            }
            _ => {}
        }
        cur = parent;
    }
    None
}

/// Is `node` in the then-branch of an error check (`if err != nil { … }`, `if r := recover(); r != nil`)
/// within its own function? Such code runs once per failure, not once per call.
pub fn in_error_branch(node: Node<'_>, src: &str) -> bool {
    let mut cur = node;
    while let Some(parent) = cur.parent() {
        if syntax::is_function(parent) {
            // A deferred `func() { if r := recover(); r != nil { … } }()` is still the caller's error path.
            let deferred = parent.kind() == "func_literal"
                && parent
                    .parent()
                    .and_then(|c| c.parent())
                    .is_some_and(|d| d.kind() == "defer_statement");
            if !deferred {
                return false;
            }
        }
        if parent.kind() == "if_statement"
            && parent
                .child_by_field_name("consequence")
                .is_some_and(|c| c.id() == cur.id())
            && parent
                .child_by_field_name("condition")
                .is_some_and(|c| is_error_check(c, src) || is_recover_check(parent, src))
        {
            return true;
        }
        cur = parent;
    }
    false
}

/// `if r := recover(); r != nil`: the initializer recovers a panic.
fn is_recover_check(if_stmt: Node<'_>, src: &str) -> bool {
    if_stmt
        .child_by_field_name("initializer")
        .is_some_and(|i| syntax::text(i, src).contains("recover()"))
}

/// `err != nil`, `e != nil`, `x.Err() != nil`, or such a check joined with `&&`/`||`.
pub fn is_error_check(cond: Node<'_>, src: &str) -> bool {
    match cond.kind() {
        "parenthesized_expression" => named_children(cond)
            .first()
            .is_some_and(|c| is_error_check(*c, src)),
        "binary_expression" => {
            let op = cond
                .child_by_field_name("operator")
                .map_or("", |o| syntax::text(o, src));
            let (Some(l), Some(r)) = (
                cond.child_by_field_name("left"),
                cond.child_by_field_name("right"),
            ) else {
                return false;
            };
            match op {
                "&&" | "||" => is_error_check(l, src) || is_error_check(r, src),
                "!=" => r.kind() == "nil" && names_error(l, src),
                _ => false,
            }
        }
        _ => false,
    }
}

/// `err`, `werr`, `readErr`, `e`, `x.err`, `x.Err()`: a name that says it holds an error.
fn names_error(e: Node<'_>, src: &str) -> bool {
    let name = match e.kind() {
        "identifier" => syntax::text(e, src),
        "selector_expression" => e
            .child_by_field_name("field")
            .map_or("", |f| syntax::text(f, src)),
        "call_expression" => {
            return e
                .child_by_field_name("function")
                .is_some_and(|f| names_error(f, src));
        }
        _ => return false,
    };
    let lower = name.to_ascii_lowercase();
    lower == "e" || lower.ends_with("err") || lower.ends_with("error")
}

/// Does the block (or case clause) `b` end by leaving `loop_stmt` or the function?
fn leaves(b: Node<'_>, loop_stmt: Node<'_>, src: &str) -> bool {
    let stmts = if b.kind() == "block" {
        syntax::block_statements(b)
    } else {
        syntax::case_statements(b)
    };
    let Some(last) = stmts.last() else {
        return false;
    };
    match last.kind() {
        "return_statement" | "goto_statement" => true,
        // A bare `break` in a `switch`/`select` case leaves the case, not the loop.
        "break_statement" => {
            let label = named_children(*last).into_iter().next();
            match label {
                Some(l) => loop_label(loop_stmt, src) == Some(syntax::text(l, src)),
                None => b.kind() == "block" && innermost_breakable(*last) == Some(loop_stmt.id()),
            }
        }
        "expression_statement" => named_children(*last)
            .first()
            .is_some_and(|c| is_terminating_call(*c, src)),
        _ => false,
    }
}

/// The `for`, `switch` or `select` a bare `break` at `n` leaves.
pub fn innermost_breakable(n: Node<'_>) -> Option<usize> {
    syntax::ancestors(n)
        .take_while(|a| !syntax::is_function(*a))
        .find(|a| {
            matches!(
                a.kind(),
                "for_statement"
                    | "expression_switch_statement"
                    | "type_switch_statement"
                    | "select_statement"
            )
        })
        .map(|a| a.id())
}

fn loop_label<'s>(loop_stmt: Node<'_>, src: &'s str) -> Option<&'s str> {
    let p = loop_stmt.parent()?;
    (p.kind() == "labeled_statement")
        .then(|| p.child_by_field_name("label"))
        .flatten()
        .map(|l| syntax::text(l, src))
}

/// `panic(…)`, `os.Exit(…)`, `log.Fatal…(…)`, `t.Fatal…`-like `….Fatal…(…)` and `….Panic…(…)`: calls
/// that do not return.
fn is_terminating_call(c: Node<'_>, src: &str) -> bool {
    if c.kind() != "call_expression" {
        return false;
    }
    let Some(f) = c.child_by_field_name("function") else {
        return false;
    };
    match f.kind() {
        "identifier" => syntax::text(f, src) == "panic",
        "selector_expression" => {
            let name = f
                .child_by_field_name("field")
                .map_or("", |n| syntax::text(n, src));
            let operand = f
                .child_by_field_name("operand")
                .map_or("", |n| syntax::text(n, src));
            (operand == "os" && name == "Exit")
                || name.starts_with("Fatal")
                || name.starts_with("Panic")
        }
        _ => false,
    }
}

/// Does the `for` statement `lp` iterate over the program's command line (`os.Args`, `flag.Args()`,
/// `flag.NArg()`)? Such a loop runs a handful of times per process, however hot its body looks.
pub fn loops_over_command_line(lp: Node<'_>, src: &str) -> bool {
    let header_end = lp
        .child_by_field_name("body")
        .map_or(lp.end_byte(), |b| b.start_byte());
    let header = &src[lp.start_byte()..header_end];
    ["os.Args", "flag.Args()", "flag.NArg()"]
        .iter()
        .any(|p| header.contains(p))
}

/// Why the function declaration `func_node` runs once or rarely, judged by its name: a constructor
/// (`New…`, `new…`), teardown (`Close`, `Shutdown`, `Stop`), set-up or configuration (`init`, `Setup…`,
/// `Init…`, `…Config…`, `Reload…`, `Load…Config`). `None` for anything else (and for literals).
pub fn one_shot_function(func_node: Node<'_>, src: &str) -> Option<&'static str> {
    if !matches!(
        func_node.kind(),
        "function_declaration" | "method_declaration"
    ) {
        return None;
    }
    let name = syntax::text(func_node.child_by_field_name("name")?, src);
    one_shot_name(name)
}

/// The name-based half of [`one_shot_function`].
pub fn one_shot_name(name: &str) -> Option<&'static str> {
    let camel_prefix = |p: &str| {
        name.strip_prefix(p).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
        })
    };
    let lower = name.to_ascii_lowercase();
    if name == "init" {
        Some("package initialization")
    } else if camel_prefix("New") || camel_prefix("new") || camel_prefix("Must") {
        Some("a constructor")
    } else if matches!(
        lower.as_str(),
        "close" | "shutdown" | "stop" | "teardown" | "cleanup"
    ) || camel_prefix("Close")
        || camel_prefix("Shutdown")
    {
        Some("teardown")
    } else if lower.contains("config")
        || lower.contains("reload")
        || camel_prefix("Setup")
        || camel_prefix("setup")
        || camel_prefix("Init")
        || camel_prefix("init")
    {
        Some("set-up or configuration")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first<'t>(root: Node<'t>, src: &str, text: &str) -> Node<'t> {
        let mut found = None;
        syntax::walk(root, &mut |n| {
            if found.is_none() && n.kind() == "call_expression" && syntax::text(n, src) == text {
                found = Some(n);
            }
        });
        found.expect(text)
    }

    fn cold(src: &str, call: &str) -> Option<&'static str> {
        let tree = syntax::parse(src);
        let c = first(tree.root_node(), src, call);
        cold_in_loop(c, syntax::enclosing_loop(c).unwrap(), src)
    }

    #[test]
    fn error_and_leaving_branches_are_cold() {
        let src = "package m\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tif err := g(x); err != nil {\n\t\t\tlogA(x)\n\t\t\tcontinue\n\t\t}\n\t\tif x > 3 {\n\t\t\tlogB(x)\n\t\t\tbreak\n\t\t}\n\t\tswitch x {\n\t\tcase 1:\n\t\t\tlogC(x)\n\t\t\tbreak\n\t\tcase 2:\n\t\t\tlogD(x)\n\t\t\treturn\n\t\t}\n\t\tif x > 9 {\n\t\t\tlogE(x)\n\t\t\tpanic(x)\n\t\t}\n\t\tlogF(x)\n\t}\n}\n";
        assert_eq!(cold(src, "logA(x)"), Some("an error branch"));
        assert_eq!(cold(src, "logB(x)"), Some("a branch that leaves the loop"));
        // A bare break in a switch case leaves the switch only.
        assert_eq!(cold(src, "logC(x)"), None);
        assert_eq!(cold(src, "logD(x)"), Some("a branch that leaves the loop"));
        assert_eq!(cold(src, "logE(x)"), Some("a branch that leaves the loop"));
        assert_eq!(cold(src, "logF(x)"), None);
        let debug = "package m\n\nfunc f(xs []int, debug int) {\n\tfor _, x := range xs {\n\t\tif debug > 1 {\n\t\t\tlogA(x)\n\t\t}\n\t}\n}\n";
        assert_eq!(cold(debug, "logA(x)"), Some("a debug-only branch"));
    }

    #[test]
    fn error_branches_outside_loops() {
        let src = "package m\n\nfunc f() {\n\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\tlogA(r)\n\t\t}\n\t}()\n\tif err := g(); err != nil {\n\t\tlogB(err)\n\t}\n\tlogC(1)\n}\n";
        let tree = syntax::parse(src);
        let at = |t| in_error_branch(first(tree.root_node(), src, t), src);
        assert!(at("logA(r)"));
        assert!(at("logB(err)"));
        assert!(!at("logC(1)"));
    }

    #[test]
    fn one_shot_names() {
        for n in [
            "init",
            "New",
            "NewServer",
            "newPool",
            "Close",
            "Shutdown",
            "reloadConfig",
            "LoadConfig",
            "Setup",
        ] {
            assert!(one_shot_name(n).is_some(), "{n}");
        }
        for n in ["Newline", "news", "Handle", "serve", "Process", "Initial"] {
            assert!(one_shot_name(n).is_none(), "{n}");
        }
    }
}
