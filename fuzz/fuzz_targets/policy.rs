//! The policy parser on arbitrary text: it must not panic, and every error has a line inside
//! the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(error) = preflight_env::parse_policy(text) {
        let line = error.line.expect("every policy error has a line");
        let newlines = text.bytes().filter(|&b| b == b'\n').count();
        assert!(line >= 1 && line as usize <= newlines + 1);
    }
});
