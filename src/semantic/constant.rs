//! Constant values (filled in by the constant-evaluator work).
