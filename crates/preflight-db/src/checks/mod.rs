//! The checks proper: pure functions from what was read (the parsed URL, the server's facts,
//! the plaintext probe) to findings. They touch no network, so each rule is unit-tested here
//! and asserted end to end against real servers in the crate's tests.

pub(crate) mod password;
pub(crate) mod role;
pub(crate) mod settings;
pub(crate) mod transport;
pub(crate) mod version;

/// Whether a boolean-ish setting value reads as off (`off`, `false`, `0`, `no`, empty).
pub(crate) fn is_off(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "off" | "false" | "0" | "no" | "f" | "n"
    )
}
