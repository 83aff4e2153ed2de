//! `path:line:col: CODE [*] message` lines and the summary. A line carries the message's first sentence
//! (ruff, vet and staticcheck keep one short line per finding); `--show-reason` prints the whole message,
//! and JSON, SARIF and `explain` always carry the reasoning.

use crate::rules::fix::Applicability;
use crate::run::apply::Finding;
use crate::run::engine::{Problem, RunOutcome};
use crate::run::verify::{Dropped, Note};
use std::fmt::Write;

/// Past this many characters a first clause is cut at a word boundary.
const SHORT_MAX: usize = 140;

/// The message's first sentence: up to the first `. ` or `; ` outside parentheses and code spans; a first
/// clause that is still long stops at its first `: ` (the shape before the explanation), and anything
/// past `SHORT_MAX` characters is cut at a word with an ellipsis. The message itself is left whole.
pub fn short_message(message: &str) -> std::borrow::Cow<'_, str> {
    let bytes = message.as_bytes();
    let (mut depth, mut code) = (0usize, false);
    let (mut end, mut colon) = (message.len(), None);
    for (i, &b) in bytes.iter().enumerate() {
        let next_space = bytes.get(i + 1).is_none_or(|&n| n == b' ');
        match b {
            b'`' => code = !code,
            b'(' | b'[' if !code => depth += 1,
            b')' | b']' if !code => depth = depth.saturating_sub(1),
            b'.' | b';'
                if !code
                    && depth == 0
                    && next_space
                    && i + 1 < bytes.len()
                    && !(b == b'.' && ends_with_abbreviation(&message[..i])) =>
            {
                end = i;
                break;
            }
            b':' if !code && depth == 0 && next_space && colon.is_none() => colon = Some(i),
            _ => {}
        }
    }
    if message[..end].chars().count() > 100
        && let Some(c) = colon.filter(|&c| c < end && c >= 30)
    {
        end = c;
    }
    let first = message[..end].trim_end();
    if first.chars().count() <= SHORT_MAX {
        return if first.len() == message.len() {
            std::borrow::Cow::Borrowed(message)
        } else {
            std::borrow::Cow::Borrowed(first)
        };
    }
    // Cut at the last space before the limit that is outside a code span.
    let mut cut = 0;
    let mut code = false;
    for (n, (i, c)) in first.char_indices().enumerate() {
        if n >= SHORT_MAX {
            break;
        }
        match c {
            '`' => code = !code,
            ' ' if !code => cut = i,
            _ => {}
        }
    }
    if cut == 0 {
        return std::borrow::Cow::Borrowed(first);
    }
    std::borrow::Cow::Owned(format!("{}…", first[..cut].trim_end_matches([',', ' '])))
}

/// Said once after a report whose lines left part of a message out.
pub const SHORTENED_HINT: &str = "(lines show each message's first sentence: --show-reason prints them whole, `gofix-rt explain CODE` gives the reasoning)\n";

/// `e.g.`, `i.e.`, `etc.`, `vs.` and `cf.` do not end a sentence.
fn ends_with_abbreviation(before: &str) -> bool {
    let word = before.rsplit([' ', '(']).next().unwrap_or_default();
    matches!(word, "e.g" | "i.e" | "etc" | "vs" | "cf")
}

/// Whether the text line of this message leaves part of it out.
pub fn is_shortened(message: &str) -> bool {
    short_message(message).len() != message.len()
}

/// `[*]` marks a finding fixable at the run's threshold, `[~]` one fixable with `--unsafe-fixes`. The
/// message is its first sentence unless `full` (`--show-reason`); `(no fix: ...)` is always kept.
pub fn finding_line(path: &str, f: &Finding, threshold: Applicability, full: bool) -> String {
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
        .map(crate::semantic::profile::heat_suffix)
        .unwrap_or_default();
    let withheld = f
        .withheld
        .as_ref()
        .map(|w| format!(" (no fix: {w})"))
        .unwrap_or_default();
    let message = if full {
        std::borrow::Cow::Borrowed(f.message.as_str())
    } else {
        short_message(&f.message)
    };
    format!(
        "{path}:{}:{}: {}{mark} {message}{withheld}{low}{heat}",
        f.line, f.col, f.code
    )
}

pub fn problem_line(p: &Problem) -> String {
    match p.pos {
        Some((l, c)) => format!("{}:{l}:{c}: error: {}", p.path, p.message),
        None => format!("{}: error: {}", p.path, p.message),
    }
}

/// The marker of a `--verify` drop line.
pub use crate::run::verify::DROPPED;

/// `path: warning: verify: dropped R2 fixes: <go message>` (a warning: the tree is left consistent).
pub fn dropped_line(d: &Dropped) -> String {
    d.line()
}

pub fn note_line(n: &Note) -> String {
    format!("{}: warning: verify: {}", n.path, n.message)
}

pub fn findings(out: &RunOutcome, threshold: Applicability, full: bool) -> String {
    findings_colored(out, threshold, false, full)
}

/// With `color`, the path is bold and the code red (only on a terminal, and never under NO_COLOR).
pub fn findings_colored(
    out: &RunOutcome,
    threshold: Applicability,
    color: bool,
    full: bool,
) -> String {
    let mut s = String::new();
    for (path, f) in &out.findings {
        let line = finding_line(path, f, threshold, full);
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

#[cfg(test)]
mod tests {
    use super::short_message;

    #[test]
    fn short_message_stops_at_the_first_sentence_outside_code_and_parentheses() {
        assert_eq!(
            short_message("`x.Close()` leaks. Call it once; or not"),
            "`x.Close()` leaks"
        );
        // `; ` inside parentheses and `. ` inside a code span do not end the sentence.
        assert_eq!(
            short_message("allocates (the heap; GC) per `a. b` call; reuse one"),
            "allocates (the heap; GC) per `a. b` call"
        );
        assert_eq!(short_message("one clause only"), "one clause only");
        // A method call's dot and a version's dot are no sentence end.
        assert_eq!(
            short_message("runtime.GC at go1.22 runs"),
            "runtime.GC at go1.22 runs"
        );
        // Abbreviations do not end it either.
        assert_eq!(
            short_message("a channel, e.g. a quit channel, blocks; use a timer"),
            "a channel, e.g. a quit channel, blocks"
        );
    }

    #[test]
    fn a_long_first_clause_stops_at_its_colon_then_at_a_word() {
        let long = format!(
            "starts one goroutine per item of `docs`: {}",
            "x ".repeat(60)
        );
        assert_eq!(
            short_message(&long),
            "starts one goroutine per item of `docs`"
        );
        let words = "word ".repeat(60);
        let s = short_message(&words);
        assert!(s.ends_with('…') && s.chars().count() <= 141, "{s}");
        // A short colon clause is kept whole.
        assert_eq!(short_message("fix: use a timer"), "fix: use a timer");
    }
}

#[cfg(test)]
mod line_tests {
    use super::finding_line;
    use crate::rules::fix::Applicability;
    use crate::run::apply::Finding;

    fn finding(message: &str, withheld: Option<&str>) -> Finding {
        Finding {
            withheld: withheld.map(String::from),
            ..crate::testing::finding("R6.1", message)
        }
    }

    #[test]
    fn the_short_line_keeps_the_withheld_precondition() {
        let f = finding(
            "the loop spins; drop the default",
            Some("the condition reads a field"),
        );
        assert_eq!(
            finding_line("x.go", &f, Applicability::Safe, false),
            "x.go:3:2: R6.1 the loop spins (no fix: the condition reads a field)"
        );
        assert_eq!(
            finding_line("x.go", &f, Applicability::Safe, true),
            "x.go:3:2: R6.1 the loop spins; drop the default (no fix: the condition reads a field)"
        );
    }
}
