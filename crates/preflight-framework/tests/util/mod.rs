//! Shared test code: projects written to temporary directories and the findings of a check.

use preflight_findings::{Check, Location, Outcome, Project};

/// A project with these files (paths relative to its root).
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, body) in files {
        write(dir.path(), path, body.as_bytes());
    }
    dir
}

/// Writes one file, creating its directories.
pub fn write(root: &std::path::Path, path: &str, body: &[u8]) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    std::fs::write(full, body).expect("write");
}

/// Runs a check on the project at `root`.
pub fn run(check: &dyn Check, root: &std::path::Path) -> Outcome {
    check.run(&Project {
        root: root.to_path_buf(),
    })
}

/// Each finding as `id path:line` (line `-` when the finding names a whole module), sorted.
pub fn found(outcome: &Outcome) -> Vec<String> {
    sorted_places(outcome.findings.iter().map(|f| (&f.id, &f.location)))
}

/// Each fact as `id path:line` (line `-` for a whole module), sorted.
pub fn fact_places(outcome: &Outcome) -> Vec<String> {
    sorted_places(outcome.facts.iter().map(|f| (&f.id, &f.location)))
}

fn sorted_places<'a>(items: impl Iterator<Item = (&'a String, &'a Location)>) -> Vec<String> {
    let mut out: Vec<String> = items
        .map(|(id, location)| {
            let line = location.line.map_or_else(|| "-".into(), |l| l.to_string());
            format!("{id} {}:{line}", location.path)
        })
        .collect();
    out.sort();
    out
}

/// The messages of the facts with `id`, in order.
pub fn fact_messages(outcome: &Outcome, id: &str) -> Vec<String> {
    outcome
        .facts
        .iter()
        .filter(|f| f.id == id)
        .map(|f| f.message.to_string())
        .collect()
}

/// The 1-based line of the first line of `text` that contains `needle`.
pub fn line_in(text: &str, needle: &str) -> u32 {
    let index = text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` is not in the text"));
    u32::try_from(index + 1).expect("a small file")
}

/// The message of the only finding with `id`.
pub fn message(outcome: &Outcome, id: &str) -> String {
    let matching: Vec<_> = outcome.findings.iter().filter(|f| f.id == id).collect();
    assert_eq!(matching.len(), 1, "one {id} expected: {:?}", found(outcome));
    matching[0].message.to_string()
}
