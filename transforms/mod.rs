//! The registry of transforms: one module per rule, listed alphabetically by file name.

use crate::transform::Transform;

mod busy_select_default;
mod read_mem_stats;

pub static ALL: &[&Transform] = &[&busy_select_default::TRANSFORM, &read_mem_stats::TRANSFORM];
