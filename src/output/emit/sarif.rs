//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. One run; every
//! transform is a rule (its `explain` text is the help); every finding a result with its location and,
//! when its fix is plain byte edits, a SARIF fix. tests/format.rs validates the output against the
//! SARIF 2.1.0 schema shipped in tests/data.
//!
//! Positions: lines and columns are 1-based as SARIF requires. Columns count UTF-16 code units, SARIF's
//! default `columnKind` (stated in the run) and what GitHub code scanning expects, not the bytes of the
//! text and JSON output; the two agree on ASCII lines. End columns are exclusive (the column after the
//! region).

use crate::output::emit::json::{Verified, finding_reason, rule_name};
use crate::run::apply::{Finding, FixEdit, SUPPRESSION_CODE};
use crate::run::engine::RunOutcome;
use crate::run::settings::Settings;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where a SARIF viewer sends a reader for the tool (the crate's `repository`, when it declares one).
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

struct Rule {
    code: &'static str,
    help_uri: Option<String>,
    name: &'static str,
    summary: &'static str,
    doc: String,
    applicability: &'static str,
}

fn rules() -> Vec<Rule> {
    let mut all: Vec<Rule> = crate::catalog::registry::all()
        .iter()
        .map(|t| Rule {
            code: t.meta.code,
            help_uri: crate::output::emit::help_uri(t.meta.code),
            name: t.meta.name,
            summary: t.meta.summary,
            doc: crate::catalog::docs::doc(t),
            applicability: t.meta.fix.as_str(),
        })
        .collect();
    all.sort_by_key(|r| crate::catalog::registry::code_order(r.code));
    all.push(Rule {
        code: SUPPRESSION_CODE,
        help_uri: crate::output::emit::help_uri(SUPPRESSION_CODE),
        name: "suppression",
        summary: "A //gofixrt:ignore directive names no transform, an unknown one, or suppresses nothing",
        doc: "A `//gofixrt:ignore CODE reason` directive that names no transform, names an unknown one, or \
              names a transform that reports nothing on its line. A stale suppression would hide the next \
              real finding there; fix or remove the directive.\n"
            .into(),
        applicability: "detect-only",
    });
    all
}

// The SARIF objects we emit, as typed structs: serialising borrowed data keeps memory near the size of
// the output (a `serde_json::Value` tree costs several kilobytes per result).

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Markdown<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleOut<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    full_description: Markdown<'a>,
    help: Markdown<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    default_configuration: Level,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    applicability: &'a str,
    tags: [&'a str; 3],
}

fn rule_out(r: &Rule) -> RuleOut<'_> {
    RuleOut {
        id: r.code,
        name: r.name,
        short_description: Text { text: r.summary },
        full_description: Markdown {
            text: &r.doc,
            markdown: &r.doc,
        },
        help: Markdown {
            text: &r.doc,
            markdown: &r.doc,
        },
        help_uri: r.help_uri.as_deref(),
        default_configuration: Level { level: "warning" },
        properties: RuleProperties {
            applicability: r.applicability,
            tags: ["go", "runtime", r.applicability],
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultOut<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<FixOut<'a>>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    name: &'a str,
    applicability: Option<&'static str>,
    low_priority: bool,
    skipped_reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix_withheld: Option<&'a str>,
    /// With `--profile`: the enclosing function and its flat and cumulative shares, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_function: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_flat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_cum: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FixOut<'a> {
    description: Text<'a>,
    artifact_changes: Vec<ArtifactChange<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<RuleOut<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunOut<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    invocations: [Invocation<'a>; 1],
    results: Vec<ResultOut<'a>>,
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [RunOut<'a>; 1],
}

/// A URI reference for a printed path: relative paths resolve against `%SRCROOT%` (the checkout root in
/// code scanning), absolute ones become `file://` URIs. Inside a git work tree a path is made relative to
/// its root, so a run from a subdirectory still names files as code scanning does.
fn artifact_location(path: &str) -> ArtifactLocation {
    let path = &crate::output::emit::repo_relative(path);
    let encoded = percent_encode(path);
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{encoded}"),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encoded,
            uri_base_id: Some("%SRCROOT%"),
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
fn percent_encode(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// A region from 1-based lines and UTF-16 columns.
fn region(lines: (usize, usize), cols: (usize, usize)) -> Region {
    Region {
        start_line: lines.0,
        start_column: Some(cols.0),
        end_line: Some(lines.1),
        end_column: Some(cols.1),
    }
}

fn location(path: &str, region: Option<Region>) -> [Location; 1] {
    [Location {
        physical_location: PhysicalLocation {
            artifact_location: artifact_location(path),
            region,
        },
    }]
}

/// The SARIF fix of a finding whose fix is plain byte edits. Fixes that also change imports or go.mod are
/// left out: their replacements alone would not compile (the JSON output carries them whole).
fn fix_out(f: &Finding) -> Option<FixOut<'_>> {
    if f.fix_edits.is_empty() || !f.fix_imports.is_empty() || !f.fix_module_edits.is_empty() {
        return None;
    }
    let mut by_file: BTreeMap<&str, Vec<&FixEdit>> = BTreeMap::new();
    for e in &f.fix_edits {
        by_file.entry(&e.path).or_default().push(e);
    }
    Some(FixOut {
        description: Text {
            text: f.fix_title.as_deref().unwrap_or_default(),
        },
        artifact_changes: by_file
            .into_iter()
            .map(|(path, edits)| ArtifactChange {
                artifact_location: artifact_location(path),
                replacements: edits
                    .into_iter()
                    .map(|e| Replacement {
                        deleted_region: region((e.start.0, e.end.0), e.utf16_cols),
                        inserted_content: Text { text: &e.content },
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// The key of our fingerprint in `partialFingerprints` (versioned: a new scheme gets a new key, so code
/// scanning does not match old alerts against different hashes).
pub const FINGERPRINT_KEY: &str = "gofixRt/v1";

/// The text of one line, whitespace trimmed and runs of it collapsed, so re-indenting or moving the
/// line does not change a fingerprint.
fn normalised_line(lines: &[String], line: usize) -> String {
    let l = lines.get(line.wrapping_sub(1)).map_or("", String::as_str);
    l.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `partialFingerprints` for every finding, in order: a hash of the rule, the repository-relative path
/// and the finding's normalised line, plus `:N` for the N-th finding of the same three (0 for the first),
/// so an alert follows its line when lines above it are added or removed. The line is read from the
/// file (after `--dry-run`/`--write`, from the fixed contents the positions refer to).
fn fingerprints(out: &RunOutcome) -> Vec<String> {
    let mut texts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    out.findings
        .iter()
        .map(|(path, f)| {
            let text = texts
                .entry(path)
                .or_insert_with(|| crate::output::emit::current_lines(out, path));
            let key = format!(
                "{}\0{}\0{}",
                f.code,
                crate::output::emit::repo_relative(path),
                normalised_line(text, f.line)
            );
            let hash = git2::Oid::hash_object(git2::ObjectType::Blob, key.as_bytes())
                .map_or_else(|_| "0".repeat(40), |o| o.to_string());
            let n = seen.entry(key).or_insert(0);
            let fp = format!("{}:{n}", &hash[..32]);
            *n += 1;
            fp
        })
        .collect()
}

/// The SARIF log of a run. `_settings` keeps the signature of the other emitters' `render`: the reasons
/// SARIF prints come from the run's findings now (src/run/ledger.rs), not from the settings.
pub fn render(out: &RunOutcome, _settings: &Settings, verified: Option<Verified<'_>>) -> String {
    let rules = rules();
    let index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    let prints = fingerprints(out);
    let results = out
        .findings
        .iter()
        .zip(prints)
        .map(|((path, f), print)| ResultOut {
            rule_id: f.code,
            rule_index: index.get(f.code).copied(),
            level: "warning",
            message: Text { text: &f.message },
            locations: location(path, Some(region((f.line, f.end_line), f.utf16_cols))),
            partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, print)]),
            fixes: fix_out(f).into_iter().collect(),
            properties: ResultProperties {
                name: rule_name(f.code),
                applicability: f.fix.map(|a| a.as_str()),
                low_priority: f.low_priority,
                skipped_reason: finding_reason(f),
                fix_withheld: f.withheld.as_deref(),
                profile_function: f.heat.as_ref().map(|h| h.function.as_str()),
                profile_flat: f.heat.as_ref().map(|h| (h.flat * 10.0).round() / 10.0),
                profile_cum: f.heat.as_ref().map(|h| (h.cum * 10.0).round() / 10.0),
            },
        })
        .collect();
    let mut notifications: Vec<Notification<'_>> = out
        .problems
        .iter()
        .map(|p| Notification {
            level: "error",
            message: Text { text: &p.message },
            // Problem columns count bytes; SARIF columns are UTF-16 units, so give the line only.
            locations: location(
                &p.path,
                p.pos.map(|(line, _)| Region {
                    start_line: line,
                    start_column: None,
                    end_line: None,
                    end_column: None,
                }),
            ),
        })
        .collect();
    // `--verify` drops and notes are warnings about a package (its directory), not errors.
    if let Some(v) = verified {
        let warn = |path, text| Notification {
            level: "warning",
            message: Text { text },
            locations: location(path, None),
        };
        notifications.extend(v.dropped.iter().map(|d| warn(&d.path, &d.message)));
        notifications.extend(v.notes.iter().map(|n| warn(&n.path, &n.message)));
    }
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [RunOut {
            tool: Tool {
                driver: Driver {
                    name: env!("CARGO_PKG_NAME"),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: (!INFORMATION_URI.is_empty()).then_some(INFORMATION_URI),
                    rules: rules.iter().map(rule_out).collect(),
                },
            },
            column_kind: "utf16CodeUnits",
            invocations: [Invocation {
                execution_successful: out.problems.is_empty(),
                tool_execution_notifications: notifications,
            }],
            results,
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).expect("plain data serialises");
    s.push('\n');
    s
}
