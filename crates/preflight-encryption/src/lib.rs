//! Encrypted env files: which tool encrypted a file, and whether the whole file or only its
//! values.
//!
//! Teams keep secrets out of git by committing them encrypted, which is what the guides
//! recommend. Such a file is recognised by the marks each tool writes, never by its name:
//! - whole files: git-crypt's `\0GITCRYPT\0` header, ansible-vault's `$ANSIBLE_VAULT;` first
//!   line, age's `age-encryption.org/v1` header or its armour, PGP armour and binary OpenPGP
//!   messages (an encrypted session key packet first), dotenv-vault's `.env.vault` (nothing but
//!   `DOTENV_VAULT_*` values);
//! - value by value, names in clear text: sops in its dotenv, YAML, JSON and INI forms (its
//!   `sops` metadata: a MAC and a version; or, in dotenv form, a complete `ENC[...]` value),
//!   dotenvx (`DOTENV_PUBLIC_KEY*` and `encrypted:` values), and Kubernetes SealedSecrets
//!   (`kind: SealedSecret` with `encryptedData`).
//!
//! Hand-written: each mark is a few bytes, and no crate recognises these tools' formats.
//! Recognition reads bytes and never fails; a file that merely mentions a mark in a comment is
//! not taken for encrypted, because every form needs two marks or a mark at the very start.

use std::fmt;

/// The tool that encrypted a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// git-crypt: the blob git stores is encrypted; the working tree holds plain text once the
    /// repository is unlocked.
    GitCrypt,
    /// `ansible-vault encrypt`.
    AnsibleVault,
    /// age, binary or armoured.
    Age,
    /// OpenPGP (`gpg --encrypt`, `gpg --symmetric`), binary or armoured.
    Pgp,
    /// sops: each value is `ENC[...]`, the names and the `sops` metadata are in clear text.
    Sops,
    /// dotenvx: each value is `encrypted:...`, the file holds the public key.
    Dotenvx,
    /// dotenv-vault's `.env.vault`: one `DOTENV_VAULT_<ENVIRONMENT>` value per environment,
    /// each a whole env file encrypted.
    DotenvVault,
    /// Kubernetes SealedSecrets: the values under `encryptedData` are sealed.
    SealedSecrets,
}

impl Tool {
    /// The tool's name as its users write it.
    pub fn name(self) -> &'static str {
        match self {
            Tool::GitCrypt => "git-crypt",
            Tool::AnsibleVault => "ansible-vault",
            Tool::Age => "age",
            Tool::Pgp => "PGP",
            Tool::Sops => "sops",
            Tool::Dotenvx => "dotenvx",
            Tool::DotenvVault => "dotenv-vault",
            Tool::SealedSecrets => "SealedSecrets",
        }
    }
}

/// How the encrypted file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Binary ciphertext.
    Binary,
    /// Ciphertext as text (base64 or hex armour).
    Armoured,
    /// A dotenv file whose values are encrypted.
    Dotenv,
    /// A YAML document whose values are encrypted.
    Yaml,
    /// A JSON document whose values are encrypted.
    Json,
    /// An INI file whose values are encrypted.
    Ini,
}

/// What encrypted a file, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encryption {
    /// The tool.
    pub tool: Tool,
    /// The file's layout.
    pub layout: Layout,
}

impl Encryption {
    /// Whether only the values are encrypted (the names are in clear text).
    pub fn values_only(self) -> bool {
        !matches!(self.layout, Layout::Binary | Layout::Armoured)
    }

    /// Whether the file is a dotenv file whose names can be read.
    pub fn is_dotenv(self) -> bool {
        self.layout == Layout::Dotenv
    }

    /// Whether `value`, read from this file, is one of the tool's encrypted values.
    pub fn encrypts(self, value: &str) -> bool {
        match self.tool {
            Tool::Sops => is_sops_value(value),
            Tool::Dotenvx => is_dotenvx_value(value),
            _ => false,
        }
    }

    /// Whether `name` is the tool's own metadata rather than a variable: sops's `sops_*` keys
    /// and dotenvx's `DOTENV_PUBLIC_KEY*`.
    pub fn is_metadata(self, name: &str) -> bool {
        match self.tool {
            Tool::Sops => name.starts_with("sops_"),
            Tool::Dotenvx => name.starts_with("DOTENV_PUBLIC_KEY"),
            _ => false,
        }
    }
}

impl fmt::Display for Encryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match self.layout {
            Layout::Binary => "the whole file, binary",
            Layout::Armoured => "the whole file, armoured",
            Layout::Dotenv => "values only, dotenv form",
            Layout::Yaml => "values only, YAML form",
            Layout::Json => "values only, JSON form",
            Layout::Ini => "values only, INI form",
        };
        write!(f, "{} ({how})", self.tool.name())
    }
}

/// The encryption of a file whose content is `bytes`, if it is encrypted.
pub fn recognise(bytes: &[u8]) -> Option<Encryption> {
    let whole = |tool, layout| Some(Encryption { tool, layout });
    if bytes.starts_with(b"\0GITCRYPT\0") {
        return whole(Tool::GitCrypt, Layout::Binary);
    }
    if bytes.starts_with(b"age-encryption.org/v1\n") {
        return whole(Tool::Age, Layout::Binary);
    }
    if is_openpgp_message(bytes) {
        return whole(Tool::Pgp, Layout::Binary);
    }
    let start = &bytes[bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len())..];
    if start.starts_with(b"$ANSIBLE_VAULT;") {
        return whole(Tool::AnsibleVault, Layout::Armoured);
    }
    if start.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----") {
        return whole(Tool::Age, Layout::Armoured);
    }
    if start.starts_with(b"-----BEGIN PGP MESSAGE-----") {
        return whole(Tool::Pgp, Layout::Armoured);
    }
    let text = String::from_utf8_lossy(bytes);
    sops(&text, start.first() == Some(&b'{'))
        .or_else(|| dotenvx(&text))
        .or_else(|| dotenv_vault(&text))
        .or_else(|| sealed_secret(&text))
}

/// The tool whose encrypted form `value` has: a sops or dotenvx value found where the plain
/// value was expected (the process environment) was never decrypted.
pub fn still_encrypted(value: &str) -> Option<Tool> {
    if is_sops_value(value) {
        Some(Tool::Sops)
    } else if is_dotenvx_value(value) {
        Some(Tool::Dotenvx)
    } else {
        None
    }
}

/// Whether `value` is a sops value: `ENC[<cipher>,data:...,type:<type>]`.
pub fn is_sops_value(value: &str) -> bool {
    value
        .strip_prefix("ENC[")
        .and_then(|rest| rest.strip_suffix(']'))
        .is_some_and(|body| body.contains(",data:") && body.contains(",type:"))
}

/// Whether `value` is a dotenvx value: `encrypted:` then base64.
pub fn is_dotenvx_value(value: &str) -> bool {
    value.strip_prefix("encrypted:").is_some_and(|body| {
        !body.is_empty()
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
    })
}

/// sops in any of its forms: the `sops` metadata holds a MAC and a version.
fn sops(text: &str, json: bool) -> Option<Encryption> {
    let mut dotenv = (false, false);
    let mut section = false;
    let mut ini = (false, false);
    let mut yaml_top = false;
    let mut yaml = (false, false);
    let mut values = false;
    for line in text.lines() {
        let trimmed = line.trim();
        dotenv.0 |= line.starts_with("sops_mac=ENC[");
        dotenv.1 |= line.starts_with("sops_version=");
        values |= line.split_once('=').is_some_and(|(name, value)| {
            let name = name.strip_prefix("export ").unwrap_or(name);
            !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && is_sops_value(value.trim().trim_matches(['"', '\'']))
        });
        if trimmed.starts_with('[') {
            section = trimmed == "[sops]";
            continue;
        }
        if section {
            let key = trimmed.split('=').next().unwrap_or("").trim();
            ini.0 |= key == "mac";
            ini.1 |= key == "version";
        }
        if !line.starts_with([' ', '\t']) && !trimmed.is_empty() && !trimmed.starts_with('#') {
            yaml_top = line.trim_end() == "sops:";
        } else if yaml_top {
            yaml.0 |= trimmed.starts_with("mac: ENC[");
            yaml.1 |= trimmed.starts_with("version:");
        }
    }
    let layout = if dotenv == (true, true) {
        Layout::Dotenv
    } else if ini == (true, true) {
        Layout::Ini
    } else if yaml == (true, true) {
        Layout::Yaml
    } else if json
        && text.contains("\"sops\":")
        && text.contains("\"mac\": \"ENC[")
        && text.contains("\"version\":")
    {
        Layout::Json
    } else if values {
        // The metadata was lost or cut off, but `NAME=ENC[...]` is sops's alone.
        Layout::Dotenv
    } else {
        return None;
    };
    Some(Encryption {
        tool: Tool::Sops,
        layout,
    })
}

/// dotenvx: a `DOTENV_PUBLIC_KEY*` assignment and at least one `encrypted:` value.
fn dotenvx(text: &str) -> Option<Encryption> {
    let mut public_key = false;
    let mut encrypted = false;
    for line in text.lines() {
        let line = line.trim_start();
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        public_key |= name.starts_with("DOTENV_PUBLIC_KEY");
        encrypted |= is_dotenvx_value(value.trim().trim_matches(['"', '\'']));
    }
    (public_key && encrypted).then_some(Encryption {
        tool: Tool::Dotenvx,
        layout: Layout::Dotenv,
    })
}

/// dotenv-vault: every assignment is a `DOTENV_VAULT_*` name holding base64 (a nonce, the
/// encrypted env file and its tag).
fn dotenv_vault(text: &str) -> Option<Encryption> {
    let mut vaults = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line.split_once('=')?;
        let value = value.trim().trim_matches('"');
        let base64 = value.len() >= 40
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
        if !name.starts_with("DOTENV_VAULT_") || !base64 {
            return None;
        }
        vaults += 1;
    }
    (vaults > 0).then_some(Encryption {
        tool: Tool::DotenvVault,
        layout: Layout::Armoured,
    })
}

/// A Kubernetes SealedSecret: `kind: SealedSecret` and an `encryptedData` mapping.
fn sealed_secret(text: &str) -> Option<Encryption> {
    let mut kind = false;
    let mut data = false;
    for line in text.lines() {
        let trimmed = line.trim();
        kind |= trimmed == "kind: SealedSecret";
        data |= trimmed == "encryptedData:";
    }
    (kind && data).then_some(Encryption {
        tool: Tool::SealedSecrets,
        layout: Layout::Yaml,
    })
}

/// Whether `bytes` start with an OpenPGP packet that opens an encrypted message: a
/// public-key (tag 1) or symmetric-key (tag 3) encrypted session key, with a version that
/// packet has.
fn is_openpgp_message(bytes: &[u8]) -> bool {
    let Some(&first) = bytes.first() else {
        return false;
    };
    if first & 0x80 == 0 {
        return false;
    }
    let (tag, body) = if first & 0x40 == 0 {
        // Old format: the tag in bits 5-2, the length's size in bits 1-0.
        let size = match first & 0x03 {
            0 => 1,
            1 => 2,
            2 => 4,
            _ => return false,
        };
        ((first >> 2) & 0x0f, 1 + size)
    } else {
        // New format: the tag in bits 5-0; a one- or two-octet length.
        let size = match bytes.get(1) {
            Some(0..=191) => 1,
            Some(192..=223) => 2,
            _ => return false,
        };
        (first & 0x3f, 1 + size)
    };
    let Some(&version) = bytes.get(body) else {
        return false;
    };
    match tag {
        1 => matches!(version, 3 | 6),
        3 => matches!(version, 4..=6),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(bytes: &[u8]) -> Option<(Tool, Layout)> {
        recognise(bytes).map(|e| (e.tool, e.layout))
    }

    #[test]
    fn whole_file_marks_at_the_start() {
        assert_eq!(
            tool(b"\0GITCRYPT\0\x01\x02"),
            Some((Tool::GitCrypt, Layout::Binary))
        );
        assert_eq!(
            tool(b"$ANSIBLE_VAULT;1.1;AES256\n6162\n"),
            Some((Tool::AnsibleVault, Layout::Armoured))
        );
        assert_eq!(
            tool(b"age-encryption.org/v1\n-> X25519 abc\n"),
            Some((Tool::Age, Layout::Binary))
        );
        assert_eq!(
            tool(b"\n-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n"),
            Some((Tool::Age, Layout::Armoured))
        );
        assert_eq!(
            tool(b"-----BEGIN PGP MESSAGE-----\n\njA0E\n"),
            Some((Tool::Pgp, Layout::Armoured))
        );
        assert_eq!(
            tool(b"\x8c\x0d\x04\x09\x03\x02"),
            Some((Tool::Pgp, Layout::Binary))
        );
        assert_eq!(tool(b"\xc1\x10\x03abc"), Some((Tool::Pgp, Layout::Binary)));
    }

    #[test]
    fn marks_elsewhere_or_alone_are_not_encryption() {
        assert_eq!(tool(b"A=1\n# $ANSIBLE_VAULT;1.1\n"), None);
        assert_eq!(tool(b"A=1\n\0GITCRYPT\0"), None);
        assert_eq!(tool(b"sops_version=3.9.1\nA=ENC[x]\n"), None);
        assert_eq!(tool(b"DOTENV_PUBLIC_KEY=02ab\nA=plain\n"), None);
        assert_eq!(tool(b"A=encrypted:QUJD\n"), None);
        let vault = "DOTENV_VAULT_PRODUCTION=\"mHu1IGRy8c46T3P4CkMQ0t58umeREcYIoBZs4m5p\"\n";
        assert_eq!(
            tool(format!("# production\n{vault}").as_bytes()),
            Some((Tool::DotenvVault, Layout::Armoured))
        );
        assert_eq!(tool(format!("{vault}A=1\n").as_bytes()), None);
        assert_eq!(tool(b"DOTENV_VAULT_PRODUCTION=short\n"), None);
        assert_eq!(tool(b"kind: Secret\ndata:\n  A: QUJD\n"), None);
        assert_eq!(tool(b"\x8c\x0d\x01"), None);
        assert_eq!(tool(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(tool(b""), None);
    }

    #[test]
    fn sops_in_each_form() {
        let mac = "ENC[AES256_GCM,data:AAAA,iv:BBBB,tag:CCCC,type:str]";
        let dotenv = format!("A={mac}\nsops_mac={mac}\nsops_version=3.9.1\n");
        assert_eq!(tool(dotenv.as_bytes()), Some((Tool::Sops, Layout::Dotenv)));
        let yaml = format!("A: {mac}\nsops:\n    mac: {mac}\n    version: 3.9.1\n");
        assert_eq!(tool(yaml.as_bytes()), Some((Tool::Sops, Layout::Yaml)));
        let values_alone = format!("A={mac}\nB=plain\n");
        assert_eq!(
            tool(values_alone.as_bytes()),
            Some((Tool::Sops, Layout::Dotenv))
        );
        let commented = format!("# A={mac}\nB=plain\n");
        assert_eq!(tool(commented.as_bytes()), None);
        let nested = format!("sops_like:\n    mac: {mac}\n    version: 1\n");
        assert_eq!(tool(nested.as_bytes()), None);
        let json = format!(
            "{{\n\t\"A\": \"{mac}\",\n\t\"sops\": {{\n\t\t\"mac\": \"{mac}\",\n\t\t\"version\": \"3.9.1\"\n\t}}\n}}"
        );
        assert_eq!(tool(json.as_bytes()), Some((Tool::Sops, Layout::Json)));
        let ini = format!("[app]\nA = {mac}\n\n[sops]\nmac = {mac}\nversion = 3.9.1\n");
        assert_eq!(tool(ini.as_bytes()), Some((Tool::Sops, Layout::Ini)));
    }

    #[test]
    fn values_and_metadata() {
        let sops = Encryption {
            tool: Tool::Sops,
            layout: Layout::Dotenv,
        };
        assert!(sops.encrypts("ENC[AES256_GCM,data:AAAA,iv:BB,tag:CC,type:str]"));
        assert!(!sops.encrypts("ENC[not sops]"));
        assert!(!sops.encrypts("plain"));
        assert!(sops.is_metadata("sops_mac"));
        assert!(!sops.is_metadata("SECRET_KEY"));
        let dotenvx = Encryption {
            tool: Tool::Dotenvx,
            layout: Layout::Dotenv,
        };
        assert!(dotenvx.encrypts("encrypted:BFm3x+/w=="));
        assert!(!dotenvx.encrypts("encrypted:"));
        assert!(!dotenvx.encrypts("encrypted: words here"));
        assert!(dotenvx.is_metadata("DOTENV_PUBLIC_KEY_PRODUCTION"));
        assert!(dotenvx.values_only() && dotenvx.is_dotenv());
        assert_eq!(
            still_encrypted("ENC[AES256_GCM,data:AAAA,iv:BB,tag:CC,type:str]"),
            Some(Tool::Sops)
        );
        assert_eq!(still_encrypted("encrypted:BFm3x+/w=="), Some(Tool::Dotenvx));
        assert_eq!(still_encrypted("postgresql://db/app"), None);
        assert_eq!(
            sops.to_string(),
            "sops (values only, dotenv form)".to_string()
        );
    }
}
