//! The 28 exercises of the two seed write-ups (14 each, some on the same pattern) and the rules that cover
//! them: README's catalogue table is generated from this list, and a registry test keeps both in step.

use crate::catalog::registry;

/// One exercise: which write-up, its number there, its topic in our words, and the rules covering it.
pub struct Exercise {
    /// `architecture` (runtime architecture write-up) or `source` (runtime source write-up).
    pub seed: &'static str,
    pub number: u8,
    pub topic: &'static str,
    pub codes: &'static [(&'static str, Fix)],
    /// What a user gets on the exercise's textbook Before shape (the seeds' own code, in our words).
    pub textbook: Outcome,
    /// Why no rule covers it, when `codes` is empty.
    pub no_rule: &'static str,
}

/// What a run does with an exercise's textbook shape: the golden cases of the exercise pin it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Fixed by `--write` (a Safe fix).
    FixedSafe,
    /// Fixed with `--unsafe-fixes` (the fix needs review).
    FixedUnsafe,
    /// Reported with the suggested change; no fix.
    Reported,
    /// Reported; the fix is Safe once `--profile` gives the rule a profile.
    ReportedFixWithProfile,
    /// No finding, by design.
    NotFlagged,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::FixedSafe => "fixed (Safe)",
            Outcome::FixedUnsafe => "fixed with --unsafe-fixes",
            Outcome::Reported => "reported",
            Outcome::ReportedFixWithProfile => "reported; fixed (Safe) with --profile",
            Outcome::NotFlagged => "not flagged",
        }
    }
}

const fn ex(
    seed: &'static str,
    number: u8,
    topic: &'static str,
    codes: &'static [(&'static str, Fix)],
    textbook: Outcome,
) -> Exercise {
    Exercise {
        seed,
        number,
        topic,
        codes,
        textbook,
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
        Outcome::FixedUnsafe,
    ),
    ex(
        "architecture",
        2,
        "a goroutine started per request",
        &[("R7.10", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        3,
        "a channel pipeline allocating per item",
        &[("R7.11", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        4,
        "one cgo call per item",
        &[("R7.12", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        5,
        "GC pacing on a large heap without a memory limit",
        &[("R7.5", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        6,
        "returning memory to the OS after a batch",
        &[("R7.4", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        7,
        "interface boxing on a hot path",
        &[("R7.9", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        8,
        "a map of pointers to small structs",
        &[("R7.13", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        9,
        "LockOSThread with no thread-bound state",
        &[("R6.2", Fix::Unsafe)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        10,
        "a signal handler doing the shutdown work itself",
        &[("R7.14", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        11,
        "GOMAXPROCS in a CPU-limited container",
        &[("R5", Fix::Unsafe)],
        Outcome::FixedUnsafe,
    ),
    ex(
        "architecture",
        12,
        "deep recursion growing the stack",
        &[("R7.15", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        13,
        "a release binary with symbols and build paths",
        &[("R8", Fix::Safe)],
        Outcome::FixedSafe,
    ),
    ex(
        "architecture",
        14,
        "cold-start latency without PGO",
        &[("R9", Fix::SafeWithProfile)],
        Outcome::ReportedFixWithProfile,
    ),
    ex(
        "source",
        1,
        "a channel used as a counter",
        &[("R7.6", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "source",
        2,
        "select with default spinning in a loop",
        &[("R6.1", Fix::SafeOrUnsafe), ("R7.7", Fix::Report)],
        Outcome::FixedSafe,
    ),
    ex(
        "source",
        3,
        "time.After in a select loop",
        &[("R2", Fix::SafeOrUnsafe)],
        Outcome::FixedSafe,
    ),
    ex(
        "source",
        4,
        "defer Unlock in a tight loop",
        &[("R7.1", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "source",
        5,
        "a goroutine per item",
        &[("R6.3", Fix::Unsafe)],
        Outcome::FixedUnsafe,
    ),
    ex(
        "source",
        6,
        "runtime.GC() to free memory now",
        &[("R3b", Fix::SafeOrUnsafe)],
        Outcome::FixedSafe,
    ),
    ex(
        "source",
        7,
        "runtime.Gosched() to be fair",
        &[("R3a", Fix::Safe)],
        Outcome::FixedSafe,
    ),
    ex(
        "source",
        8,
        "LockOSThread for no reason",
        &[("R6.2", Fix::Unsafe)],
        Outcome::FixedUnsafe,
    ),
    ex(
        "source",
        9,
        "a large buffer made per call",
        &[("R7.2", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "source",
        10,
        "runtime.SetFinalizer closing resources",
        &[("R7.8", Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "source",
        11,
        "interface boxing in a logging or metrics API",
        &[("R7.9", Fix::Report)],
        Outcome::Reported,
    ),
    Exercise {
        seed: "source",
        number: 12,
        topic: "runtime.NumGoroutine polled by metrics",
        codes: &[],
        textbook: Outcome::NotFlagged,
        no_rule: "no finding by design: NumGoroutine reads scheduler counters without stopping the world \
                  (`NumGoroutine` in src/runtime/debug.go); the expensive call in metrics handlers is \
                  ReadMemStats (R1)",
    },
    ex(
        "source",
        13,
        "runtime.ReadMemStats per request",
        &[("R1", Fix::Safe)],
        Outcome::FixedSafe,
    ),
    ex(
        "source",
        14,
        "runtime.Stack(buf, true) on every request",
        &[("R7.3", Fix::Report)],
        Outcome::Reported,
    ),
];

/// The README table: one row per exercise, with each rule's fix tier and the seeds' class of the win.
pub fn table() -> String {
    let mut s = String::from(
        "| write-up | # | exercise | rule | fix | textbook shape | class |\n|---|---|---|---|---|---|---|\n",
    );
    for e in EXERCISES {
        if e.codes.is_empty() {
            s.push_str(&format!(
                "| {} | {} | {} | none | — | {} | {} |\n",
                e.seed,
                e.number,
                e.topic,
                e.textbook.as_str(),
                e.no_rule
            ));
            continue;
        }
        let cell = |f: &dyn Fn(&crate::rules::transform::Transform, Fix) -> String| {
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
        // A preview rule runs only with `--preview` (or `--select`): say so next to what it does.
        let preview = e
            .codes
            .iter()
            .filter_map(|(c, _)| registry::lookup(c))
            .all(registry::is_preview);
        let textbook = format!(
            "{}{}",
            e.textbook.as_str(),
            if preview { " (with --preview)" } else { "" }
        );
        s.push_str(&format!(
            "| {} | {} | {} | {rules} | {fix} | {textbook} | {class} |\n",
            e.seed, e.number, e.topic
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    /// The exercises name rules by code string: a renamed rule code must fail this test, not drift.
    #[test]
    fn every_exercise_code_names_a_rule() {
        for (code, _) in super::EXERCISES.iter().flat_map(|e| e.codes) {
            assert!(
                crate::catalog::registry::lookup(code).is_some_and(|t| t.meta.code == *code),
                "{code}"
            );
        }
    }
}
