//! The registry of transforms: one module per rule, listed alphabetically by file name.

use crate::transform::Transform;

mod automaxprocs_import;
mod busy_select_default;
mod gc_call;
mod gosched_call;
mod read_mem_stats;
mod time_after_in_loop;

pub static ALL: &[&Transform] = &[
    &automaxprocs_import::TRANSFORM,
    &busy_select_default::TRANSFORM,
    &gc_call::TRANSFORM,
    &gosched_call::TRANSFORM,
    &read_mem_stats::TRANSFORM,
    &time_after_in_loop::TRANSFORM,
];
