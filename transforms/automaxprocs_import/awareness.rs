//! Whether the runtime already sizes GOMAXPROCS from the container for this binary (go line, go.work,
//! godebug settings), and whether the module sets GOMAXPROCS itself.

use super::files::header_lines;
use crate::read::module_facts::ModuleFiles;
use crate::read::syntax::{self, named_children};
use crate::read::version::GoVersion;
use crate::semantic::package::Package;
use std::ops::ControlFlow;
use tree_sitter::Node;

// Is the runtime already container-aware for this binary? (§5.2.5, §7.3 item 4)

/// Whether the runtime sizes GOMAXPROCS from the container for this main package, under the module's own
/// go.mod and, when a go.work sits above the module, under that workspace too (a go.work is often a local
/// development file, so neither reading is trusted alone: adding needs both to say no, removing both yes).
pub(super) struct Awareness {
    module: bool,
    workspace: Option<bool>,
}

impl Awareness {
    pub(super) fn of(pkg: &Package) -> Awareness {
        let module = &pkg.module;
        let directives: Vec<(String, String)> = pkg
            .files
            .iter()
            .filter(|f| !f.is_test)
            .flat_map(|f| {
                header_lines(&f.text)
                    .filter_map(|l| l.strip_prefix("//go:debug"))
                    .map(str::trim)
            })
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Awareness {
            module: aware_with(module.go, &module.godebug, &directives),
            // The go command refuses a go.work older than a module it uses, so its line is at least ours.
            workspace: module
                .work_go
                .map(|w| aware_with(w.max(module.go), &module.work_godebug, &directives)),
        }
    }
    pub(super) fn any(&self) -> bool {
        self.module || self.workspace == Some(true)
    }
    pub(super) fn all(&self) -> bool {
        self.module && self.workspace != Some(false)
    }
}

/// The go command's order: the go line, then `godebug` lines, then the main package's `//go:debug` lines;
/// `default=go1.N` moves the base version, an explicit `containermaxprocs` wins over any default.
pub(super) fn aware_with(
    go: GoVersion,
    godebug: &[(String, String)],
    directives: &[(String, String)],
) -> bool {
    let mut base = go;
    let mut explicit: Option<bool> = None;
    for (k, v) in godebug.iter().chain(directives) {
        match k.as_str() {
            "default" => base = GoVersion::parse(v).unwrap_or(base),
            "containermaxprocs" => explicit = Some(v == "1"),
            _ => {}
        }
    }
    explicit.unwrap_or(base >= GoVersion(25))
}

// ---------------------------------------------------------------------------------------------------
// Module-wide facts, computed at most once per module root and run, and only when first needed.

/// Module-wide facts (§5.2.3–4), computed once per module by the engine's module facts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct TreeFacts {
    /// Some non-test file calls `runtime.GOMAXPROCS` with anything but a literal `<= 0`, or uses it as a value.
    pub(super) gomaxprocs_policy: bool,
    /// Some file imports automaxprocs or its `maxprocs` package.
    pub(super) imports_automaxprocs: bool,
}

/// Over the module's Go files as the go tool sees them (§0.2); files are parsed only if their bytes
/// mention what we look for.
pub(super) fn scan_tree(files: &ModuleFiles<'_>) -> TreeFacts {
    let mut facts = TreeFacts::default();
    files.for_each_go_file(|name, bytes| {
        if memchr::memmem::find(bytes, b"\"go.uber.org/automaxprocs").is_some() {
            facts.imports_automaxprocs = true;
        }
        if !name.ends_with("_test.go")
            && memchr::memmem::find(bytes, b"GOMAXPROCS").is_some()
            && let Ok(text) = std::str::from_utf8(bytes)
            && sets_gomaxprocs(text)
        {
            facts.gomaxprocs_policy = true;
        }
        if facts.gomaxprocs_policy && facts.imports_automaxprocs {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    facts
}

/// Does this file call `runtime.GOMAXPROCS` with anything but a literal `<= 0`, or take its value?
/// Shadowing of the `runtime` name is ignored on purpose: a doubtful case counts as a policy.
pub(super) fn sets_gomaxprocs(text: &str) -> bool {
    let tree = syntax::parse(text);
    let root = tree.root_node();
    let mut qualifiers = vec![];
    let mut dot = false;
    syntax::walk(root, &mut |n| {
        if n.kind() == "import_spec"
            && n.child_by_field_name("path")
                .is_some_and(|p| syntax::text(p, text).trim_matches(['"', '`']) == "runtime")
        {
            match n.child_by_field_name("name").map(|a| syntax::text(a, text)) {
                Some(".") => dot = true,
                Some("_") => {}
                Some(alias) => qualifiers.push(alias.to_string()),
                None => qualifiers.push("runtime".to_string()),
            }
        }
    });
    if qualifiers.is_empty() && !dot {
        return false;
    }
    let mut policy = false;
    syntax::walk(root, &mut |n| {
        if policy {
            return;
        }
        let names_it = match n.kind() {
            "selector_expression" => {
                n.child_by_field_name("field")
                    .is_some_and(|f| syntax::text(f, text) == "GOMAXPROCS")
                    && n.child_by_field_name("operand").is_some_and(|o| {
                        o.kind() == "identifier"
                            && qualifiers.iter().any(|q| q == syntax::text(o, text))
                    })
            }
            "identifier" => dot && syntax::text(n, text) == "GOMAXPROCS",
            _ => false,
        };
        if names_it && !is_query_call(n, text) {
            policy = true;
        }
    });
    policy
}

/// `f` is the function of a call whose single argument is an integer literal `<= 0`.
pub(super) fn is_query_call(f: Node<'_>, src: &str) -> bool {
    let Some(call) = f.parent().filter(|p| p.kind() == "call_expression") else {
        return false;
    };
    if call.child_by_field_name("function").map(|x| x.id()) != Some(f.id()) {
        return false;
    }
    let Some(args) = call.child_by_field_name("arguments") else {
        return false;
    };
    match named_children(args).as_slice() {
        [arg] => literal_at_most_zero(*arg, src),
        _ => false,
    }
}

pub(super) fn literal_at_most_zero(e: Node<'_>, src: &str) -> bool {
    match e.kind() {
        "parenthesized_expression" => named_children(e)
            .first()
            .is_some_and(|x| literal_at_most_zero(*x, src)),
        "int_literal" => int_value(syntax::text(e, src)) == Some(0),
        "unary_expression" => {
            e.child_by_field_name("operator")
                .is_some_and(|o| syntax::text(o, src) == "-")
                && e.child_by_field_name("operand")
                    .is_some_and(|o| o.kind() == "int_literal")
        }
        _ => false,
    }
}

pub(super) fn int_value(lit: &str) -> Option<u128> {
    syntax::int_literal(lit)
}
