//! # io-in-init (R4)
//!
//! ## What it does
//! Finds an `init` function whose only job is to fill one package variable from a call that does I/O
//! (reads a file, dials, runs a command, looks up the current user) — either `x = f(...)` alone, or
//! `var err error` / `x, err = f(...)` / `if err != nil { log.Fatal(err) }` — and turns the variable into a
//! lazy accessor: `var x = sync.OnceValue(func() T { ... })`, with every use of `x` in the package
//! (every file of the directory with the same package clause, in-package tests and files of other build
//! tags included) rewritten to `x()`. Below Go 1.21 the accessor is a function built on `sync.Once`.
//!
//! Any other `init` that does I/O (in its body or one level into a package helper) and fills package
//! variables is reported too, whatever its statement shape: through a temporary, with a follow-up loop
//! (dial, then pre-fetch), with an error branch that logs and goes on, decoding into `&x`. When it fills
//! one unexported variable the fix moves the whole body into the accessor:
//! `var x = sync.OnceValue(func() T { var x T; <the body as it was>; return x })` (the local shadows the
//! accessor inside, so the body and its comments move unchanged). Otherwise the finding says which
//! precondition withheld the fix (`(no fix: ...)`; JSON `fix_withheld`).
//!
//! ## Why is this bad?
//! Package initialisation runs before `main`, in every binary and every test binary that imports the
//! package, whether or not it ever touches `x`. I/O there makes start-up slow and fragile: a missing file
//! or an unreachable host kills `go test` of an unrelated package, a CLI's `--help`, or a tool that only
//! needs one function of the package. It also runs before `main` could set up logging, flags or a timeout.
//! A `sync.OnceValue` accessor pays the cost once, on first use, and only in programs that use it.
//!
//! ## Example
//! ```go
//! package geo
//!
//! import (
//! 	"log"
//! 	"os"
//! )
//!
//! // countries is the ISO table shipped next to the binary.
//! var countries []byte
//!
//! func init() {
//! 	var err error
//! 	countries, err = os.ReadFile("/usr/share/geo/countries.csv")
//! 	if err != nil {
//! 		log.Fatal(err)
//! 	}
//! }
//!
//! func Size() int { return len(countries) }
//! ```
//!
//! ## Use instead
//! ```go
//! package geo
//!
//! import (
//! 	"log"
//! 	"os"
//! 	"sync"
//! )
//!
//! // countries is the ISO table shipped next to the binary.
//! var countries = sync.OnceValue(func() []byte {
//! 	v, err := os.ReadFile("/usr/share/geo/countries.csv")
//! 	if err != nil {
//! 		log.Fatal(err)
//! 	}
//! 	return v
//! })
//!
//! func Size() int { return len(countries()) }
//! ```
//!
//! ## Fix safety
//! Unsafe (applied with `--unsafe-fixes`): the program does the same work, but later. The I/O now runs on
//! the first `x()` call — possibly on a request goroutine, with concurrent callers waiting for it, and
//! possibly never; a `log.Fatal` or `os.Exit` on failure now fires in a running program and skips every
//! deferred cleanup; a panic of the load (a `template.Must` wrapper) now happens at first use, where
//! `net/http` recovers it, and every later call panics again; environment or working-directory changes
//! made by `main` are now visible to the load.
//! The whole-body fix adds one more review point: everything the body does after the load (a pre-fetch
//! loop, a log line) now runs at first use as well.
//! The message lists the hazards that apply. Each `x()` is a call with an atomic load, and for a struct or
//! array `T` it returns a copy. The edit spans every file that uses `x` and is applied all-or-nothing; the
//! new declaration replaces the `init` (so the moved call keeps its imports), the old `var x T` goes (out of
//! a grouped `var (...)` if needed) and its doc comment moves to the new declaration; `sync` and the
//! packages `T` names are imported through the engine, and an import the deletion leaves unused goes.
//!
//! ## Version gating
//! `sync.OnceValue` needs Go 1.21 in the file that receives the declaration (the file's language version).
//! Below that, the error-checking shape becomes a `sync.Once` accessor function (`xOnce`, `xVal`,
//! `func x() T`); the bare `x = f(...)` shape is reported without a fix, because a `sync.Once` accessor
//! returns the zero value after a panic where `OnceValue` would panic again.
//!
//! ## When it does not fire
//! - Registration, flag definitions and pure table building (`sql.Register`, `http.HandleFunc`,
//!   `x = flag.String(...)`, `x = buildTable()` with no I/O): they must happen at import time, or gain
//!   nothing from laziness. Only calls to known I/O APIs count, in `init` or one level into a helper of the
//!   package: the standard library's file, network, user and template loaders, and any method or function
//!   named `Dial`, `DialContext`, `DialTimeout`, `Connect`, `ConnectContext`, `Ping` or `PingContext`
//!   (the connect step of database, broker, secret-store and RPC clients).
//! - `init` touching inherited file descriptors, the environment or process state (`os.Setenv`,
//!   `os.Unsetenv`, `os.Chdir`, `os.NewFile`, `net.FileListener`, `syscall`, `x/sys/unix`, systemd socket
//!   activation, `plugin`): deferring it changes what child processes inherit.
//! - An `init` in a test file (test set-up, where init order is the point), a generated file, or one that
//!   is not gofmt-shaped (`func init() {` at the start of a line).
//! - Package `main`, unless `--opt R4.main=true` (a CLI's start-up is its lifetime).
//!
//! ## When it is reported without a fix
//! The finding names the precondition (`(no fix: ...)`):
//! - `x` exported (an accessor changes the API), never read, or written anywhere else (`x = ...`,
//!   `x.f = ...`, `x[i] = ...`, `x++`, `&x`, a pointer-receiver method called on a non-pointer `x`, a method
//!   not declared in the package on a struct-like `x`), used as a key in a composite literal, read by
//!   another `init`, by a package-level initializer or by a function the load calls (directly or through
//!   any chain of package functions: inside its own `OnceValue` it would deadlock), or assigned by more
//!   than one `init`; the `init` fills more than one package variable.
//! - The load reads a package variable that is written anywhere, or one set by a flag package.
//! - The failure path does anything but end the process with `log.Fatal*` or a print and `os.Exit`, or
//!   just log and go on: a `panic` (net/http would recover it lazily, and every later call panics again),
//!   a logrus/zap/klog fatal call (configurable exit hooks), an early `return`.
//! - `x` declared with an initializer, without a type, with other names in its spec, in another file than
//!   the `init` (the whole-body fix) or under different build constraints; a `//go:` directive on the
//!   declaration (`//go:embed`); an assembly file in the directory or a `//go:linkname` mentioning `x`; a
//!   use of `x` in a file read only as context (git-ignored).
//! - The two textbook shapes only: comments inside the `init` body outside the moved call (they would be
//!   lost), a grouped `var` whose alignment the removal would change, a type whose package the `init` file
//!   names differently, a body longer than 24 lines (those go to the whole-body fix instead, which keeps
//!   comments). Any shape: a use of `x` followed by a comment on its line (gofmt aligns those).
//! - Below Go 1.21 the whole-body fix is withheld (`sync.OnceValue`); the bare `x = f(...)` shape is
//!   reported without a fix, because a `sync.Once` accessor returns the zero value after a panic where
//!   `OnceValue` would panic again.
//! - `x, err := f()` inside `init` declares a new local `x`: it is reported as a probable bug, with no
//!   fix.
//!
//! ## Options
//! `--opt R4.main=true` also rewrites `init` functions of `main` packages.
//!
//! ## References
//! The Go spec, "Package initialization"; `sync.OnceValue` in `src/sync/oncefunc.go` (Go 1.21 release
//! notes); the `os/exec` docs (a child process inherits the environment, which is why an `init` that
//! changes it is left alone); the go directive in the Go modules reference (go.dev/ref/mod).

mod accessor;
mod any_shape;
mod calls;
mod reads;
#[cfg(test)]
mod tests;
mod textbook;

use crate::read::syntax::{self, comment_follows, directive_above, line_end_incl, named_children};
use crate::read::version::GoVersion;
use crate::rules::fix::{Edit, Fix, ImportChange, TextRange};
use crate::rules::spec_removal::delete_var_spec;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic;
use crate::semantic::package::{Package, PkgFile};
use accessor::*;
use any_shape::*;
use calls::*;
use reads::*;
use std::collections::{BTreeSet, HashSet};
use textbook::*;
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R4",
        name: "io-in-init",
        summary: "init() does I/O to fill a package variable at import time",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        prefilter: &["func init()"],
        calls: &[],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[(
            "main",
            "true: also rewrite the init functions of main packages",
        )],
    },
    source: include_str!("io_in_init.rs"),
    query: QUERY,
    run,
    precheck,
    other_files: None,
};

const QUERY: &str = r#"
(source_file
  (function_declaration
    name: (identifier) @name
    body: (block) @body) @match
  (#eq? @name "init"))
"#;

/// The longest `init` body (in lines) the rule looks at; shared by the precheck and `run` so the precheck
/// never rejects a file `run` could report on.
const MAX_INIT_LINES: usize = 24;

/// Cheap and sound: some `func init() {` starts a line (any body shape is reported, see `any_shape`).
fn precheck(bytes: &[u8], _: &crate::read::gomod::Module) -> bool {
    memchr::memmem::find_iter(bytes, b"func init() {").any(|at| at == 0 || bytes[at - 1] == b'\n')
}

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let before = cx.reported();
    let _ = check(cx, m);
    // The owner's "R4 shapes" decision: whatever the body's shape, an `init` that fills a package variable
    // from I/O is reported; the two textbook shapes above get their precise fix, every other one here.
    if cx.reported() == before {
        let _ = any_shape(cx, m);
    }
    Some(())
}
