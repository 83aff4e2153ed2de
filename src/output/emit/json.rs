//! `--format json`: one JSON document per run, schema described in docs/ci.md, "JSON output".
//! The field names below are that schema; `SCHEMA_VERSION` changes when a field is renamed or removed
//! (adding a field does not change it).

use crate::read::walk::display_path;
use crate::rules::fix::{Applicability, ImportChange, ModuleEdit, TextRange};
use crate::run::apply::{Finding, FixEdit, SUPPRESSION_CODE};
use crate::run::engine::{Problem, RunOutcome};
use crate::run::settings::{Mode, Settings};
use crate::run::verify::{Dropped, Note};
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 1;

/// Why a remaining finding was not fixed, as the pass loop recorded it (`None` only in check mode for a
/// finding that `--write` would fix).
pub fn finding_reason(f: &Finding) -> Option<&'static str> {
    f.skipped.map(crate::run::ledger::Skip::as_str)
}

/// The transform's name for a code (`suppression` for the engine's own SUP findings).
pub fn rule_name(code: &str) -> &'static str {
    if code == SUPPRESSION_CODE {
        return "suppression";
    }
    crate::catalog::registry::lookup(code).map_or("", |t| t.meta.name)
}

pub fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Check => "check",
        Mode::DryRun => "dry-run",
        Mode::Write => "write",
    }
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    mode: &'static str,
    unsafe_fixes: bool,
    shard: Option<ShardOut>,
    findings: Vec<FindingOut<'a>>,
    files: Vec<FileOut<'a>>,
    changes: Vec<ChangeOut<'a>>,
    problems: Vec<ProblemOut<'a>>,
    verify: Option<VerifyOut<'a>>,
    /// With `--profile`: the profile read and its runtime signature summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<ProfileOut>,
    summary: Summary,
}

#[derive(Serialize)]
struct ProfileOut {
    path: String,
    sample_type: String,
    samples: usize,
    total: i64,
    min_hot: Option<f64>,
    signatures: Vec<crate::output::emit::profile_summary::SummaryEntry>,
}

/// A finding's enclosing function and its shares of the profile, in percent.
#[derive(Serialize)]
struct HeatOut<'a> {
    function: &'a str,
    flat: f64,
    cum: f64,
}

/// What `--verify` dropped (fixes that broke a package's build or vet) and noted.
#[derive(Serialize)]
struct VerifyOut<'a> {
    dropped: Vec<DroppedOut<'a>>,
    notes: Vec<NoteOut<'a>>,
}

#[derive(Serialize)]
struct DroppedOut<'a> {
    path: &'a str,
    codes: &'a [&'static str],
    message: &'a str,
}

#[derive(Serialize)]
struct NoteOut<'a> {
    path: &'a str,
    message: &'a str,
}

/// The `--verify` results a document reports (`None` without `--verify`).
#[derive(Clone, Copy)]
pub struct Verified<'a> {
    pub dropped: &'a [Dropped],
    pub notes: &'a [Note],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct ShardOut {
    index: u64,
    count: u64,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct ByteRange {
    start: usize,
    end: usize,
}

impl From<TextRange> for ByteRange {
    fn from(r: TextRange) -> ByteRange {
        ByteRange {
            start: r.start,
            end: r.end,
        }
    }
}

#[derive(Serialize)]
struct FindingOut<'a> {
    code: &'a str,
    name: &'static str,
    path: &'a str,
    start: Position,
    end: Position,
    byte_range: ByteRange,
    message: &'a str,
    /// The message's first sentence, as the text output prints it.
    title: std::borrow::Cow<'a, str>,
    low_priority: bool,
    skipped_reason: Option<&'static str>,
    /// The precondition that withheld the fix (or lowered it to unsafe), as the rule words it.
    fix_withheld: Option<&'a str>,
    fix: Option<FixOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<HeatOut<'a>>,
}

#[derive(Serialize)]
struct FixOut<'a> {
    title: &'a str,
    applicability: &'static str,
    edits: Vec<EditOut<'a>>,
    imports: Vec<ImportOut<'a>>,
    module_edits: Vec<ModuleEditOut<'a>>,
}

#[derive(Serialize)]
struct EditOut<'a> {
    path: &'a str,
    start: Position,
    end: Position,
    byte_range: ByteRange,
    text: &'a str,
}

#[derive(Serialize)]
struct ImportOut<'a> {
    path: &'a str,
    action: &'static str,
    import_path: &'a str,
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct ModuleEditOut<'a> {
    path: String,
    action: &'static str,
    module: Option<&'a str>,
    version: Option<&'a str>,
    lines: Vec<&'a str>,
}

#[derive(Serialize)]
struct FileOut<'a> {
    path: &'a str,
    findings: usize,
    applied: BTreeMap<&'a str, usize>,
    skipped: Vec<SkippedOut<'a>>,
    changed: bool,
}

#[derive(Serialize)]
struct SkippedOut<'a> {
    code: &'a str,
    reason: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct ChangeOut<'a> {
    path: &'a str,
    new_file: bool,
}

#[derive(Serialize)]
struct ProblemOut<'a> {
    path: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    findings: usize,
    fixable: usize,
    unsafe_fixable: usize,
    applied: usize,
    files_changed: usize,
    problems: usize,
    files_scanned: usize,
    files_parsed: usize,
}

fn edit_out(e: &FixEdit) -> EditOut<'_> {
    EditOut {
        path: &e.path,
        start: Position {
            line: e.start.0,
            column: e.start.1,
        },
        end: Position {
            line: e.end.0,
            column: e.end.1,
        },
        byte_range: e.range.into(),
        text: &e.content,
    }
}

fn import_out<'a>(path: &'a str, c: &'a ImportChange) -> ImportOut<'a> {
    let (action, import_path, name) = match c {
        ImportChange::Add { path, name } => ("add", path, Some(name.as_str())),
        ImportChange::RemoveIfUnused { path } => ("remove-if-unused", path, None),
        ImportChange::RemoveBlank { path } => ("remove-blank", path, None),
    };
    ImportOut {
        path,
        action,
        import_path,
        name,
    }
}

fn module_edit_out(e: &ModuleEdit) -> ModuleEditOut<'_> {
    match e {
        ModuleEdit::Require {
            gomod,
            module,
            version,
        } => ModuleEditOut {
            path: display_path(gomod),
            action: "require",
            module: Some(module),
            version: Some(version),
            lines: vec![],
        },
        ModuleEdit::SumLines { gosum, lines } => ModuleEditOut {
            path: display_path(gosum),
            action: "add-sum-lines",
            module: None,
            version: None,
            lines: lines.iter().map(String::as_str).collect(),
        },
        ModuleEdit::CreateFile { path, .. } => ModuleEditOut {
            path: display_path(path),
            action: "create-file",
            module: None,
            version: None,
            lines: vec![],
        },
    }
}

fn is_fixable(fix: Option<Applicability>, threshold: Applicability) -> bool {
    fix.is_some_and(|a| a >= threshold && a > Applicability::DisplayOnly)
}

/// The whole document, pretty-printed, with a trailing newline.
pub fn render(out: &RunOutcome, settings: &Settings, verified: Option<Verified<'_>>) -> String {
    let threshold = settings.threshold;
    let mut files: BTreeMap<&str, FileOut<'_>> = BTreeMap::new();
    let mut findings = vec![];
    for (path, f) in &out.findings {
        let reason = finding_reason(f);
        let entry = file_entry(&mut files, path);
        entry.findings += 1;
        if let Some(reason) = reason {
            match entry
                .skipped
                .iter_mut()
                .find(|s| s.code == f.code && s.reason == reason)
            {
                Some(s) => s.count += 1,
                None => entry.skipped.push(SkippedOut {
                    code: f.code,
                    reason,
                    count: 1,
                }),
            }
        }
        findings.push(FindingOut {
            code: f.code,
            name: rule_name(f.code),
            path,
            start: Position {
                line: f.line,
                column: f.col,
            },
            end: Position {
                line: f.end_line,
                column: f.end_col,
            },
            byte_range: f.range.into(),
            message: &f.message,
            title: crate::output::emit::check::short_message(&f.message),
            low_priority: f.low_priority,
            skipped_reason: reason,
            fix_withheld: f.withheld.as_deref(),
            fix: f.fix.map(|a| FixOut {
                title: f.fix_title.as_deref().unwrap_or_default(),
                applicability: a.as_str(),
                edits: f.fix_edits.iter().map(edit_out).collect(),
                imports: f
                    .fix_imports
                    .iter()
                    .map(|(p, c)| import_out(p, c))
                    .collect(),
                module_edits: f.fix_module_edits.iter().map(module_edit_out).collect(),
            }),
            profile: f.heat.as_ref().map(|h| HeatOut {
                function: &h.function,
                flat: round1(h.flat),
                cum: round1(h.cum),
            }),
        });
    }
    for (path, per_code) in &out.applied_by_file {
        file_entry(&mut files, path).applied = per_code.iter().map(|(c, n)| (*c, *n)).collect();
    }
    for c in &out.changes {
        file_entry(&mut files, &c.display).changed = true;
    }
    for f in files.values_mut() {
        f.skipped
            .sort_by(|a, b| (a.code, a.reason).cmp(&(b.code, b.reason)));
    }
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        mode: mode_name(settings.mode),
        unsafe_fixes: threshold <= Applicability::Unsafe,
        shard: settings.shard.map(|s| ShardOut {
            index: s.index,
            count: s.count,
        }),
        summary: Summary {
            findings: out.findings.len(),
            fixable: out
                .findings
                .iter()
                .filter(|(_, f)| is_fixable(f.fix, threshold))
                .count(),
            unsafe_fixable: out
                .findings
                .iter()
                .filter(|(_, f)| {
                    f.fix == Some(Applicability::Unsafe) && threshold > Applicability::Unsafe
                })
                .count(),
            applied: out.applied.values().sum(),
            files_changed: out.changes.len(),
            problems: out.problems.len(),
            files_scanned: out.files_seen,
            files_parsed: out.files_parsed,
        },
        findings,
        files: files.into_values().collect(),
        changes: out
            .changes
            .iter()
            .map(|c| ChangeOut {
                path: &c.display,
                new_file: c.original.is_none(),
            })
            .collect(),
        problems: out.problems.iter().map(problem_out).collect(),
        profile: settings.profile().map(|p| ProfileOut {
            path: p.path.display().to_string(),
            sample_type: p.value_type.clone(),
            samples: p.sample_count,
            total: p.total,
            min_hot: settings.min_hot,
            signatures: crate::output::emit::profile_summary::summarize(p, &out.findings),
        }),
        verify: verified.map(|v| VerifyOut {
            dropped: v
                .dropped
                .iter()
                .map(|d| DroppedOut {
                    path: &d.path,
                    codes: &d.codes,
                    message: &d.message,
                })
                .collect(),
            notes: v
                .notes
                .iter()
                .map(|n| NoteOut {
                    path: &n.path,
                    message: &n.message,
                })
                .collect(),
        }),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("plain data serialises");
    s.push('\n');
    s
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn file_entry<'a, 'b>(
    files: &'b mut BTreeMap<&'a str, FileOut<'a>>,
    path: &'a str,
) -> &'b mut FileOut<'a> {
    files.entry(path).or_insert_with(|| FileOut {
        path,
        findings: 0,
        applied: BTreeMap::new(),
        skipped: vec![],
        changed: false,
    })
}

fn problem_out(p: &Problem) -> ProblemOut<'_> {
    ProblemOut {
        path: &p.path,
        line: p.pos.map(|(l, _)| l),
        column: p.pos.map(|(_, c)| c),
        message: &p.message,
    }
}
