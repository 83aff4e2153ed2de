//! # automaxprocs-import (R5)
//!
//! ## What it does
//! Below Go 1.25: adds the blank import `_ "go.uber.org/automaxprocs"` to each `package main` of the
//! module (one file per package), with its `require` line in go.mod and its two go.sum lines. At Go 1.25
//! and later it does the opposite: it reports a blank automaxprocs import in a main package and offers to
//! remove it.
//!
//! ## Why is this bad?
//! Before Go 1.25 the runtime sets GOMAXPROCS to the number of CPUs the machine has, not to the CPU limit
//! of the container the program runs in. A service limited to two CPUs on a 64-core node then runs 64
//! threads of Go code that the kernel throttles in turns, which shows up as long tail latencies.
//! automaxprocs reads the cgroup CPU quota once at start-up and sets GOMAXPROCS from it.
//!
//! From Go 1.25 on (module `go` line 1.25 or later) the runtime does this itself, rounds fractional quotas
//! up, never goes below 2, and follows changes of the limit while the program runs. Any call
//! `runtime.GOMAXPROCS(n)` with `n >= 1` switches those updates off, and that is what automaxprocs does
//! at init, so at Go 1.25 the import makes things worse.
//!
//! ## Example
//! ```go
//! package main
//!
//! import (
//! 	"log"
//! 	"net/http"
//! )
//!
//! func main() {
//! 	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
//! 		w.WriteHeader(http.StatusNoContent)
//! 	})
//! 	log.Fatal(http.ListenAndServe(":8080", nil))
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package main
//!
//! import (
//! 	"log"
//! 	"net/http"
//!
//! 	_ "go.uber.org/automaxprocs"
//! )
//!
//! func main() {
//! 	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
//! 		w.WriteHeader(http.StatusNoContent)
//! 	})
//! 	log.Fatal(http.ListenAndServe(":8080", nil))
//! }
//! ```
//! The same fix adds `require go.uber.org/automaxprocs v1.6.0` to go.mod and the module's two checksum
//! lines to go.sum. Run `go mod tidy` afterwards: it may record a few more go.sum lines for automaxprocs'
//! own test dependencies.
//!
//! ## Fix safety
//! Both directions are Unsafe (applied with `--unsafe-fixes`): each one changes what the program does.
//! Adding the import changes GOMAXPROCS inside containers with a CPU limit and makes the program print one
//! line through the standard `log` package at start-up (a CLI whose stderr is parsed would notice).
//! Packages initialized before automaxprocs (with Go 1.21+ ordering, dependencies whose import path sorts
//! before `go.uber.org/` and that do not import it) still see the old value in their `init`.
//! Removing the import at Go 1.25 changes GOMAXPROCS under fractional quotas (automaxprocs rounds down with
//! a minimum of 1, the runtime rounds up with a minimum of 2), turns the runtime's periodic updates back
//! on, and drops the start-up log line. The removal leaves the `require` line in go.mod: run
//! `go mod tidy` to drop it when nothing else in the module imports automaxprocs.
//!
//! ## Version gating
//! The module's `go` line decides the direction (not the `toolchain` line; `--go-version` overrides it).
//! Whether the runtime is container-aware also reads `godebug` settings (`default=go1.N`,
//! `containermaxprocs`) of go.mod and of a go.work above the module, and the main package's `//go:debug`
//! lines, in the order the go command applies them (see below).
//! - go 1.20 to 1.24: adds automaxprocs v1.6.0 (its go.mod says `go 1.20`).
//! - go 1.18 and 1.19: adds v1.5.3, the last release whose go.mod says `go 1.18`, so the module's go
//!   line stays valid.
//! - below go 1.18: never; every release that reads cgroup v2 needs go 1.18, and raising the go line
//!   changes language semantics.
//! - go 1.25 and later: reports a blank automaxprocs import and offers its removal.
//!
//! ## When it does not fire
//! - The package is not `package main` (an import side effect would hit every program that imports it).
//! - The program does not run in a container (the engine's `context` fact): a test helper or e2e fixture,
//!   an example, sample, demo or docs client, a benchmark, a developer tool (`tools/`, `hack/`,
//!   `//go:build ignore` files), a wasm-only build; or a command-line tool (it parses subcommands with
//!   cobra, urfave/cli, kingpin, kong, ... and serves nothing); or any program that does not keep
//!   running: it neither serves (net/http, gRPC, `net.Listen`), nor waits for a signal (`os/signal`),
//!   nor blocks forever (`select {}`) — generators, one-shot tools and examples that exit.
//! - The package has no file to edit: only `_test.go` files, generated files, or files built with the
//!   `ignore` or `tools` tags (`go run gen.go` generators, tool-dependency files); or no `func main` at all
//!   (a plugin).
//! - The module already requires automaxprocs, or any file of the module imports it or its `maxprocs`
//!   package.
//! - Anywhere in the module (vendor, testdata and nested modules excluded; `_test.go` files too, whose
//!   settings only affect test binaries), `runtime.GOMAXPROCS` is called with anything but a literal
//!   `<= 0` (a query), or is used as a value: the program already has a GOMAXPROCS policy.
//! - The runtime is already container-aware: `godebug containermaxprocs=1` or `default=go1.25` (or later)
//!   in go.mod, the same as a `//go:debug` line in the main package, or a go.work above the module whose
//!   go line (1.25+) or `godebug` lines say so. A go.work is often a local development file, so it can
//!   only hold the rule back: adding needs go.mod and go.work both to leave the sizing off, removing needs
//!   both to have it on.
//! - The module vendors its dependencies (`vendor/modules.txt`): the finding is reported without a fix,
//!   because `go mod vendor` has to fetch the module.
//! - An explicit `maxprocs.Set(...)` call at go 1.25+ (in any package) is reported without a fix: it
//!   switches the runtime's sizing off just as the blank import does, but its undo function, error and
//!   options are used by the code around it, so the removal is left to its author.
//! - Removal (go 1.25+): the import is named (see `maxprocs.Set` above), sits in a `_test.go`,
//!   generated, `ignore` or `tools` file, or `containermaxprocs=0` (or a `default` below go1.25) switches
//!   the runtime's own sizing off, in go.mod, go.work or a `//go:debug` line.
//!
//! ## References
//! Go 1.25 release notes, "Container-aware GOMAXPROCS"; `runtime.GOMAXPROCS` documentation
//! (`src/runtime/debug.go`); the GODEBUG documentation (`doc/godebug.md`: the main module's go line sets
//! the `containermaxprocs` and `updatemaxprocs` defaults);
//! go.uber.org/automaxprocs (`automaxprocs.go`, `maxprocs/maxprocs.go`).

use crate::read::gomod::Module;
use crate::read::module_facts::ModuleFiles;
use crate::read::syntax::{self, named_children};
use crate::read::version::{GoVersion, build_line};
use crate::rules::fix::{Fix, ImportChange, ModuleEdit, TextRange};
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::package::{Package, PkgFile};
use std::ops::ControlFlow;
use std::path::Path;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R5",
        name: "automaxprocs-import",
        summary: "below Go 1.25, size GOMAXPROCS from the container's CPU quota; at 1.25+, drop automaxprocs",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &["package main"],
        calls: &[],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("automaxprocs_import.rs"),
    query: QUERY,
    run,
    precheck: worth_parsing,
    other_files: None,
};

/// Below go 1.25: a module with a go.mod at go 1.18 or later that does not yet require automaxprocs.
/// At 1.25 and later: the file mentions the import path.
fn worth_parsing(bytes: &[u8], module: &Module) -> bool {
    if module.root.is_none() {
        return false;
    }
    if module.go >= GoVersion(25) {
        memchr::memmem::find(bytes, AUTOMAXPROCS.as_bytes()).is_some()
    } else {
        module.go >= GoVersion(18) && !module.requires.iter().any(|r| r == AUTOMAXPROCS)
    }
}

const QUERY: &str = r#"(source_file (package_clause) @match)"#;

const AUTOMAXPROCS: &str = "go.uber.org/automaxprocs";
const MAXPROCS: &str = "go.uber.org/automaxprocs/maxprocs";

/// A release of automaxprocs and its go.sum lines (§5.1, recomputed from the tagged trees).
struct Release {
    version: &'static str,
    sums: [&'static str; 2],
}

const V1_6_0: Release = Release {
    version: "v1.6.0",
    sums: [
        "go.uber.org/automaxprocs v1.6.0 h1:O3y2/QNTOdbF+e/dpXNNW7Rx2hZ4sTIPyybbxyNqTUs=",
        "go.uber.org/automaxprocs v1.6.0/go.mod h1:ifeIMSnPZuznNm6jmdzmU3/bfk01Fe2fotchwEFJ8r8=",
    ],
};

const V1_5_3: Release = Release {
    version: "v1.5.3",
    sums: [
        "go.uber.org/automaxprocs v1.5.3 h1:kWazyxZUrS3Gs4qUpbwo5kEIMGe/DAvi5Z4tl2NW4j8=",
        "go.uber.org/automaxprocs v1.5.3/go.mod h1:eRbA25aqJrxAbsLO0xy5jVwPt7FQnRgjW+efnwa1WM0=",
    ],
};

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let clause = m.node("match")?;
    // No go.mod: there is no requirement to record and no go line to gate on.
    let root = cx.pkg.module.root.clone()?;
    // An explicit `maxprocs.Set` turns the runtime's sizing off from any package (a shared bootstrap
    // library included).
    if cx.pkg.module.go >= GoVersion(25) {
        explicit_set(cx);
    }
    // §5.3: only main packages; an import side effect in a library would reach every consumer.
    if !cx.pkg.is_main() {
        return None;
    }
    if cx.pkg.module.go >= GoVersion(25) {
        remove_import(cx);
    } else {
        add_import(cx, clause, &root);
    }
    Some(())
}

/// Direction (a), module go line below 1.25: add the blank import to one file of this main package.
fn add_import(cx: &mut Ctx<'_>, clause: Node<'_>, root: &Path) {
    let pkg = cx.pkg;
    let module = &pkg.module;
    // §5.2.2: a release whose go line does not exceed the module's; none below go 1.18.
    let release = match module.go {
        v if v >= GoVersion(20) => &V1_6_0,
        v if v >= GoVersion(18) => &V1_5_3,
        _ => return,
    };
    // §5.2.4: already required (directly or indirectly) or imported by this package.
    if module.requires.iter().any(|r| r == AUTOMAXPROCS)
        || pkg
            .files
            .iter()
            .any(|f| f.imports_path(AUTOMAXPROCS) || f.imports_path(MAXPROCS))
    {
        return;
    }
    // §5.3: one file per package (every main-declaring file when all are constrained); report once.
    let chosen = choose_files(pkg);
    if chosen.first() != Some(&cx.file_idx) {
        return;
    }
    // Programs that never run in a container: e2e fixtures, docs example clients, samples, dev tools
    // (the engine's `context` fact), and command-line tools that serve nothing.
    // Only a program that keeps running (serves, waits for SIGTERM, blocks forever) is the containerized
    // service the CPU quota matters to; a generator or a one-shot CLI exits first.
    if crate::semantic::context::package_role(pkg).is_some()
        || crate::semantic::context::command_line_tool(pkg)
        || !crate::semantic::context::long_running(pkg)
    {
        return;
    }
    // §5.2.5 and §7.3 item 4: the runtime is already container-aware for this binary.
    if Awareness::of(pkg).any() {
        return;
    }
    // §5.2.3–4, module-wide: an explicit GOMAXPROCS policy, or automaxprocs imported elsewhere.
    let tree = module.facts().get(scan_tree);
    if tree.gomaxprocs_policy || tree.imports_automaxprocs {
        return;
    }
    let range = TextRange::of(clause);
    let why = format!(
        "with go {} in go.mod the runtime sizes GOMAXPROCS by the machine's CPU count, not the container's \
         CPU limit; a blank import of {AUTOMAXPROCS} {} sets it from the cgroup quota at start-up and logs one \
         line (packages initialized before it, e.g. dependencies whose path sorts before go.uber.org/, still \
         see the old value); the import becomes unnecessary at go >= 1.25, where the runtime does this itself",
        module.go, release.version
    );
    // §5.2.6: vendoring needs `go mod vendor`, which needs the module source: report only.
    if module.has_vendor {
        cx.report(
            range,
            format!(
                "{why}; this module vendors its dependencies: add the import, then run \
                 `go get {AUTOMAXPROCS}@{}` and `go mod vendor`",
                release.version
            ),
        );
        return;
    }
    let mut fix = Fix::unsafe_fix(format!(
        "import {AUTOMAXPROCS} {} for its side effect",
        release.version
    ))
    .module_edit(ModuleEdit::Require {
        gomod: root.join("go.mod"),
        module: AUTOMAXPROCS.to_string(),
        version: release.version.to_string(),
    })
    .module_edit(ModuleEdit::SumLines {
        gosum: root.join("go.sum"),
        lines: release.sums.iter().map(|s| s.to_string()).collect(),
    });
    for &i in &chosen {
        fix = fix.import(
            i,
            ImportChange::Add {
                path: AUTOMAXPROCS.to_string(),
                name: "_".to_string(),
            },
        );
    }
    let d = cx.report(range, format!("{why}; run `go mod tidy` after the fix"));
    d.fix = Some(fix);
}

/// Direction (b), module go line 1.25 or later: a blank automaxprocs import turns the runtime's own
/// container-aware, self-updating GOMAXPROCS off.
fn remove_import(cx: &mut Ctx<'_>) {
    let file = cx.file();
    // Test binaries, generators and tool files are not the service; their imports are left to their authors.
    if !is_program_file(file) {
        return;
    }
    let root = file.tree().root_node();
    let Some(spec) = blank_spec(root, &file.text) else {
        return;
    };
    // Owner's decision: only when the runtime's own sizing is on (not switched off by GODEBUG).
    if !Awareness::of(cx.pkg).all() {
        return;
    }
    let message = format!(
        "at go {} the runtime already sizes GOMAXPROCS from the container's CPU limit and keeps it updated; \
         this import's runtime.GOMAXPROCS call at start-up switches those updates off (and rounds the quota \
         down, minimum 1, where the runtime rounds up, minimum 2); remove it, then run `go mod tidy` to drop \
         the requirement",
        cx.pkg.module.go
    );
    let fix = Fix::unsafe_fix(format!("remove the blank import of {AUTOMAXPROCS}")).import(
        cx.file_idx,
        ImportChange::RemoveBlank {
            path: AUTOMAXPROCS.to_string(),
        },
    );
    let d = cx.report(TextRange::of(spec), message);
    d.fix = Some(fix);
}

/// Go 1.25 and later: an explicit `maxprocs.Set(...)` call does what the blank import does (one
/// `runtime.GOMAXPROCS(n)` at start-up), so it switches the runtime's own sizing off too. Reported without a
/// fix: the call returns an undo function and an error that the code around it uses, and its options
/// (a logger, a minimum) say what the author wanted; removing it is a decision, not an edit.
fn explicit_set(cx: &mut Ctx<'_>) {
    let file = cx.file();
    if !is_program_file(file) || !Awareness::of(cx.pkg).all() {
        return;
    }
    let Some(imp) = file.import_of(MAXPROCS).filter(|i| i.is_usable()) else {
        return;
    };
    let local = imp.local.clone();
    let mut calls = vec![];
    syntax::walk(file.tree().root_node(), &mut |n| {
        if n.kind() == "call_expression"
            && let Some(f) = n.child_by_field_name("function")
            && f.kind() == "selector_expression"
            && f.child_by_field_name("operand")
                .is_some_and(|o| o.kind() == "identifier" && file.node_text(o) == local)
            && f.child_by_field_name("field")
                .is_some_and(|x| file.node_text(x) == "Set")
        {
            calls.push(TextRange::of(n));
        }
    });
    let go = cx.pkg.module.go;
    for range in calls {
        let message = format!(
            "at go {go} the runtime already sizes GOMAXPROCS from the container's CPU limit and keeps it \
             updated; this explicit maxprocs.Set call sets GOMAXPROCS once at start-up, which switches those \
             updates off (and rounds the quota down, minimum 1, where the runtime rounds up, minimum 2); \
             remove the call and its undo, then run `go mod tidy`"
        );
        cx.report(range, message)
            .withhold("the call is explicit: its undo function, error and options are used by the code around it");
    }
}

/// The `_ "go.uber.org/automaxprocs"` spec of a file, if it has one.
fn blank_spec<'t>(root: Node<'t>, src: &str) -> Option<Node<'t>> {
    let mut found = None;
    for decl in named_children(root)
        .into_iter()
        .filter(|n| n.kind() == "import_declaration")
    {
        syntax::walk(decl, &mut |n| {
            if found.is_none()
                && n.kind() == "import_spec"
                && n.child_by_field_name("name")
                    .is_some_and(|a| syntax::text(a, src) == "_")
                && n.child_by_field_name("path")
                    .is_some_and(|p| syntax::text(p, src).trim_matches(['"', '`']) == AUTOMAXPROCS)
            {
                found = Some(n);
            }
        });
    }
    found
}

// ---------------------------------------------------------------------------------------------------
// Which files of a main package get the import (§5.3).

/// The file that declares `func main` with no build constraint; else any constraint-free file; else
/// every file that declares `func main`. Empty when the package has no file to edit.
fn choose_files(pkg: &Package) -> Vec<usize> {
    let eligible: Vec<usize> = (0..pkg.files.len())
        .filter(|&i| is_program_file(&pkg.files[i]))
        .collect();
    // A file we cannot parse could hide anything (a `func main`, an import); stay out.
    if eligible.is_empty() || eligible.iter().any(|&i| !pkg.files[i].parses_cleanly()) {
        return vec![];
    }
    let free: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&i| constraint_free(&pkg.files[i]))
        .collect();
    let mains: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&i| pkg.files[i].declares_main())
        .collect();
    // A main package with no `func main` anywhere is a plugin or does not build: not ours to touch.
    if mains.is_empty() {
        return vec![];
    }
    if let Some(&i) = free.iter().find(|i| mains.contains(i)) {
        return vec![i];
    }
    if let Some(&i) = free.first() {
        return vec![i];
    }
    mains
}

/// A file that is compiled into the program: not a test, not generated, not an `ignore`/`tools` file.
fn is_program_file(f: &PkgFile) -> bool {
    !f.is_test
        && !f.generated
        && !constraint_words(&f.text)
            .iter()
            .any(|w| w == "ignore" || w == "tools")
}

/// The words of the file's `//go:build` and `// +build` lines (header only).
fn constraint_words(text: &str) -> Vec<String> {
    let mut out = vec![];
    for line in header_lines(text) {
        let expr = line
            .strip_prefix("//go:build")
            .or_else(|| line.strip_prefix("// +build"));
        if let Some(expr) = expr {
            out.extend(
                expr.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
    }
    out
}

/// Comment lines before the package clause, trimmed.
fn header_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("package "))
        .filter(|l| l.starts_with("//"))
}

/// Built in every configuration: no build line, no `_GOOS`/`_GOARCH` name suffix, no cgo.
fn constraint_free(f: &PkgFile) -> bool {
    let name = f.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    build_line(&f.text).is_none()
        && !header_lines(&f.text).any(|l| l.starts_with("// +build"))
        && !has_platform_suffix(name)
        && !f.imports_path("C")
}

/// The go tool's file-name constraint: a trailing `_GOOS`, `_GOARCH` or `_GOOS_GOARCH`.
fn has_platform_suffix(name: &str) -> bool {
    crate::read::buildtags::filename_platform(name) != (None, None)
}

// ---------------------------------------------------------------------------------------------------
// Is the runtime already container-aware for this binary? (§5.2.5, §7.3 item 4)

/// Whether the runtime sizes GOMAXPROCS from the container for this main package, under the module's own
/// go.mod and, when a go.work sits above the module, under that workspace too (a go.work is often a local
/// development file, so neither reading is trusted alone: adding needs both to say no, removing both yes).
struct Awareness {
    module: bool,
    workspace: Option<bool>,
}

impl Awareness {
    fn of(pkg: &Package) -> Awareness {
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
    fn any(&self) -> bool {
        self.module || self.workspace == Some(true)
    }
    fn all(&self) -> bool {
        self.module && self.workspace != Some(false)
    }
}

/// The go command's order: the go line, then `godebug` lines, then the main package's `//go:debug` lines;
/// `default=go1.N` moves the base version, an explicit `containermaxprocs` wins over any default.
fn aware_with(
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
struct TreeFacts {
    /// Some non-test file calls `runtime.GOMAXPROCS` with anything but a literal `<= 0`, or uses it as a value.
    gomaxprocs_policy: bool,
    /// Some file imports automaxprocs or its `maxprocs` package.
    imports_automaxprocs: bool,
}

/// Over the module's Go files as the go tool sees them (§0.2); files are parsed only if their bytes
/// mention what we look for.
fn scan_tree(files: &ModuleFiles<'_>) -> TreeFacts {
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
fn sets_gomaxprocs(text: &str) -> bool {
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
fn is_query_call(f: Node<'_>, src: &str) -> bool {
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

fn literal_at_most_zero(e: Node<'_>, src: &str) -> bool {
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

fn int_value(lit: &str) -> Option<u128> {
    syntax::int_literal(lit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::engine::RunOutcome;
    use crate::run::settings::Mode;
    use crate::testing::{check_no_fix_go, run_one};

    const SERVICE: &str = "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n)\n\nfunc main() {\n\tlog.Fatal(http.ListenAndServe(\":8080\", nil))\n}\n";
    const SERVICE_FIXED: &str = "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\n\t_ \"go.uber.org/automaxprocs\"\n)\n\nfunc main() {\n\tlog.Fatal(http.ListenAndServe(\":8080\", nil))\n}\n";

    /// Runs R5 over a module given as (path, text) pairs with unsafe fixes: the dry-run outcome (changes,
    /// applied counts) and the check-mode findings.
    fn run_tree(files: &[(&str, &str)]) -> (RunOutcome, Vec<String>) {
        let (_, checked) = crate::testing::run_tree(&TRANSFORM, files, Mode::Check, true, &[]);
        let findings = checked
            .findings
            .into_iter()
            .map(|(_, f)| f.message)
            .collect();
        let (_, fixed) = crate::testing::run_tree(&TRANSFORM, files, Mode::DryRun, true, &[]);
        (fixed, findings)
    }

    fn changed<'a>(out: &'a RunOutcome, suffix: &str) -> Option<&'a str> {
        out.changes
            .iter()
            .find(|c| c.display.ends_with(suffix))
            .map(|c| std::str::from_utf8(&c.new).expect("utf8"))
    }

    #[test]
    fn doc_example_round_trips() {
        let doc = crate::catalog::docs::doc(&TRANSFORM);
        let example = crate::catalog::docs::go_block(&doc, "## Example").expect("Example block");
        let use_instead =
            crate::catalog::docs::go_block(&doc, "## Use instead").expect("Use instead block");
        let (fixed, _) = run_one(&TRANSFORM, "1.22", &example, true);
        assert_eq!(fixed, use_instead);
        let (again, _) = run_one(&TRANSFORM, "1.25", &use_instead, true);
        assert_eq!(again, example, "at go 1.25 the rewrite is undone");
    }

    #[test]
    fn workspace_counts_only_in_the_cautious_direction() {
        // A go.work at go 1.25 above a go 1.22 module: the runtime may already be container-aware.
        let (_, found) = run_tree(&[
            ("go.work", "go 1.25\n\nuse ./svc\n"),
            ("svc/go.mod", "module example.com/svc\n\ngo 1.22\n"),
            ("svc/main.go", SERVICE),
        ]);
        assert!(found.is_empty());
        let (_, found) = run_tree(&[
            ("svc/go.mod", "module example.com/svc\n\ngo 1.22\n"),
            ("svc/main.go", SERVICE),
        ]);
        assert_eq!(found.len(), 1, "control: the same module without go.work");
        // A go.work that switches the sizing off keeps a go 1.25 module's import.
        let (_, found) = run_tree(&[
            (
                "go.work",
                "go 1.25\n\ngodebug containermaxprocs=0\n\nuse ./svc\n",
            ),
            ("svc/go.mod", "module example.com/svc\n\ngo 1.25\n"),
            ("svc/main.go", SERVICE_FIXED),
        ]);
        assert!(found.is_empty());
    }

    #[test]
    fn adds_v1_6_0_with_require_and_sums() {
        let (out, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
            ("main.go", SERVICE),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(changed(&out, "main.go"), Some(SERVICE_FIXED));
        assert_eq!(
            changed(&out, "go.mod"),
            Some("module example.com/svc\n\ngo 1.22\n\nrequire go.uber.org/automaxprocs v1.6.0\n")
        );
        assert_eq!(changed(&out, "go.sum").map(|s| s.lines().count()), Some(2));
    }

    #[test]
    fn picks_v1_5_3_for_go_1_19_and_nothing_below_1_18() {
        let (out, _) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.19\n"),
            ("main.go", SERVICE),
        ]);
        assert!(changed(&out, "go.mod").is_some_and(|t| t.contains("automaxprocs v1.5.3")));
        assert!(changed(&out, "go.sum").is_some_and(|t| t.contains("v1.5.3/go.mod h1:eRbA25")));
        check_no_fix_go(&TRANSFORM, "1.17", SERVICE);
    }

    #[test]
    fn go_1_25_never_adds_but_removes_a_blank_import() {
        check_no_fix_go(&TRANSFORM, "1.25", SERVICE);
        let (fixed, _) = run_one(&TRANSFORM, "1.25", SERVICE_FIXED, true);
        assert_eq!(fixed, SERVICE);
        let (_, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.25\n"),
            ("main.go", SERVICE_FIXED),
        ]);
        assert!(
            found.len() == 1
                && found[0].contains("go mod tidy")
                && found[0].contains("switches those updates off")
        );
        // A test binary's or a generator's import is left alone.
        let test = "package main\n\nimport (\n\t\"testing\"\n\n\t_ \"go.uber.org/automaxprocs\"\n)\n\nfunc TestX(t *testing.T) {}\n";
        let generator = format!("//go:build ignore\n\n{SERVICE_FIXED}");
        let (_, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.25\n"),
            ("main.go", SERVICE),
            ("main_test.go", test),
            ("gen.go", &generator),
        ]);
        assert!(found.is_empty(), "{found:?}");
        // Not applied without --unsafe-fixes.
        let (kept, _) = run_one(&TRANSFORM, "1.25", SERVICE_FIXED, false);
        assert_eq!(kept, SERVICE_FIXED);
    }

    #[test]
    fn libraries_and_generators_are_left_alone() {
        check_no_fix_go(&TRANSFORM, "1.22", "package server\n\nfunc Run() {}\n");
        // A `go run gen.go` generator in a library directory.
        let generator = "//go:build ignore\n\npackage main\n\nfunc main() {}\n";
        let (_, found) = run_tree(&[
            ("go.mod", "module example.com/lib\n\ngo 1.22\n"),
            ("gen.go", generator),
            ("lib.go", "package lib\n"),
        ]);
        assert!(found.is_empty());
        // A main package without func main (a plugin).
        check_no_fix_go(&TRANSFORM, "1.22", "package main\n\nfunc Hook() {}\n");
    }

    #[test]
    fn module_wide_gomaxprocs_policy_blocks() {
        let cfg = "package config\n\nimport \"runtime\"\n\nfunc Apply(n int) {\n\truntime.GOMAXPROCS(n)\n}\n";
        let (_, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
            ("main.go", SERVICE),
            ("internal/config/config.go", cfg),
        ]);
        assert!(found.is_empty());
        // A query (`GOMAXPROCS(0)`) is not a policy; neither is a test's setting.
        let q = "package config\n\nimport \"runtime\"\n\nfunc Procs() int { return runtime.GOMAXPROCS(0) }\n";
        let t = "package config\n\nimport (\n\t\"runtime\"\n\t\"testing\"\n)\n\nfunc TestX(t *testing.T) { runtime.GOMAXPROCS(1) }\n";
        let (_, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
            ("main.go", SERVICE),
            ("internal/config/config.go", q),
            ("internal/config/config_test.go", t),
        ]);
        assert_eq!(found.len(), 1);
        // Nested modules and testdata do not count.
        let (_, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
            ("main.go", SERVICE),
            ("tools/go.mod", "module example.com/tools\n\ngo 1.22\n"),
            ("tools/t.go", cfg),
            ("testdata/x.go", cfg),
        ]);
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn policy_detection_reads_literals_and_aliases() {
        assert!(!sets_gomaxprocs(
            "package m\n\nimport \"runtime\"\n\nvar n = runtime.GOMAXPROCS(-1)\n"
        ));
        assert!(!sets_gomaxprocs(
            "package m\n\nimport \"runtime\"\n\nvar n = runtime.GOMAXPROCS((0x0))\n"
        ));
        assert!(sets_gomaxprocs(
            "package m\n\nimport \"runtime\"\n\nvar n = runtime.GOMAXPROCS(4)\n"
        ));
        assert!(sets_gomaxprocs(
            "package m\n\nimport rt \"runtime\"\n\nvar f = rt.GOMAXPROCS\n"
        ));
        assert!(sets_gomaxprocs(
            "package m\n\nimport . \"runtime\"\n\nfunc f() { GOMAXPROCS(2) }\n"
        ));
        assert!(!sets_gomaxprocs(
            "package m\n\n// runtime.GOMAXPROCS(8) is set by the operator\nfunc f() {}\n"
        ));
    }

    #[test]
    fn godebug_and_vendoring() {
        let (_, found) = run_tree(&[
            (
                "go.mod",
                "module example.com/svc\n\ngo 1.24\n\ngodebug containermaxprocs=1\n",
            ),
            ("main.go", SERVICE),
        ]);
        assert!(found.is_empty());
        let directive = format!("//go:debug default=go1.25\n{SERVICE}");
        let (_, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.24\n"),
            ("main.go", &directive),
        ]);
        assert!(found.is_empty());
        // At 1.25 with the runtime's sizing switched off, the import is the only sizing left: keep it.
        let (_, found) = run_tree(&[
            (
                "go.mod",
                "module example.com/svc\n\ngo 1.25\n\ngodebug containermaxprocs=0\n",
            ),
            ("main.go", SERVICE_FIXED),
        ]);
        assert!(found.is_empty());
        let (out, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
            ("vendor/modules.txt", ""),
            ("main.go", SERVICE),
        ]);
        assert_eq!(found.len(), 1);
        assert!(out.findings[0].1.fix.is_none() && out.changes.is_empty());
    }

    #[test]
    fn constrained_files_pick_the_free_file_or_every_main() {
        // Services that block forever (a one-shot `func main() {}` is not a service).
        let linux = "//go:build linux\n\npackage main\n\nfunc main() { select {} }\n";
        let windows = "//go:build windows\n\npackage main\n\nfunc main() { select {} }\n";
        let flags = "package main\n\nvar verbose bool\n";
        let (out, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
            ("main_linux.go", linux),
            ("main_windows.go", windows),
            ("flags.go", flags),
        ]);
        assert_eq!(found.len(), 1);
        assert!(
            changed(&out, "flags.go").is_some_and(|t| t.contains("_ \"go.uber.org/automaxprocs\""))
        );
        assert!(changed(&out, "main_linux.go").is_none());
        let (out, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
            ("main_linux.go", linux),
            ("main_windows.go", windows),
        ]);
        assert_eq!(found.len(), 1);
        assert!(
            changed(&out, "main_linux.go").is_some() && changed(&out, "main_windows.go").is_some()
        );
        assert!(has_platform_suffix("main_linux.go") && has_platform_suffix("x_linux_arm64.go"));
        assert!(!has_platform_suffix("linux.go") && !has_platform_suffix("http_server.go"));
    }

    #[test]
    fn one_shot_programs_do_not_fire() {
        let (_, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.22\n"),
            ("main.go", "package main\n\nfunc main() {}\n"),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn two_main_packages_share_one_require() {
        let (out, found) = run_tree(&[
            ("go.mod", "module example.com/svc\n\ngo 1.23\n"),
            ("cmd/a/main.go", SERVICE),
            ("cmd/b/main.go", SERVICE),
        ]);
        assert_eq!(found.len(), 2);
        assert_eq!(
            changed(&out, "go.mod").map(|t| t.matches("automaxprocs").count()),
            Some(1)
        );
        assert_eq!(changed(&out, "go.sum").map(|t| t.lines().count()), Some(2));
    }
}
