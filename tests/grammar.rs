//! The grammar against the language: every file of GOROOT/src outside testdata, and our own files using
//! every Go 1.26 construct (tests/data/go126, a module the go tool builds and vets), parse with no ERROR
//! or MISSING node. A file we cannot parse fails the test unless `gofmt -e` rejects it too.
//! (corpus/run.sh does the same for the modules of corpus/modules.txt.)

use gofix_rt::read::syntax;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn require_go() -> bool {
    std::env::var_os("GOFIXRT_REQUIRE_GO").is_some_and(|v| v == "1")
}

fn goroot() -> Option<PathBuf> {
    let out = Command::new("go").args(["env", "GOROOT"]).output().ok()?;
    let root = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !root.is_empty()).then(|| PathBuf::from(root))
}

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            if e.file_name() != "testdata" {
                go_files(&path, out);
            }
        } else if t.is_file() && path.extension().is_some_and(|x| x == "go") {
            out.push(path);
        }
    }
}

/// "line:col kind" of the first ERROR or MISSING node, or None when the text parses cleanly.
fn parse_error(text: &str) -> Option<String> {
    let tree = syntax::parse(text);
    syntax::first_error(&tree).map(|n| {
        let p = n.start_position();
        let what = if n.is_missing() {
            format!("missing {}", n.kind())
        } else {
            "ERROR".to_string()
        };
        format!("{}:{} {what}", p.row + 1, p.column + 1)
    })
}

/// Does gofmt accept the file (it parses it and prints no error)?
fn gofmt_accepts(path: &Path) -> bool {
    Command::new("gofmt")
        .arg("-e")
        .arg("-l")
        .arg(path)
        .output()
        .is_ok_and(|o| o.status.success() && o.stderr.is_empty())
}

#[test]
fn every_goroot_file_outside_testdata_parses() {
    let Some(root) = goroot() else {
        assert!(
            !require_go(),
            "GOFIXRT_REQUIRE_GO=1 but `go env GOROOT` failed"
        );
        eprintln!("go not found: GOROOT parse check skipped");
        return;
    };
    let mut files = vec![];
    go_files(&root.join("src"), &mut files);
    assert!(
        files.len() > 5000,
        "GOROOT/src has {} .go files",
        files.len()
    );
    let failed: Vec<(PathBuf, String)> = files
        .par_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            let text = String::from_utf8_lossy(&bytes);
            parse_error(&text).map(|e| (p.clone(), e))
        })
        .collect();
    // Only a file the go tool accepts is our failure.
    let ours: Vec<String> = failed
        .iter()
        .filter(|(p, _)| gofmt_accepts(p))
        .map(|(p, e)| format!("{}:{e}", p.display()))
        .collect();
    eprintln!(
        "{} files, {} with a parse error, {} of them accepted by gofmt",
        files.len(),
        failed.len(),
        ours.len()
    );
    assert!(
        ours.is_empty(),
        "{} GOROOT files gofmt accepts do not parse:\n{}",
        ours.len(),
        ours.join("\n")
    );
}

fn syntax_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/go126")
}

#[test]
fn our_go126_syntax_files_parse_build_and_vet() {
    let mut files = vec![];
    go_files(&syntax_dir(), &mut files);
    assert!(files.len() >= 2);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert_eq!(parse_error(&text), None, "{}", f.display());
    }
    if Command::new("go").arg("version").output().is_err() {
        assert!(!require_go(), "GOFIXRT_REQUIRE_GO=1 but go is not on PATH");
        return;
    }
    // The files are real Go 1.26: the go tool builds and vets them, and gofmt leaves them alone.
    let vet = Command::new("go")
        .args(["vet", "./..."])
        .current_dir(syntax_dir())
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .output()
        .unwrap();
    assert!(
        vet.status.success(),
        "go vet: {}",
        String::from_utf8_lossy(&vet.stderr)
    );
    let fmt = Command::new("gofmt")
        .arg("-l")
        .arg(syntax_dir())
        .output()
        .unwrap();
    assert!(fmt.status.success() && fmt.stdout.is_empty(), "gofmt -l");
}

/// The kinds of one call's argument nodes, e.g. `new(5 * time.Minute)` → ["binary_expression"].
fn new_argument_kinds(expr: &str) -> Vec<String> {
    let src = format!("package p\n\nvar v = {expr}\n");
    let tree = syntax::parse(&src);
    assert_eq!(parse_error(&src), None, "{expr}");
    let mut kinds = None;
    syntax::walk(tree.root_node(), &mut |n| {
        if kinds.is_none() && n.kind() == "call_expression" {
            let f = n.child_by_field_name("function").unwrap();
            assert_eq!(f.kind(), "identifier", "{expr}");
            let args = n.child_by_field_name("arguments").unwrap();
            assert_eq!(args.kind(), "argument_list", "{expr}");
            let mut c = args.walk();
            kinds = Some(
                args.named_children(&mut c)
                    .map(|a| a.kind().to_string())
                    .collect(),
            );
        }
    });
    kinds.expect("a call")
}

#[test]
fn new_takes_a_type_or_an_expression_with_the_usual_node_kinds() {
    // A type argument reads as before (queries match `new(T)` on type nodes)...
    for (expr, kind) in [
        ("new(int)", "type_identifier"),
        ("new(bytes.Buffer)", "qualified_type"),
        ("new([]byte)", "slice_type"),
        ("new(map[string]int)", "map_type"),
        ("new(Box[int])", "generic_type"),
        ("new(*T)", "pointer_type"),
        ("new(struct{ a int })", "struct_type"),
        ("new(chan int)", "channel_type"),
        ("new(func())", "function_type"),
    ] {
        assert_eq!(new_argument_kinds(expr), [kind], "{expr}");
    }
    // ...and an expression argument is an ordinary expression node (what reads as a type stays one).
    for (expr, kind) in [
        ("new(5 * time.Minute)", "binary_expression"),
        ("new(\"localhost\")", "interpreted_string_literal"),
        ("new(int64(500))", "call_expression"),
        ("new(obj.GetNamespace())", "call_expression"),
        ("new(42)", "int_literal"),
        ("new(-n)", "unary_expression"),
        ("new(true)", "true"),
        ("new([]int{1, 2})", "composite_literal"),
        ("new(T{A: 1})", "composite_literal"),
        ("new(cfg.ports.Main)", "selector_expression"),
        ("new(xs[0])", "index_expression"),
        ("new(<-ch)", "unary_expression"),
        ("new(v.(int))", "type_assertion_expression"),
        ("new((n))", "parenthesized_type"),
        ("new((n + 1))", "parenthesized_expression"),
    ] {
        assert_eq!(new_argument_kinds(expr), [kind], "{expr}");
    }
    // make keeps its type-first argument list.
    assert_eq!(
        new_argument_kinds("make([]int, n, 2*n)"),
        ["slice_type", "identifier", "binary_expression"]
    );
}
