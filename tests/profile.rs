//! Profile-guided mode on real CPU profiles written by the Go toolchain during the test run: a module with
//! a hot and a cold copy of one behind-a-profile finding (R7.2, a 64 KiB buffer made per call) and of one
//! always-ship finding (R2, `time.After` in a select loop), profiled by `go test -cpuprofile`. Skipped
//! without `go` unless GOFIXRT_REQUIRE_GO=1.

mod common;
use common::{copy_dir, git, go_available, gofix_cmd, output};
use gofix_rt::semantic::profile::Profile;
use gofix_rt::testing::{parse_txtar, write_tree};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    cpu: PathBuf,
    heap: PathBuf,
    /// A profile of the `cmd/api` main package's own test.
    api: PathBuf,
}

/// `go test -count=1 -run TEST -cpuprofile=CPU [extra] PKG` in `root`.
fn profile_test(root: &Path, test: &str, cpu: &Path, extra: &[String], pkg: &str) {
    let out = Command::new("go")
        .current_dir(root)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .args(["test", "-count=1", "-run", test])
        .arg(format!("-cpuprofile={}", cpu.display()))
        .args(extra)
        .arg(pkg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go test: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What the tests below read in the load profile, checked on the profile itself: the hot copies have
/// samples and more than the cold ones, the hot buffer is past `--min-hot 5` and the cold one is not,
/// and the allocation and select signatures lead to the hot functions. The load runs for a fixed CPU
/// time, so a draw without these is rare; it is made again rather than read as a failure.
fn missing_facts(p: &Profile, dir: &Path) -> Vec<String> {
    let heat = |f: &str| p.heat(f, dir, None).cum;
    let mut missing = vec![];
    if heat(HOT_SUM) <= heat(COLD_SUM) || heat(HOT_DRAIN) <= heat(COLD_DRAIN) {
        missing.push("hot above cold".to_string());
    }
    if heat(HOT_SUM) < 5.0 || heat(COLD_SUM) >= 5.0 {
        missing.push("HotSum at 5% or more and ColdSum below".into());
    }
    if heat(HOT_DRAIN).min(heat(HOT_SUM)) <= heat(COLD_DRAIN).max(heat(COLD_SUM)) {
        missing.push("both hot functions above both cold ones".into());
    }
    for (sig, func) in [
        ("runtime.selectgo", HOT_DRAIN),
        ("runtime.mallocgc", HOT_SUM),
    ] {
        let through = p
            .signatures
            .iter()
            .any(|s| s.label == sig && s.sites.iter().any(|site| site.function == func));
        if !through {
            missing.push(format!("{sig} reached from {func}"));
        }
    }
    missing
}

/// The module, and its CPU and heap profiles, made once for all tests of this file.
fn fixture() -> Option<&'static Fixture> {
    static F: OnceLock<Option<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        if !go_available() {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("m");
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/profile-hotcold.txtar"),
        )
        .unwrap();
        write_tree(&root, &parse_txtar(&text).unwrap().files);
        let cpu = dir.path().join("cpu.pprof");
        let heap = dir.path().join("heap.pprof");
        let mem = vec![format!("-memprofile={}", heap.display())];
        let mut missing = vec![];
        for attempt in 1..=3 {
            profile_test(&root, "TestLoad", &cpu, &mem, "./work");
            let p = Profile::load(&cpu).unwrap();
            missing = missing_facts(&p, &root.join("work"));
            if missing.is_empty() {
                break;
            }
            eprintln!(
                "profile attempt {attempt}: {} samples, missing {missing:?}",
                p.sample_count
            );
        }
        assert!(
            missing.is_empty(),
            "three CPU-time-bound load runs gave no profile with {missing:?}"
        );
        let api = dir.path().join("api.pprof");
        profile_test(&root, "TestDigestLoad", &api, &[], "./cmd/api");
        Some(Fixture {
            _dir: dir,
            root,
            cpu,
            heap,
            api,
        })
    })
    .as_ref()
}

fn run(root: &Path, args: &[&str]) -> (String, String, i32) {
    output(
        gofix_cmd(root)
            .args(["--select", "R7.2,R2"])
            .args(args)
            .arg("."),
    )
}

/// `(code, function)` of each text finding line, in order.
fn findings(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .map(|l| {
            let code = l.split(": ").nth(1).unwrap().split(' ').next().unwrap();
            let func = l.rsplit(" in ").next().unwrap().trim_end_matches(')');
            (code.to_string(), func.to_string())
        })
        .collect()
}

const HOT_SUM: &str = "example.com/hotcold/work.HotSum";
const COLD_SUM: &str = "example.com/hotcold/work.ColdSum";
const HOT_DRAIN: &str = "example.com/hotcold/work.HotDrain";
const COLD_DRAIN: &str = "example.com/hotcold/work.ColdDrain";

#[test]
fn decoder_reads_the_toolchains_profile_gzipped_and_raw() {
    let Some(f) = fixture() else { return };
    let p = Profile::load(&f.cpu).unwrap();
    assert_eq!(p.value_type, "cpu");
    assert!(p.total > 0 && p.sample_count > 0);
    let dir = f.root.join("work");
    let hot = p.heat(HOT_SUM, &dir, None);
    let cold = p.heat(COLD_SUM, &dir, None);
    assert!(hot.cum > cold.cum, "{hot:?} vs {cold:?}");
    assert!(p.heat(HOT_DRAIN, &dir, None).cum > p.heat(COLD_DRAIN, &dir, None).cum);
    // The test function is on every stack of the load: its cumulative share is large, its flat small.
    let test = p.heat("example.com/hotcold/work.TestLoad", &dir, None);
    assert!(test.cum >= hot.cum && test.flat <= test.cum);
    assert!(p.signatures.iter().any(|s| s.label == "runtime.mallocgc"));
    // The same profile, uncompressed, gives the same numbers.
    let mut raw = vec![];
    flate2::read::GzDecoder::new(&std::fs::read(&f.cpu).unwrap()[..])
        .read_to_end(&mut raw)
        .unwrap();
    let q = Profile::from_bytes(Path::new("raw.pb"), raw).unwrap();
    assert_eq!((q.total, q.sample_count), (p.total, p.sample_count));
    assert_eq!(q.heat(HOT_SUM, &dir, None), hot);
}

#[test]
fn bad_truncated_and_heap_profiles_are_one_line_errors_naming_the_file() {
    let Some(f) = fixture() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&f.cpu).unwrap();
    let mut raw = vec![];
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_end(&mut raw)
        .unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("cut.pprof", bytes[..bytes.len() / 2].to_vec(), "gzipped"),
        (
            "cut-raw.pb",
            raw[..raw.len() - 7].to_vec(),
            "not a valid pprof",
        ),
        (
            "garbage.pprof",
            b"\x0f\xff\xff\xff not a profile".to_vec(),
            "not a valid pprof",
        ),
        (
            "heap.pprof",
            std::fs::read(&f.heap).unwrap(),
            "not a CPU profile",
        ),
    ];
    for (name, body, want) in cases {
        let path = dir.path().join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(&body)
            .unwrap();
        let (out, err, code) = run(&f.root, &["--profile", path.to_str().unwrap()]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(out.is_empty(), "{name}: {out}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(name) && err.contains(want), "{name}: {err}");
    }
    let (_, err, code) = run(&f.root, &["--profile", "/nonexistent/cpu.pprof"]);
    assert!(code == 2 && err.contains("/nonexistent/cpu.pprof"), "{err}");
}

#[test]
fn hot_findings_rank_first_and_carry_their_shares() {
    let Some(f) = fixture() else { return };
    let (out, err, code) = run(&f.root, &["--profile", f.cpu.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let got = findings(&out);
    assert_eq!(got.len(), 4, "{out}");
    let first_two: Vec<&str> = got[..2].iter().map(|(_, f)| f.as_str()).collect();
    assert!(
        first_two.contains(&HOT_SUM) && first_two.contains(&HOT_DRAIN),
        "{out}"
    );
    let last_two: Vec<&str> = got[2..].iter().map(|(_, f)| f.as_str()).collect();
    assert!(
        last_two.contains(&COLD_SUM) && last_two.contains(&COLD_DRAIN),
        "{out}"
    );
    assert!(
        out.lines()
            .all(|l| l.contains("(cum ") && l.contains("%, flat ")),
        "{out}"
    );
    // The signature summary on stderr ties the allocation and select costs to the hot findings.
    assert!(
        err.contains("runtime.selectgo") && err.contains("→ R2 at work/work.go:"),
        "{err}"
    );
    assert!(
        err.contains("runtime.mallocgc") && err.contains("R7.2 at work/work.go:"),
        "{err}"
    );
}

#[test]
fn min_hot_keeps_the_hot_buffer_and_both_time_after_loops() {
    let Some(f) = fixture() else { return };
    let (out, err, _) = run(
        &f.root,
        &["--profile", f.cpu.to_str().unwrap(), "--min-hot", "5"],
    );
    let mut got = findings(&out);
    got.sort();
    let want = [("R2", COLD_DRAIN), ("R2", HOT_DRAIN), ("R7.2", HOT_SUM)];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(c, f)| (c.to_string(), f.to_string()))
        .collect();
    assert_eq!(got, want, "{out}{err}");
    // Fixes of always-ship rules are not gated either: both loops are rewritten.
    let (diff, _, _) = run(
        &f.root,
        &[
            "--profile",
            f.cpu.to_str().unwrap(),
            "--min-hot",
            "5",
            "--dry-run",
        ],
    );
    assert_eq!(diff.matches("time.NewTimer").count(), 2, "{diff}");
}

#[test]
fn json_and_sarif_carry_the_shares_and_the_summary() {
    let Some(f) = fixture() else { return };
    let cpu = f.cpu.to_str().unwrap();
    let (out, _, _) = run(&f.root, &["--profile", cpu, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &doc["findings"][0]["profile"];
    assert!(first["cum"].as_f64().unwrap() > 0.0, "{first}");
    assert!(
        first["function"]
            .as_str()
            .unwrap()
            .starts_with("example.com/hotcold/work.Hot")
    );
    let sigs = doc["profile"]["signatures"].as_array().unwrap();
    assert!(
        sigs.iter().any(|s| s["signature"] == "runtime.selectgo"
            && s["call_sites"][0]["finding"]["code"] == "R2")
    );
    assert_eq!(doc["profile"]["sample_type"], "cpu");
    let (out, _, _) = run(&f.root, &["--profile", cpu, "--format", "sarif"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let props = &doc["runs"][0]["results"][0]["properties"];
    assert!(props["profileCum"].as_f64().unwrap() > 0.0, "{props}");
    assert!(props["profileFunction"].is_string());
}

#[test]
fn min_hot_without_a_profile_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (_, err, code) = run(dir.path(), &["--min-hot", "5"]);
    assert_eq!(code, 2);
    assert!(err.contains("--min-hot needs --profile"), "{err}");
}

fn run_r9(root: &Path, args: &[&str]) -> (String, String, i32) {
    // The capture commands are past the message's first sentence.
    output(
        gofix_cmd(root)
            .args(["--select", "R9", "--show-reason"])
            .args(args)
            .arg("."),
    )
}

#[test]
fn pgo_rule_copies_a_profile_of_the_main_package_to_default_pgo() {
    let Some(f) = fixture() else { return };
    // Without a profile, or with one that has no samples in the main package: the advisory only.
    for args in [vec![], vec!["--profile", f.cpu.to_str().unwrap()]] {
        let (out, err, _) = run_r9(&f.root, &args);
        assert!(
            out.contains("cmd/api/main.go:1:1: R9 ") && out.contains("curl -o cmd/api/default.pgo"),
            "{out}{err}"
        );
        assert!(!out.contains("[*]"), "{out}");
    }
    let api = f.api.to_str().unwrap();
    let (out, _, _) = run_r9(&f.root, &["--profile", api]);
    assert!(
        out.contains("R9 [*]") && out.contains("represents production load"),
        "{out}"
    );
    assert!(out.contains("in main)"), "the package's share: {out}");
    // --dry-run prints a git binary patch that `git apply` turns into the profile's exact bytes.
    let (diff, _, _) = run_r9(&f.root, &["--profile", api, "--dry-run"]);
    assert!(
        diff.contains("new file mode 100644") && diff.contains("GIT binary patch"),
        "{diff}"
    );
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&f.root, tmp.path());
    let patch = tmp.path().join("pgo.patch");
    std::fs::write(&patch, &diff).unwrap();
    let st = Command::new("git")
        .current_dir(tmp.path())
        .args(["apply", "--unsafe-paths"])
        .arg(&patch)
        .status()
        .unwrap();
    assert!(st.success(), "git apply refused:\n{diff}");
    let want = std::fs::read(&f.api).unwrap();
    assert_eq!(
        std::fs::read(tmp.path().join("cmd/api/default.pgo")).unwrap(),
        want
    );
    // --write makes the same file; the second run has nothing left to do.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&f.root, tmp.path());
    let (_, err, _) = run_r9(tmp.path(), &["--profile", api, "--write"]);
    assert_eq!(
        std::fs::read(tmp.path().join("cmd/api/default.pgo")).unwrap(),
        want,
        "{err}"
    );
    let (out, _, code) = run_r9(tmp.path(), &["--profile", api]);
    assert!(out.is_empty() && code == 0, "{out}");
}

#[test]
fn the_pr_body_shows_shares_and_the_signature_summary() {
    let Some(f) = fixture() else { return };
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&f.root, tmp.path());
    let git = |args: &[&str]| git(tmp.path(), args);
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "init"]);
    let pr = tmp.path().join("pr.md");
    let (_, err, _) = run(
        tmp.path(),
        &[
            "--profile",
            f.cpu.to_str().unwrap(),
            "--branch",
            "gofix",
            "--pr-body",
            pr.to_str().unwrap(),
        ],
    );
    let body = std::fs::read_to_string(&pr).unwrap_or_else(|e| panic!("{e}: {err}"));
    assert!(
        body.contains("## Profile") && body.contains("runtime.selectgo"),
        "{body}"
    );
    // R7.2 is detect-only: its findings stay in the "not fixed" table, with their shares.
    assert!(body.contains(&format!("in {HOT_SUM})")), "{body}");
    // The fixed R2 sites are in the profile table, hottest first.
    let table: Vec<&str> = body
        .lines()
        .filter(|l| l.starts_with("| `work/work.go:") && l.ends_with("% |"))
        .collect();
    assert_eq!(table.len(), 4, "{body}");
    assert!(table[..2].iter().any(|l| l.contains(HOT_DRAIN)), "{body}");
    assert!(table[2..].iter().any(|l| l.contains(COLD_DRAIN)), "{body}");
}

#[test]
fn computed_names_are_the_ones_the_toolchain_writes() {
    if !go_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/profile-names.txtar"),
    )
    .unwrap();
    write_tree(dir.path(), &parse_txtar(&text).unwrap().files);
    let cpu = dir.path().join("names.pprof");
    // No inlining, so every closure keeps a frame of its own.
    let out = Command::new("go")
        .current_dir(dir.path())
        .env("GOTOOLCHAIN", "local")
        .args(["test", "-count=1", "-gcflags=all=-l", "-run", "TestAll"])
        .arg(format!("-cpuprofile={}", cpu.display()))
        .arg("./lib")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = Profile::load(&cpu).unwrap();
    let src = std::fs::read_to_string(dir.path().join("lib/lib.go")).unwrap();
    let tree = gofix_rt::read::syntax::parse(&src);
    let mut names = vec![];
    for (at, _) in src.match_indices("/*X*/") {
        let node = tree.root_node().descendant_for_byte_range(at, at).unwrap();
        let name =
            gofix_rt::semantic::profile::names::function_name(node, &src, "example.com/pn/lib")
                .unwrap();
        let heat = p.heat(&name, &dir.path().join("lib"), None);
        assert!(heat.cum > 0.0, "{name} is not in the profile");
        names.push(name);
    }
    assert_eq!(names.len(), 12, "{names:?}");
}
