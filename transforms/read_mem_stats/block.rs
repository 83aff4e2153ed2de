//! R1's replacement block (the samples slice, `metrics.Read`, one assignment per field read, the
//! `debug.ReadGCStats` part) and the words of its message and fix title.

use super::fields::{Source, since};
use crate::read::version::GoVersion;
use crate::rules::rewrite::indent_lines;

pub(super) struct Names<'a> {
    pub(super) var: &'a str,
    pub(super) metrics: Option<&'a str>,
    pub(super) debug: Option<&'a str>,
    pub(super) samples: &'a str,
    pub(super) gc_stats: &'a str,
}

/// The replacement block, from `opening` (`{`, maybe followed by the call's trailing comment) to `}`; the
/// statement's own indentation stays in front of it.
pub(super) fn render_block(
    n: &Names<'_>,
    fields: &[(&str, Source)],
    metric_names: &[&str],
    guaranteed: GoVersion,
    indent: &str,
    opening: &str,
) -> String {
    let mut lines: Vec<String> = vec![];
    let index = |m: &str| {
        metric_names
            .iter()
            .position(|x| *x == m)
            .expect("every metric was collected")
    };
    let value = |m: &str| format!("{}[{}].Value.Uint64()", n.samples, index(m));
    if let Some(mp) = n.metrics {
        lines.push(format!("{} := []{mp}.Sample{{", n.samples));
        for m in metric_names {
            lines.push(format!("\t{{Name: \"{m}\"}},"));
        }
        lines.push("}".into());
        lines.push(format!("{mp}.Read({})", n.samples));
        for (field, source) in fields {
            let rhs = match source {
                Source::Sum(ms) => ms.iter().map(|m| value(m)).collect::<Vec<_>>().join(" + "),
                Source::Narrow(ms) => format!("uint32({})", value(ms[0])),
                _ => continue,
            };
            let assign = format!("{}.{field} = {rhs}", n.var);
            let guards: Vec<String> = source
                .metrics()
                .iter()
                .filter(|m| since(m) > guaranteed)
                .map(|m| {
                    format!(
                        "{}[{}].Value.Kind() == {mp}.KindUint64",
                        n.samples,
                        index(m)
                    )
                })
                .collect();
            if guards.is_empty() {
                lines.push(assign);
            } else {
                lines.push(format!("if {} {{", guards.join(" && ")));
                lines.push(format!("\t{assign}"));
                lines.push("}".into());
            }
        }
    }
    if fields.iter().any(|(_, s)| *s == Source::True) {
        lines.push(format!("{}.EnableGC = true", n.var));
    }
    if let Some(dp) = n.debug {
        lines.push(format!("var {} {dp}.GCStats", n.gc_stats));
        lines.push(format!("{dp}.ReadGCStats(&{})", n.gc_stats));
        for (field, source) in fields {
            match source {
                Source::LastGc => lines.push(format!(
                    "{}.{field} = uint64({}.LastGC.UnixNano())",
                    n.var, n.gc_stats
                )),
                Source::PauseTotal => lines.push(format!(
                    "{}.{field} = uint64({}.PauseTotal)",
                    n.var, n.gc_stats
                )),
                _ => {}
            }
        }
    }
    format!(
        "{opening}\n{}{indent}}}",
        indent_lines(&lines.join("\n"), &format!("{indent}\t"))
    )
}

fn field_list(fields: &[(&str, Source)], pick: impl Fn(Source) -> bool) -> String {
    fields
        .iter()
        .filter(|(_, s)| pick(*s))
        .map(|(f, _)| *f)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn message(
    fields: &[(&str, Source)],
    uses_metrics: bool,
    uses_gc_stats: bool,
) -> String {
    let from_metrics = field_list(fields, |s| matches!(s, Source::Sum(_) | Source::Narrow(_)));
    let from_gc = field_list(fields, |s| matches!(s, Source::LastGc | Source::PauseTotal));
    let head = "runtime.ReadMemStats stops the world to fill all of MemStats";
    match (uses_metrics, uses_gc_stats) {
        (true, false) => format!(
            "{head}; metrics.Read gets the fields used here ({from_metrics}) without stopping it"
        ),
        (true, true) => format!(
            "{head}; metrics.Read gets the fields used here ({from_metrics}) without stopping it, and debug.ReadGCStats gives {from_gc} under the heap lock only"
        ),
        _ => format!(
            "{head}; debug.ReadGCStats gives the fields used here ({from_gc}) under the heap lock only"
        ),
    }
}

pub(super) fn fix_title(
    fields: &[(&str, Source)],
    uses_gc_stats: bool,
    uses_metrics: bool,
) -> String {
    let all = field_list(fields, |s| !matches!(s, Source::Zero));
    match (uses_metrics, uses_gc_stats) {
        (true, false) => format!("fill {all} from runtime/metrics"),
        (true, true) => format!("fill {all} from runtime/metrics and debug.ReadGCStats"),
        _ => format!("fill {all} from debug.ReadGCStats"),
    }
}
