//! # build-flags (R8)
//!
//! ## What it does
//! Finds `go build` commands that produce a shipped binary (with `-o`) in Dockerfiles (`Dockerfile`,
//! `Containerfile`, `*.Dockerfile`, `Dockerfile.*`), Makefiles (`Makefile`, `GNUmakefile`, `makefile`,
//! `*.mk`) and GoReleaser configurations (`.goreleaser.yml`, `.goreleaser.yaml`) that lack `-trimpath` or
//! the linker's `-s -w`, and adds what is missing: `-trimpath -ldflags="-s -w"` after `go build`, or `-s -w`
//! merged at the front of an existing `-ldflags` value (a Makefile variable it names, a GoReleaser
//! `ldflags:` list), in the quoting the file already uses.
//!
//! ## Why is this bad?
//! By default the linker writes the symbol table and DWARF debugging data into the binary, and the compiler
//! records the absolute paths of the build machine (`/home/ci/work/...`, `/go/pkg/mod/...`). For a binary
//! that ships in an image or a release archive the DWARF data is dead weight (often a quarter of the file)
//! and the paths leak build-machine details and make builds irreproducible across checkouts. `-s -w` drop
//! the symbol table and DWARF; Go's own stack traces still show function names, files and lines, since the
//! runtime's tables are kept. `-trimpath` records module-relative paths (`example.com/m/cmd/api/main.go`).
//!
//! ## Example
//! ```dockerfile
//! FROM golang:1.22 AS build
//! WORKDIR /src
//! COPY . .
//! RUN CGO_ENABLED=0 go build -o /out/api ./cmd/api
//!
//! FROM gcr.io/distroless/static
//! COPY --from=build /out/api /api
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM golang:1.22 AS build
//! WORKDIR /src
//! COPY . .
//! RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/api ./cmd/api
//!
//! FROM gcr.io/distroless/static
//! COPY --from=build /out/api /api
//! ```
//!
//! ## Fix safety
//! Safe for release builds: the program behaves the same. What changes is what tools see: debuggers (dlv,
//! gdb) and core-dump analysis lose symbols and DWARF, and file paths in panics, `runtime.Caller` and
//! `debug.Stack` become module-relative, so anything that matches on absolute source paths must adapt. The
//! fix only inserts flags; with line continuations the insertion stays on the `go build` line. A GoReleaser
//! build without `flags:` gets a `flags:` list with `-trimpath`; a build without `ldflags:` already gets
//! GoReleaser's default, which starts with `-s -w`, and is left alone.
//!
//! ## Version gating
//! None: `-trimpath` exists since Go 1.13, and `-s -w` are as old as the linker.
//!
//! ## When it does not fire
//! - Debug, development, test, tool and demo builds: Makefile targets, Dockerfile stages, GoReleaser build
//!   ids and output names with a word like debug, dev, test, e2e, integration, race, cover, bench, run,
//!   demo, playground, example, sample, tool, gen, generator, mock, fixture; files named `Dockerfile.dev`,
//!   `debug.Dockerfile`, `test.mk`, or below a directory of the module named so (`test/e2e/Dockerfile`,
//!   `examples/`, `tools/`); a package argument below such a directory or one the engine's `context` fact
//!   classes as test, example, benchmark, fixture or developer tool (`./test/integration/...`,
//!   `./tools/lint`, `./cmd/demo`); Makefile blocks under `ifdef DEBUG`-like conditionals.
//! - Builds with `-gcflags` that disable optimisation or inlining (`-N`, `-l`, `all=-N -l`), directly or
//!   through a variable the same Makefile defines (`-gcflags=$(BUILD_FLAGS)`), with `-race`,
//!   `-msan`, `-asan`, `-cover`, with `-trimpath=false`, or with a `-buildmode` other than exe/pie.
//! - `go build` used as a compile check (no `-o`, or `-o /dev/null`), `go vet`, `go test`, `go install`, `go
//!   run`; commands inside `sh -c "..."` strings.
//! - A `GOFLAGS` setting in the file that holds `-trimpath` counts as the flag.
//! - Reported without a fix: a `-gcflags` value held in a variable it cannot read (it may hold `-N -l`);
//!   flags hidden in variables it cannot resolve (`$(GOFLAGS)` from the
//!   environment, Dockerfile `ARG`s), `-ldflags` held in a variable that a debug build uses too, heredocs,
//!   GoReleaser values spread over lines in flow style or block scalars. GoReleaser builds that merge YAML
//!   anchors (`<<: *defaults`) are not read at all.
//!
//! ## References
//! - `go help build` (`-trimpath`, `-ldflags`), `go tool link` (`-s`, `-w`).
//! - GoReleaser builds documentation (default `ldflags`).

use crate::read::documents::make::{self, Vars, simple_var};
use crate::read::documents::shell::{self, Word, in_place, is_assignment, unquote, var_ref, words};
use crate::read::documents::{self, BuildFileKind, dockerfile, yaml};
use crate::read::gomod::Module;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::fix::Fix;
use crate::rules::fix::{Applicability, Edit, TextRange};
use crate::rules::transform::{Meta, OtherFiles, Transform, always};

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R8",
        name: "build-flags",
        summary: "release `go build` in a Dockerfile, Makefile or .goreleaser.yml without -trimpath and -ldflags=\"-s -w\"",
        fix: crate::rules::fix::FixAvailability::Sometimes,
        // Never a Go file: the rule reads build files through `other_files`.
        prefilter: &[],
        calls: &[],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("build_flags.rs"),
    query: "",
    run: |_, _| None,
    precheck: always,
    other_files: Some(OtherFiles {
        wants,
        run: run_file,
    }),
};

/// The build files of the rule: a variant named for debugging or tests (`Dockerfile.dev`, `test.mk`) is not
/// a release.
fn kind(name: &str) -> Option<BuildFileKind> {
    let (kind, variant) = documents::build_file_kind(name)?;
    (variant.is_empty() || !debug_ish(&variant)).then_some(kind)
}

fn wants(name: &str) -> bool {
    kind(name).is_some()
}

/// `path` is relative to the module root: a build file under `test/`, `e2e/`, `dev/`, `examples/`...
/// builds something that is not shipped.
fn run_file(path: &str, text: &str, _module: Option<&Module>) -> Vec<Diagnostic> {
    let (dirs, name) = path.rsplit_once('/').unwrap_or(("", path));
    if memchr::memmem::find(text.as_bytes(), b"build").is_none()
        || dirs.split('/').any(|d| {
            debug_ish(d) || matches!(d.to_ascii_lowercase().as_str(), "example" | "examples")
        })
    {
        return vec![];
    }
    match kind(name) {
        Some(BuildFileKind::GoReleaser) => goreleaser(text),
        Some(BuildFileKind::Dockerfile) => dockerfile(text),
        Some(BuildFileKind::Makefile) => makefile(text),
        None => vec![],
    }
}

/// Words (split on `-`, `_`, `.`, `/`, `:`) naming a build that is not shipped.
fn debug_ish(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| {
            matches!(
                w,
                "debug"
                    | "dbg"
                    | "demo"
                    | "demos"
                    | "playground"
                    | "example"
                    | "examples"
                    | "sample"
                    | "samples"
                    | "tool"
                    | "tools"
                    | "gen"
                    | "generate"
                    | "generator"
                    | "codegen"
                    | "mock"
                    | "mocks"
                    | "fixture"
                    | "fixtures"
                    | "smoke"
                    | "loadtest"
                    | "stress"
                    | "dev"
                    | "devel"
                    | "develop"
                    | "development"
                    | "test"
                    | "tests"
                    | "testing"
                    | "e2e"
                    | "integration"
                    | "race"
                    | "cover"
                    | "coverage"
                    | "bench"
                    | "benchmark"
                    | "fuzz"
                    | "check"
                    | "lint"
                    | "vet"
                    | "run"
                    | "watch"
                    | "profile"
                    | "pprof"
                    | "trace"
            )
        })
}

// ---------------------------------------------------------------------------------------------------------
// `go build` in a shell command

/// The index of `go` in `go build ...`, when only environment assignments (or `env`, `time`, `exec`)
/// come before it.
fn go_build_at(cmd: &[Word]) -> Option<usize> {
    let i = cmd.iter().position(|t| {
        let w = t.text.trim_start_matches(['@', '-', '+']);
        w == "go"
            || w.ends_with("/go")
            || matches!(var_ref(w), Some("GO" | "GOCMD" | "GO_CMD" | "GOBIN_GO"))
    })?;
    let before_ok = cmd[..i].iter().enumerate().all(|(k, t)| {
        let w = if k == 0 {
            t.text.trim_start_matches(['@', '-', '+'])
        } else {
            &t.text
        };
        is_assignment(w) || matches!(w, "env" | "time" | "exec" | "")
    });
    (before_ok && cmd.get(i + 1).is_some_and(|t| t.text == "build")).then_some(i)
}

// ---------------------------------------------------------------------------------------------------------
// One `go build` command

/// Where `-ldflags`' value is and what it holds.
#[derive(Debug, Clone)]
enum Ldflags {
    /// The value's text is known; `insert` is where `-s -w ` goes (None: no safe edit).
    Known { value: String, edit: Option<LdEdit> },
    /// The value is a variable the rule cannot read.
    Unknown,
}

#[derive(Debug, Clone)]
enum LdEdit {
    /// Insert the missing flags (and a space) at this offset.
    Insert(usize),
    /// Replace this bare word with a double-quoted one holding the flags and the old value.
    Quote(TextRange, String),
}

#[derive(Debug, Default)]
struct Build {
    skip: bool,
    trimpath: bool,
    has_output: bool,
    ldflags: Option<Ldflags>,
    /// Variables in flag position the rule cannot read.
    unknown: Vec<String>,
    /// Make variables this build reads its `-ldflags` from (edits go to their definition).
    ld_vars: Vec<String>,
}

fn has_strip_flags(value: &str) -> (bool, bool) {
    let ws = words(value);
    let on = |f: &str| {
        ws.iter()
            .any(|w| w == f || *w == format!("{f}=true") || *w == format!("{f}=1"))
    };
    (on("-s"), on("-w"))
}

/// Go build flags that take a value in the next word.
fn takes_value(flag: &str) -> bool {
    matches!(
        flag,
        "o" | "ldflags"
            | "gcflags"
            | "asmflags"
            | "gccgoflags"
            | "tags"
            | "mod"
            | "modfile"
            | "p"
            | "pkgdir"
            | "installsuffix"
            | "compiler"
            | "overlay"
            | "pgo"
            | "toolexec"
            | "exec"
            | "covermode"
            | "coverpkg"
            | "buildmode"
            | "C"
    )
}

/// Expands make variables for reading; an unknown reference whose name says flags (`$(GOFLAGS)`) may
/// hold anything, so the reading fails on it.
fn expand(text: &str, vars: &Vars, depth: usize) -> Result<String, String> {
    make::expand(text, vars, depth, &|name| {
        name.to_ascii_uppercase().contains("FLAGS")
    })
}

/// Reads the words after `go build`. `vars` are the Makefile's variables (none for a Dockerfile).
/// `paths` are Dockerfile `ARG`/`ENV` names whose default is a path, not flags (`ARG APP=./cmd/api`).
fn analyse(text: &str, args: &[Word], vars: Option<&Vars>, paths: &[String]) -> Build {
    let mut b = Build::default();
    let mut toks: Vec<Word> = vec![];
    // Variables in flag position: a Makefile's are expanded for reading, the rest are unknown.
    for (k, t) in args.iter().enumerate() {
        // The value of `-o`, `-tags`...: whatever it holds, it is not a flag.
        let is_value = k > 0 && {
            let prev = unquote(&args[k - 1].text);
            let flag = prev.trim_start_matches('-');
            prev.starts_with('-') && !flag.contains('=') && takes_value(flag)
        };
        if is_value {
            toks.push(t.clone());
            continue;
        }
        match var_ref(&t.text) {
            // In flag position only a variable the file defines is read; any other may hold anything.
            Some(name) if paths.iter().any(|p| p == name) => toks.push(t.clone()),
            // `LDFLAGS := -ldflags "-X main.v=$(VERSION)"` used as `go build $(LDFLAGS)`: the words of
            // the definition keep their place in the file, so the value can be edited there.
            Some(name)
                if vars
                    .and_then(|v| simple_var(v, name))
                    .is_some_and(|(value, at)| {
                        let def = in_place(text, value, *at);
                        !def.is_empty() && def.iter().all(|d| var_ref(&d.text).is_none())
                    }) =>
            {
                let (value, at) = simple_var(vars.expect("checked"), name).expect("checked");
                let def = in_place(text, value, *at);
                if def.iter().any(|d| {
                    unquote(&d.text)
                        .trim_start_matches('-')
                        .starts_with("ldflags")
                }) {
                    b.ld_vars.push(name.to_string());
                }
                toks.extend(def);
            }
            Some(name) => match vars
                .filter(|v| simple_var(v, name).is_some())
                .map(|v| expand(&t.text, v, 0))
            {
                Some(Ok(exp)) => toks.extend(words(&exp).into_iter().map(|w| Word {
                    text: w,
                    site: None,
                })),
                _ => b.unknown.push(t.text.clone()),
            },
            None => toks.push(t.clone()),
        }
    }
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let w = if t.site.is_some() {
            unquote(&t.text)
        } else {
            t.text.clone()
        };
        i += 1;
        let Some(flag) = w.strip_prefix("--").or_else(|| w.strip_prefix('-')) else {
            // A package argument below a test, example, tool or generator directory (`./tools/gen`,
            // `./test/integration`) or named like one (`./cmd/demo`) is not a release build.
            if (w.starts_with("./") || w.starts_with("../"))
                && (crate::semantic::context::dir_role(None, std::path::Path::new(&w)).is_some()
                    || w.split('/').any(debug_ish))
            {
                b.skip = true;
            }
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.to_string(), None),
        };
        let mut value_tok: Option<Word> = None;
        let value = match &inline {
            Some(v) => Some(v.clone()),
            None if takes_value(&name) => {
                value_tok = toks.get(i).cloned();
                i += 1;
                value_tok.as_ref().map(|v| {
                    if v.site.is_some() {
                        unquote(&v.text)
                    } else {
                        v.text.clone()
                    }
                })
            }
            None => None,
        };
        match name.as_str() {
            "trimpath" => match value.as_deref() {
                None | Some("true" | "1") => b.trimpath = true,
                _ => b.skip = true,
            },
            "race" | "msan" | "asan" | "cover" | "coverpkg" | "covermode" => b.skip = true,
            "gcflags" => {
                let mut v = value.unwrap_or_default();
                // `-gcflags=$(BUILD_FLAGS)`: read the variable's definition in the same Makefile (it may
                // hold `-N -l`); one the rule cannot read may hold anything, so no Safe edit then.
                if v.contains('$') {
                    match vars.map(|vars| expand(&v, vars, 0)) {
                        Some(Ok(exp)) if !exp.contains(make::UNKNOWN_VALUE) => v = exp,
                        _ => b.unknown.push(v.clone()),
                    }
                }
                let debug = words(&v).iter().any(|w| {
                    let w = w.rsplit_once('=').map_or(w.as_str(), |(_, f)| f);
                    matches!(w, "-N" | "-l" | "-N=true" | "-l=true")
                });
                b.skip |= debug || v.contains("-N") || v.contains("-l ");
                // The pre-1.13 spelling, `-gcflags=-trimpath=$GOPATH`, already trims the paths.
                b.trimpath |= v.contains("-trimpath");
            }
            "buildmode" => {
                b.skip |= !matches!(value.as_deref(), Some("exe" | "pie" | "default"));
            }
            "o" => match value.as_deref() {
                Some("/dev/null" | "NUL") | None => {}
                Some(out) => {
                    b.has_output = true;
                    b.skip |= debug_ish(out.rsplit('/').next().unwrap_or(out));
                }
            },
            "ldflags" => {
                b.ldflags = Some(ldflags_site(
                    text,
                    t,
                    inline.is_some(),
                    value_tok.as_ref(),
                    value,
                    vars,
                    &mut b.ld_vars,
                ));
            }
            _ => {}
        }
    }
    b
}

/// Where `-s -w` would go for this `-ldflags` (the flag word `flag`; its value inline after `=`, or the
/// next word `next`).
fn ldflags_site(
    text: &str,
    flag: &Word,
    inline: bool,
    next: Option<&Word>,
    value: Option<String>,
    vars: Option<&Vars>,
    ld_vars: &mut Vec<String>,
) -> Ldflags {
    let value = value.unwrap_or_default();
    // The word holding the value, and where the value starts inside it.
    let (word, vstart) = match (inline, next) {
        (true, _) => {
            let Some(site) = flag.site else {
                return Ldflags::Known { value, edit: None };
            };
            let eq = text[site.start..site.end].find('=').expect("inline value");
            (site, site.start + eq + 1)
        }
        (false, Some(n)) => match n.site {
            Some(site) => (site, site.start),
            None => return Ldflags::Known { value, edit: None },
        },
        (false, None) => return Ldflags::Known { value, edit: None },
    };
    let raw = &text[vstart..word.end];
    if let Some(name) = var_ref(&unquote(raw)) {
        let Some(vars) = vars else {
            return Ldflags::Unknown;
        };
        let Some((def, at)) = simple_var(vars, name) else {
            return Ldflags::Unknown;
        };
        let Ok(read) = expand(def, vars, 1) else {
            return Ldflags::Unknown;
        };
        ld_vars.push(name.to_string());
        let edit = if def.starts_with(['"', '\'']) {
            Some(LdEdit::Insert(at + 1))
        } else if def.contains(['"', '\'']) {
            None
        } else {
            Some(LdEdit::Insert(*at))
        };
        return Ldflags::Known {
            value: unquote(&read),
            edit,
        };
    }
    let read = match vars {
        Some(v) => match expand(&value, v, 0) {
            Ok(r) => r,
            Err(_) => return Ldflags::Unknown,
        },
        None => {
            if value.contains("$")
                && !raw.starts_with('"')
                && !text[word.start..vstart].contains('"')
            {
                return Ldflags::Unknown;
            }
            value.clone()
        }
    };
    let before = &text[word.start..vstart];
    let edit = if raw.starts_with(['"', '\'']) {
        Some(LdEdit::Insert(vstart + 1))
    } else if before.contains(['"', '\'']) {
        Some(LdEdit::Insert(vstart))
    } else if raw.is_empty() || raw.contains(['"', '\'', '\\']) {
        None
    } else {
        Some(LdEdit::Quote(
            TextRange::new(vstart, word.end),
            raw.to_string(),
        ))
    };
    Ldflags::Known { value: read, edit }
}

/// What is missing, as flag text: (`-trimpath` missing, the missing linker flags).
struct Missing {
    trimpath: bool,
    strip: Vec<&'static str>,
    /// `-ldflags` is absent altogether.
    no_ldflags: bool,
}

fn missing(b: &Build, trimpath_elsewhere: bool) -> Option<Missing> {
    let trimpath = !b.trimpath && !trimpath_elsewhere;
    let (strip, no_ldflags) = match &b.ldflags {
        None => (vec!["-s", "-w"], true),
        Some(Ldflags::Unknown) => (vec![], false),
        Some(Ldflags::Known { value, .. }) => {
            let (s, w) = has_strip_flags(value);
            let mut m = vec![];
            if !s {
                m.push("-s");
            }
            if !w {
                m.push("-w");
            }
            (m, false)
        }
    };
    (trimpath || !strip.is_empty()).then_some(Missing {
        trimpath,
        strip,
        no_ldflags,
    })
}

fn message(m: &Missing, what: &str, unsure: Option<&str>) -> String {
    let mut lacks = vec![];
    if m.trimpath {
        lacks.push("-trimpath".to_string());
    }
    if !m.strip.is_empty() {
        lacks.push(format!("-ldflags=\"{}\"", m.strip.join(" ")));
    }
    let mut s = format!("{what} lacks {}:", lacks.join(" and "));
    if !m.strip.is_empty() {
        s.push_str(" -s -w leave out the symbol table and DWARF data (a smaller binary; Go stack traces still name functions and lines, but debuggers and core-dump tools lose symbols)");
    }
    if m.trimpath {
        if !m.strip.is_empty() {
            s.push(';');
        }
        s.push_str(" -trimpath records module-relative file paths instead of the build machine's (reproducible builds; paths in panics and runtime.Caller change)");
    }
    if let Some(u) = unsure {
        s.push_str(&format!("; not fixed: {u}"));
    } else {
        s.push('.');
    }
    s
}

/// The finding for one shell `go build` command, with its fix unless something is unsure.
fn shell_finding(
    cmd: &[Word],
    go: usize,
    b: &Build,
    trimpath_elsewhere: bool,
    unsure: Option<String>,
) -> Option<Diagnostic> {
    if b.skip || !b.has_output {
        return None;
    }
    let m = missing(b, trimpath_elsewhere)?;
    let range = TextRange::new(
        cmd[go].site.expect("real word").start,
        cmd[go + 1].site.expect("real word").end,
    );
    let unsure = unsure.or_else(|| {
        b.unknown
            .first()
            .map(|v| format!("`{v}` may already hold the flags; check it"))
    });
    let mut edits = vec![];
    let mut after_build = String::new();
    if m.trimpath {
        after_build.push_str(" -trimpath");
    }
    if m.no_ldflags {
        after_build.push_str(" -ldflags=\"-s -w\"");
    }
    let mut unsure = unsure;
    if !m.no_ldflags && !m.strip.is_empty() {
        let add = m.strip.join(" ");
        match &b.ldflags {
            Some(Ldflags::Known {
                edit: Some(LdEdit::Insert(at)),
                value,
            }) => {
                let sep = if value.trim().is_empty() { "" } else { " " };
                edits.push(Edit::insert(*at, format!("{add}{sep}")));
            }
            Some(Ldflags::Known {
                edit: Some(LdEdit::Quote(r, old)),
                ..
            }) => edits.push(Edit::replace(*r, format!("\"{add} {old}\""))),
            _ => {
                unsure
                    .get_or_insert_with(|| "the -ldflags value could not be edited safely".into());
            }
        }
    }
    if !after_build.is_empty() {
        // `-C dir` must stay the first flag of the command.
        let mut at = range.end;
        let first = cmd.get(go + 2).map(|t| unquote(&t.text));
        if first.as_deref() == Some("-C") || first.as_deref() == Some("--C") {
            at = cmd.get(go + 3).and_then(|t| t.site).map_or(at, |s| s.end);
        } else if first.is_some_and(|f| f.starts_with("-C=") || f.starts_with("--C=")) {
            at = cmd[go + 2].site.map_or(at, |s| s.end);
        }
        edits.push(Edit::insert(at, after_build));
    }
    let mut msg = message(&m, "release `go build`", unsure.as_deref());
    if !b.unknown.is_empty() {
        msg = msg.replacen(" lacks ", " may lack ", 1);
    }
    Some(finding(range, msg, unsure.is_none().then_some(edits)))
}

/// A finding of the rule in the build file (file 0 of its document), with a Safe fix made of `edits`.
fn finding(range: TextRange, message: String, edits: Option<Vec<Edit>>) -> Diagnostic {
    let code = TRANSFORM.meta.code;
    Diagnostic {
        code,
        file: 0,
        range,
        message,
        fix: edits.map(|edits| Fix {
            edits: edits.into_iter().map(|e| (0, e)).collect(),
            ..Fix::new(
                format!("{}: apply the suggested edits", TRANSFORM.meta.name),
                Applicability::Safe,
            )
        }),
        low_priority: false,
        withheld: None,
    }
}

/// Does a `GOFLAGS` setting on some line of the file already carry `-trimpath`?
fn goflags_trimpath(text: &str) -> bool {
    text.lines()
        .any(|l| l.contains("GOFLAGS") && l.contains("-trimpath") && !l.contains("-trimpath=false"))
}

// ---------------------------------------------------------------------------------------------------------
// Dockerfile

fn dockerfile(text: &str) -> Vec<Diagnostic> {
    // A `# escape=` directive changes what a line continuation is; such files are left alone.
    if dockerfile::has_escape_directive(text) {
        return vec![];
    }
    let trimpath_env = goflags_trimpath(text);
    let mut out = vec![];
    let mut stage_debug = false;
    let mut path_args: Vec<String> = vec![];
    for instr in dockerfile::instructions(text) {
        match instr.keyword.as_str() {
            "ARG" | "ENV" => {
                // `ARG NAME=./cmd/api`, `ENV NAME=value` or `ENV NAME value`: a default that is a path.
                let rest = instr.text[3..].trim();
                let (name, value) = rest
                    .split_once(['=', ' '])
                    .map_or((rest, ""), |(n, v)| (n, v.trim().trim_matches(['"', '\''])));
                if !value.is_empty() && !value.starts_with('-') && !value.contains(' ') {
                    path_args.push(name.to_string());
                }
            }
            "FROM" => {
                let ws: Vec<&str> = instr.text.split_whitespace().collect();
                stage_debug = ws
                    .iter()
                    .position(|w| w.eq_ignore_ascii_case("as"))
                    .and_then(|i| ws.get(i + 1))
                    .is_some_and(|n| debug_ish(n));
            }
            "RUN" if !stage_debug => {
                for cmd in shell::commands(text, instr.args_start, instr.end) {
                    // `RUN --mount=... --network=...` flags come before the command.
                    let skip = cmd.iter().take_while(|t| t.text.starts_with("--")).count();
                    let cmd = &cmd[skip..];
                    if cmd.first().is_some_and(|t| t.text.starts_with('[')) {
                        continue;
                    }
                    let Some(go) = go_build_at(cmd) else {
                        continue;
                    };
                    let build = analyse(text, &cmd[go + 2..], None, &path_args);
                    let unsure = instr
                        .heredoc
                        .then(|| "the command is in a heredoc".to_string());
                    out.extend(shell_finding(cmd, go, &build, trimpath_env, unsure));
                }
            }
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// Makefile

/// Is a recipe under a debug rule or a debug branch of a conditional? (The `else` of a debug conditional
/// is the release branch; an `else` of another one is a debug branch only if it names one itself.)
fn debug_recipe(r: &make::Recipe) -> bool {
    debug_ish(&r.targets)
        || r.conditions.iter().any(|branches| {
            branches[1..]
                .iter()
                .fold(debug_ish(&branches[0]), |d, e| !d && debug_ish(e))
        })
}

fn makefile(text: &str) -> Vec<Diagnostic> {
    let (vars, recipes) = make::scan(text);
    let trimpath_env = goflags_trimpath(text);
    let mut builds = vec![];
    for r in &recipes {
        for cmd in shell::commands(text, r.start, r.end) {
            let Some(go) = go_build_at(&cmd) else {
                continue;
            };
            let b = analyse(text, &cmd[go + 2..], Some(&vars), &[]);
            builds.push((debug_recipe(r) || b.skip || !b.has_output, cmd, go, b));
        }
    }
    // A variable `-ldflags` reads from may be edited only if no debug build reads it too.
    let debug_vars: Vec<&String> = builds
        .iter()
        .filter(|(debug, ..)| *debug)
        .flat_map(|(_, _, _, b)| &b.ld_vars)
        .collect();
    let mut out = vec![];
    for (debug, cmd, go, b) in &builds {
        if *debug {
            continue;
        }
        let unsure = b
            .ld_vars
            .iter()
            .find(|v| debug_vars.contains(v))
            .map(|v| format!("`$({v})` is also used by a debug build"));
        out.extend(shell_finding(cmd, *go, b, trimpath_env, unsure));
    }
    // Two builds reading one variable propose the same edit; keep it on the first only.
    let mut seen: Vec<Edit> = vec![];
    for f in &mut out {
        if let Some(fix) = &mut f.fix {
            fix.edits.retain(|(_, e)| {
                e.range.is_empty() && e.content.starts_with(' ') || !seen.contains(e)
            });
            seen.extend(fix.edits.iter().map(|(_, e)| e.clone()));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// GoReleaser

fn goreleaser(text: &str) -> Vec<Diagnostic> {
    yaml::list_items(text, "builds")
        .iter()
        .filter_map(|item| goreleaser_build(item))
        .collect()
}

fn goreleaser_build(item: &[yaml::Line<'_>]) -> Option<Diagnostic> {
    let (_, first) = item[0];
    let dash = first.find('-').expect("an item line");
    let (key_indent, keys) = yaml::item_keys(item);
    let key = |n: &str| keys.iter().find(|k| k.name == n);
    // Anchors, merges and aliases can carry flags the rule does not see.
    if keys
        .iter()
        .any(|k| k.name == "<<" || k.inline.starts_with('*') || k.inline.starts_with('&'))
    {
        return None;
    }
    for n in ["id", "binary"] {
        if key(n).is_some_and(|k| debug_ish(k.inline.trim_matches(['"', '\'']))) {
            return None;
        }
    }
    if key("skip").is_some_and(|k| k.inline == "true")
        || key("builder").is_some_and(|k| k.inline.trim_matches(['"', '\'']) != "go")
        || key("buildmode")
            .is_some_and(|k| !matches!(k.inline.trim_matches(['"', '\'']), "" | "exe" | "pie"))
    {
        return None;
    }
    if let Some(g) = key("gcflags") {
        let v = g.joined();
        if words(&v).iter().any(|w| {
            let w = w.rsplit_once('=').map_or(w.as_str(), |(_, f)| f);
            matches!(w, "-N" | "-l")
        }) {
            return None;
        }
    }
    let flags = key("flags").map(yaml::Key::joined).unwrap_or_default();
    let fw = words(&flags);
    if fw.iter().any(|w| {
        matches!(
            w.as_str(),
            "-race" | "-msan" | "-asan" | "-cover" | "-trimpath=false"
        ) || w.starts_with("-coverpkg")
    }) {
        return None;
    }
    let trimpath = fw.iter().any(|w| w == "-trimpath" || w == "-trimpath=true");
    let (strip, ld) = match key("ldflags") {
        None => (vec![], None),
        Some(k) => {
            let (s, w) = has_strip_flags(&k.joined().replace(['[', ']', ','], " "));
            let mut m = vec![];
            if !s {
                m.push("-s");
            }
            if !w {
                m.push("-w");
            }
            (m, Some(k))
        }
    };
    let m = Missing {
        trimpath: !trimpath,
        strip,
        no_ldflags: false,
    };
    if !m.trimpath && m.strip.is_empty() {
        return None;
    }
    let mut edits = vec![];
    let mut unsure = None;
    if m.trimpath {
        match key("flags") {
            Some(k) if k.inline.is_empty() => match k.first_list_line() {
                Some((off, ind)) => edits.push(Edit::insert(
                    off,
                    format!("{}- -trimpath\n", " ".repeat(ind)),
                )),
                None => unsure = Some("`flags:` is not a list the rule can extend".to_string()),
            },
            // A one-line flow list, `flags: [-v]`: the flag goes first.
            Some(k)
                if k.inline.starts_with('[')
                    && k.inline.ends_with(']')
                    && !k.inline.contains('#') =>
            {
                let empty = k.inline[1..k.inline.len() - 1].trim().is_empty();
                let add = if empty { "-trimpath" } else { "-trimpath, " };
                edits.push(Edit::insert(k.inline_at + 1, add));
            }
            Some(_) => unsure = Some("`flags:` is not a list the rule can extend".to_string()),
            None => {
                // A new `flags:` key after the entry's last line, at the keys' indentation.
                let last = item
                    .iter()
                    .rev()
                    .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                    .expect("the item line");
                let at = last.0 + last.1.len() + 1;
                let pad = " ".repeat(key_indent);
                edits.push(Edit::insert(
                    at,
                    format!("{pad}flags:\n{pad}  - -trimpath\n"),
                ));
            }
        }
    }
    if let Some(k) = ld.filter(|_| !m.strip.is_empty()) {
        let add = m.strip.join(" ");
        if k.inline.is_empty() {
            match k.first_list_line() {
                Some((off, ind)) => {
                    edits.push(Edit::insert(off, format!("{}- {add}\n", " ".repeat(ind))))
                }
                None => unsure = Some("`ldflags:` is not a list the rule can extend".to_string()),
            }
        } else if k.inline.starts_with('[')
            && k.inline.ends_with(']')
            && k.inline.len() > 2
            && !k.inline.contains(['#', '"', '\''])
        {
            edits.push(Edit::insert(k.inline_at + 1, format!("{add}, ")));
        } else if k.inline.starts_with(['[', '|', '>', '{']) {
            unsure = Some("`ldflags:` is not a block list or a plain value".to_string());
        } else if k.inline.starts_with(['"', '\'']) {
            edits.push(Edit::insert(k.inline_at + 1, format!("{add} ")));
        } else {
            edits.push(Edit::insert(k.inline_at, format!("{add} ")));
        }
    }
    let start = item[0].0 + dash;
    let range = TextRange::new(start, item[0].0 + first.len());
    let name = key("id")
        .map(|k| format!("GoReleaser build `{}`", k.inline.trim_matches(['"', '\''])))
        .unwrap_or_else(|| "GoReleaser build".to_string());
    let msg = message(&m, &name, unsure.as_deref())
        .replace("-ldflags=\"-s -w\"", "`-s -w` in ldflags")
        .replace("lacks -trimpath", "lacks `-trimpath` in flags");
    Some(finding(range, msg, unsure.is_none().then_some(edits)))
}

#[cfg(test)]
mod tests;
