//! Flags of the platform key store, mirrored from its C header.
#![allow(non_upper_case_globals)]

#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyUsageFlags(pub i32);

pub const KS_NO_KEY: KeyUsageFlags = KeyUsageFlags(0i32);
pub const KS_SIGNATURE_KEY: KeyUsageFlags = KeyUsageFlags(1i32);
pub const KS_ENCRYPTION_KEY: KeyUsageFlags = KeyUsageFlags(2i32);
pub const KS_STORAGE_KEY: KeyUsageFlags = KeyUsageFlags(4i32);
pub const KS_SESSION_TOKEN: TokenKind = 7u32;
pub const KS_MASTER_PASSWORD: CredentialKind = CredentialKind::Password;
pub type TokenKind = u32;

#[derive(Clone, Copy)]
pub enum CredentialKind {
    Password,
    Token,
}

/// Usage flags of X.509 hardware keys, as the platform's certificate API numbers them.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct X509HsmKeyUsageFlags(pub i32);
pub const KS_X509_SIGNATURE_KEY: X509HsmKeyUsageFlags = X509HsmKeyUsageFlags(1i32);
pub const KS_X509_ENCRYPTION_KEY: X509HsmKeyUsageFlags = 2i32;
