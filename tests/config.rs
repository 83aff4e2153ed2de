//! gofix-rt.toml end to end: discovery from a subdirectory up to the repository root (nearest wins),
//! `--config`, `--isolated`, one-line errors for bad keys and codes, per-file ignores, excludes, the
//! command line over the file, `gofix-rt config`; and the option, selection and `explain` checks of the
//! command line that share the same registry facts.

mod common;
use common::gofix as run;
use std::path::Path;

const GOMOD: &str = "module example.com/warm\n\ngo 1.22\n";
/// R3a (a lone `Gosched`, Safe) and R3b (a `GC` call) in one function.
const PRIME: &str = "package cache\n\nimport \"runtime\"\n\n// Prime fills the cache before traffic arrives.\nfunc Prime(keys []string) int {\n\tn := len(keys)\n\truntime.Gosched()\n\truntime.GC()\n\treturn n\n}\n";

/// A repository root (a `.git` directory is all discovery looks for) holding a module with `files`.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, body) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    dir
}

/// The codes reported on stdout, in order.
fn codes(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.split(": ").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(String::from)
        .collect()
}

/// Asserts a run failed with exit 2 and exactly one line on stderr, and returns that line.
fn one_line_error(dir: &Path, args: &[&str]) -> String {
    let (out, err, code) = run(dir, args);
    assert_eq!(code, 2, "stdout: {out}\nstderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn settings_at_the_module_root_apply_to_a_run_in_a_subdirectory() {
    let dir = tree(&[
        ("svc/go.mod", GOMOD),
        ("svc/gofix-rt.toml", "ignore = [\"R3b\"]\n"),
        ("svc/internal/cache/prime.go", PRIME),
    ]);
    let sub = dir.path().join("svc/internal/cache");
    let (out, err, code) = run(&sub, &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(codes(&out), ["R3a"], "{out}");
    // The same run without the file sees both rules.
    let (out, _, _) = run(&sub, &["--isolated"]);
    assert_eq!(codes(&out), ["R3a", "R3b"], "{out}");
    // The hidden name is found the same way.
    std::fs::rename(
        dir.path().join("svc/gofix-rt.toml"),
        dir.path().join("svc/.gofix-rt.toml"),
    )
    .unwrap();
    let (out, _, _) = run(&sub, &["."]);
    assert_eq!(codes(&out), ["R3a"], "{out}");
}

#[test]
fn the_nearest_file_wins_and_discovery_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().unwrap();
    // Outside the repository: never read.
    std::fs::write(outer.path().join("gofix-rt.toml"), "select = [\"R1\"]\n").unwrap();
    let repo = outer.path().join("repo");
    for (name, body) in [
        (".git/HEAD", ""),
        ("go.mod", GOMOD),
        ("cache/prime.go", PRIME),
        ("jobs/prime.go", PRIME),
        ("jobs/gofix-rt.toml", "ignore = [\"R3a\"]\n"),
    ] {
        let p = repo.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    let (out, _, _) = run(&repo.join("cache"), &[]);
    assert_eq!(
        codes(&out),
        ["R3a", "R3b"],
        "the outer file is not read: {out}"
    );
    let (out, _, _) = run(&repo.join("jobs"), &[]);
    assert_eq!(codes(&out), ["R3b"], "{out}");
    // Two paths under two different files: one run has one set of settings.
    let err = one_line_error(&repo, &["cache", "jobs"]);
    assert!(err.contains("--config"), "{err}");
}

#[test]
fn a_bad_key_or_code_is_a_one_line_error_naming_the_file_and_the_key() {
    let cases = [
        ("selct = [\"R2\"]\n", "`selct`"),
        ("select = [\"R99\"]\n", "`select`"),
        ("ignore = \"R2\"\n", "`ignore`"),
        ("preview = \"yes\"\n", "`preview`"),
        ("go-version = \"one\"\n", "`go-version`"),
        ("[options]\nR2.nope = true\n", "R2.nope"),
        ("[options]\nR99.x = 1\n", "R99.x"),
        (
            "[per-file-ignores]\n\"*_test.go\" = [\"R77\"]\n",
            "*_test.go",
        ),
        ("select = [\"R2\"\n", ":1:"),
    ];
    for (text, key) in cases {
        let dir = tree(&[
            ("go.mod", GOMOD),
            ("gofix-rt.toml", text),
            ("prime.go", PRIME),
        ]);
        let err = one_line_error(dir.path(), &[]);
        assert!(err.contains("gofix-rt.toml"), "{text}: {err}");
        assert!(err.contains(key), "{text}: want {key} in {err}");
    }
}

#[test]
fn per_file_ignores_exempt_matching_files_from_reports_and_fixes() {
    let dir = tree(&[
        ("go.mod", GOMOD),
        (
            "gofix-rt.toml",
            "[per-file-ignores]\n\"legacy/\" = [\"R3\"]\n\"*_gen.go\" = [\"R3a\"]\n",
        ),
        ("legacy/prime.go", PRIME),
        ("cache/prime.go", PRIME),
        ("cache/warm_gen.go", &PRIME.replace("Prime(", "Warm(")),
    ]);
    let (out, err, _) = run(dir.path(), &["--unsafe-fixes"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        !out.contains("legacy/"),
        "R3 prefix covers R3a and R3b: {out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("cache/prime.go") && l.contains("R3a"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("cache/warm_gen.go") && l.contains("R3b"))
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("cache/warm_gen.go") && l.contains("R3a")),
        "{out}{err}"
    );
    let (_, err, code) = run(dir.path(), &["--write", "--unsafe-fixes"]);
    assert_eq!(code, 0, "{err}");
    let legacy = std::fs::read_to_string(dir.path().join("legacy/prime.go")).unwrap();
    assert_eq!(legacy, PRIME, "an ignored file is never edited");
    let fixed = std::fs::read_to_string(dir.path().join("cache/prime.go")).unwrap();
    assert!(
        !fixed.contains("Gosched") && !fixed.contains("GC()"),
        "{fixed}"
    );
}

#[test]
fn exclude_skips_paths_but_a_file_named_on_the_command_line_is_read() {
    let dir = tree(&[
        ("go.mod", GOMOD),
        ("gofix-rt.toml", "exclude = [\"third_party/\"]\n"),
        ("third_party/x/prime.go", PRIME),
        ("cache/prime.go", PRIME),
    ]);
    let (out, _, _) = run(dir.path(), &[]);
    assert!(
        out.contains("cache/prime.go") && !out.contains("third_party"),
        "{out}"
    );
    let (out, _, _) = run(dir.path(), &["third_party/x/prime.go"]);
    assert!(out.contains("third_party/x/prime.go"), "{out}");
    // --exclude adds to the file's list.
    let (out, _, code) = run(dir.path(), &["--exclude", "cache"]);
    assert_eq!((out.as_str(), code), ("", 0));
}

#[test]
fn the_command_line_overrides_the_file() {
    let dir = tree(&[
        ("go.mod", GOMOD),
        (
            "gofix-rt.toml",
            "select = [\"R3b\"]\nignore = [\"R3a\"]\ngo-version = \"1.21\"\nunsafe-fixes = true\n[options]\nR4.main = true\nR2.sync-timers = true\n",
        ),
        ("prime.go", PRIME),
    ]);
    let (out, _, _) = run(dir.path(), &[]);
    assert_eq!(codes(&out), ["R3b"], "{out}");
    // --select replaces the file's select and ignore.
    let (out, _, _) = run(dir.path(), &["--select", "R3a"]);
    assert_eq!(codes(&out), ["R3a"], "{out}");
    // --ignore adds to them.
    let (out, _, code) = run(dir.path(), &["--ignore", "R3b"]);
    assert_eq!((out.as_str(), code), ("", 0));
    let (shown, err, code) = run(
        dir.path(),
        &[
            "--show-settings",
            "--go-version",
            "1.24",
            "--opt",
            "r4.main=false",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(shown.contains("go-version = \"1.24\""), "{shown}");
    assert!(shown.contains("\"R4.main\" = \"false\""), "{shown}");
    assert!(!shown.contains("\"R4.main\" = \"true\""), "{shown}");
    assert!(shown.contains("\"R2.sync-timers\" = \"true\""), "{shown}");
    assert!(shown.contains("unsafe-fixes = true"), "{shown}");
}

#[test]
fn config_prints_the_resolved_settings_and_the_file_they_come_from() {
    let dir = tree(&[
        ("go.mod", GOMOD),
        ("gofix-rt.toml", "select = [\"R7\"]\npreview = true\n"),
        ("cache/prime.go", PRIME),
        ("other.toml", "select = [\"R3a\"]\n"),
    ]);
    let (out, err, code) = run(&dir.path().join("cache"), &["config"]);
    assert_eq!(code, 0, "{err}");
    let file = out.lines().next().unwrap();
    assert!(
        file.starts_with("# config file: /") && file.ends_with("/gofix-rt.toml"),
        "{out}"
    );
    let select = out.lines().find(|l| l.starts_with("select = ")).unwrap();
    // A prefix with preview: every R7 rule, preview ones included.
    assert_eq!(select.matches("\"R7.").count(), 15, "{select}");
    let (out, _, _) = run(dir.path(), &["config", "--config", "other.toml"]);
    assert!(out.contains("select = [\"R3a\"]"), "{out}");
    let (out, _, _) = run(dir.path(), &["config", "--isolated"]);
    assert!(out.contains("# config file: none"), "{out}");
}

#[test]
fn a_prefix_selects_the_stable_rules_of_its_family_unless_preview() {
    let dir = tree(&[("go.mod", GOMOD)]);
    let select = |args: &[&str]| {
        let (out, err, code) = run(dir.path(), args);
        assert_eq!(code, 0, "{err}");
        out.lines()
            .find(|l| l.starts_with("select = "))
            .unwrap()
            .to_string()
    };
    let stable = select(&["--select", "R7", "--show-settings"]);
    assert!(
        stable.contains("\"R7.3\"") && !stable.contains("\"R7.1\""),
        "{stable}"
    );
    assert!(!stable.contains("\"R2\""), "{stable}");
    let all = select(&["--select", "R7", "--preview", "--show-settings"]);
    assert_eq!(all.matches("\"R7.").count(), 15, "{all}");
    // A rule named exactly always runs.
    assert_eq!(
        select(&["--select", "R7.1", "--show-settings"]),
        "select = [\"R7.1\"]"
    );
    let err = one_line_error(dir.path(), &["--select", "R77"]);
    assert!(err.contains("R77"), "{err}");
}

#[test]
fn opt_with_an_unknown_code_or_key_is_an_error() {
    let dir = tree(&[("go.mod", GOMOD), ("prime.go", PRIME)]);
    let err = one_line_error(dir.path(), &["--opt", "R2.nope=1"]);
    assert!(err.contains("nope") && err.contains("sync-timers"), "{err}");
    let err = one_line_error(dir.path(), &["--opt", "R99.x=1"]);
    assert!(err.contains("R99"), "{err}");
    let err = one_line_error(dir.path(), &["--opt", "R3a.x=1"]);
    assert!(err.contains("has no options"), "{err}");
    let (_, err, code) = run(
        dir.path(),
        &["--opt", "time-after-in-loop.sync-timers=true"],
    );
    assert_eq!(code, 1, "a known key by rule name is accepted: {err}");
}

#[test]
fn explain_covers_sup_and_lists_each_rules_option_keys() {
    let dir = tree(&[]);
    let (out, err, code) = run(dir.path(), &["explain", "SUP"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("## What it does"), "{out}");
    let (out, _, _) = run(dir.path(), &["explain", "R2"]);
    assert!(out.contains("`R2.sync-timers`"), "{out}");
    // Every `--opt CODE.key` a rule's doc mentions is a key it declares, and every declared key is
    // documented: the list on Meta and the prose cannot drift apart.
    for t in gofix_rt::catalog::registry::all() {
        let doc = gofix_rt::catalog::docs::doc(t);
        let prefix = format!("--opt {}.", t.meta.code);
        for (at, _) in doc.match_indices(&prefix) {
            let key: String = doc[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            assert!(
                t.meta.options.iter().any(|(k, _)| *k == key),
                "{} documents --opt {}.{key} but does not declare it",
                t.meta.code,
                t.meta.code
            );
        }
        for (k, _) in t.meta.options {
            assert!(
                doc.contains(&format!("{}.{k}", t.meta.code)),
                "{} declares {k} without documenting it",
                t.meta.code
            );
        }
    }
}

#[test]
fn pr_body_into_a_missing_directory_fails_before_any_branch_is_made() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), GOMOD).unwrap();
    std::fs::write(dir.path().join("prime.go"), PRIME).unwrap();
    common::commit_all(dir.path());
    let repo = git2::Repository::open(dir.path()).unwrap();
    let err = one_line_error(
        dir.path(),
        &["--branch", "tidy", "--pr-body", "no/such/dir/pr.md"],
    );
    assert!(err.contains("no/such/dir"), "{err}");
    assert!(
        repo.find_branch("tidy", git2::BranchType::Local).is_err(),
        "no branch was made"
    );
}

#[test]
fn options_tables_and_a_sup_per_file_ignore_are_read() {
    let stale = "package cache\n\n//gofixrt:ignore R3b nothing to hide here\nfunc Size() int { return 1 }\n";
    let dir = tree(&[
        ("go.mod", GOMOD),
        (
            "gofix-rt.toml",
            "[options.R4]\nmain = true\n[per-file-ignores]\n\"old/\" = [\"SUP\"]\n",
        ),
        ("old/size.go", stale),
        ("cache/size.go", stale),
    ]);
    let (out, _, _) = run(dir.path(), &[]);
    assert_eq!(codes(&out), ["SUP"], "only the file outside old/: {out}");
    assert!(out.starts_with("cache/size.go"), "{out}");
    let (shown, _, _) = run(dir.path(), &["config"]);
    assert!(shown.contains("\"R4.main\" = \"true\""), "{shown}");
}
