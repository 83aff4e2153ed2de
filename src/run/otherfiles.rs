//! Build files that are not Go (Dockerfile, Makefile, .goreleaser.yml): the walk picks up the build files
//! the document layer knows and the engine keeps those some registered rule's `other_files` wants; each
//! one is read, checked by the selected rules that want it, fixed (their `Fix`es chosen by the pass
//! loop's conflict rule, `apply::select`, at the run's threshold) and reported through the same `Finding`
//! values as Go files (the engine makes its change a `FileChange`), so every emitter, the writer and
//! `--branch` treat them alike. Suppressions are `# gofixrt:ignore CODE reason` on the line above (or at
//! the end of the line), and `# gofixrt:file-ignore CODE` anywhere (`suppress::parse_hash_comments`).

use crate::read::gomod::Module;
use crate::read::source::{LineIndex, SourceText, read_bytes};
use crate::read::walk::{Problem, display_path};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::fix::Edit;
use crate::rules::suppress;
use crate::rules::transform::Transform;
use crate::run::apply::FixEdit;
use crate::run::settings::{Mode, Settings};
use std::collections::BTreeMap;
use std::path::Path;

/// Does some registered rule read files with this base name? (Used by the walk, whatever the selection, so
/// that shards, `--branch` narrowing and `--verify` see the same file list.)
pub fn is_other_file_name(name: &str) -> bool {
    !name.ends_with(".go")
        && crate::catalog::registry::all()
            .iter()
            .any(|t| t.other_files.as_ref().is_some_and(|o| (o.wants)(name)))
}

/// What one non-Go file gave.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub findings: Vec<(String, crate::run::apply::Finding)>,
    /// The bytes read and the new bytes, when a fix changed the file.
    pub change: Option<(Vec<u8>, Vec<u8>)>,
    pub problems: Vec<Problem>,
    pub applied: BTreeMap<&'static str, usize>,
    pub suppressed: BTreeMap<&'static str, usize>,
    /// Every fix applied, in order, for the run's ledger.
    pub ledger: Vec<crate::run::ledger::Applied>,
}

/// Fix passes on one file; a rule's findings must be gone after its fix, so two passes are the rule.
const MAX_PASSES: usize = 4;

/// Runs the selected rules that want `path` on it (`module`: the nearest go.mod above, if any).
pub fn process_file(path: &Path, settings: &Settings, module: Option<&Module>) -> FileOutcome {
    let mut out = FileOutcome::default();
    let display = display_path(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let rules: Vec<&'static Transform> = settings
        .transforms
        .iter()
        .copied()
        .filter(|t| t.other_files.as_ref().is_some_and(|o| (o.wants)(&name)))
        .collect();
    if rules.is_empty() {
        return out;
    }
    let source = match read_bytes(path, settings.max_file_size)
        .and_then(|b| SourceText::decode(&b).map(|s| (b, s)))
    {
        Ok(s) => s,
        Err(msg) => {
            let msg = msg.replace("not a Go source file", "not a text file");
            out.problems.push(Problem::new(display, msg));
            return out;
        }
    };
    let (bytes, source) = source;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let withheld: Vec<&str> = settings
        .withheld
        .iter()
        .filter(|(d, _)| *d == dir)
        .map(|(_, c)| *c)
        .collect();
    // What the rule sees of the path: below the module root (so a checkout under `/home/dev` says
    // nothing), or just the name.
    let rel = module
        .and_then(|m| m.root.as_deref())
        .and_then(|root| path.strip_prefix(root).ok())
        .map_or_else(|| name.clone(), |p| p.to_string_lossy().replace('\\', "/"));
    let mut text = source.text.clone();
    let mut found = collect(&rel, &text, &rules, module, settings, &mut out.suppressed);
    if settings.mode != Mode::Check {
        for pass in 0..MAX_PASSES {
            // The Go files' conflict rule: at the threshold, in file order, identical edits coalesce.
            let mut accepted =
                crate::run::apply::select(&found, settings.threshold, &withheld, &[true]).accepted;
            // A fix left without edits (R8 keeps one shared edit on the first build) changes nothing.
            accepted.retain(|&i| found[i].fix.as_ref().is_some_and(|f| !f.edits.is_empty()));
            if accepted.is_empty() {
                break;
            }
            let mut edits: Vec<Edit> = vec![];
            for &i in &accepted {
                let fix = found[i].fix.as_ref().expect("accepted fixes exist");
                for (_, e) in &fix.edits {
                    if !edits.contains(e) {
                        edits.push(e.clone());
                    }
                }
                *out.applied.entry(found[i].code).or_default() += 1;
                out.ledger.push(crate::run::ledger::Applied {
                    code: found[i].code,
                    file: display.clone(),
                    pass,
                    applicability: fix.applicability,
                    edits: fix.edits.len(),
                });
            }
            text = crate::rules::fix::apply_edits(&text, edits);
            found = collect(&rel, &text, &rules, module, settings, &mut out.suppressed);
        }
    }
    let lines = LineIndex::new(&text);
    out.findings = found
        .into_iter()
        .map(|d| {
            let skipped = crate::run::ledger::Skip::of(
                d.fix.as_ref().map(|f| f.applicability),
                d.withheld.is_some(),
                settings.threshold,
                settings.mode != Mode::Check,
                withheld.contains(&d.code),
            );
            let mut found = finding(&d, &text, &lines, &display);
            found.skipped = skipped;
            (display.clone(), found)
        })
        .collect();
    out.findings
        .sort_by(|a, b| (a.1.line, a.1.col, a.1.code).cmp(&(b.1.line, b.1.col, b.1.code)));
    if text != source.text {
        out.change = Some((bytes, source.encode(&text)));
    }
    out
}

/// Every finding of `rules` in `text`, suppressed ones dropped (counted in `suppressed`, which holds the
/// counts of the last collection), unknown or unused directives reported under `SUP`.
fn collect(
    path: &str,
    text: &str,
    rules: &[&'static Transform],
    module: Option<&Module>,
    settings: &Settings,
    suppressed: &mut BTreeMap<&'static str, usize>,
) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = vec![];
    for t in rules {
        let o = t.other_files.as_ref().expect("filtered on other_files");
        for mut d in (o.run)(path, text, module) {
            // A malformed fix (overlapping edits, or past the end) is dropped, the finding kept.
            if let Some(fix) = &mut d.fix
                && (fix.normalise().is_err()
                    || fix.edits.iter().any(|(_, e)| e.range.end > text.len()))
            {
                d.fix = None;
            }
            found.push(d);
        }
    }
    suppressed.clear();
    if settings.ignore_suppressions {
        return found;
    }
    let mut dirs = suppress::parse_hash_comments(text);
    if dirs.is_empty() {
        return found;
    }
    let lines = LineIndex::new(text);
    found.retain(|d| {
        let line = lines.line_col(d.range.start).0;
        let name = crate::catalog::registry::lookup(d.code).map_or("", |t| t.meta.name);
        let hidden = suppress::suppresses(&mut dirs, d.code, name, line, line);
        if hidden {
            *suppressed.entry(d.code).or_default() += 1;
        }
        !hidden
    });
    found.extend(crate::run::apply::suppression_problems(
        &dirs, rules, 0, "#",
    ));
    found
}

fn finding(
    d: &Diagnostic,
    text: &str,
    lines: &LineIndex,
    display: &str,
) -> crate::run::apply::Finding {
    let pos = |offset: usize| {
        let (l, c) = lines.line_col(offset);
        (l, c, lines.utf16_col(text, offset))
    };
    let (line, col, u0) = pos(d.range.start);
    let (end_line, end_col, u1) = pos(d.range.end);
    let fix_edits = d.fix.as_ref().map_or(vec![], |fix| {
        fix.edits
            .iter()
            .map(|(_, e)| {
                let (l0, c0, e0) = pos(e.range.start);
                let (l1, c1, e1) = pos(e.range.end);
                FixEdit {
                    path: display.to_string(),
                    range: e.range,
                    start: (l0, c0),
                    end: (l1, c1),
                    utf16_cols: (e0, e1),
                    content: e.content.clone(),
                }
            })
            .collect()
    });
    crate::run::apply::Finding {
        code: d.code,
        line,
        col,
        message: d.message.clone(),
        fix: d.fix.as_ref().map(|f| f.applicability),
        fix_title: d.fix.as_ref().map(|f| f.title.clone()),
        low_priority: d.low_priority,
        withheld: d.withheld.clone(),
        skipped: None,
        end_line,
        end_col,
        range: d.range,
        utf16_cols: (u0, u1),
        fix_edits,
        fix_imports: vec![],
        fix_module_edits: vec![],
        // Build files hold no Go function, so a profile gives them no share.
        heat: None,
    }
}
