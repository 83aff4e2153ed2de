//! Every registered transform is complete: its query compiles against the pinned grammar, its doc has the
//! required sections, the doc's Example rewrites to its Use instead exactly, it has golden cases on both
//! sides, and README's table is fresh.

use gofix_rt::catalog::docs;
use gofix_rt::catalog::registry;
use gofix_rt::rules::fix::FixAvailability;
use gofix_rt::testing::run_one;
use std::path::Path;

#[test]
fn queries_compile() {
    for t in registry::all() {
        tree_sitter::Query::new(&gofix_rt::read::syntax::language(), t.query)
            .unwrap_or_else(|e| panic!("{}: {e}", t.meta.code));
    }
}

#[test]
fn codes_and_names_are_unique_and_sorted() {
    let all = registry::all();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a.meta.code, b.meta.code);
            assert_ne!(a.meta.name, b.meta.name);
        }
    }
}

#[test]
fn docs_have_required_sections() {
    for t in registry::all() {
        let doc = docs::doc(t);
        assert!(
            doc.starts_with(&format!("# {} ({})", t.meta.name, t.meta.code)),
            "{}: title",
            t.meta.code
        );
        for h in docs::REQUIRED_HEADINGS {
            assert!(doc.contains(h), "{}: missing {h}", t.meta.code);
        }
        if t.meta.fix != FixAvailability::Never {
            assert!(
                doc.contains("## Fix safety"),
                "{}: missing ## Fix safety",
                t.meta.code
            );
        }
    }
}

#[test]
fn doc_examples_round_trip() {
    for t in registry::all() {
        let doc = docs::doc(t);
        // Rules over build files show a Dockerfile (or Makefile) and run on its text.
        if let Some(o) = &t.other_files {
            let block = |h: &str| {
                ["dockerfile", "makefile", "yaml"]
                    .iter()
                    .find_map(|l| docs::fenced_block(&doc, h, l))
                    .unwrap_or_else(|| panic!("{}: no {h} block", t.meta.code))
            };
            let (example, use_instead) = (block("## Example"), block("## Use instead"));
            let found = (o.run)("Dockerfile", &example, None);
            assert!(!found.is_empty(), "{}: Example does not fire", t.meta.code);
            let edits = found
                .iter()
                .filter_map(|f| f.fix.as_ref())
                .flat_map(|f| f.edits.iter().map(|(_, e)| e.clone()))
                .collect();
            assert_eq!(
                gofix_rt::rules::fix::apply_edits(&example, edits),
                use_instead,
                "{}: Example does not rewrite to Use instead",
                t.meta.code
            );
            continue;
        }
        let example = docs::go_block(&doc, "## Example")
            .unwrap_or_else(|| panic!("{}: no Example block", t.meta.code));
        let use_instead = docs::go_block(&doc, "## Use instead")
            .unwrap_or_else(|| panic!("{}: no Use instead block", t.meta.code));
        let (fixed, out) = run_one(t, "1.22", &example, true);
        assert!(
            !out.findings.is_empty() || fixed != example,
            "{}: Example does not fire",
            t.meta.code
        );
        if t.meta.fix == FixAvailability::Never {
            assert_eq!(
                fixed, example,
                "{}: a detect-only transform edited its Example",
                t.meta.code
            );
        } else {
            assert_eq!(
                fixed, use_instead,
                "{}: Example does not rewrite to Use instead",
                t.meta.code
            );
        }
    }
}

#[test]
fn every_transform_has_golden_cases_both_ways() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    for t in registry::all() {
        let dir = root.join(format!("{}-{}", t.meta.code, t.meta.name));
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{}: no golden directory {}", t.meta.code, dir.display()))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        let negative = names.iter().filter(|n| n.starts_with("no-")).count();
        let positive = names.iter().filter(|n| !n.starts_with("no-")).count();
        assert!(
            positive >= 4 && negative >= 4,
            "{}: {positive} firing and {negative} no- cases (want 4 each)",
            t.meta.code
        );
    }
}

/// Regenerates the README block between `<!-- NAME:start -->` and `<!-- NAME:end -->` with `UPDATE_README=1`,
/// otherwise requires it to equal `content`.
fn check_readme_block(name: &str, content: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = (
        format!("<!-- {name}:start -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let a = readme.find(&start).expect("start marker") + start.len();
    let b = readme.find(&end).expect("end marker");
    let fresh = format!("{}{}{}", &readme[..a], content, &readme[b..]);
    if std::env::var("UPDATE_README").is_ok() {
        std::fs::write(&path, &fresh).unwrap();
    } else {
        assert_eq!(
            readme, fresh,
            "README {name} table is stale; run `UPDATE_README=1 cargo test --test registry`"
        );
    }
}

#[test]
fn readme_tables_are_fresh() {
    // One test for both blocks: with UPDATE_README=1 two tests writing README.md at once would race.
    check_readme_block("transforms", &docs::table());
    check_readme_block("catalogue", &gofix_rt::catalog::catalogue::table());
}

#[test]
fn catalogue_covers_all_28_exercises_and_every_rule() {
    use gofix_rt::catalog::catalogue::{EXERCISES, Fix, Outcome};
    for seed in ["architecture", "source"] {
        let numbers: Vec<u8> = EXERCISES
            .iter()
            .filter(|e| e.seed == seed)
            .map(|e| e.number)
            .collect();
        assert_eq!(
            numbers,
            (1..=14).collect::<Vec<u8>>(),
            "{seed} write-up exercises"
        );
    }
    assert_eq!(EXERCISES.len(), 28);
    for e in EXERCISES {
        assert!(
            !e.rules.is_empty() || !e.no_rule.is_empty(),
            "{} {}: neither a rule nor a reason",
            e.seed,
            e.number
        );
        // What the textbook shape gets must be a tier one of the exercise's rules offers.
        let offers = |ok: &[Fix]| e.rules.iter().any(|(_, k)| ok.contains(k));
        let possible = match e.textbook {
            Outcome::FixedSafe => offers(&[Fix::Safe, Fix::SafeOrUnsafe]),
            Outcome::FixedUnsafe => offers(&[Fix::Unsafe, Fix::SafeOrUnsafe]),
            Outcome::Reported => !e.rules.is_empty(),
            Outcome::ReportedFixWithProfile => offers(&[Fix::SafeWithProfile]),
            Outcome::NotFlagged => e.rules.is_empty(),
        };
        assert!(
            possible,
            "{} {}: textbook outcome {:?} is not a tier of {:?}",
            e.seed,
            e.number,
            e.textbook,
            e.rules
                .iter()
                .map(|(t, k)| (t.meta.code, k))
                .collect::<Vec<_>>()
        );
        for (t, kind) in e.rules {
            let c = t.meta.code;
            // The tier the table claims must be the one the rule declares and documents.
            let safety = docs::first_paragraph(&docs::doc(t), "## Fix safety").unwrap_or_default();
            let says_unsafe = safety.contains("Unsafe");
            let says_safe = safety
                .replace("Unsafe", "")
                .replace("never Safe", "")
                .contains("Safe");
            let fixes = t.meta.fix != FixAvailability::Never;
            let consistent = match kind {
                Fix::Report => !fixes,
                Fix::Safe => fixes && says_safe && !says_unsafe,
                Fix::Unsafe => fixes && says_unsafe && !says_safe,
                Fix::SafeOrUnsafe => fixes && says_safe && says_unsafe,
                Fix::SafeWithProfile => fixes && says_safe && safety.contains("--profile"),
            };
            assert!(
                consistent,
                "{c}: the catalogue says {kind:?}, its Fix safety says: {safety}"
            );
        }
    }
    for t in registry::all() {
        assert!(
            EXERCISES
                .iter()
                .any(|e| e.rules.iter().any(|(r, _)| std::ptr::eq(*r, *t))),
            "{} covers no exercise of the catalogue",
            t.meta.code
        );
    }
}
