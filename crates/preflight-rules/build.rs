//! Embeds every `data/rules/*.toml` file: lists the directory and writes a table of
//! `(file name, include_str!(...))` so that adding a rule file needs no code change.
//!
//! Each file is also converted to JSON here, once, because parsing TOML is most of what a
//! one-file scan spends starting up (about 8 ms for the built-in rules, where the same data
//! as JSON takes about 2 ms). The conversion knows nothing of the schema: the loader reads
//! the JSON into the same types, and a file that is not valid TOML gets no JSON, so that the
//! loader parses the TOML and reports the error at its line.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("data")
        .join("rules");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("data/rules exists")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".toml"))
        .collect();
    names.sort();
    let mut table = String::from("&[\n");
    let mut json_table = String::from("&[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            table,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String");
        let text = std::fs::read_to_string(&path).expect("rule files are UTF-8");
        match toml::from_str::<toml::Table>(&text) {
            Ok(parsed) => {
                let json = out.join(format!("{name}.json"));
                let encoded = serde_json::to_string(&parsed).expect("TOML values encode as JSON");
                std::fs::write(&json, encoded).expect("OUT_DIR is writable");
                writeln!(
                    json_table,
                    "    Some(include_str!({:?})),",
                    json.display().to_string()
                )
                .expect("writing to a String");
            }
            Err(_) => json_table.push_str("    None,\n"),
        }
    }
    table.push_str("]\n");
    json_table.push_str("]\n");
    std::fs::write(out.join("embedded.rs"), table).expect("OUT_DIR is writable");
    std::fs::write(out.join("embedded_json.rs"), json_table).expect("OUT_DIR is writable");
}
