//! Fuzzes the renderer on whatever the parser accepts: JSON renders back to the same plans,
//! TEXT renders to something the TEXT parser reads; never a panic.
#![no_main]

use planlint::ParseOptions;

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(plans) = common::check(data, &ParseOptions::default()) {
        common::check_render(&plans);
    }
});
