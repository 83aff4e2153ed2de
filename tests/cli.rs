//! The command line end to end: exit codes, bad input (one line per file, the run goes on, exit 2, nothing
//! written to that file), byte-exact preservation of line endings, BOM and permissions, suppression,
//! discovery rules, and a closed stdout.

mod common;
use common::{BIN, error_lines, gofix as run, module};
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

/// A loop whose empty default R6.1 removes.
const SPIN: &str = "package m\n\nfunc f(a chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tdefault:\n\t\t}\n\t}\n}\n";
const SPIN_FIXED: &str =
    "package m\n\nfunc f(a chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\t}\n\t}\n}\n";

#[test]
fn exit_codes_follow_the_contract() {
    let clean = module(&[("ok.go", b"package m\n")]);
    assert_eq!(run(clean.path(), &["."]).2, 0);
    let dirty = module(&[("x.go", SPIN.as_bytes())]);
    let (out, _, code) = run(dirty.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "x.go:7:3: R6.1 [*] empty `default` turns this for/select into a busy loop\n"
    );
    assert_eq!(run(dirty.path(), &["--dry-run", "."]).2, 1);
    assert_eq!(run(dirty.path(), &["--write", "."]).2, 0);
    assert_eq!(
        std::fs::read_to_string(dirty.path().join("x.go")).unwrap(),
        SPIN_FIXED
    );
    assert_eq!(
        run(dirty.path(), &["--dry-run", "."]),
        (String::new(), run(dirty.path(), &["--dry-run", "."]).1, 0)
    );
    assert_eq!(run(dirty.path(), &["--select", "nope", "."]).2, 2);
    assert_eq!(run(dirty.path(), &["--dry-run", "--write", "."]).2, 2);
}

#[test]
fn bad_input_is_one_line_per_file_and_the_run_goes_on() {
    let big = vec![b' '; 50 * 1024 * 1024];
    let dir = module(&[
        ("good.go", SPIN.as_bytes()),
        (
            "syntax.go",
            b"package m\n\nfunc f( {\n\tselect { default: }\n}\n",
        ),
        ("latin1.go", b"package m\n\n// caf\xe9\nvar x = 1\n"),
        ("nul.go", b"package m\n\x00\n"),
        ("huge.go", &big),
    ]);
    std::fs::create_dir(dir.path().join("dir.go")).unwrap();
    std::os::unix::fs::symlink("missing-target.go", dir.path().join("dangling.go")).unwrap();
    std::fs::create_dir(dir.path().join("loop")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("loop/up")).unwrap();
    let before: Vec<(String, Vec<u8>)> = ["syntax.go", "latin1.go", "nul.go"]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(dir.path().join(n)).unwrap()))
        .collect();

    let (_, stderr, code) = run(dir.path(), &["--write", "."]);
    assert_eq!(code, 2, "{stderr}");
    let errors = error_lines(&stderr);
    let expect = [
        ("syntax.go:", "syntax error"),
        ("latin1.go:", "not valid UTF-8"),
        ("nul.go:", "NUL"),
        ("huge.go:", "too large"),
        ("dir.go:", "is a directory"),
        ("dangling.go:", "no such file"),
    ];
    // A link loop is not followed and is no error (tests/walk_tree.rs).
    assert!(!stderr.contains("loop/up"), "{stderr}");
    for (file, what) in expect {
        let hits: Vec<_> = errors
            .iter()
            .filter(|l| l.starts_with(file) && l.contains(what))
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "want one `{what}` line for {file} in:\n{stderr}"
        );
    }
    // The good file was still fixed; the bad ones are byte-identical.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("good.go")).unwrap(),
        SPIN_FIXED
    );
    for (n, b) in before {
        assert_eq!(
            std::fs::read(dir.path().join(&n)).unwrap(),
            b,
            "{n} changed"
        );
    }
    assert!(!stderr.contains("panicked"));
}

#[test]
fn crlf_and_bom_survive_byte_for_byte() {
    let crlf = format!("\u{feff}{}", SPIN.replace('\n', "\r\n"));
    let dir = module(&[("x.go", crlf.as_bytes())]);
    assert_eq!(run(dir.path(), &["--write", "."]).2, 0);
    let want = format!("\u{feff}{}", SPIN_FIXED.replace('\n', "\r\n"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("x.go")).unwrap(),
        want
    );
}

#[test]
fn permissions_are_kept_and_read_only_files_left_alone() {
    let dir = module(&[
        ("x.go", SPIN.as_bytes()),
        ("ro.go", SPIN.replace("func f", "func g").as_bytes()),
    ]);
    let x = dir.path().join("x.go");
    std::fs::set_permissions(&x, std::fs::Permissions::from_mode(0o751)).unwrap();
    let ro = dir.path().join("ro.go");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let (_, stderr, code) = run(dir.path(), &["--write", "."]);
    assert_eq!(code, 2);
    assert_eq!(
        std::fs::metadata(&x).unwrap().permissions().mode() & 0o777,
        0o751
    );
    assert_eq!(std::fs::read_to_string(&x).unwrap(), SPIN_FIXED);
    assert_eq!(
        error_lines(&stderr),
        vec!["ro.go: error: is read-only; left alone"]
    );
    assert!(std::fs::read_to_string(&ro).unwrap().contains("default:"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".gofixrt-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn a_file_changed_since_it_was_read_is_left_alone() {
    let dir = module(&[("x.go", SPIN.as_bytes())]);
    let path = dir.path().join("x.go");
    let change = gofix_rt::run::engine::FileChange {
        path: path.clone(),
        display: "x.go".into(),
        original: Some(SPIN.as_bytes().to_vec()),
        new: SPIN_FIXED.as_bytes().to_vec(),
    };
    std::fs::write(&path, format!("{SPIN}// edited meanwhile\n")).unwrap();
    let err = gofix_rt::output::emit::write::write_one(&change).unwrap_err();
    assert!(err.contains("changed since it was read"), "{err}");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .ends_with("// edited meanwhile\n")
    );
}

#[test]
fn symlinked_files_are_read_but_never_written_through() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("shared.go");
    std::fs::write(&target, SPIN).unwrap();
    let dir = module::<&[u8]>(&[]);
    std::os::unix::fs::symlink(&target, dir.path().join("link.go")).unwrap();
    let (_, stderr, code) = run(dir.path(), &["--write", "."]);
    assert_eq!(code, 2);
    assert_eq!(
        error_lines(&stderr),
        vec!["link.go: error: is a symbolic link; not writing through it"]
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), SPIN);
}

#[test]
fn suppression_generated_files_and_discovery_rules() {
    let suppressed = SPIN.replace(
        "\t\tdefault:\n",
        "\t\t//gofixrt:ignore R6.1 measured: spinning wins here\n\t\tdefault:\n",
    );
    let generated = format!("// Code generated by stringer. DO NOT EDIT.\n\n{SPIN}");
    let dir = module(&[
        ("a.go", suppressed.as_bytes()),
        ("gen.go", generated.replace("func f", "func g").as_bytes()),
        ("vendor/v/v.go", SPIN.as_bytes()),
        ("testdata/t.go", SPIN.as_bytes()),
        ("_skip/s.go", SPIN.as_bytes()),
        ("ignored/i.go", SPIN.as_bytes()),
        (".gitignore", b"ignored/\n"),
    ]);
    let (out, _, code) = run(dir.path(), &["."]);
    assert_eq!((out.as_str(), code), ("", 0));
    // Explicit file arguments are always read.
    let (out, _, _) = run(dir.path(), &["testdata/t.go"]);
    assert!(out.starts_with("testdata/t.go:7:3: R6.1"), "{out}");
    let (out, _, _) = run(dir.path(), &["--ignore-suppressions", "a.go"]);
    assert!(out.starts_with("a.go:8:3: R6.1"), "{out}");
}

#[test]
fn closed_stdout_exits_quietly() {
    // Enough diff text (megabytes) to outlast any pipe buffer.
    let many: String = (0..50)
        .map(|k| SPIN["package m\n".len()..].replace("func f", &format!("func f{k}")))
        .collect();
    let files: Vec<(String, String)> = (0..200)
        .map(|i| {
            (
                format!("f{i}.go"),
                format!(
                    "package m\n{}",
                    many.replace("func f", &format!("func g{i}_"))
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_bytes()))
        .collect();
    let dir = module(&refs);
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .args(["--dry-run", "."])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn list_and_explain() {
    let dir = module::<&[u8]>(&[]);
    let (out, _, code) = run(dir.path(), &["list"]);
    assert_eq!(code, 0);
    assert!(out.contains("| R6.1 | busy-select-default |"));
    let (out, _, code) = run(dir.path(), &["explain", "busy-select-default"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("# busy-select-default (R6.1)\n"));
    let (_, err, code) = run(dir.path(), &["explain", "R99"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown transform `R99`"));
}

#[test]
fn unknown_and_unused_suppressions_are_reported() {
    let src = "package m\n\n//gofixrt:ignore R6.1 nothing to suppress here\nfunc f() {}\n\n//gofixrt:ignore R42 typo\nfunc g() {}\n";
    let dir = module(&[("x.go", src.as_bytes())]);
    let (out, _, code) = run(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "x.go:3:1: SUP unused suppression: R6.1 reports nothing here\nx.go:6:1: SUP suppression names unknown transform `R42` (see `gofix-rt list`)\n"
    );
    // A directive for a transform that was not selected is not judged.
    let (out, _, _) = run(dir.path(), &["--select", "R6.1", "--ignore", "R6.1", "."]);
    assert!(!out.contains("unused"), "{out}");
}

#[test]
fn preview_rules_run_only_on_request() {
    let src = "package m\n\nimport \"os\"\n\nfunc sizes(paths []string) (n int64) {\n\tfor _, p := range paths {\n\t\tf, err := os.Open(p)\n\t\tif err != nil {\n\t\t\tcontinue\n\t\t}\n\t\tdefer f.Close()\n\t\tst, _ := f.Stat()\n\t\tn += st.Size()\n\t}\n\treturn n\n}\n";
    let dir = module(&[("x.go", src.as_bytes())]);
    let (out, _, code) = run(dir.path(), &["."]);
    assert_eq!(
        (out.as_str(), code),
        ("", 0),
        "a preview rule ran by default"
    );
    let (out, _, _) = run(dir.path(), &["--preview", "."]);
    assert!(out.contains(": R7.1 "), "{out}");
    let (out, _, _) = run(dir.path(), &["--select", "R7.1", "."]);
    assert!(out.contains(": R7.1 "), "{out}");
    let (list, _, _) = run(dir.path(), &["list"]);
    assert!(
        list.contains("| R7.1 | defer-in-loop | detect-only (preview) |"),
        "{list}"
    );
}
