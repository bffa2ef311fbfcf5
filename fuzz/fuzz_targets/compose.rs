//! The compose check on arbitrary text: it must not panic or hang (alias and merge-key bombs
//! included), every finding and warning has a line inside the input, and no finding is about a
//! file other than the one checked.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use preflight_containers::compose::{self, Source};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // YAML breaks lines at CRLF, CR and LF alike.
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count() as u32;
    let source = Source {
        shown: "compose.yaml",
        dir: Path::new("/nonexistent"),
        development: false,
    };
    let outcome = compose::check(text, &source, None);
    for finding in &outcome.findings {
        assert_eq!(finding.location.path, "compose.yaml");
        let line = finding.location.line.expect("a line");
        assert!(line >= 1 && line <= lines.max(1), "line {line} of {lines}");
    }
    for warning in &outcome.warnings {
        if let Some(line) = warning.line {
            assert!(
                line >= 1 && line <= lines.max(1) + 1,
                "line {line} of {lines}"
            );
        }
    }
});
