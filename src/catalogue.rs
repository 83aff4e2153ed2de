//! The 28 exercises of the two seed write-ups (14 each, some on the same pattern) and the rules that cover
//! them: README's catalogue table is generated from this list, and a registry test keeps both in step.

use crate::registry;

/// One exercise: which write-up, its number there, its topic in our words, and the rules covering it.
pub struct Exercise {
    /// `architecture` (runtime architecture write-up) or `source` (runtime source write-up).
    pub seed: &'static str,
    pub number: u8,
    pub topic: &'static str,
    pub codes: &'static [(&'static str, Fix)],
    /// Why no rule covers it, when `codes` is empty.
    pub no_rule: &'static str,
}

const fn ex(
    seed: &'static str,
    number: u8,
    topic: &'static str,
    codes: &'static [(&'static str, Fix)],
) -> Exercise {
    Exercise {
        seed,
        number,
        topic,
        codes,
        no_rule: "",
    }
}

/// What the rule does about the exercise: the tiers the issue asks for (a rewrite where it can be made safe,
/// a fix behind `--unsafe-fixes` where it needs review, otherwise a report). A registry test checks each
/// against the rule's own "Fix safety" section and its declared fix availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// A Safe rewrite, applied by `--write`.
    Safe,
    /// A fix applied only with `--unsafe-fixes`.
    Unsafe,
    /// Safe where the rule can prove it, Unsafe elsewhere.
    SafeOrUnsafe,
    /// A report; a Safe fix when `--profile` gives the rule what it needs.
    SafeWithProfile,
    /// Detect-only: a precise report with the suggested shape.
    Report,
}

impl Fix {
    pub fn as_str(self) -> &'static str {
        match self {
            Fix::Safe => "Safe rewrite",
            Fix::Unsafe => "fix with --unsafe-fixes",
            Fix::SafeOrUnsafe => "Safe rewrite, or with --unsafe-fixes",
            Fix::SafeWithProfile => "report; Safe fix with --profile",
            Fix::Report => "report",
        }
    }
}

pub static EXERCISES: &[Exercise] = &[
    ex(
        "architecture",
        1,
        "I/O at package init slows every start",
        &[("R4", Fix::Unsafe)],
    ),
    ex(
        "architecture",
        2,
        "a goroutine started per request",
        &[("R7.10", Fix::Report)],
    ),
    ex(
        "architecture",
        3,
        "a channel pipeline allocating per item",
        &[("R7.11", Fix::Report)],
    ),
    ex(
        "architecture",
        4,
        "one cgo call per item",
        &[("R7.12", Fix::Report)],
    ),
    ex(
        "architecture",
        5,
        "GC pacing on a large heap without a memory limit",
        &[("R7.5", Fix::Report)],
    ),
    ex(
        "architecture",
        6,
        "returning memory to the OS after a batch",
        &[("R7.4", Fix::Report)],
    ),
    ex(
        "architecture",
        7,
        "interface boxing on a hot path",
        &[("R7.9", Fix::Report)],
    ),
    ex(
        "architecture",
        8,
        "a map of pointers to small structs",
        &[("R7.13", Fix::Report)],
    ),
    ex(
        "architecture",
        9,
        "LockOSThread with no thread-bound state",
        &[("R6.2", Fix::Unsafe)],
    ),
    ex(
        "architecture",
        10,
        "a signal handler doing the shutdown work itself",
        &[("R7.14", Fix::Report)],
    ),
    ex(
        "architecture",
        11,
        "GOMAXPROCS in a CPU-limited container",
        &[("R5", Fix::Unsafe)],
    ),
    ex(
        "architecture",
        12,
        "deep recursion growing the stack",
        &[("R7.15", Fix::Report)],
    ),
    ex(
        "architecture",
        13,
        "a release binary with symbols and build paths",
        &[("R8", Fix::Safe)],
    ),
    ex(
        "architecture",
        14,
        "cold-start latency without PGO",
        &[("R9", Fix::SafeWithProfile)],
    ),
    ex(
        "source",
        1,
        "a channel used as a counter",
        &[("R7.6", Fix::Report)],
    ),
    ex(
        "source",
        2,
        "select with default spinning in a loop",
        &[("R6.1", Fix::SafeOrUnsafe), ("R7.7", Fix::Report)],
    ),
    ex(
        "source",
        3,
        "time.After in a select loop",
        &[("R2", Fix::SafeOrUnsafe)],
    ),
    ex(
        "source",
        4,
        "defer Unlock in a tight loop",
        &[("R7.1", Fix::Report)],
    ),
    ex(
        "source",
        5,
        "a goroutine per item",
        &[("R6.3", Fix::Unsafe)],
    ),
    ex(
        "source",
        6,
        "runtime.GC() to free memory now",
        &[("R3b", Fix::SafeOrUnsafe)],
    ),
    ex(
        "source",
        7,
        "runtime.Gosched() to be fair",
        &[("R3a", Fix::Safe)],
    ),
    ex(
        "source",
        8,
        "LockOSThread for no reason",
        &[("R6.2", Fix::Unsafe)],
    ),
    ex(
        "source",
        9,
        "a large buffer made per call",
        &[("R7.2", Fix::Report)],
    ),
    ex(
        "source",
        10,
        "runtime.SetFinalizer closing resources",
        &[("R7.8", Fix::Report)],
    ),
    ex(
        "source",
        11,
        "interface boxing in a logging or metrics API",
        &[("R7.9", Fix::Report)],
    ),
    Exercise {
        seed: "source",
        number: 12,
        topic: "runtime.NumGoroutine polled by metrics",
        codes: &[],
        no_rule: "no finding by design: NumGoroutine reads scheduler counters without stopping the world \
                  (`NumGoroutine` in src/runtime/debug.go); the expensive call in metrics handlers is \
                  ReadMemStats (R1)",
    },
    ex(
        "source",
        13,
        "runtime.ReadMemStats per request",
        &[("R1", Fix::Safe)],
    ),
    ex(
        "source",
        14,
        "runtime.Stack(buf, true) on every request",
        &[("R7.3", Fix::Report)],
    ),
];

/// The README table: one row per exercise, with each rule's fix tier and the seeds' class of the win.
pub fn table() -> String {
    let mut s = String::from(
        "| write-up | # | exercise | rule | fix | class |\n|---|---|---|---|---|---|\n",
    );
    for e in EXERCISES {
        if e.codes.is_empty() {
            s.push_str(&format!(
                "| {} | {} | {} | none | — | {} |\n",
                e.seed, e.number, e.topic, e.no_rule
            ));
            continue;
        }
        let cell = |f: &dyn Fn(&crate::transform::Transform, Fix) -> String| {
            e.codes
                .iter()
                .map(|(c, k)| {
                    registry::lookup(c).map_or_else(|| format!("{c}: unknown"), |t| f(t, *k))
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let rules = cell(&|t, _| format!("{} {}", t.meta.code, t.meta.name));
        let fix = cell(&|t, k| {
            let preview = if registry::is_preview(t) {
                " (preview)"
            } else {
                ""
            };
            format!("{}{preview}", k.as_str())
        });
        let class = cell(&|t, _| t.meta.tier.as_str().to_string());
        s.push_str(&format!(
            "| {} | {} | {} | {rules} | {fix} | {class} |\n",
            e.seed, e.number, e.topic
        ));
    }
    s
}
