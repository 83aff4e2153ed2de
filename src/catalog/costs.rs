//! Which rules address each runtime cost the profile reader measures (`semantic::profile::signature`):
//! the profile summary names them beside each signature, the first being the one the cost points to most.

use crate::rules::transform::Transform;
use crate::transforms as t;

/// One row per signature, in the reader's order, by label.
static COST_RULES: &[(&str, &[&Transform])] = &[
    (
        "runtime.mallocgc",
        &[
            &t::large_buffer_per_call::TRANSFORM,
            &t::boxing_in_hot_api::TRANSFORM,
        ],
    ),
    (
        "runtime.convT*",
        &[
            &t::boxing_in_hot_api::TRANSFORM,
            &t::large_buffer_per_call::TRANSFORM,
        ],
    ),
    (
        "runtime.selectgo",
        &[
            &t::time_after_in_loop::TRANSFORM,
            &t::busy_select_default::TRANSFORM,
            &t::select_default_spin::TRANSFORM,
        ],
    ),
    (
        "runtime.chansend1/chanrecv1",
        &[&t::channel_as_counter::TRANSFORM],
    ),
    (
        "runtime.gcBgMarkWorker",
        &[&t::gc_percent_without_memory_limit::TRANSFORM],
    ),
    (
        "runtime.morestack",
        &[&t::deep_recursion_untrusted::TRANSFORM],
    ),
    (
        "runtime.cgocall",
        &[
            &t::cgo_call_in_loop::TRANSFORM,
            &t::lock_os_thread::TRANSFORM,
        ],
    ),
    (
        "runtime.findRunnable",
        &[
            &t::goroutine_per_item::TRANSFORM,
            &t::goroutine_per_request::TRANSFORM,
            &t::automaxprocs_import::TRANSFORM,
        ],
    ),
    ("runtime.deferreturn", &[&t::defer_in_loop::TRANSFORM]),
];

/// The codes of the rules that address the cost `label` (empty for a label the reader does not have).
pub fn codes_for(label: &str) -> Vec<&'static str> {
    COST_RULES
        .iter()
        .find(|(l, _)| *l == label)
        .map(|(_, rules)| rules.iter().map(|r| r.meta.code).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::profile::signature::SIGNATURES;

    #[test]
    fn every_signature_has_rules_and_no_row_is_stale() {
        let labels: Vec<&str> = SIGNATURES.iter().map(|s| s.label).collect();
        let rows: Vec<&str> = COST_RULES.iter().map(|(l, _)| *l).collect();
        assert_eq!(rows, labels);
        assert!(COST_RULES.iter().all(|(_, rules)| !rules.is_empty()));
    }
}
