//! Unit tests of R2 (time-after-in-loop).

use super::TRANSFORM;
use crate::run::engine::RunOutcome;
use crate::run::settings::Mode;
use crate::testing::{
    changed_text, check_fix, check_fix_go, check_fixed_contains, check_no_fix, run_one, run_tree,
};

/// Wraps a function body (tab-indented once) in a file that imports time.
fn file(body: &str) -> String {
    format!("package m\n\nimport \"time\"\n\n{body}")
}

/// Asserts that `body` (in a file importing time) gets no fix.
fn no_fix(body: &str) {
    check_no_fix(&TRANSFORM, &file(body));
}

/// Runs with a custom go.mod and `--opt` values; returns the fixed x.go and the outcome.
fn run_with(gomod: &str, opts: &[(&str, &str)], src: &str) -> (String, RunOutcome) {
    let (_dir, out) = run_tree(
        &TRANSFORM,
        &[("go.mod", gomod), ("x.go", src)],
        Mode::DryRun,
        false,
        opts,
    );
    (changed_text(&out, "x.go", src), out)
}

/// The findings of a check-mode run (dry runs report what remains after fixing).
fn findings(go: &str, src: &str) -> Vec<crate::run::apply::Finding> {
    crate::testing::findings(&TRANSFORM, go, src)
}

const IDLE_LOOP: &str = "func f(in chan int, idle time.Duration) {\n\tfor {\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\t_ = v\n\t\tcase <-time.After(idle):\n\t\t\treturn\n\t\t}\n\t}\n}\n";

#[test]
fn doc_example_round_trips() {
    crate::testing::check_doc_example(&TRANSFORM);
}

#[test]
fn shape_a_async_below_1_23_is_a_leak() {
    let (fixed, _) = run_one(&TRANSFORM, "1.22", &file(IDLE_LOOP), false);
    assert_eq!(
        fixed,
        file(
            "func f(in chan int, idle time.Duration) {\n\tidleTimer := time.NewTimer(idle)\n\tidleFired := false\n\tfor {\n\t\tif !idleTimer.Stop() && !idleFired {\n\t\t\t<-idleTimer.C\n\t\t}\n\t\tidleTimer.Reset(idle)\n\t\tidleFired = false\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\t_ = v\n\t\tcase <-idleTimer.C:\n\t\t\tidleFired = true\n\t\t\treturn\n\t\t}\n\t}\n}\n"
        )
    );
    let f = &findings("1.22", &file(IDLE_LOOP))[0];
    assert!(f.message.contains("leak"), "{}", f.message);
    assert!(!f.low_priority);
}

#[test]
fn at_1_23_the_message_names_the_allocation_not_a_leak() {
    let (fixed, _) = run_one(&TRANSFORM, "1.23", &file(IDLE_LOOP), false);
    assert!(
        fixed.contains("idleFired = true"),
        "1.23 still uses the async-safe shape"
    );
    let msg = &findings("1.23", &file(IDLE_LOOP))[0].message;
    assert!(!msg.contains("leak") && msg.contains("allocation"), "{msg}");
}

#[test]
fn sync_shape_at_1_27() {
    check_fix_go(
        &TRANSFORM,
        "1.27",
        &file(IDLE_LOOP),
        &file(
            "func f(in chan int, idle time.Duration) {\n\tidleTimer := time.NewTimer(idle)\n\tfor {\n\t\tidleTimer.Reset(idle)\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\t_ = v\n\t\tcase <-idleTimer.C:\n\t\t\treturn\n\t\t}\n\t}\n}\n",
        ),
    );
}

#[test]
fn sync_opt_in_respects_godebug() {
    let src = file(IDLE_LOOP);
    let opt = [("R2.sync-timers", "true")];
    let (fixed, _) = run_with("module m\n\ngo 1.24\n", &opt, &src);
    assert!(
        !fixed.contains("Fired"),
        "opt-in gives the sync shape:\n{fixed}"
    );
    let (fixed, _) = run_with(
        "module m\n\ngo 1.24\n\ngodebug asynctimerchan=1\n",
        &opt,
        &src,
    );
    assert!(
        fixed.contains("idleFired"),
        "godebug override keeps the async-safe shape"
    );
    let (fixed, _) = run_with(
        "module m\n\ngo 1.24\n\ngodebug default=go1.22\n",
        &opt,
        &src,
    );
    assert!(fixed.contains("idleFired"));
    let (fixed, _) = run_with("module m\n\ngo 1.22\n", &opt, &src);
    assert!(
        fixed.contains("idleFired"),
        "below 1.23 the option does nothing"
    );
    let (fixed, _) = run_with("module m\n\ngo 1.24\n", &[], &src);
    assert!(fixed.contains("idleFired"), "off by default");
}

#[test]
fn sync_opt_in_respects_go_work_and_go_debug_lines() {
    let run = |files: &[(&str, &str)]| {
        let (_dir, out) = run_tree(
            &TRANSFORM,
            files,
            Mode::DryRun,
            false,
            &[("R2.sync-timers", "true")],
        );
        assert_eq!(out.changes.len(), 1, "a change");
        changed_text(&out, "x.go", "")
    };
    let src = file(IDLE_LOOP);
    let gomod = "module m\n\ngo 1.24\n";
    let fixed = run(&[
        (
            "go.work",
            "go 1.24\n\ngodebug asynctimerchan=1\n\nuse ./m\n",
        ),
        ("m/go.mod", gomod),
        ("m/x.go", &src),
    ]);
    assert!(
        fixed.contains("idleFired"),
        "go.work godebug keeps the async-safe shape"
    );
    let fixed = run(&[
        ("go.work", "go 1.22\n\nuse ./m\n"),
        ("m/go.mod", gomod),
        ("m/x.go", &src),
    ]);
    assert!(
        fixed.contains("idleFired"),
        "a go 1.22 workspace runs async timers"
    );
    let main = "//go:debug asynctimerchan=1\n\npackage main\n\nfunc main() {}\n";
    let fixed = run(&[("go.mod", gomod), ("x.go", &src), ("cmd/app/main.go", main)]);
    assert!(
        fixed.contains("idleFired"),
        "a //go:debug line keeps the async-safe shape"
    );
    let fixed = run(&[("go.mod", gomod), ("x.go", &src)]);
    assert!(!fixed.contains("idleFired"));
}

#[test]
fn shape_b_for_a_duration_computed_in_the_loop() {
    check_fix(
        &TRANSFORM,
        &file(
            "func f(ctx interface{ Done() <-chan struct{} }, next func(int) time.Duration) {\n\tfor attempt := 0; ; attempt++ {\n\t\twait := next(attempt)\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-time.After(wait):\n\t\t}\n\t}\n}\n",
        ),
        &file(
            "func f(ctx interface{ Done() <-chan struct{} }, next func(int) time.Duration) {\n\tvar waitTimer *time.Timer\n\twaitFired := false\n\tfor attempt := 0; ; attempt++ {\n\t\twait := next(attempt)\n\t\tif waitTimer == nil {\n\t\t\twaitTimer = time.NewTimer(wait)\n\t\t} else {\n\t\t\tif !waitTimer.Stop() && !waitFired {\n\t\t\t\t<-waitTimer.C\n\t\t\t}\n\t\t\twaitTimer.Reset(wait)\n\t\t}\n\t\twaitFired = false\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-waitTimer.C:\n\t\t\twaitFired = true\n\t\t}\n\t}\n}\n",
        ),
    );
}

#[test]
fn field_through_a_pointer_is_shape_b() {
    let src = file(
        "type s struct{ idle time.Duration }\n\nfunc (x *s) f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(x.idle):\n\t\t}\n\t}\n}\n",
    );
    check_fixed_contains(
        &TRANSFORM,
        "1.27",
        &src,
        &[
            "var idleTimer *time.Timer",
            "idleTimer = time.NewTimer(x.idle)",
        ],
    );
}

#[test]
fn shadowed_time_does_not_fire() {
    no_fix(
        "func f(in chan int) {\n\ttime := struct{ After func(int) chan int }{}\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(1):\n\t\t}\n\t}\n}\n",
    );
}

#[test]
fn dot_import_does_not_fire() {
    check_no_fix(
        &TRANSFORM,
        "package m\n\nimport . \"time\"\n\nfunc f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-After(Second):\n\t\t}\n\t}\n}\n",
    );
}

#[test]
fn aliased_import_uses_its_name() {
    let src = "package m\n\nimport tm \"time\"\n\nfunc f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-tm.After(tm.Second):\n\t\t}\n\t}\n}\n";
    check_fixed_contains(
        &TRANSFORM,
        "1.22",
        src,
        &["timer := tm.NewTimer(tm.Second)", "timer.Reset(tm.Second)"],
    );
}

#[test]
fn goto_in_the_function_does_not_fire() {
    no_fix(
        "func f(in chan int) {\n\tn := 0\nagain:\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(time.Second):\n\t\t\tn++\n\t\t\tif n < 3 {\n\t\t\t\tgoto again\n\t\t\t}\n\t\t\treturn\n\t\t}\n\t}\n}\n",
    );
}

#[test]
fn default_case_does_not_fire() {
    no_fix(
        "func f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(time.Second):\n\t\tdefault:\n\t\t}\n\t}\n}\n",
    );
}

#[test]
fn two_timer_cases_do_not_fire() {
    no_fix(
        "func f(in chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(time.Second):\n\t\tcase <-time.After(time.Minute):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
    );
}

#[test]
fn func_literal_between_loop_and_select_does_not_fire() {
    no_fix(
        "func f(in chan int) {\n\tfor i := 0; i < 3; i++ {\n\t\tgo func() {\n\t\t\tselect {\n\t\t\tcase <-in:\n\t\t\tcase <-time.After(time.Second):\n\t\t\t}\n\t\t}()\n\t}\n}\n",
    );
}

#[test]
fn loop_inside_a_func_literal_fires_inside_it() {
    check_fixed_contains(
        &TRANSFORM,
        "1.27",
        &file(
            "func f(in chan int) {\n\tgo func() {\n\t\tfor {\n\t\t\tselect {\n\t\t\tcase <-in:\n\t\t\tcase <-time.After(time.Second):\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}()\n}\n",
        ),
        &[
            "\tgo func() {\n\t\ttimer := time.NewTimer(time.Second)\n\t\tfor {\n\t\t\ttimer.Reset(time.Second)\n",
        ],
    );
}

#[test]
fn labeled_loop_and_labeled_select() {
    check_fix_go(
        &TRANSFORM,
        "1.27",
        &file(
            "func f(in chan int, d time.Duration) {\nouter:\n\tfor {\n\twait:\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\tif v == 0 {\n\t\t\t\tbreak outer\n\t\t\t}\n\t\t\tbreak wait\n\t\tcase <-time.After(d):\n\t\t\tcontinue outer\n\t\t}\n\t}\n}\n",
        ),
        &file(
            "func f(in chan int, d time.Duration) {\n\tdTimer := time.NewTimer(d)\nouter:\n\tfor {\n\t\tdTimer.Reset(d)\n\twait:\n\t\tselect {\n\t\tcase v := <-in:\n\t\t\tif v == 0 {\n\t\t\t\tbreak outer\n\t\t\t}\n\t\t\tbreak wait\n\t\tcase <-dTimer.C:\n\t\t\tcontinue outer\n\t\t}\n\t}\n}\n",
        ),
    );
}

#[test]
fn select_nested_in_if_gets_the_reset_in_place() {
    check_fix_go(
        &TRANSFORM,
        "1.27",
        &file(
            "func f(in chan int, busy func() bool) {\n\tfor {\n\t\tif busy() {\n\t\t\t// wait a little\n\t\t\tselect {\n\t\t\tcase <-in:\n\t\t\tcase <-time.After(10 * time.Millisecond):\n\t\t\t}\n\t\t}\n\t}\n}\n",
        ),
        &file(
            "func f(in chan int, busy func() bool) {\n\ttimer := time.NewTimer(10 * time.Millisecond)\n\tfor {\n\t\tif busy() {\n\t\t\ttimer.Reset(10 * time.Millisecond)\n\t\t\t// wait a little\n\t\t\tselect {\n\t\t\tcase <-in:\n\t\t\tcase <-timer.C:\n\t\t\t}\n\t\t}\n\t}\n}\n",
        ),
    );
}

#[test]
fn deadline_outside_loop_does_not_fire() {
    no_fix(
        "func f(in chan int) {\n\tdeadline := time.After(time.Minute)\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-deadline:\n\t\t\treturn\n\t\t}\n\t}\n}\n",
    );
}

#[test]
fn fake_clock_does_not_fire() {
    no_fix(
        "type clock interface{ After(time.Duration) <-chan time.Time }\n\nfunc f(in chan int, c clock) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-c.After(time.Second):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
    );
}

#[test]
fn not_in_a_loop_does_not_fire() {
    no_fix(
        "func f(in chan int) int {\n\tselect {\n\tcase v := <-in:\n\t\treturn v\n\tcase <-time.After(time.Second):\n\t\treturn 0\n\t}\n}\n",
    );
}

#[test]
fn call_before_the_timer_case_is_unsafe_after_it_is_safe() {
    let before = file(
        "type sub interface{ Next() <-chan int }\n\nfunc f(s sub) {\n\tfor {\n\t\tselect {\n\t\tcase <-s.Next():\n\t\tcase <-time.After(time.Second):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
    );
    let (safe_only, _) = run_one(&TRANSFORM, "1.22", &before, false);
    assert_eq!(safe_only, before);
    assert_eq!(
        findings("1.22", &before)[0].fix,
        Some(crate::rules::fix::Applicability::Unsafe)
    );
    let (fixed, _) = run_one(&TRANSFORM, "1.22", &before, true);
    assert!(fixed.contains("case <-timer.C:"));
    let after = file(
        "type sub interface{ Next() <-chan int }\n\nfunc f(s sub) {\n\tfor {\n\t\tselect {\n\t\tcase <-time.After(time.Second):\n\t\t\treturn\n\t\tcase <-s.Next():\n\t\t}\n\t}\n}\n",
    );
    let (fixed, _) = run_one(&TRANSFORM, "1.22", &after, false);
    assert!(
        fixed.contains("case <-timer.C:"),
        "a call after the timer case keeps it Safe"
    );
}

#[test]
fn receive_before_the_timer_case_does_not_fire() {
    no_fix(
        "func f(in, out chan int) {\n\tfor {\n\t\tselect {\n\t\tcase out <- <-in:\n\t\tcase <-time.After(time.Second):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
    );
}

#[test]
fn tick_needs_a_positive_constant() {
    let tick = |d: &str| {
        file(&format!(
            "const poll = 2 * time.Second\n\nfunc f(in chan int, n time.Duration) {{\n\tfor {{\n\t\tselect {{\n\t\tcase <-in:\n\t\t\treturn\n\t\tcase <-time.Tick({d}):\n\t\t}}\n\t}}\n}}\n"
        ))
    };
    for d in ["n", "0", "1 / 2 * time.Second", "-time.Second"] {
        check_no_fix(&TRANSFORM, &tick(d));
    }
    check_fixed_contains(
        &TRANSFORM,
        "1.22",
        &tick("poll"),
        &["pollTimer := time.NewTimer(poll)"],
    );
    let f = &findings("1.22", &tick("poll"))[0];
    assert!(
        f.message.contains("ticker") && !f.low_priority,
        "tickers leak before 1.23 even here"
    );
    assert!(findings("1.23", &tick("poll"))[0].low_priority);
    check_fixed_contains(
        &TRANSFORM,
        "1.22",
        &tick("time.Second / 2"),
        &["timer := time.NewTimer(time.Second / 2)"],
    );
}

#[test]
fn sleep_or_quit_is_low_priority() {
    let src = file(
        "func f(ctx interface{ Done() <-chan struct{} }, work func()) {\n\tfor {\n\t\twork()\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-time.After(time.Second):\n\t\t}\n\t}\n}\n",
    );
    let f = &findings("1.22", &src)[0];
    assert!(
        f.low_priority && !f.message.contains("leak"),
        "{}",
        f.message
    );
    // An unlabeled break only leaves the select: the loop goes on, timers can pile up.
    let src = src.replace("\t\t\treturn\n", "\t\t\tbreak\n");
    assert!(!findings("1.22", &src)[0].low_priority);
}

#[test]
fn fresh_names_avoid_collisions_and_each_other() {
    let src = file(
        "func f(in chan int, idle time.Duration) {\n\tidleTimer := 1\n\t_ = idleTimer\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(idle):\n\t\t\treturn\n\t\t}\n\t}\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(idle):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
    );
    check_fixed_contains(
        &TRANSFORM,
        "1.27",
        &src,
        &[
            "idleTimer2 := time.NewTimer(idle)",
            "idleTimer3 := time.NewTimer(idle)",
        ],
    );
}

#[test]
fn time_value_receive_and_trailing_comment() {
    check_fix(
        &TRANSFORM,
        &file(
            "func f(in chan int, tick func(time.Time)) {\n\tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase now := <-time.After(time.Second): // heartbeat\n\t\t\ttick(now)\n\t\t}\n\t}\n}\n",
        ),
        &file(
            "func f(in chan int, tick func(time.Time)) {\n\ttimer := time.NewTimer(time.Second)\n\ttimerFired := false\n\tfor {\n\t\tif !timer.Stop() && !timerFired {\n\t\t\t<-timer.C\n\t\t}\n\t\ttimer.Reset(time.Second)\n\t\ttimerFired = false\n\t\tselect {\n\t\tcase <-in:\n\t\tcase now := <-timer.C: // heartbeat\n\t\t\ttimerFired = true\n\t\t\ttick(now)\n\t\t}\n\t}\n}\n",
        ),
    );
}

#[test]
fn fires_in_test_files_too() {
    let src = file(IDLE_LOOP);
    let files = [
        ("go.mod", "module m\n\ngo 1.22\n"),
        ("x_test.go", src.as_str()),
    ];
    let (_dir, out) = run_tree(&TRANSFORM, &files, Mode::DryRun, false, &[]);
    assert_eq!(out.changes.len(), 1);
}

#[test]
fn two_selects_in_one_loop_get_two_timers() {
    let src = file(
        "func f(a, b chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tcase <-time.After(time.Second):\n\t\t}\n\t\tselect {\n\t\tcase <-b:\n\t\tcase <-time.After(time.Minute):\n\t\t}\n\t}\n}\n",
    );
    check_fix_go(
        &TRANSFORM,
        "1.27",
        &src,
        &file(
            "func f(a, b chan int) {\n\ttimer := time.NewTimer(time.Second)\n\ttimer2 := time.NewTimer(time.Minute)\n\tfor {\n\t\ttimer.Reset(time.Second)\n\t\tselect {\n\t\tcase <-a:\n\t\tcase <-timer.C:\n\t\t}\n\t\ttimer2.Reset(time.Minute)\n\t\tselect {\n\t\tcase <-b:\n\t\tcase <-timer2.C:\n\t\t}\n\t}\n}\n",
        ),
    );
}

#[test]
fn build_constraint_raises_the_runtime_gate() {
    let src = format!("//go:build go1.27\n\n{}", file(IDLE_LOOP));
    let (fixed, _) = run_one(&TRANSFORM, "1.22", &src, false);
    assert!(
        !fixed.contains("Fired"),
        "G_rt = max(go line, constraint) = 1.27: sync shape\n{fixed}"
    );
}

#[test]
fn case_in_a_switch_and_range_loop() {
    check_fix_go(
        &TRANSFORM,
        "1.27",
        &file(
            "func f(jobs []int, done chan int, slow time.Duration) {\n\tfor _, j := range jobs {\n\t\tswitch {\n\t\tcase j > 0:\n\t\t\tselect {\n\t\t\tcase <-done:\n\t\t\tcase <-time.After(slow / 2):\n\t\t\t}\n\t\t}\n\t}\n}\n",
        ),
        &file(
            "func f(jobs []int, done chan int, slow time.Duration) {\n\tslowTimer := time.NewTimer(slow / 2)\n\tfor _, j := range jobs {\n\t\tswitch {\n\t\tcase j > 0:\n\t\t\tslowTimer.Reset(slow / 2)\n\t\t\tselect {\n\t\t\tcase <-done:\n\t\t\tcase <-slowTimer.C:\n\t\t\t}\n\t\t}\n\t}\n}\n",
        ),
    );
}

#[test]
fn index_in_the_duration_is_shape_b() {
    let src = file(
        "func f(in chan int, waits []time.Duration) {\n\tfor i := 0; ; i++ {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(waits[0]):\n\t\t\treturn\n\t\t}\n\t}\n}\n",
    );
    let (fixed, _) = run_one(&TRANSFORM, "1.27", &src, false);
    assert!(
        fixed.contains("var timer *time.Timer"),
        "an index could panic before the loop\n{fixed}"
    );
}
