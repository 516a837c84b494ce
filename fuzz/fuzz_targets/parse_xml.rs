//! Fuzzes `planlint::parse_with` (xml): never a panic, a hang or a stack overflow; a result
//! or a positioned error.
#![no_main]

use planlint::{Format, ParseOptions};

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::check(data, &ParseOptions::with_format(Format::Xml));
});
