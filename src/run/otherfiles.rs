//! Build files that are not Go (Dockerfile, Makefile, .goreleaser.yml): the walk picks up the build files
//! the document layer knows and the engine keeps those some registered rule's `other_files` wants. Each
//! one is a package of one document (`BuildFile`) that goes through the pass loop of Go packages
//! (`apply::process`: the same conflict rule, ledger, per-file ignores and reasons), so every emitter,
//! the writer, `--branch` and `--verify` treat them alike. What differs is the kind: the rules that
//! want the file name read it through `other_files`, and suppressions are `# gofixrt:ignore CODE reason`
//! on the line above (or at the end of the line), and `# gofixrt:file-ignore CODE` anywhere
//! (`suppress::parse_hash_comments`).

use crate::read::gomod::Module;
use crate::read::source::{LineIndex, SourceText, read_bytes};
use crate::read::walk::{Problem, display_path};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::suppress;
use crate::rules::transform::Transform;
use crate::run::apply::{Documents, PackageOutcome};
use crate::run::settings::Settings;
use std::path::{Path, PathBuf};

/// Does some registered rule read files with this base name? (Used by the walk, whatever the selection, so
/// that shards, `--branch` narrowing and `--verify` see the same file list.)
pub fn is_other_file_name(name: &str) -> bool {
    !name.ends_with(".go")
        && crate::catalog::registry::all()
            .iter()
            .any(|t| t.other_files.as_ref().is_some_and(|o| (o.wants)(name)))
}

/// A build file as a one-document package: its text, the selected rules that want its name, and the
/// path those rules see.
pub struct BuildFile<'a> {
    dir: PathBuf,
    path: PathBuf,
    display: String,
    /// What the rules see of the path: below the module root (so a checkout under `/home/dev` says
    /// nothing), or just the name.
    rel: String,
    source: SourceText,
    text: String,
    rules: Vec<&'static Transform>,
    module: Option<&'a Module>,
}

/// Reads `path` as a build file for the selected rules that want it (`module`: the nearest go.mod above,
/// if any); `Ok(None)` when no selected rule does, `Err` with the problem when it cannot be read.
pub fn read<'a>(
    path: &Path,
    settings: &Settings,
    rules: &[&'static Transform],
    module: Option<&'a Module>,
) -> Result<Option<BuildFile<'a>>, Problem> {
    let display = display_path(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let rules: Vec<&'static Transform> = rules
        .iter()
        .copied()
        .filter(|t| t.other_files.as_ref().is_some_and(|o| (o.wants)(&name)))
        .collect();
    if rules.is_empty() {
        return Ok(None);
    }
    let source = read_bytes(path, settings.max_file_size)
        .and_then(|b| SourceText::decode(&b))
        .map_err(|msg| {
            Problem::new(
                display.clone(),
                msg.replace("not a Go source file", "not a text file"),
            )
        })?;
    let rel = module
        .and_then(|m| m.root.as_deref())
        .and_then(|root| path.strip_prefix(root).ok())
        .map_or_else(|| name.clone(), |p| p.to_string_lossy().replace('\\', "/"));
    Ok(Some(BuildFile {
        dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        path: path.to_path_buf(),
        display,
        rel,
        text: source.text.clone(),
        source,
        rules,
        module,
    }))
}

/// Runs the pass loop on one build file (fixing it in fix modes).
pub fn process(
    file: &mut BuildFile<'_>,
    settings: &Settings,
    round: &crate::run::round::Round,
) -> PackageOutcome {
    crate::run::apply::process(file, settings, round)
}

impl Documents for BuildFile<'_> {
    fn dir(&self) -> &Path {
        &self.dir
    }
    fn count(&self) -> usize {
        1
    }
    fn path(&self, _: usize) -> &Path {
        &self.path
    }
    fn display(&self, _: usize) -> &str {
        &self.display
    }
    fn source(&self, _: usize) -> &SourceText {
        &self.source
    }
    fn text(&self, _: usize) -> &str {
        &self.text
    }
    fn set_text(&mut self, _: usize, text: String) {
        self.text = text;
    }
    fn editable(&self, _: usize) -> bool {
        true
    }

    /// Every finding of the rules in the text, suppressed ones dropped, unknown or unused directives
    /// reported under `SUP`.
    /// (`self.rules` are those of the round that want this file, chosen by `read`.)
    fn collect(
        &self,
        settings: &Settings,
        _: &[&'static Transform],
        outcome: &mut PackageOutcome,
    ) -> Vec<Diagnostic> {
        let text = &self.text;
        let mut found: Vec<Diagnostic> = vec![];
        for t in &self.rules {
            let o = t.other_files.as_ref().expect("filtered on other_files");
            for mut d in (o.run)(&self.rel, text, self.module) {
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
        outcome.suppressed.clear();
        if settings.ignore_suppressions {
            return found;
        }
        let mut dirs = suppress::parse_hash_comments(text);
        if dirs.is_empty() {
            return found;
        }
        let lines = LineIndex::new(text);
        let mut hidden = std::collections::BTreeMap::new();
        found.retain(|d| {
            let line = lines.line_col(d.range.start).0;
            let name = crate::catalog::registry::lookup(d.code).map_or("", |t| t.meta.name);
            let suppressed = suppress::suppresses(&mut dirs, d.code, name, line, line);
            if suppressed {
                *hidden.entry(d.code).or_default() += 1;
            }
            !suppressed
        });
        if !hidden.is_empty() {
            outcome.suppressed.insert(0, hidden);
        }
        found.extend(crate::run::apply::suppression_problems(
            &dirs,
            &self.rules,
            0,
            "#",
        ));
        found
    }

    fn broken_texts(&self, _: usize) -> Vec<String> {
        vec![]
    }

    /// Build files hold no Go function, so a profile gives them no share.
    fn heat(&self, _: &Settings, _: usize, _: usize) -> Option<crate::semantic::profile::Heat> {
        None
    }
}
