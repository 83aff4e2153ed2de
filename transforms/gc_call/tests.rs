use super::purpose::{names_purpose, words};
use super::*;
use crate::testing::{check_detect_only_go, check_fix, check_no_fix, run_one};

#[test]
fn doc_example_round_trips() {
    let doc = crate::catalog::docs::doc(&TRANSFORM);
    let before = crate::catalog::docs::go_block(&doc, "## Example").expect("example");
    let after = crate::catalog::docs::go_block(&doc, "## Use instead").expect("use instead");
    check_fix(&TRANSFORM, &before, &after);
}

const HTTP: &str = "package m\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n\t\"runtime\"\n)\n\n";
const HTTP_NO_RT: &str = "package m\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\n";

#[test]
fn handler_is_safe() {
    let body = "\tdata := load(r.URL.Path)\n\tfmt.Fprint(w, data)\n";
    check_fix(
        &TRANSFORM,
        &format!(
            "{HTTP}func load(p string) string {{ return p }}\n\nfunc serve(w http.ResponseWriter, r *http.Request) {{\n{body}\truntime.GC()\n}}\n"
        ),
        &format!(
            "{HTTP_NO_RT}func load(p string) string {{ return p }}\n\nfunc serve(w http.ResponseWriter, r *http.Request) {{\n{body}}}\n"
        ),
    );
    // A literal handler and `defer runtime.GC()`.
    check_fix(
        &TRANSFORM,
        &format!(
            "{HTTP}func load(p string) string {{ return p }}\n\nvar h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {{\n\tdefer runtime.GC()\n{body}}})\n"
        ),
        &format!(
            "{HTTP_NO_RT}func load(p string) string {{ return p }}\n\nvar h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {{\n{body}}})\n"
        ),
    );
}

#[test]
fn framework_handlers_are_recognised_by_their_imports() {
    let gin = "package m\n\nimport (\n\t\"runtime\"\n\n\t\"github.com/gin-gonic/gin\"\n)\n\nfunc list(c *gin.Context) {\n\titems := load(c.Query(\"q\"))\n\tc.JSON(200, items)\n\truntime.GC()\n}\n\nfunc load(q string) []string { return []string{q} }\n";
    check_fix(
        &TRANSFORM,
        gin,
        &gin.replace("\t\"runtime\"\n\n", "")
            .replace("\truntime.GC()\n", ""),
    );
    let echo = "package m\n\nimport (\n\t\"runtime\"\n\n\t\"github.com/labstack/echo/v4\"\n)\n\nfunc list(c echo.Context) error {\n\titems := []string{c.QueryParam(\"q\")}\n\truntime.GC()\n\treturn c.JSON(200, items)\n}\n";
    check_fix(
        &TRANSFORM,
        echo,
        &echo
            .replace("\t\"runtime\"\n\n", "")
            .replace("\truntime.GC()\n", ""),
    );
    // A look-alike `Context` from another package is not a handler: Unsafe only.
    let other = "package m\n\nimport (\n\t\"context\"\n\t\"runtime\"\n)\n\nfunc list(c context.Context) error {\n\t_ = c.Err()\n\truntime.GC()\n\treturn nil\n}\n";
    let (safe_only, out) = run_one(&TRANSFORM, "1.22", other, false);
    assert_eq!(safe_only, other);
    assert_eq!(out.findings.len(), 1);
}

#[test]
fn elsewhere_is_unsafe() {
    let src = "package m\n\nimport \"runtime\"\n\nfunc rebuild(shards []string, build func(string)) {\n\tfor _, s := range shards {\n\t\tbuild(s)\n\t\truntime.GC()\n\t}\n}\n";
    let (safe_only, out) = run_one(&TRANSFORM, "1.22", src, false);
    assert_eq!(safe_only, src);
    assert_eq!(out.findings.len(), 1);
    let (fixed, _) = run_one(&TRANSFORM, "1.22", src, true);
    assert_eq!(
        fixed,
        "package m\n\nfunc rebuild(shards []string, build func(string)) {\n\tfor _, s := range shards {\n\t\tbuild(s)\n\t}\n}\n"
    );
}

#[test]
fn never_in_tests_or_before_profiles() {
    check_no_fix(
        &TRANSFORM,
        "package m\n\nimport (\n\t\"runtime\"\n\t\"testing\"\n)\n\nfunc BenchmarkX(b *testing.B) {\n\tb.Log()\n\truntime.GC()\n}\n",
    );
    check_no_fix(
        &TRANSFORM,
        "package m\n\nimport (\n\t\"os\"\n\t\"runtime\"\n\t\"runtime/pprof\"\n)\n\nfunc dump(f *os.File) error {\n\tf.Sync()\n\truntime.GC()\n\treturn pprof.WriteHeapProfile(f)\n}\n",
    );
    check_no_fix(
        &TRANSFORM,
        "package m\n\nimport (\n\t\"io\"\n\t\"runtime\"\n\t\"runtime/pprof\"\n)\n\nfunc dump(w io.Writer) error {\n\tprintln()\n\truntime.GC()\n\treturn write(w)\n}\n\nfunc write(w io.Writer) error {\n\treturn pprof.Lookup(\"allocs\").WriteTo(w, 0)\n}\n",
    );
    check_no_fix(
        &TRANSFORM,
        "package m\n\nimport \"runtime\"\n\nfunc heap() uint64 {\n\tvar m runtime.MemStats\n\truntime.GC()\n\truntime.ReadMemStats(&m)\n\treturn m.HeapAlloc\n}\n",
    );
}

#[test]
fn purposeful_calls_are_left_alone() {
    let admin = format!(
        "{HTTP}func handleGC(w http.ResponseWriter, r *http.Request) {{\n\tx := 1\n\truntime.GC()\n\tfmt.Fprint(w, x)\n}}\n"
    );
    check_no_fix(&TRANSFORM, &admin);
    let respond = format!(
        "{HTTP}func handle(w http.ResponseWriter, r *http.Request) {{\n\tif r.Method != http.MethodPost {{\n\t\thttp.Error(w, \"POST only\", http.StatusMethodNotAllowed)\n\t\treturn\n\t}}\n\truntime.GC()\n\tw.WriteHeader(http.StatusNoContent)\n\tfmt.Fprintln(w, \"ok\")\n}}\n"
    );
    check_no_fix(&TRANSFORM, &respond);
    let route = format!(
        "{HTTP}func routes(mux *http.ServeMux, n int) {{\n\tmux.HandleFunc(\"/debug/collect\", func(w http.ResponseWriter, r *http.Request) {{\n\t\tx := n * 2\n\t\truntime.GC()\n\t\tfmt.Fprint(w, x)\n\t}})\n}}\n"
    );
    check_no_fix(&TRANSFORM, &route);
    let named = "package m\n\nimport \"runtime\"\n\nfunc releaseMemory(cache map[string][]byte) {\n\tclear(cache)\n\truntime.GC()\n}\n";
    check_no_fix(&TRANSFORM, named);
    let signals = "package m\n\nimport (\n\t\"os\"\n\t\"os/signal\"\n\t\"runtime\"\n\t\"syscall\"\n)\n\nfunc watch() {\n\tc := make(chan os.Signal, 1)\n\tsignal.Notify(c, syscall.SIGUSR1)\n\tgo func() {\n\t\tfor range c {\n\t\t\truntime.GC()\n\t\t}\n\t}()\n}\n";
    check_no_fix(&TRANSFORM, signals);
}

#[test]
fn report_only_cases() {
    let redundant = "package m\n\nimport (\n\t\"runtime\"\n\t\"runtime/debug\"\n)\n\nfunc shrink(cache map[string][]byte) {\n\tclear(cache)\n\truntime.GC()\n\tdebug.FreeOSMemory()\n}\n";
    let msgs = check_detect_only_go(&TRANSFORM, "1.22", redundant);
    assert!(msgs[0].starts_with("redundant forced GC"), "{msgs:?}");
    let periodic = "package m\n\nimport (\n\t\"log\"\n\t\"runtime\"\n\t\"time\"\n)\n\nfunc background() {\n\tfor {\n\t\ttime.Sleep(time.Minute)\n\t\tlog.Print(\"collecting\")\n\t\truntime.GC()\n\t}\n}\n";
    let msgs = check_detect_only_go(&TRANSFORM, "1.22", periodic);
    assert!(msgs[0].starts_with("periodic forced GC"), "{msgs:?}");
    let ticker = "package m\n\nimport (\n\t\"context\"\n\t\"runtime\"\n\t\"time\"\n)\n\nfunc background(ctx context.Context) {\n\tt := time.NewTicker(time.Minute)\n\tdefer t.Stop()\n\tfor {\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-t.C:\n\t\t\truntime.GC()\n\t\t}\n\t}\n}\n";
    let msgs = check_detect_only_go(&TRANSFORM, "1.22", ticker);
    assert!(msgs[0].starts_with("periodic forced GC"), "{msgs:?}");
    let pool = "package m\n\nimport (\n\t\"runtime\"\n\t\"sync\"\n)\n\nvar bufs = sync.Pool{New: func() any { return new([]byte) }}\n\nfunc work(f func()) {\n\tf()\n\truntime.GC()\n}\n";
    check_detect_only_go(&TRANSFORM, "1.22", pool);
    assert!(withheld(pool).contains("sync.Pool (x.go:8)"));
    let only = "package m\n\nimport \"runtime\"\n\nfunc settle() {\n\truntime.GC()\n}\n";
    check_detect_only_go(&TRANSFORM, "1.22", only);
    assert!(withheld(only).contains("only statement of its function"));
    let blocked = "package m\n\nimport \"runtime\"\n\nfunc step(big bool, f func()) {\n\tif big {\n\t\truntime.GC()\n\t} else {\n\t\tf()\n\t}\n\tf()\n}\n";
    check_detect_only_go(&TRANSFORM, "1.22", blocked);
    assert!(withheld(blocked).contains("beside an `else`"));
    assert!(withheld(redundant).contains("one cycle instead of two"));
    assert!(withheld(periodic).contains("only waiting"));
}

fn withheld(src: &str) -> String {
    let found = crate::testing::findings(&TRANSFORM, "1.22", src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].fix.is_none());
    found[0].withheld.clone().expect("a withheld reason")
}

#[test]
fn a_helper_taking_the_writer_is_the_handler_s_work() {
    // Owner's decision "R3b on request paths": `serve(w, r)` does not make this a GC endpoint.
    let src = format!(
        "{HTTP}func serve(w http.ResponseWriter, r *http.Request) {{\n\tfmt.Fprint(w, r.URL.Path)\n}}\n\nfunc handle(w http.ResponseWriter, r *http.Request) {{\n\tserve(w, r)\n\truntime.GC()\n}}\n"
    );
    let (fixed, out) = run_one(&TRANSFORM, "1.22", &src, false);
    assert!(!fixed.contains("runtime.GC()"), "{:?}", out.findings);
}

#[test]
fn a_threshold_collector_loop_is_its_design() {
    let src = "package m\n\nimport (\n\t\"runtime\"\n\t\"time\"\n)\n\nfunc watch(limit uint64) {\n\tt := time.NewTicker(time.Second)\n\tfor range t.C {\n\t\tvar ms runtime.MemStats\n\t\truntime.ReadMemStats(&ms)\n\t\tif ms.HeapAlloc > limit {\n\t\t\truntime.GC()\n\t\t}\n\t}\n}\n";
    check_no_fix(&TRANSFORM, src);
}

#[test]
fn if_shapes_follow_section_3_4() {
    let src = "package m\n\nimport \"runtime\"\n\nfunc step(n int, f func()) {\n\tf()\n\tif n > 1000 {\n\t\truntime.GC()\n\t}\n}\n";
    let (fixed, _) = run_one(&TRANSFORM, "1.22", src, true);
    assert_eq!(
        fixed,
        "package m\n\nfunc step(n int, f func()) {\n\tf()\n}\n"
    );
}

#[test]
fn word_splitting() {
    assert_eq!(words("handleGCNow"), ["handle", "gc", "now"]);
    assert_eq!(
        words("/debug/free-os-memory"),
        ["debug", "free", "os", "memory"]
    );
    assert!(names_purpose("forcegc", false));
    assert!(names_purpose("freeOSMemory", false));
    assert!(!names_purpose("handleReport", true));
    assert!(!names_purpose("rebuild", false));
}
