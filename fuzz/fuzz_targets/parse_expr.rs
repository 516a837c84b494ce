//! Fuzzes the expression parser (`planlint::advice::expr`, what the advisor reads `Filter`,
//! `Index Cond`, `Sort Key`… with): never a panic, a hang or a stack overflow; an expression
//! whose printed form parses again, or an error inside the input.
#![no_main]

use planlint::advice::expr;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match expr::parse(&text) {
        Ok(e) => {
            let printed = e.to_string();
            if let Err(err) = expr::parse(&printed) {
                panic!("{text:?} printed as {printed:?}, which does not parse: {err}");
            }
        }
        Err(err) => {
            assert!(err.offset <= text.len(), "offset past the input: {err:?}");
            assert!(text.is_char_boundary(err.offset), "offset inside a character: {err:?}");
            assert_eq!(err.column, text[..err.offset].chars().count() + 1, "{err:?}");
            assert!(!err.message.is_empty());
        }
    }
    if let Ok(item) = expr::parse_sort_item(&text) {
        let _ = item.to_string();
    }
});
