//! Where code runs and what a program is for: the facts several rules need to tell production code from
//! test helpers, examples, benchmarks, fixtures and developer tools, and a service from a one-shot CLI.
//!
//! A rule's before-shape in a test helper or a docs example is real, but a fix there is not worth a diff
//! (and an added dependency, a PGO profile or a release flag is wrong there): rules ask this module once
//! instead of each keeping its own list of directory names.

use crate::read::syntax;
use crate::semantic::package::{Package, PkgFile};
use std::path::Path;
use tree_sitter::Node;

/// Where a file, package or build file runs when it is not production code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `_test.go`, a test helper package or directory (`testutil`, `e2e`, `integration`), or a file
    /// importing a test framework.
    Test,
    /// Examples, samples, demos, tutorials and docs.
    Example,
    /// Benchmarks and load generators.
    Benchmark,
    /// Fixtures next to tests (`testdata`, `fixtures`).
    Fixture,
    /// Developer tools: `tools/`, `scripts/`, `hack/`, generators, `//go:build ignore`/`none`/`tools` files.
    DevTool,
    /// Built only for `js/wasm` or `wasip1`.
    Wasm,
}

impl Role {
    /// The role in a few words, for messages ("in test code").
    pub fn describe(self) -> &'static str {
        match self {
            Role::Test => "test code",
            Role::Example => "an example",
            Role::Benchmark => "a benchmark",
            Role::Fixture => "a test fixture",
            Role::DevTool => "a developer tool",
            Role::Wasm => "a wasm-only build",
        }
    }
}

/// Prefixes of `…test` directory names that name a kind of test (`loadtest`, `e2etest`); other words that
/// end in "test" (`latest`, `contest`) are not tests.
const TEST_KINDS: &[&str] = &[
    "",
    "unit",
    "e2e",
    "int",
    "integ",
    "integration",
    "load",
    "smoke",
    "stress",
    "soak",
    "perf",
    "fuzz",
    "func",
    "conformance",
    "acceptance",
    "system",
    "regression",
    "chaos",
    "go",
];

/// The role one directory name gives everything below it.
fn component_role(name: &str) -> Option<Role> {
    let n = name.trim_start_matches('_').to_ascii_lowercase();
    let n = n.as_str();
    let stem = n
        .strip_suffix("tests")
        .or_else(|| n.strip_suffix("test"))
        .map(|s| s.trim_end_matches(['_', '-', '.']));
    if n.starts_with("test") && n != "testdata"
        || stem.is_some_and(|s| TEST_KINDS.contains(&s))
        || matches!(n, "e2e" | "integration" | "it" | "mocks" | "mock" | "fakes")
    {
        return Some(Role::Test);
    }
    match n {
        "testdata" | "fixture" | "fixtures" => Some(Role::Fixture),
        "example" | "examples" | "sample" | "samples" | "demo" | "demos" | "tutorial"
        | "tutorials" | "docs" | "doc" | "playground" => Some(Role::Example),
        "bench" | "benches" | "benchmark" | "benchmarks" | "loadgen" => Some(Role::Benchmark),
        "tools" | "tool" | "scripts" | "script" | "hack" | "devtools" | "generator"
        | "generators" | "codegen" => Some(Role::DevTool),
        _ => None,
    }
}

/// The role of a directory from its path below the module root (the part above the module is the
/// user's checkout and says nothing). `None`: production, as far as the path tells.
pub fn dir_role(module_root: Option<&Path>, dir: &Path) -> Option<Role> {
    let rel = module_root
        .and_then(|r| dir.strip_prefix(r).ok())
        .unwrap_or(dir);
    rel.components()
        .filter_map(|c| c.as_os_str().to_str())
        .find_map(component_role)
}

/// Test frameworks whose import marks a file as test code even outside `_test.go`.
const TEST_FRAMEWORKS: &[&str] = &[
    "testing",
    "github.com/stretchr/testify",
    "github.com/onsi/ginkgo",
    "github.com/onsi/gomega",
    "gotest.tools",
    "github.com/google/go-cmp/cmp",
    "go.uber.org/goleak",
    "github.com/golang/mock/gomock",
    "go.uber.org/mock/gomock",
];

/// The role of one file: its own name, build constraint and imports, then its package's directory.
pub fn file_role(pkg: &Package, file: &PkgFile) -> Option<Role> {
    if file.is_test {
        return Some(Role::Test);
    }
    if file
        .build_words
        .iter()
        .any(|w| matches!(w.as_str(), "ignore" | "none" | "tools" | "tool"))
    {
        return Some(Role::DevTool);
    }
    if wasm_only(file) {
        return Some(Role::Wasm);
    }
    if file.imports().iter().any(|i| {
        TEST_FRAMEWORKS
            .iter()
            .any(|f| i.path == *f || i.path.starts_with(&format!("{f}/")))
    }) {
        return Some(Role::Test);
    }
    if let Some(r) = file
        .package_name()
        .and_then(|n| package_name_role(n.trim_end_matches("_test")))
    {
        return Some(r);
    }
    dir_role(pkg.module.root.as_deref(), &pkg.dir)
}

/// Is `file` test support (test code, a test helper or a benchmark harness), where what a runtime rule says
/// about production paths (a forced GC, a yield, a pinned thread) is the code's job: provoking
/// interleavings, measuring, isolating?
pub fn in_test_support(pkg: &Package, file: &PkgFile) -> bool {
    matches!(file_role(pkg, file), Some(Role::Test | Role::Benchmark))
}

/// The role a package's own name gives it: test support (`testing`, `httptest`, `testutil`) or a benchmark
/// harness (`benchmark`, `*bench`), wherever its directory is.
fn package_name_role(name: &str) -> Option<Role> {
    let n = name.to_ascii_lowercase();
    if n.ends_with("bench") || n.ends_with("benchmark") || n.ends_with("benchmarks") {
        return Some(Role::Benchmark);
    }
    test_support_name(&n).then_some(Role::Test)
}

/// Package names that say "test support": `testing`, `*test` (`fstest`, `checktest`), `testutil(s)`,
/// `testhelper(s)`, `testenv`, `*testing`.
fn test_support_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    (n.ends_with("test") && !ENGLISH_TEST_WORDS.contains(&n.as_str()))
        || n.ends_with("testing")
        || [
            "testutil",
            "testutils",
            "testhelper",
            "testhelpers",
            "testenv",
        ]
        .contains(&n.as_str())
}

/// Words that end in "test" and are not about tests.
const ENGLISH_TEST_WORDS: &[&str] = &[
    "latest", "contest", "attest", "protest", "detest", "greatest", "fastest", "shortest",
    "nearest", "longest", "smallest", "biggest", "largest", "highest", "lowest", "newest",
    "oldest", "earliest",
];

/// The role of a package: its directory's, or the one every non-test file shares.
pub fn package_role(pkg: &Package) -> Option<Role> {
    if let Some(r) = dir_role(pkg.module.root.as_deref(), &pkg.dir) {
        return Some(r);
    }
    let mut roles = pkg
        .files
        .iter()
        .filter(|f| !f.is_test)
        .map(|f| file_role(pkg, f));
    let first = roles.next()??;
    roles.all(|r| r == Some(first)).then_some(first)
}

/// A file that builds only for `js/wasm` or `wasip1`: its name suffix or `//go:build` line admits a wasm
/// target and rejects linux/amd64.
fn wasm_only(file: &PkgFile) -> bool {
    let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let (goos, goarch) = crate::read::buildtags::filename_platform(name);
    if matches!(goos, Some("js" | "wasip1")) || goarch == Some("wasm") {
        return true;
    }
    let Ok(Some(c)) = crate::read::buildtags::file_constraint(&file.text) else {
        return false;
    };
    let on = |goos: &'static str, goarch: &'static str| {
        move |t: &str| crate::read::buildtags::platform_tag(t, goos, goarch).unwrap_or(true)
    };
    !crate::read::buildtags::eval(&c, &on("linux", "amd64"))
        && (crate::read::buildtags::eval(&c, &on("js", "wasm"))
            || crate::read::buildtags::eval(&c, &on("wasip1", "wasm")))
}

// ---------------------------------------------------------------------------------------------------
// What a main package is for: does it serve?

/// Serving functions of `net/http`, and of `net`.
const HTTP_FUNCS: &[&str] = &["ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"];
const NET_FUNCS: &[&str] = &["Listen", "ListenTCP", "ListenUnix"];
/// Packages whose server types have a `Serve`/`ListenAndServe` method.
const SERVER_PKGS: &[&str] = &["net/http", "google.golang.org/grpc"];

/// How the package serves, for a message ("it calls http.ListenAndServe"): the first serving call in its
/// non-test files. `None` for programs that do not serve, and for local UI tools that serve pages only
/// to a browser they open (`go tool trace`: they import a package named `browser`).
pub fn serves(pkg: &Package) -> Option<String> {
    let opens_browser = pkg.files.iter().filter(|f| !f.is_test).any(|f| {
        f.imports()
            .iter()
            .any(|i| i.path == "browser" || i.path.ends_with("/browser"))
    });
    if opens_browser {
        return None;
    }
    for file in &pkg.files {
        let b = file.text.as_bytes();
        if file.is_test
            || (memchr::memmem::find(b, b"Serve").is_none()
                && memchr::memmem::find(b, b"Listen").is_none())
        {
            continue;
        }
        let mut found = None;
        syntax::walk(file.tree().root_node(), &mut |n: Node<'_>| {
            if found.is_none() && n.kind() == "call_expression" {
                found = describe_serving(file, n);
            }
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

fn describe_serving(file: &PkgFile, call: Node<'_>) -> Option<String> {
    for f in HTTP_FUNCS {
        if file.is_pkg_call(call, "net/http", f) {
            return Some(format!("it calls http.{f}"));
        }
    }
    for f in NET_FUNCS {
        if file.is_pkg_call(call, "net", f) {
            return Some(format!("it calls net.{f}"));
        }
    }
    let func = call.child_by_field_name("function")?;
    if func.kind() != "selector_expression" {
        return None;
    }
    let field = file.node_text(func.child_by_field_name("field")?);
    if !HTTP_FUNCS.contains(&field) {
        return None;
    }
    // A method of a server value: the package that provides it must be imported (and usable).
    let operand = func.child_by_field_name("operand")?;
    if operand.kind() == "identifier"
        && file
            .imports()
            .iter()
            .any(|i| i.local == file.node_text(operand))
    {
        return None;
    }
    SERVER_PKGS
        .iter()
        .find(|p| file.import_of(p).is_some_and(|i| i.is_usable()))
        .map(|p| match *p {
            "google.golang.org/grpc" => format!("it calls a gRPC server's {field}"),
            _ => format!("it calls a net/http server's {field}"),
        })
}

/// A program meant to keep running: it serves, blocks forever (`select {}`), or waits for a termination
/// signal (`os/signal`). A tool that does its job and exits is none of these.
pub fn long_running(pkg: &Package) -> bool {
    serves(pkg).is_some()
        || pkg.files.iter().filter(|f| !f.is_test).any(|f| {
            f.imports_path("os/signal")
                || memchr::memmem::find(f.text.as_bytes(), b"select {}").is_some()
        })
}

/// A deployed service: a main package meant to keep running (`long_running`) that is not a test,
/// example, benchmark, fixture or developer tool (`package_role`) nor a command-line tool. The programs
/// a container quota or memory limit is about.
///
/// Sharper than `long_running` on how it keeps running: serving, waiting for the container's stop
/// signal (`os/signal` with `SIGTERM`), or `select {}` in `main` itself. A build tool that catches
/// Ctrl-C to clean up, or parks a dying goroutine in a helper's `select {}`, is not a service.
pub fn deployed_service(pkg: &Package) -> bool {
    let waits_for_stop = || {
        pkg.files.iter().filter(|f| !f.is_test).any(|f| {
            f.imports_path("os/signal")
                && memchr::memmem::find(f.text.as_bytes(), b"SIGTERM").is_some()
        })
    };
    let main_blocks_forever = || {
        crate::semantic::func_declarations(pkg, "main")
            .iter()
            .any(|(fi, main)| pkg.files[*fi].node_text(*main).contains("select {}"))
    };
    pkg.is_main()
        && package_role(pkg).is_none()
        && !command_line_tool(pkg)
        && (serves(pkg).is_some() || waits_for_stop() || main_blocks_forever())
}

/// Command-line frameworks: a main package built on one of them that serves nothing is a tool a person runs,
/// not a service.
const CLI_FRAMEWORKS: &[&str] = &[
    "github.com/spf13/cobra",
    "github.com/urfave/cli",
    "github.com/alecthomas/kingpin",
    "gopkg.in/alecthomas/kingpin.v2",
    "github.com/alecthomas/kong",
    "github.com/peterbourgon/ff",
    "github.com/google/subcommands",
    "github.com/mitchellh/cli",
];

/// A developer CLI: a main package that parses subcommands with a CLI framework and does not serve.
pub fn command_line_tool(pkg: &Package) -> bool {
    pkg.is_main()
        && pkg.files.iter().filter(|f| !f.is_test).any(|f| {
            f.imports().iter().any(|i| {
                CLI_FRAMEWORKS
                    .iter()
                    .any(|c| i.path == *c || i.path.starts_with(&format!("{c}/")))
            })
        })
        && serves(pkg).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn role(rel: &str) -> Option<Role> {
        let root = PathBuf::from("/src/tests/app");
        dir_role(Some(&root), &root.join(rel))
    }

    #[test]
    fn directory_names_give_roles_below_the_module_root_only() {
        assert_eq!(role("cmd/api"), None);
        // The checkout's own path ("/src/tests/...") is not looked at.
        assert_eq!(role(""), None);
        assert_eq!(role("internal/testutil"), Some(Role::Test));
        assert_eq!(role("e2e/fixtures/server"), Some(Role::Test));
        assert_eq!(role("loadtest/cmd/gen"), Some(Role::Test));
        assert_eq!(role("integration-tests/cmd/x"), Some(Role::Test));
        assert_eq!(role("docs/examples/client"), Some(Role::Example));
        assert_eq!(role("samples/echo"), Some(Role::Example));
        assert_eq!(role("bench/cmd/driver"), Some(Role::Benchmark));
        assert_eq!(role("tools/lint"), Some(Role::DevTool));
        assert_eq!(role("hack/gen-docs"), Some(Role::DevTool));
        // Words that merely end in "test" are not tests.
        assert_eq!(role("cmd/latest"), None);
        assert_eq!(role("contest/api"), None);
    }
}

#[cfg(test)]
mod package_name_tests {
    use super::{Role, package_name_role};

    #[test]
    fn benchmark_harness_names() {
        assert_eq!(package_name_role("loadbench"), Some(Role::Benchmark));
        assert_eq!(package_name_role("httptest"), Some(Role::Test));
    }

    #[test]
    fn names_of_test_support() {
        for n in [
            "testing",
            "httptest",
            "checktest",
            "testutil",
            "testenv",
            "benchmark",
            "xtesting",
        ] {
            assert!(package_name_role(n).is_some(), "{n}");
        }
        for n in [
            "server",
            "latest",
            "contest",
            "attestation",
            "http",
            "testify",
        ] {
            assert!(package_name_role(n).is_none(), "{n}");
        }
    }
}
