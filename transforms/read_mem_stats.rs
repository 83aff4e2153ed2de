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

use crate::read::syntax::{self, named_children};
use crate::read::version::GoVersion;
use crate::rules::fix::{Edit, Fix, FixAvailability, ImportChange, TextRange};
use crate::rules::transform::{Ctx, Match, Meta, Transform};
use std::collections::{BTreeSet, HashSet};
use tree_sitter::Node;

pub(crate) static TRANSFORM: Transform = Transform {
    meta: Meta {
        code: "R1",
        name: "read-mem-stats",
        summary: "runtime.ReadMemStats stops the world; read the fields used from runtime/metrics",
        fix: FixAvailability::Always,
        prefilter: &["ReadMemStats"],
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
    module.go >= GoVersion(16)
        && crate::semantic::prefilter::calls_outside_tests(bytes, "runtime", &["ReadMemStats"])
}

const QUERY: &str = r#"(expression_statement
  (call_expression
    function: (selector_expression field: (field_identifier) @func)
    (#eq? @func "ReadMemStats")) @call) @match"#;

const HEAP_OBJECTS: &str = "/memory/classes/heap/objects:bytes";
const HEAP_UNUSED: &str = "/memory/classes/heap/unused:bytes";
const HEAP_FREE: &str = "/memory/classes/heap/free:bytes";
const HEAP_RELEASED: &str = "/memory/classes/heap/released:bytes";
const HEAP_STACKS: &str = "/memory/classes/heap/stacks:bytes";
const MSPAN_INUSE: &str = "/memory/classes/metadata/mspan/inuse:bytes";
const MCACHE_INUSE: &str = "/memory/classes/metadata/mcache/inuse:bytes";
const TINY_ALLOCS: &str = "/gc/heap/tiny/allocs:objects";

/// Where a `MemStats` field's value comes from (go-semantics §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The sum of these Uint64 metrics.
    Sum(&'static [&'static str]),
    /// One Uint64 metric (a one-element slice) converted to the field's `uint32`.
    Narrow(&'static [&'static str]),
    /// Always `true` (`EnableGC`).
    True,
    /// Always zero (`Lookups`, `DebugGC`): nothing to assign.
    Zero,
    /// `debug.ReadGCStats`: `LastGC`.
    LastGc,
    /// `debug.ReadGCStats`: `PauseTotalNs`.
    PauseTotal,
    /// Approximate or a reconstruction (`GCCPUFraction`, `BySize`, `PauseNs`, `PauseEnd`): never fire.
    Unmapped,
}

/// Every `MemStats` field, in declaration order (the order assignments are emitted in).
static FIELDS: &[(&str, Source)] = &[
    ("Alloc", Source::Sum(&[HEAP_OBJECTS])),
    ("TotalAlloc", Source::Sum(&["/gc/heap/allocs:bytes"])),
    ("Sys", Source::Sum(&["/memory/classes/total:bytes"])),
    ("Lookups", Source::Zero),
    (
        "Mallocs",
        Source::Sum(&["/gc/heap/allocs:objects", TINY_ALLOCS]),
    ),
    (
        "Frees",
        Source::Sum(&["/gc/heap/frees:objects", TINY_ALLOCS]),
    ),
    ("HeapAlloc", Source::Sum(&[HEAP_OBJECTS])),
    (
        "HeapSys",
        Source::Sum(&[HEAP_OBJECTS, HEAP_UNUSED, HEAP_FREE, HEAP_RELEASED]),
    ),
    ("HeapIdle", Source::Sum(&[HEAP_FREE, HEAP_RELEASED])),
    ("HeapInuse", Source::Sum(&[HEAP_OBJECTS, HEAP_UNUSED])),
    ("HeapReleased", Source::Sum(&[HEAP_RELEASED])),
    ("HeapObjects", Source::Sum(&["/gc/heap/objects:objects"])),
    ("StackInuse", Source::Sum(&[HEAP_STACKS])),
    (
        "StackSys",
        Source::Sum(&[HEAP_STACKS, "/memory/classes/os-stacks:bytes"]),
    ),
    ("MSpanInuse", Source::Sum(&[MSPAN_INUSE])),
    (
        "MSpanSys",
        Source::Sum(&[MSPAN_INUSE, "/memory/classes/metadata/mspan/free:bytes"]),
    ),
    ("MCacheInuse", Source::Sum(&[MCACHE_INUSE])),
    (
        "MCacheSys",
        Source::Sum(&[MCACHE_INUSE, "/memory/classes/metadata/mcache/free:bytes"]),
    ),
    (
        "BuckHashSys",
        Source::Sum(&["/memory/classes/profiling/buckets:bytes"]),
    ),
    (
        "GCSys",
        Source::Sum(&["/memory/classes/metadata/other:bytes"]),
    ),
    ("OtherSys", Source::Sum(&["/memory/classes/other:bytes"])),
    ("NextGC", Source::Sum(&["/gc/heap/goal:bytes"])),
    ("LastGC", Source::LastGc),
    ("PauseTotalNs", Source::PauseTotal),
    ("PauseNs", Source::Unmapped),
    ("PauseEnd", Source::Unmapped),
    ("NumGC", Source::Narrow(&["/gc/cycles/total:gc-cycles"])),
    (
        "NumForcedGC",
        Source::Narrow(&["/gc/cycles/forced:gc-cycles"]),
    ),
    ("GCCPUFraction", Source::Unmapped),
    ("EnableGC", Source::True),
    ("DebugGC", Source::Zero),
    ("BySize", Source::Unmapped),
];

/// Cumulative allocation counters: a difference of two reads is allocation accounting (§1.4, must not fire).
const CUMULATIVE: &[&str] = &["Mallocs", "Frees", "TotalAlloc"];

/// The first Go release whose runtime serves `metric` (§1.2); only names used in `FIELDS` occur.
fn since(metric: &str) -> GoVersion {
    match metric {
        "/gc/heap/allocs:bytes" | "/gc/heap/allocs:objects" | "/gc/heap/frees:objects" => {
            GoVersion(17)
        }
        _ => GoVersion(16),
    }
}

impl Source {
    fn metrics(self) -> &'static [&'static str] {
        match self {
            Source::Sum(names) | Source::Narrow(names) => names,
            _ => &[],
        }
    }
}

fn run(cx: &mut Ctx<'_>, m: &Match<'_>) -> Option<()> {
    let (Some(stmt), Some(call)) = (m.node("match"), m.node("call")) else {
        return None;
    };
    let file = cx.file();
    let src = cx.src();
    // §1.4 Match: `runtime` resolves to package runtime (§0.3: no dot import, not shadowed).
    if !file.is_pkg_call(call, "runtime", "ReadMemStats") {
        return None;
    }
    // §1.4 Match: the one argument is `&v` for a plain identifier `v`, or `v` itself when `v` is a pointer
    // made by `new(runtime.MemStats)` / `&runtime.MemStats{}` (the same value behind one indirection).
    let (var, pointer) = address_of_identifier(call, src)?;
    let name = syntax::text(var, src);
    // The call is a statement of its own (not an `if`/`switch` initializer) starting its line, so a block
    // can replace it.
    if !stmt
        .parent()
        .is_some_and(|p| matches!(p.kind(), "statement_list" | "labeled_statement"))
        || !src[syntax::line_start(src, stmt.start_byte())..stmt.start_byte()]
            .trim()
            .is_empty()
    {
        return None;
    }
    // Every comment survives: none may sit inside the replaced call.
    let mut has_comment = false;
    syntax::walk(stmt, &mut |n| has_comment |= n.kind() == "comment");
    if has_comment {
        return None;
    }
    // §1.4.3: no test files, no files importing testing, no test/benchmark/fuzz/example functions.
    if file.is_test || file.imports_path("testing") {
        return None;
    }
    // The seeds' When-NOT: one-shot tools, demos and benchmarks, where the stop-the-world pause costs
    // nothing that matters (the engine's `context` fact).
    if crate::semantic::context::file_role(cx.pkg, file).is_some() {
        return None;
    }
    if let Some(top) = syntax::enclosing_top_function(stmt)
        && top.kind() == "function_declaration"
        && top
            .child_by_field_name("name")
            .is_some_and(|n| crate::semantic::package::is_test_func_name(syntax::text(n, src)))
    {
        return None;
    }
    // §1.5 / §1.4 must-not-fire: runtime/metrics needs G_api >= 1.16 and a go line >= 1.16.
    let versions = file.versions;
    if versions.module < GoVersion(16) || versions.api < GoVersion(16) {
        return None;
    }
    let func = syntax::enclosing_function(stmt)?;
    let outer = syntax::ancestors(stmt)
        .filter(|n| syntax::is_function(*n))
        .last()
        .unwrap_or(func);
    // §1.4 Match: `v` is declared once in this very function as a `runtime.MemStats` local in scope here.
    let decl = find_declaration(cx, func, outer, name, pointer)?;
    if !(decl.scope.0 <= call.start_byte() && call.end_byte() <= decl.scope.1) {
        return None;
    }
    // §1.4.2: one ReadMemStats in the whole function (two reads are a before/after measurement).
    if count_read_mem_stats(cx, outer) != 1 {
        return None;
    }
    // §1.4.1: every other use of `v` is a read of a field, in the declaration's scope.
    let reads = field_reads(cx, func, name, &decl, var)?;
    let read_names: BTreeSet<&str> = reads.iter().map(|(f, _)| *f).collect();
    let fields: Vec<(&str, Source)> = FIELDS
        .iter()
        .copied()
        .filter(|(f, _)| read_names.contains(f))
        .collect();
    // §1.4.4 / §1.4.5: approximate and reconstructed fields are not mapped.
    if fields.iter().any(|(_, s)| *s == Source::Unmapped) {
        return None;
    }
    // §1.5: every metric name is served by the oldest toolchain that can build the file (G_rt).
    if fields
        .iter()
        .flat_map(|(_, s)| s.metrics())
        .any(|n| since(n) > versions.rt)
    {
        return None;
    }
    // §1.4 must-not-fire: deltas of cumulative allocation counters.
    let cumulative: Vec<Node<'_>> = reads
        .iter()
        .filter(|(f, _)| CUMULATIVE.contains(f))
        .map(|(_, sel)| *sel)
        .collect();
    if computes_delta(func, &cumulative, name, src) {
        return None;
    }
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
    // A trailing line comment described the call: it follows the `{` that opens the block. gofmt aligns
    // the trailing comments of adjacent lines, so when a neighbour has one too its padding would change:
    // no fix then. Anything else after the call on its line (a block comment) is left alone: no fix.
    let line_end = syntax::line_end_incl(src, stmt.end_byte());
    let rest = src[stmt.end_byte()..line_end].trim();
    let (end, opening) = if rest.is_empty() {
        (stmt.end_byte(), "{".to_string())
    } else if rest.starts_with("//") {
        let row = stmt.start_position().row;
        let rows = trailing_comment_rows(func, src);
        if stmt.end_position().row != row
            || row.checked_sub(1).is_some_and(|r| rows.contains(&r))
            || rows.contains(&(row + 1))
        {
            return None;
        }
        let end = stmt.end_byte() + src[stmt.end_byte()..line_end].trim_end().len();
        (end, format!("{{ {rest}"))
    } else {
        return None;
    };
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
        let n = cx.import_name_in(file_idx, "runtime/metrics", "rtmetrics", outer)?;
        Some(n)
    };
    let debug_pkg = if needs_gc_stats {
        let n = cx.import_name_in(file_idx, "runtime/debug", "rtdebug", outer)?;
        Some(n)
    } else {
        None
    };
    let mut taken: HashSet<String> = metrics_pkg
        .iter()
        .chain(debug_pkg.iter())
        .cloned()
        .collect();
    let samples = cx.fresh_name(outer, "samples", &taken);
    taken.insert(samples.clone());
    let gc_stats = cx.fresh_name(outer, "gcStats", &taken);
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
    if let Some(n) = &metrics_pkg {
        fix = fix.import(
            file_idx,
            ImportChange::Add {
                path: "runtime/metrics".into(),
                name: n.clone(),
            },
        );
    }
    if let Some(n) = &debug_pkg {
        fix = fix.import(
            file_idx,
            ImportChange::Add {
                path: "runtime/debug".into(),
                name: n.clone(),
            },
        );
    }
    let message = message(&fields, !metric_names.is_empty(), needs_gc_stats);
    let d = cx.report(TextRange::of(call), message);
    d.fix = Some(fix);
    Some(())
}

/// `f(&x)` → `(x, false)`; `f(x)` → `(x, true)` (x must then be a pointer, checked at its declaration).
fn address_of_identifier<'t>(call: Node<'t>, src: &str) -> Option<(Node<'t>, bool)> {
    let args = named_children(call.child_by_field_name("arguments")?);
    let [arg] = args.as_slice() else { return None };
    if arg.kind() == "identifier" {
        return Some((*arg, true));
    }
    if arg.kind() != "unary_expression"
        || syntax::text(arg.child_by_field_name("operator")?, src) != "&"
    {
        return None;
    }
    let operand = arg.child_by_field_name("operand")?;
    (operand.kind() == "identifier").then_some((operand, false))
}

struct Declaration<'t> {
    name: Node<'t>,
    /// Byte range in which the declared name is visible: from the end of its statement to the end of
    /// the enclosing statement list.
    scope: (usize, usize),
}

/// The single declaration of `name` in `func` (nested literals included), if it declares a local of
/// type `runtime.MemStats`: `var v runtime.MemStats` (possibly with other names) or `v :=` /
/// `var v =` `runtime.MemStats{}`, directly in `func`'s own body; with `pointer`, `v :=` / `var v =`
/// `new(runtime.MemStats)` or `&runtime.MemStats{}` instead.
fn find_declaration<'t>(
    cx: &Ctx<'_>,
    func: Node<'t>,
    outer: Node<'_>,
    name: &str,
    pointer: bool,
) -> Option<Declaration<'t>> {
    let src = cx.src();
    let found = syntax::declarations_of(func, name, src);
    let [(decl, ident)] = found.as_slice() else {
        return None;
    };
    if syntax::enclosing_function(*decl).map(|f| f.id()) != Some(func.id()) {
        return None;
    }
    let is_memstats = |t: Node<'_>| is_runtime_type(cx, t, outer, "MemStats");
    let empty_literal = |lit: Node<'_>| {
        lit.kind() == "composite_literal"
            && lit.child_by_field_name("type").is_some_and(is_memstats)
            && lit
                .child_by_field_name("body")
                .is_some_and(|b| named_children(b).is_empty())
    };
    // `new(runtime.MemStats)` or `&runtime.MemStats{}`.
    let new_pointer = |v: Node<'_>| match v.kind() {
        "call_expression" => {
            v.child_by_field_name("function")
                .is_some_and(|f| f.kind() == "identifier" && syntax::text(f, src) == "new")
                && !syntax::declares_name(outer, "new", src)
                && v.child_by_field_name("arguments")
                    .is_some_and(|a| matches!(named_children(a).as_slice(), [t] if is_memstats(*t)))
        }
        "unary_expression" => {
            v.child_by_field_name("operator")
                .is_some_and(|o| syntax::text(o, src) == "&")
                && v.child_by_field_name("operand").is_some_and(empty_literal)
        }
        _ => false,
    };
    let is_empty_literal = |values: Node<'_>| {
        let vals = named_children(values);
        matches!(vals.as_slice(), [v] if if pointer { new_pointer(*v) } else { empty_literal(*v) })
    };
    let stmt = match decl.kind() {
        "var_spec" => {
            let ok = match (
                decl.child_by_field_name("type"),
                decl.child_by_field_name("value"),
            ) {
                (Some(t), None) => !pointer && is_memstats(t),
                (None, Some(v)) => count_names(*decl) == 1 && is_empty_literal(v),
                _ => false,
            };
            if !ok {
                return None;
            }
            syntax::ancestors(*decl).find(|a| a.kind() == "var_declaration")?
        }
        "short_var_declaration" => {
            let left = decl.child_by_field_name("left")?;
            if named_children(left).len() != 1
                || !is_empty_literal(decl.child_by_field_name("right")?)
            {
                return None;
            }
            *decl
        }
        _ => return None,
    };
    let list = stmt.parent().filter(|p| p.kind() == "statement_list")?;
    Some(Declaration {
        name: *ident,
        scope: (stmt.end_byte(), list.end_byte()),
    })
}

fn count_names(spec: Node<'_>) -> usize {
    let mut c = spec.walk();
    spec.children_by_field_name("name", &mut c).count()
}

/// Is `t` the type `runtime.<name>` with `runtime` resolving to the runtime package in `outer`?
fn is_runtime_type(cx: &Ctx<'_>, t: Node<'_>, outer: Node<'_>, name: &str) -> bool {
    let src = cx.src();
    if t.kind() != "qualified_type" {
        return false;
    }
    let (Some(pkg), Some(ty)) = (
        t.child_by_field_name("package"),
        t.child_by_field_name("name"),
    ) else {
        return false;
    };
    let Some(imp) = cx.file().import_of("runtime").filter(|i| i.is_usable()) else {
        return false;
    };
    let qualifier = syntax::text(pkg, src);
    syntax::text(ty, src) == name
        && imp.local == qualifier
        && !syntax::declares_name(outer, qualifier, src)
}

/// `runtime.ReadMemStats` mentions (calls or function values) in `outer`.
fn count_read_mem_stats(cx: &Ctx<'_>, outer: Node<'_>) -> usize {
    let src = cx.src();
    let Some(local) = cx.file().import_of("runtime").map(|i| i.local.clone()) else {
        return 0;
    };
    let mut count = 0;
    syntax::walk(outer, &mut |n| {
        if n.kind() == "selector_expression"
            && n.child_by_field_name("field")
                .is_some_and(|f| syntax::text(f, src) == "ReadMemStats")
            && n.child_by_field_name("operand")
                .is_some_and(|o| syntax::text(o, src) == local)
        {
            count += 1;
        }
    });
    count
}

/// Every field read `v.F` in `func` as (field, selector node); `None` if `v` is used any other way, outside
/// its declaration's scope, or a field is written or has its address taken.
fn field_reads<'t>(
    cx: &Ctx<'_>,
    func: Node<'t>,
    name: &str,
    decl: &Declaration<'_>,
    call_operand: Node<'_>,
) -> Option<Vec<(&'static str, Node<'t>)>> {
    let src = cx.src();
    let mut ids = vec![];
    syntax::walk(func, &mut |n| {
        if matches!(n.kind(), "identifier" | "package_identifier") && syntax::text(n, src) == name {
            ids.push(n);
        }
    });
    let mut reads = vec![];
    for id in ids {
        if id.id() == decl.name.id() || id.id() == call_operand.id() {
            continue;
        }
        if id.kind() != "identifier"
            || id.start_byte() < decl.scope.0
            || id.end_byte() > decl.scope.1
        {
            return None;
        }
        let sel = id.parent().filter(|p| p.kind() == "selector_expression")?;
        if sel.child_by_field_name("operand").map(|o| o.id()) != Some(id.id()) {
            return None;
        }
        let field = syntax::text(sel.child_by_field_name("field")?, src);
        let (field, _) = FIELDS.iter().find(|(f, _)| *f == field)?;
        if !is_plain_read(sel, src) {
            return None;
        }
        reads.push((*field, sel));
    }
    Some(reads)
}

/// A selector used as a value: not assigned, incremented, ranged into, addressed, called or indexed.
fn is_plain_read(sel: Node<'_>, src: &str) -> bool {
    let mut sel = sel;
    while let Some(p) = sel
        .parent()
        .filter(|p| p.kind() == "parenthesized_expression")
    {
        sel = p;
    }
    let Some(parent) = sel.parent() else {
        return false;
    };
    match parent.kind() {
        "inc_statement"
        | "dec_statement"
        | "selector_expression"
        | "index_expression"
        | "slice_expression" => false,
        "unary_expression" => parent
            .child_by_field_name("operator")
            .is_some_and(|o| syntax::text(o, src) != "&"),
        "call_expression" => {
            parent.child_by_field_name("function").map(|f| f.id()) != Some(sel.id())
        }
        "expression_list" => match parent.parent() {
            Some(gp) if matches!(gp.kind(), "assignment_statement" | "range_clause") => {
                gp.child_by_field_name("left").map(|l| l.id()) != Some(parent.id())
            }
            _ => true,
        },
        _ => true,
    }
}

/// Does `func` subtract a cumulative counter read (or a variable or field it was stored in) from anything
/// other than another field of the same snapshot?
fn computes_delta(func: Node<'_>, cumulative: &[Node<'_>], name: &str, src: &str) -> bool {
    if cumulative.is_empty() {
        return false;
    }
    let ids: HashSet<usize> = cumulative.iter().map(|n| n.id()).collect();
    let mut tainted: HashSet<String> = HashSet::new();
    let mentions = |n: Node<'_>, tainted: &HashSet<String>| {
        let mut hit = false;
        syntax::walk(n, &mut |x| {
            hit |= ids.contains(&x.id())
                || (matches!(x.kind(), "identifier" | "selector_expression")
                    && tainted.contains(syntax::text(x, src)));
        });
        hit
    };
    // Names (identifiers, or selector texts such as `c.last`) that hold a value derived from a counter.
    loop {
        let before = tainted.len();
        syntax::walk(func, &mut |n| {
            let (left, right) = match n.kind() {
                "assignment_statement" | "short_var_declaration" => (
                    n.child_by_field_name("left").map(named_children),
                    n.child_by_field_name("right"),
                ),
                "var_spec" => {
                    let mut c = n.walk();
                    (
                        Some(n.children_by_field_name("name", &mut c).collect()),
                        n.child_by_field_name("value"),
                    )
                }
                _ => (None, None),
            };
            if let (Some(left), Some(right)) = (left, right)
                && mentions(right, &tainted)
            {
                for l in left {
                    tainted.insert(syntax::text(l, src).to_string());
                }
            }
        });
        if tainted.len() == before {
            break;
        }
    }
    let same_snapshot = |n: Node<'_>| {
        let n = strip_conversions(n, src);
        n.kind() == "selector_expression"
            && n.child_by_field_name("operand")
                .is_some_and(|o| o.kind() == "identifier" && syntax::text(o, src) == name)
    };
    let mut delta = false;
    syntax::walk(func, &mut |n| {
        if delta {
            return;
        }
        let op = n
            .child_by_field_name("operator")
            .map(|o| syntax::text(o, src));
        let (Some(l), Some(r)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
            return;
        };
        let subtracts = match n.kind() {
            "binary_expression" => op == Some("-") && !(same_snapshot(l) && same_snapshot(r)),
            "assignment_statement" => op == Some("-="),
            _ => false,
        };
        delta = subtracts && (mentions(l, &tainted) || mentions(r, &tainted));
    });
    delta
}

/// Strips parentheses and numeric conversions: `float64((x))` → `x`.
fn strip_conversions<'t>(mut n: Node<'t>, src: &str) -> Node<'t> {
    loop {
        match n.kind() {
            "parenthesized_expression" => match named_children(n).as_slice() {
                [inner] => n = *inner,
                _ => return n,
            },
            "call_expression" => {
                let numeric = n.child_by_field_name("function").is_some_and(|f| {
                    f.kind() == "identifier"
                        && matches!(
                            syntax::text(f, src),
                            "float64"
                                | "float32"
                                | "int"
                                | "int64"
                                | "int32"
                                | "uint"
                                | "uint64"
                                | "uint32"
                        )
                });
                let args = n
                    .child_by_field_name("arguments")
                    .map(named_children)
                    .unwrap_or_default();
                match (numeric, args.as_slice()) {
                    (true, [arg]) => n = *arg,
                    _ => return n,
                }
            }
            _ => return n,
        }
    }
}

struct Names<'a> {
    var: &'a str,
    metrics: Option<&'a str>,
    debug: Option<&'a str>,
    samples: &'a str,
    gc_stats: &'a str,
}

/// The replacement block, from `opening` (`{`, maybe followed by the call's trailing comment) to `}`; the
/// statement's own indentation stays in front of it.
fn render_block(
    n: &Names<'_>,
    fields: &[(&str, Source)],
    metric_names: &[&str],
    guaranteed: GoVersion,
    indent: &str,
    opening: &str,
) -> String {
    let mut lines: Vec<String> = vec![];
    let index = |m: &str| {
        metric_names
            .iter()
            .position(|x| *x == m)
            .expect("every metric was collected")
    };
    let value = |m: &str| format!("{}[{}].Value.Uint64()", n.samples, index(m));
    if let Some(mp) = n.metrics {
        lines.push(format!("{} := []{mp}.Sample{{", n.samples));
        for m in metric_names {
            lines.push(format!("\t{{Name: \"{m}\"}},"));
        }
        lines.push("}".into());
        lines.push(format!("{mp}.Read({})", n.samples));
        for (field, source) in fields {
            let rhs = match source {
                Source::Sum(ms) => ms.iter().map(|m| value(m)).collect::<Vec<_>>().join(" + "),
                Source::Narrow(ms) => format!("uint32({})", value(ms[0])),
                _ => continue,
            };
            let assign = format!("{}.{field} = {rhs}", n.var);
            let guards: Vec<String> = source
                .metrics()
                .iter()
                .filter(|m| since(m) > guaranteed)
                .map(|m| {
                    format!(
                        "{}[{}].Value.Kind() == {mp}.KindUint64",
                        n.samples,
                        index(m)
                    )
                })
                .collect();
            if guards.is_empty() {
                lines.push(assign);
            } else {
                lines.push(format!("if {} {{", guards.join(" && ")));
                lines.push(format!("\t{assign}"));
                lines.push("}".into());
            }
        }
    }
    if fields.iter().any(|(_, s)| *s == Source::True) {
        lines.push(format!("{}.EnableGC = true", n.var));
    }
    if let Some(dp) = n.debug {
        lines.push(format!("var {} {dp}.GCStats", n.gc_stats));
        lines.push(format!("{dp}.ReadGCStats(&{})", n.gc_stats));
        for (field, source) in fields {
            match source {
                Source::LastGc => lines.push(format!(
                    "{}.{field} = uint64({}.LastGC.UnixNano())",
                    n.var, n.gc_stats
                )),
                Source::PauseTotal => lines.push(format!(
                    "{}.{field} = uint64({}.PauseTotal)",
                    n.var, n.gc_stats
                )),
                _ => {}
            }
        }
    }
    let mut out = format!("{opening}\n");
    for l in lines {
        out.push_str(indent);
        out.push('\t');
        out.push_str(&l);
        out.push('\n');
    }
    out.push_str(indent);
    out.push('}');
    out
}

/// Rows (0-based) of the lines in `scope` that end with a comment after code.
fn trailing_comment_rows(scope: Node<'_>, src: &str) -> HashSet<usize> {
    let mut rows = HashSet::new();
    syntax::walk(scope, &mut |n| {
        if n.kind() == "comment"
            && !src[syntax::line_start(src, n.start_byte())..n.start_byte()]
                .trim()
                .is_empty()
        {
            rows.insert(n.start_position().row);
        }
    });
    rows
}

fn field_list(fields: &[(&str, Source)], pick: impl Fn(Source) -> bool) -> String {
    fields
        .iter()
        .filter(|(_, s)| pick(*s))
        .map(|(f, _)| *f)
        .collect::<Vec<_>>()
        .join(", ")
}

fn message(fields: &[(&str, Source)], uses_metrics: bool, uses_gc_stats: bool) -> String {
    let from_metrics = field_list(fields, |s| matches!(s, Source::Sum(_) | Source::Narrow(_)));
    let from_gc = field_list(fields, |s| matches!(s, Source::LastGc | Source::PauseTotal));
    let head = "runtime.ReadMemStats stops the world to fill all of MemStats";
    match (uses_metrics, uses_gc_stats) {
        (true, false) => format!(
            "{head}; metrics.Read gets the fields used here ({from_metrics}) without stopping it"
        ),
        (true, true) => format!(
            "{head}; metrics.Read gets the fields used here ({from_metrics}) without stopping it, and debug.ReadGCStats gives {from_gc} under the heap lock only"
        ),
        _ => format!(
            "{head}; debug.ReadGCStats gives the fields used here ({from_gc}) under the heap lock only"
        ),
    }
}

fn fix_title(fields: &[(&str, Source)], uses_gc_stats: bool, uses_metrics: bool) -> String {
    let all = field_list(fields, |s| !matches!(s, Source::Zero));
    match (uses_metrics, uses_gc_stats) {
        (true, false) => format!("fill {all} from runtime/metrics"),
        (true, true) => format!("fill {all} from runtime/metrics and debug.ReadGCStats"),
        _ => format!("fill {all} from debug.ReadGCStats"),
    }
}

#[cfg(test)]
mod tests {
    use super::TRANSFORM;
    use crate::testing::{check_fix, check_no_fix, check_no_fix_go, run_one};

    /// Go source written with four-space indentation in the test, turned into gofmt's tabs.
    fn go(s: &str) -> String {
        let mut out = String::new();
        for line in s.trim_start_matches('\n').lines() {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            out.push_str(&"\t".repeat(spaces / 4));
            out.push_str(&line[spaces - spaces % 4..]);
            out.push('\n');
        }
        out
    }

    /// `body` (statements at one tab) inside `func f() uint64` of a file importing fmt and runtime.
    fn in_func(body: &str) -> String {
        go(&format!(
            "package m\n\nimport (\n    \"fmt\"\n    \"runtime\"\n)\n\nvar _ = fmt.Sprint\n\nfunc f() uint64 {{\n{body}}}\n"
        ))
    }

    fn no_fix_body(body: &str) {
        check_no_fix(&TRANSFORM, &in_func(body));
    }

    #[test]
    fn doc_example_round_trips() {
        let doc = crate::catalog::docs::doc(&TRANSFORM);
        let before = crate::catalog::docs::go_block(&doc, "## Example").expect("Example block");
        let after =
            crate::catalog::docs::go_block(&doc, "## Use instead").expect("Use instead block");
        check_fix(&TRANSFORM, &before, &after);
    }

    #[test]
    fn constants_and_narrowing() {
        check_fix(
            &TRANSFORM,
            &go(r#"
package m

import "runtime"

func gcInfo() (bool, uint32, uint64, bool) {
    v := runtime.MemStats{}
    runtime.ReadMemStats(&v)
    return v.EnableGC, v.NumForcedGC, v.Lookups, v.DebugGC
}
"#),
            &go(r#"
package m

import (
    "runtime"
    "runtime/metrics"
)

func gcInfo() (bool, uint32, uint64, bool) {
    v := runtime.MemStats{}
    {
        samples := []metrics.Sample{
            {Name: "/gc/cycles/forced:gc-cycles"},
        }
        metrics.Read(samples)
        v.NumForcedGC = uint32(samples[0].Value.Uint64())
        v.EnableGC = true
    }
    return v.EnableGC, v.NumForcedGC, v.Lookups, v.DebugGC
}
"#),
        );
    }

    #[test]
    fn every_exact_field_maps_to_its_metrics() {
        let (fixed, _) = run_one(
            &TRANSFORM,
            "1.22",
            &in_func(
                "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.Alloc + m.TotalAlloc + m.Sys + m.Mallocs + m.Frees + m.HeapAlloc + m.HeapSys + m.HeapIdle + m.HeapInuse + m.HeapReleased + m.HeapObjects + m.StackInuse + m.StackSys + m.MSpanInuse + m.MSpanSys + m.MCacheInuse + m.MCacheSys + m.BuckHashSys + m.GCSys + m.OtherSys + m.NextGC + m.LastGC + m.PauseTotalNs + uint64(m.NumGC)\n",
            ),
            false,
        );
        for line in [
            "m.Alloc = samples[0].Value.Uint64()",
            "m.TotalAlloc = samples[1].Value.Uint64()",
            "m.Sys = samples[2].Value.Uint64()",
            "m.Mallocs = samples[3].Value.Uint64() + samples[4].Value.Uint64()",
            "m.Frees = samples[5].Value.Uint64() + samples[4].Value.Uint64()",
            "m.HeapAlloc = samples[0].Value.Uint64()",
            "m.HeapSys = samples[0].Value.Uint64() + samples[6].Value.Uint64() + samples[7].Value.Uint64() + samples[8].Value.Uint64()",
            "m.HeapIdle = samples[7].Value.Uint64() + samples[8].Value.Uint64()",
            "m.HeapInuse = samples[0].Value.Uint64() + samples[6].Value.Uint64()",
            "m.HeapReleased = samples[8].Value.Uint64()",
            "m.HeapObjects = samples[9].Value.Uint64()",
            "m.StackInuse = samples[10].Value.Uint64()",
            "m.StackSys = samples[10].Value.Uint64() + samples[11].Value.Uint64()",
            "m.MSpanInuse = samples[12].Value.Uint64()",
            "m.MSpanSys = samples[12].Value.Uint64() + samples[13].Value.Uint64()",
            "m.MCacheInuse = samples[14].Value.Uint64()",
            "m.MCacheSys = samples[14].Value.Uint64() + samples[15].Value.Uint64()",
            "m.BuckHashSys = samples[16].Value.Uint64()",
            "m.GCSys = samples[17].Value.Uint64()",
            "m.OtherSys = samples[18].Value.Uint64()",
            "m.NextGC = samples[19].Value.Uint64()",
            "m.NumGC = uint32(samples[20].Value.Uint64())",
            "m.LastGC = uint64(gcStats.LastGC.UnixNano())",
            "m.PauseTotalNs = uint64(gcStats.PauseTotal)",
            "{Name: \"/memory/classes/metadata/mcache/free:bytes\"},",
            "{Name: \"/gc/cycles/total:gc-cycles\"},",
        ] {
            assert!(fixed.contains(line), "missing {line:?} in\n{fixed}");
        }
        assert_eq!(
            fixed.matches("{Name:").count(),
            21,
            "one sample per distinct metric"
        );
    }

    #[test]
    fn kind_guards_only_below_go_1_21_and_only_for_newer_metrics() {
        let src = in_func(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.TotalAlloc + m.Frees + m.HeapAlloc\n",
        );
        let (fixed, _) = run_one(&TRANSFORM, "1.19", &src, false);
        assert!(fixed.contains(
            "\t\tif samples[0].Value.Kind() == metrics.KindUint64 {\n\t\t\tm.TotalAlloc = samples[0].Value.Uint64()\n\t\t}\n"
        ));
        assert!(fixed.contains(
            "\t\tif samples[1].Value.Kind() == metrics.KindUint64 {\n\t\t\tm.Frees = samples[1].Value.Uint64() + samples[2].Value.Uint64()\n\t\t}\n"
        ));
        assert!(fixed.contains("\t\tm.HeapAlloc = samples[3].Value.Uint64()\n"));
        let (fixed, _) = run_one(&TRANSFORM, "1.21", &src, false);
        assert!(
            !fixed.contains("Kind()") && fixed.contains("m.TotalAlloc = samples[0].Value.Uint64()")
        );
        // A //go:build go1.17 line guarantees a Go 1.17 toolchain even in a go 1.19 module.
        let (fixed, _) = run_one(
            &TRANSFORM,
            "1.19",
            &format!("//go:build go1.17\n\n{src}"),
            false,
        );
        assert!(
            !fixed.contains("Kind()") && fixed.contains("m.TotalAlloc = samples[0].Value.Uint64()")
        );
    }

    #[test]
    fn metric_gates_follow_the_runtime_version() {
        let total =
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.TotalAlloc\n";
        check_no_fix_go(&TRANSFORM, "1.16", &in_func(total));
        let (fixed, _) = run_one(&TRANSFORM, "1.17", &in_func(total), false);
        assert!(fixed.contains("{Name: \"/gc/heap/allocs:bytes\"}"));
        let heap = in_func(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.HeapAlloc\n",
        );
        let (fixed, _) = run_one(&TRANSFORM, "1.16", &heap, false);
        assert!(
            fixed.contains("m.HeapAlloc = samples[0].Value.Uint64()") && !fixed.contains("Kind()")
        );
        check_no_fix_go(&TRANSFORM, "1.15", &heap);
    }

    #[test]
    fn local_declarations_force_aliases() {
        let (fixed, _) = run_one(
            &TRANSFORM,
            "1.22",
            &in_func(
                "    metrics := map[string]uint64{}\n    debug := false\n    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    metrics[\"heap\"] = m.HeapAlloc\n    _ = debug\n    return m.LastGC + metrics[\"heap\"]\n",
            ),
            false,
        );
        assert!(
            fixed.contains("\trtdebug \"runtime/debug\"\n\trtmetrics \"runtime/metrics\"\n"),
            "{fixed}"
        );
        assert!(
            fixed.contains("samples := []rtmetrics.Sample{")
                && fixed.contains("rtmetrics.Read(samples)")
        );
        assert!(
            fixed.contains("var gcStats rtdebug.GCStats")
                && fixed.contains("rtdebug.ReadGCStats(&gcStats)")
        );
        // A MemStats variable called `metrics` forces the alias too.
        let (fixed, _) = run_one(
            &TRANSFORM,
            "1.22",
            &in_func(
                "    var metrics runtime.MemStats\n    runtime.ReadMemStats(&metrics)\n    return metrics.HeapAlloc\n",
            ),
            false,
        );
        assert!(
            fixed.contains(
                "rtmetrics.Read(samples)\n\t\tmetrics.HeapAlloc = samples[0].Value.Uint64()"
            ),
            "{fixed}"
        );
    }

    #[test]
    fn existing_imports_are_reused_unless_shadowed() {
        let src = go(r#"
package m

import (
    "runtime"
    rm "runtime/metrics"
)

var _ = rm.All

func f() uint64 {
    var m runtime.MemStats
    runtime.ReadMemStats(&m)
    return m.HeapAlloc
}
"#);
        let (fixed, _) = run_one(&TRANSFORM, "1.22", &src, false);
        assert!(
            fixed.contains("samples := []rm.Sample{")
                && fixed.matches("runtime/metrics").count() == 1,
            "{fixed}"
        );
        check_no_fix(
            &TRANSFORM,
            &src.replace(
                "\tvar m runtime.MemStats\n",
                "\trm := 1\n\t_ = rm\n\tvar m runtime.MemStats\n",
            ),
        );
    }

    #[test]
    fn fresh_names_avoid_every_identifier_in_the_function() {
        let (fixed, _) = run_one(
            &TRANSFORM,
            "1.22",
            &in_func(
                "    samples, gcStats := 1, 2\n    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.HeapAlloc + m.LastGC + uint64(samples+gcStats)\n",
            ),
            false,
        );
        assert!(
            fixed.contains("samples2 := []metrics.Sample{")
                && fixed.contains("var gcStats2 debug.GCStats"),
            "{fixed}"
        );
    }

    #[test]
    fn aliased_runtime_import_and_var_block() {
        check_fix(
            &TRANSFORM,
            &go(r#"
package m

import rt "runtime"

func heap() uint64 {
    var (
        n  int
        st rt.MemStats
    )
    rt.ReadMemStats(&st)
    return st.HeapAlloc + uint64(n)
}
"#),
            &go(r#"
package m

import (
    rt "runtime"
    "runtime/metrics"
)

func heap() uint64 {
    var (
        n  int
        st rt.MemStats
    )
    {
        samples := []metrics.Sample{
            {Name: "/memory/classes/heap/objects:bytes"},
        }
        metrics.Read(samples)
        st.HeapAlloc = samples[0].Value.Uint64()
    }
    return st.HeapAlloc + uint64(n)
}
"#),
        );
    }

    #[test]
    fn trailing_comment_stays_on_the_brace_line() {
        let src = in_func(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)  // snapshot\n    return m.HeapAlloc\n",
        );
        let (fixed, _) = run_one(&TRANSFORM, "1.22", &src, false);
        assert!(
            fixed.contains("\t{ // snapshot\n\t\tsamples := "),
            "{fixed}"
        );
        // Next to another trailing comment gofmt aligns the two; the neighbour's padding would change.
        no_fix_body(
            "    var m runtime.MemStats   // stats\n    runtime.ReadMemStats(&m) // snapshot\n    return m.HeapAlloc\n",
        );
        no_fix_body(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m) // snapshot\n    x := m.HeapAlloc         // heap\n    return x\n",
        );
        // A block comment after the call, or a comment inside it: no fix.
        no_fix_body(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m) /* all */\n    return m.HeapAlloc\n",
        );
        no_fix_body(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m /* all of it */)\n    return m.HeapAlloc\n",
        );
    }

    #[test]
    fn live_objects_from_one_snapshot_is_not_a_delta() {
        let (fixed, _) = run_one(
            &TRANSFORM,
            "1.22",
            &in_func(
                "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    live := m.Mallocs - m.Frees\n    return live\n",
            ),
            false,
        );
        assert!(fixed.contains("metrics.Read(samples)"));
    }

    #[test]
    fn deltas_never_fire() {
        // Two reads in one function, even on different variables or in a closure.
        no_fix_body(
            "    var a, b runtime.MemStats\n    runtime.ReadMemStats(&a)\n    runtime.ReadMemStats(&b)\n    return b.HeapAlloc - a.HeapAlloc\n",
        );
        no_fix_body(
            "    var a runtime.MemStats\n    runtime.ReadMemStats(&a)\n    defer func() {\n        var b runtime.MemStats\n        runtime.ReadMemStats(&b)\n        fmt.Println(b.HeapAlloc)\n    }()\n    return a.HeapAlloc\n",
        );
        // Against a stored value, directly, through a conversion, through a variable, or with -=.
        no_fix_body(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.TotalAlloc - prev\n",
        );
        no_fix_body(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return uint64(float64(m.Mallocs) - float64(prev))\n",
        );
        no_fix_body(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    cur := m.Frees\n    d := cur\n    d -= prev\n    return d\n",
        );
        no_fix_body(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    x := uint64(0)\n    x = m.TotalAlloc\n    return x - prev\n",
        );
    }

    #[test]
    fn whole_value_uses_never_fire() {
        for use_ in [
            "    fmt.Printf(\"%v\\n\", m)\n    return m.HeapAlloc\n",
            "    n := m\n    return n.HeapAlloc\n",
            "    p := &m\n    return p.HeapAlloc\n",
            "    return sink(m)\n",
            "    if m == (runtime.MemStats{}) {\n        return 0\n    }\n    return m.HeapAlloc\n",
            "    ch <- m\n    return 0\n",
            "    return m.HeapAlloc + func() uint64 { return sink(m) }()\n",
        ] {
            let body = format!("    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n{use_}");
            no_fix_body(&body);
        }
    }

    #[test]
    fn field_writes_and_addresses_never_fire() {
        for use_ in [
            "    m.HeapAlloc = 0\n",
            "    m.HeapAlloc++\n",
            "    m.HeapAlloc += 1\n",
            "    (m.HeapAlloc) = 1\n",
            "    p := &m.HeapAlloc\n    *p = 1\n",
            "    for m.NextGC = range []uint64{1} {\n    }\n",
        ] {
            let body = format!(
                "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n{use_}    return m.HeapAlloc\n"
            );
            no_fix_body(&body);
        }
    }

    #[test]
    fn unmapped_fields_never_fire() {
        for field in [
            "GCCPUFraction",
            "BySize[3].Mallocs",
            "PauseNs[0]",
            "PauseEnd[0]",
        ] {
            let body = format!(
                "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    fmt.Println(m.{field})\n    return m.HeapAlloc\n"
            );
            no_fix_body(&body);
        }
    }

    #[test]
    fn declarations_outside_the_function_never_fire() {
        // Package-level variable.
        check_no_fix(
            &TRANSFORM,
            &go(
                "package m\n\nimport \"runtime\"\n\nvar m runtime.MemStats\n\nfunc f() uint64 {\n    runtime.ReadMemStats(&m)\n    return m.HeapAlloc\n}\n",
            ),
        );
        // Parameter, pointer from elsewhere, struct field.
        check_no_fix(
            &TRANSFORM,
            &go(
                "package m\n\nimport \"runtime\"\n\nfunc f(m runtime.MemStats) uint64 {\n    runtime.ReadMemStats(&m)\n    return m.HeapAlloc\n}\n",
            ),
        );
        check_no_fix(
            &TRANSFORM,
            &go(
                "package m\n\nimport \"runtime\"\n\nfunc f(m *runtime.MemStats) uint64 {\n    runtime.ReadMemStats(m)\n    return m.HeapAlloc\n}\n",
            ),
        );
        // A pointer made here is the same value behind one indirection, but passing it on is a whole use.
        no_fix_body(
            "    m := new(runtime.MemStats)\n    runtime.ReadMemStats(m)\n    keep(m)\n    return m.HeapAlloc\n",
        );
        no_fix_body(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(m)\n    return m.HeapAlloc\n",
        );
        check_no_fix(
            &TRANSFORM,
            &go(
                "package m\n\nimport \"runtime\"\n\ntype s struct{ m runtime.MemStats }\n\nfunc (x *s) f() uint64 {\n    runtime.ReadMemStats(&x.m)\n    return x.m.HeapAlloc\n}\n",
            ),
        );
        // Declared in the enclosing function, read in a closure.
        no_fix_body(
            "    var m runtime.MemStats\n    func() {\n        runtime.ReadMemStats(&m)\n    }()\n    return m.HeapAlloc\n",
        );
        // A second declaration of the name, or a literal with fields.
        no_fix_body(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    if true {\n        m := 3\n        _ = m\n    }\n    return m.HeapAlloc\n",
        );
        no_fix_body(
            "    m := runtime.MemStats{Alloc: 1}\n    runtime.ReadMemStats(&m)\n    return m.HeapAlloc\n",
        );
    }

    #[test]
    fn tests_and_test_helpers_never_fire() {
        let body =
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.HeapAlloc\n";
        check_no_fix(
            &TRANSFORM,
            &in_func(body).replace("func f()", "func BenchmarkHeap()"),
        );
        check_no_fix(
            &TRANSFORM,
            &in_func(body).replace("func f()", "func TestHeap()"),
        );
        let with_testing = in_func(body).replace("\"runtime\"\n", "\"runtime\"\n\t\"testing\"\n")
            + "\nvar _ testing.TB\n";
        check_no_fix(&TRANSFORM, &with_testing);
    }

    #[test]
    fn other_shapes_never_fire() {
        // An if initializer cannot become a block.
        no_fix_body(
            "    var m runtime.MemStats\n    if runtime.ReadMemStats(&m); m.HeapAlloc > 1 {\n        return 1\n    }\n    return m.HeapAlloc\n",
        );
        // Nothing needing a metric is read.
        no_fix_body(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.Lookups\n",
        );
        no_fix_body("    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return 0\n");
        // `runtime` shadowed by a local.
        no_fix_body(
            "    runtime := fakeRuntime{}\n    var m MemStats\n    runtime.ReadMemStats(&m)\n    return m.HeapAlloc\n",
        );
        // Used before the declaration (a package-level m).
        check_no_fix(
            &TRANSFORM,
            &go(
                "package m\n\nimport \"runtime\"\n\nvar m struct{ HeapAlloc uint64 }\n\nfunc f() uint64 {\n    x := m.HeapAlloc\n    {\n        var m runtime.MemStats\n        runtime.ReadMemStats(&m)\n        x += m.HeapAlloc\n    }\n    return x\n}\n",
            ),
        );
    }

    #[test]
    fn message_names_the_stop_the_world_cost() {
        let src = in_func(
            "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.HeapAlloc + m.LastGC\n",
        );
        let findings = crate::testing::findings(&TRANSFORM, "1.22", &src);
        let [finding] = findings.as_slice() else {
            panic!("one finding expected: {findings:?}")
        };
        assert_eq!(finding.fix, Some(crate::rules::fix::Applicability::Safe));
        let msg = &finding.message;
        assert!(
            msg.contains("stops the world")
                && msg.contains("metrics.Read")
                && msg.contains("(HeapAlloc)"),
            "{msg}"
        );
        assert!(msg.contains("debug.ReadGCStats gives LastGC"), "{msg}");
    }

    #[test]
    fn labeled_statement_and_loop() {
        let src = in_func(
            "    var m runtime.MemStats\n    for i := 0; i < 3; i++ {\n    again:\n        runtime.ReadMemStats(&m)\n        if m.NumGC == 0 {\n            goto again\n        }\n    }\n    return m.HeapAlloc\n",
        );
        let (fixed, _) = run_one(&TRANSFORM, "1.22", &src, false);
        assert!(
            fixed.contains("\tagain:\n\t\t{\n\t\t\tsamples := []metrics.Sample{\n"),
            "{fixed}"
        );
    }
}
