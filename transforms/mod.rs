//! The registry of transforms: one module per rule, listed alphabetically by file name.

use crate::rules::transform::Transform;

pub(crate) mod automaxprocs_import;
pub(crate) mod boxing_in_hot_api;
pub(crate) mod build_flags;
pub(crate) mod busy_select_default;
pub(crate) mod cgo_call_in_loop;
pub(crate) mod channel_as_counter;
pub(crate) mod deep_recursion_untrusted;
pub(crate) mod defer_in_loop;
pub(crate) mod finalizer_closes_resource;
pub(crate) mod free_os_memory_in_loop;
pub(crate) mod gc_call;
pub(crate) mod gc_percent_without_memory_limit;
pub(crate) mod goroutine_per_item;
pub(crate) mod goroutine_per_request;
pub(crate) mod gosched_call;
pub(crate) mod io_in_init;
pub(crate) mod large_buffer_per_call;
pub(crate) mod lock_os_thread;
pub(crate) mod map_of_small_pointers;
pub(crate) mod pgo_profile_missing;
pub(crate) mod pipeline_alloc_per_item;
pub(crate) mod read_mem_stats;
pub(crate) mod select_default_spin;
pub(crate) mod signal_handler_blocking;
pub(crate) mod stack_all_goroutines;
pub(crate) mod time_after_in_loop;

pub static ALL: &[&Transform] = &[
    &automaxprocs_import::TRANSFORM,
    &boxing_in_hot_api::TRANSFORM,
    &build_flags::TRANSFORM,
    &busy_select_default::TRANSFORM,
    &cgo_call_in_loop::TRANSFORM,
    &channel_as_counter::TRANSFORM,
    &deep_recursion_untrusted::TRANSFORM,
    &defer_in_loop::TRANSFORM,
    &finalizer_closes_resource::TRANSFORM,
    &free_os_memory_in_loop::TRANSFORM,
    &gc_call::TRANSFORM,
    &gc_percent_without_memory_limit::TRANSFORM,
    &goroutine_per_item::TRANSFORM,
    &goroutine_per_request::TRANSFORM,
    &gosched_call::TRANSFORM,
    &io_in_init::TRANSFORM,
    &large_buffer_per_call::TRANSFORM,
    &lock_os_thread::TRANSFORM,
    &map_of_small_pointers::TRANSFORM,
    &pgo_profile_missing::TRANSFORM,
    &pipeline_alloc_per_item::TRANSFORM,
    &read_mem_stats::TRANSFORM,
    &select_default_spin::TRANSFORM,
    &signal_handler_blocking::TRANSFORM,
    &stack_all_goroutines::TRANSFORM,
    &time_after_in_loop::TRANSFORM,
];
