//! A whole run: discover files, read them per directory, prefilter, group into packages, run the pass loop
//! on packages with candidates (in parallel), and collect everything sorted by path for the emitters.

use crate::read::gomod::{self, ModuleCache};
use crate::read::source::SourceText;
use crate::read::version::{FileVersions, build_constraint_min};
use crate::read::walk::{self, display_path};
use crate::rules::fix::ModuleEdit;
use crate::run::apply::{self, Finding};
use crate::run::round::Round;
use crate::run::settings::Settings;
use crate::semantic::package::{Package, PkgFile};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::read::source::read_bytes;
pub use crate::read::walk::Problem;

/// New contents for one file (a Go file, or go.mod/go.sum for module edits).
#[derive(Debug, Clone)]
pub struct FileChange {
    pub path: PathBuf,
    pub display: String,
    /// The bytes read, `None` for a file that does not exist yet.
    pub original: Option<Vec<u8>>,
    pub new: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct RunOutcome {
    /// Findings with their file's display path, sorted by path, line, column.
    pub findings: Vec<(String, Finding)>,
    pub changes: Vec<FileChange>,
    pub problems: Vec<Problem>,
    pub applied: BTreeMap<&'static str, usize>,
    /// Applied fix counts per display path (the file of the finding that was fixed) and code.
    pub applied_by_file: BTreeMap<String, BTreeMap<&'static str, usize>>,
    /// Findings hidden by `//gofixrt:ignore` directives, per display path and code.
    pub suppressed_by_file: BTreeMap<String, BTreeMap<&'static str, usize>>,
    pub files_seen: usize,
    pub files_parsed: usize,
    /// Parser invocations (candidates, package files read for package-wide facts, re-parses after fixes).
    pub parses: usize,
    /// Every fix applied, per directory in path order, then in the order the pass loop applied them.
    pub ledger: Vec<crate::run::ledger::Applied>,
    /// With `Round::branch`: per directory that changed, what the rules applied there give when
    /// only the first of them (in code order) run, so `--branch` needs no run per rule.
    pub dir_steps: Vec<DirSteps>,
    /// Per directory where fixes were applied, what each package's pass loop did, for replaying it
    /// without some rules (`run::replay`; the files kept are the ones the fixes edit).
    pub replays: BTreeMap<PathBuf, Vec<crate::run::replay::PackageRecord>>,
}

/// One directory's fixes by rule prefix: `steps[j]` is what the rules `codes[..=j]` give there, the last
/// step the full run's. `codes` are the rules that applied a fix in the directory, in code order.
#[derive(Debug, Clone, Default)]
pub struct DirSteps {
    pub codes: Vec<&'static str>,
    pub steps: Vec<RuleStep>,
}

/// A directory's changed files (module files aside), the module edits its fixes ask for and its applied
/// counts per display path and code, for one rule prefix.
#[derive(Debug, Clone, Default)]
pub struct RuleStep {
    pub changes: Vec<FileChange>,
    pub module_edits: Vec<ModuleEdit>,
    pub applied_by_file: BTreeMap<String, BTreeMap<&'static str, usize>>,
}

impl RunOutcome {
    /// The changes (module files merged) and applied counts of a run of only the rules `included` says
    /// yes to, read from `dir_steps`: in each directory, the step of the leading codes it includes.
    /// `included` must say yes to a prefix of the code order.
    pub fn after_rules(
        &self,
        included: impl Fn(&str) -> bool,
    ) -> (
        Vec<FileChange>,
        BTreeMap<String, BTreeMap<&'static str, usize>>,
    ) {
        let (mut changes, mut module_edits, mut applied) = (vec![], vec![], BTreeMap::new());
        for d in &self.dir_steps {
            let n = d.codes.iter().take_while(|c| included(c)).count();
            let Some(step) = n.checked_sub(1).map(|j| &d.steps[j]) else {
                continue;
            };
            changes.extend(step.changes.iter().cloned());
            module_edits.extend(step.module_edits.iter().cloned());
            applied.extend(step.applied_by_file.clone());
        }
        // Module files were read and checked by the full run; problems with them are reported there.
        apply_module_edits(module_edits, &mut changes, &mut vec![]);
        changes.sort_by(|a, b| a.display.cmp(&b.display));
        (changes, applied)
    }
}

#[derive(Default)]
struct DirOutcome {
    findings: Vec<(String, Finding)>,
    changes: Vec<FileChange>,
    problems: Vec<Problem>,
    applied: BTreeMap<&'static str, usize>,
    applied_by_file: BTreeMap<String, BTreeMap<&'static str, usize>>,
    suppressed_by_file: BTreeMap<String, BTreeMap<&'static str, usize>>,
    module_edits: Vec<ModuleEdit>,
    parsed: usize,
    ledger: Vec<crate::run::ledger::Applied>,
    steps: Option<DirSteps>,
    dir: PathBuf,
    replay: Vec<crate::run::replay::PackageRecord>,
}

/// The files a run covers: the walk, less what `exclude` names (a file named on the command line is
/// always read, as the walk does).
pub fn discover(settings: &Settings) -> (Vec<PathBuf>, Vec<Problem>) {
    discover_paths(&settings.paths, settings)
}

/// `discover` of `paths` in place of `settings.paths`.
fn discover_paths(paths: &[PathBuf], settings: &Settings) -> (Vec<PathBuf>, Vec<Problem>) {
    let (mut files, problems) = walk::discover(paths, settings.respect_gitignore);
    // The walk picks up every build file the readers know; a run reads those some rule wants.
    files.retain(|f| {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        paths.contains(f)
            || name.ends_with(".go")
            || crate::run::otherfiles::is_other_file_name(&name)
    });
    if let Some(rules) = &settings.path_rules {
        files.retain(|f| paths.contains(f) || !rules.excluded(f));
    }
    (files, problems)
}

/// Whole runs (each one walk of the paths) this process has made: `--branch` and `--verify` are measured
/// by it. With `GOFIXRT_DEBUG_RUNS` set, each run is also told on stderr.
pub static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn count_run(settings: &Settings, paths: &[PathBuf]) {
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    if std::env::var_os("GOFIXRT_DEBUG_RUNS").is_some() {
        eprintln!(
            "gofix-rt: engine run {n} ({} rules, {} paths)",
            settings.transforms.len(),
            paths.len()
        );
    }
}

/// The run the user asked for: `settings` as given.
pub fn run(settings: &Settings) -> RunOutcome {
    run_round(settings, &Round::default())
}

/// A run `--verify` or `--branch` starts: `settings` as given, changed as `round` says (never by
/// writing `settings`).
pub fn run_round(settings: &Settings, round: &Round) -> RunOutcome {
    let paths = round.files.as_deref().unwrap_or(&settings.paths);
    count_run(settings, paths);
    let parses_before = crate::read::syntax::PARSES.load(std::sync::atomic::Ordering::Relaxed);
    let (files, problems) = discover_paths(paths, settings);
    let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for f in files {
        let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
        by_dir.entry(dir).or_default().push(f);
    }
    // Sharding happens before any file is read; module edits follow the package that asks for them.
    if let Some(shard) = settings.shard.filter(|_| round.files.is_none()) {
        let roots = crate::run::shard::root_dirs(&settings.paths);
        by_dir.retain(|dir, _| shard.owns(crate::run::shard::relative_to_roots(dir, &roots)));
    }
    let files_seen = by_dir.values().map(Vec::len).sum();
    let modules = ModuleCache::default();
    // Drawn only once the run has lasted a moment: a small tree shows no flash of progress.
    let bar = crate::run::progress::Progress::new(
        settings.progress && round.files.is_none(),
        by_dir.len() as u64,
        "{bar:40} {pos}/{len} directories {elapsed}",
    );
    let work = || -> Vec<DirOutcome> {
        by_dir
            .par_iter()
            .map(|(dir, files)| {
                bar.inc(1);
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut o = process_dir(dir, files, settings, round, &modules, &Sources::DISK);
                    if round.branch {
                        o.steps = Some(rule_steps(dir, files, settings, round, &modules, &o));
                    }
                    o
                }))
                .unwrap_or_else(|p| panicked(dir, p))
            })
            .collect()
    };
    let outcomes = match settings.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_or_else(|_| work(), |pool| pool.install(work)),
        None => work(),
    };
    drop(bar);
    let mut out = merge(outcomes, problems, files_seen, settings);
    out.parses =
        crate::read::syntax::PARSES.load(std::sync::atomic::Ordering::Relaxed) - parses_before;
    out
}

/// Where a run's file texts come from: the disk, with `overlay` standing in for (or adding to) files
/// there, as an editor's unsaved buffers do; and, in fix modes, whether only one finding's fix applies.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// Normalised or raw texts by path (the same path the engine builds: the directory joined with the
    /// file name); decoded like file bytes, so a BOM or CRLF lines are kept on the way out.
    pub overlay: BTreeMap<PathBuf, String>,
    /// Apply only this finding's fix, once (an editor's quick fix), whatever the threshold.
    pub only: Option<FixTarget>,
}

/// One finding to fix: its file, code and byte range in the file's normalised text (`Finding::range`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixTarget {
    pub path: PathBuf,
    pub code: String,
    pub range: crate::rules::fix::TextRange,
}

impl Sources {
    const DISK: Sources = Sources {
        overlay: BTreeMap::new(),
        only: None,
    };

    fn read(&self, path: &Path, max: u64) -> Result<Vec<u8>, String> {
        let Some(text) = self.overlay.get(path) else {
            return read_bytes(path, max);
        };
        if text.len() as u64 > max {
            return Err(format!(
                "file too large ({} bytes; the limit is {max}, see --max-file-size)",
                text.len()
            ));
        }
        crate::read::source::validate(text.as_bytes())?;
        Ok(text.as_bytes().to_vec())
    }
}

/// Runs the rules on the packages of `files` (Go files, grouped by directory), their texts and their
/// package's other files read from `sources` first, then from disk; nothing is walked and nothing is
/// written. `settings.paths` is not read: the caller (an editor server) names the files. The outcome's
/// changes hold the new texts in fix modes.
pub fn run_files(files: &[PathBuf], sources: &Sources, settings: &Settings) -> RunOutcome {
    let parses_before = crate::read::syntax::PARSES.load(std::sync::atomic::Ordering::Relaxed);
    let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for f in files {
        let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
        let list = by_dir.entry(dir).or_default();
        if !list.contains(f) {
            list.push(f.clone());
        }
    }
    let files_seen = by_dir.values().map(Vec::len).sum();
    let modules = ModuleCache::default();
    let outcomes = by_dir
        .iter()
        .map(|(dir, files)| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                process_dir(dir, files, settings, &Round::default(), &modules, sources)
            }))
            .unwrap_or_else(|p| panicked(dir, p))
        })
        .collect();
    let mut out = merge(outcomes, vec![], files_seen, settings);
    out.parses =
        crate::read::syntax::PARSES.load(std::sync::atomic::Ordering::Relaxed) - parses_before;
    out
}

/// Puts the per-directory outcomes together: counts added, module edits merged, everything sorted.
fn merge(
    outcomes: Vec<DirOutcome>,
    mut problems: Vec<Problem>,
    files_seen: usize,
    settings: &Settings,
) -> RunOutcome {
    let mut out = RunOutcome {
        files_seen,
        ..RunOutcome::default()
    };
    let mut module_edits = vec![];
    for o in outcomes {
        out.findings.extend(o.findings);
        out.changes.extend(o.changes);
        problems.extend(o.problems);
        for (k, v) in o.applied {
            *out.applied.entry(k).or_default() += v;
        }
        for (path, per_code) in o.applied_by_file {
            let entry = out.applied_by_file.entry(path).or_default();
            for (k, v) in per_code {
                *entry.entry(k).or_default() += v;
            }
        }
        out.suppressed_by_file.extend(o.suppressed_by_file);
        module_edits.extend(o.module_edits);
        out.files_parsed += o.parsed;
        out.ledger.extend(o.ledger);
        out.dir_steps.extend(o.steps);
        if !o.replay.is_empty() {
            out.replays.insert(o.dir, o.replay);
        }
    }
    apply_module_edits(module_edits, &mut out.changes, &mut problems);
    out.problems = problems;
    out.sort(settings);
    out
}

impl RunOutcome {
    /// The order the emitters print: findings by path and position (hottest first with a profile),
    /// changes by path, problems sorted once each.
    fn sort(&mut self, settings: &Settings) {
        self.findings.sort_by(|a, b| {
            (&a.0, a.1.line, a.1.col, a.1.code).cmp(&(&b.0, b.1.line, b.1.col, b.1.code))
        });
        if settings.profile().is_some() {
            // Profile-guided: hottest enclosing function first (stable, so ties keep path order).
            self.findings.sort_by(|a, b| {
                let cum = |f: &Finding| f.heat.as_ref().map_or(0.0, |h| h.cum);
                cum(&b.1).total_cmp(&cum(&a.1))
            });
        }
        self.changes.sort_by(|a, b| a.display.cmp(&b.display));
        self.problems.sort();
        self.problems.dedup();
    }

    /// This outcome with what it says about the files `files` (every walked file of some directories)
    /// replaced by `new`, a run on exactly those files (`--verify` runs again only the packages it
    /// withheld fixes from). Module files are merged again from every directory's recorded fixes.
    pub fn replace_files(
        mut self,
        new: RunOutcome,
        files: &[PathBuf],
        settings: &Settings,
    ) -> Self {
        let paths: std::collections::BTreeSet<&Path> = files.iter().map(PathBuf::as_path).collect();
        let shown: std::collections::BTreeSet<String> =
            files.iter().map(|f| display_path(f)).collect();
        let dirs: std::collections::BTreeSet<&Path> =
            files.iter().filter_map(|f| f.parent()).collect();
        let module_edit_paths = |o: &RunOutcome| -> Vec<PathBuf> {
            o.module_edits()
                .iter()
                .map(module_edit_path)
                .cloned()
                .collect()
        };
        let mut module_files = module_edit_paths(&self);
        module_files.extend(module_edit_paths(&new));
        self.findings.retain(|(p, _)| !shown.contains(p));
        self.findings.extend(new.findings);
        self.changes
            .retain(|c| !paths.contains(c.path.as_path()) && !module_files.contains(&c.path));
        self.changes.extend(
            new.changes
                .into_iter()
                .filter(|c| !module_files.contains(&c.path)),
        );
        self.problems.retain(|p| !shown.contains(&p.path));
        self.problems.extend(new.problems);
        self.applied_by_file.retain(|p, _| !shown.contains(p));
        self.applied_by_file.extend(new.applied_by_file);
        self.applied.clear();
        for per_code in self.applied_by_file.values() {
            for (k, v) in per_code {
                *self.applied.entry(k).or_default() += v;
            }
        }
        self.suppressed_by_file.retain(|p, _| !shown.contains(p));
        self.suppressed_by_file.extend(new.suppressed_by_file);
        self.ledger.retain(|a| !shown.contains(&a.file));
        self.ledger.extend(new.ledger);
        self.ledger.sort_by(|a, b| {
            Path::new(&a.file)
                .parent()
                .cmp(&Path::new(&b.file).parent())
        });
        self.dir_steps.retain(|d| {
            !d.steps
                .iter()
                .any(|s| s.changes.iter().any(|c| paths.contains(c.path.as_path())))
        });
        self.dir_steps.extend(new.dir_steps);
        self.replays.retain(|d, _| !dirs.contains(d.as_path()));
        self.replays.extend(new.replays);
        self.parses += new.parses;
        let module_edits = self.module_edits();
        apply_module_edits(module_edits, &mut self.changes, &mut self.problems);
        self.sort(settings);
        self
    }

    /// The module-file edits of every fix the run applied (from the ledger's replay records).
    fn module_edits(&self) -> Vec<ModuleEdit> {
        let mut out = vec![];
        for p in self.replays.values().flatten() {
            for (_, f) in p.passes.iter().flat_map(|p| &p.fixes) {
                out.extend(f.module_edits.iter().cloned());
            }
        }
        out
    }
}

fn panicked(dir: &Path, payload: Box<dyn std::any::Any + Send>) -> DirOutcome {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    DirOutcome {
        problems: vec![Problem::new(
            display_path(dir),
            format!("internal error: {msg}; please report"),
        )],
        ..DirOutcome::default()
    }
}

/// The rule steps of one directory whose full outcome is `full`: the rules that applied there, in code
/// order, and for each prefix but the whole the directory processed again with only that prefix
/// selected (directories where one rule applied, the common case, are not processed again).
fn rule_steps(
    dir: &Path,
    files: &[PathBuf],
    settings: &Settings,
    round: &Round,
    modules: &ModuleCache,
    full: &DirOutcome,
) -> DirSteps {
    let mut rules: Vec<&'static crate::rules::transform::Transform> = settings
        .transforms
        .iter()
        .copied()
        .filter(|t| full.applied.get(t.meta.code).is_some_and(|&n| n > 0))
        .collect();
    rules.sort_by_key(|t| crate::catalog::registry::code_order(t.meta.code));
    let step_of = |o: &DirOutcome| RuleStep {
        changes: o.changes.clone(),
        module_edits: o.module_edits.clone(),
        applied_by_file: o.applied_by_file.clone(),
    };
    let mut steps = vec![];
    for k in 0..rules.len().saturating_sub(1) {
        let step = Round {
            rules: Some(rules[..=k].to_vec()),
            ..round.clone()
        };
        steps.push(step_of(&process_dir(
            dir,
            files,
            settings,
            &step,
            modules,
            &Sources::DISK,
        )));
    }
    if !rules.is_empty() {
        steps.push(step_of(full));
    }
    DirSteps {
        codes: rules.iter().map(|t| t.meta.code).collect(),
        steps,
    }
}

fn process_dir(
    dir: &Path,
    paths: &[PathBuf],
    settings: &Settings,
    round: &Round,
    modules: &ModuleCache,
    sources: &Sources,
) -> DirOutcome {
    let mut out = DirOutcome {
        dir: dir.to_path_buf(),
        ..DirOutcome::default()
    };
    let mut module = modules.module_for_dir(dir);
    // Build files are packages of one document each; explicit files with other names stay on the Go
    // path (which reports them as not Go).
    let (others, go_paths): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| {
        p.file_name()
            .is_some_and(|n| crate::run::otherfiles::is_other_file_name(&n.to_string_lossy()))
    });
    for path in others {
        let gomod = module.root.is_some().then_some(&*module);
        match crate::run::otherfiles::read(path, settings, round.rules(settings), gomod) {
            Ok(Some(mut doc)) => {
                let result = crate::run::otherfiles::process(&mut doc, settings, round);
                absorb(&mut out, &doc, result);
            }
            Ok(None) => {}
            Err(problem) => out.problems.push(problem),
        }
    }
    let paths: Vec<PathBuf> = go_paths.into_iter().cloned().collect();
    let paths = &paths[..];
    if let Some(v) = settings.go_version {
        let mut m = (*module).clone();
        m.go = v;
        module = Arc::new(m);
    }
    // Phase 1, every file: read, validate, prefilter on the raw bytes (no copies, no parsing).
    let mut read: Vec<(&PathBuf, Vec<u8>, bool)> = Vec::with_capacity(paths.len());
    for path in paths {
        match sources.read(path, settings.max_file_size) {
            Ok(bytes) => {
                let candidate = round
                    .rules(settings)
                    .iter()
                    .any(|t| t.wants(&bytes, &module))
                    || (!settings.ignore_suppressions
                        && memchr::memmem::find(&bytes, b"//gofixrt:").is_some());
                read.push((path, bytes, candidate));
            }
            Err(msg) => out.problems.push(Problem::new(display_path(path), msg)),
        }
    }
    if !read.iter().any(|(_, _, c)| *c) {
        return out;
    }
    // Phase 2, directories with a candidate: decode and group every file, since transforms may need
    // package-wide facts from files that matched nothing. The go tool also compiles files the walk
    // left out (git-ignored generated code, files outside an explicit file list): they are read as
    // context so package-level names are seen, but never edited.
    let (context, other_files) = unwalked_go_files(dir, paths, settings.max_file_size, sources);
    let mut groups: BTreeMap<String, Vec<PkgFile>> = BTreeMap::new();
    let walked = read.into_iter().map(|(p, b, c)| (p.clone(), b, c, true));
    let unwalked = context.into_iter().map(|(p, b)| (p, b, false, false));
    for (path, bytes, candidate, editable) in walked.chain(unwalked) {
        let path = &path;
        let display = display_path(path);
        let source = match SourceText::decode(&bytes) {
            Ok(s) => s,
            Err(msg) => {
                out.problems.push(Problem::new(display, msg));
                continue;
            }
        };
        let Some(name) = crate::read::source::package_name(&source.text).map(str::to_string) else {
            out.problems.push(Problem::new(
                display,
                "no package clause; not a Go source file".into(),
            ));
            continue;
        };
        let versions = FileVersions::new(module.go, build_constraint_min(&source.text));
        let mut file = PkgFile::new(path.clone(), display, source, versions);
        file.candidate = candidate;
        file.editable = editable;
        groups.entry(name).or_default().push(file);
    }
    let fix = round.fixes(settings);
    for (name, files) in groups {
        if !files.iter().any(|f| f.candidate) {
            continue;
        }
        let mut pkg = Package::new(dir.to_path_buf(), name, module.clone(), files);
        pkg.other_files = other_files.clone();
        for f in pkg.files.iter().filter(|f| f.candidate) {
            out.parsed += 1;
            // One line per file, like `gofmt -e`; the rest of the file is still analysed (apply.rs).
            if let Some(err) = crate::read::syntax::first_error(f.tree()) {
                let p = err.start_position();
                out.problems.push(Problem {
                    path: f.display.clone(),
                    pos: Some((p.row + 1, p.column + 1)),
                    message: format!(
                        "{}; the declaration holding it is neither analysed nor edited",
                        crate::read::syntax::describe_error(err, &f.text)
                    ),
                });
            }
        }
        let target = sources.only.as_ref().and_then(|t| {
            let idx = pkg.files.iter().position(|f| f.path == t.path)?;
            Some((idx, t))
        });
        let result = match target {
            Some((idx, t)) if fix => {
                apply::process_one(&mut pkg, settings, round, idx, &t.code, t.range)
            }
            _ => apply::process(&mut pkg, settings, round),
        };
        absorb(&mut out, &pkg, result);
    }
    out
}

/// Adds one package's outcome (Go files or a build file) to its directory's, by display path.
fn absorb<D: apply::Documents>(out: &mut DirOutcome, docs: &D, result: apply::PackageOutcome) {
    for (idx, msg) in result.internal_errors {
        out.problems
            .push(Problem::new(docs.display(idx).to_string(), msg));
    }
    for (idx, findings) in result.findings {
        let display = docs.display(idx);
        out.findings
            .extend(findings.into_iter().map(|f| (display.to_string(), f)));
    }
    // A directory can hold two packages (m and m_test): counts add up, they do not replace.
    for (k, v) in result.applied {
        *out.applied.entry(k).or_default() += v;
    }
    for (idx, per_code) in result.applied_by_file {
        out.applied_by_file
            .insert(docs.display(idx).to_string(), per_code);
    }
    for (idx, per_code) in result.suppressed {
        out.suppressed_by_file
            .insert(docs.display(idx).to_string(), per_code);
    }
    out.module_edits.extend(result.module_edits);
    if !result.passes.is_empty() {
        out.replay
            .push(record(docs, result.passes, result.interrupted));
    }
    out.ledger.extend(
        result
            .ledger
            .into_iter()
            .map(|a| a.map_file(|i| docs.display(i).to_string())),
    );
    for f in 0..docs.count() {
        let source = docs.source(f);
        if docs.text(f) != source.text {
            out.changes.push(FileChange {
                path: docs.path(f).to_path_buf(),
                display: docs.display(f).to_string(),
                original: Some(source.encode(&source.text)),
                new: source.encode(docs.text(f)),
            });
        }
    }
}

/// What the ledger needs to replay `pkg`'s pass loop: its passes and the files their fixes edit, as read.
fn record<D: apply::Documents>(
    pkg: &D,
    passes: Vec<crate::run::replay::Pass>,
    interrupted: bool,
) -> crate::run::replay::PackageRecord {
    let fixes: Vec<&crate::rules::fix::Fix> = passes
        .iter()
        .flat_map(|p| p.fixes.iter().map(|(_, f)| f))
        .collect();
    let files = apply::touched_files(&fixes)
        .into_iter()
        .map(|i| {
            let recorded = crate::run::replay::RecordedFile {
                path: pkg.path(i).to_path_buf(),
                display: pkg.display(i).to_string(),
                source: pkg.source(i).clone(),
            };
            (i, recorded)
        })
        .collect();
    crate::run::replay::PackageRecord {
        files,
        passes,
        interrupted,
    }
}

/// A Go file read only as package context: its path and bytes.
type ContextFile = (PathBuf, Vec<u8>);

/// The `.go` files of `dir` that the go tool would compile but the walk did not select, readable and
/// valid (problems with them are not the run's business: nobody asked to scan them), and the names of
/// the directory's other regular files (`None` when it cannot be listed).
fn unwalked_go_files(
    dir: &Path,
    walked: &[PathBuf],
    max: u64,
    sources: &Sources,
) -> (Vec<ContextFile>, Option<Vec<String>>) {
    let listing: Option<Vec<PathBuf>> = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    })
    .ok()
    .map(|entries| {
        entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| dir.join(e.file_name()))
            .collect()
    });
    let other_files = listing.as_ref().map(|l| {
        let mut names: Vec<String> = l
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .filter(|n| !n.ends_with(".go"))
            .collect();
        names.sort();
        names
    });
    let on_disk = listing.unwrap_or_default();
    // Buffers never saved are package files too.
    let in_memory = sources
        .overlay
        .keys()
        .filter(|p| p.parent() == Some(dir) && !on_disk.contains(p))
        .cloned()
        .collect::<Vec<_>>();
    let mut out: Vec<(PathBuf, Vec<u8>)> = on_disk
        .into_iter()
        .chain(in_memory)
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            name.ends_with(".go")
                && !name.starts_with('_')
                && !name.starts_with('.')
                && !walked.contains(p)
        })
        .filter_map(|p| sources.read(&p, max).ok().map(|b| (p, b)))
        .collect();
    out.sort();
    (out, other_files)
}

/// The file a module edit changes or creates.
fn module_edit_path(e: &ModuleEdit) -> &PathBuf {
    match e {
        ModuleEdit::Require { gomod, .. } => gomod,
        ModuleEdit::SumLines { gosum, .. } => gosum,
        ModuleEdit::CreateFile { path, .. } => path,
    }
}

/// Merges the go.mod / go.sum edits of all packages (once per file, whatever number of fixes asked).
pub(crate) fn apply_module_edits(
    edits: Vec<ModuleEdit>,
    changes: &mut Vec<FileChange>,
    problems: &mut Vec<Problem>,
) {
    let mut by_file: BTreeMap<PathBuf, Vec<ModuleEdit>> = BTreeMap::new();
    for e in edits {
        let list = by_file.entry(module_edit_path(&e).clone()).or_default();
        if !list.contains(&e) {
            list.push(e);
        }
    }
    for (path, edits) in by_file {
        if let Some(ModuleEdit::CreateFile { bytes, .. }) = edits.first() {
            // A new file only: one that exists (or appeared since the rule looked) is left alone.
            if std::fs::symlink_metadata(&path).is_err() {
                changes.push(FileChange {
                    display: display_path(&path),
                    path,
                    original: None,
                    new: bytes.to_vec(),
                });
            }
            continue;
        }
        let original = match std::fs::read(&path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                problems.push(Problem::new(
                    display_path(&path),
                    format!("cannot read: {}", walk::io_reason(&e)),
                ));
                continue;
            }
        };
        let Ok(mut text) = String::from_utf8(original.clone().unwrap_or_default()) else {
            problems.push(Problem::new(display_path(&path), "not valid UTF-8".into()));
            continue;
        };
        for e in &edits {
            text = match e {
                ModuleEdit::Require {
                    module, version, ..
                } => gomod::add_require(&text, module, version),
                ModuleEdit::SumLines { lines, .. } => gomod::add_sum_lines(&text, lines),
                ModuleEdit::CreateFile { .. } => text,
            };
        }
        if original.as_deref() != Some(text.as_bytes()) {
            changes.push(FileChange {
                display: display_path(&path),
                path,
                original,
                new: text.into_bytes(),
            });
        }
    }
}
