//! The 28 exercises of the two seed write-ups (14 each, some on the same pattern) and the rules that cover
//! them: README's catalogue table is generated from this list, and a registry test keeps both in step.

use crate::catalog::registry;
use crate::rules::transform::Transform;
use crate::transforms as t;

/// One exercise: which write-up, its number there, its topic in our words, and the rules covering it.
pub struct Exercise {
    /// `architecture` (runtime architecture write-up) or `source` (runtime source write-up).
    pub seed: &'static str,
    pub number: u8,
    pub topic: &'static str,
    pub rules: &'static [(&'static Transform, Fix)],
    /// What a user gets on the exercise's textbook Before shape (the seeds' own code, in our words).
    pub textbook: Outcome,
    /// Why no rule covers it, when `rules` is empty.
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
    rules: &'static [(&'static Transform, Fix)],
    textbook: Outcome,
) -> Exercise {
    Exercise {
        seed,
        number,
        topic,
        rules,
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
        &[(&t::io_in_init::TRANSFORM, Fix::Unsafe)],
        Outcome::FixedUnsafe,
    ),
    ex(
        "architecture",
        2,
        "a goroutine started per request",
        &[(&t::goroutine_per_request::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        3,
        "a channel pipeline allocating per item",
        &[(&t::pipeline_alloc_per_item::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        4,
        "one cgo call per item",
        &[(&t::cgo_call_in_loop::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        5,
        "GC pacing on a large heap without a memory limit",
        &[(&t::gc_percent_without_memory_limit::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        6,
        "returning memory to the OS after a batch",
        &[(&t::free_os_memory_in_loop::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        7,
        "interface boxing on a hot path",
        &[(&t::boxing_in_hot_api::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        8,
        "a map of pointers to small structs",
        &[(&t::map_of_small_pointers::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        9,
        "LockOSThread with no thread-bound state",
        &[(&t::lock_os_thread::TRANSFORM, Fix::Unsafe)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        10,
        "a signal handler doing the shutdown work itself",
        &[(&t::signal_handler_blocking::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        11,
        "GOMAXPROCS in a CPU-limited container",
        &[(&t::automaxprocs_import::TRANSFORM, Fix::Unsafe)],
        Outcome::FixedUnsafe,
    ),
    ex(
        "architecture",
        12,
        "deep recursion growing the stack",
        &[(&t::deep_recursion_untrusted::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "architecture",
        13,
        "a release binary with symbols and build paths",
        &[(&t::build_flags::TRANSFORM, Fix::Safe)],
        Outcome::FixedSafe,
    ),
    ex(
        "architecture",
        14,
        "cold-start latency without PGO",
        &[(&t::pgo_profile_missing::TRANSFORM, Fix::SafeWithProfile)],
        Outcome::ReportedFixWithProfile,
    ),
    ex(
        "source",
        1,
        "a channel used as a counter",
        &[(&t::channel_as_counter::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "source",
        2,
        "select with default spinning in a loop",
        &[
            (&t::busy_select_default::TRANSFORM, Fix::SafeOrUnsafe),
            (&t::select_default_spin::TRANSFORM, Fix::Report),
        ],
        Outcome::FixedSafe,
    ),
    ex(
        "source",
        3,
        "time.After in a select loop",
        &[(&t::time_after_in_loop::TRANSFORM, Fix::SafeOrUnsafe)],
        Outcome::FixedSafe,
    ),
    ex(
        "source",
        4,
        "defer Unlock in a tight loop",
        &[(&t::defer_in_loop::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "source",
        5,
        "a goroutine per item",
        &[(&t::goroutine_per_item::TRANSFORM, Fix::Unsafe)],
        Outcome::FixedUnsafe,
    ),
    ex(
        "source",
        6,
        "runtime.GC() to free memory now",
        &[(&t::gc_call::TRANSFORM, Fix::SafeOrUnsafe)],
        Outcome::FixedSafe,
    ),
    ex(
        "source",
        7,
        "runtime.Gosched() to be fair",
        &[(&t::gosched_call::TRANSFORM, Fix::Safe)],
        Outcome::FixedSafe,
    ),
    ex(
        "source",
        8,
        "LockOSThread for no reason",
        &[(&t::lock_os_thread::TRANSFORM, Fix::Unsafe)],
        Outcome::FixedUnsafe,
    ),
    ex(
        "source",
        9,
        "a large buffer made per call",
        &[(&t::large_buffer_per_call::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "source",
        10,
        "runtime.SetFinalizer closing resources",
        &[(&t::finalizer_closes_resource::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    ex(
        "source",
        11,
        "interface boxing in a logging or metrics API",
        &[(&t::boxing_in_hot_api::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
    Exercise {
        seed: "source",
        number: 12,
        topic: "runtime.NumGoroutine polled by metrics",
        rules: &[],
        textbook: Outcome::NotFlagged,
        no_rule: "no finding by design: NumGoroutine reads scheduler counters without stopping the world \
                  (`NumGoroutine` in src/runtime/debug.go); the expensive call in metrics handlers is \
                  ReadMemStats (R1)",
    },
    ex(
        "source",
        13,
        "runtime.ReadMemStats per request",
        &[(&t::read_mem_stats::TRANSFORM, Fix::Safe)],
        Outcome::FixedSafe,
    ),
    ex(
        "source",
        14,
        "runtime.Stack(buf, true) on every request",
        &[(&t::stack_all_goroutines::TRANSFORM, Fix::Report)],
        Outcome::Reported,
    ),
];

/// The README table: one row per exercise, with each rule's fix tier and the seeds' class of the win.
pub fn table() -> String {
    let mut s = String::from(
        "| write-up | # | exercise | rule | fix | textbook shape | class |\n|---|---|---|---|---|---|---|\n",
    );
    for e in EXERCISES {
        if e.rules.is_empty() {
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
        let cell = |f: &dyn Fn(&Transform, Fix) -> String| {
            e.rules
                .iter()
                .map(|(t, k)| f(t, *k))
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
        let preview = e.rules.iter().all(|(t, _)| registry::is_preview(t));
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
