//! R1's unit tests of the shapes it must never rewrite: deltas, whole-value uses, field writes,
//! unmapped fields, declarations it does not own, test code, other statement shapes.

use super::{TRANSFORM, go, in_func, no_fix_body};
use crate::testing::check_no_fix;

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
    let body = "    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.HeapAlloc\n";
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
    no_fix_body("    var m runtime.MemStats\n    runtime.ReadMemStats(&m)\n    return m.Lookups\n");
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
