//! A transform's documentation is the `//!` block at the top of its own file, extracted at run time.

use crate::rules::transform::Transform;

pub const REQUIRED_HEADINGS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Version gating",
    "## When it does not fire",
];

/// The `//!` lines of the transform's source, without the markers.
pub fn doc(t: &Transform) -> String {
    let mut out = String::new();
    for line in t.source.lines() {
        let Some(rest) = line.strip_prefix("//!") else {
            if out.is_empty() {
                continue;
            }
            break;
        };
        out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        out.push('\n');
    }
    out
}

/// What `gofix-rt explain` prints: the rule's doc, then the option keys it declares.
pub fn explain(t: &Transform) -> String {
    let mut s = doc(t);
    if !t.meta.options.is_empty() {
        s.push_str("\n## Option keys\n");
        for (k, d) in t.meta.options {
            s.push_str(&format!(
                "- `{}.{k}` (`--opt {}.{k}=...` or `[options]` in gofix-rt.toml): {d}\n",
                t.meta.code, t.meta.code
            ));
        }
    }
    s
}

/// `gofix-rt explain SUP`: the engine's own code for directives that do not do their job.
pub const SUPPRESSION_DOC: &str = "\
# SUP: suppression directives that suppress nothing

## What it does
Reports a `//gofixrt:ignore` or `//gofixrt:file-ignore` directive (`# gofixrt:ignore` in build files)
that names no transform, names an unknown one, or names a transform that ran and found nothing there.

## Why is this bad?
A directive that suppresses nothing is stale: the code it excused has changed, and it will silently hide
the next real finding at that place. A directive without a code hides every rule at once.

## Example
```go
//gofixrt:ignore R3b
fmt.Println(\"no GC call here\")
```

## Use instead
Remove the directive, or name the rule it is for and say why: `//gofixrt:ignore R3b reason`.

## When it does not fire
- With `--ignore-suppressions` (directives are not read at all).
- For a transform that did not run (not selected, or in preview): the directive may be meant for it.
- In a file that `per-file-ignores` exempts from `SUP` in gofix-rt.toml.
";

/// The first fenced ```go block under `heading`, for the doc round-trip test.
pub fn go_block(doc: &str, heading: &str) -> Option<String> {
    fenced_block(doc, heading, "go")
}

/// The first fenced block of language `lang` (```lang) under `heading`.
pub fn fenced_block(doc: &str, heading: &str, lang: &str) -> Option<String> {
    let after = &doc[doc.find(heading)? + heading.len()..];
    let next_heading = after.find("\n## ").unwrap_or(after.len());
    let section = &after[..next_heading];
    let fence = format!("```{lang}\n");
    let start = section.find(&fence)? + fence.len();
    let end = section[start..].find("```")? + start;
    Some(section[start..end].to_string())
}

/// The `gofix-rt list` table (also embedded in README between markers).
pub fn table() -> String {
    let mut s = String::from("| code | name | fix | summary |\n|---|---|---|---|\n");
    let mut all = crate::catalog::registry::all().to_vec();
    all.sort_by_key(|t| crate::catalog::registry::code_order(t.meta.code));
    for t in all {
        let fix = if crate::catalog::registry::is_preview(t) {
            format!("{} (preview)", t.meta.fix.as_str())
        } else {
            t.meta.fix.as_str().to_string()
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            t.meta.code, t.meta.name, fix, t.meta.summary
        ));
    }
    s
}

/// The first paragraph of the prose under `heading`, its lines joined: a rule's reason ("## Why is this
/// bad?") and trade-off ("## Fix safety") for commit messages and pull-request descriptions.
pub fn first_paragraph(doc: &str, heading: &str) -> Option<String> {
    let after = &doc[doc.find(heading)? + heading.len()..];
    let section = &after[..after.find("\n## ").unwrap_or(after.len())];
    let para: Vec<&str> = section
        .trim_start_matches('\n')
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("```"))
        .map(str::trim)
        .collect();
    (!para.is_empty()).then(|| para.join(" "))
}
