use super::errgroup::has_set_limit;
use super::*;
use crate::testing::{check_no_fix, run_one};

fn fixed(go: &str, src: &str) -> String {
    let (out, o) = run_one(&TRANSFORM, go, src, true);
    assert!(!o.findings.is_empty() || out != src, "no finding");
    out
}

const HEAD: &str = "package m\n\nimport \"sync\"\n\n";

fn loop_over(items: &str, decl: &str) -> String {
    format!(
        "{HEAD}{decl}func run({}) {{\n\tvar wg sync.WaitGroup\n\tfor _, x := range {items} {{\n\t\twg.Add(1)\n\t\tgo func(x int) {{\n\t\t\tdefer wg.Done()\n\t\t\tprintln(x)\n\t\t}}(x)\n\t}}\n\twg.Wait()\n}}\n",
        if decl.is_empty() && items == "xs" {
            "xs []int"
        } else {
            ""
        }
    )
}

#[test]
fn doc_example_round_trips() {
    let doc = crate::catalog::docs::doc(&TRANSFORM);
    let before = crate::catalog::docs::go_block(&doc, "## Example").expect("example");
    let after = crate::catalog::docs::go_block(&doc, "## Use instead").expect("use instead");
    assert_eq!(fixed("1.22", &before), after);
}

#[test]
fn report_only_by_default() {
    let src = loop_over("xs", "");
    let (out, o) = run_one(&TRANSFORM, "1.22", &src, false);
    assert_eq!(out, src);
    assert_eq!(o.findings.len(), 1);
}

#[test]
fn fixed_size_items_are_left_alone() {
    check_no_fix(&TRANSFORM, &loop_over("[]int{1, 2, 3}", ""));
    check_no_fix(&TRANSFORM, &loop_over("xs", "var xs = []int{1, 2}\n\n"));
    check_no_fix(&TRANSFORM, &loop_over("xs", "var xs [4]int\n\n"));
    check_no_fix(&TRANSFORM, &loop_over("workers", "const workers = 4\n\n"));
    check_no_fix(
        &TRANSFORM,
        &loop_over(
            "numWorkers",
            "var numWorkers = flagValue()\n\nfunc flagValue() int { return 8 }\n\n",
        ),
    );
}

#[test]
fn bounded_or_pooled_loops_are_left_alone() {
    let sem = "package m\n\nimport \"sync\"\n\nfunc run(xs []int) {\n\tsem := make(chan struct{}, 4)\n\tvar wg sync.WaitGroup\n\tfor _, x := range xs {\n\t\tsem <- struct{}{}\n\t\twg.Add(1)\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tdefer func() { <-sem }()\n\t\t\tprintln(x)\n\t\t}(x)\n\t}\n\twg.Wait()\n}\n";
    check_no_fix(&TRANSFORM, sem);
    let pool = "package m\n\nimport \"sync\"\n\nfunc run(xs []int, jobs chan int) {\n\tvar wg sync.WaitGroup\n\tfor range xs {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tfor j := range jobs {\n\t\t\t\tprintln(j)\n\t\t\t}\n\t\t}()\n\t}\n\twg.Wait()\n}\n";
    check_no_fix(&TRANSFORM, pool);
    let no_wait = "package m\n\nimport \"sync\"\n\nfunc run(xs []int, wg *sync.WaitGroup) {\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tprintln(x)\n\t\t}(x)\n\t}\n}\n";
    check_no_fix(&TRANSFORM, no_wait);
    let between = "package m\n\nimport \"sync\"\n\nfunc run(xs []int) {\n\tvar wg sync.WaitGroup\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tif x < 0 {\n\t\t\tbreak\n\t\t}\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tprintln(x)\n\t\t}(x)\n\t}\n\twg.Wait()\n}\n";
    check_no_fix(&TRANSFORM, between);
}

#[test]
fn deadlock_prone_shapes_are_left_alone() {
    let consumer_after = "package m\n\nimport \"sync\"\n\nfunc run(xs []int) int {\n\tout := make(chan int)\n\tvar wg sync.WaitGroup\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tout <- x * 2\n\t\t}(x)\n\t}\n\ttotal := 0\n\tdone := make(chan bool)\n\tgo func() {\n\t\tfor v := range out {\n\t\t\ttotal += v\n\t\t}\n\t\tdone <- true\n\t}()\n\twg.Wait()\n\tclose(out)\n\t<-done\n\treturn total\n}\n";
    check_no_fix(&TRANSFORM, consumer_after);
    let held_lock = "package m\n\nimport \"sync\"\n\nfunc run(mu *sync.Mutex, xs []int, m map[int]int) {\n\tvar wg sync.WaitGroup\n\tmu.Lock()\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tmu.Lock()\n\t\t\tm[x]++\n\t\t\tmu.Unlock()\n\t\t}(x)\n\t}\n\tmu.Unlock()\n\twg.Wait()\n}\n";
    check_no_fix(&TRANSFORM, held_lock);
    // Sending with the consumer already running is fine.
    let consumer_before = consumer_after
        .replace("\ttotal := 0\n\tdone := make(chan bool)\n\tgo func() {\n\t\tfor v := range out {\n\t\t\ttotal += v\n\t\t}\n\t\tdone <- true\n\t}()\n", "")
        .replace("\tvar wg sync.WaitGroup\n", "\ttotal := 0\n\tdone := make(chan bool)\n\tgo func() {\n\t\tfor v := range out {\n\t\t\ttotal += v\n\t\t}\n\t\tdone <- true\n\t}()\n\tvar wg sync.WaitGroup\n");
    assert!(fixed("1.22", &consumer_before).contains("sem <- struct{}{}"));
}

#[test]
fn never_in_tests() {
    let src = loop_over("xs", "").replace(
        "import \"sync\"",
        "import (\n\t\"sync\"\n\t\"testing\"\n)\n\nvar _ testing.T",
    );
    check_no_fix(&TRANSFORM, &src);
}

fn with_module(gomod: &str, gosum: Option<&str>, src: &str) -> String {
    use crate::run::settings::Mode;
    let mut files = vec![("go.mod", gomod), ("x.go", src)];
    if let Some(sum) = gosum {
        files.push(("go.sum", sum));
    }
    let (_dir, out) = crate::testing::run_tree(&TRANSFORM, &files, Mode::DryRun, true, &[]);
    assert_eq!(
        out.findings.len() + out.changes.len().min(1),
        1,
        "{:?}",
        out.findings
    );
    crate::testing::changed_text(&out, "x.go", src)
}

const XSYNC_MOD: &str = "module m\n\ngo 1.22\n\nrequire golang.org/x/sync v0.10.0\n";
const XSYNC_SUM: &str = "golang.org/x/sync v0.10.0 h1:3NQrjDixjgGwUOCaF8w2+VYHv0Ve/vGYSbdkTa98gmQ=\ngolang.org/x/sync v0.10.0/go.mod h1:Czt+wKu1gCyEFDUtn0jG5QVvpJ6rzVqr5aXyt9drQfk=\n";

#[test]
fn errgroup_only_when_mechanical_and_summed() {
    let src = "package m\n\nimport \"sync\"\n\nfunc run(xs []int) {\n\tvar wg sync.WaitGroup\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tprintln(x)\n\t\t}()\n\t}\n\twg.Wait()\n}\n";
    let out = with_module(XSYNC_MOD, Some(XSYNC_SUM), src);
    assert_eq!(
        out,
        "package m\n\nimport (\n\t\"runtime\"\n\n\t\"golang.org/x/sync/errgroup\"\n)\n\nfunc run(xs []int) {\n\tvar g errgroup.Group\n\tg.SetLimit(runtime.GOMAXPROCS(0))\n\tfor _, x := range xs {\n\t\tg.Go(func() error {\n\t\t\tprintln(x)\n\t\t\treturn nil\n\t\t})\n\t}\n\t_ = g.Wait()\n}\n"
    );
    // No checksum of the module zip in go.sum: the semaphore instead.
    let sum_mod_only =
        "golang.org/x/sync v0.10.0/go.mod h1:Czt+wKu1gCyEFDUtn0jG5QVvpJ6rzVqr5aXyt9drQfk=\n";
    assert!(with_module(XSYNC_MOD, Some(sum_mod_only), src).contains("sem <- struct{}{}"));
    // A pseudo-version from before SetLimit.
    let old =
        "module m\n\ngo 1.22\n\nrequire golang.org/x/sync v0.0.0-20220601150217-0de741cfad7f\n";
    let old_sum = "golang.org/x/sync v0.0.0-20220601150217-0de741cfad7f h1:x\n";
    assert!(with_module(old, Some(old_sum), src).contains("sem <- struct{}{}"));
    // The WaitGroup is used elsewhere too.
    let shared = src.replace("\twg.Wait()\n}", "\twg.Wait()\n\twg.Add(0)\n}");
    assert!(with_module(XSYNC_MOD, Some(XSYNC_SUM), &shared).contains("sem <- struct{}{}"));
    // The sync import stays when another sync type remains.
    let mutex = src.replace("func run", "var mu sync.Mutex\n\nfunc run");
    let out = with_module(XSYNC_MOD, Some(XSYNC_SUM), &mutex);
    assert!(
        out.contains("\t\"sync\"\n") && out.contains("g.Go(func() error {"),
        "{out}"
    );
}

#[test]
fn set_limit_versions() {
    assert!(has_set_limit("v0.1.0"));
    assert!(has_set_limit("v0.10.0"));
    assert!(has_set_limit("v0.1.1-0.20230101000000-abcdefabcdef"));
    assert!(!has_set_limit("v0.0.0-20220722155255-886fb9371eb4"));
}

#[test]
fn semaphore_names_avoid_collisions() {
    let src = "package m\n\nimport \"sync\"\n\nfunc run(xs []int, sem int) {\n\truntime := sem\n\t_ = runtime\n\tvar wg sync.WaitGroup\n\tfor _, x := range xs {\n\t\twg.Add(1)\n\t\tgo func(x int) {\n\t\t\tdefer wg.Done()\n\t\t\tprintln(x)\n\t\t}(x)\n\t}\n\twg.Wait()\n}\n";
    let out = fixed("1.22", src);
    assert!(
        out.contains("sem2 := make(chan struct{}, goruntime.GOMAXPROCS(0))"),
        "{out}"
    );
    assert!(out.contains("goruntime \"runtime\""), "{out}");
}
