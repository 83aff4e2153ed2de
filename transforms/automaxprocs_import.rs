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
use crate::read::syntax::{self, named_children};
use crate::read::version::GoVersion;
use crate::rules::fix::{Fix, ImportChange, ModuleEdit, TextRange};
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use std::path::Path;
use tree_sitter::Node;

mod awareness;
mod files;
#[cfg(test)]
mod tests;

use awareness::{Awareness, scan_tree};
use files::{choose_files, is_program_file};

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
