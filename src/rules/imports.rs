//! The import plan: transforms declare imports they need or may have made unused, and this module edits
//! the import declarations once per file, the way gofmt would lay them out (§0.3): specs sorted by path
//! within each run of lines, a new standard-library path in the standard-library run, a new third-party
//! path in a third-party run separated by a blank line, empty declarations removed, `import "C"` untouched.

use crate::read::syntax::{self, line_end_incl, line_start, named_children, text};
use crate::rules::fix::ImportChange;
use crate::rules::spec_removal::{comment_block_start, whole_declaration_lines};
use crate::semantic::package::default_local_name;
use tree_sitter::Node;

/// Applies `changes` to `src` and returns the new text. Removals run first, then additions, each on a fresh
/// parse so every step sees the layout left by the previous one.
pub fn apply_import_changes(src: &str, changes: &[ImportChange]) -> String {
    let mut out = src.to_string();
    let mut changes = changes.to_vec();
    changes.sort();
    changes.dedup();
    changes.sort_by_key(|c| matches!(c, ImportChange::Add { .. }));
    for change in &changes {
        out = match change {
            ImportChange::RemoveIfUnused { path } => remove_if_unused(&out, path),
            ImportChange::RemoveBlank { path } => remove_blank(&out, path),
            ImportChange::Add { path, name } => add(&out, path, name),
        };
    }
    out
}

struct Spec<'t> {
    node: Node<'t>,
    path: String,
    name: Option<String>,
}

fn specs_of<'t>(decl: Node<'t>, src: &str) -> Vec<Spec<'t>> {
    let mut out = vec![];
    syntax::walk(decl, &mut |n| {
        if n.kind() == "import_spec" {
            let path = n
                .child_by_field_name("path")
                .map(|p| text(p, src).trim_matches(['"', '`']).to_string());
            let name = n
                .child_by_field_name("name")
                .map(|a| text(a, src).to_string());
            out.push(Spec {
                node: n,
                path: path.unwrap_or_default(),
                name,
            });
        }
    });
    out
}

fn import_decls(root: Node<'_>) -> Vec<Node<'_>> {
    named_children(root)
        .into_iter()
        .filter(|n| n.kind() == "import_declaration")
        .collect()
}

fn is_std(path: &str) -> bool {
    !path.split('/').next().unwrap_or("").contains('.')
}

fn splice(src: &str, start: usize, end: usize, with: &str) -> String {
    format!("{}{}{}", &src[..start], with, &src[end..])
}

fn remove_if_unused(src: &str, path: &str) -> String {
    let tree = syntax::parse(src);
    let root = tree.root_node();
    let decls = import_decls(root);
    let mut target = None;
    for d in &decls {
        for s in specs_of(*d, src) {
            if s.path == path && !matches!(s.name.as_deref(), Some("_") | Some(".")) {
                target = Some((*d, s));
            }
        }
    }
    let Some((decl, spec)) = target else {
        return src.to_string();
    };
    let local = spec
        .name
        .clone()
        .unwrap_or_else(|| default_local_name(path).to_string());
    let mut used = false;
    syntax::walk(root, &mut |n| {
        // A package is used through a selector (`runtime.GC()`) or a qualified type (`runtime.MemStats`).
        let qualifier = match n.kind() {
            "selector_expression" => n
                .child_by_field_name("operand")
                .filter(|o| o.kind() == "identifier"),
            "qualified_type" => n.child_by_field_name("package"),
            _ => None,
        };
        used |= qualifier.is_some_and(|q| text(q, src) == local);
    });
    if used {
        return src.to_string();
    }
    remove_spec(src, decl, &spec, false)
}

/// Removes every blank import of `path`; unlike `remove_if_unused` the side effect is what goes.
fn remove_blank(src: &str, path: &str) -> String {
    let mut out = src.to_string();
    loop {
        let tree = syntax::parse(&out);
        let root = tree.root_node();
        let target = import_decls(root)
            .into_iter()
            .flat_map(|d| specs_of(d, &out).into_iter().map(move |s| (d, s)))
            .find(|(_, s)| s.path == path && s.name.as_deref() == Some("_"));
        let Some((decl, spec)) = target else {
            return out;
        };
        let next = remove_spec(&out, decl, &spec, true);
        if next == out {
            return out;
        }
        out = next;
    }
}

/// Comment lines directly above `line_at` (a line start) that document only the line below: the block must
/// start after a blank line or the line that opens the group, and `next_free` says nothing follows that could
/// share it. Returns the start of the first such line, or `line_at`.
fn own_doc_start(src: &str, line_at: usize, next_free: bool) -> usize {
    if !next_free {
        return line_at;
    }
    let at = comment_block_start(src, line_at);
    if at == line_at {
        return line_at;
    }
    let before = if at == 0 {
        ""
    } else {
        src[line_start(src, at - 1)..at].trim()
    };
    if before.is_empty() || before.ends_with('(') {
        at
    } else {
        line_at
    }
}

/// Deletes `spec` from `decl` (the whole declaration when it is the only spec) and tidies blank lines the
/// way gofmt leaves them. With `drop_doc`, a comment block that documents only this spec goes with it.
fn remove_spec(src: &str, decl: Node<'_>, spec: &Spec<'_>, drop_doc: bool) -> String {
    let all = specs_of(decl, src);
    if all.len() == 1 {
        // The whole declaration goes, with one blank line next to it so no double blank line is left.
        let mut start = line_start(src, decl.start_byte());
        if drop_doc {
            start = own_doc_start(src, start, true);
        }
        let lines = whole_declaration_lines(src, start, decl.end_byte());
        return splice(src, lines.start, lines.end, "");
    }
    let mut start = line_start(src, spec.node.start_byte());
    let end = line_end_incl(src, spec.node.end_byte());
    if drop_doc {
        let rest = src[end..].trim_start_matches([' ', '\t']);
        start = own_doc_start(src, start, rest.starts_with('\n') || rest.starts_with(')'));
    }
    // If the spec was alone in its run, drop one of the blank lines around it.
    let blank_before = start >= 2 && &src[start - 2..start] == "\n\n";
    let blank_after = src[end..].starts_with('\n');
    let is_first = all.first().is_some_and(|s| s.node.id() == spec.node.id());
    if blank_after && (blank_before || is_first) {
        return splice(src, start, end + 1, "");
    }
    if blank_before && !blank_after {
        let after_is_close = src[end..].trim_start().starts_with(')');
        if after_is_close {
            return splice(src, start - 1, end, "");
        }
    }
    splice(src, start, end, "")
}

fn spec_line(path: &str, name: &str) -> String {
    if name == default_local_name(path) {
        format!("\"{path}\"")
    } else {
        format!("{name} \"{path}\"")
    }
}

fn add(src: &str, path: &str, name: &str) -> String {
    let tree = syntax::parse(src);
    let root = tree.root_node();
    let decls = import_decls(root);
    let already = decls.iter().flat_map(|d| specs_of(*d, src)).any(|s| {
        s.path == path && (name == "_" || !matches!(s.name.as_deref(), Some("_") | Some(".")))
    });
    if already {
        return src.to_string();
    }
    let line = spec_line(path, name);
    let usable: Vec<Node<'_>> = decls
        .iter()
        .copied()
        .filter(|d| !specs_of(*d, src).iter().any(|s| s.path == "C"))
        .collect();
    if let Some(group) = usable.iter().find(|d| {
        named_children(**d)
            .iter()
            .any(|c| c.kind() == "import_spec_list")
    }) {
        return add_to_group(src, *group, path, &line);
    }
    if let Some(single) = usable.first() {
        // `import "fmt"` becomes a group holding both specs.
        let spec = &specs_of(*single, src)[0];
        let old = text(spec.node, src).to_string();
        let mut std_lines = vec![];
        let mut other_lines = vec![];
        for (p, l) in [(spec.path.as_str(), old), (path, line)] {
            if is_std(p) {
                std_lines.push((p.to_string(), l))
            } else {
                other_lines.push((p.to_string(), l))
            }
        }
        std_lines.sort();
        other_lines.sort();
        let mut body: Vec<String> = std_lines
            .into_iter()
            .map(|(_, l)| format!("\t{l}\n"))
            .collect();
        if !other_lines.is_empty() && !body.is_empty() {
            body.push("\n".into());
        }
        body.extend(other_lines.into_iter().map(|(_, l)| format!("\t{l}\n")));
        return splice(
            src,
            single.start_byte(),
            single.end_byte(),
            &format!("import (\n{})", body.concat()),
        );
    }
    // No import declaration: a new one after the package clause (or after `import "C"`).
    let anchor = decls.last().copied().or_else(|| {
        named_children(root)
            .into_iter()
            .find(|n| n.kind() == "package_clause")
    });
    let Some(anchor) = anchor else {
        return src.to_string();
    };
    let at = line_end_incl(src, anchor.end_byte());
    let sep = if at == src.len() && !src.ends_with('\n') {
        "\n\n"
    } else {
        "\n"
    };
    let trailer = if src[at..].starts_with('\n') || at == src.len() {
        ""
    } else {
        "\n"
    };
    splice(src, at, at, &format!("{sep}import {line}\n{trailer}"))
}

fn add_to_group(src: &str, decl: Node<'_>, path: &str, line: &str) -> String {
    let specs = specs_of(decl, src);
    // Runs: consecutive specs with no blank line between them.
    let mut runs: Vec<Vec<&Spec<'_>>> = vec![];
    for s in &specs {
        let starts_run = match runs.last().and_then(|r| r.last()) {
            None => true,
            Some(prev) => {
                let gap = &src[line_end_incl(src, prev.node.end_byte())
                    ..line_start(src, s.node.start_byte())];
                gap.lines().any(|l| l.trim().is_empty()) || gap.starts_with('\n')
            }
        };
        if starts_run {
            runs.push(vec![s]);
        } else {
            runs.last_mut().expect("a run exists").push(s);
        }
    }
    let std = is_std(path);
    let run = if std {
        runs.iter().find(|r| r.iter().any(|s| is_std(&s.path)))
    } else {
        runs.iter()
            .rev()
            .find(|r| r.iter().any(|s| !is_std(&s.path)))
    };
    let new_line = format!("\t{line}\n");
    match run {
        Some(run) => {
            if let Some(next) = run.iter().find(|s| s.path.as_str() > path) {
                let at = start_with_leading_comments(src, next.node);
                splice(src, at, at, &new_line)
            } else {
                let last = run.last().expect("runs are non-empty");
                insert_after_spec(src, decl, last.node.end_byte(), &new_line)
            }
        }
        None if std => match specs.first() {
            Some(first) => {
                let at = start_with_leading_comments(src, first.node);
                splice(src, at, at, &format!("{new_line}\n"))
            }
            None => group_body_end(src, decl)
                .map_or(src.to_string(), |at| splice(src, at, at, &new_line)),
        },
        None => match specs.last() {
            Some(last) => {
                insert_after_spec(src, decl, last.node.end_byte(), &format!("\n{new_line}"))
            }
            None => group_body_end(src, decl)
                .map_or(src.to_string(), |at| splice(src, at, at, &new_line)),
        },
    }
}

/// Inserts `text` (whole lines) after the line of the spec ending at `end`; when the group's `)` shares that
/// line (`"fmt")`, valid Go), the lines go before the parenthesis, which then closes a line of its own.
fn insert_after_spec(src: &str, decl: Node<'_>, end: usize, text: &str) -> String {
    let at = line_end_incl(src, end);
    let close = decl.end_byte().saturating_sub(1);
    if (end..at).contains(&close) && src[close..].starts_with(')') {
        splice(src, close, close, &format!("\n{text}"))
    } else {
        splice(src, at, at, text)
    }
}

/// The start of the line of `spec`, moved up over comment-only lines directly above it.
fn start_with_leading_comments(src: &str, spec: Node<'_>) -> usize {
    comment_block_start(src, line_start(src, spec.start_byte()))
}

/// Where to put a spec in an empty `import ()`: just before the closing parenthesis line.
fn group_body_end(src: &str, decl: Node<'_>) -> Option<usize> {
    let close = decl.end_byte().checked_sub(1)?;
    Some(line_start(src, close))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add1(src: &str, path: &str, name: &str) -> String {
        apply_import_changes(
            src,
            &[ImportChange::Add {
                path: path.into(),
                name: name.into(),
            }],
        )
    }
    fn rm(src: &str, path: &str) -> String {
        apply_import_changes(src, &[ImportChange::RemoveIfUnused { path: path.into() }])
    }

    #[test]
    fn adds_into_std_run_sorted() {
        let src = "package m\n\nimport (\n\t\"fmt\"\n\t\"time\"\n\n\t\"github.com/x/y\"\n)\n";
        assert_eq!(
            add1(src, "runtime/metrics", "metrics"),
            "package m\n\nimport (\n\t\"fmt\"\n\t\"runtime/metrics\"\n\t\"time\"\n\n\t\"github.com/x/y\"\n)\n"
        );
        assert_eq!(
            add1(src, "go.uber.org/automaxprocs", "_"),
            "package m\n\nimport (\n\t\"fmt\"\n\t\"time\"\n\n\t\"github.com/x/y\"\n\t_ \"go.uber.org/automaxprocs\"\n)\n"
        );
    }

    #[test]
    fn single_import_becomes_group_and_aliases_render() {
        let src = "package m\n\nimport \"fmt\"\n\nfunc f() {}\n";
        assert_eq!(
            add1(src, "runtime/metrics", "rtmetrics"),
            "package m\n\nimport (\n\t\"fmt\"\n\trtmetrics \"runtime/metrics\"\n)\n\nfunc f() {}\n"
        );
        assert_eq!(
            add1(src, "go.uber.org/automaxprocs", "_"),
            "package m\n\nimport (\n\t\"fmt\"\n\n\t_ \"go.uber.org/automaxprocs\"\n)\n\nfunc f() {}\n"
        );
    }

    #[test]
    fn a_closing_parenthesis_on_the_last_spec_line_stays_last() {
        // Found by the fuzz target: the new spec went after `)`, which is invalid Go.
        let src = "package m\n\nimport (\n\t\"context\")\n\nvar _ = context.TODO\n";
        assert_eq!(
            add1(src, "go.uber.org/automaxprocs", "_"),
            "package m\n\nimport (\n\t\"context\"\n\n\t_ \"go.uber.org/automaxprocs\"\n)\n\nvar _ = context.TODO\n"
        );
        let src = "package m\n\nimport (\n\t\"fmt\"\n\t\"time\")\n";
        assert_eq!(
            add1(src, "unicode", "unicode"),
            "package m\n\nimport (\n\t\"fmt\"\n\t\"time\"\n\t\"unicode\"\n)\n"
        );
    }

    #[test]
    fn no_imports_gets_a_declaration() {
        assert_eq!(
            add1("package m\n\nfunc f() {}\n", "time", "time"),
            "package m\n\nimport \"time\"\n\nfunc f() {}\n"
        );
    }

    #[test]
    fn removes_unused_only() {
        let src =
            "package m\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc f() { fmt.Println() }\n";
        assert_eq!(
            rm(src, "runtime"),
            "package m\n\nimport (\n\t\"fmt\"\n)\n\nfunc f() { fmt.Println() }\n"
        );
        assert_eq!(rm(src, "fmt"), src);
        let single = "package m\n\nimport \"runtime\"\n\nfunc f() {}\n";
        assert_eq!(rm(single, "runtime"), "package m\n\nfunc f() {}\n");
        let runs =
            "package m\n\nimport (\n\t\"runtime\"\n\n\t\"github.com/x/y\"\n)\n\nvar _ = y.Z\n";
        assert_eq!(
            rm(runs, "runtime"),
            "package m\n\nimport (\n\t\"github.com/x/y\"\n)\n\nvar _ = y.Z\n"
        );
        let last = "package m\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/x/y\"\n)\n\nvar _ = fmt.X\n";
        assert_eq!(
            rm(last, "github.com/x/y"),
            "package m\n\nimport (\n\t\"fmt\"\n)\n\nvar _ = fmt.X\n"
        );
    }

    #[test]
    fn remove_blank_drops_the_spec_and_its_own_comment() {
        let rm_blank = |src: &str| {
            apply_import_changes(
                src,
                &[ImportChange::RemoveBlank {
                    path: "go.uber.org/automaxprocs".into(),
                }],
            )
        };
        let body = "\nfunc main() { fmt.Println() }\n";
        // Alone in its run, with a doc comment: both go, with the blank line before them.
        let src = format!(
            "package main\n\nimport (\n\t\"fmt\"\n\n\t// Set GOMAXPROCS from the CPU quota.\n\t_ \"go.uber.org/automaxprocs\"\n)\n{body}"
        );
        assert_eq!(
            rm_blank(&src),
            format!("package main\n\nimport (\n\t\"fmt\"\n)\n{body}")
        );
        // Inside a run with a neighbour below: a comment that may describe both stays.
        let src = format!(
            "package main\n\nimport (\n\t\"fmt\"\n\n\t// side effects\n\t_ \"go.uber.org/automaxprocs\"\n\t_ \"net/http/pprof\"\n)\n{body}"
        );
        assert_eq!(
            rm_blank(&src),
            format!(
                "package main\n\nimport (\n\t\"fmt\"\n\n\t// side effects\n\t_ \"net/http/pprof\"\n)\n{body}"
            )
        );
        // A trailing comment goes with its line; a named (non-blank) import is never touched.
        let src = format!(
            "package main\n\nimport (\n\t\"fmt\"\n\t_ \"go.uber.org/automaxprocs\" // quota\n\t\"os\"\n)\n{body}"
        );
        assert_eq!(
            rm_blank(&src),
            format!("package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n{body}")
        );
        let named = "package main\n\nimport \"go.uber.org/automaxprocs/maxprocs\"\n\nvar _ = maxprocs.Set\n";
        assert_eq!(
            apply_import_changes(
                named,
                &[ImportChange::RemoveBlank {
                    path: "go.uber.org/automaxprocs/maxprocs".into()
                }]
            ),
            named
        );
        // A declaration of its own disappears with its doc comment.
        let src = format!(
            "package main\n\nimport \"fmt\"\n\n// quota\nimport _ \"go.uber.org/automaxprocs\"\n{body}"
        );
        assert_eq!(
            rm_blank(&src),
            format!("package main\n\nimport \"fmt\"\n{body}")
        );
        // First in the group, followed by a blank line.
        let src = format!(
            "package main\n\nimport (\n\t_ \"go.uber.org/automaxprocs\"\n\n\t\"fmt\"\n)\n{body}"
        );
        assert_eq!(
            rm_blank(&src),
            format!("package main\n\nimport (\n\t\"fmt\"\n)\n{body}")
        );
    }

    #[test]
    fn a_package_used_only_in_a_type_is_kept() {
        let src = "package m\n\nimport \"runtime\"\n\nvar ms runtime.MemStats\n\nvar _ = []runtime.Frame{}\n";
        assert_eq!(rm(src, "runtime"), src);
    }

    #[test]
    fn never_touches_blank_or_cgo_imports() {
        let src = "package m\n\n// #include <stdio.h>\nimport \"C\"\n\nimport _ \"runtime\"\n";
        assert_eq!(rm(src, "runtime"), src);
        let out = add1(
            "package m\n\n// #include <x.h>\nimport \"C\"\n\nfunc f() {}\n",
            "time",
            "time",
        );
        assert_eq!(
            out,
            "package m\n\n// #include <x.h>\nimport \"C\"\n\nimport \"time\"\n\nfunc f() {}\n"
        );
    }
}
