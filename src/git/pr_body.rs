//! `--pr-body`: a pull-request description in Markdown for one branch — what was fixed, why, the
//! trade-offs, what was found but left alone and why, and how to check it.

use crate::catalog::docs;
use crate::git::branch::MadeBranch;
use crate::rules::fix::Applicability;
use crate::run::apply::{Finding, SUPPRESSION_CODE};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Rows of the "found but not fixed" table before the rest is only counted.
const MAX_UNFIXED_ROWS: usize = 100;

pub fn render(b: &MadeBranch, threshold: Applicability) -> String {
    let mut s = String::new();
    let scope = b
        .slug
        .as_ref()
        .map_or(String::new(), |slug| format!(" ({slug})"));
    let _ = writeln!(s, "# Go runtime fixes by gofix-rt{scope}\n");
    let _ = writeln!(
        s,
        "Automated rewrites of Go runtime anti-patterns, one commit per rule on `{}`: to drop a rule, revert \
         its commit. Made by gofix-rt {}.\n",
        b.name,
        env!("CARGO_PKG_VERSION")
    );
    s.push_str("## Summary\n\n| rule | sites | files | applicability |\n|---|---|---|---|\n");
    for c in &b.commits {
        let _ = writeln!(
            s,
            "| {} `{}` | {} | {} | {} |",
            c.transform.meta.code,
            c.transform.meta.name,
            c.sites,
            c.files.len(),
            c.applicability
        );
    }
    s.push_str("\n## Why each rule, and its trade-off\n");
    for c in &b.commits {
        let t = c.transform;
        let doc = docs::doc(t);
        let what = docs::first_paragraph(&doc, "## What it does").unwrap_or_default();
        let _ = writeln!(s, "\n### {} `{}`\n\n{what}\n", t.meta.code, t.meta.name);
        if let Some(why) = docs::first_paragraph(&doc, "## Why is this bad?") {
            let _ = writeln!(s, "**Why.** {why}\n");
        }
        if let Some(trade) = docs::first_paragraph(&doc, "## Fix safety") {
            let _ = writeln!(s, "**Trade-off.** {trade}\n");
        }
        let _ = writeln!(s, "Files: {}.", code_list(&c.files));
    }
    s.push_str("\n## Found but not fixed\n\n");
    if b.remaining.is_empty() {
        s.push_str("Nothing: every finding in these files was fixed.\n");
    } else {
        s.push_str("| where | rule | message | why it was left |\n|---|---|---|---|\n");
        for (path, f) in b.remaining.iter().take(MAX_UNFIXED_ROWS) {
            let _ = writeln!(
                s,
                "| `{path}:{}:{}` | {} | {} | {} |",
                f.line,
                f.col,
                f.code,
                cell(&format!(
                    "{}{}",
                    f.message,
                    f.heat
                        .as_ref()
                        .map(crate::semantic::profile::heat_suffix)
                        .unwrap_or_default()
                )),
                reason(f, threshold)
            );
        }
        if b.remaining.len() > MAX_UNFIXED_ROWS {
            let _ = writeln!(
                s,
                "\n… and {} more; run `gofix-rt` on the branch to list them all.",
                b.remaining.len() - MAX_UNFIXED_ROWS
            );
        }
    }
    if !b.dropped.is_empty() {
        s.push_str(
            "\nLeft out by `--verify` (the package did not build or vet with these fixes):\n\n",
        );
        for d in &b.dropped {
            let _ = writeln!(
                s,
                "- `{}`: {} — {}",
                d.path,
                d.codes.join(", "),
                cell(&d.message)
            );
        }
    }
    if !b.suppressed.is_empty() {
        s.push_str("\nSuppressed by `//gofixrt:ignore` directives (each gives its reason):\n\n");
        for (path, code, n) in &b.suppressed {
            let _ = writeln!(
                s,
                "- `{path}`: {code} ({n} site{})",
                if *n == 1 { "" } else { "s" }
            );
        }
    }
    s.push_str(
        "\nNot listed: sites a rule skips on purpose in a module or file whose Go version is below what the \
         rewrite needs (each rule's \"Version gating\" section in `gofix-rt explain CODE` says which).\n",
    );
    s.push_str("\n## How to check\n\n");
    let modules: Vec<&str> = b.modules.iter().map(String::as_str).collect();
    match modules.as_slice() {
        [] | ["."] => s.push_str("```sh\ngo build ./... && go vet ./...\n```\n"),
        _ => {
            s.push_str("In each module this branch touches:\n\n```sh\n");
            for m in &modules {
                let _ = writeln!(s, "(cd {m} && go build ./... && go vet ./...)");
            }
            s.push_str("```\n");
        }
    }
    s.push_str(
        "\nThen run the tests, and read each commit on its own: its message says what it changed, why, and \
         what to look for.\n",
    );
    s
}

/// Sites listed in the profile section.
const MAX_PROFILE_ROWS: usize = 20;

/// With `--profile`: the sites of this branch (fixed or left) by the enclosing function's share, from the
/// findings of a check run before the fixes (`before`), and the runtime signature summary.
pub fn profile_section(
    profile: &crate::semantic::profile::Profile,
    b: &MadeBranch,
    before: &[(String, Finding)],
) -> String {
    let mut s = String::from("\n## Profile\n\n");
    let _ = writeln!(
        s,
        "Shares from `{}` ({} samples): the sites of this branch, hottest enclosing function first.\n",
        profile.path.display(),
        profile.sample_count
    );
    let in_branch = |path: &str| {
        b.commits.iter().any(|c| {
            c.files
                .iter()
                .any(|f| path == f || path.ends_with(&format!("/{f}")))
        }) || b.remaining.iter().any(|(p, _)| p == path)
    };
    let mut rows: Vec<&(String, Finding)> = before.iter().filter(|(p, _)| in_branch(p)).collect();
    rows.sort_by(|a, b| {
        let cum = |f: &Finding| f.heat.as_ref().map_or(0.0, |h| h.cum);
        cum(&b.1).total_cmp(&cum(&a.1))
    });
    if !rows.is_empty() {
        s.push_str("| where | rule | function | cum | flat |\n|---|---|---|---|---|\n");
        for (path, f) in rows.iter().take(MAX_PROFILE_ROWS) {
            if let Some(h) = &f.heat {
                let _ = writeln!(
                    s,
                    "| `{path}:{}` | {} | `{}` | {:.1}% | {:.1}% |",
                    f.line, f.code, h.function, h.cum, h.flat
                );
            }
        }
        s.push('\n');
    }
    s.push_str("Runtime signatures and the rules that address them:\n\n```\n");
    for l in crate::output::emit::profile_summary::render_text(profile, before)
        .lines()
        .skip(1)
    {
        let _ = writeln!(s, "{}", l.trim_start());
    }
    s.push_str("```\n");
    s
}

/// Why a finding is still there after the run, as the pass loop recorded it.
fn reason(f: &Finding, threshold: Applicability) -> String {
    use crate::run::ledger::Skip;
    if f.code == SUPPRESSION_CODE {
        return "a `//gofixrt:` directive to correct or remove".into();
    }
    // A branch is made by a fix run, so every remaining finding has a reason; the threshold stands in
    // for one only if a finding comes from elsewhere.
    let skipped = f
        .skipped
        .or_else(|| Skip::of(f.fix, f.withheld.is_some(), threshold, true, false));
    match skipped {
        Some(Skip::DetectOnly) if f.fix == Some(Applicability::DisplayOnly) => {
            "suggestion only: the report shows a shape to adapt by hand".into()
        }
        Some(Skip::DetectOnly) | None => {
            "detect-only: the rule has no safe automatic rewrite for this shape; change it by hand"
                .into()
        }
        Some(Skip::Precondition) => format!(
            "fix withheld: {}; change it by hand",
            f.withheld
                .as_deref()
                .unwrap_or("a precondition does not hold")
        ),
        Some(Skip::UnsafeNotEnabled) => {
            "unsafe fix not enabled: review it and rerun with `--unsafe-fixes`".into()
        }
        Some(Skip::VerifyFailed) => {
            "fix withheld by --verify: the package did not build or vet with it".into()
        }
        Some(Skip::Conflict) => {
            "conflict: its edit overlapped another fix; run gofix-rt again on this branch".into()
        }
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn code_list(files: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut parts: Vec<String> = files.iter().take(SHOWN).map(|f| format!("`{f}`")).collect();
    if files.len() > SHOWN {
        parts.push(format!("and {} more", files.len() - SHOWN));
    }
    parts.join(", ")
}

/// Where the description of a branch goes: `file` itself for a single branch, else `file` with `.<slug>`
/// inserted before its extension (`pr.md` → `pr.api.md`).
pub fn path_for(file: &Path, slug: Option<&str>) -> PathBuf {
    let Some(slug) = slug else {
        return file.to_path_buf();
    };
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let name = match file.extension() {
        Some(ext) => format!("{stem}.{slug}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{slug}"),
    };
    file.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::ledger::Skip;

    fn remaining(fix: Option<Applicability>, withheld: Option<&str>, skipped: Skip) -> Finding {
        Finding {
            fix,
            withheld: withheld.map(String::from),
            skipped: Some(skipped),
            ..crate::testing::finding("R6.1", "m")
        }
    }

    #[test]
    fn reasons_are_the_ones_the_pass_loop_recorded() {
        let safe = Applicability::Safe;
        let pre = remaining(
            None,
            Some("the condition reads a field"),
            Skip::Precondition,
        );
        assert_eq!(
            reason(&pre, safe),
            "fix withheld: the condition reads a field; change it by hand"
        );
        let verify = remaining(Some(safe), None, Skip::VerifyFailed);
        assert!(reason(&verify, safe).starts_with("fix withheld by --verify"));
        let conflict = remaining(Some(safe), None, Skip::Conflict);
        assert!(reason(&conflict, safe).starts_with("conflict: "));
        let hint = remaining(Some(Applicability::DisplayOnly), None, Skip::DetectOnly);
        assert!(reason(&hint, safe).starts_with("suggestion only"));
    }

    #[test]
    fn split_bodies_get_the_slug_before_the_extension() {
        assert_eq!(
            path_for(Path::new("out/pr.md"), None),
            Path::new("out/pr.md")
        );
        assert_eq!(
            path_for(Path::new("out/pr.md"), Some("api")),
            Path::new("out/pr.api.md")
        );
        assert_eq!(
            path_for(Path::new("body"), Some("root")),
            Path::new("body.root")
        );
    }
}
