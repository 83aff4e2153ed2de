//! # gc-percent-without-memory-limit (R7.5)
//!
//! ## What it does
//! Reports a statement `debug.SetGCPercent(n)` (package `runtime/debug`) that raises the GC target above
//! the default (`n` a literal above 100) or turns the collector off (`n` a negative literal), in a package
//! that sets no memory limit, when the file's Go version has `debug.SetMemoryLimit` (Go 1.19).
//! Also reports `func main` of a deployed service (a main package that keeps running and is not a
//! test, example, developer tool or command-line tool) when nothing sets a memory limit for it.
//!
//! ## Why is this bad?
//! `SetGCPercent` only sets a ratio: the next collection starts when the heap has grown by `n` percent over
//! the live heap of the last one. With `n = 400` a service with 2 GiB of live data may reach 10 GiB before
//! a collection starts; with `-1` the heap grows without bound until the process is killed. Since Go 1.19
//! a soft memory limit (`GOMEMLIMIT` in the environment, or `debug.SetMemoryLimit`) gives the collector a
//! ceiling: it keeps the cheap, rare collections of a high `GOGC` while the heap is small and collects
//! as often as needed when the heap nears the limit. A high percentage or `GOGC=off` is only safe
//! together with such a limit.
//!
//! ## Example
//! ```go
//! package main
//!
//! import (
//! 	"log"
//! 	"net/http"
//! 	"runtime/debug"
//! )
//!
//! func main() {
//! 	debug.SetGCPercent(400) // fewer collections under load
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
//! 	"runtime/debug"
//! )
//!
//! func main() {
//! 	debug.SetGCPercent(400)       // fewer collections while the heap is small
//! 	debug.SetMemoryLimit(3 << 30) // and a ceiling below the container's 4 GiB
//! 	log.Fatal(http.ListenAndServe(":8080", nil))
//! }
//! ```
//! (Or set `GOMEMLIMIT` in the deployment's environment.)
//!
//! ## A service with no limit at all
//! ```go
//! package main
//!
//! import (
//! 	"log"
//! 	"net/http"
//! )
//!
//! func main() { // reported: nothing sets a memory limit
//! 	index := buildIndex() // a large in-memory index
//! 	http.Handle("/search", searchHandler(index))
//! 	log.Fatal(http.ListenAndServe(":8080", nil))
//! }
//! ```
//! With the default `GOGC=100` and no limit, the heap may grow to twice the live heap before each
//! collection whatever memory the container has, and the collector does not speed up as that memory
//! fills. It fires when the module sets no limit anywhere: no `debug.SetMemoryLimit` call, no
//! `os.Setenv("GOMEMLIMIT", …)`, no import of `github.com/KimMachineGun/automemlimit`, and no build or
//! deployment file of the package's directory or of the module (a `Dockerfile`, a `.yaml` manifest, a
//! systemd unit, a `Makefile`) that names `GOMEMLIMIT` outside a `#` comment: the environment
//! those give the process sets the limit. A Go comment that mentions `GOMEMLIMIT` is not a limit.
//!
//! ## Fix safety
//! No fix: report only, for both shapes. The limit must come from the deployment (the container's
//! memory, with headroom); a guessed value could make the collector run constantly or not bound anything.
//!
//! ## Version gating
//! Fires only when the file's Go version is 1.19 or later: `debug.SetMemoryLimit` and `GOMEMLIMIT`
//! do not exist before Go 1.19, so there is nothing to suggest.
//!
//! ## When it does not fire
//! - The argument is not an integer literal above 100 or a negative integer literal (a variable, a
//!   value read from configuration, `100`, `50`).
//! - The result is used (`old := debug.SetGCPercent(-1)` followed by a restore): the change is temporary.
//! - Any file of the package mentions `SetMemoryLimit`, `GOMEMLIMIT` or `memlimit` (a limit set in code,
//!   read from the environment, or by a library such as automemlimit).
//! - `runtime/debug` dot-imported or shadowed; test code (`*_test.go`, files importing `testing`,
//!   `Test*`/`Benchmark*`/`Fuzz*`/`Example*` functions).
//! - A limit set only in the process environment cannot be seen: the message says so.
//! - For `func main`: a package that is not a deployed service (a one-shot program, a CLI built on a
//!   command-line framework, an example, a test or developer tool), a limit set anywhere as above, or
//!   a package that calls `debug.SetGCPercent` itself (the first shape reports what needs reporting).
//!
//! ## References
//! `debug.SetGCPercent` and `debug.SetMemoryLimit` in `src/runtime/debug/garbage.go`; the Go 1.19
//! release notes; the Go GC guide (go.dev/doc/gc-guide, "Memory limit").

use crate::read::syntax;
use crate::read::version::GoVersion;
use crate::rules::call_site::{call_statement_query, matched_call};
use crate::rules::fix::TextRange;
use crate::rules::removal::in_test_code;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R7.5",
        name: "gc-percent-without-memory-limit",
        summary: "a service, or debug.SetGCPercent above 100 or off, with no memory limit: the heap has no ceiling",
        fix: crate::rules::fix::FixAvailability::Never,
        prefilter: &["SetGCPercent", "func main("],
        calls: &[],
        tier: crate::rules::transform::Tier::BehindProfile,
        status: crate::rules::transform::Status::Preview,
        options: &[],
    },
    source: include_str!("gc_percent_without_memory_limit.rs"),
    query: QUERY,
    run,
    precheck: |bytes, _| {
        crate::semantic::prefilter::calls_outside_tests(bytes, "runtime/debug", &["SetGCPercent"])
            || (bytes.starts_with(b"package main")
                || memchr::memmem::find(bytes, b"\npackage main").is_some())
                && !crate::semantic::prefilter::imports(bytes, "testing")
    },
    other_files: None,
};

const QUERY: &str = concat!(
    call_statement_query!("SetGCPercent"),
    r#"((function_declaration name: (identifier) @main) @match
 (#eq? @main "main"))
"#
);

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    if let Some(main) = m.node("main") {
        return service_without_limit(cx, main);
    }
    let call = matched_call(cx.file(), m, "runtime/debug", "SetGCPercent")?;
    let file = cx.file();
    // The memory limit to suggest exists from Go 1.19.
    if file.versions.api < GoVersion(19) {
        return None;
    }
    let args = call
        .child_by_field_name("arguments")
        .map(syntax::named_children)
        .unwrap_or_default();
    let [arg] = args.as_slice() else {
        return None;
    };
    let arg_text = file.node_text(*arg);
    let percent = literal_int(arg_text)?;
    if (0..=100).contains(&percent) {
        return None;
    }
    if in_test_code(file, call) {
        return None;
    }
    // A limit anywhere in the package (in code, from the environment, or by a library).
    if cx.pkg.files.iter().any(|f| {
        ["SetMemoryLimit", "GOMEMLIMIT", "memlimit"]
            .iter()
            .any(|w| f.text.contains(w))
    }) {
        return None;
    }
    let what = if percent < 0 {
        "turns the garbage collector off".to_string()
    } else {
        format!(
            "lets the heap grow to {}x the live heap before each collection",
            1.0 + percent as f64 / 100.0
        )
    };
    cx.report(
        TextRange::of(call),
        format!(
            "`debug.SetGCPercent({arg_text})` {what}, and this package sets no memory limit: unless GOMEMLIMIT is set in the environment the heap has no ceiling; add `debug.SetMemoryLimit` (or GOMEMLIMIT) so the collector speeds up as the heap nears the limit"
        ),
    );
    Some(())
}

/// `func main` of a deployed service that nothing gives a memory limit.
fn service_without_limit(cx: &mut Ctx<'_>, main: Node<'_>) -> Option<()> {
    let file = cx.file();
    let pkg = cx.pkg;
    if file.versions.api < GoVersion(19)
        || in_test_code(file, main)
        || !crate::semantic::context::deployed_service(pkg)
        || crate::semantic::memory_limit::set_for(pkg)
    {
        return None;
    }
    // A service that tunes the collector itself gets the `SetGCPercent` finding (or chose its trade-off).
    if pkg.files.iter().any(|f| {
        !f.is_test
            && memchr::memmem::find(f.text.as_bytes(), b"SetGCPercent").is_some()
            && crate::semantic::pkg_calls::calls_in(
                f,
                f.tree().root_node(),
                "runtime/debug",
                &["SetGCPercent"],
            )
    }) {
        return None;
    }
    let how =
        crate::semantic::context::serves(pkg).unwrap_or_else(|| "it keeps running".to_string());
    cx.report(
        TextRange::of(main),
        format!(
            "this service ({how}) sets no memory limit: with the default GOGC=100 and no GOMEMLIMIT the heap may grow to twice the live heap before each collection whatever memory the container has, and the collector does not speed up as that memory fills; set GOMEMLIMIT in the deployment's environment (or call `debug.SetMemoryLimit` at startup) a little below the container's memory"
        ),
    );
    Some(())
}

/// The value of an integer literal, optionally negated (`400`, `-1`, `0x190`, `1_000`).
fn literal_int(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix('-') {
        return literal_int(rest).map(|v| -v);
    }
    if t.starts_with('(') || t.is_empty() || !t.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    syntax::int_literal(t).and_then(|v| i64::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_detect_only_go, check_no_fix_go};

    fn src(arg: &str) -> String {
        format!(
            "package main\n\nimport \"runtime/debug\"\n\nfunc main() {{\n\tdebug.SetGCPercent({arg})\n}}\n"
        )
    }

    #[test]
    fn high_percent_and_off_fire_from_119() {
        let m = check_detect_only_go(&TRANSFORM, "1.19", &src("400"));
        assert!(m[0].contains("5x the live heap"), "{m:?}");
        let m = check_detect_only_go(&TRANSFORM, "1.22", &src("-1"));
        assert!(m[0].contains("turns the garbage collector off"), "{m:?}");
        check_no_fix_go(&TRANSFORM, "1.18", &src("400"));
    }

    #[test]
    fn default_or_lower_or_variable_is_fine() {
        for a in ["100", "50", "pct"] {
            let s = src(a).replace("func main() {", "var pct = 300\n\nfunc main() {");
            check_no_fix_go(&TRANSFORM, "1.22", &s);
        }
    }

    #[test]
    fn limit_in_the_package_silences() {
        let s = src("-1").replace(
            "\tdebug.SetGCPercent(-1)\n",
            "\tdebug.SetGCPercent(-1)\n\tdebug.SetMemoryLimit(1 << 30)\n",
        );
        check_no_fix_go(&TRANSFORM, "1.22", &s);
    }

    #[test]
    fn literals() {
        assert_eq!(literal_int("400"), Some(400));
        assert_eq!(literal_int("-1"), Some(-1));
        assert_eq!(literal_int("0x190"), Some(400));
        assert_eq!(literal_int("1_000"), Some(1000));
        assert_eq!(literal_int("x"), None);
    }
}
