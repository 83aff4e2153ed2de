//! Unit tests of R1 (read-mem-stats).

mod never_fires;

use super::TRANSFORM;
use crate::testing::{check_fix, check_fixed_contains, check_no_fix, check_no_fix_go, run_one};

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
    crate::testing::check_doc_example(&TRANSFORM);
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
    check_fixed_contains(
        &TRANSFORM,
        "1.17",
        &in_func(total),
        &["{Name: \"/gc/heap/allocs:bytes\"}"],
    );
    let heap = in_func(
        "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.HeapAlloc\n",
    );
    let (fixed, _) = run_one(&TRANSFORM, "1.16", &heap, false);
    assert!(fixed.contains("m.HeapAlloc = samples[0].Value.Uint64()") && !fixed.contains("Kind()"));
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
        fixed
            .contains("rtmetrics.Read(samples)\n\t\tmetrics.HeapAlloc = samples[0].Value.Uint64()"),
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
        fixed.contains("samples := []rm.Sample{") && fixed.matches("runtime/metrics").count() == 1,
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
    check_fixed_contains(
        &TRANSFORM,
        "1.22",
        &in_func(
            "    samples, gcStats := 1, 2\n    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.HeapAlloc + m.LastGC + uint64(samples+gcStats)\n",
        ),
        &[
            "samples2 := []metrics.Sample{",
            "var gcStats2 debug.GCStats",
        ],
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
    check_fixed_contains(
        &TRANSFORM,
        "1.22",
        &src,
        &["\t{ // snapshot\n\t\tsamples := "],
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
    check_fixed_contains(
        &TRANSFORM,
        "1.22",
        &src,
        &["\tagain:\n\t\t{\n\t\t\tsamples := []metrics.Sample{\n"],
    );
}
