//! `--format github`: one GitHub Actions workflow command per finding, which the runner turns into an
//! annotation on the pull request's diff (no code-scanning permission needed):
//! `::warning file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message`.
//! Low-priority findings are `::notice`, per-file problems `::error`, `--verify` drops and notes
//! `::warning` on the package directory. Paths are relative to the repository root (what the runner
//! resolves them against), columns count UTF-16 code units as in SARIF (they agree with the text
//! output's byte columns on ASCII lines), and values are escaped as GitHub's toolkit escapes them.

use crate::output::emit::json::{Verified, rule_name};
use crate::output::emit::repo_relative;
use crate::run::apply::Finding;
use crate::run::engine::RunOutcome;
use std::fmt::Write;

/// A command's message: `%`, CR and LF are escaped (`%25`, `%0D`, `%0A`), so one command stays one line.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: the message's escapes plus `:` and `,`, which end a value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn message(f: &Finding) -> String {
    match &f.withheld {
        Some(w) => format!("{} (no fix: {w})", f.message),
        None => f.message.clone(),
    }
}

pub fn render(out: &RunOutcome, verified: Option<Verified<'_>>) -> String {
    let mut s = String::new();
    for (path, f) in &out.findings {
        let level = if f.low_priority { "notice" } else { "warning" };
        let name = rule_name(f.code);
        let title = if name.is_empty() {
            f.code.to_string()
        } else {
            format!("{} {name}", f.code)
        };
        let _ = writeln!(
            s,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&repo_relative(path)),
            f.line,
            f.utf16_cols.0,
            f.end_line,
            f.utf16_cols.1,
            escape_property(&title),
            escape_data(&message(f)),
        );
    }
    for p in &out.problems {
        let file = escape_property(&repo_relative(&p.path));
        // Problem columns count bytes; the line alone is exact.
        let at = p.pos.map(|(l, _)| format!(",line={l}")).unwrap_or_default();
        let _ = writeln!(
            s,
            "::error file={file}{at},title=gofix-rt::{}",
            escape_data(&p.message)
        );
    }
    if let Some(v) = verified {
        let mut warn = |path: &str, text: String| {
            let _ = writeln!(
                s,
                "::warning file={},title=gofix-rt verify::{}",
                escape_property(&repo_relative(path)),
                escape_data(&text)
            );
        };
        for d in v.dropped {
            warn(
                &d.path,
                format!("dropped {} fixes: {}", d.codes.join(", "), d.message),
            );
        }
        for n in v.notes {
            warn(&n.path, n.message.clone());
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
