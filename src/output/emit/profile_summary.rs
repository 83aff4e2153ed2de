//! The profile's runtime signatures set beside the run's findings: for each signature in the profile, its
//! hottest user-code call sites and the finding of the signature's rules there (JSON `profile.signatures`,
//! the text report on stderr, the PR body).

/// One signature of the summary, as the JSON document and the text report show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SummaryEntry {
    pub signature: &'static str,
    /// Percent of the profile's total with this signature on the stack.
    pub share: f64,
    pub rules: Vec<&'static str>,
    pub call_sites: Vec<SummarySite>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SummarySite {
    /// The user-code function that calls into the signature, and where (relative to the current
    /// directory when below it).
    pub function: String,
    pub location: String,
    /// Percent of the signature's samples that go through this call site.
    pub share_of_signature: f64,
    /// A finding of one of the signature's rules in that function, if any.
    pub finding: Option<SiteFinding>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SiteFinding {
    pub code: &'static str,
    pub path: String,
    pub line: usize,
}

/// Call sites shown per signature.
const SITES_SHOWN: usize = 3;

fn relative(filename: &str) -> String {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| std::fs::canonicalize(c).ok());
    match cwd.and_then(|c| {
        std::path::Path::new(filename)
            .strip_prefix(&c)
            .ok()
            .map(|r| r.to_string_lossy().into_owned())
    }) {
        Some(r) => r,
        None => filename.to_string(),
    }
}

/// The summary of `profile`, with each call site matched to the findings of the signature's rules in the
/// calling function.
pub fn summarize(
    profile: &crate::semantic::profile::Profile,
    findings: &[(String, crate::run::apply::Finding)],
) -> Vec<SummaryEntry> {
    profile
        .signatures
        .iter()
        .map(|s| {
            let rules = crate::catalog::costs::codes_for(s.label);
            SummaryEntry {
                signature: s.label,
                share: round1(profile.percent(s.value)),
                rules: rules.clone(),
                call_sites: s
                    .sites
                    .iter()
                    .take(SITES_SHOWN)
                    .map(|site| {
                        // A finding of the signature's rules in the calling function, else any finding
                        // there (R2's `time.After` is what allocates in a select loop).
                        let in_site = |f: &crate::run::apply::Finding| {
                            f.heat.as_ref().is_some_and(|h| h.function == site.function)
                        };
                        let closest = |(_, f): &&(String, crate::run::apply::Finding)| {
                            f.line.abs_diff(site.line as usize)
                        };
                        let finding = findings
                            .iter()
                            .filter(|(_, f)| rules.contains(&f.code) && in_site(f))
                            .min_by_key(closest)
                            .or_else(|| {
                                findings
                                    .iter()
                                    .filter(|(_, f)| in_site(f))
                                    .min_by_key(closest)
                            })
                            .map(|(path, f)| SiteFinding {
                                code: f.code,
                                path: path.clone(),
                                line: f.line,
                            });
                        SummarySite {
                            function: site.function.clone(),
                            location: format!("{}:{}", relative(&site.filename), site.line),
                            share_of_signature: round1(site.value as f64 * 100.0 / s.value as f64),
                            finding,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The text summary (stderr): one line per signature present in the profile, e.g.
/// `runtime.selectgo 7.2% → R2 at x.go:41 (34% of it)`.
pub fn render_text(
    profile: &crate::semantic::profile::Profile,
    findings: &[(String, crate::run::apply::Finding)],
) -> String {
    use std::fmt::Write;
    let mut s = format!(
        "profile {}: {} samples; runtime signatures:\n",
        profile.path.display(),
        profile.sample_count
    );
    let entries = summarize(profile, findings);
    if entries.is_empty() {
        s.push_str("  none of the runtime costs the rules address shows in this profile\n");
    }
    for e in entries {
        let _ = write!(s, "  {} {:.1}%", e.signature, e.share);
        let (with, without): (Vec<&SummarySite>, Vec<&SummarySite>) =
            e.call_sites.iter().partition(|c| c.finding.is_some());
        let mut parts: Vec<String> = with
            .iter()
            .map(|c| {
                let f = c.finding.as_ref().expect("partitioned");
                format!(
                    "{} at {}:{} ({:.0}% of it)",
                    f.code, f.path, f.line, c.share_of_signature
                )
            })
            .collect();
        if !parts.is_empty() {
            let _ = write!(s, " → {}", parts.join(", "));
        }
        parts = without
            .iter()
            .map(|c| {
                format!(
                    "{} at {} ({:.0}% of it)",
                    c.function, c.location, c.share_of_signature
                )
            })
            .collect();
        if !parts.is_empty() {
            let _ = write!(
                s,
                " [{}: no finding from {}]",
                parts.join(", "),
                e.rules.join("/")
            );
        }
        if e.call_sites.is_empty() {
            let _ = write!(s, " [no user-code caller; rules: {}]", e.rules.join("/"));
        }
        s.push('\n');
    }
    s
}
