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

use crate::fix::{Applicability, Edit, TextRange};
use crate::gomod::Module;
use crate::transform::{FileFinding, Meta, OtherFiles, Transform, always};
use std::collections::HashMap;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R8",
        name: "build-flags",
        summary: "release `go build` in a Dockerfile, Makefile or .goreleaser.yml without -trimpath and -ldflags=\"-s -w\"",
        fix: crate::fix::FixAvailability::Sometimes,
        // Never a Go file: the rule reads build files through `other_files`.
        prefilter: &[],
        tier: crate::transform::Tier::AlwaysShip,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Docker,
    Make,
    GoReleaser,
}

fn kind(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    if matches!(
        name,
        ".goreleaser.yml" | ".goreleaser.yaml" | "goreleaser.yml" | "goreleaser.yaml"
    ) {
        return Some(Kind::GoReleaser);
    }
    if matches!(name, "Makefile" | "GNUmakefile" | "makefile") {
        return Some(Kind::Make);
    }
    if let Some(stem) = lower.strip_suffix(".mk") {
        return (!stem.is_empty() && !debug_ish(stem)).then_some(Kind::Make);
    }
    for base in ["dockerfile", "containerfile"] {
        if lower == base {
            return Some(Kind::Docker);
        }
        // `Dockerfile.prod` / `api.Dockerfile`; a variant named for debugging or tests is not a release.
        if let Some(variant) = lower
            .strip_prefix(&format!("{base}."))
            .or_else(|| lower.strip_suffix(&format!(".{base}")))
        {
            return (!variant.is_empty() && !debug_ish(variant)).then_some(Kind::Docker);
        }
    }
    None
}

fn wants(name: &str) -> bool {
    kind(name).is_some()
}

/// `path` is relative to the module root: a build file under `test/`, `e2e/`, `dev/`, `examples/`...
/// builds something that is not shipped.
fn run_file(path: &str, text: &str, _module: Option<&Module>) -> Vec<FileFinding> {
    let (dirs, name) = path.rsplit_once('/').unwrap_or(("", path));
    if memchr::memmem::find(text.as_bytes(), b"build").is_none()
        || dirs.split('/').any(|d| {
            debug_ish(d) || matches!(d.to_ascii_lowercase().as_str(), "example" | "examples")
        })
    {
        return vec![];
    }
    match kind(name) {
        Some(Kind::GoReleaser) => goreleaser(text),
        Some(Kind::Docker) => dockerfile(text),
        Some(Kind::Make) => makefile(text),
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
// Shell words

/// A shell word: its bytes in the file, or (from a variable's expansion) only its text.
#[derive(Debug, Clone)]
struct Tok {
    text: String,
    site: Option<TextRange>,
}

/// Splits `text[start..end]` into commands of words: whitespace and backslash-newline separate words;
/// `&&`, `||`, `;`, `|`, `&`, parentheses and newlines separate commands; `#` at a word start comments to
/// the end of the line. Quotes and `$(...)` / `${...}` stay inside one word.
fn shell_commands(text: &str, start: usize, end: usize) -> Vec<Vec<Tok>> {
    let b = text.as_bytes();
    let mut cmds: Vec<Vec<Tok>> = vec![vec![]];
    let mut i = start;
    let push_word = |cmds: &mut Vec<Vec<Tok>>, s: usize, e: usize| {
        cmds.last_mut().expect("one command").push(Tok {
            text: text[s..e].to_string(),
            site: Some(TextRange::new(s, e)),
        });
    };
    while i < end {
        let c = b[i];
        if c == b'\\' && i + 1 < end && b[i + 1] == b'\n' {
            i += 2;
            continue;
        }
        if c == b' ' || c == b'\t' || c == b'\r' {
            i += 1;
            continue;
        }
        if matches!(c, b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'`') {
            cmds.push(vec![]);
            i += 1;
            continue;
        }
        if c == b'#' {
            while i < end && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let s = i;
        while i < end {
            let c = b[i];
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'(' | b')' | b'`' => break,
                b'\\' => i = (i + 2).min(end),
                b'\'' => {
                    i += 1;
                    while i < end && b[i] != b'\'' {
                        i += 1;
                    }
                    i = (i + 1).min(end);
                }
                b'"' => {
                    i += 1;
                    while i < end && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    i = (i + 1).min(end);
                }
                b'$' if i + 1 < end && (b[i + 1] == b'(' || b[i + 1] == b'{') => {
                    let (open, close) = (b[i + 1], if b[i + 1] == b'(' { b')' } else { b'}' });
                    let mut depth = 0;
                    i += 1;
                    while i < end {
                        if b[i] == open {
                            depth += 1;
                        } else if b[i] == close {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        push_word(&mut cmds, s, i.min(end));
    }
    cmds.retain(|c| !c.is_empty());
    cmds
}

/// A word without its quotes and backslashes (good enough to read flags).
fn unquote(w: &str) -> String {
    let mut out = String::new();
    let mut q: Option<char> = None;
    let mut chars = w.chars();
    while let Some(c) = chars.next() {
        match (q, c) {
            (None, '\'' | '"') => q = Some(c),
            (Some(o), c) if c == o => q = None,
            (Some('"') | None, '\\') => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// `$(NAME)` / `${NAME}` / `$NAME` when the whole word is one variable reference.
fn var_ref(w: &str) -> Option<&str> {
    let inner = w
        .strip_prefix("$(")
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| w.strip_prefix("${").and_then(|r| r.strip_suffix('}')))
        .or_else(|| w.strip_prefix('$'))?;
    (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(inner)
}

fn is_assignment(w: &str) -> bool {
    w.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty()
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !k.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// The index of `go` in `go build ...`, when only environment assignments (or `env`, `time`, `exec`)
/// come before it.
fn go_build_at(cmd: &[Tok]) -> Option<usize> {
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

/// What the rule knows about a Makefile's variables: name → definitions (value, offset of the value).
type Vars = HashMap<String, Vec<Option<(String, usize)>>>;

/// The value of a variable with exactly one plain definition (`None` for `+=`, conditionals, `define`).
fn simple_var<'v>(vars: &'v Vars, name: &str) -> Option<&'v (String, usize)> {
    match vars.get(name).map(Vec::as_slice) {
        Some([Some(d)]) => Some(d),
        _ => None,
    }
}

/// Expands make variable references for reading (not editing), up to a small depth; `None` when a
/// reference has no simple definition.
fn expand(text: &str, vars: &Vars, depth: usize) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(p) = rest.find('$') {
        out.push_str(&rest[..p]);
        let r = &rest[p..];
        if let Some(stripped) = r.strip_prefix("$$") {
            out.push('$');
            rest = stripped;
            continue;
        }
        let Some(close) = matching_close(r) else {
            out.push('$');
            rest = &r[1..];
            continue;
        };
        let name = &r[2..close];
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            // A function call (`$(shell git describe)`): a value, unless it looks like it makes flags.
            if name.to_ascii_uppercase().contains("FLAGS") {
                return Err(r[..=close].to_string());
            }
            out.push_str("VALUE");
            rest = &r[close + 1..];
            continue;
        }
        match simple_var(vars, name) {
            Some((v, _)) if depth < 4 => out.push_str(&expand(v, vars, depth + 1)?),
            // Unknown pieces that do not look like flags (a version, a commit) do not matter.
            _ if !name.to_ascii_uppercase().contains("FLAGS") => out.push_str("VALUE"),
            _ => return Err(r[..=close].to_string()),
        }
        rest = &r[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The offset of the `)` or `}` closing the reference `r` starts with (`$(` or `${`), nesting counted.
fn matching_close(r: &str) -> Option<usize> {
    let (open, close) = match r.as_bytes().get(1)? {
        b'(' => (b'(', b')'),
        b'{' => (b'{', b'}'),
        _ => return None,
    };
    let mut depth = 0;
    for (i, &c) in r.as_bytes().iter().enumerate().skip(1) {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

fn words(text: &str) -> Vec<String> {
    shell_commands(text, 0, text.len())
        .into_iter()
        .flatten()
        .map(|t| unquote(&t.text))
        .collect()
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

/// Reads the words after `go build`. `vars` are the Makefile's variables (empty for a Dockerfile).
/// The words of a variable's definition, positioned in the file (empty if the definition is not one
/// simple command line).
fn in_place(text: &str, value: &str, at: usize) -> Vec<Tok> {
    if text.get(at..at + value.len()) != Some(value) {
        return vec![];
    }
    let mut cmds = shell_commands(text, at, at + value.len());
    if cmds.len() != 1 {
        return vec![];
    }
    cmds.pop().expect("one command")
}

/// `paths` are Dockerfile `ARG`/`ENV` names whose default is a path, not flags (`ARG APP=./cmd/api`).
fn analyse(text: &str, args: &[Tok], vars: Option<&Vars>, paths: &[String]) -> Build {
    let mut b = Build::default();
    let mut toks: Vec<Tok> = vec![];
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
                Some(Ok(exp)) => toks.extend(words(&exp).into_iter().map(|w| Tok {
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
                && (crate::context::dir_role(None, std::path::Path::new(&w)).is_some()
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
        let mut value_tok: Option<Tok> = None;
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
                        Some(Ok(exp)) if !exp.contains("VALUE") => v = exp,
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
    flag: &Tok,
    inline: bool,
    next: Option<&Tok>,
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
    cmd: &[Tok],
    go: usize,
    b: &Build,
    trimpath_elsewhere: bool,
    unsure: Option<String>,
) -> Option<FileFinding> {
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
    let fix = unsure.is_none().then_some((Applicability::Safe, edits));
    Some(FileFinding {
        range,
        message: msg,
        fix,
    })
}

/// Does a `GOFLAGS` setting on some line of the file already carry `-trimpath`?
fn goflags_trimpath(text: &str) -> bool {
    text.lines()
        .any(|l| l.contains("GOFLAGS") && l.contains("-trimpath") && !l.contains("-trimpath=false"))
}

// ---------------------------------------------------------------------------------------------------------
// Dockerfile

fn dockerfile(text: &str) -> Vec<FileFinding> {
    // A `# escape=` directive changes what a line continuation is; such files are left alone.
    if text.lines().take_while(|l| l.starts_with('#')).any(|l| {
        l.replace(' ', "")
            .to_ascii_lowercase()
            .starts_with("#escape=")
    }) {
        return vec![];
    }
    let trimpath_env = goflags_trimpath(text);
    let b = text.as_bytes();
    let mut out = vec![];
    let mut stage_debug = false;
    let mut path_args: Vec<String> = vec![];
    let mut pos = 0;
    while pos < text.len() {
        let line_end = memchr::memchr(b'\n', &b[pos..]).map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            pos = line_end + 1;
            continue;
        }
        // The instruction runs to the first line not ending in a backslash (comment lines inside count).
        let mut end = line_end;
        let mut heredoc = false;
        loop {
            let l = &text[text[..end].rfind('\n').map_or(0, |i| i + 1)..end];
            if !l.trim_end().ends_with('\\') || end >= text.len() {
                break;
            }
            end = memchr::memchr(b'\n', &b[end + 1..]).map_or(text.len(), |i| end + 1 + i);
        }
        let instr = &text[pos..end];
        let kw = trimmed
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        if let Some(tag) = heredoc_tag(instr) {
            heredoc = true;
            // The body runs to the line that is the tag alone.
            let mut p = end + 1;
            while p < text.len() {
                let e = memchr::memchr(b'\n', &b[p..]).map_or(text.len(), |i| p + i);
                let l = text[p..e].trim();
                if l == tag {
                    end = e;
                    break;
                }
                p = e + 1;
                end = e;
            }
        }
        match kw.as_str() {
            "ARG" | "ENV" => {
                // `ARG NAME=./cmd/api`, `ENV NAME=value` or `ENV NAME value`: a default that is a path.
                let rest = instr.trim_start()[3..].trim();
                let (name, value) = rest
                    .split_once(['=', ' '])
                    .map_or((rest, ""), |(n, v)| (n, v.trim().trim_matches(['"', '\''])));
                if !value.is_empty() && !value.starts_with('-') && !value.contains(' ') {
                    path_args.push(name.to_string());
                }
            }
            "FROM" => {
                let ws: Vec<&str> = instr.split_whitespace().collect();
                stage_debug = ws
                    .iter()
                    .position(|w| w.eq_ignore_ascii_case("as"))
                    .and_then(|i| ws.get(i + 1))
                    .is_some_and(|n| debug_ish(n));
            }
            "RUN" if !stage_debug => {
                let start = pos + (line.len() - trimmed.len()) + 3;
                for cmd in shell_commands(text, start, end) {
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
                    let unsure = heredoc.then(|| "the command is in a heredoc".to_string());
                    out.extend(shell_finding(cmd, go, &build, trimpath_env, unsure));
                }
            }
            _ => {}
        }
        pos = end + 1;
    }
    out
}

/// The terminator of a `<<TAG` / `<<-TAG` / `<<"TAG"` heredoc started in this instruction.
fn heredoc_tag(instr: &str) -> Option<String> {
    let p = instr.find("<<")?;
    let rest = instr[p + 2..].trim_start_matches('-');
    let tag: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!tag.is_empty()).then_some(tag)
}

// ---------------------------------------------------------------------------------------------------------
// Makefile

/// A recipe command of the Makefile: its byte span, and whether its rule or conditional is a debug one.
struct Recipe {
    start: usize,
    end: usize,
    debug: bool,
}

fn makefile(text: &str) -> Vec<FileFinding> {
    let (vars, recipes) = scan_makefile(text);
    let trimpath_env = goflags_trimpath(text);
    let mut builds = vec![];
    for r in &recipes {
        for cmd in shell_commands(text, r.start, r.end) {
            let Some(go) = go_build_at(&cmd) else {
                continue;
            };
            let b = analyse(text, &cmd[go + 2..], Some(&vars), &[]);
            builds.push((r.debug || b.skip || !b.has_output, cmd, go, b));
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
        if let Some((_, edits)) = &mut f.fix {
            edits.retain(|e| e.range.is_empty() && e.content.starts_with(' ') || !seen.contains(e));
            seen.extend(edits.iter().cloned());
        }
    }
    out
}

/// The variables (one entry per definition; `None` for one the rule cannot use) and the recipe commands.
fn scan_makefile(text: &str) -> (Vars, Vec<Recipe>) {
    let mut vars: Vars = HashMap::new();
    let mut recipes = vec![];
    let mut rule_debug = false;
    let mut in_rule = false;
    let mut cond: Vec<bool> = vec![];
    let mut in_define = false;
    let mut has_include = false;
    let b = text.as_bytes();
    let mut pos = 0;
    while pos < text.len() {
        let mut end = memchr::memchr(b'\n', &b[pos..]).map_or(text.len(), |i| pos + i);
        while text[..end].ends_with('\\') && end < text.len() {
            end = memchr::memchr(b'\n', &b[end + 1..]).map_or(text.len(), |i| end + 1 + i);
        }
        let line = &text[pos..end];
        let continued = line.contains("\\\n");
        let next = end + 1;
        if in_define {
            if line.trim() == "endef" {
                in_define = false;
            }
            pos = next;
            continue;
        }
        if line.starts_with('\t') && in_rule {
            recipes.push(Recipe {
                start: pos + 1,
                end,
                debug: rule_debug || cond.iter().any(|d| *d),
            });
            pos = next;
            continue;
        }
        let t = line.trim();
        let first = t.split_whitespace().next().unwrap_or("");
        match first {
            "" => {}
            _ if t.starts_with('#') => {}
            "ifeq" | "ifneq" | "ifdef" | "ifndef" => cond.push(debug_ish(t)),
            "else" => {
                // `else` of a debug conditional is the release branch, and the other way round is unknown.
                if let Some(d) = cond.last_mut() {
                    *d = !*d && debug_ish(t);
                }
            }
            "endif" => {
                cond.pop();
            }
            // An included makefile may define or extend any variable: none of ours is then complete.
            "include" | "-include" | "sinclude" => has_include = true,
            "define" => {
                in_define = true;
                if let Some(n) = t.split_whitespace().nth(1) {
                    vars.entry(n.to_string()).or_default().push(None);
                }
            }
            _ => {
                if let Some((name, op, value_at)) = assignment(line) {
                    let value = text[pos + value_at..end].trim_end().to_string();
                    let usable = op != "+=" && op != "!=" && !continued && cond.is_empty();
                    vars.entry(name)
                        .or_default()
                        .push(usable.then_some((value, pos + value_at)));
                } else if let Some(colon) = rule_colon(line) {
                    in_rule = true;
                    let targets = &line[..colon];
                    rule_debug = debug_ish(targets);
                    let rest = &line[colon + 1..];
                    // A target-specific variable (`debug: LDFLAGS = ...`) is a second definition.
                    if let Some((name, _, _)) = assignment(rest.trim_start_matches(':')) {
                        vars.entry(name).or_default().push(None);
                        in_rule = false;
                    } else if let Some(semi) = rest.find(';') {
                        recipes.push(Recipe {
                            start: pos + colon + 1 + semi + 1,
                            end,
                            debug: rule_debug || cond.iter().any(|d| *d),
                        });
                    }
                } else {
                    in_rule = false;
                }
            }
        }
        pos = next;
    }
    if has_include {
        for defs in vars.values_mut() {
            defs.push(None);
        }
    }
    (vars, recipes)
}

/// `NAME op value` (with `export`/`override` before it): the name, the operator, and the value's offset.
fn assignment(line: &str) -> Option<(String, &'static str, usize)> {
    let mut s = line.trim_start();
    for p in ["export ", "override "] {
        if let Some(r) = s.strip_prefix(p) {
            s = r.trim_start();
        }
    }
    let name_len = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .unwrap_or(s.len());
    if name_len == 0 {
        return None;
    }
    let after = s[name_len..].trim_start();
    let op = ["::=", ":=", "?=", "+=", "!=", "="]
        .into_iter()
        .find(|op| after.starts_with(op))?;
    let value = after[op.len()..].trim_start();
    let value_at = line.len() - value.len();
    Some((s[..name_len].to_string(), op, value_at))
}

/// The colon ending a rule's targets (not `:=`), outside variable references.
fn rule_colon(line: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in line.char_indices() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth -= 1,
            ':' if depth == 0 && !line[i + 1..].starts_with('=') => return Some(i),
            '=' if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------------------
// GoReleaser

/// One key of a build entry: its line, its indentation, and the lines of its value.
struct YamlKey<'t> {
    name: &'t str,
    /// The inline value (after `key:`) and its offset.
    inline: &'t str,
    inline_at: usize,
    /// Following lines that belong to the value: (offset, text).
    body: Vec<(usize, &'t str)>,
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

fn goreleaser(text: &str) -> Vec<FileFinding> {
    let lines: Vec<(usize, &str)> = {
        let mut off = 0;
        text.split('\n')
            .map(|l| {
                let r = (off, l);
                off += l.len() + 1;
                r
            })
            .collect()
    };
    let content = |l: &str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    let Some(top) = lines.iter().position(|(_, l)| l.trim_end() == "builds:") else {
        return vec![];
    };
    // The list items of `builds:`, each up to the next item or the end of the list.
    let mut items: Vec<Vec<(usize, &str)>> = vec![];
    let mut item_indent = None;
    for &(off, l) in &lines[top + 1..] {
        if !content(l) {
            if let Some(cur) = items.last_mut() {
                cur.push((off, l));
            }
            continue;
        }
        let ind = indent(l);
        let is_item = l.trim_start().starts_with("- ") || l.trim() == "-";
        match item_indent {
            None if is_item => {
                item_indent = Some(ind);
                items.push(vec![(off, l)]);
            }
            None => break,
            Some(ii) if is_item && ind == ii => items.push(vec![(off, l)]),
            Some(ii) if ind > ii => items.last_mut().expect("an item").push((off, l)),
            Some(_) => break,
        }
    }
    let mut out = vec![];
    for item in items {
        out.extend(goreleaser_build(&item));
    }
    out
}

fn goreleaser_build(item: &[(usize, &str)]) -> Option<FileFinding> {
    let (_, first) = item[0];
    let dash = first.find('-').expect("an item line");
    let key_indent = dash + 1 + first[dash + 1..].len() - first[dash + 1..].trim_start().len();
    // Keys at the item's key indentation (the first one shares the `- ` line).
    let mut keys: Vec<YamlKey<'_>> = vec![];
    for (n, &(off, l)) in item.iter().enumerate() {
        let body = if n == 0 {
            &l[key_indent.min(l.len())..]
        } else {
            l
        };
        let at_key = n == 0 || (indent(l) == key_indent && !l.trim_start().starts_with('-'));
        if at_key && !body.trim().is_empty() && !body.trim_start().starts_with('#') {
            let t = body.trim_start();
            let Some((name, rest)) = t.split_once(':') else {
                continue;
            };
            let name_at = l.len() - t.len();
            let inline = rest.trim();
            let inline_at = off + name_at + name.len() + 1 + (rest.len() - rest.trim_start().len());
            keys.push(YamlKey {
                name: name.trim(),
                inline,
                inline_at,
                body: vec![],
            });
        } else if let Some(k) = keys.last_mut() {
            k.body.push((off, l));
        }
    }
    let key = |n: &str| keys.iter().find(|k| k.name == n);
    let all = |k: &YamlKey<'_>| {
        let mut s = k.inline.to_string();
        for (_, l) in &k.body {
            s.push(' ');
            s.push_str(l.trim().trim_start_matches("- "));
        }
        s
    };
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
        let v = all(g);
        if words(&v).iter().any(|w| {
            let w = w.rsplit_once('=').map_or(w.as_str(), |(_, f)| f);
            matches!(w, "-N" | "-l")
        }) {
            return None;
        }
    }
    let flags = key("flags").map(all).unwrap_or_default();
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
            let (s, w) = has_strip_flags(&all(k).replace(['[', ']', ','], " "));
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
    let list_item_indent = |k: &YamlKey<'_>| {
        k.body
            .iter()
            .find(|(_, l)| l.trim_start().starts_with("- "))
            .map(|(off, l)| (*off, indent(l)))
    };
    if m.trimpath {
        match key("flags") {
            Some(k) if k.inline.is_empty() => match list_item_indent(k) {
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
            match list_item_indent(k) {
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
    let fix = unsure.is_none().then_some((Applicability::Safe, edits));
    Some(FileFinding {
        range,
        message: msg,
        fix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otherfiles::apply_edits;

    fn fixed(name: &str, text: &str) -> (String, Vec<FileFinding>) {
        let found = run_file(name, text, None);
        let edits: Vec<Edit> = found
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .flat_map(|(_, e)| e.clone())
            .collect();
        (apply_edits(text, edits), found)
    }

    #[test]
    fn file_names() {
        for n in [
            "Dockerfile",
            "Containerfile",
            "api.Dockerfile",
            "Dockerfile.prod",
            "Makefile",
            "GNUmakefile",
            "makefile",
            "release.mk",
            ".goreleaser.yml",
            ".goreleaser.yaml",
        ] {
            assert!(wants(n), "{n}");
        }
        for n in [
            "Dockerfile.dev",
            "debug.Dockerfile",
            "test.mk",
            "main.go",
            "README.md",
            ".dockerignore",
        ] {
            assert!(!wants(n), "{n}");
        }
    }

    #[test]
    fn test_and_example_directories_are_not_releases() {
        let src = "FROM golang:1.22\nRUN go build -o /app .\n";
        assert_eq!(run_file("deploy/Dockerfile", src, None).len(), 1);
        for p in [
            "test/e2e/Dockerfile",
            "examples/grpc/Dockerfile",
            "dev/Dockerfile",
            "integration-tests/Dockerfile",
        ] {
            assert!(run_file(p, src, None).is_empty(), "{p}");
        }
    }

    #[test]
    fn doc_example_rewrites_to_use_instead() {
        let doc = crate::docs::doc(&TRANSFORM);
        let block = |h: &str| {
            let after = &doc[doc.find(h).unwrap()..];
            let s = after.find("```dockerfile\n").unwrap() + "```dockerfile\n".len();
            let e = after[s..].find("```").unwrap() + s;
            after[s..e].to_string()
        };
        let (got, found) = fixed("Dockerfile", &block("## Example"));
        assert_eq!(found.len(), 1);
        assert_eq!(got, block("## Use instead"));
    }

    #[test]
    fn dockerfile_continuation_and_mount() {
        let src = "FROM golang:1.22 AS build\nRUN --mount=type=cache,target=/root/.cache/go-build \\\n    go build \\\n      -o /out/app ./cmd/app\n";
        let (got, found) = fixed("Dockerfile", src);
        assert_eq!(found.len(), 1);
        assert!(got.contains("go build -trimpath -ldflags=\"-s -w\" \\\n      -o /out/app"));
        assert!(fixed("Dockerfile", &got).1.is_empty());
        // Tab-indented continuation lines are still a Dockerfile.
        let src = "FROM golang:1.22\nRUN apt-get update && \\\n\tgo build -o /app . && \\\n\trm -rf /var/lib/apt/lists\n";
        let (got, found) = fixed("Dockerfile", src);
        assert_eq!(found.len(), 1);
        assert!(
            got.contains("\tgo build -trimpath -ldflags=\"-s -w\" -o /app . && \\\n"),
            "{got}"
        );
    }

    #[test]
    fn dockerfile_skips_debug_stage_checks_and_sh_c() {
        let src = "FROM golang:1.22 AS debug\nRUN go build -o /app .\nFROM golang:1.22 AS build\nRUN go build ./... && go vet ./...\nRUN sh -c \"go build -o /x .\"\nRUN go build -o /dev/null ./...\n";
        assert!(run_file("Dockerfile", src, None).is_empty());
    }

    #[test]
    fn dockerfile_heredoc_and_arg_are_reported_without_fix() {
        let src = "FROM golang:1.22\nRUN <<EOF\ngo build -o /app .\nEOF\n";
        let f = run_file("Dockerfile", src, None);
        assert_eq!(f.len(), 1);
        assert!(f[0].fix.is_none());
        let src = "FROM golang:1.22\nARG LDFLAGS\nRUN go build -ldflags=\"${LDFLAGS}\" -o /app .\n";
        let f = run_file("Dockerfile", src, None);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("lacks -trimpath:"),
            "{}",
            f[0].message
        );
        assert!(f[0].fix.is_some());
    }

    #[test]
    fn dockerfile_path_args_and_old_gcflags_trimpath() {
        let src = "FROM golang:1.24\nARG APP_ENTRY=./cmd/api\nARG OUT=main\nRUN go build -o ${OUT} ${APP_ENTRY}\n";
        let f = run_file("Dockerfile", src, None);
        assert_eq!(f.len(), 1);
        assert!(f[0].fix.is_some(), "{}", f[0].message);
        let src =
            "FROM golang:1.24\nARG BUILD_FLAGS=-race\nRUN go build ${BUILD_FLAGS} -o /app .\n";
        assert!(run_file("Dockerfile", src, None)[0].fix.is_none());
        let src = "FROM golang\nRUN go build -ldflags=\"-w -s\" -gcflags=\"-trimpath\" -asmflags=\"-trimpath\" -o /app .\n";
        assert!(run_file("Dockerfile", src, None).is_empty());
    }

    #[test]
    fn dash_c_stays_first() {
        let (got, _) = fixed(
            "Dockerfile",
            "FROM golang\nRUN go build -C services/api -o /api .\n",
        );
        assert_eq!(
            got,
            "FROM golang\nRUN go build -C services/api -trimpath -ldflags=\"-s -w\" -o /api .\n"
        );
        // A generator's build (its output names it) is a developer tool, not a release.
        assert!(
            run_file(
                "Dockerfile",
                "FROM golang\nRUN go build -C tools/gen -o /gen .\n",
                None
            )
            .is_empty()
        );
    }

    #[test]
    fn ldflags_merge_keeps_quoting() {
        let cases = [
            (
                "RUN go build -ldflags \"-X main.v=1\" -o /a .",
                "RUN go build -trimpath -ldflags \"-s -w -X main.v=1\" -o /a .",
            ),
            (
                "RUN go build -ldflags='-X main.v=1' -o /a .",
                "RUN go build -trimpath -ldflags='-s -w -X main.v=1' -o /a .",
            ),
            (
                "RUN go build -ldflags=-X=main.v=1 -o /a .",
                "RUN go build -trimpath -ldflags=\"-s -w -X=main.v=1\" -o /a .",
            ),
            (
                "RUN go build -trimpath -ldflags=\"-s\" -o /a .",
                "RUN go build -trimpath -ldflags=\"-w -s\" -o /a .",
            ),
        ];
        for (a, b) in cases {
            let (got, _) = fixed("Dockerfile", &format!("FROM golang\n{a}\n"));
            assert_eq!(got, format!("FROM golang\n{b}\n"));
        }
    }

    #[test]
    fn makefile_variable_ldflags() {
        let src = "VERSION ?= dev\nLDFLAGS := -X main.version=$(VERSION)\n\nbuild:\n\tgo build -ldflags \"$(LDFLAGS)\" -o bin/app ./cmd/app\n\ndebug:\n\tgo build -gcflags=\"all=-N -l\" -o bin/app-debug ./cmd/app\n";
        let (got, found) = fixed("Makefile", src);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            got.contains("LDFLAGS := -s -w -X main.version=$(VERSION)\n"),
            "{got}"
        );
        assert!(
            got.contains("\tgo build -trimpath -ldflags \"$(LDFLAGS)\""),
            "{got}"
        );
        assert!(fixed("Makefile", &got).1.is_empty());
        // The same variable in a debug build: reported, not edited.
        let shared = src.replace(
            "-gcflags=\"all=-N -l\"",
            "-gcflags=\"all=-N -l\" -ldflags \"$(LDFLAGS)\"",
        );
        let f = run_file("Makefile", &shared, None);
        assert_eq!(f.len(), 1);
        assert!(f[0].fix.is_none());
    }

    #[test]
    fn makefile_unknown_goflags_and_conditionals() {
        let src = "build:\n\tgo build $(BUILD_FLAGS) -o bin/app .\n";
        let f = run_file("Makefile", src, None);
        assert_eq!(f.len(), 1);
        assert!(f[0].fix.is_none() && f[0].message.contains("$(BUILD_FLAGS)"));
        assert!(
            f[0].message
                .starts_with("release `go build` may lack -trimpath")
        );
        let src = "build:\n\tgo build -o bin/app $(BUILD_OPTIONS) ./cmd/app\n";
        assert!(run_file("Makefile", src, None)[0].fix.is_none());
        let src = "OPTS := -tags netgo\nbuild:\n\tgo build $(OPTS) -o bin/app ./cmd/app\n";
        assert!(run_file("Makefile", src, None)[0].fix.is_some());
        let src = "VERSION ?= dev\nLDFLAGS = -ldflags \"-X main.version=${VERSION}\"\nbuild:\n\tgo build ${LDFLAGS} -o bin/app .\n";
        let (got, f) = fixed("Makefile", src);
        assert_eq!(f.len(), 1);
        assert_eq!(
            got,
            "VERSION ?= dev\nLDFLAGS = -ldflags \"-s -w -X main.version=${VERSION}\"\nbuild:\n\tgo build -trimpath ${LDFLAGS} -o bin/app .\n"
        );
        let src = "include common.mk\nLDFLAGS := -X main.v=1\nbuild:\n\tgo build -ldflags \"$(LDFLAGS)\" -o bin/app .\n";
        let f = run_file("Makefile", src, None);
        assert!(
            f[0].message
                .starts_with("release `go build` lacks -trimpath:"),
            "{}",
            f[0].message
        );
        let src = "ifdef DEBUG\nbuild:\n\tgo build -o bin/app .\nendif\n";
        assert!(run_file("Makefile", src, None).is_empty());
        let src =
            "export GOFLAGS := -trimpath\nbuild:\n\tgo build -ldflags=\"-s -w\" -o bin/app .\n";
        assert!(run_file("Makefile", src, None).is_empty());
        let src = "test:\n\tgo build -o bin/app . && go test ./...\nrace:\n\tgo build -race -o bin/app .\n";
        assert!(run_file("Makefile", src, None).is_empty());
    }

    #[test]
    fn goreleaser_builds() {
        let src = "version: 2\nbuilds:\n  - id: api\n    main: ./cmd/api\n    ldflags:\n      - -X main.version={{.Version}}\n  - id: worker\n    main: ./cmd/worker\n    flags:\n      - -tags=netgo\n  - id: debug\n    main: ./cmd/api\n  - id: ok\n    flags:\n      - -trimpath\narchives:\n  - format: tar.gz\n";
        let (got, found) = fixed(".goreleaser.yml", src);
        assert_eq!(found.len(), 2, "{found:?}");
        let want = "version: 2\nbuilds:\n  - id: api\n    main: ./cmd/api\n    ldflags:\n      - -s -w\n      - -X main.version={{.Version}}\n    flags:\n      - -trimpath\n  - id: worker\n    main: ./cmd/worker\n    flags:\n      - -trimpath\n      - -tags=netgo\n  - id: debug\n    main: ./cmd/api\n  - id: ok\n    flags:\n      - -trimpath\narchives:\n  - format: tar.gz\n";
        assert_eq!(got, want);
        assert!(fixed(".goreleaser.yml", &got).1.is_empty());
        let src = "builds:\n  - id: cli\n    flags: [-v]\n    ldflags: [-X main.v={{.Version}}]\n";
        let (got, found) = fixed(".goreleaser.yml", src);
        assert_eq!(found.len(), 1);
        assert_eq!(
            got,
            "builds:\n  - id: cli\n    flags: [-trimpath, -v]\n    ldflags: [-s -w, -X main.v={{.Version}}]\n"
        );
        let src = "builds:\n  - <<: *defaults\n    id: cli\n";
        assert!(run_file(".goreleaser.yml", src, None).is_empty());
    }
}
