//! The README documents every Django and FastAPI code with its severity and meaning.

const README: &str = include_str!("../../../README.md");

#[test]
fn readme_lists_every_framework_code() {
    let section = &README[README
        .find("## Django and FastAPI settings")
        .expect("a Django and FastAPI settings section")..];
    for code in preflight_framework::CODES {
        let row = format!(
            "| `{}` | {} | {} |",
            code.id, code.severity, code.description
        );
        assert!(section.contains(&row), "README.md lacks the row:\n{row}");
    }
}
