//! The Dockerfile parser on arbitrary bytes: it must not panic or hang, instructions come in
//! line order with lines inside the input, heredoc bodies follow their instruction, and the
//! check runs on whatever was parsed.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use preflight_containers::dockerfile::{self, Context};

fuzz_target!(|data: &[u8]| {
    let parsed = dockerfile::parse(data);
    let lines = data.split(|&b| b == b'\n').count() as u32;
    let mut previous = 0;
    for instruction in &parsed.instructions {
        assert!(instruction.line > previous && instruction.line <= lines);
        previous = instruction.line;
        for heredoc in &instruction.heredocs {
            for (line, _) in &heredoc.lines {
                assert!(*line > previous && *line <= lines);
                previous = *line;
            }
        }
    }
    for problem in &parsed.problems {
        assert!(problem.line >= 1 && problem.line <= lines);
    }
    let ctx = Context {
        shown: "Dockerfile",
        dockerfile: Path::new("/nonexistent/Dockerfile"),
        context: Path::new("/nonexistent"),
        development: false,
        target: None,
    };
    let checked = dockerfile::check(&parsed, &ctx);
    for finding in &checked.findings {
        let line = finding.location.line.expect("a line");
        assert!(line >= 1 && line <= lines);
    }
});
