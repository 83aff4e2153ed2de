//! The whole pipeline on arbitrary bytes as one Go file: every transform, --unsafe-fixes. No panic, no
//! internal error; an input that parses gives an output that parses, and a second run changes nothing.
//! The first byte picks the module's go line, so R5 both adds (below 1.25) and removes automaxprocs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (go, src) = match data.split_first() {
        Some((b, rest)) if b % 4 == 0 => ("1.25", rest),
        Some((b, rest)) if b % 4 == 1 => ("1.16", rest),
        _ => ("1.22", data),
    };
    let _ = gofix_rt::testing::check_pipeline(src, go);
});
