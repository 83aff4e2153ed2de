//! `--format rdjson`: reviewdog's Diagnostic Format as one JSON document (`DiagnosticResult`), for
//! `reviewdog -f=rdjson`, which posts the findings as review comments on GitHub, GitLab, Gerrit or
//! Bitbucket, and a fix as a suggested change (`-reporter=github-pr-review`).
//!
//! Each finding is a diagnostic (`WARNING`; `INFO` for low priority) with its rule as `code` (and the
//! rule's page as `code.url`), positioned with 1-based lines and byte columns (the format's unit),
//! `end` exclusive. A fix at the run's threshold that is made only of byte edits in the finding's own
//! file becomes one line-wise suggestion: the lines from its first edit to its last, as the fix leaves
//! them. One suggestion over whole lines is what a GitHub suggested change can hold (reviewdog posts
//! a suggestion only when its lines are the comment's, and takes the comment's from the first one).
//! Fixes that also change imports or go.mod are left out, as in SARIF (the replacements alone would not
//! build). Per-file problems are `ERROR` diagnostics. Paths are as printed
//! (relative to the current directory), which reviewdog resolves itself.

use crate::output::emit::help_uri;
use crate::rules::fix::Applicability;
use crate::run::apply::Finding;
use crate::run::engine::RunOutcome;
use crate::run::settings::Settings;
use serde::Serialize;

#[derive(Serialize)]
struct DiagnosticResult<'a> {
    source: Source,
    severity: &'static str,
    diagnostics: Vec<Diagnostic<'a>>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'static str>,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    message: String,
    location: Location<'a>,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<Code<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<Suggestion>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<Range>,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<Position>,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

#[derive(Serialize)]
struct Code<'a> {
    value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Suggestion {
    range: Range,
    text: String,
}

fn range(start: (usize, usize), end: (usize, usize)) -> Range {
    Range {
        start: Position {
            line: start.0,
            column: Some(start.1),
        },
        end: Some(Position {
            line: end.0,
            column: Some(end.1),
        }),
    }
}

/// The fix as one line-wise suggestion, when it is at the threshold and nothing but byte edits of this
/// file whose positions fall inside `lines` (the file's lines, as the positions count them).
fn suggestion(
    path: &str,
    f: &Finding,
    threshold: Applicability,
    lines: &[String],
) -> Option<Suggestion> {
    let fixable = f
        .fix
        .is_some_and(|a| a >= threshold && a > Applicability::DisplayOnly);
    if !fixable
        || f.fix_edits.is_empty()
        || !f.fix_imports.is_empty()
        || !f.fix_module_edits.is_empty()
        || f.fix_edits.iter().any(|e| e.path != path)
    {
        return None;
    }
    let first = f.fix_edits.iter().map(|e| e.start.0).min()?;
    // An edit that ends at the start of a line (a deleted line with its newline) ends on the line before.
    let last = f
        .fix_edits
        .iter()
        .map(|e| {
            if e.end.1 == 1 && e.end.0 > e.start.0 {
                e.end.0 - 1
            } else {
                e.end.0
            }
        })
        .max()?;
    if first == 0 || last < first || last > lines.len() {
        return None;
    }
    // The block with a newline after each line, so an edit ending at (last + 1, 1) stays inside it.
    let mut block = String::new();
    let mut starts = vec![];
    for l in &lines[first - 1..last] {
        starts.push(block.len());
        block.push_str(l);
        block.push('\n');
    }
    starts.push(block.len());
    let offset = |(line, col): (usize, usize)| -> Option<usize> {
        let o = starts.get(line.checked_sub(first)?)? + col.checked_sub(1)?;
        block.is_char_boundary(o).then_some(o)
    };
    let mut edits = vec![];
    for e in &f.fix_edits {
        let (a, b) = (offset(e.start)?, offset(e.end)?);
        if a > b {
            return None;
        }
        edits.push((a, b, e.content.as_str()));
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for w in edits.windows(2) {
        if w[1].1 > w[0].0 {
            return None; // overlapping edits: not one fix's
        }
    }
    for (a, b, text) in edits {
        block.replace_range(a..b, text);
    }
    let text = match block.strip_suffix('\n') {
        Some(t) => t.to_string(),
        // The fix joined the block to the line after it: not expressible over these lines.
        None if !block.is_empty() => return None,
        None => String::new(),
    };
    // An empty suggestion deletes the lines; a block that became one empty line cannot say so.
    if text.is_empty() && !block.is_empty() {
        return None;
    }
    Some(Suggestion {
        range: Range {
            start: Position {
                line: first,
                column: None,
            },
            end: Some(Position {
                line: last,
                column: None,
            }),
        },
        text,
    })
}

pub fn render(out: &RunOutcome, settings: &Settings) -> String {
    let mut files: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    let mut diagnostics: Vec<Diagnostic<'_>> = out
        .findings
        .iter()
        .map(|(path, f)| Diagnostic {
            message: match &f.withheld {
                Some(w) => format!("{} (no fix: {w})", f.message),
                None => f.message.clone(),
            },
            location: Location {
                path,
                range: Some(range((f.line, f.col), (f.end_line, f.end_col))),
            },
            severity: if f.low_priority { "INFO" } else { "WARNING" },
            code: Some(Code {
                value: f.code,
                url: help_uri(f.code),
            }),
            suggestions: suggestion(
                path,
                f,
                settings.threshold,
                files
                    .entry(path)
                    .or_insert_with(|| crate::output::emit::current_lines(out, path)),
            )
            .into_iter()
            .collect(),
        })
        .collect();
    diagnostics.extend(out.problems.iter().map(|p| Diagnostic {
        message: p.message.clone(),
        location: Location {
            path: &p.path,
            range: p.pos.map(|(l, c)| Range {
                start: Position {
                    line: l,
                    column: Some(c),
                },
                end: None,
            }),
        },
        severity: "ERROR",
        code: None,
        suggestions: vec![],
    }));
    let doc = DiagnosticResult {
        source: Source {
            name: env!("CARGO_PKG_NAME"),
            url: (!crate::output::emit::REPOSITORY.is_empty())
                .then_some(crate::output::emit::REPOSITORY),
        },
        severity: "WARNING",
        diagnostics,
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("plain data serialises");
    s.push('\n');
    s
}
