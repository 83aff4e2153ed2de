//! # read-mem-stats (R1)
//!
//! ## What it does
//! Replaces `runtime.ReadMemStats(&v)` with a block that reads, from `runtime/metrics`, only the metrics
//! behind the `MemStats` fields the function actually reads, and stores them into those fields of `v`.
//! `v` keeps its type and every later `v.Field` read stays as it was.
//!
//! ## Why is this bad?
//! `runtime.ReadMemStats` stops the world on every call: all goroutines pause while the runtime flushes
//! every P's allocation cache and fills all of `MemStats`, even when the caller looks at two fields. Called
//! from a metrics endpoint or a periodic logger, that pause hits every request in flight. `metrics.Read`
//! reads the requested values while the program keeps running, and its values are the ones `ReadMemStats`
//! computes its fields from (the runtime's own tests assert the equalities). `runtime/metrics` has
//! superseded `ReadMemStats` since Go 1.16.
//!
//! ## Example
//! ```go
//! package debugsrv
//!
//! import (
//! 	"fmt"
//! 	"net/http"
//! 	"runtime"
//! )
//!
//! func memHandler(w http.ResponseWriter, r *http.Request) {
//! 	var st runtime.MemStats
//! 	runtime.ReadMemStats(&st)
//! 	fmt.Fprintf(w, "heap_alloc %d\nheap_sys %d\nnum_gc %d\nlast_gc %d\n", st.HeapAlloc, st.HeapSys, st.NumGC, st.LastGC)
//! }
//! ```
//!
//! ## Use instead
//! ```go
//! package debugsrv
//!
//! import (
//! 	"fmt"
//! 	"net/http"
//! 	"runtime"
//! 	"runtime/debug"
//! 	"runtime/metrics"
//! )
//!
//! func memHandler(w http.ResponseWriter, r *http.Request) {
//! 	var st runtime.MemStats
//! 	{
//! 		samples := []metrics.Sample{
//! 			{Name: "/memory/classes/heap/objects:bytes"},
//! 			{Name: "/memory/classes/heap/unused:bytes"},
//! 			{Name: "/memory/classes/heap/free:bytes"},
//! 			{Name: "/memory/classes/heap/released:bytes"},
//! 			{Name: "/gc/cycles/total:gc-cycles"},
//! 		}
//! 		metrics.Read(samples)
//! 		st.HeapAlloc = samples[0].Value.Uint64()
//! 		st.HeapSys = samples[0].Value.Uint64() + samples[1].Value.Uint64() + samples[2].Value.Uint64() + samples[3].Value.Uint64()
//! 		st.NumGC = uint32(samples[4].Value.Uint64())
//! 		var gcStats debug.GCStats
//! 		debug.ReadGCStats(&gcStats)
//! 		st.LastGC = uint64(gcStats.LastGC.UnixNano())
//! 	}
//! 	fmt.Fprintf(w, "heap_alloc %d\nheap_sys %d\nnum_gc %d\nlast_gc %d\n", st.HeapAlloc, st.HeapSys, st.NumGC, st.LastGC)
//! }
//! ```
//!
//! ## Fix safety
//! Safe. Only fields the function reads are assigned, from the metric (or sum of metrics) the runtime
//! defines them by: `HeapSys` is the sum of the four heap classes, `Mallocs` and `Frees` add the tiny
//! allocations, `NumGC`/`NumForcedGC` are converted to `uint32`, `EnableGC` is the constant `true`,
//! `Lookups` and `DebugGC` are always zero and need nothing. `LastGC` and `PauseTotalNs` have no metric
//! and come from `debug.ReadGCStats`, which takes the heap lock but does not stop the world. In a quiet
//! process every value equals what `ReadMemStats` returns. Under load the values come from one concurrent
//! read rather than one stopped-world snapshot: small-object allocation counts reach the metrics when a
//! P's cached span is handed back, so `Mallocs`, `TotalAlloc`, `HeapAlloc` and friends can trail by up to
//! about one span per size class per P. That is why the rule never fires on before/after deltas (see
//! below). The samples slice is local to the block, so concurrent callers never share it. A trailing
//! comment on the call moves to the `{` line.
//!
//! ## Version gating
//! `runtime/metrics` needs Go 1.16: the file's language version (`G_api`) and the module's `go` line.
//! Metric names are strings the compiler cannot check, so each one is gated on the oldest toolchain that
//! can build the file (`G_rt`): `TotalAlloc`, `Mallocs` and `Frees` need metrics served since Go 1.17,
//! every other mapped field Go 1.16. Before Go 1.21 the `go` line did not stop an older toolchain from
//! building the module, so in modules with an older `go` line a read of a metric newer than Go 1.16 is
//! guarded by `Kind() == metrics.KindUint64` (an unknown name reads as `KindBad`, and `Uint64()` would
//! panic); the field then stays zero. Go 1.16 metrics need no guard: a toolchain that compiles
//! `runtime/metrics` serves them. A `//go:build go1.N` line raises the guaranteed toolchain.
//!
//! ## When it does not fire
//! - `v` is a package-level variable, a struct field, a parameter, a pointer not made in the function by
//!   `new(runtime.MemStats)` or `&runtime.MemStats{}` (those two are rewritten like `&v`), or declared in
//!   an enclosing function (the call is in a closure), or another declaration of the same name is in the function.
//! - `v` is used as a whole anywhere: passed, returned, assigned, compared, printed with `%v`, marshalled,
//!   published to `expvar`, or its address is taken again; or one of its fields is written.
//! - The function reads `GCCPUFraction` (only an approximation exists), `BySize`, `PauseNs` or `PauseEnd`,
//!   or a field whose metric is newer than the file's toolchain (`TotalAlloc` in a `go 1.16` module).
//! - The function calls `ReadMemStats` more than once, or subtracts `Mallocs`, `Frees` or `TotalAlloc`
//!   (or a variable holding one) from anything but another field of the same snapshot: allocation
//!   accounting needs the stopped-world exactness.
//! - Test files, files importing `testing`, and `Test*`/`Benchmark*`/`Fuzz*`/`Example*` functions; code the
//!   engine's `context` fact places in test helpers, examples, demos, samples, benchmarks, fixtures or
//!   developer tools (a one-shot tool's pause costs nothing that matters).
//! - The call is an `if`/`switch` initializer, or the function reads no field that needs a metric.
//! - A comment sits inside the call or a block comment follows it, or the call's trailing comment has a
//!   trailing comment on the line above or below (gofmt aligns them and would re-pad that line).
//! - The module's `go` line is older than 1.16, or `metrics`/`debug` names a local declaration in the
//!   function while the file already imports the package under that name.
//!
//! ## References
//! `src/runtime/mstats.go` (`ReadMemStats`, `readmemstats_m`), `src/runtime/metrics_test.go`
//! (`TestReadMetrics`: which MemStats fields equal which metrics), the `runtime/metrics` package
//! documentation (the metric catalog, `src/runtime/metrics/description.go`); Go 1.16 release notes.

mod block;
mod fields;
#[cfg(test)]
mod tests;
mod variable;

use crate::read::layout::starts_line;
use crate::read::nodes::{contains_kind, outermost_function, sole_identifier_or_address};
use crate::read::syntax;
use crate::read::version::GoVersion;
use crate::rules::fix::{Edit, Fix, FixAvailability, ImportChange, TextRange};
use crate::rules::naming::fresh_names;
use crate::rules::placement;
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use crate::semantic::imported::selector_mentions;
use block::{Names, fix_title, message, render_block};
use fields::{CUMULATIVE, FIELDS, Source, since};
use std::collections::{BTreeSet, HashSet};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R1",
        name: "read-mem-stats",
        summary: "runtime.ReadMemStats stops the world; read the fields used from runtime/metrics",
        fix: FixAvailability::Always,
        prefilter: &[],
        calls: &[("runtime", &["ReadMemStats"])],
        tier: crate::rules::transform::Tier::AlwaysShip,
        status: crate::rules::transform::Status::Stable,
        options: &[],
    },
    source: include_str!("read_mem_stats.rs"),
    query: QUERY,
    run,
    precheck: module_may_use_metrics,
    other_files: None,
};

/// §1.4 must-not-fire: a module whose go line is below 1.16 is never rewritten, so its files are not parsed.
fn module_may_use_metrics(bytes: &[u8], module: &crate::read::gomod::Module) -> bool {
    module.go >= GoVersion(16) && crate::rules::transform::outside_tests(bytes, module)
}

const QUERY: &str = r#"(expression_statement
  (call_expression
    function: (selector_expression field: (field_identifier) @func)
    (#eq? @func "ReadMemStats")) @call) @match"#;

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let stmt = m.node("match")?;
    let call = m.node("call")?;
    let file = cx.file();
    let src = cx.src();
    // §1.4 Match: `runtime` resolves to package runtime (§0.3: no dot import, not shadowed).
    if !file.is_pkg_call(call, "runtime", "ReadMemStats") {
        return None;
    }
    // §1.4 Match: the one argument is `&v` for a plain identifier `v`, or `v` itself when `v` is a pointer
    // made by `new(runtime.MemStats)` / `&runtime.MemStats{}` (the same value behind one indirection).
    let (var, pointer) = sole_identifier_or_address(call, src)?;
    let name = syntax::text(var, src);
    // The call is a statement of its own (not an `if`/`switch` initializer) starting its line, so a block
    // can replace it; every comment survives: none may sit inside the replaced call.
    let in_list = stmt
        .parent()
        .is_some_and(|p| matches!(p.kind(), "statement_list" | "labeled_statement"));
    if !in_list || !starts_line(stmt, src) || contains_kind(stmt, "comment") {
        return None;
    }
    // §1.4.3: no test files, no files importing testing, no test/benchmark/fuzz/example functions. The
    // seeds' When-NOT: one-shot tools, demos and benchmarks, where the stop-the-world pause costs nothing
    // that matters (the engine's `context` fact).
    if file.is_test
        || file.imports_path("testing")
        || crate::semantic::context::file_role(cx.pkg, file).is_some()
        || in_test_function(stmt, src)
    {
        return None;
    }
    // §1.5 / §1.4 must-not-fire: runtime/metrics needs G_api >= 1.16 and a go line >= 1.16.
    let versions = file.versions;
    if versions.module < GoVersion(16) || versions.api < GoVersion(16) {
        return None;
    }
    let func = syntax::enclosing_function(stmt)?;
    let outer = outermost_function(stmt).unwrap_or(func);
    let fields = fields_to_fill(cx, call, var, pointer, func, outer)?;
    let needs_gc_stats = fields
        .iter()
        .any(|(_, s)| matches!(s, Source::LastGc | Source::PauseTotal));
    let mut metric_names: Vec<&str> = vec![];
    for n in fields.iter().flat_map(|(_, s)| s.metrics()) {
        if !metric_names.contains(n) {
            metric_names.push(n);
        }
    }
    // Nothing to read (only constant fields, or none): leave the call alone rather than emit an empty slice.
    if metric_names.is_empty() && !needs_gc_stats {
        return None;
    }
    // A trailing line comment described the call: it follows the `{` that opens the block.
    let (end, comment) = placement::statement_replacement_end(stmt, func, src)?;
    let opening = comment.map_or_else(|| "{".to_string(), |c| format!("{{ {c}"));
    // §0.3: the generated code names `true`, `uint32` and `uint64`; a local redeclaring one would change it.
    if ["true", "uint32", "uint64"]
        .iter()
        .any(|n| syntax::declares_name(outer, n, src))
    {
        return None;
    }
    // §0.3: import names that no declaration in the function shadows; reuse existing imports.
    let file_idx = cx.file_idx;
    let metrics_pkg = if metric_names.is_empty() {
        None
    } else {
        Some(cx.import_name_in(file_idx, "runtime/metrics", "rtmetrics", outer)?)
    };
    let debug_pkg = if needs_gc_stats {
        Some(cx.import_name_in(file_idx, "runtime/debug", "rtdebug", outer)?)
    } else {
        None
    };
    let taken: HashSet<String> = metrics_pkg
        .iter()
        .chain(debug_pkg.iter())
        .cloned()
        .collect();
    let [samples, gc_stats]: [String; 2] = fresh_names(cx, outer, &["samples", "gcStats"], &taken)
        .try_into()
        .expect("two bases, two names");
    // Kind guards (§1.4): only a metric newer than the toolchain the go line guarantees can be missing.
    let guaranteed = if versions.module >= GoVersion(21) {
        versions.rt
    } else {
        versions
            .build
            .map_or(GoVersion(16), |b| b.max(GoVersion(16)))
    };
    let names = Names {
        var: name,
        metrics: metrics_pkg.as_deref(),
        debug: debug_pkg.as_deref(),
        samples: &samples,
        gc_stats: &gc_stats,
    };
    let indent = syntax::indent_at(src, stmt.start_byte());
    let block = render_block(&names, &fields, &metric_names, guaranteed, indent, &opening);

    let mut fix = Fix::safe(fix_title(&fields, needs_gc_stats, !metric_names.is_empty())).edit(
        file_idx,
        Edit::replace(TextRange::new(stmt.start_byte(), end), block),
    );
    for (path, local) in [
        ("runtime/metrics", &metrics_pkg),
        ("runtime/debug", &debug_pkg),
    ] {
        if let Some(n) = local {
            fix = fix.import(
                file_idx,
                ImportChange::Add {
                    path: path.into(),
                    name: n.clone(),
                },
            );
        }
    }
    let message = message(&fields, !metric_names.is_empty(), needs_gc_stats);
    let d = cx.report(TextRange::of(call), message);
    d.fix = Some(fix);
    Some(())
}

/// Is `stmt` in a top-level `func TestX` / `BenchmarkX` / `FuzzX` / `ExampleX` (through any literals)?
fn in_test_function(stmt: Node<'_>, src: &str) -> bool {
    syntax::enclosing_top_function(stmt).is_some_and(|top| {
        top.kind() == "function_declaration"
            && top
                .child_by_field_name("name")
                .is_some_and(|n| crate::semantic::package::is_test_func_name(syntax::text(n, src)))
    })
}

/// The fields of `var` the function reads, in `FIELDS` order, when the call may be rewritten at all: `var`
/// is declared once in this very function as a `runtime.MemStats` local in scope at the call (§1.4
/// Match), the function reads `ReadMemStats` once (§1.4.2: two reads are a before/after measurement),
/// every other use of `var` is a read of a mapped field (§1.4.1, §1.4.4, §1.4.5) whose metric the oldest
/// toolchain that can build the file serves (§1.5), and no cumulative counter goes into a delta.
fn fields_to_fill(
    cx: &Ctx<'_>,
    call: Node<'_>,
    var: Node<'_>,
    pointer: bool,
    func: Node<'_>,
    outer: Node<'_>,
) -> Option<Vec<(&'static str, Source)>> {
    let src = cx.src();
    let name = syntax::text(var, src);
    let decl = variable::find_declaration(cx, func, outer, name, pointer)?;
    if !(decl.scope.0 <= call.start_byte() && call.end_byte() <= decl.scope.1) {
        return None;
    }
    if selector_mentions(cx.file(), outer, "runtime", "ReadMemStats") != 1 {
        return None;
    }
    let reads = variable::field_reads(cx, func, name, &decl, var)?;
    let read_names: BTreeSet<&str> = reads.iter().map(|(f, _)| *f).collect();
    let fields: Vec<(&'static str, Source)> = FIELDS
        .iter()
        .copied()
        .filter(|(f, _)| read_names.contains(f))
        .collect();
    if fields.iter().any(|(_, s)| *s == Source::Unmapped)
        || fields
            .iter()
            .flat_map(|(_, s)| s.metrics())
            .any(|n| since(n) > cx.file().versions.rt)
    {
        return None;
    }
    // §1.4 must-not-fire: deltas of cumulative allocation counters.
    let cumulative: Vec<Node<'_>> = reads
        .iter()
        .filter(|(f, _)| CUMULATIVE.contains(f))
        .map(|(_, sel)| *sel)
        .collect();
    (!variable::computes_delta(func, &cumulative, name, src)).then_some(fields)
}
