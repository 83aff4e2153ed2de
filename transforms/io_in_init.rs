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

use crate::fix::{Edit, Fix, ImportChange, TextRange};
use crate::package::{Package, PkgFile};
use crate::syntax::{self, declared_names, line_end_incl, line_start, named_children};
use crate::transform::{Ctx, Match, Meta, Transform};
use crate::version::GoVersion;
use std::collections::{BTreeSet, HashSet};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R4",
        name: "io-in-init",
        summary: "init() does I/O to fill a package variable at import time",
        fix: crate::fix::FixAvailability::Sometimes,
        prefilter: &["func init()"],
        tier: crate::transform::Tier::AlwaysShip,
        status: crate::transform::Status::Stable,
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
fn precheck(bytes: &[u8], _: &crate::gomod::Module) -> bool {
    memchr::memmem::find_iter(bytes, b"func init() {").any(|at| at == 0 || bytes[at - 1] == b'\n')
}

/// Calls that do real I/O (go-semantics §4.5.8), by import path.
const IO_CALLS: &[(&str, &[&str])] = &[
    (
        "os",
        &[
            "Open",
            "OpenFile",
            "OpenRoot",
            "ReadFile",
            "ReadDir",
            "Stat",
            "Lstat",
            "Create",
            "CreateTemp",
            "MkdirTemp",
            "Hostname",
        ],
    ),
    ("io/ioutil", &["ReadFile", "ReadDir", "TempFile", "TempDir"]),
    (
        "net",
        &[
            "Dial",
            "DialTimeout",
            "DialTCP",
            "DialUDP",
            "DialUnix",
            "DialIP",
            "LookupHost",
            "LookupIP",
            "LookupAddr",
            "LookupCNAME",
            "LookupMX",
            "LookupTXT",
            "LookupSRV",
            "LookupNS",
        ],
    ),
    ("net/http", &["Get", "Head", "Post", "PostForm"]),
    (
        "os/user",
        &[
            "Current",
            "Lookup",
            "LookupId",
            "LookupGroup",
            "LookupGroupId",
        ],
    ),
    ("crypto/tls", &["LoadX509KeyPair", "Dial", "DialWithDialer"]),
    ("crypto/x509", &["SystemCertPool"]),
    ("path/filepath", &["Glob", "Walk", "WalkDir"]),
    ("text/template", &["ParseFiles", "ParseGlob"]),
    ("html/template", &["ParseFiles", "ParseGlob"]),
];

/// Packages whose values are set by command-line parsing (go-semantics §4.5.5, §4.7).
const FLAG_PACKAGES: &[&str] = &[
    "flag",
    "github.com/spf13/pflag",
    "github.com/spf13/cobra",
    "github.com/spf13/viper",
    "gopkg.in/alecthomas/kingpin.v2",
    "github.com/alecthomas/kingpin/v2",
    "github.com/urfave/cli",
    "github.com/urfave/cli/v2",
];

/// Packages that reach inherited descriptors or process state (the owner's R4 decision).
const PROCESS_PACKAGES: &[&str] = &[
    "syscall",
    "plugin",
    "golang.org/x/sys/unix",
    "golang.org/x/sys/windows",
    "github.com/coreos/go-systemd/activation",
    "github.com/coreos/go-systemd/v22/activation",
];

/// Calls on process state: environment, working directory, inherited descriptors.
const PROCESS_CALLS: &[(&str, &[&str])] = &[
    (
        "os",
        &[
            "Setenv", "Unsetenv", "Clearenv", "Chdir", "NewFile", "Setuid", "Setgid", "Chroot",
        ],
    ),
    ("net", &["FileListener", "FileConn", "FilePacketConn"]),
];

/// The two `init` shapes of §4.2, and the shadowing mistake.
enum Shape<'t> {
    /// `x = f(...)`.
    Plain { assign: Node<'t>, call: Node<'t> },
    /// `var err error` / `x, err = f(...)` / `if err != nil { exit }`.
    Checked {
        assign: Node<'t>,
        call: Node<'t>,
        err: String,
        branch: Node<'t>,
    },
}

struct Found<'t> {
    shape: Shape<'t>,
    target: Node<'t>,
}

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) {
    let before = cx.reported();
    let _ = check(cx, m);
    // The owner's "R4 shapes" decision: whatever the body's shape, an `init` that fills a package variable
    // from I/O is reported; the two textbook shapes above get their precise fix, every other one here.
    if cx.reported() == before {
        let _ = any_shape(cx, m);
    }
}

/// An `init` that does I/O (in its body or one level into a package helper) and fills package variables
/// (`x = ...`, `x.f = ...`, `x[k] = ...`, `&x` passed on), whatever else it does. Reported; the fix moves
/// the whole body into a `sync.OnceValue` function that fills a local of the same name and returns it,
/// when that is mechanical, and otherwise says which precondition withheld it.
fn any_shape(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let init = m.node("match")?;
    let body = m.node("body")?;
    let pkg = cx.pkg;
    let file = cx.file();
    // Positive evidence of a legitimate init: test set-up, generated code, a `main` package (a CLI whose
    // start-up is its lifetime) unless asked for.
    if file.is_test || file.generated || init.start_position().column != 0 {
        return None;
    }
    if pkg.is_main() && !cx.options.flag("R4", "main") {
        return None;
    }
    let helpers = helpers_of(pkg, file, body);
    let io = calls_io(file, body) || helpers.iter().any(|(fi, f)| calls_io(&pkg.files[*fi], *f));
    if !io {
        return None;
    }
    // Registration, flags and process state must happen at import time (the owner's R4 decision).
    if touches_forbidden(file, body)
        || helpers
            .iter()
            .any(|(fi, f)| touches_forbidden(&pkg.files[*fi], *f))
    {
        return None;
    }
    let targets = filled_globals(pkg, file, init, body);
    let first = targets.first()?.clone();
    let names = targets
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut exits = false;
    syntax::walk(body, &mut |n| {
        if n.kind() == "call_expression" {
            exits |= n
                .child_by_field_name("function")
                .is_some_and(|f| file.node_text(f) == "panic")
                || ["Fatal", "Fatalf", "Fatalln"]
                    .iter()
                    .any(|f| file.is_pkg_call(n, "log", f))
                || file.is_pkg_call(n, "os", "Exit");
        }
    });
    let who = "every program and test importing the package";
    let fails = if exits { ", and dies if it fails" } else { "" };
    let head = format!(
        "`init` does I/O to fill {names} at import time: {who} pays for it{fails}, even when {} unused",
        if targets.len() == 1 {
            "it is"
        } else {
            "they are"
        }
    );
    let plan = whole_body_fix(cx, init, body, &targets);
    let range = TextRange::new(init.start_byte(), init.start_byte() + "func init()".len());
    match plan {
        Ok(fix) => {
            let message = format!(
                "{head}; make `{first}` a lazy `sync.OnceValue` accessor that runs the whole `init` body. Review: the I/O moves to the first `{first}()` call (first-use latency, maybe on a request goroutine){}, and env/cwd changes made by `main` become visible to it.",
                if exits {
                    ", its `log.Fatal`/`os.Exit` then skips deferred cleanups"
                } else {
                    ""
                }
            );
            cx.report(range, message).fix = Some(fix);
        }
        Err(why) => {
            let message = format!(
                "{head}; move the work into a lazy `sync.OnceValue` accessor (or an explicit start-up call from `main`)"
            );
            cx.report(range, message).withhold(why);
        }
    }
    Some(())
}

/// Package variables the `init` body writes: the root identifier of an assignment's left side, or of an
/// `&x` operand, that no declaration in the `init` shadows and that the package declares with `var`.
fn filled_globals(pkg: &Package, file: &PkgFile, init: Node<'_>, body: Node<'_>) -> Vec<String> {
    let src = &file.text;
    let mut roots = vec![];
    syntax::walk(body, &mut |n| match n.kind() {
        "assignment_statement" => {
            if let Some(l) = n.child_by_field_name("left") {
                roots.extend(named_children(l));
            }
        }
        "unary_expression"
            if n.child_by_field_name("operator")
                .is_some_and(|o| file.node_text(o) == "&") =>
        {
            roots.extend(n.child_by_field_name("operand"));
        }
        _ => {}
    });
    let mut out: Vec<String> = vec![];
    for mut r in roots {
        while let Some(inner) = match r.kind() {
            "selector_expression" => r.child_by_field_name("operand"),
            "index_expression" => r.child_by_field_name("operand"),
            "parenthesized_expression" => r.named_child(0),
            _ => None,
        } {
            r = inner;
        }
        if r.kind() != "identifier" {
            continue;
        }
        let name = file.node_text(r).to_string();
        if name == "_"
            || out.contains(&name)
            || syntax::declares_name(init, &name, src)
            || find_var(pkg, &name).is_none()
        {
            continue;
        }
        out.push(name);
    }
    out
}

/// The whole-body fix: `var x = sync.OnceValue(func() T {\n\tvar x T\n<body>\treturn x\n})`. The local
/// shadows the accessor inside the function, so the body keeps its text (and comments) as it is.
fn whole_body_fix(
    cx: &mut Ctx<'_>,
    init: Node<'_>,
    body: Node<'_>,
    targets: &[String],
) -> Result<Fix, String> {
    let pkg = cx.pkg;
    let init_idx = cx.file_idx;
    let file = cx.file();
    let [name] = targets else {
        return Err(format!(
            "the `init` fills {} package variables; one accessor cannot return them all",
            targets.len()
        ));
    };
    let name = name.as_str();
    if name.chars().next().is_some_and(char::is_uppercase) {
        return Err(format!(
            "`{name}` is exported: an accessor would change the package's API"
        ));
    }
    if file.versions.api < GoVersion(21) {
        return Err(format!(
            "`sync.OnceValue` needs Go 1.21 and this file is Go {}",
            file.versions.api
        ));
    }
    let decl = find_var(pkg, name).ok_or("the variable has more than one declaration")?;
    let plain = decl.spec.child_by_field_name("value").is_none() && {
        let mut c = decl.spec.walk();
        decl.spec.children_by_field_name("name", &mut c).count() == 1
    };
    let ty = decl
        .spec
        .child_by_field_name("type")
        .filter(|_| plain)
        .ok_or_else(|| format!("`{name}` is not declared as a plain `var {name} T`"))?;
    let var_file = &pkg.files[decl.file];
    if decl.file != init_idx {
        return Err(format!(
            "`{name}` is declared in another file than the `init`"
        ));
    }
    if directive_above(&var_file.text, decl.decl.start_byte())
        || directive_above(&var_file.text, decl.spec.start_byte())
        || !var_file.editable
        || pkg.has_assembly()
        || linkname_mentions(pkg, name)
    {
        return Err(format!(
            "`{name}` carries a compiler directive, assembly or linkname"
        ));
    }
    // The body becomes a function returning `T`: an early `return` there would not compile.
    let mut returns = false;
    syntax::walk(body, &mut |n| {
        returns |= n.kind() == "return_statement"
            && syntax::enclosing_function(n).is_some_and(|f| f.id() == init.id());
    });
    if returns {
        return Err("the `init` returns early".into());
    }
    // How the body fails must survive the move: a panic would be recovered by net/http and raised again
    // on every later call; a third-party fatal logger's exit hooks are configurable.
    let mut failure = None;
    syntax::walk(body, &mut |n| {
        if failure.is_some() || n.kind() != "call_expression" {
            return;
        }
        let Some(f) = n.child_by_field_name("function") else {
            return;
        };
        if f.kind() == "identifier"
            && file.node_text(f) == "panic"
            && !syntax::declares_name(init, "panic", &file.text)
        {
            failure = Some(
                "the `init` panics on failure: lazily, net/http would recover it and every later call would panic again",
            );
        } else if f.kind() == "selector_expression"
            && f.child_by_field_name("field").is_some_and(|x| {
                matches!(
                    file.node_text(x),
                    "Fatal" | "Fatalf" | "Fatalln" | "Panic" | "Panicf" | "Panicln"
                )
            })
            && !f
                .child_by_field_name("operand")
                .is_some_and(|o| file.names_package(o, "log"))
        {
            failure = Some(
                "the `init` fails through a logger whose exit or panic hooks are configurable",
            );
        }
    });
    if let Some(why) = failure {
        return Err(why.into());
    }
    let text = file.node_text(body);
    let inner = text
        .strip_prefix("{\n")
        .and_then(|t| t.strip_suffix('}'))
        .ok_or("the `init` body is not gofmt-shaped")?;
    if reads_written_global(pkg, file, body, name) {
        return Err("the `init` reads a package variable that is written elsewhere or set by a flag (its value at first use may differ)".into());
    }
    let refs =
        references(pkg, name).ok_or_else(|| format!("some use of `{name}` cannot be resolved"))?;
    // A function the body calls must not read `x`: inside the accessor it would call it again.
    let reachable = reachable_functions(pkg, &[(init_idx, body)]);
    let mut init_seeds = vec![];
    for (fi, f) in pkg.files.iter().enumerate() {
        for d in named_children(f.tree().root_node()) {
            match d.kind() {
                "var_declaration" => init_seeds.extend(
                    var_specs(d)
                        .into_iter()
                        .filter_map(|s| s.child_by_field_name("value"))
                        .map(|v| (fi, v)),
                ),
                "function_declaration"
                    if d.id() != init.id()
                        && d.child_by_field_name("name")
                            .is_some_and(|n| f.node_text(n) == "init") =>
                {
                    init_seeds.push((fi, d));
                }
                _ => {}
            }
        }
    }
    let init_reachable = reachable_functions(pkg, &init_seeds);
    let methods = package_methods(pkg);
    let kind = type_kind(pkg, var_file, ty);
    let mut reads = vec![];
    for (fi, id) in &refs {
        if *fi == init_idx
            && init.start_byte() <= id.start_byte()
            && id.end_byte() <= init.end_byte()
        {
            continue;
        }
        let f = &pkg.files[*fi];
        if !f.editable || f.generated {
            return Err(format!("`{name}` is used in a file that is not edited"));
        }
        let Some(top) = syntax::ancestors(*id)
            .find(|a| matches!(a.kind(), "function_declaration" | "method_declaration"))
        else {
            return Err(format!("a package-level initializer reads `{name}`"));
        };
        let in_init = top.kind() == "function_declaration"
            && top
                .child_by_field_name("name")
                .is_some_and(|n| f.node_text(n) == "init");
        if in_init || init_reachable.contains(&(*fi, top.id())) {
            return Err(format!("another `init` or initializer reads `{name}`"));
        }
        if reachable.contains(&(*fi, top.id())) {
            return Err(format!(
                "a function the `init` calls reads `{name}`, which would call the accessor from inside itself"
            ));
        }
        if !is_plain_read(f, *id, kind, &methods) {
            return Err(format!(
                "`{name}` is written, addressed or mutated outside the `init`"
            ));
        }
        if comment_follows(&f.text[id.end_byte()..line_end_incl(&f.text, id.end_byte())]) {
            return Err("a use of the variable shares its line with a comment gofmt aligns".into());
        }
        reads.push((*fi, *id));
    }
    if reads.is_empty() {
        return Err(format!("`{name}` is never read"));
    }
    let ty_text = var_file.node_text(ty).to_string();
    let (del, doc) = delete_var(&var_file.text, &decl).map_err(str::to_string)?;
    let sync = cx.import_name(init_idx, "sync", "gosync");
    let mut fix = Fix::unsafe_fix(format!(
        "make `{name}` a lazy `sync.OnceValue` accessor running the `init` body, and call it at its uses"
    ))
    .import(
        init_idx,
        ImportChange::Add {
            path: "sync".into(),
            name: sync.clone(),
        },
    )
    .edit(decl.file, del);
    let new_text = format!(
        "{doc}var {name} = {sync}.OnceValue(func() {ty_text} {{\n\tvar {name} {ty_text}\n{inner}\treturn {name}\n}})"
    );
    fix = fix.edit(init_idx, Edit::replace(TextRange::of(init), new_text));
    for (fi, id) in reads {
        fix = fix.edit(fi, Edit::insert(id.end_byte(), "()"));
    }
    Ok(fix)
}

fn check(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let init = m.node("match")?;
    let body = m.node("body")?;
    let file = cx.file();
    let src = cx.src();
    // An `init` in a test file sets up tests; moving its variable into a test file is no option either.
    if file.is_test || init.start_position().column != 0 {
        return None;
    }
    if !src[init.start_byte()..].starts_with("func init() {")
        || src[body.byte_range()].lines().count() > MAX_INIT_LINES + 1
    {
        return None;
    }
    let stmts = syntax::block_statements(body);
    if let Some(()) = shadowing(cx, init, &stmts) {
        return Some(());
    }
    let found = match_shape(file, &stmts)?;
    let pkg = cx.pkg;
    let name = file.node_text(found.target).to_string();
    // §4.5.1: exported names are API.
    let first = name.chars().next()?;
    if name == "_" || first.is_uppercase() {
        return None;
    }
    // §4.5.11: not in `main` unless asked for.
    if pkg.is_main() && !cx.options.flag("R4", "main") {
        return None;
    }
    let call = match &found.shape {
        Shape::Plain { call, .. } | Shape::Checked { call, .. } => *call,
    };
    // In `v, err := f(args)` an `err` among the arguments would no longer be the init's local.
    if let Shape::Checked { err, .. } = &found.shape
        && syntax::identifiers(call, src).contains(err)
    {
        return None;
    }
    let branch = match &found.shape {
        Shape::Checked { branch, .. } => Some(*branch),
        Shape::Plain { .. } => None,
    };
    // The declaration: `var x T`, one name, a type, no value, exactly once in the package.
    let decl = find_var(pkg, &name)?;
    let var_file = &pkg.files[decl.file];
    let ty = decl.spec.child_by_field_name("type")?;
    if decl.spec.child_by_field_name("value").is_some() {
        return None;
    }
    let mut c = decl.spec.walk();
    if decl.spec.children_by_field_name("name", &mut c).count() != 1 {
        return None;
    }
    // A compiler directive on the declaration (`//go:embed` fills the variable itself) → never.
    if directive_above(&var_file.text, decl.decl.start_byte())
        || directive_above(&var_file.text, decl.spec.start_byte())
    {
        return None;
    }
    // §4.5.10: same build constraints for the var and the init.
    if !same_constraints(var_file, file) || var_file.is_test {
        return None;
    }
    // §0.2 / §4.5.9: generated files, assembly, linkname.
    if !var_file.editable
        || var_file.generated
        || pkg.has_assembly()
        || linkname_mentions(pkg, &name)
    {
        return None;
    }
    // §4.5.8 and §4.7: the call does real I/O; no registration, flags or process state on the way.
    let helpers = helpers_of(pkg, file, call);
    let io = calls_io(file, call) || helpers.iter().any(|(fi, f)| calls_io(&pkg.files[*fi], *f));
    if !io {
        return None;
    }
    let mut scanned: Vec<(&PkgFile, Node<'_>)> = vec![(file, call)];
    if let Some(b) = branch {
        scanned.push((file, b));
    }
    scanned.extend(helpers.iter().map(|(fi, f)| (&pkg.files[*fi], *f)));
    for (f, n) in &scanned {
        if touches_forbidden(f, *n) {
            return None;
        }
    }
    // §4.5.5: package variables the load reads must never be written.
    for (f, n) in &scanned {
        if reads_written_global(pkg, f, *n, &name) {
            return None;
        }
    }
    // §4.4 / §4.5.2-4: every reference in the package, each a plain read outside initialisation.
    let refs = references(pkg, &name)?;
    // §4.5.4: the load itself must not read `x` (through any chain of package functions): `x()` from
    // inside its own `OnceValue` deadlocks.
    let reachable = reachable_functions(pkg, &[(cx.file_idx, call)]);
    // ... nor may any other initialisation reach it: a package-level initializer or another `init` saw the
    // zero value, through however many calls (§4.5.4).
    let mut init_seeds = vec![];
    for (fi, f) in pkg.files.iter().enumerate() {
        for d in named_children(f.tree().root_node()) {
            match d.kind() {
                "var_declaration" => init_seeds.extend(
                    var_specs(d)
                        .into_iter()
                        .filter_map(|s| s.child_by_field_name("value"))
                        .map(|v| (fi, v)),
                ),
                "function_declaration"
                    if d.id() != init.id()
                        && d.child_by_field_name("name")
                            .is_some_and(|n| f.node_text(n) == "init") =>
                {
                    init_seeds.push((fi, d));
                }
                _ => {}
            }
        }
    }
    let init_reachable = reachable_functions(pkg, &init_seeds);
    let mut reads = vec![];
    let methods = package_methods(pkg);
    let kind = type_kind(pkg, var_file, ty);
    for (fi, id) in &refs {
        if id.id() == found.target.id() {
            continue;
        }
        let f = &pkg.files[*fi];
        if !f.editable || f.generated {
            return None;
        }
        let top = syntax::ancestors(*id)
            .find(|a| matches!(a.kind(), "function_declaration" | "method_declaration"));
        let Some(top) = top else {
            // A package-level initializer saw the zero value (§4.5.4).
            return None;
        };
        let in_init = top.kind() == "function_declaration"
            && top
                .child_by_field_name("name")
                .is_some_and(|n| f.node_text(n) == "init");
        if in_init
            || reachable.contains(&(*fi, top.id()))
            || init_reachable.contains(&(*fi, top.id()))
        {
            return None;
        }
        if !is_plain_read(f, *id, kind, &methods) {
            return None;
        }
        reads.push((*fi, *id));
    }
    if reads.is_empty() {
        return None;
    }
    let api = file.versions.api;
    let fatal = branch.is_some();
    let hazards = format!(
        "Review: the load moves to the first `{name}()` call (first-use latency, maybe on a request goroutine){}, and env/cwd changes made by `main` become visible to it.",
        if fatal {
            ", its `log.Fatal`/`os.Exit` then skips deferred cleanups"
        } else if panics_on_failure(file, call) {
            ", a failure panics there (net/http recovers it) and again on every later call"
        } else {
            ""
        }
    );
    let who = if pkg.is_main() {
        "every run of the binary (tests and `--help` included)"
    } else {
        "every program and test importing the package"
    };
    let head = format!(
        "`init` does I/O to fill `{name}` at import time: {who} pays for it, and dies if it fails, even when `{name}` is unused"
    );
    let once_value = api >= GoVersion(21);
    if !once_value && !fatal {
        cx.report(
            TextRange::of(found_stmt(&found)),
            format!(
                "{head}; make it a lazy `sync.OnceValue` accessor once the file is Go 1.21 (it is Go {api}; no `sync.Once` fix is offered, as it would return the zero value after a panic)."
            ),
        );
        return Some(());
    }
    let how = if once_value {
        "make it a lazy `sync.OnceValue` accessor"
    } else {
        "make it a lazy accessor on `sync.Once` (this file predates Go 1.21's `sync.OnceValue`)"
    };
    let message = format!("{head}; {how}. {hazards}");
    let plan = build_fix(cx, init, &found, &decl, ty, &name, &reads, once_value);
    let stmt = found_stmt(&found);
    match plan {
        Ok(fix) => {
            let d = cx.report(TextRange::of(stmt), message);
            d.fix = Some(fix);
        }
        Err(why) => {
            cx.report(
                TextRange::of(stmt),
                format!("{message} (No automatic fix: {why}.)"),
            );
        }
    }
    Some(())
}

fn found_stmt<'t>(f: &Found<'t>) -> Node<'t> {
    match &f.shape {
        Shape::Plain { assign, .. } | Shape::Checked { assign, .. } => *assign,
    }
}

/// Does the call go through a `Must`-style wrapper (`template.Must`, `mustLoad`), which panics on failure?
fn panics_on_failure(file: &PkgFile, call: Node<'_>) -> bool {
    let mut found = false;
    syntax::walk(call, &mut |n| {
        if n.kind() == "call_expression"
            && let Some(f) = n.child_by_field_name("function")
        {
            let name = match f.kind() {
                "identifier" => Some(f),
                "selector_expression" => f.child_by_field_name("field"),
                _ => None,
            };
            found |= name.is_some_and(|c| {
                let t = file.node_text(c);
                t.starts_with("Must") || t.starts_with("must")
            });
        }
    });
    found
}

/// §4.2: `x, err := f()` in `init` declares a new local `x` beside a package variable `x` that nothing
/// else ever assigns — a probable bug, reported without a fix.
fn shadowing(cx: &mut Ctx<'_>, init: Node<'_>, stmts: &[Node<'_>]) -> Option<()> {
    let file = cx.file();
    let pkg = cx.pkg;
    if !calls_io(file, init) {
        return None;
    }
    for s in stmts {
        if s.kind() != "short_var_declaration" {
            continue;
        }
        let right = s.child_by_field_name("right")?;
        let rhs = named_children(right);
        if rhs.len() != 1 || rhs[0].kind() != "call_expression" {
            continue;
        }
        let left = s.child_by_field_name("left")?;
        for id in named_children(left) {
            let name = file.node_text(id);
            if name == "_" || name == "err" {
                continue;
            }
            let Some(decl) = find_var(pkg, name) else {
                continue;
            };
            if decl.spec.child_by_field_name("value").is_some() {
                continue;
            }
            // The package variable is never assigned anywhere, so it stays zero.
            let Some(refs) = references(pkg, name) else {
                continue;
            };
            let kind = type_kind(
                pkg,
                &pkg.files[decl.file],
                decl.spec.child_by_field_name("type")?,
            );
            let methods = package_methods(pkg);
            let assigned = refs
                .iter()
                .any(|(fi, r)| !is_plain_read(&pkg.files[*fi], *r, kind, &methods));
            if assigned || refs.is_empty() {
                continue;
            }
            cx.report(
                TextRange::of(*s),
                format!(
                    "`:=` declares a new local `{name}` that shadows the package-level `{name}`, which nothing assigns and so stays at its zero value; probably `=` was meant (declare the other names with `var`)"
                ),
            );
            return Some(());
        }
    }
    None
}

fn match_shape<'t>(file: &PkgFile, stmts: &[Node<'t>]) -> Option<Found<'t>> {
    match stmts {
        [assign] => {
            let (targets, call) = assignment(file, *assign)?;
            let [target] = targets.as_slice() else {
                return None;
            };
            Some(Found {
                shape: Shape::Plain {
                    assign: *assign,
                    call,
                },
                target: *target,
            })
        }
        [var, assign, branch] => {
            // `var err error`
            if var.kind() != "var_declaration" {
                return None;
            }
            let specs = var_specs(*var);
            let [spec] = specs.as_slice() else {
                return None;
            };
            let mut c = spec.walk();
            let names: Vec<Node<'_>> = spec.children_by_field_name("name", &mut c).collect();
            let [err] = names.as_slice() else {
                return None;
            };
            let err = file.node_text(*err).to_string();
            if spec.child_by_field_name("value").is_some()
                || spec
                    .child_by_field_name("type")
                    .is_none_or(|t| file.node_text(t) != "error")
            {
                return None;
            }
            let (targets, call) = assignment(file, *assign)?;
            let [target, e] = targets.as_slice() else {
                return None;
            };
            if file.node_text(*e) != err || file.node_text(*target) == err {
                return None;
            }
            if !exits_on_error(file, *branch, &err) {
                return None;
            }
            Some(Found {
                shape: Shape::Checked {
                    assign: *assign,
                    call,
                    err,
                    branch: *branch,
                },
                target: *target,
            })
        }
        _ => None,
    }
}

/// `a, b = call(...)`: the identifiers on the left and the one call on the right.
fn assignment<'t>(file: &PkgFile, n: Node<'t>) -> Option<(Vec<Node<'t>>, Node<'t>)> {
    if n.kind() != "assignment_statement" {
        return None;
    }
    if file.node_text(n.child_by_field_name("operator")?) != "=" {
        return None;
    }
    let left = named_children(n.child_by_field_name("left")?);
    let right = named_children(n.child_by_field_name("right")?);
    if left.iter().any(|l| l.kind() != "identifier") {
        return None;
    }
    match right.as_slice() {
        [call] if call.kind() == "call_expression" => Some((left, *call)),
        _ => None,
    }
}

fn var_specs(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut out = vec![];
    for c in named_children(decl) {
        match c.kind() {
            "var_spec" => out.push(c),
            "var_spec_list" => out.extend(
                named_children(c)
                    .into_iter()
                    .filter(|s| s.kind() == "var_spec"),
            ),
            _ => {}
        }
    }
    out
}

/// §4.5.7: `if err != nil { log.Fatal*(...) }` or `{ print...; os.Exit(n) }`, no init, no else.
fn exits_on_error(file: &PkgFile, n: Node<'_>, err: &str) -> bool {
    if n.kind() != "if_statement"
        || n.child_by_field_name("initializer").is_some()
        || n.child_by_field_name("alternative").is_some()
    {
        return false;
    }
    let Some(cond) = n.child_by_field_name("condition") else {
        return false;
    };
    let cond_ok = cond.kind() == "binary_expression"
        && cond
            .child_by_field_name("left")
            .is_some_and(|l| l.kind() == "identifier" && file.node_text(l) == err)
        && cond
            .child_by_field_name("operator")
            .is_some_and(|o| file.node_text(o) == "!=")
        && cond
            .child_by_field_name("right")
            .is_some_and(|r| r.kind() == "nil");
    let Some(block) = n.child_by_field_name("consequence") else {
        return false;
    };
    let stmts = syntax::block_statements(block);
    let calls: Option<Vec<Node<'_>>> = stmts
        .iter()
        .map(|s| {
            (s.kind() == "expression_statement")
                .then(|| named_children(*s).into_iter().next())
                .flatten()
                .filter(|c| c.kind() == "call_expression")
        })
        .collect();
    let Some(calls) = calls else {
        return false;
    };
    let fatal = |c: Node<'_>| {
        ["Fatal", "Fatalf", "Fatalln"]
            .iter()
            .any(|f| file.is_pkg_call(c, "log", f))
    };
    let print = |c: Node<'_>| {
        [
            "Print", "Printf", "Println", "Fprint", "Fprintf", "Fprintln",
        ]
        .iter()
        .any(|f| file.is_pkg_call(c, "fmt", f))
            || ["Print", "Printf", "Println"]
                .iter()
                .any(|f| file.is_pkg_call(c, "log", f))
    };
    let body_ok = match calls.as_slice() {
        [only] => fatal(*only) || file.is_pkg_call(*only, "os", "Exit"),
        [prints @ .., last] => {
            file.is_pkg_call(*last, "os", "Exit") && prints.iter().all(|p| print(*p))
        }
        [] => false,
    };
    cond_ok && body_ok
}

struct VarDecl<'t> {
    file: usize,
    decl: Node<'t>,
    spec: Node<'t>,
}

/// The one package-level `var` spec declaring `name`, if exactly one exists.
fn find_var<'a>(pkg: &'a Package, name: &str) -> Option<VarDecl<'a>> {
    let mut found = None;
    for (fi, f) in pkg.files.iter().enumerate() {
        if !contains_word(&f.text, name) {
            continue;
        }
        for decl in named_children(f.tree().root_node()) {
            if decl.kind() != "var_declaration" {
                continue;
            }
            for spec in var_specs(decl) {
                let mut c = spec.walk();
                if spec
                    .children_by_field_name("name", &mut c)
                    .any(|n| f.node_text(n) == name)
                {
                    if found.is_some() {
                        return None;
                    }
                    found = Some(VarDecl {
                        file: fi,
                        decl,
                        spec,
                    });
                }
            }
        }
    }
    found
}

/// Is one of the comment lines directly above the line holding `at` a `//go:` directive?
fn directive_above(src: &str, at: usize) -> bool {
    let mut start = line_start(src, at);
    while start > 0 {
        let prev = line_start(src, start - 1);
        let line = src[prev..start].trim();
        if !line.starts_with("//") {
            return false;
        }
        if line.starts_with("//go:") {
            return true;
        }
        start = prev;
    }
    false
}

fn contains_word(text: &str, name: &str) -> bool {
    let b = text.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    memchr::memmem::find_iter(b, name.as_bytes()).any(|at| {
        (at == 0 || !is_ident(b[at - 1])) && b.get(at + name.len()).is_none_or(|c| !is_ident(*c))
    })
}

fn same_constraints(a: &PkgFile, b: &PkgFile) -> bool {
    let name = |f: &PkgFile| {
        f.path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    let (na, nb) = (name(a), name(b));
    crate::buildtags::filename_platform(&na) == crate::buildtags::filename_platform(&nb)
        && crate::buildtags::file_constraint(&a.text).ok()
            == crate::buildtags::file_constraint(&b.text).ok()
        && crate::buildtags::file_constraint(&a.text).is_ok()
}

fn linkname_mentions(pkg: &Package, name: &str) -> bool {
    pkg.files.iter().any(|f| {
        f.text
            .lines()
            .any(|l| l.starts_with("//go:linkname") && contains_word(l, name))
    })
}

/// Same-package functions the call reaches directly (its function and any function called inside its
/// arguments), as (file, declaration): "one level into a helper" (§4.5.8).
fn helpers_of<'a>(pkg: &'a Package, file: &PkgFile, call: Node<'_>) -> Vec<(usize, Node<'a>)> {
    let mut names = BTreeSet::new();
    syntax::walk(call, &mut |n| {
        if n.kind() == "call_expression"
            && let Some(f) = n.child_by_field_name("function")
            && f.kind() == "identifier"
        {
            names.insert(file.node_text(f).to_string());
        }
    });
    let mut out = vec![];
    for name in names {
        for (fi, f) in pkg.files.iter().enumerate() {
            if !contains_word(&f.text, &name) {
                continue;
            }
            for d in named_children(f.tree().root_node()) {
                if d.kind() == "function_declaration"
                    && d.child_by_field_name("name")
                        .is_some_and(|n| f.node_text(n) == name)
                {
                    out.push((fi, d));
                }
            }
        }
    }
    out
}

/// Every function and method of the package that the call may reach, transitively, as (file, declaration
/// id): any package function or method whose name is spelled (called or taken as a value) in the call or in
/// a reached body. Over-approximates methods by name.
fn reachable_functions(pkg: &Package, seeds: &[(usize, Node<'_>)]) -> HashSet<(usize, usize)> {
    let mut decls: Vec<(usize, String, Node<'_>)> = vec![];
    for (fi, f) in pkg.files.iter().enumerate() {
        for d in named_children(f.tree().root_node()) {
            if matches!(d.kind(), "function_declaration" | "method_declaration")
                && let Some(n) = d.child_by_field_name("name")
            {
                decls.push((fi, f.node_text(n).to_string(), d));
            }
        }
    }
    let spelled = |f: &PkgFile, n: Node<'_>| -> HashSet<String> {
        let mut out = HashSet::new();
        syntax::walk(n, &mut |c| {
            if matches!(c.kind(), "identifier" | "field_identifier") {
                out.insert(f.node_text(c).to_string());
            }
        });
        out
    };
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut queue: Vec<HashSet<String>> = seeds
        .iter()
        .map(|(fi, n)| spelled(&pkg.files[*fi], *n))
        .collect();
    while let Some(names) = queue.pop() {
        for (fi, name, d) in &decls {
            if names.contains(name) && name != "init" && seen.insert((*fi, d.id())) {
                queue.push(spelled(&pkg.files[*fi], *d));
            }
        }
    }
    seen
}

/// Does `node` contain a call to a known I/O API (§4.5.8)?
fn calls_io(file: &PkgFile, node: Node<'_>) -> bool {
    let mut found = false;
    syntax::walk(node, &mut |n| {
        if found || n.kind() != "call_expression" {
            return;
        }
        found = IO_CALLS
            .iter()
            .any(|(path, fs)| fs.iter().any(|f| file.is_pkg_call(n, path, f)))
            || io_method_chain(file, n)
            || dials(file, n);
    });
    found
}

/// Names that connect to another process whatever package declares them: the clients of databases,
/// secret stores, brokers and RPC services (`grpc.Dial`, `redis.Dial`, `vault.Dial(addr)`, `db.Ping()`) spell
/// their connect step this way. Detection only: the fix stays Unsafe whatever the callee.
const DIAL_NAMES: &[&str] = &[
    "Dial",
    "DialContext",
    "DialTimeout",
    "Connect",
    "ConnectContext",
    "Ping",
    "PingContext",
];

/// A call of a function or method named in `DIAL_NAMES`, through a selector (`pkg.Dial`, `c.Connect`).
fn dials(file: &PkgFile, call: Node<'_>) -> bool {
    call.child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
        .and_then(|f| f.child_by_field_name("field"))
        .is_some_and(|name| DIAL_NAMES.contains(&file.node_text(name)))
}

/// `exec.Command(...).Output()`, `http.DefaultClient.Get(...)`, `template.New(..).ParseFiles(...)`.
fn io_method_chain(file: &PkgFile, call: Node<'_>) -> bool {
    let Some(f) = call.child_by_field_name("function") else {
        return false;
    };
    if f.kind() != "selector_expression" {
        return false;
    }
    let (Some(field), Some(operand)) = (
        f.child_by_field_name("field"),
        f.child_by_field_name("operand"),
    ) else {
        return false;
    };
    let method = file.node_text(field);
    match method {
        "Output" | "CombinedOutput" | "Run" => {
            operand.kind() == "call_expression"
                && (file.is_pkg_call(operand, "os/exec", "Command")
                    || file.is_pkg_call(operand, "os/exec", "CommandContext"))
        }
        "Get" | "Head" | "Post" | "PostForm" | "Do" => {
            operand.kind() == "selector_expression"
                && operand
                    .child_by_field_name("field")
                    .is_some_and(|n| file.node_text(n) == "DefaultClient")
                && operand
                    .child_by_field_name("operand")
                    .is_some_and(|o| file.names_package(o, "net/http"))
        }
        "ParseFiles" | "ParseGlob" => {
            let mut root = operand;
            loop {
                root = match root.kind() {
                    "call_expression" => match root.child_by_field_name("function") {
                        Some(n) => n,
                        None => return false,
                    },
                    "selector_expression" => match root.child_by_field_name("operand") {
                        Some(n) => n,
                        None => return false,
                    },
                    _ => break,
                };
            }
            file.names_package(root, "text/template") || file.names_package(root, "html/template")
        }
        _ => false,
    }
}

/// Flags, registration and process state anywhere in `node` (§4.5.5, §4.7, owner's decision).
fn touches_forbidden(file: &PkgFile, node: Node<'_>) -> bool {
    let mut bad = false;
    syntax::walk(node, &mut |n| {
        if bad {
            return;
        }
        match n.kind() {
            "selector_expression" => {
                if let Some(o) = n.child_by_field_name("operand")
                    && o.kind() == "identifier"
                {
                    bad = FLAG_PACKAGES
                        .iter()
                        .chain(PROCESS_PACKAGES)
                        .any(|p| file.names_package(o, p));
                }
            }
            "call_expression" => {
                bad = PROCESS_CALLS
                    .iter()
                    .any(|(p, fs)| fs.iter().any(|f| file.is_pkg_call(n, p, f)));
                let callee = n
                    .child_by_field_name("function")
                    .and_then(|f| match f.kind() {
                        "identifier" => Some(f),
                        "selector_expression" => f.child_by_field_name("field"),
                        _ => None,
                    });
                if let Some(c) = callee {
                    let name = file.node_text(c);
                    bad |= name.starts_with("Register")
                        || name.starts_with("MustRegister")
                        || matches!(
                            name,
                            "Handle" | "HandleFunc" | "Publish" | "AddExtensionType"
                        );
                }
            }
            "interpreted_string_literal" | "raw_string_literal" => {
                let t = file.node_text(n);
                bad = t.contains("LISTEN_FDS") || t.contains("LISTEN_PID");
            }
            _ => {}
        }
    });
    bad
}

/// §4.5.5: does `node` read a package-level variable (other than `target`) that is written anywhere, or
/// one initialised from a flag package?
fn reads_written_global(pkg: &Package, file: &PkgFile, node: Node<'_>, target: &str) -> bool {
    let mut names = BTreeSet::new();
    syntax::walk(node, &mut |n| {
        if n.kind() == "identifier" {
            names.insert(file.node_text(n).to_string());
        }
    });
    let methods = package_methods(pkg);
    for name in names {
        if name == target {
            continue;
        }
        let Some(decl) = find_var(pkg, &name) else {
            continue;
        };
        let vf = &pkg.files[decl.file];
        if let Some(v) = decl.spec.child_by_field_name("value")
            && touches_forbidden(vf, v)
        {
            return true;
        }
        let Some(refs) = references(pkg, &name) else {
            return true;
        };
        let kind = decl
            .spec
            .child_by_field_name("type")
            .map_or(Kind::Unknown, |t| type_kind(pkg, vf, t));
        if refs
            .iter()
            .any(|(fi, r)| !is_plain_read(&pkg.files[*fi], *r, kind, &methods))
        {
            return true;
        }
    }
    false
}

/// Every identifier in the package that resolves to the package-level `name` (§4.4), declaration
/// excluded. `None` when resolution is unsure somewhere or `name` is a composite-literal key.
fn references<'a>(pkg: &'a Package, name: &str) -> Option<Vec<(usize, Node<'a>)>> {
    let mut out = vec![];
    for (fi, f) in pkg.files.iter().enumerate() {
        if !contains_word(&f.text, name) {
            continue;
        }
        let mut unsure = false;
        syntax::walk(f.tree().root_node(), &mut |n| {
            if unsure || n.kind() != "identifier" || f.node_text(n) != name {
                return;
            }
            if is_declared_here(n) {
                return;
            }
            if is_literal_key(n) {
                unsure = true;
                return;
            }
            match resolve(n, name, &f.text) {
                Res::Global => out.push((fi, n)),
                Res::Local => {}
                Res::Unsure => unsure = true,
            }
        });
        if unsure {
            return None;
        }
    }
    Some(out)
}

fn is_declared_here(n: Node<'_>) -> bool {
    let Some(p) = n.parent() else {
        return false;
    };
    let mine = |d: Node<'_>| declared_names(d).iter().any(|x| x.id() == n.id());
    if mine(p) {
        return true;
    }
    // `a, b := ...`, `for k, v := range`, `case v := <-ch`: the names sit in an expression list.
    p.kind() == "expression_list" && p.parent().is_some_and(mine)
        || matches!(p.kind(), "function_declaration" | "method_declaration")
            && p.child_by_field_name("name")
                .is_some_and(|x| x.id() == n.id())
}

fn is_literal_key(n: Node<'_>) -> bool {
    let Some(p) = n.parent() else {
        return false;
    };
    let key_of = |k: Node<'_>, child: Node<'_>| {
        k.kind() == "keyed_element" && k.named_child(0).is_some_and(|c| c.id() == child.id())
    };
    match p.kind() {
        "literal_element" => p.parent().is_some_and(|k| key_of(k, p)),
        "keyed_element" => key_of(p, n),
        _ => false,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Res {
    Global,
    Local,
    Unsure,
}

/// Does some node of `list` (a parameter list) declare `name` itself (not inside a nested func type)?
fn params_declare(list: Node<'_>, name: &str, src: &str) -> bool {
    let mut found = false;
    let mut check = |n: Node<'_>| {
        found |= declared_names(n)
            .iter()
            .any(|d| syntax::text(*d, src) == name);
    };
    check(list);
    for c in named_children(list) {
        check(c);
    }
    found
}

/// The names a statement declares in its enclosing block (not in nested scopes).
fn statement_declares(s: Node<'_>, name: &str, src: &str) -> Option<bool> {
    let hit = |ns: Vec<Node<'_>>| ns.iter().any(|d| syntax::text(*d, src) == name);
    match s.kind() {
        "short_var_declaration" => Some(hit(declared_names(s))),
        "var_declaration" | "const_declaration" | "type_declaration" => {
            let mut any = false;
            for c in named_children(s) {
                any |= hit(declared_names(c));
                for cc in named_children(c) {
                    any |= hit(declared_names(cc));
                }
            }
            Some(any)
        }
        "labeled_statement" => {
            let inner = named_children(s).into_iter().nth(1);
            match inner.map(|i| statement_declares(i, name, src)) {
                Some(Some(true)) => None,
                _ => Some(false),
            }
        }
        _ => Some(false),
    }
}

/// Which declaration an identifier `name` at `n` refers to, by walking its enclosing scopes (§4.4).
fn resolve(n: Node<'_>, name: &str, src: &str) -> Res {
    let mut child = n;
    for a in syntax::ancestors(n) {
        match a.kind() {
            "function_declaration" | "method_declaration" | "func_literal" => {
                for field in ["parameters", "result", "receiver", "type_parameters"] {
                    if let Some(p) = a.child_by_field_name(field)
                        && p.id() != child.id()
                        && params_declare(p, name, src)
                    {
                        return Res::Local;
                    }
                }
            }
            "block" | "statement_list" => {
                for s in named_children(a) {
                    if s.start_byte() >= child.start_byte() {
                        break;
                    }
                    match statement_declares(s, name, src) {
                        Some(true) => return Res::Local,
                        Some(false) => {}
                        None => return Res::Unsure,
                    }
                }
            }
            "for_statement"
            | "if_statement"
            | "expression_switch_statement"
            | "type_switch_statement" => {
                let mut header = vec![];
                for c in named_children(a) {
                    match c.kind() {
                        "for_clause" => header.extend(c.child_by_field_name("initializer")),
                        "range_clause" => header.push(c),
                        _ => {}
                    }
                }
                header.extend(a.child_by_field_name("initializer"));
                let mut declares = header.iter().any(|h| {
                    declared_names(*h)
                        .iter()
                        .any(|d| syntax::text(*d, src) == name)
                });
                if a.kind() == "type_switch_statement" {
                    declares |= declared_names(a)
                        .iter()
                        .any(|d| syntax::text(*d, src) == name);
                }
                if declares {
                    let in_body = child.kind() == "block"
                        || child.kind().ends_with("_case")
                        || a.child_by_field_name("body")
                            .is_some_and(|b| b.id() == child.id());
                    return if in_body { Res::Local } else { Res::Unsure };
                }
            }
            "communication_case" => {
                if let Some(c) = a.child_by_field_name("communication")
                    && declared_names(c)
                        .iter()
                        .any(|d| syntax::text(*d, src) == name)
                {
                    return if c.id() == child.id() {
                        Res::Unsure
                    } else {
                        Res::Local
                    };
                }
            }
            "source_file" => return Res::Global,
            _ => {}
        }
        child = a;
    }
    Res::Global
}

/// What the declared type tells about addressability (§4.5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `*T`: methods of any receiver work on the pointer value.
    Pointer,
    /// map, slice, chan, func, interface, predeclared basic: no addressable state behind a method call
    /// except pointer-receiver methods of a named type of the package.
    Reference,
    /// Struct, array, or a type we cannot see: only value-receiver methods of the package are allowed.
    Unknown,
}

fn type_kind(pkg: &Package, file: &PkgFile, ty: Node<'_>) -> Kind {
    match ty.kind() {
        "pointer_type" => Kind::Pointer,
        "map_type" | "slice_type" | "channel_type" | "function_type" | "interface_type" => {
            Kind::Reference
        }
        "type_identifier" => {
            let name = file.node_text(ty);
            if syntax::is_basic_type(name) || matches!(name, "error" | "any") {
                return Kind::Reference;
            }
            // A type of the package: its underlying type.
            for f in &pkg.files {
                if !contains_word(&f.text, name) {
                    continue;
                }
                for d in named_children(f.tree().root_node()) {
                    if d.kind() != "type_declaration" {
                        continue;
                    }
                    for spec in named_children(d) {
                        if spec.kind() == "type_spec"
                            && spec
                                .child_by_field_name("name")
                                .is_some_and(|n| f.node_text(n) == name)
                            && let Some(t) = spec.child_by_field_name("type")
                        {
                            return match t.kind() {
                                "pointer_type" | "map_type" | "slice_type" | "channel_type"
                                | "function_type" | "interface_type" => Kind::Reference,
                                _ => Kind::Unknown,
                            };
                        }
                    }
                }
            }
            Kind::Unknown
        }
        _ => Kind::Unknown,
    }
}

/// Method names declared in the package: (value-receiver names, pointer-receiver names).
fn package_methods(pkg: &Package) -> (HashSet<String>, HashSet<String>) {
    let mut value = HashSet::new();
    let mut pointer = HashSet::new();
    for f in &pkg.files {
        if !f.text.contains("func (") {
            continue;
        }
        for d in named_children(f.tree().root_node()) {
            if d.kind() != "method_declaration" {
                continue;
            }
            let (Some(n), Some(r)) = (
                d.child_by_field_name("name"),
                d.child_by_field_name("receiver"),
            ) else {
                continue;
            };
            let is_ptr = f.node_text(r).contains('*');
            let name = f.node_text(n).to_string();
            if is_ptr {
                pointer.insert(name);
            } else {
                value.insert(name);
            }
        }
    }
    (value, pointer)
}

/// §4.5.3: is the reference `id` a read that stays valid once `x` becomes the non-addressable `x()`?
fn is_plain_read(
    file: &PkgFile,
    id: Node<'_>,
    kind: Kind,
    methods: &(HashSet<String>, HashSet<String>),
) -> bool {
    let (value_methods, pointer_methods) = methods;
    let mut top = id;
    while let Some(p) = top.parent() {
        match p.kind() {
            "selector_expression"
                if p.child_by_field_name("operand")
                    .is_some_and(|o| o.id() == top.id()) =>
            {
                let Some(field) = p.child_by_field_name("field") else {
                    return false;
                };
                let m = file.node_text(field);
                let called = p.parent().is_some_and(|c| {
                    c.kind() == "call_expression"
                        && c.child_by_field_name("function")
                            .is_some_and(|f| f.id() == p.id())
                });
                if kind != Kind::Pointer && pointer_methods.contains(m) {
                    return false;
                }
                if kind == Kind::Unknown
                    && called
                    && (!value_methods.contains(m) || pointer_methods.contains(m))
                {
                    return false;
                }
            }
            "index_expression"
                if p.child_by_field_name("operand")
                    .is_some_and(|o| o.id() == top.id()) => {}
            "slice_expression"
                if p.child_by_field_name("operand")
                    .is_some_and(|o| o.id() == top.id()) =>
            {
                // Slicing an array needs an addressable operand.
                if kind == Kind::Unknown {
                    return false;
                }
            }
            "parenthesized_expression" => {}
            // `*x = v` writes through `x` as much as `x.f = v` does.
            "unary_expression"
                if p.child_by_field_name("operator")
                    .is_some_and(|o| file.node_text(o) == "*") => {}
            _ => break,
        }
        top = p;
    }
    let Some(p) = top.parent() else {
        return true;
    };
    match p.kind() {
        "unary_expression" => p
            .child_by_field_name("operator")
            .is_none_or(|o| file.node_text(o) != "&"),
        "inc_statement" | "dec_statement" => false,
        "expression_list" => {
            let Some(g) = p.parent() else {
                return true;
            };
            let on_left = g
                .child_by_field_name("left")
                .is_some_and(|l| l.id() == p.id());
            !(on_left
                && matches!(
                    g.kind(),
                    "assignment_statement"
                        | "range_clause"
                        | "short_var_declaration"
                        | "receive_statement"
                ))
        }
        "assignment_statement" | "range_clause" => p
            .child_by_field_name("left")
            .is_none_or(|l| l.id() != top.id()),
        _ => true,
    }
}

/// The fix of §4.3: the new declaration in place of `init`, the old spec deleted, every read made a call.
#[allow(clippy::too_many_arguments)]
fn build_fix(
    cx: &mut Ctx<'_>,
    init: Node<'_>,
    found: &Found<'_>,
    decl: &VarDecl<'_>,
    ty: Node<'_>,
    name: &str,
    reads: &[(usize, Node<'_>)],
    once_value: bool,
) -> Result<Fix, &'static str> {
    let pkg = cx.pkg;
    let init_idx = cx.file_idx;
    let file = cx.file();
    let src = cx.src();
    let var_file = &pkg.files[decl.file];
    let vsrc: &str = &var_file.text;
    let ty_text = var_file.node_text(ty);
    // Comments of the init body would be lost.
    let kept: Vec<Node<'_>> = match &found.shape {
        Shape::Plain { call, .. } => vec![*call],
        Shape::Checked { call, branch, .. } => vec![*call, *branch],
    };
    let body = init.child_by_field_name("body").ok_or("no body")?;
    let mut stray_comment = false;
    syntax::walk(body, &mut |n| {
        if n.kind() == "comment"
            && !kept
                .iter()
                .any(|k| k.start_byte() <= n.start_byte() && n.end_byte() <= k.end_byte())
        {
            stray_comment = true;
        }
    });
    if stray_comment {
        return Err("the `init` body holds comments that would be lost");
    }
    // A trailing comment after a rewritten use may be aligned with its neighbours by gofmt.
    for (fi, id) in reads {
        let t: &str = &pkg.files[*fi].text;
        if comment_follows(&t[id.end_byte()..line_end_incl(t, id.end_byte())]) {
            return Err("a use of the variable shares its line with a comment gofmt aligns");
        }
    }
    let sync = cx.import_name(init_idx, "sync", "gosync");
    let mut fix = Fix::unsafe_fix(if once_value {
        format!("make `{name}` a lazy `sync.OnceValue` accessor and call it at its uses")
    } else {
        format!("make `{name}` a lazy `sync.Once` accessor and call it at its uses")
    })
    .import(
        init_idx,
        ImportChange::Add {
            path: "sync".into(),
            name: sync.clone(),
        },
    );
    // Packages T names, which the destination file may lack.
    if decl.file != init_idx {
        let mut quals = vec![];
        syntax::walk(ty, &mut |n| {
            if n.kind() == "qualified_type"
                && let Some(p) = n.child_by_field_name("package")
            {
                quals.push(var_file.node_text(p).to_string());
            }
        });
        for q in quals {
            let imp = var_file
                .imports()
                .iter()
                .find(|i| i.local == q && i.is_usable())
                .ok_or("the type names a package the file does not import")?
                .clone();
            let local = cx.import_name(init_idx, &imp.path, &q);
            if local != q {
                return Err("the type's package has another name in the file holding `init`");
            }
            fix = fix
                .import(
                    init_idx,
                    ImportChange::Add {
                        path: imp.path.clone(),
                        name: local,
                    },
                )
                .import(
                    decl.file,
                    ImportChange::RemoveIfUnused {
                        path: imp.path.clone(),
                    },
                );
        }
    }
    // The old declaration (and its doc comment, which moves).
    let (del, doc) = delete_var(vsrc, decl)?;
    fix = fix.edit(decl.file, del);
    // The new declaration replaces `init`.
    let call_text = file.node_text(match &found.shape {
        Shape::Plain { call, .. } | Shape::Checked { call, .. } => *call,
    });
    let new_text = if once_value {
        match &found.shape {
            Shape::Plain { .. } => {
                format!(
                    "{doc}var {name} = {sync}.OnceValue(func() {ty_text} {{\n\treturn {call_text}\n}})"
                )
            }
            Shape::Checked { err, branch, .. } => {
                let mut taken = HashSet::new();
                taken.insert(err.clone());
                taken.insert(name.to_string());
                let v = cx.fresh_name(init, "v", &taken);
                let if_text = file.node_text(*branch);
                format!(
                    "{doc}var {name} = {sync}.OnceValue(func() {ty_text} {{\n\t{v}, {err} := {call_text}\n\t{if_text}\n\treturn {v}\n}})"
                )
            }
        }
    } else {
        let Shape::Checked { err, branch, .. } = &found.shape else {
            return Err("no sync.Once fallback for this shape");
        };
        let once = package_fresh(pkg, init, src, &format!("{name}Once"))?;
        let val = package_fresh(pkg, init, src, &format!("{name}Val"))?;
        let call_moved = deeper(call_text);
        let if_moved = deeper(file.node_text(*branch));
        if call_text.contains('`') || if_moved.contains('`') {
            return Err("the moved code holds a raw string that re-indenting would change");
        }
        let body =
            format!("\t\tvar {err} error\n\t\t{val}, {err} = {call_moved}\n\t\t{if_moved}\n");
        format!(
            "var {once} {sync}.Once\nvar {val} {ty_text}\n\n{doc}func {name}() {ty_text} {{\n\t{once}.Do(func() {{\n{body}\t}})\n\treturn {val}\n}}"
        )
    };
    fix = fix.edit(init_idx, Edit::replace(TextRange::of(init), new_text));
    for (fi, id) in reads {
        fix = fix.edit(*fi, Edit::insert(id.end_byte(), "()"));
    }
    Ok(fix)
}

/// Does a comment start in `rest` (the remainder of a line), outside string and rune literals?
fn comment_follows(rest: &str) -> bool {
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' && q != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if matches!(b.get(i + 1), Some(b'/') | Some(b'*')) => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// `text` (a node that started at depth 1) moved one level deeper: its continuation lines gain a tab.
fn deeper(text: &str) -> String {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| {
            if i == 0 || l.is_empty() {
                l.to_string()
            } else {
                format!("\t{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A new package-level name based on `base`: not declared in the package block, not an import name of any
/// file, not spelled in the moved `init`.
fn package_fresh(
    pkg: &Package,
    init: Node<'_>,
    src: &str,
    base: &str,
) -> Result<String, &'static str> {
    let used = syntax::identifiers(init, src);
    let taken = |n: &str| {
        used.contains(n)
            || pkg.declares_top_level(n)
            || pkg
                .files
                .iter()
                .any(|f| f.imports().iter().any(|i| i.local == n))
    };
    if !taken(base) {
        return Ok(base.to_string());
    }
    (2..100)
        .map(|k| format!("{base}{k}"))
        .find(|n| !taken(n))
        .ok_or("no fresh name")
}

/// The edit deleting `var x T` (the whole declaration, or the spec's lines inside a group) and the doc
/// comment lines that move with it (each ending in a newline).
fn delete_var(src: &str, decl: &VarDecl<'_>) -> Result<(Edit, String), &'static str> {
    let specs = var_specs(decl.decl);
    let grouped = named_children(decl.decl)
        .iter()
        .any(|c| c.kind() == "var_spec_list");
    let trailing = |end: usize| -> Result<String, &'static str> {
        let rest = src[end..line_end_incl(src, end)].trim();
        if rest.is_empty() {
            Ok(String::new())
        } else if rest.starts_with("//") {
            Ok(format!("{rest}\n"))
        } else {
            Err("the declaration shares its line with other code")
        }
    };
    let doc_above = |at: usize| -> usize {
        let mut start = line_start(src, at);
        while start > 0 {
            let prev = line_start(src, start - 1);
            if src[prev..start].trim_start().starts_with("//") {
                start = prev;
            } else {
                break;
            }
        }
        start
    };
    if specs.len() == 1 {
        let d = decl.decl;
        if !syntax::alone_on_line(d, src) {
            return Err("the declaration shares its line with other code");
        }
        let line = line_start(src, d.start_byte());
        let start = doc_above(d.start_byte());
        let mut doc = src[start..line].to_string();
        if grouped {
            // `var (` doc `x T` `)`: the spec's own comments move too.
            let inner = doc_above(decl.spec.start_byte());
            let inner_line = line_start(src, decl.spec.start_byte());
            doc.push_str(&reindent_doc(&src[inner..inner_line]));
            doc.push_str(&trailing(decl.spec.end_byte())?);
            let close = line_end_incl(src, decl.spec.end_byte());
            if src[close..line_end_incl(src, close)].trim() != ")"
                || line_start(src, d.end_byte()) != close
            {
                return Err("the grouped declaration has a layout we do not rewrite");
            }
        } else {
            doc.push_str(&trailing(d.end_byte())?);
        }
        let mut end = line_end_incl(src, d.end_byte());
        let mut start = start;
        if src[end..].starts_with('\n') {
            end += 1;
        } else if start >= 2 && &src[start - 2..start] == "\n\n" {
            start -= 1;
        }
        return Ok((Edit::delete(TextRange::new(start, end)), doc));
    }
    // Inside a group with other specs: only the spec's lines go, if gofmt's alignment of the rest holds.
    let spec = decl.spec;
    if !syntax::alone_on_line(spec, src) || spec.start_position().row != spec.end_position().row {
        return Err("the declaration shares its line with other code");
    }
    let line = line_start(src, spec.start_byte());
    let start = doc_above(spec.start_byte());
    let end = line_end_incl(src, spec.end_byte());
    if !trailing(spec.end_byte())?.is_empty() {
        return Err("the grouped declaration carries a trailing comment gofmt aligns");
    }
    let doc = reindent_doc(&src[start..line]);
    let prev_line = if start == 0 {
        ""
    } else {
        src[line_start(src, start - 1)..start].trim()
    };
    let next_line = src[end..line_end_incl(src, end)].trim();
    let prev_free = prev_line.is_empty() || prev_line.ends_with('(');
    let next_free = next_line.is_empty() || next_line == ")";
    if !(prev_free && next_free) {
        // Neighbours in the same alignment section: keep the fix only when this spec sets no column.
        if start != line {
            return Err("removing the spec and its comment would re-align the group");
        }
        let name_len = spec
            .child_by_field_name("name")
            .map_or(0, |n| n.end_byte() - n.start_byte());
        let mut widest = 0;
        let mut ok = true;
        for s in &specs {
            if s.id() == spec.id() {
                continue;
            }
            let same_section =
                section_of(src, s.start_byte()) == section_of(src, spec.start_byte());
            if !same_section {
                continue;
            }
            let rest = src[s.end_byte()..line_end_incl(src, s.end_byte())].trim();
            if s.child_by_field_name("value").is_some()
                || !rest.is_empty()
                || s.start_position().row != s.end_position().row
            {
                ok = false;
            }
            if let Some(n) = s.child_by_field_name("name") {
                widest = widest.max(n.end_byte() - n.start_byte());
            }
        }
        if !ok || widest < name_len {
            return Err("removing the spec would re-align the rest of the group");
        }
        return Ok((Edit::delete(TextRange::new(line, end)), String::new()));
    }
    // Alone in its section: drop one of the blank lines around it.
    let blank_before = prev_line.is_empty() && start > 0;
    let blank_after = next_line.is_empty();
    let range = if blank_after && (blank_before || prev_line.ends_with('(')) {
        TextRange::new(start, line_end_incl(src, end))
    } else if blank_before && next_line == ")" {
        TextRange::new(line_start(src, start - 1), end)
    } else {
        TextRange::new(start, end)
    };
    Ok((Edit::delete(range), doc))
}

/// The first line of the run of non-blank lines holding `at` (gofmt aligns within such runs).
fn section_of(src: &str, at: usize) -> usize {
    let mut start = line_start(src, at);
    while start > 0 {
        let prev = line_start(src, start - 1);
        let t = src[prev..start].trim();
        if t.is_empty() || t.ends_with('(') || t.starts_with("//") {
            break;
        }
        start = prev;
    }
    start
}

/// Comment lines from inside a group, moved to the top level: their indentation goes.
fn reindent_doc(lines: &str) -> String {
    lines
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::TRANSFORM;
    use crate::settings::Mode;
    use crate::testing::{changed_text, check_detect_only_go, check_no_fix_go, run_tree};

    const HEAD: &str = "package m\n\nimport (\n\t\"log\"\n\t\"os\"\n)\n\nvar cfg []byte\n\nfunc init() {\n\tvar err error\n\tcfg, err = os.ReadFile(\"c\")\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n";

    /// Runs R4 with unsafe fixes over `files` (plus a go 1.22 go.mod); returns the findings' messages and
    /// the new text of each file.
    fn run(files: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
        let mut all = vec![("go.mod", "module example.com/m\n\ngo 1.22\n")];
        all.extend_from_slice(files);
        let (_dir, out) = run_tree(&TRANSFORM, &all, Mode::DryRun, true, &[]);
        let (_dir2, report) = run_tree(&TRANSFORM, &all, Mode::Check, true, &[]);
        let msgs = report
            .findings
            .iter()
            .map(|(_, f)| f.message.clone())
            .collect();
        let texts = files
            .iter()
            .map(|(n, t)| changed_text(&out, n, t))
            .collect();
        (msgs, texts)
    }

    #[test]
    fn query_compiles() {
        tree_sitter::Query::new(&crate::syntax::language(), super::QUERY).unwrap();
    }

    #[test]
    fn locals_parameters_and_nested_func_types_resolve() {
        let src = format!(
            "{HEAD}\nfunc Size() int {{ return len(cfg) }}\n\nfunc parse(cfg []byte) int {{ return len(cfg) }}\n\nfunc local() int {{\n\tcfg := []byte(\"x\")\n\treturn len(cfg)\n}}\n\nfunc cb(f func(cfg int)) int {{ return len(cfg) }}\n\nfunc sw(k int, ch chan []byte) int {{\n\tswitch k {{\n\tcase 1:\n\t\tcfg := \"one\"\n\t\treturn len(cfg)\n\t}}\n\tselect {{\n\tcase cfg := <-ch:\n\t\treturn len(cfg)\n\tdefault:\n\t}}\n\tif cfg := 2; k > 0 {{\n\t\treturn cfg\n\t}}\n\tfor cfg := range 3 {{\n\t\t_ = cfg\n\t}}\n\treturn 0\n}}\n"
        );
        let (msgs, texts) = run(&[("x.go", &src)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        let t = &texts[0];
        assert!(t.contains("func Size() int { return len(cfg()) }"), "{t}");
        assert!(
            t.contains("func parse(cfg []byte) int { return len(cfg) }"),
            "{t}"
        );
        assert!(t.contains("\treturn len(cfg)\n"), "{t}");
        assert!(
            t.contains("func cb(f func(cfg int)) int { return len(cfg()) }"),
            "{t}"
        );
        assert_eq!(t.matches("cfg()").count(), 2, "{t}");
        assert!(
            t.contains("var cfg = sync.OnceValue(func() []byte {\n\tv, err := os.ReadFile(\"c\")"),
            "{t}"
        );
    }

    #[test]
    fn writes_keys_and_addresses_block_the_rule() {
        let (msgs, _) = run(&[(
            "x.go",
            &format!("{HEAD}\nfunc Size() int {{ return len(cfg) }}\n"),
        )]);
        assert_eq!(msgs.len(), 1, "the base case fires");
        let embed = HEAD.replace("var cfg []byte", "//go:embed c.txt\nvar cfg []byte");
        check_detect_only_go(
            &TRANSFORM,
            "1.22",
            &format!("{embed}\nfunc Size() int {{ return len(cfg) }}\n"),
        );
        for tail in [
            "func F() { cfg = nil }\n",
            "func F() { cfg[0] = 1 }\n",
            "func F() *[]byte { return &cfg }\n",
            "type S struct{ cfg int }\n\nfunc F() S { _ = cfg; return S{cfg: 1} }\n",
            "func F(ch chan []byte) {\n\tselect {\n\tcase cfg = <-ch:\n\t}\n}\n",
            "var n = len(cfg)\n",
            "var n = count()\n\nfunc count() int { return len(cfg) }\n",
            "func init() { setup() }\n\nfunc setup() { println(len(cfg)) }\n",
            "func init() { println(len(cfg)) }\n",
        ] {
            let read = "func Size() int { return len(cfg) }\n";
            check_detect_only_go(&TRANSFORM, "1.22", &format!("{HEAD}\n{read}\n{tail}"));
        }
    }

    #[test]
    fn struct_values_allow_only_value_methods_of_the_package() {
        let base = "package m\n\nimport (\n\t\"log\"\n\t\"os\"\n\t\"sync\"\n)\n\ntype conf struct {\n\tmu   sync.Mutex\n\tdata []byte\n}\n\nvar cfg conf\n\nfunc init() {\n\tvar err error\n\tcfg, err = load()\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n\nfunc load() (conf, error) {\n\tb, err := os.ReadFile(\"c\")\n\treturn conf{data: b}, err\n}\n\n";
        check_detect_only_go(
            &TRANSFORM,
            "1.22",
            &format!(
                "{base}func (c *conf) Len() int {{ return len(c.data) }}\n\nfunc F() int {{ return cfg.Len() }}\n"
            ),
        );
        check_detect_only_go(
            &TRANSFORM,
            "1.22",
            &format!("{base}func F() {{ cfg.mu.Lock() }}\n"),
        );
        let (msgs, texts) = run(&[(
            "x.go",
            &format!(
                "{base}func (c conf) Len() int {{ return len(c.data) }}\n\nfunc F() int {{ return cfg.Len() + len(cfg.data) }}\n"
            ),
        )]);
        assert_eq!(msgs.len(), 1);
        assert!(
            texts[0].contains("return cfg().Len() + len(cfg().data)"),
            "{}",
            texts[0]
        );
    }

    #[test]
    fn the_load_must_not_reach_the_variable() {
        let src = "package m\n\nimport \"os\"\n\nvar cfg []byte\n\nfunc init() {\n\tcfg = load()\n}\n\nfunc load() []byte {\n\tb, _ := os.ReadFile(\"c\")\n\treturn merge(b)\n}\n\nfunc merge(b []byte) []byte { return append(b, cfg...) }\n\nfunc F() int { return len(cfg) }\n";
        check_detect_only_go(&TRANSFORM, "1.22", src);
    }

    #[test]
    fn different_build_constraints_block_the_rule() {
        let var_file = "package m\n\nvar cfg []byte\n\nfunc F() int { return len(cfg) }\n";
        let init_file =
            "package m\n\nimport \"os\"\n\nfunc init() {\n\tcfg, _ = os.ReadFile(\"c\")\n}\n";
        let init_file = init_file.replace(
            "cfg, _ = os.ReadFile(\"c\")",
            "cfg = must(os.ReadFile(\"c\"))",
        ) + "\nfunc must(b []byte, err error) []byte { return b }\n";
        // Reported (the I/O is still at import time), but not rewritten.
        let (msgs, texts) = run(&[("a.go", var_file), ("b_linux.go", &init_file)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert_eq!(texts[0], var_file);
        let (msgs, texts) = run(&[("a.go", var_file), ("b.go", &init_file)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert_eq!(
            texts[0],
            "package m\n\nfunc F() int { return len(cfg()) }\n"
        );
    }

    #[test]
    fn type_packages_follow_the_declaration() {
        let var_file = "package m\n\nimport \"database/sql\"\n\nvar db *sql.DB\n\nfunc F() error { return db.Ping() }\n";
        let init_file = "package m\n\nimport \"os\"\n\nfunc init() {\n\tdb = open(os.ReadFile(\"/run/dsn\"))\n}\n";
        let helper = "package m\n\nimport \"database/sql\"\n\nfunc open(dsn []byte, err error) *sql.DB {\n\tdb, _ := sql.Open(\"pg\", string(dsn))\n\treturn db\n}\n";
        let (msgs, texts) = run(&[("a.go", var_file), ("b.go", init_file), ("c.go", helper)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert_eq!(
            texts[0],
            "package m\n\nfunc F() error { return db().Ping() }\n"
        );
        assert!(
            texts[1].contains("import (\n\t\"database/sql\"\n\t\"os\"\n\t\"sync\"\n)"),
            "{}",
            texts[1]
        );
        assert!(texts[1].contains("var db = sync.OnceValue(func() *sql.DB {\n\treturn open(os.ReadFile(\"/run/dsn\"))\n})"), "{}", texts[1]);
    }

    #[test]
    fn comments_in_init_and_aligned_uses_keep_the_report_without_fix() {
        let src = "package m\n\nimport \"os\"\n\nvar cfg []byte\n\nfunc init() {\n\t// the config is small\n\tcfg = must(os.ReadFile(\"c\"))\n}\n\nfunc must(b []byte, err error) []byte { return b }\n\nfunc F() int { return len(cfg) }\n";
        let msgs = check_detect_only_go(&TRANSFORM, "1.22", src);
        assert!(msgs[0].contains("No automatic fix"), "{msgs:?}");
        let src = "package m\n\nimport \"os\"\n\nvar cfg []byte\n\nfunc init() {\n\tcfg = must(os.ReadFile(\"c\"))\n}\n\nfunc must(b []byte, err error) []byte { return b }\n\nfunc F() []any {\n\treturn []any{\n\t\tcfg, // config\n\t\t1,   // one\n\t}\n}\n";
        let msgs = check_detect_only_go(&TRANSFORM, "1.22", src);
        assert!(msgs[0].contains("No automatic fix"), "{msgs:?}");
    }

    #[test]
    fn once_fallback_reindents_multi_line_code() {
        let src = "package m\n\nimport (\n\t\"log\"\n\t\"os\"\n)\n\nvar cfg []byte\n\nfunc init() {\n\tvar err error\n\tcfg, err = os.ReadFile(\n\t\t\"c\",\n\t)\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n\nfunc F() int { return len(cfg) }\n";
        let want = "package m\n\nimport (\n\t\"log\"\n\t\"os\"\n\t\"sync\"\n)\n\nvar cfgOnce sync.Once\nvar cfgVal []byte\n\nfunc cfg() []byte {\n\tcfgOnce.Do(func() {\n\t\tvar err error\n\t\tcfgVal, err = os.ReadFile(\n\t\t\t\"c\",\n\t\t)\n\t\tif err != nil {\n\t\t\tlog.Fatal(err)\n\t\t}\n\t})\n\treturn cfgVal\n}\n\nfunc F() int { return len(cfg()) }\n";
        let (fixed, _) = crate::testing::run_one(&TRANSFORM, "1.20", src, true);
        assert_eq!(fixed, want);
    }

    #[test]
    fn grouped_specs_leave_the_group_when_alignment_holds() {
        let init = "func init() {\n\tvar err error\n\tcfg, err = os.ReadFile(\"c\")\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n\nfunc F() int { return len(cfg) }\n";
        let head = "package m\n\nimport (\n\t\"log\"\n\t\"os\"\n)\n\n";
        let src = format!(
            "{head}var (\n\tstarted bool\n\n\t// cfg is the raw config.\n\tcfg []byte\n)\n\n{init}"
        );
        let (fixed, _) = crate::testing::run_one(&TRANSFORM, "1.22", &src, true);
        assert!(
            fixed.contains(
                "var (\n\tstarted bool\n)\n\n// cfg is the raw config.\nvar cfg = sync.OnceValue("
            ),
            "{fixed}"
        );
        let src = format!("{head}var (\n\ta   int\n\tcfg []byte\n)\n\n{init}");
        let msgs = check_detect_only_go(&TRANSFORM, "1.22", &src);
        assert!(msgs[0].contains("re-align"), "{msgs:?}");
        let src = format!("{head}var (\n\tstarted bool\n\tcfg     []byte\n)\n\n{init}");
        let (fixed, _) = crate::testing::run_one(&TRANSFORM, "1.22", &src, true);
        assert!(
            fixed.contains("var (\n\tstarted bool\n)\n\nvar cfg = sync.OnceValue("),
            "{fixed}"
        );
    }

    #[test]
    fn comments_are_told_from_strings() {
        assert!(super::comment_follows(", 1) // why"));
        assert!(super::comment_follows(" /* note */"));
        assert!(!super::comment_follows(", \"http://example.com\")"));
        assert!(!super::comment_follows(", `a//b`, '/')"));
        assert!(super::comment_follows(", \"a\\\"b\") // c"));
    }

    #[test]
    fn pure_table_does_not_fire() {
        check_no_fix_go(
            &TRANSFORM,
            "1.22",
            "package m\n\nvar table []int\n\nfunc init() {\n\ttable = build()\n}\n\nfunc build() []int { return []int{1} }\n\nfunc F() int { return table[0] }\n",
        );
    }

    #[test]
    fn shape_one_below_121_is_reported_without_fix() {
        let msgs = check_detect_only_go(
            &TRANSFORM,
            "1.20",
            "package m\n\nimport \"os\"\n\nvar host string\n\nfunc init() {\n\thost = must(os.Hostname())\n}\n\nfunc must(s string, err error) string { return s }\n\nfunc F() string { return host }\n",
        );
        assert!(msgs[0].contains("Go 1.20"), "{msgs:?}");
    }
}
