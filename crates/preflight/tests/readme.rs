//! The README is checked: its grading tables match the code, and its configuration example is a
//! configuration preflight accepts, with custom rules whose examples pass.

mod common;

use common::preflight_command;

const README: &str = include_str!("../../../README.md");

#[test]
fn readme_holds_the_grading_tables() {
    let tables = preflight_web::markdown_tables();
    for table in tables.split("\n\n") {
        assert!(
            README.contains(table.trim_end()),
            "README.md's grading tables are stale; they are:\n{tables}"
        );
    }
}

/// The first ```toml block under "## Configuration".
fn configuration_example() -> &'static str {
    let section = &README[README
        .find("## Configuration")
        .expect("a Configuration section")..];
    let start = section.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + section[start..].find("```").expect("the block ends");
    &section[start..end]
}

#[test]
fn readme_configuration_example_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("preflight.toml"), configuration_example()).unwrap();
    let output = preflight_command(dir.path(), &["rules", "test"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");

    let output = preflight_command(dir.path(), &["check", "--skip", "history", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(2), "{stderr}");
}
