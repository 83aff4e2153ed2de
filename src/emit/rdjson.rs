//! `--format rdjson`: reviewdog's Diagnostic Format as one JSON document (`DiagnosticResult`), for
//! `reviewdog -f=rdjson`, which posts the findings as review comments on GitHub, GitLab, Gerrit or
//! Bitbucket, and a fix as a suggested change (`-reporter=github-pr-review`).
//!
//! Each finding is a diagnostic (`WARNING`; `INFO` for low priority) with its rule as `code` (and the
//! rule's page as `code.url`), positioned with 1-based lines and byte columns (the format's unit),
//! `end` exclusive. A fix at the run's threshold that is made only of byte edits in the finding's own
//! file becomes `suggestions`; fixes that also change imports or go.mod are left out, as in SARIF (the
//! replacements alone would not build). Per-file problems are `ERROR` diagnostics. Paths are as printed
//! (relative to the current directory), which reviewdog resolves itself.

use crate::apply::Finding;
use crate::emit::help_uri;
use crate::engine::RunOutcome;
use crate::fix::Applicability;
use crate::settings::Settings;
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
    suggestions: Vec<Suggestion<'a>>,
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
struct Suggestion<'a> {
    range: Range,
    text: &'a str,
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

/// The fix as suggestions, when it is at the threshold and nothing but byte edits of this file.
fn suggestions<'a>(path: &str, f: &'a Finding, threshold: Applicability) -> Vec<Suggestion<'a>> {
    let fixable = f
        .fix
        .is_some_and(|a| a >= threshold && a > Applicability::DisplayOnly);
    if !fixable
        || f.fix_edits.is_empty()
        || !f.fix_imports.is_empty()
        || !f.fix_module_edits.is_empty()
        || f.fix_edits.iter().any(|e| e.path != path)
    {
        return vec![];
    }
    f.fix_edits
        .iter()
        .map(|e| Suggestion {
            range: range(e.start, e.end),
            text: &e.content,
        })
        .collect()
}

pub fn render(out: &RunOutcome, settings: &Settings) -> String {
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
            suggestions: suggestions(path, f, settings.threshold),
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
            url: (!crate::emit::REPOSITORY.is_empty()).then_some(crate::emit::REPOSITORY),
        },
        severity: "WARNING",
        diagnostics,
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("plain data serialises");
    s.push('\n');
    s
}
