//! Replaying the fix ledger: a package's texts rebuilt from the fixes a run applied, pass by pass, with
//! some rules' fixes left out. `--verify` bisects a package that does not build on these texts instead of
//! running the rules again.
//!
//! A replay without rules X is exact when leaving X out changes nothing else the pass loop decided: from
//! the first pass where an X fix was applied on, no other rule's fix was applied (those were computed on
//! text holding X's edits) and no fix was turned away for overlapping an X fix (it would have been taken).
//! Otherwise, or when the package's pass loop was cut short (a pass reverted, the pass limit hit), the
//! replay says `None` and the caller runs the engine on that package instead. One thing is taken on
//! trust: that no rule would find new work in the text because X's edits are missing from it (the run's
//! last pass, on text with them, found none).

use crate::read::source::SourceText;
use crate::rules::fix::{Fix, ModuleEdit};
use crate::run::engine::FileChange;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One pass of a package's pass loop: the fixes applied, and the fixes turned away for overlapping
/// them (code, codes of the applied fixes it overlapped).
#[derive(Debug, Clone, Default)]
pub struct Pass {
    pub fixes: Vec<(&'static str, Fix)>,
    pub blocked: Vec<(&'static str, Vec<&'static str>)>,
}

/// A file some recorded fix edits: where it is and its text as read.
#[derive(Debug, Clone)]
pub struct RecordedFile {
    pub path: PathBuf,
    pub display: String,
    pub source: SourceText,
}

/// What one package's pass loop did, enough to replay it.
#[derive(Debug, Clone, Default)]
pub struct PackageRecord {
    /// The files the recorded fixes edit, by their index in the package.
    pub files: BTreeMap<usize, RecordedFile>,
    pub passes: Vec<Pass>,
    /// A pass was reverted or the pass limit was hit: what a run without some rules does is unknown.
    pub interrupted: bool,
}

impl PackageRecord {
    /// Does some recorded fix belong to `code`?
    pub fn applied(&self, code: &str) -> bool {
        self.passes
            .iter()
            .any(|p| p.fixes.iter().any(|(c, _)| *c == code))
    }

    /// The package's new texts (changed files only, by index) and module edits without the fixes of
    /// `without`; `None` when that replay would not be exact.
    fn replay(&self, without: &[&str]) -> Option<(BTreeMap<usize, String>, Vec<ModuleEdit>)> {
        let left_out = |c: &&str| without.contains(c);
        if let Some(first) = self
            .passes
            .iter()
            .position(|p| p.fixes.iter().any(|(c, _)| left_out(c)))
        {
            let later = &self.passes[first..];
            let overlapped = later
                .iter()
                .any(|p| p.blocked.iter().any(|(_, by)| by.iter().any(left_out)));
            let computed_on_them = later[1..]
                .iter()
                .any(|p| p.fixes.iter().any(|(c, _)| !left_out(c)));
            if self.interrupted || overlapped || computed_on_them {
                return None;
            }
        }
        let mut texts: BTreeMap<usize, String> = self
            .files
            .iter()
            .map(|(i, f)| (*i, f.source.text.clone()))
            .collect();
        let mut module_edits = vec![];
        for pass in &self.passes {
            let kept: Vec<&Fix> = pass
                .fixes
                .iter()
                .filter(|(c, _)| !left_out(c))
                .map(|(_, f)| f)
                .collect();
            let touched = crate::run::apply::touched_files(&kept);
            if touched.iter().any(|f| !texts.contains_key(f)) {
                return None;
            }
            let new = crate::run::apply::pass_texts(&kept, |f| &texts[&f]);
            texts.extend(new);
            for f in kept {
                for e in &f.module_edits {
                    if !module_edits.contains(e) {
                        module_edits.push(e.clone());
                    }
                }
            }
        }
        texts.retain(|i, t| *t != self.files[i].source.text);
        Some((texts, module_edits))
    }
}

/// A directory's changed files (module files aside) and the module edits its fixes ask for, with the
/// fixes of `without` left out; `None` when some package of it cannot be replayed exactly.
pub fn without(
    packages: &[PackageRecord],
    without: &[&str],
) -> Option<(Vec<FileChange>, Vec<ModuleEdit>)> {
    let (mut changes, mut module_edits) = (vec![], vec![]);
    for p in packages {
        let (texts, edits) = p.replay(without)?;
        for (i, text) in texts {
            let f = &p.files[&i];
            changes.push(FileChange {
                path: f.path.clone(),
                display: f.display.clone(),
                original: Some(f.source.encode(&f.source.text)),
                new: f.source.encode(&text),
            });
        }
        module_edits.extend(edits);
    }
    Some((changes, module_edits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fix::{Edit, TextRange};

    fn fix(at: usize, content: &str) -> Fix {
        Fix::safe("t").edit(0, Edit::replace(TextRange::new(at, at + 1), content))
    }

    fn record(passes: Vec<Pass>) -> PackageRecord {
        let source = SourceText::decode(b"abcd").unwrap();
        PackageRecord {
            files: BTreeMap::from([(
                0,
                RecordedFile {
                    path: "x.go".into(),
                    display: "x.go".into(),
                    source,
                },
            )]),
            passes,
            interrupted: false,
        }
    }

    fn text(r: &PackageRecord, without: &[&str]) -> Option<String> {
        let (texts, _) = r.replay(without)?;
        Some(texts.get(&0).cloned().unwrap_or_else(|| "abcd".into()))
    }

    #[test]
    fn one_pass_replays_without_any_rule() {
        let r = record(vec![Pass {
            fixes: vec![("A", fix(0, "A")), ("B", fix(2, "B"))],
            blocked: vec![],
        }]);
        assert_eq!(text(&r, &[]).unwrap(), "AbBd");
        assert_eq!(text(&r, &["A"]).unwrap(), "abBd");
        assert_eq!(text(&r, &["A", "B"]).unwrap(), "abcd");
    }

    #[test]
    fn later_passes_of_other_rules_or_overlaps_make_a_replay_inexact() {
        let two = record(vec![
            Pass {
                fixes: vec![("A", fix(0, "A"))],
                blocked: vec![],
            },
            Pass {
                fixes: vec![("B", fix(1, "B"))],
                blocked: vec![],
            },
        ]);
        // B's fix was computed on A's text: without A nobody knows; without B the first pass stands.
        assert_eq!(text(&two, &["A"]), None);
        assert_eq!(text(&two, &["B"]).unwrap(), "Abcd");
        let overlap = record(vec![Pass {
            fixes: vec![("A", fix(0, "A"))],
            blocked: vec![("B", vec!["A"])],
        }]);
        assert_eq!(text(&overlap, &["A"]), None);
        let mut cut = record(vec![Pass {
            fixes: vec![("A", fix(0, "A"))],
            blocked: vec![],
        }]);
        cut.interrupted = true;
        assert_eq!(text(&cut, &["A"]), None);
        assert_eq!(text(&cut, &["C"]).unwrap(), "Abcd");
    }
}
