//! The fix ledger: a fix run records each applied fix (rule, file, pass, applicability), and `--branch`
//! reads it instead of asking the engine again, so its runs are counted here.

mod common;
use common::{GOMOD, commit_all, gofix_cmd, output, tree};
use gofix_rt::rules::fix::Applicability;
use gofix_rt::run::engine;
use gofix_rt::run::round::Round;
use gofix_rt::run::settings::{Mode, Settings};
use gofix_rt::run::withheld::Withheld;

/// R3a (safe) and R5 (unsafe: automaxprocs for a main that blocks forever) in main.go, R6.1 (safe) in sub.
const MAIN: &str = "package main\n\nimport \"runtime\"\n\nfunc main() {\n\truntime.Gosched()\n\tprintln(\"up\")\n\tselect {}\n}\n";
const SPIN: &str = "package sub\n\nfunc F(a chan int) {\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\tdefault:\n\t\t}\n\t}\n}\n";

fn sample() -> tempfile::TempDir {
    tree(&[("go.mod", GOMOD), ("main.go", MAIN), ("sub/x.go", SPIN)])
}

#[test]
fn a_fix_run_records_every_applied_fix_with_its_applicability() {
    let dir = sample();
    let rules = ["R3a", "R5", "R6.1"].map(|c| gofix_rt::catalog::registry::lookup(c).unwrap());
    let mut s = Settings::new(vec![dir.path().to_path_buf()], rules.to_vec(), Mode::DryRun);
    s.threshold = Applicability::Unsafe;
    let out = engine::run(&s);
    let mut got: Vec<(&str, String, usize, Applicability)> = out
        .ledger
        .iter()
        .map(|a| {
            let name = a.file.rsplit('/').next().unwrap().to_string();
            (a.code, name, a.pass, a.applicability)
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("R3a", "main.go".into(), 0, Applicability::Safe),
            ("R5", "main.go".into(), 0, Applicability::Unsafe),
            ("R6.1", "x.go".into(), 0, Applicability::Safe),
        ]
    );
    // The ledger and the counts agree.
    let total: usize = out.applied.values().sum();
    assert_eq!(out.ledger.len(), total);

    // Below the threshold nothing of R5 is applied, so nothing of it is recorded.
    s.threshold = Applicability::Safe;
    let out = engine::run(&s);
    assert!(
        out.ledger.iter().all(|a| a.code != "R5"),
        "{:?}",
        out.ledger
    );
    assert_eq!(out.ledger.len(), 2);
}

/// Three rules change something: one run, which keeps per directory what each prefix of the rules that
/// applied there gives (no cumulative run per rule), and no report-mode run to learn the applicabilities
/// (the ledger has them).
#[test]
fn branch_with_three_rules_runs_the_engine_once() {
    let dir = sample();
    commit_all(dir.path());
    let (_, stderr, code) = output(gofix_cmd(dir.path()).env("GOFIXRT_DEBUG_RUNS", "1").args([
        "--branch",
        "fix",
        "--unsafe-fixes",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let runs = stderr
        .lines()
        .filter(|l| l.starts_with("gofix-rt: engine run"))
        .count();
    assert_eq!(runs, 1, "{stderr}");
}

/// The reason JSON prints is the one the pass loop recorded: a code withheld from a package (as
/// `--verify` withholds it, an input of the run and never of the settings the emitter reads) reads
/// "verify failed"; a fix below the threshold reads "unsafe fixes not enabled".
#[test]
fn json_prints_the_reasons_the_pass_loop_recorded() {
    let dir = sample();
    let rules = ["R3a", "R5"].map(|c| gofix_rt::catalog::registry::lookup(c).unwrap());
    let s = Settings::new(vec![dir.path().to_path_buf()], rules.to_vec(), Mode::DryRun);
    let round = Round {
        withheld: Withheld::new(vec![(dir.path().to_path_buf(), "R3a")]),
        ..Round::default()
    };
    let out = engine::run_round(&s, &round);
    let doc: serde_json::Value =
        serde_json::from_str(&gofix_rt::output::emit::json::render(&out, &s, None)).unwrap();
    let reason = |code: &str| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .map(|f| f["skipped_reason"].clone())
            .unwrap_or_else(|| panic!("no {code} finding in {doc}"))
    };
    assert_eq!(reason("R3a"), "verify failed");
    assert_eq!(reason("R5"), "unsafe fixes not enabled");
    assert!(out.ledger.is_empty(), "{:?}", out.ledger);
}
