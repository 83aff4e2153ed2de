//! Does a program set a soft memory limit (Go 1.19+)? In code (`debug.SetMemoryLimit`, `GOMEMLIMIT`
//! written with `os.Setenv`, a blank import of automemlimit) anywhere in the module, or in the
//! environment its build and deployment files give it (`ENV GOMEMLIMIT=…` in a Dockerfile, a manifest's
//! env list). A comment that mentions `GOMEMLIMIT` sets nothing.

use crate::read::module_facts::ModuleFiles;
use crate::read::syntax;
use crate::semantic::package::Package;
use std::ops::ControlFlow;
use tree_sitter::Node;

/// The library that sets the limit from the container's cgroup at start-up.
const AUTOMEMLIMIT: &str = "github.com/KimMachineGun/automemlimit";

/// Does the main package `pkg` get a memory limit: from its own files, its directory's build files, or
/// any Go or build file of its module?
pub fn set_for(pkg: &Package) -> bool {
    pkg.files
        .iter()
        .any(|f| !f.is_test && go_sets_limit(&f.text))
        || pkg
            .other_file_texts(BUILD_SUFFIXES)
            .iter()
            .any(|(_, text)| text.as_deref().is_some_and(build_file_sets_limit))
        || pkg.module.facts().get(scan_module).0
}

/// Build and deployment files that can give a process its environment.
const BUILD_SUFFIXES: &[&str] = &[
    "Dockerfile",
    "Containerfile",
    ".dockerfile",
    ".yaml",
    ".yml",
    ".toml",
    ".service",
    ".env",
    "Makefile",
    "Procfile",
];

fn is_build_file(name: &str) -> bool {
    BUILD_SUFFIXES.iter().any(|s| name.ends_with(s))
}

#[derive(Clone)]
struct ModuleSetsLimit(bool);

fn scan_module(files: &ModuleFiles<'_>) -> ModuleSetsLimit {
    let mut found = false;
    files.for_each_file(
        |name| (name.ends_with(".go") && !name.ends_with("_test.go")) || is_build_file(name),
        |name, bytes| {
            found = if name.ends_with(".go") {
                std::str::from_utf8(bytes).is_ok_and(go_sets_limit)
            } else {
                build_file_sets_limit(bytes)
            };
            if found {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    );
    ModuleSetsLimit(found)
}

/// A line of a build file that is not a `#` comment and names `GOMEMLIMIT`.
fn build_file_sets_limit(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"GOMEMLIMIT").is_some()
        && bytes.split(|b| *b == b'\n').any(|line| {
            let t = line.trim_ascii_start();
            !t.starts_with(b"#") && memchr::memmem::find(t, b"GOMEMLIMIT").is_some()
        })
}

/// Go source that sets the limit: a call of `SetMemoryLimit`, a `Setenv` whose first argument names
/// `GOMEMLIMIT`, or an import of automemlimit. Comments are not code; files that spell none of these
/// words are not parsed.
fn go_sets_limit(text: &str) -> bool {
    let b = text.as_bytes();
    if memchr::memmem::find(b, AUTOMEMLIMIT.as_bytes()).is_none()
        && memchr::memmem::find(b, b"SetMemoryLimit").is_none()
        && memchr::memmem::find(b, b"GOMEMLIMIT").is_none()
    {
        return false;
    }
    let tree = syntax::parse(text);
    let mut found = false;
    syntax::walk(tree.root_node(), &mut |n| {
        found = found || sets_limit(n, text);
    });
    found
}

fn sets_limit(n: Node<'_>, src: &str) -> bool {
    match n.kind() {
        "import_spec" => n.child_by_field_name("path").is_some_and(|p| {
            let path = syntax::text(p, src).trim_matches(['"', '`']);
            path == AUTOMEMLIMIT || path.starts_with(&format!("{AUTOMEMLIMIT}/"))
        }),
        "call_expression" => {
            let Some(field) = n
                .child_by_field_name("function")
                .filter(|f| f.kind() == "selector_expression")
                .and_then(|f| f.child_by_field_name("field"))
            else {
                return false;
            };
            match syntax::text(field, src) {
                "SetMemoryLimit" => true,
                "Setenv" => n
                    .child_by_field_name("arguments")
                    .and_then(|a| a.named_child(0))
                    .is_some_and(|a| syntax::text(a, src).contains("GOMEMLIMIT")),
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_sets_a_limit_comments_do_not() {
        assert!(go_sets_limit(
            "package main\n\nimport \"runtime/debug\"\n\nfunc main() { debug.SetMemoryLimit(1 << 30) }\n"
        ));
        assert!(go_sets_limit(
            "package main\n\nimport \"os\"\n\nfunc main() { os.Setenv(\"GOMEMLIMIT\", \"2GiB\") }\n"
        ));
        assert!(go_sets_limit(
            "package main\n\nimport _ \"github.com/KimMachineGun/automemlimit\"\n"
        ));
        assert!(!go_sets_limit(
            "package main\n\n// GOMEMLIMIT=unlimited, SetMemoryLimit not called\nfunc main() {}\n"
        ));
        assert!(!go_sets_limit(
            "package main\n\nimport \"os\"\n\nfunc main() { os.Setenv(\"GOGC\", \"200\") }\n"
        ));
    }

    #[test]
    fn build_files_set_it_unless_commented() {
        assert!(build_file_sets_limit(
            b"FROM gcr.io/distroless/static\nENV GOMEMLIMIT=900MiB\n"
        ));
        assert!(build_file_sets_limit(
            b"env:\n  - name: GOMEMLIMIT\n    value: 900MiB\n"
        ));
        assert!(!build_file_sets_limit(
            b"# TODO: set GOMEMLIMIT\nFROM scratch\n"
        ));
    }
}
