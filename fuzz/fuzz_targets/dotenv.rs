//! The dotenv parser on arbitrary bytes: it must not panic or hang, every problem has a line
//! inside the input, and entries come in line order.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let document = preflight_env::dotenv::parse(data);
    let lines = data.split(|&b| b == b'\n').count() as u32;
    for problem in &document.problems {
        assert!(problem.line >= 1 && problem.line <= lines.max(1));
        assert!(problem.column >= 1);
    }
    let mut previous = 0;
    for entry in &document.entries {
        assert!(entry.line >= previous && entry.line <= entry.end_line);
        previous = entry.end_line;
    }
});
