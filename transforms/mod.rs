//! The registry of transforms: one module per rule, listed alphabetically by file name.

use crate::transform::Transform;

mod busy_select_default;
mod time_after_in_loop;

pub static ALL: &[&Transform] = &[
    &busy_select_default::TRANSFORM,
    &time_after_in_loop::TRANSFORM,
];
