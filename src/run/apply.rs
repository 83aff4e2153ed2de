//! One package through the transforms: collect diagnostics, drop suppressed ones, accept non-conflicting
//! fixes at the run's threshold, apply their edits and import plans, re-parse, and repeat until stable.
//! A package is a set of documents (`Documents`): a Go package's files, or one build file alone; the
//! kind says how findings are collected and suppressed, the loop is the same for both.

use crate::read::syntax;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::fix::{Applicability, Edit, Fix, ImportChange, ModuleEdit, TextRange};
use crate::rules::imports::apply_import_changes;
use crate::rules::suppress;
use crate::rules::transform::{Ctx, Match, Transform};
use crate::run::round::Round;
use crate::run::settings::Settings;
use crate::run::withheld::Withheld;
use crate::semantic::package::Package;
use std::collections::{BTreeMap, BTreeSet};
use streaming_iterator::StreamingIterator;
use tree_sitter::QueryCursor;

/// The transforms a pass runs: the selection, or a prefix of it for a `--branch` rule step.
type Rules = [&'static Transform];

/// A pass limit far above what independent rules need; reaching it is a bug in a transform.
pub const MAX_PASSES: usize = 10;

/// A finding as it is reported: position resolved, fix status decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// The applicability of its fix, if it has one.
    pub fix: Option<Applicability>,
    pub fix_title: Option<String>,
    pub low_priority: bool,
    /// The precondition that withheld (or lowered) the fix, as the rule said it.
    pub withheld: Option<String>,
    /// Why the pass loop left it unfixed (`None`: a report-only run would have fixed it).
    pub skipped: Option<crate::run::ledger::Skip>,
    /// Where the finding ends (1-based, columns in bytes), and the byte range it covers in the file's
    /// normalised text (BOM dropped, CRLF read as LF when every line ends so).
    pub end_line: usize,
    pub end_col: usize,
    pub range: TextRange,
    /// Start and end columns in UTF-16 code units (for SARIF).
    pub utf16_cols: (usize, usize),
    /// The fix's edits with their file's display path, for the machine-readable emitters.
    pub fix_edits: Vec<FixEdit>,
    /// Import changes and module-file edits the engine makes with the fix (not expressed as byte edits).
    pub fix_imports: Vec<(String, ImportChange)>,
    pub fix_module_edits: Vec<ModuleEdit>,
    /// With `--profile`: the enclosing function's shares of the profile.
    pub heat: Option<crate::semantic::profile::Heat>,
}

/// One edit of a finding's fix, positioned in the file it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixEdit {
    pub path: String,
    pub range: TextRange,
    pub start: (usize, usize),
    pub end: (usize, usize),
    /// Start and end columns in UTF-16 code units (for SARIF).
    pub utf16_cols: (usize, usize),
    pub content: String,
}

#[derive(Debug, Default)]
pub struct PackageOutcome {
    /// Findings per file index.
    pub findings: BTreeMap<usize, Vec<Finding>>,
    /// Applied fix counts per code.
    pub applied: BTreeMap<&'static str, usize>,
    /// Applied fix counts per file index (the file of the finding) and code.
    pub applied_by_file: BTreeMap<usize, BTreeMap<&'static str, usize>>,
    pub module_edits: BTreeSet<ModuleEdit>,
    /// Findings a `//gofixrt:ignore` directive hid in the final state, per file index and code.
    pub suppressed: BTreeMap<usize, BTreeMap<&'static str, usize>>,
    /// Internal errors (a fix that broke parsing, a malformed fix, a pass limit hit), per file index.
    pub internal_errors: Vec<(usize, String)>,
    /// Every fix applied, in order (file: the finding's file index).
    pub ledger: Vec<crate::run::ledger::Applied<usize>>,
    /// Each pass's applied fixes and the ones their edits turned away, so the
    /// package can be replayed without some rules (`run::replay`).
    pub passes: Vec<crate::run::replay::Pass>,
    /// A pass was reverted or the pass limit was hit.
    pub interrupted: bool,
}

/// The documents of one package as the pass loop sees them: a Go package's files (`Package`), or a build
/// file alone (`run::otherfiles::BuildFile`). Files are numbered as diagnostics and fixes name them.
pub trait Documents {
    /// The package directory (`--verify` withholds codes per directory).
    fn dir(&self) -> &std::path::Path;
    /// How many documents (files) the package holds.
    fn count(&self) -> usize;
    fn path(&self, f: usize) -> &std::path::Path;
    fn display(&self, f: usize) -> &str;
    /// The text as read (its encoding is how a change is written back).
    fn source(&self, f: usize) -> &crate::read::source::SourceText;
    /// The text as it now is.
    fn text(&self, f: usize) -> &str;
    fn set_text(&mut self, f: usize, text: String);
    /// False for a file read only as context: never edited.
    fn editable(&self, f: usize) -> bool;
    /// Every finding of the selected rules in the documents as they now are, suppressed ones dropped
    /// (and counted in `outcome.suppressed`), problems with the suppression comments added.
    fn collect(
        &self,
        settings: &Settings,
        rules: &Rules,
        outcome: &mut PackageOutcome,
    ) -> Vec<Diagnostic>;
    /// The texts of the declarations a syntax error holds; an edit must leave them as they were.
    fn broken_texts(&self, f: usize) -> Vec<String>;
    /// The profile's shares of the function around `offset` (Go only).
    fn heat(
        &self,
        settings: &Settings,
        f: usize,
        offset: usize,
    ) -> Option<crate::semantic::profile::Heat>;
}

impl Documents for Package {
    fn dir(&self) -> &std::path::Path {
        &self.dir
    }
    fn count(&self) -> usize {
        self.files.len()
    }
    fn path(&self, f: usize) -> &std::path::Path {
        &self.files[f].path
    }
    fn display(&self, f: usize) -> &str {
        &self.files[f].display
    }
    fn source(&self, f: usize) -> &crate::read::source::SourceText {
        &self.files[f].source
    }
    fn text(&self, f: usize) -> &str {
        &self.files[f].text
    }
    fn set_text(&mut self, f: usize, text: String) {
        Package::set_text(self, f, text);
    }
    fn editable(&self, f: usize) -> bool {
        self.files[f].editable
    }
    fn collect(
        &self,
        settings: &Settings,
        rules: &Rules,
        outcome: &mut PackageOutcome,
    ) -> Vec<Diagnostic> {
        collect(self, settings, rules, outcome)
    }
    fn broken_texts(&self, f: usize) -> Vec<String> {
        self.files[f].broken_texts()
    }
    fn heat(
        &self,
        settings: &Settings,
        f: usize,
        offset: usize,
    ) -> Option<crate::semantic::profile::Heat> {
        settings
            .profile()
            .map(|p| crate::semantic::profile::heat_of(p, self, f, offset))
    }
}

/// A kind's findings with the `per-file-ignores` of the settings applied (after the suppression
/// comments, so a directive the finding would have used is not reported unused).
fn collect_all<D: Documents>(
    docs: &D,
    settings: &Settings,
    rules: &Rules,
    outcome: &mut PackageOutcome,
) -> Vec<Diagnostic> {
    let mut found = docs.collect(settings, rules, outcome);
    if let Some(rules) = &settings.path_rules {
        found.retain(|d| !rules.ignores(docs.path(d.file), d.code));
    }
    found
}

/// Runs the transforms of `round` on the documents of a package; in fix modes their texts are updated in
/// place, except the fixes of the codes the round withholds from the package (still reported).
pub fn process<D: Documents>(pkg: &mut D, settings: &Settings, round: &Round) -> PackageOutcome {
    let (withheld, fix) = (&round.withheld, round.fixes(settings));
    let rules = round.rules(settings);
    let mut outcome = PackageOutcome::default();
    for pass in 0..MAX_PASSES {
        let diagnostics = collect_all(pkg, settings, rules, &mut outcome);
        if !fix {
            outcome.findings = resolve(pkg, &diagnostics, settings, withheld, false);
            return outcome;
        }
        let editable: Vec<bool> = (0..pkg.count()).map(|f| pkg.editable(f)).collect();
        let here = withheld.codes_in(pkg.dir());
        let selection = select(&diagnostics, settings.threshold, &here, &editable);
        let accepted = selection.accepted;
        if accepted.is_empty() {
            outcome.findings = resolve(pkg, &diagnostics, settings, withheld, true);
            return outcome;
        }
        outcome
            .passes
            .push(record_pass(&diagnostics, &accepted, &selection.blocked));
        if !apply(pkg, &diagnostics, &accepted, pass, &mut outcome) {
            // A fix broke a file: everything of this pass was reverted; report what remains unfixed.
            outcome.interrupted = true;
            outcome.passes.pop();
            let mut last = PackageOutcome::default();
            let remaining = collect_all(pkg, settings, rules, &mut last);
            outcome.suppressed = last.suppressed;
            outcome.findings = resolve(pkg, &remaining, settings, withheld, true);
            return outcome;
        }
        // Fixes made only of module edits (a file to create) leave the Go text as it was: a new pass would
        // find the same sites again. Their findings are done; what else remains is reported.
        let module_only = accepted.iter().all(|&i| {
            diagnostics[i]
                .fix
                .as_ref()
                .is_some_and(|f| f.edits.is_empty() && f.imports.is_empty())
        });
        if module_only {
            let mut last = PackageOutcome::default();
            let mut remaining = collect_all(pkg, settings, rules, &mut last);
            remaining.retain(|d| {
                !accepted.iter().any(|&i| {
                    let a = &diagnostics[i];
                    a.code == d.code && a.file == d.file && a.range == d.range
                })
            });
            outcome.suppressed = last.suppressed;
            outcome.findings = resolve(pkg, &remaining, settings, withheld, true);
            return outcome;
        }
        if pass == MAX_PASSES - 1 {
            outcome.interrupted = true;
            let codes: BTreeSet<&str> = accepted.iter().map(|&i| diagnostics[i].code).collect();
            let first = diagnostics[accepted[0]].file;
            outcome.internal_errors.push((
                first,
                format!(
                    "fixes did not converge after {MAX_PASSES} passes ({}); please report",
                    join(&codes)
                ),
            ));
        }
    }
    let mut last = PackageOutcome::default();
    let remaining = collect_all(pkg, settings, rules, &mut last);
    outcome.suppressed = last.suppressed;
    outcome.findings = resolve(pkg, &remaining, settings, withheld, true);
    outcome
}

/// Applies the fix of one finding only (file `file`, `code`, byte `range` as `Finding::range` gives them),
/// in one pass and whatever the threshold: an editor's quick fix, which the user chose. Imports are
/// planned as for any fix; what remains is reported as found afterwards.
pub fn process_one(
    pkg: &mut Package,
    settings: &Settings,
    round: &Round,
    file: usize,
    code: &str,
    range: TextRange,
) -> PackageOutcome {
    let (withheld, rules) = (&round.withheld, round.rules(settings));
    let mut outcome = PackageOutcome::default();
    let diagnostics = collect_all(pkg, settings, rules, &mut outcome);
    let target = diagnostics.iter().position(|d| {
        d.file == file
            && d.code == code
            && d.range == range
            && d.fix.as_ref().is_some_and(|f| {
                f.applicability > Applicability::DisplayOnly
                    && f.edits.iter().all(|(i, _)| pkg.files[*i].editable)
                    && f.imports.iter().all(|(i, _)| pkg.files[*i].editable)
            })
    });
    if let Some(i) = target.filter(|_| !withheld.contains(&pkg.dir, code)) {
        apply(pkg, &diagnostics, &[i], 0, &mut outcome);
    }
    let mut last = PackageOutcome::default();
    let remaining = collect_all(pkg, settings, rules, &mut last);
    outcome.suppressed = last.suppressed;
    outcome.findings = resolve(pkg, &remaining, settings, withheld, true);
    outcome
}

fn join(codes: &BTreeSet<&str>) -> String {
    codes.iter().copied().collect::<Vec<_>>().join(", ")
}

/// Runs every selected transform whose prefilter matches on every cleanly parsed, non-generated file.
fn collect(
    pkg: &Package,
    settings: &Settings,
    rules: &Rules,
    outcome: &mut PackageOutcome,
) -> Vec<Diagnostic> {
    let mut out = vec![];
    let mut planned = vec![];
    // Each collection sees the package as it now is; the last one's count is what the run reports.
    outcome.suppressed.clear();
    for (idx, file) in pkg.files.iter().enumerate() {
        if !file.candidate || file.generated {
            continue;
        }
        let mut file_diags = vec![];
        for &t in rules {
            if t.wants(file.text.as_bytes(), &pkg.module) {
                run_transform(pkg, idx, t, settings, &mut file_diags, &mut planned);
            }
        }
        // A syntax error: what a broken declaration holds is not reported (the tree there is a guess).
        let broken = file.broken_ranges();
        file_diags.retain(|d| {
            let r = d.range.start..d.range.end;
            !broken.iter().any(|b| syntax::touches(b, &r))
        });
        if !settings.ignore_suppressions {
            let hidden = filter_suppressed(pkg, idx, rules, &mut file_diags);
            if !hidden.is_empty() {
                outcome.suppressed.insert(idx, hidden);
            }
        }
        out.extend(file_diags);
    }
    if let (Some(min), Some(profile)) = (settings.min_hot, settings.profile()) {
        gate_on_heat(pkg, profile, min, &mut out);
    }
    withhold_fixes_into_broken_code(pkg, &mut out);
    for d in &mut out {
        if let Some(f) = &mut d.fix
            && let Err(e) = f.normalise()
        {
            outcome.internal_errors.push((
                d.file,
                format!("{} built a malformed fix: {e}; please report", d.code),
            ));
            d.fix = None;
        }
    }
    out
}

/// A fix never edits a declaration that holds a syntax error, nor (through its import changes) the import
/// block of a file whose header is broken: the finding stays, its fix is withheld. In a file with a syntax
/// error imports are added but never removed: a reference the broken code holds cannot be seen.
fn withhold_fixes_into_broken_code(pkg: &Package, diags: &mut [Diagnostic]) {
    // Only files a fix edits are looked at (and so parsed).
    let mut broken: BTreeMap<usize, Vec<std::ops::Range<usize>>> = BTreeMap::new();
    let mut broken_of = |f: usize| {
        broken
            .entry(f)
            .or_insert_with(|| pkg.files[f].broken_ranges())
            .clone()
    };
    for d in diags.iter_mut() {
        let Some(fix) = &mut d.fix else { continue };
        let mut into_broken = false;
        for (f, e) in &fix.edits {
            let r = e.range.start..e.range.end;
            into_broken |= broken_of(*f).iter().any(|b| syntax::touches(b, &r));
        }
        fix.imports.retain(|(f, c)| {
            let b = broken_of(*f);
            if b.is_empty() {
                return true;
            }
            let header = syntax::header_end(pkg.files[*f].tree());
            into_broken |= b.iter().any(|b| b.start <= header);
            !matches!(c, ImportChange::RemoveIfUnused { .. })
        });
        if into_broken {
            d.fix = None;
            d.withhold("the fix would edit a declaration that has a syntax error");
        }
    }
}

/// `--min-hot`: drops the findings (and so the fixes) of behind-a-profile rules whose enclosing function
/// is colder than `min` percent cumulative; always-ship rules and the engine's own findings stay.
fn gate_on_heat(
    pkg: &Package,
    profile: &crate::semantic::profile::Profile,
    min: f64,
    diags: &mut Vec<Diagnostic>,
) {
    diags.retain(|d| {
        let behind = crate::catalog::registry::lookup(d.code)
            .is_some_and(|t| t.meta.tier == crate::rules::transform::Tier::BehindProfile);
        !behind || crate::semantic::profile::heat_of(profile, pkg, d.file, d.range.start).cum >= min
    });
}

fn run_transform(
    pkg: &Package,
    idx: usize,
    t: &'static Transform,
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
    planned: &mut Vec<(usize, String, String)>,
) {
    let file = &pkg.files[idx];
    let query = crate::catalog::registry::query(t);
    let names = query.capture_names();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, file.tree().root_node(), file.text.as_bytes());
    let mut collected = vec![];
    while let Some(m) = matches.next() {
        collected.push(Match {
            captures: m
                .captures()
                .iter()
                .map(|c| (names[c.index as usize], c.node))
                .collect(),
            pattern_index: m.pattern_index,
        });
    }
    let mut cx = Ctx {
        pkg,
        file_idx: idx,
        transform: t,
        options: &settings.options,
        out,
        planned_names: planned,
        memo: Default::default(),
    };
    for m in &collected {
        (t.run)(&mut cx, m);
    }
}

/// The code under which unknown and unused `//gofixrt:` directives are reported.
pub const SUPPRESSION_CODE: &str = "SUP";

/// Drops the diagnostics a directive suppresses and returns how many per code.
fn filter_suppressed(
    pkg: &Package,
    idx: usize,
    rules: &Rules,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<&'static str, usize> {
    let mut hidden = BTreeMap::new();
    let file = &pkg.files[idx];
    let mut dirs = suppress::parse(&file.text);
    if dirs.is_empty() {
        return hidden;
    }
    let lines = crate::read::source::LineIndex::new(&file.text);
    let root = file.tree().root_node();
    diags.retain(|d| {
        let line = lines.line_col(d.range.start).0;
        let stmt_line = root
            .descendant_for_byte_range(d.range.start, d.range.start)
            .and_then(syntax::enclosing_statement)
            .map_or(line, |s| s.start_position().row + 1);
        let name = crate::catalog::registry::lookup(d.code).map_or("", |t| t.meta.name);
        let suppressed = suppress::suppresses(&mut dirs, d.code, name, line, stmt_line);
        if suppressed {
            *hidden.entry(d.code).or_default() += 1;
        }
        !suppressed
    });
    diags.extend(suppression_problems(&dirs, rules, idx, "//"));
    hidden
}

/// The `SUP` findings of a file's suppression directives: one naming no transform or an unknown one, or
/// a selected transform that found nothing there (a stale suppression hides the next real finding).
/// `marker` is how the file's comments start (`//` in Go, `#` in build files).
pub(crate) fn suppression_problems(
    dirs: &[crate::rules::suppress::Directive],
    selected: &[&'static Transform],
    file: usize,
    marker: &str,
) -> Vec<Diagnostic> {
    let mut out = vec![];
    for d in dirs {
        let mut report = |message: String| {
            out.push(Diagnostic {
                code: SUPPRESSION_CODE,
                file,
                range: d.range,
                message,
                fix: None,
                low_priority: false,
                withheld: None,
            })
        };
        if d.codes.is_empty() {
            let sep = if marker == "#" { " " } else { "" };
            report(format!(
                "suppression names no transform; write `{marker}{sep}gofixrt:ignore CODE reason`"
            ));
            continue;
        }
        for c in &d.codes {
            match crate::catalog::registry::lookup(c) {
                None => report(format!(
                    "suppression names unknown transform `{c}` (see `gofix-rt list`)"
                )),
                Some(t) if !d.used && selected.iter().any(|s| std::ptr::eq(*s, t)) => {
                    report(format!(
                        "unused suppression: {} reports nothing here; remove the directive",
                        t.meta.code
                    ))
                }
                Some(_) => {}
            }
        }
    }
    out
}

/// The fixes a pass applies (diagnostic indices, in application order) and those turned away for
/// overlapping one of them (with the indices of the accepted fixes they overlap).
#[derive(Debug, Default)]
pub(crate) struct Selection {
    pub accepted: Vec<usize>,
    pub blocked: Vec<(usize, Vec<usize>)>,
}

/// Chooses the fixes to apply this pass: at or above the threshold, in a deterministic order, skipping any
/// fix with an edit that overlaps an accepted one (identical edits coalesce), and any fix of a `withheld`
/// code (still reported).
pub(crate) fn select(
    diags: &[Diagnostic],
    threshold: Applicability,
    withheld: &[&str],
    editable: &[bool],
) -> Selection {
    let mut order: Vec<usize> = (0..diags.len())
        .filter(|&i| {
            !withheld.contains(&diags[i].code)
                && diags[i].fix.as_ref().is_some_and(|f| {
                    f.applicability >= threshold
                        && f.applicability > Applicability::DisplayOnly
                        // A fix left with nothing to change (a build rule keeps an edit two
                        // findings share on the first) is not applied.
                        && !(f.edits.is_empty() && f.imports.is_empty() && f.module_edits.is_empty())
                        // Files read only as package context are never edited.
                        && f.edits.iter().all(|(file, _)| editable[*file])
                        && f.imports.iter().all(|(file, _)| editable[*file])
                })
        })
        .collect();
    order.sort_by_key(|&i| {
        let d = &diags[i];
        let first = d
            .fix
            .as_ref()
            .and_then(|f| f.edits.first())
            .map(|(f, e)| (*f, e.range.start));
        (first, d.code)
    });
    // Each accepted edit with the fix that brought it first.
    let mut taken: BTreeMap<usize, Vec<(Edit, usize)>> = BTreeMap::new();
    let mut out = Selection::default();
    for i in order {
        let fix = diags[i].fix.as_ref().expect("filtered above");
        let mut by: Vec<usize> = fix
            .edits
            .iter()
            .flat_map(|(f, e)| {
                taken
                    .get(f)
                    .into_iter()
                    .flatten()
                    .filter(move |(a, _)| a != e && conflicts(a, e))
                    .map(|(_, owner)| *owner)
            })
            .collect();
        if by.is_empty() {
            for (f, e) in &fix.edits {
                let list = taken.entry(*f).or_default();
                if !list.iter().any(|(a, _)| a == e) {
                    list.push((e.clone(), i));
                }
            }
            out.accepted.push(i);
        } else {
            by.sort_unstable();
            by.dedup();
            out.blocked.push((i, by));
        }
    }
    out
}

/// The ledger's record of one pass: the fixes applied and the codes each turned-away fix overlapped.
fn record_pass(
    diags: &[Diagnostic],
    accepted: &[usize],
    blocked: &[(usize, Vec<usize>)],
) -> crate::run::replay::Pass {
    crate::run::replay::Pass {
        fixes: accepted
            .iter()
            .map(|&i| {
                (
                    diags[i].code,
                    diags[i].fix.clone().expect("accepted fixes exist"),
                )
            })
            .collect(),
        blocked: blocked
            .iter()
            .map(|(i, by)| (diags[*i].code, by.iter().map(|&j| diags[j].code).collect()))
            .collect(),
    }
}

/// Two different edits conflict when their ranges overlap, when an insertion falls strictly inside a
/// replaced range, or when both insert at one offset (their order would be arbitrary).
fn conflicts(a: &Edit, b: &Edit) -> bool {
    let (ra, rb) = (a.range, b.range);
    if ra.is_empty() && rb.is_empty() {
        return ra.start == rb.start;
    }
    if ra.is_empty() {
        return rb.start < ra.start && ra.start < rb.end;
    }
    if rb.is_empty() {
        return ra.start < rb.start && rb.start < ra.end;
    }
    ra.start < rb.end && rb.start < ra.end
}

/// The files (package indices) a pass's fixes edit or change the imports of.
pub(crate) fn touched_files(fixes: &[&Fix]) -> BTreeSet<usize> {
    fixes
        .iter()
        .flat_map(|f| {
            f.edits
                .iter()
                .map(|(i, _)| *i)
                .chain(f.imports.iter().map(|(i, _)| *i))
        })
        .collect()
}

/// The new texts of the files a pass's fixes touch, from their texts before it (`text_of`): edits
/// applied (identical ones once), then import changes. The pass loop and the ledger's replay both
/// apply fixes here.
pub(crate) fn pass_texts<'a>(
    fixes: &[&Fix],
    text_of: impl Fn(usize) -> &'a str,
) -> BTreeMap<usize, String> {
    let mut edits: BTreeMap<usize, Vec<Edit>> = BTreeMap::new();
    let mut imports: BTreeMap<usize, Vec<ImportChange>> = BTreeMap::new();
    for fix in fixes {
        for (f, e) in &fix.edits {
            let list = edits.entry(*f).or_default();
            if !list.contains(e) {
                list.push(e.clone());
            }
        }
        for (f, c) in &fix.imports {
            imports.entry(*f).or_default().push(c.clone());
        }
    }
    touched_files(fixes)
        .into_iter()
        .map(|f| {
            let mut text =
                crate::rules::fix::apply_edits(text_of(f), edits.remove(&f).unwrap_or_default());
            if let Some(changes) = imports.get(&f) {
                text = apply_import_changes(&text, changes);
            }
            (f, text)
        })
        .collect()
}

/// Applies the accepted fixes. Returns false (after reverting the pass) if an edited file no longer parses.
fn apply<D: Documents>(
    pkg: &mut D,
    diags: &[Diagnostic],
    accepted: &[usize],
    pass: usize,
    outcome: &mut PackageOutcome,
) -> bool {
    let fixes: Vec<&Fix> = accepted
        .iter()
        .map(|&i| diags[i].fix.as_ref().expect("accepted fixes exist"))
        .collect();
    let touched = touched_files(&fixes);
    let before: Vec<(usize, String)> = touched
        .iter()
        .map(|&f| (f, pkg.text(f).to_string()))
        .collect();
    // A file with a syntax error stays broken exactly where it was: same broken declarations, no new ones.
    let broken_before: BTreeMap<usize, Vec<String>> =
        touched.iter().map(|&f| (f, pkg.broken_texts(f))).collect();
    let texts = pass_texts(&fixes, |f| pkg.text(f));
    for (f, text) in texts {
        pkg.set_text(f, text);
    }
    let broken: Vec<usize> = touched
        .iter()
        .copied()
        .filter(|&f| pkg.broken_texts(f) != broken_before[&f])
        .collect();
    if !broken.is_empty() {
        for (f, text) in before {
            pkg.set_text(f, text);
        }
        let codes: BTreeSet<&str> = accepted.iter().map(|&i| diags[i].code).collect();
        for f in broken {
            outcome.internal_errors.push((f, format!("internal error: {} produced invalid Go; the file was left unchanged; please report", join(&codes))));
        }
        return false;
    }
    for &i in accepted {
        *outcome.applied.entry(diags[i].code).or_default() += 1;
        *outcome
            .applied_by_file
            .entry(diags[i].file)
            .or_default()
            .entry(diags[i].code)
            .or_default() += 1;
        if let Some(fix) = &diags[i].fix {
            outcome
                .module_edits
                .extend(fix.module_edits.iter().cloned());
            outcome.ledger.push(crate::run::ledger::Applied {
                code: diags[i].code,
                file: diags[i].file,
                pass,
                applicability: fix.applicability,
                edits: fix.edits.len(),
            });
        }
    }
    true
}

/// Positions resolved and, for each finding, why it is still here (`fixing`: this run applies fixes).
fn resolve<D: Documents>(
    pkg: &D,
    diags: &[Diagnostic],
    settings: &Settings,
    withheld: &Withheld,
    fixing: bool,
) -> BTreeMap<usize, Vec<Finding>> {
    let mut out: BTreeMap<usize, Vec<Finding>> = BTreeMap::new();
    let mut indexes: BTreeMap<usize, crate::read::source::LineIndex> = BTreeMap::new();
    // (line, byte column, UTF-16 column), all 1-based.
    let mut pos = |file: usize, offset: usize| {
        let text = pkg.text(file);
        let index = indexes
            .entry(file)
            .or_insert_with(|| crate::read::source::LineIndex::new(text));
        let (line, col) = index.line_col(offset);
        (line, col, index.utf16_col(text, offset))
    };
    for d in diags {
        let (line, col, col16) = pos(d.file, d.range.start);
        let (end_line, end_col, end_col16) = pos(d.file, d.range.end);
        let fix = d.fix.as_ref();
        let fix_edits = fix.map_or(vec![], |f| {
            f.edits
                .iter()
                .map(|(file, e)| {
                    let (l0, c0, u0) = pos(*file, e.range.start);
                    let (l1, c1, u1) = pos(*file, e.range.end);
                    FixEdit {
                        path: pkg.display(*file).to_string(),
                        range: e.range,
                        start: (l0, c0),
                        end: (l1, c1),
                        utf16_cols: (u0, u1),
                        content: e.content.clone(),
                    }
                })
                .collect()
        });
        out.entry(d.file).or_default().push(Finding {
            code: d.code,
            line,
            col,
            message: d.message.clone(),
            fix: fix.map(|f| f.applicability),
            fix_title: fix.map(|f| f.title.clone()),
            low_priority: d.low_priority,
            withheld: d.withheld.clone(),
            skipped: crate::run::ledger::Skip::of(
                fix.map(|f| f.applicability),
                d.withheld.is_some(),
                settings.threshold,
                fixing,
                withheld.contains(pkg.dir(), d.code),
            ),
            end_line,
            end_col,
            range: d.range,
            utf16_cols: (col16, end_col16),
            fix_edits,
            fix_imports: fix.map_or(vec![], |f| {
                f.imports
                    .iter()
                    .map(|(file, c)| (pkg.display(*file).to_string(), c.clone()))
                    .collect()
            }),
            fix_module_edits: fix.map_or(vec![], |f| f.module_edits.clone()),
            heat: pkg.heat(settings, d.file, d.range.start),
        });
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| (a.line, a.col, a.code).cmp(&(b.line, b.col, b.code)));
        v.dedup();
    }
    out
}
