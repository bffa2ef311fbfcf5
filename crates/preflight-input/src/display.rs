//! The path a user sees for an input.

use std::path::Path;

/// The path of an entry found `depth` levels below its root, as shown to the user: relative to
/// the root (a root itself, at depth 0, is shown as given), with `/` separators, and lossily
/// converted where a name is not UTF-8.
pub(crate) fn display_path(path: &Path, depth: usize) -> String {
    if depth == 0 {
        return as_given(path);
    }
    let mut names: Vec<_> = path.components().rev().take(depth).collect();
    names.reverse();
    let mut shown = String::with_capacity(path.as_os_str().len());
    for (index, name) in names.iter().enumerate() {
        if index > 0 {
            shown.push('/');
        }
        shown.push_str(&name.as_os_str().to_string_lossy());
    }
    shown
}

/// A path as the user gave it, with `/` separators.
pub(crate) fn as_given(path: &Path) -> String {
    let shown = path.to_string_lossy();
    if cfg!(windows) {
        shown.replace('\\', "/")
    } else {
        shown.into_owned()
    }
}

/// The root that an entry `depth` levels down was found under.
pub(crate) fn root_of(path: &Path, depth: usize) -> Option<&Path> {
    path.ancestors().nth(depth)
}

/// A byte count in the unit a person would use.
pub(crate) fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    const GIB: u64 = 1024 * MIB;
    // Precision loss is irrelevant for a one-decimal display.
    #[allow(clippy::cast_precision_loss)]
    match bytes {
        b if b >= GIB => format!("{:.1} GiB", b as f64 / GIB as f64),
        b if b >= MIB => format!("{:.1} MiB", b as f64 / MIB as f64),
        b if b >= KIB => format!("{:.1} KiB", b as f64 / KIB as f64),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_shown_relative_to_their_root() {
        assert_eq!(
            display_path(Path::new("./src/app/main.py"), 2),
            "app/main.py"
        );
        assert_eq!(display_path(Path::new("/abs/root/.env"), 1), ".env");
        assert_eq!(display_path(Path::new("root//a/b"), 2), "a/b");
    }

    #[test]
    fn roots_are_shown_as_given() {
        assert_eq!(display_path(Path::new("./config/.env"), 0), "./config/.env");
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_shown_lossily() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"root/caf\xe9/x"));
        assert_eq!(display_path(path, 2), "caf\u{fffd}/x");
    }

    #[test]
    fn roots_are_found_from_depth() {
        assert_eq!(root_of(Path::new("./a/b"), 2), Some(Path::new(".")));
        assert_eq!(root_of(Path::new("r/a"), 1), Some(Path::new("r")));
    }

    #[test]
    fn sizes_use_the_largest_fitting_unit() {
        assert_eq!(human_size(100), "100 bytes");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(60 * 1024 * 1024), "60.0 MiB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
