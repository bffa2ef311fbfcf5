//! The README documents every container code with its severity and meaning.

const README: &str = include_str!("../../../README.md");

#[test]
fn readme_lists_every_container_code() {
    let section = &README[README
        .find("## Container files")
        .expect("a Container files section")..];
    for code in preflight_containers::CODES {
        let row = format!(
            "| `{}` | {} | {} |",
            code.id, code.severity, code.description
        );
        assert!(section.contains(&row), "README.md lacks the row:\n{row}");
    }
}
