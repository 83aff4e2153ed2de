use super::TRANSFORM;
use crate::run::settings::Mode;
use crate::testing::{changed_text, check_detect_only_go, check_no_fix_go, run_tree};

const HEAD: &str = "package m\n\nimport (\n\t\"log\"\n\t\"os\"\n)\n\nvar cfg []byte\n\nfunc init() {\n\tvar err error\n\tcfg, err = os.ReadFile(\"c\")\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n";

/// Runs R4 with unsafe fixes over `files` (plus a go 1.22 go.mod); returns the findings' messages and
/// the new text of each file.
fn run(files: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    let mut all = vec![("go.mod", "module example.com/m\n\ngo 1.22\n")];
    all.extend_from_slice(files);
    let (_dir, out) = run_tree(&TRANSFORM, &all, Mode::DryRun, true, &[]);
    let (_dir2, report) = run_tree(&TRANSFORM, &all, Mode::Check, true, &[]);
    let msgs = report
        .findings
        .iter()
        .map(|(_, f)| f.message.clone())
        .collect();
    let texts = files
        .iter()
        .map(|(n, t)| changed_text(&out, n, t))
        .collect();
    (msgs, texts)
}

#[test]
fn query_compiles() {
    tree_sitter::Query::new(&crate::read::syntax::language(), super::QUERY).unwrap();
}

#[test]
fn locals_parameters_and_nested_func_types_resolve() {
    let src = format!(
        "{HEAD}\nfunc Size() int {{ return len(cfg) }}\n\nfunc parse(cfg []byte) int {{ return len(cfg) }}\n\nfunc local() int {{\n\tcfg := []byte(\"x\")\n\treturn len(cfg)\n}}\n\nfunc cb(f func(cfg int)) int {{ return len(cfg) }}\n\nfunc sw(k int, ch chan []byte) int {{\n\tswitch k {{\n\tcase 1:\n\t\tcfg := \"one\"\n\t\treturn len(cfg)\n\t}}\n\tselect {{\n\tcase cfg := <-ch:\n\t\treturn len(cfg)\n\tdefault:\n\t}}\n\tif cfg := 2; k > 0 {{\n\t\treturn cfg\n\t}}\n\tfor cfg := range 3 {{\n\t\t_ = cfg\n\t}}\n\treturn 0\n}}\n"
    );
    let (msgs, texts) = run(&[("x.go", &src)]);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    let t = &texts[0];
    assert!(t.contains("func Size() int { return len(cfg()) }"), "{t}");
    assert!(
        t.contains("func parse(cfg []byte) int { return len(cfg) }"),
        "{t}"
    );
    assert!(t.contains("\treturn len(cfg)\n"), "{t}");
    assert!(
        t.contains("func cb(f func(cfg int)) int { return len(cfg()) }"),
        "{t}"
    );
    assert_eq!(t.matches("cfg()").count(), 2, "{t}");
    assert!(
        t.contains("var cfg = sync.OnceValue(func() []byte {\n\tv, err := os.ReadFile(\"c\")"),
        "{t}"
    );
}

#[test]
fn writes_keys_and_addresses_block_the_rule() {
    let (msgs, _) = run(&[(
        "x.go",
        &format!("{HEAD}\nfunc Size() int {{ return len(cfg) }}\n"),
    )]);
    assert_eq!(msgs.len(), 1, "the base case fires");
    let embed = HEAD.replace("var cfg []byte", "//go:embed c.txt\nvar cfg []byte");
    check_detect_only_go(
        &TRANSFORM,
        "1.22",
        &format!("{embed}\nfunc Size() int {{ return len(cfg) }}\n"),
    );
    for tail in [
        "func F() { cfg = nil }\n",
        "func F() { cfg[0] = 1 }\n",
        "func F() *[]byte { return &cfg }\n",
        "type S struct{ cfg int }\n\nfunc F() S { _ = cfg; return S{cfg: 1} }\n",
        "func F(ch chan []byte) {\n\tselect {\n\tcase cfg = <-ch:\n\t}\n}\n",
        "var n = len(cfg)\n",
        "var n = count()\n\nfunc count() int { return len(cfg) }\n",
        "func init() { setup() }\n\nfunc setup() { println(len(cfg)) }\n",
        "func init() { println(len(cfg)) }\n",
    ] {
        let read = "func Size() int { return len(cfg) }\n";
        check_detect_only_go(&TRANSFORM, "1.22", &format!("{HEAD}\n{read}\n{tail}"));
    }
}

#[test]
fn struct_values_allow_only_value_methods_of_the_package() {
    let base = "package m\n\nimport (\n\t\"log\"\n\t\"os\"\n\t\"sync\"\n)\n\ntype conf struct {\n\tmu   sync.Mutex\n\tdata []byte\n}\n\nvar cfg conf\n\nfunc init() {\n\tvar err error\n\tcfg, err = load()\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n\nfunc load() (conf, error) {\n\tb, err := os.ReadFile(\"c\")\n\treturn conf{data: b}, err\n}\n\n";
    check_detect_only_go(
        &TRANSFORM,
        "1.22",
        &format!(
            "{base}func (c *conf) Len() int {{ return len(c.data) }}\n\nfunc F() int {{ return cfg.Len() }}\n"
        ),
    );
    check_detect_only_go(
        &TRANSFORM,
        "1.22",
        &format!("{base}func F() {{ cfg.mu.Lock() }}\n"),
    );
    let (msgs, texts) = run(&[(
        "x.go",
        &format!(
            "{base}func (c conf) Len() int {{ return len(c.data) }}\n\nfunc F() int {{ return cfg.Len() + len(cfg.data) }}\n"
        ),
    )]);
    assert_eq!(msgs.len(), 1);
    assert!(
        texts[0].contains("return cfg().Len() + len(cfg().data)"),
        "{}",
        texts[0]
    );
}

#[test]
fn the_load_must_not_reach_the_variable() {
    let src = "package m\n\nimport \"os\"\n\nvar cfg []byte\n\nfunc init() {\n\tcfg = load()\n}\n\nfunc load() []byte {\n\tb, _ := os.ReadFile(\"c\")\n\treturn merge(b)\n}\n\nfunc merge(b []byte) []byte { return append(b, cfg...) }\n\nfunc F() int { return len(cfg) }\n";
    check_detect_only_go(&TRANSFORM, "1.22", src);
}

#[test]
fn different_build_constraints_block_the_rule() {
    let var_file = "package m\n\nvar cfg []byte\n\nfunc F() int { return len(cfg) }\n";
    let init_file =
        "package m\n\nimport \"os\"\n\nfunc init() {\n\tcfg, _ = os.ReadFile(\"c\")\n}\n";
    let init_file = init_file.replace(
        "cfg, _ = os.ReadFile(\"c\")",
        "cfg = must(os.ReadFile(\"c\"))",
    ) + "\nfunc must(b []byte, err error) []byte { return b }\n";
    // Reported (the I/O is still at import time), but not rewritten.
    let (msgs, texts) = run(&[("a.go", var_file), ("b_linux.go", &init_file)]);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(texts[0], var_file);
    let (msgs, texts) = run(&[("a.go", var_file), ("b.go", &init_file)]);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(
        texts[0],
        "package m\n\nfunc F() int { return len(cfg()) }\n"
    );
}

#[test]
fn type_packages_follow_the_declaration() {
    let var_file = "package m\n\nimport \"database/sql\"\n\nvar db *sql.DB\n\nfunc F() error { return db.Ping() }\n";
    let init_file =
        "package m\n\nimport \"os\"\n\nfunc init() {\n\tdb = open(os.ReadFile(\"/run/dsn\"))\n}\n";
    let helper = "package m\n\nimport \"database/sql\"\n\nfunc open(dsn []byte, err error) *sql.DB {\n\tdb, _ := sql.Open(\"pg\", string(dsn))\n\treturn db\n}\n";
    let (msgs, texts) = run(&[("a.go", var_file), ("b.go", init_file), ("c.go", helper)]);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(
        texts[0],
        "package m\n\nfunc F() error { return db().Ping() }\n"
    );
    assert!(
        texts[1].contains("import (\n\t\"database/sql\"\n\t\"os\"\n\t\"sync\"\n)"),
        "{}",
        texts[1]
    );
    assert!(
        texts[1].contains(
            "var db = sync.OnceValue(func() *sql.DB {\n\treturn open(os.ReadFile(\"/run/dsn\"))\n})"
        ),
        "{}",
        texts[1]
    );
}

#[test]
fn comments_in_init_and_aligned_uses_keep_the_report_without_fix() {
    let src = "package m\n\nimport \"os\"\n\nvar cfg []byte\n\nfunc init() {\n\t// the config is small\n\tcfg = must(os.ReadFile(\"c\"))\n}\n\nfunc must(b []byte, err error) []byte { return b }\n\nfunc F() int { return len(cfg) }\n";
    let msgs = check_detect_only_go(&TRANSFORM, "1.22", src);
    assert!(msgs[0].contains("No automatic fix"), "{msgs:?}");
    let src = "package m\n\nimport \"os\"\n\nvar cfg []byte\n\nfunc init() {\n\tcfg = must(os.ReadFile(\"c\"))\n}\n\nfunc must(b []byte, err error) []byte { return b }\n\nfunc F() []any {\n\treturn []any{\n\t\tcfg, // config\n\t\t1,   // one\n\t}\n}\n";
    let msgs = check_detect_only_go(&TRANSFORM, "1.22", src);
    assert!(msgs[0].contains("No automatic fix"), "{msgs:?}");
}

#[test]
fn once_fallback_reindents_multi_line_code() {
    let src = "package m\n\nimport (\n\t\"log\"\n\t\"os\"\n)\n\nvar cfg []byte\n\nfunc init() {\n\tvar err error\n\tcfg, err = os.ReadFile(\n\t\t\"c\",\n\t)\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n\nfunc F() int { return len(cfg) }\n";
    let want = "package m\n\nimport (\n\t\"log\"\n\t\"os\"\n\t\"sync\"\n)\n\nvar cfgOnce sync.Once\nvar cfgVal []byte\n\nfunc cfg() []byte {\n\tcfgOnce.Do(func() {\n\t\tvar err error\n\t\tcfgVal, err = os.ReadFile(\n\t\t\t\"c\",\n\t\t)\n\t\tif err != nil {\n\t\t\tlog.Fatal(err)\n\t\t}\n\t})\n\treturn cfgVal\n}\n\nfunc F() int { return len(cfg()) }\n";
    let (fixed, _) = crate::testing::run_one(&TRANSFORM, "1.20", src, true);
    assert_eq!(fixed, want);
}

#[test]
fn grouped_specs_leave_the_group_when_alignment_holds() {
    let init = "func init() {\n\tvar err error\n\tcfg, err = os.ReadFile(\"c\")\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n\nfunc F() int { return len(cfg) }\n";
    let head = "package m\n\nimport (\n\t\"log\"\n\t\"os\"\n)\n\n";
    let src = format!(
        "{head}var (\n\tstarted bool\n\n\t// cfg is the raw config.\n\tcfg []byte\n)\n\n{init}"
    );
    let (fixed, _) = crate::testing::run_one(&TRANSFORM, "1.22", &src, true);
    assert!(
        fixed.contains(
            "var (\n\tstarted bool\n)\n\n// cfg is the raw config.\nvar cfg = sync.OnceValue("
        ),
        "{fixed}"
    );
    let src = format!("{head}var (\n\ta   int\n\tcfg []byte\n)\n\n{init}");
    let msgs = check_detect_only_go(&TRANSFORM, "1.22", &src);
    assert!(msgs[0].contains("re-align"), "{msgs:?}");
    let src = format!("{head}var (\n\tstarted bool\n\tcfg     []byte\n)\n\n{init}");
    let (fixed, _) = crate::testing::run_one(&TRANSFORM, "1.22", &src, true);
    assert!(
        fixed.contains("var (\n\tstarted bool\n)\n\nvar cfg = sync.OnceValue("),
        "{fixed}"
    );
}

#[test]
fn pure_table_does_not_fire() {
    check_no_fix_go(
        &TRANSFORM,
        "1.22",
        "package m\n\nvar table []int\n\nfunc init() {\n\ttable = build()\n}\n\nfunc build() []int { return []int{1} }\n\nfunc F() int { return table[0] }\n",
    );
}

#[test]
fn shape_one_below_121_is_reported_without_fix() {
    let msgs = check_detect_only_go(
        &TRANSFORM,
        "1.20",
        "package m\n\nimport \"os\"\n\nvar host string\n\nfunc init() {\n\thost = must(os.Hostname())\n}\n\nfunc must(s string, err error) string { return s }\n\nfunc F() string { return host }\n",
    );
    assert!(msgs[0].contains("Go 1.20"), "{msgs:?}");
}
