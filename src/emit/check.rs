//! `path:line:col: CODE [*] message` lines and the summary.

use crate::apply::Finding;
use crate::engine::{Problem, RunOutcome};
use crate::fix::Applicability;
use crate::verify::{Dropped, Note};
use std::fmt::Write;

/// `[*]` marks a finding fixable at the run's threshold, `[~]` one fixable with `--unsafe-fixes`.
pub fn finding_line(path: &str, f: &Finding, threshold: Applicability) -> String {
    let mark = match f.fix {
        Some(a) if a >= threshold && a > Applicability::DisplayOnly => " [*]",
        Some(Applicability::Unsafe) => " [~]",
        _ => "",
    };
    let low = if f.low_priority {
        " (low priority)"
    } else {
        ""
    };
    let heat = f
        .heat
        .as_ref()
        .map(crate::profile::heat_suffix)
        .unwrap_or_default();
    let withheld = f
        .withheld
        .as_ref()
        .map(|w| format!(" (no fix: {w})"))
        .unwrap_or_default();
    format!(
        "{path}:{}:{}: {}{mark} {}{withheld}{low}{heat}",
        f.line, f.col, f.code, f.message
    )
}

pub fn problem_line(p: &Problem) -> String {
    match p.pos {
        Some((l, c)) => format!("{}:{l}:{c}: error: {}", p.path, p.message),
        None => format!("{}: error: {}", p.path, p.message),
    }
}

/// The marker of a `--verify` drop line.
pub const DROPPED: &str = ": warning: verify: dropped ";

/// `path: warning: verify: dropped R2 fixes: <go message>` (a warning: the tree is left consistent).
pub fn dropped_line(d: &Dropped) -> String {
    format!(
        "{}{DROPPED}{} fixes: {}",
        d.path,
        d.codes.join(", "),
        d.message
    )
}

pub fn note_line(n: &Note) -> String {
    format!("{}: warning: verify: {}", n.path, n.message)
}

pub fn findings(out: &RunOutcome, threshold: Applicability) -> String {
    findings_colored(out, threshold, false)
}

/// With `color`, the path is bold and the code red (only on a terminal, and never under NO_COLOR).
pub fn findings_colored(out: &RunOutcome, threshold: Applicability, color: bool) -> String {
    let mut s = String::new();
    for (path, f) in &out.findings {
        let line = finding_line(path, f, threshold);
        if color {
            let prefix = format!("{path}:{}:{}:", f.line, f.col);
            let rest = &line[prefix.len()..];
            let code_end = 1 + f.code.len();
            let _ = writeln!(
                s,
                "\x1b[1m{prefix}\x1b[0m \x1b[31m{}\x1b[0m{}",
                &rest[1..code_end],
                &rest[code_end..]
            );
        } else {
            let _ = writeln!(s, "{line}");
        }
    }
    s
}

/// The closing summary (printed on stderr so stdout stays a clean report or diff).
pub fn summary(out: &RunOutcome, threshold: Applicability, applied_verb: Option<&str>) -> String {
    let mut parts = vec![];
    if let Some(verb) = applied_verb {
        let n: usize = out.applied.values().sum();
        let per: Vec<String> = out
            .applied
            .iter()
            .map(|(c, n)| format!("{c}: {n}"))
            .collect();
        if n > 0 {
            parts.push(format!(
                "{verb} {n} fix{} in {} file{} ({})",
                plural_es(n),
                out.changes.len(),
                plural(out.changes.len()),
                per.join(", ")
            ));
        } else {
            parts.push(format!("{verb} no fixes"));
        }
    }
    let total = out.findings.len();
    let fixable = out
        .findings
        .iter()
        .filter(|(_, f)| {
            f.fix
                .is_some_and(|a| a >= threshold && a > Applicability::DisplayOnly)
        })
        .count();
    let unsafe_only = out
        .findings
        .iter()
        .filter(|(_, f)| f.fix == Some(Applicability::Unsafe) && threshold > Applicability::Unsafe)
        .count();
    let noun = if applied_verb.is_some() {
        "remaining finding"
    } else {
        "finding"
    };
    let mut line = format!("{total} {noun}{}", plural(total));
    if applied_verb.is_none() && fixable > 0 {
        let _ = write!(line, ", {fixable} fixable with --write");
    }
    if unsafe_only > 0 {
        let _ = write!(line, ", {unsafe_only} more with --unsafe-fixes");
    }
    parts.push(line);
    if !out.problems.is_empty() {
        parts.push(format!(
            "{} error{}",
            out.problems.len(),
            plural(out.problems.len())
        ));
    }
    format!(
        "{}; {} file{} scanned, {} parsed\n",
        parts.join("; "),
        out.files_seen,
        plural(out.files_seen),
        out.files_parsed
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn plural_es(n: usize) -> &'static str {
    if n == 1 { "" } else { "es" }
}
