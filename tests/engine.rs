//! The fix engine pinned with fake transforms: overlapping fixes wait for the next pass, identical edits
//! coalesce, a fix that breaks parsing is reverted and reported, a fix that never converges hits the pass
//! cap, unsafe fixes need --unsafe-fixes, display-only fixes are never applied.

use gofix_rt::rules::fix::{Applicability, Edit, Fix, FixAvailability, ImportChange, TextRange};
use gofix_rt::rules::transform::{Ctx, Match, Meta, Transform, always};
use gofix_rt::run::engine::{self, RunOutcome};
use gofix_rt::run::settings::{Mode, Settings};

const QUERY: &str = "(call_expression function: (identifier) @f (#eq? @f \"mark\")) @match";

macro_rules! fake {
    ($name:ident, $code:literal, $run:expr) => {
        static $name: Transform = Transform {
            meta: Meta {
                code: $code,
                name: $code,
                summary: "test",
                fix: FixAvailability::Always,
                prefilter: &["mark("],
                calls: &[],
                tier: gofix_rt::rules::transform::Tier::AlwaysShip,
                status: gofix_rt::rules::transform::Status::Stable,
                options: &[],
            },
            source: "//! # test\n",
            query: QUERY,
            run: |cx, m| {
                let run: fn(&mut Ctx<'_>, &Match<'_>) = $run;
                run(cx, m);
                Some(())
            },
            precheck: always,
            other_files: None,
        };
    };
}

/// Replaces `mark(...)` with `done(...)`.
fn rename(cx: &mut Ctx<'_>, m: &Match<'_>, app: Applicability) {
    let f = m.node("f").unwrap();
    let fix = Fix::new("rename", app).edit(cx.file_idx, Edit::replace(TextRange::of(f), "done"));
    cx.report(TextRange::of(m.node("match").unwrap()), "mark call")
        .fix = Some(fix);
}

fake!(SAFE, "T1", |cx, m| rename(cx, m, Applicability::Safe));
fake!(SAFE_TWIN, "T2", |cx, m| rename(cx, m, Applicability::Safe));
fake!(UNSAFE, "T3", |cx, m| rename(cx, m, Applicability::Unsafe));
fake!(DISPLAY, "T4", |cx, m| rename(
    cx,
    m,
    Applicability::DisplayOnly
));
// Replaces the whole call (overlaps T1's edit on the name).
fake!(WHOLE, "T5", |cx, m| {
    let call = m.node("match").unwrap();
    let fix = Fix::safe("whole").edit(cx.file_idx, Edit::replace(TextRange::of(call), "done(2)"));
    cx.report(TextRange::of(call), "whole call").fix = Some(fix);
});
// Produces invalid Go.
fake!(BREAKS, "T6", |cx, m| {
    let call = m.node("match").unwrap();
    let fix = Fix::safe("break").edit(cx.file_idx, Edit::replace(TextRange::of(call), "done(("));
    cx.report(TextRange::of(call), "breaks").fix = Some(fix);
});
// Never converges: appends another mark() call each pass.
fake!(GROWS, "T7", |cx, m| {
    let call = m.node("match").unwrap();
    let fix = Fix::safe("grow").edit(cx.file_idx, Edit::insert(call.end_byte(), "; mark(0)"));
    cx.report(TextRange::of(call), "grows").fix = Some(fix);
});
// Needs an import and drops one.
fake!(IMPORTS, "T8", |cx, m| {
    let call = m.node("match").unwrap();
    let name = cx.import_name(cx.file_idx, "time", "stdtime");
    let fix = Fix::safe("sleep")
        .edit(
            cx.file_idx,
            Edit::replace(TextRange::of(call), format!("{name}.Sleep(0)")),
        )
        .import(
            cx.file_idx,
            ImportChange::Add {
                path: "time".into(),
                name,
            },
        )
        .import(
            cx.file_idx,
            ImportChange::RemoveIfUnused {
                path: "strings".into(),
            },
        );
    cx.report(TextRange::of(call), "sleep").fix = Some(fix);
});

const SRC: &str =
    "package m\n\nfunc mark(int)  {}\nfunc done(int)  {}\n\nfunc f() {\n\tmark(1)\n}\n";

fn run(transforms: Vec<&'static Transform>, src: &str, unsafe_fixes: bool) -> (String, RunOutcome) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module m\n\ngo 1.22\n").unwrap();
    std::fs::write(dir.path().join("x.go"), src).unwrap();
    let mut s = Settings::new(vec![dir.path().to_path_buf()], transforms, Mode::DryRun);
    if unsafe_fixes {
        s.threshold = Applicability::Unsafe;
    }
    let out = engine::run(&s);
    let text = out.changes.first().map_or(src.to_string(), |c| {
        String::from_utf8(c.new.clone()).unwrap()
    });
    (text, out)
}

#[test]
fn identical_edits_coalesce() {
    let (text, out) = run(vec![&SAFE, &SAFE_TWIN], SRC, false);
    assert!(text.contains("\tdone(1)\n"), "{text}");
    assert_eq!(out.applied.values().sum::<usize>(), 2);
}

#[test]
fn overlapping_fix_waits_and_is_then_moot() {
    // T1 renames first (same start, code order); T5's replacement overlaps it and is not applied in pass 1.
    // In pass 2 the call is `done(1)`, which no transform matches any more.
    let (text, out) = run(vec![&SAFE, &WHOLE], SRC, false);
    assert!(text.contains("\tdone(1)\n"), "{text}");
    assert_eq!(out.applied.get("T1"), Some(&1));
    assert_eq!(out.applied.get("T5"), None);
}

#[test]
fn a_fix_that_breaks_parsing_is_reverted_and_reported() {
    let (text, out) = run(vec![&BREAKS], SRC, false);
    assert_eq!(text, SRC);
    assert!(out.changes.is_empty());
    assert_eq!(out.problems.len(), 1);
    assert!(
        out.problems[0].message.contains("T6 produced invalid Go"),
        "{:?}",
        out.problems
    );
    assert_eq!(out.findings.len(), 1, "the finding is still reported");
}

#[test]
fn a_fix_that_never_converges_hits_the_cap() {
    let (_, out) = run(vec![&GROWS], SRC, false);
    assert!(
        out.problems
            .iter()
            .any(|p| p.message.contains("did not converge")),
        "{:?}",
        out.problems
    );
}

#[test]
fn unsafe_needs_the_flag_and_display_only_is_never_applied() {
    let (text, out) = run(vec![&UNSAFE], SRC, false);
    assert_eq!(text, SRC);
    assert_eq!(out.findings[0].1.fix, Some(Applicability::Unsafe));
    let (text, _) = run(vec![&UNSAFE], SRC, true);
    assert!(text.contains("\tdone(1)\n"));
    let (text, out) = run(vec![&DISPLAY], SRC, true);
    assert_eq!(text, SRC);
    assert_eq!(out.findings.len(), 1);
}

#[test]
fn imports_are_planned_with_fresh_names() {
    let src = "package m\n\nimport \"strings\"\n\nvar time = 1\n\nfunc mark(int) {}\n\nfunc f() {\n\tmark(1)\n\tmark(2)\n\t_ = strings.ToUpper\n}\n";
    let (text, _) = run(vec![&IMPORTS], src, false);
    // `time` is taken by a package-level var, so the import gets an alias; both fixes share it; strings stays.
    assert_eq!(
        text,
        "package m\n\nimport (\n\t\"strings\"\n\tstdtime \"time\"\n)\n\nvar time = 1\n\nfunc mark(int) {}\n\nfunc f() {\n\tstdtime.Sleep(0)\n\tstdtime.Sleep(0)\n\t_ = strings.ToUpper\n}\n"
    );
}

#[test]
fn applied_counts_add_up_across_packages_of_one_directory() {
    // `m` and the external test package `m_test` share a directory; both counts must survive.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module m\n\ngo 1.22\n").unwrap();
    std::fs::write(
        dir.path().join("a.go"),
        "package m\n\nfunc f() { mark(1) }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a_test.go"),
        "package m_test\n\nfunc g() { mark(1); mark(2) }\n",
    )
    .unwrap();
    let s = Settings::new(vec![dir.path().to_path_buf()], vec![&SAFE], Mode::DryRun);
    let out = engine::run(&s);
    assert_eq!(out.applied.get("T1"), Some(&3));
    let per_file: Vec<usize> = out.applied_by_file.values().map(|m| m["T1"]).collect();
    assert_eq!(per_file, [1, 2]);
}

#[test]
fn run_files_reads_buffers_over_the_disk_and_fixes_one_finding() {
    use gofix_rt::run::engine::{FixTarget, Sources};
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module m\n\ngo 1.22\n").unwrap();
    let x = dir.path().join("x.go");
    std::fs::write(&x, SRC).unwrap();
    let buffer = SRC.replace("\tmark(1)\n", "\tmark(1)\n\tmark(2)\n");
    let mut sources = Sources::default();
    sources.overlay.insert(x.clone(), buffer.clone());
    // The buffer, not the disk: two findings.
    let s = Settings::new(vec![], vec![&UNSAFE, &IMPORTS], Mode::Check);
    let out = engine::run_files(std::slice::from_ref(&x), &sources, &s);
    let lines: Vec<(&str, usize)> = out.findings.iter().map(|(_, f)| (f.code, f.line)).collect();
    assert_eq!(lines, [("T3", 7), ("T8", 7), ("T3", 8), ("T8", 8)]);
    // One finding's fix, Unsafe and below the Safe threshold: applied alone, once.
    let second = out.findings[2].1.range;
    let mut write = s.clone();
    write.mode = Mode::Write;
    write.transforms = vec![&UNSAFE];
    sources.only = Some(FixTarget {
        path: x.clone(),
        code: "T3".into(),
        range: second,
    });
    let fixed = engine::run_files(std::slice::from_ref(&x), &sources, &write);
    let new = String::from_utf8(fixed.changes[0].new.clone()).unwrap();
    assert_eq!(new, buffer.replace("mark(2)", "done(2)"));
    // A sibling buffer never saved declares `time`: the import gets the fresh name.
    sources.only = None;
    sources.overlay.insert(
        dir.path().join("y.go"),
        "package m\n\nvar time = 1\n".into(),
    );
    write.transforms = vec![&IMPORTS];
    let fixed = engine::run_files(std::slice::from_ref(&x), &sources, &write);
    let new = String::from_utf8(fixed.changes[0].new.clone()).unwrap();
    assert!(
        new.contains("stdtime \"time\"") && new.contains("stdtime.Sleep(0)"),
        "{new}"
    );
    assert_eq!(
        std::fs::read_to_string(&x).unwrap(),
        SRC,
        "nothing is written"
    );
}

#[test]
fn run_files_with_every_file_in_memory_equals_run_on_every_golden_case() {
    use gofix_rt::run::engine::Sources;
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mut cases = 0;
    for group in std::fs::read_dir(&golden).unwrap().flatten() {
        let Ok(entries) = std::fs::read_dir(group.path()) else {
            continue;
        };
        for case in entries.flatten() {
            let path = case.path();
            if path.extension().is_none_or(|e| e != "txtar") {
                continue;
            }
            let txtar =
                gofix_rt::testing::parse_txtar(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let inputs: Vec<(String, String)> = txtar
                .files
                .into_iter()
                .filter(|(n, _)| !n.starts_with("want/"))
                .collect();
            let dir = tempfile::tempdir().unwrap();
            gofix_rt::testing::write_tree(dir.path(), &inputs);
            let mut s = Settings::new(
                vec![dir.path().to_path_buf()],
                gofix_rt::catalog::registry::all().to_vec(),
                Mode::Write,
            );
            s.threshold = Applicability::Unsafe;
            let on_disk = engine::run(&s);
            // The same files with every Go text from memory, in CRLF: the engine reads the buffers (its
            // new texts keep their CRLF lines) and sees the same package (the findings are the same).
            let (files, _) = gofix_rt::read::walk::discover(&s.paths, true);
            let mut sources = Sources::default();
            for f in files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "go"))
            {
                let text = std::fs::read_to_string(f).unwrap();
                sources
                    .overlay
                    .insert(f.clone(), text.replace('\n', "\r\n"));
            }
            let in_memory = engine::run_files(&files, &sources, &s);
            let name = path.display();
            assert_eq!(in_memory.findings, on_disk.findings, "{name}");
            assert_eq!(in_memory.problems, on_disk.problems, "{name}");
            let changes = |o: &RunOutcome| -> Vec<(String, String)> {
                o.changes
                    .iter()
                    .map(|c| {
                        (
                            c.display.clone(),
                            String::from_utf8_lossy(&c.new).into_owned(),
                        )
                    })
                    .collect()
            };
            let (mem, disk) = (changes(&in_memory), changes(&on_disk));
            for (path, text) in mem.iter().filter(|(p, _)| p.ends_with(".go")) {
                assert!(
                    !text.replace("\r\n", "").contains('\n'),
                    "{name}: {path} not from memory"
                );
            }
            let lf: Vec<(String, String)> = mem
                .into_iter()
                .map(|(p, t)| {
                    let t = if p.ends_with(".go") {
                        t.replace("\r\n", "\n")
                    } else {
                        t
                    };
                    (p, t)
                })
                .collect();
            assert_eq!(lf, disk, "{name}");
            cases += 1;
        }
    }
    assert!(cases > 100, "only {cases} golden cases found");
}
