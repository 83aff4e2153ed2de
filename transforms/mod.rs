//! The registry of transforms: one module per rule, listed alphabetically by file name.

use crate::rules::transform::Transform;

mod automaxprocs_import;
mod boxing_in_hot_api;
mod build_flags;
mod busy_select_default;
mod cgo_call_in_loop;
mod channel_as_counter;
mod deep_recursion_untrusted;
mod defer_in_loop;
mod finalizer_closes_resource;
mod free_os_memory_in_loop;
mod gc_call;
mod gc_percent_without_memory_limit;
mod goroutine_per_item;
mod goroutine_per_request;
mod gosched_call;
mod io_in_init;
mod large_buffer_per_call;
mod lock_os_thread;
mod map_of_small_pointers;
mod pgo_profile_missing;
mod pipeline_alloc_per_item;
mod read_mem_stats;
mod select_default_spin;
mod signal_handler_blocking;
mod stack_all_goroutines;
mod time_after_in_loop;

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
