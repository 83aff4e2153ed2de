use super::*;
use crate::testing::{
    check_detect_only_go, check_fix, check_no_fix, check_no_fix_go, findings, run_one,
};

/// Reported without an edit, and the finding says which precondition withheld the fix.
fn withheld(src: &str) -> String {
    check_detect_only_go(&TRANSFORM, "1.22", src);
    let found = findings(&TRANSFORM, "1.22", src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].fix.is_none());
    found[0].withheld.clone().expect("a withheld reason")
}

const HEAD: &str = "package m\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\n";
const HEAD_NO_RT: &str = "package m\n\nimport (\n\t\"fmt\"\n)\n\n";

#[test]
fn doc_example_round_trips() {
    let doc = crate::catalog::docs::doc(&TRANSFORM);
    let before = crate::catalog::docs::go_block(&doc, "## Example").expect("example");
    let after = crate::catalog::docs::go_block(&doc, "## Use instead").expect("use instead");
    check_fix(&TRANSFORM, &before, &after);
}

#[test]
fn drops_a_lone_yield_and_the_import() {
    check_fix(
        &TRANSFORM,
        &format!(
            "{HEAD}func start(f func()) {{\n\tgo f()\n\truntime.Gosched() // let it run\n\tfmt.Println(\"started\")\n}}\n"
        ),
        &format!("{HEAD_NO_RT}func start(f func()) {{\n\tgo f()\n\tfmt.Println(\"started\")\n}}\n"),
    );
}

#[test]
fn keeps_the_import_when_still_used() {
    let src = "package m\n\nimport \"runtime\"\n\nfunc start(f func()) int {\n\tgo f()\n\truntime.Gosched()\n\treturn runtime.NumCPU()\n}\n";
    check_fix(&TRANSFORM, src, &src.replace("\truntime.Gosched()\n", ""));
    // A type mention is a use the engine does not count: the import must stay.
    let src = "package m\n\nimport \"runtime\"\n\nvar stats runtime.MemStats\n\nfunc start(f func()) {\n\tgo f()\n\truntime.Gosched()\n}\n";
    check_fix(&TRANSFORM, src, &src.replace("\truntime.Gosched()\n", ""));
}

#[test]
fn if_shapes() {
    check_fix(
        &TRANSFORM,
        &format!(
            "{HEAD}func start(f func(), busy bool) {{\n\tgo f()\n\tif busy {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println(\"started\")\n}}\n"
        ),
        &format!(
            "{HEAD_NO_RT}func start(f func(), busy bool) {{\n\tgo f()\n\tfmt.Println(\"started\")\n}}\n"
        ),
    );
    check_fix(
        &TRANSFORM,
        &format!(
            "{HEAD}func start(f func(), busy bool) {{\n\tif busy {{\n\t\tfmt.Println(\"busy\")\n\t}} else {{\n\t\truntime.Gosched()\n\t}}\n\tgo f()\n}}\n"
        ),
        &format!(
            "{HEAD_NO_RT}func start(f func(), busy bool) {{\n\tif busy {{\n\t\tfmt.Println(\"busy\")\n\t}}\n\tgo f()\n}}\n"
        ),
    );
    let reason = withheld(&format!(
        "{HEAD}func start(f func(), busy bool) {{\n\tif busy {{\n\t\truntime.Gosched()\n\t}} else {{\n\t\tfmt.Println(\"idle\")\n\t}}\n\tgo f()\n}}\n"
    ));
    assert!(reason.contains("else"), "{reason}");
    let reason = withheld(&format!(
        "{HEAD}func start(f func() bool) {{\n\tif f() {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println(\"x\")\n}}\n"
    ));
    assert!(reason.contains("side effects"), "{reason}");
}

#[test]
fn spin_waits_are_reported_without_a_fix() {
    let spin = format!(
        "{HEAD}func wait(ready func() bool) {{\n\tfor !ready() {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println(\"ready\")\n}}\n"
    );
    assert!(withheld(&spin).contains("waits"));
    let sel = format!(
        "{HEAD}func wait(c chan int) {{\n\tfor {{\n\t\tselect {{\n\t\tcase <-c:\n\t\t\treturn\n\t\tdefault:\n\t\t\truntime.Gosched()\n\t\t}}\n\t}}\n\tfmt.Println()\n}}\n"
    );
    // R7.7 reports the yield in a spinning select's default; R3a stays quiet there.
    check_no_fix(&TRANSFORM, &sel);
    let poll = format!(
        "{HEAD}func wait(n int, ready func() bool) {{\n\tfor i := 0; i < n; i++ {{\n\t\tif ready() {{\n\t\t\treturn\n\t\t}}\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println()\n}}\n"
    );
    assert!(withheld(&poll).contains("waits"));
    let bare = format!(
        "{HEAD}func settle() {{\n\tfor i := 0; i < 3; i++ {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println()\n}}\n"
    );
    assert!(withheld(&bare).contains("nothing but yield"));
}

#[test]
fn yields_in_loops_that_end_by_themselves_go() {
    // The range key only the deleted `if` read becomes `_`.
    check_fix(
        &TRANSFORM,
        &format!(
            "{HEAD}func sum(xs []int) int {{\n\tt := 0\n\tfor i, x := range xs {{\n\t\tt += x\n\t\tif i%64 == 0 {{\n\t\t\truntime.Gosched()\n\t\t}}\n\t}}\n\tfmt.Println(t)\n\treturn t\n}}\n"
        ),
        &format!(
            "{HEAD_NO_RT}func sum(xs []int) int {{\n\tt := 0\n\tfor _, x := range xs {{\n\t\tt += x\n\t}}\n\tfmt.Println(t)\n\treturn t\n}}\n"
        ),
    );
    // The only range variable goes with it; methods and literals are fine inside a loop.
    check_fix(
        &TRANSFORM,
        &format!(
            "{HEAD}type w struct{{ n int }}\n\nfunc (x *w) run(xs []int) {{\n\tfor i := range xs {{\n\t\tx.n++\n\t\tif i%8 == 0 {{\n\t\t\truntime.Gosched()\n\t\t}}\n\t}}\n\tfmt.Println()\n}}\n"
        ),
        &format!(
            "{HEAD_NO_RT}type w struct{{ n int }}\n\nfunc (x *w) run(xs []int) {{\n\tfor range xs {{\n\t\tx.n++\n\t}}\n\tfmt.Println()\n}}\n"
        ),
    );
    // A counted loop keeps its variable (its header reads it).
    check_fix(
        &TRANSFORM,
        &format!(
            "{HEAD}func f(n int) {{\n\tfor i := 0; i < n; i++ {{\n\t\tfmt.Println(i)\n\t\truntime.Gosched()\n\t}}\n}}\n"
        ),
        &format!(
            "{HEAD_NO_RT}func f(n int) {{\n\tfor i := 0; i < n; i++ {{\n\t\tfmt.Println(i)\n\t}}\n}}\n"
        ),
    );
}

#[test]
fn event_loops_and_spinlocks_yield_by_design() {
    // A loop without end that does work between polls (an event loop) is left alone.
    check_no_fix(
        &TRANSFORM,
        &format!(
            "{HEAD}func serve(poll func() int, handle func(int)) {{\n\tfor {{\n\t\tn := poll()\n\t\tif n == 0 {{\n\t\t\truntime.Gosched()\n\t\t\tcontinue\n\t\t}}\n\t\thandle(n)\n\t\tfmt.Println(n)\n\t}}\n}}\n"
        ),
    );
    // A spinlock spins by design.
    check_no_fix(
        &TRANSFORM,
        &format!(
            "{HEAD}type spinLock struct{{ held func() bool }}\n\nfunc (l *spinLock) Lock() {{\n\tfor l.held() {{\n\t\truntime.Gosched()\n\t}}\n\tfmt.Println()\n}}\n"
        ),
    );
    // A counted loop that works, with a cancellation check, loses its yield.
    let (fixed, _) = run_one(
        &TRANSFORM,
        "1.22",
        &format!(
            "{HEAD}func replay(n int, apply func(int), closed func() bool) {{\n\tfor i := 0; i < n; i++ {{\n\t\tapply(i)\n\t\truntime.Gosched()\n\t\tif closed() {{\n\t\t\treturn\n\t\t}}\n\t}}\n\tfmt.Println()\n}}\n"
        ),
        false,
    );
    assert!(!fixed.contains("Gosched"), "{fixed}");
}

#[test]
fn never_in_literals_methods_or_helpers_outside_loops() {
    let lit = format!("{HEAD}var yield = func() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n");
    check_no_fix(&TRANSFORM, &lit);
    let method = format!(
        "{HEAD}type t struct{{}}\n\nfunc (t) wait() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n"
    );
    check_no_fix(&TRANSFORM, &method);
    let helper = format!(
        "{HEAD}func yield() {{\n\truntime.Gosched()\n}}\n\nfunc main() {{\n\tfmt.Println()\n\tyield()\n}}\n"
    );
    check_no_fix(&TRANSFORM, &helper);
    let cond_helper = format!(
        "{HEAD}var busy bool\n\nfunc yield() {{\n\tif busy {{\n\t\truntime.Gosched()\n\t}}\n}}\n\nfunc main() {{\n\tfmt.Println()\n}}\n"
    );
    check_no_fix(&TRANSFORM, &cond_helper);
    let looped = format!(
        "{HEAD}func step() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n\nfunc run(n int) {{\n\tfor i := 0; i < n; i++ {{\n\t\tstep()\n\t}}\n}}\n"
    );
    check_no_fix(&TRANSFORM, &looped);
    let indirect = format!(
        "{HEAD}func step() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n\nfunc tick() {{\n\tstep()\n}}\n\nfunc run() {{\n\tfor {{\n\t\ttick()\n\t}}\n}}\n"
    );
    check_no_fix(&TRANSFORM, &indirect);
    let value = format!(
        "{HEAD}func step() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n\nvar hook = step\n"
    );
    check_no_fix(&TRANSFORM, &value);
    let callback = format!(
        "{HEAD}func step() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n\nfunc run(retry func(func())) {{\n\tretry(func() {{ step() }})\n}}\n"
    );
    check_no_fix(&TRANSFORM, &callback);
    let locked = format!(
        "{HEAD}func loop() {{\n\truntime.LockOSThread()\n\tfmt.Println()\n\truntime.Gosched()\n}}\n"
    );
    check_no_fix(&TRANSFORM, &locked);
    let gotos = format!(
        "{HEAD}func loop(n int) {{\nagain:\n\tfmt.Println()\n\truntime.Gosched()\n\tn--\n\tif n > 0 {{\n\t\tgoto again\n\t}}\n}}\n"
    );
    check_no_fix(&TRANSFORM, &gotos);
}

#[test]
fn never_go_defer_value_or_shadowed() {
    let src = format!(
        "{HEAD}func f() {{\n\tgo runtime.Gosched()\n\tdefer runtime.Gosched()\n\tg := runtime.Gosched\n\tg()\n\tfmt.Println()\n}}\n"
    );
    check_no_fix(&TRANSFORM, &src);
    let src =
        "package m\n\nimport . \"runtime\"\n\nfunc f() {\n\tGosched()\n\tprintln(NumCPU())\n}\n";
    check_no_fix(&TRANSFORM, src);
    let src = "package m\n\nimport \"runtime\"\n\ntype sched struct{}\n\nfunc (sched) Gosched() {}\n\nfunc f() {\n\truntime := sched{}\n\truntime.Gosched()\n\tprintln()\n}\n\nvar _ = runtime.NumCPU\n";
    check_no_fix(&TRANSFORM, src);
}

#[test]
fn never_in_tests() {
    let src = format!("{HEAD}func TestMain() {{\n\tfmt.Println()\n\truntime.Gosched()\n}}\n");
    check_no_fix(&TRANSFORM, &src);
    let src = "package m\n\nimport (\n\t\"runtime\"\n\t\"testing\"\n)\n\nfunc start(t *testing.T, f func()) {\n\tgo f()\n\truntime.Gosched()\n\tt.Log()\n}\n";
    check_no_fix(&TRANSFORM, src);
}

#[test]
fn wasm_only_files_are_left_alone() {
    let body = "\npackage m\n\nimport \"runtime\"\n\nfunc start(f func()) {\n\tgo f()\n\truntime.Gosched()\n\tprintln()\n}\n";
    for c in [
        "//go:build js",
        "//go:build js && wasm",
        "//go:build wasm",
        "//go:build plan9 || wasip1",
        "// +build js,wasm",
    ] {
        check_no_fix_go(&TRANSFORM, "1.22", &format!("{c}\n{body}"));
    }
    for c in [
        "//go:build !js",
        "//go:build linux || js",
        "//go:build integration",
        "//go:build go1.21",
    ] {
        let (fixed, _) = run_one(&TRANSFORM, "1.22", &format!("{c}\n{body}"), false);
        assert!(!fixed.contains("Gosched"), "{c}");
    }
}
