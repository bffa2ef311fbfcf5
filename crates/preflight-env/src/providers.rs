//! The documented shapes of provider credentials.
//!
//! Each [`Provider`] is one kind of credential (`stripe` is a Stripe secret key,
//! `stripe.webhook-secret` a webhook signing secret). Its shape is a regular expression over the
//! whole value, from the provider's documentation; only facts (prefixes, lengths, alphabets) are
//! encoded. Environment-specific rules (Stripe test keys in production) live in the checks.

use std::sync::LazyLock;

use regex::Regex;

/// A kind of provider credential with a documented shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// OpenAI API key: `sk-`, `sk-proj-`, `sk-svcacct-` or `sk-admin-` then the key.
    OpenAi,
    /// Anthropic API key: `sk-ant-`.
    Anthropic,
    /// Stripe secret or restricted key: `sk_live_`/`sk_test_`/`rk_live_`/`rk_test_`.
    StripeSecret,
    /// Stripe publishable key: `pk_live_`/`pk_test_`.
    StripePublishable,
    /// Stripe webhook signing secret: `whsec_`.
    StripeWebhook,
    /// Twilio account SID: `AC` and 32 hex digits.
    TwilioAccountSid,
    /// Twilio auth token: 32 hex digits.
    TwilioAuthToken,
    /// Twilio API key SID: `SK` and 32 hex digits.
    TwilioApiKey,
    /// Xero OAuth client id: 32 hex digits.
    XeroClientId,
    /// Xero tenant (organisation) id: a UUID.
    XeroTenantId,
    /// Xero OAuth refresh token: an opaque token.
    XeroRefreshToken,
    /// GitHub token: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` or `github_pat_`.
    GitHub,
    /// SendGrid API key: `SG.` and two dot-separated parts.
    SendGrid,
    /// AWS access key id: `AKIA` or `ASIA` and 16 characters.
    AwsAccessKeyId,
    /// Slack token: `xoxb-`, `xoxp-`, `xoxa-`, ...
    Slack,
}

struct Shape {
    provider: Provider,
    id: &'static str,
    description: &'static str,
    pattern: &'static str,
}

const SHAPES: &[Shape] = &[
    Shape {
        provider: Provider::OpenAi,
        id: "openai",
        description: "`sk-` or `sk-proj-` followed by at least 20 letters, digits, `-` or `_`",
        pattern: r"^sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}$",
    },
    Shape {
        provider: Provider::Anthropic,
        id: "anthropic",
        description: "`sk-ant-` followed by at least 20 letters, digits, `-` or `_`",
        pattern: r"^sk-ant-[A-Za-z0-9_-]{20,}$",
    },
    Shape {
        provider: Provider::StripeSecret,
        id: "stripe",
        description: "`sk_live_`, `sk_test_`, `rk_live_` or `rk_test_` followed by at least 10 letters and digits",
        pattern: r"^[sr]k_(?:live|test)_[A-Za-z0-9]{10,}$",
    },
    Shape {
        provider: Provider::StripePublishable,
        id: "stripe.publishable-key",
        description: "`pk_live_` or `pk_test_` followed by at least 10 letters and digits",
        pattern: r"^pk_(?:live|test)_[A-Za-z0-9]{10,}$",
    },
    Shape {
        provider: Provider::StripeWebhook,
        id: "stripe.webhook-secret",
        description: "`whsec_` followed by at least 20 letters and digits",
        pattern: r"^whsec_[A-Za-z0-9]{20,}$",
    },
    Shape {
        provider: Provider::TwilioAccountSid,
        id: "twilio.account-sid",
        description: "`AC` followed by 32 hex digits",
        pattern: r"^AC[0-9a-fA-F]{32}$",
    },
    Shape {
        provider: Provider::TwilioAuthToken,
        id: "twilio.auth-token",
        description: "32 hex digits",
        pattern: r"^[0-9a-fA-F]{32}$",
    },
    Shape {
        provider: Provider::TwilioApiKey,
        id: "twilio.api-key",
        description: "`SK` followed by 32 hex digits",
        pattern: r"^SK[0-9a-fA-F]{32}$",
    },
    Shape {
        provider: Provider::XeroClientId,
        id: "xero.client-id",
        description: "32 hex digits",
        pattern: r"^[0-9a-fA-F]{32}$",
    },
    Shape {
        provider: Provider::XeroTenantId,
        id: "xero.tenant-id",
        description: "a UUID (8-4-4-4-12 hex digits)",
        pattern: r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    },
    Shape {
        provider: Provider::XeroRefreshToken,
        id: "xero.refresh-token",
        description: "at least 20 characters without spaces",
        pattern: r"^\S{20,}$",
    },
    Shape {
        provider: Provider::GitHub,
        id: "github",
        description: "`ghp_`, `gho_`, `ghu_`, `ghs_` or `ghr_` and 36 letters and digits, or `github_pat_`",
        pattern: r"^(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})$",
    },
    Shape {
        provider: Provider::SendGrid,
        id: "sendgrid",
        description: "`SG.` followed by two dot-separated parts",
        pattern: r"^SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}$",
    },
    Shape {
        provider: Provider::AwsAccessKeyId,
        id: "aws.access-key-id",
        description: "`AKIA` or `ASIA` followed by 16 upper-case letters and digits",
        pattern: r"^(?:AKIA|ASIA)[A-Z0-9]{16}$",
    },
    Shape {
        provider: Provider::Slack,
        id: "slack",
        description: "`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-` or `xoxs-` followed by the token",
        pattern: r"^xox[abposr]-[A-Za-z0-9-]{10,}$",
    },
];

static COMPILED: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    SHAPES
        .iter()
        .map(|s| Regex::new(s.pattern).expect("provider shapes are valid regexes"))
        .collect()
});

impl Provider {
    fn index(self) -> usize {
        SHAPES
            .iter()
            .position(|s| s.provider == self)
            .expect("every provider has a shape")
    }

    /// The provider for a policy id such as `stripe.webhook-secret`.
    pub fn from_id(id: &str) -> Option<Provider> {
        let id = id.to_ascii_lowercase().replace('_', "-");
        SHAPES.iter().find(|s| s.id == id).map(|s| s.provider)
    }

    /// Every policy id.
    pub fn ids() -> Vec<&'static str> {
        SHAPES.iter().map(|s| s.id).collect()
    }

    /// The policy id.
    pub fn id(self) -> &'static str {
        SHAPES[self.index()].id
    }

    /// The documented shape, in words.
    pub fn description(self) -> &'static str {
        SHAPES[self.index()].description
    }

    /// Whether the credential identifies an account rather than authenticating it (publishable
    /// keys, SIDs, client and tenant ids): it may be shared between environments.
    pub fn is_identifier(self) -> bool {
        matches!(
            self,
            Provider::StripePublishable
                | Provider::TwilioAccountSid
                | Provider::XeroClientId
                | Provider::XeroTenantId
                | Provider::AwsAccessKeyId
        )
    }

    /// Whether `value` has the documented shape.
    pub fn matches(self, value: &str) -> bool {
        COMPILED[self.index()].is_match(value)
    }

    /// The provider a variable's name implies, such as `TWILIO_ACCOUNT_SID`.
    pub fn for_name(name: &str) -> Option<Provider> {
        let n = name.to_ascii_uppercase();
        let has = |part: &str| n.contains(part);
        let provider = if has("OPENAI") && has("KEY") {
            Provider::OpenAi
        } else if has("ANTHROPIC") && has("KEY") {
            Provider::Anthropic
        } else if has("STRIPE") {
            if has("WEBHOOK") {
                Provider::StripeWebhook
            } else if has("PUBLISHABLE") || has("PUBLIC") {
                Provider::StripePublishable
            } else if has("SECRET") || has("API_KEY") || has("RESTRICTED") {
                Provider::StripeSecret
            } else {
                return None;
            }
        } else if has("TWILIO") {
            if has("ACCOUNT_SID") {
                Provider::TwilioAccountSid
            } else if has("AUTH_TOKEN") {
                Provider::TwilioAuthToken
            } else if n.ends_with("API_KEY") || n.ends_with("API_KEY_SID") {
                Provider::TwilioApiKey
            } else {
                return None;
            }
        } else if has("XERO") {
            if has("CLIENT_ID") {
                Provider::XeroClientId
            } else if has("TENANT_ID") {
                Provider::XeroTenantId
            } else if has("REFRESH_TOKEN") {
                Provider::XeroRefreshToken
            } else {
                return None;
            }
        } else if has("GITHUB") && has("TOKEN") {
            Provider::GitHub
        } else if has("SENDGRID") && has("KEY") {
            Provider::SendGrid
        } else if n == "AWS_ACCESS_KEY_ID" {
            Provider::AwsAccessKeyId
        } else if has("SLACK") && has("TOKEN") {
            Provider::Slack
        } else {
            return None;
        };
        Some(provider)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_accept_documented_forms_and_reject_others() {
        let hex32 = "0123456789abcdef0123456789abcdef";
        let cases: &[(Provider, &str, bool)] = &[
            (
                Provider::OpenAi,
                "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
                true,
            ),
            (Provider::OpenAi, "sk-...", false),
            (Provider::StripeSecret, "sk_live_51Hx9aBcDeFgHiJkLmN", true),
            (Provider::StripeSecret, "pk_live_51Hx9aBcDeFgHiJkLmN", false),
            (
                Provider::StripeWebhook,
                "whsec_AbCdEfGhIjKlMnOpQrStUvWx",
                true,
            ),
            (Provider::TwilioAccountSid, &format!("AC{hex32}"), true),
            (Provider::TwilioAccountSid, hex32, false),
            (Provider::TwilioAuthToken, hex32, true),
            (Provider::TwilioApiKey, &format!("SK{hex32}"), true),
            (
                Provider::XeroClientId,
                "0123456789ABCDEF0123456789ABCDEF",
                true,
            ),
            (Provider::XeroClientId, "0123456789ABCDEF", false),
            (
                Provider::XeroTenantId,
                "8f2c1e3a-4b5d-4c6e-9f70-1a2b3c4d5e6f",
                true,
            ),
            (Provider::XeroTenantId, "tenant-1", false),
        ];
        for (provider, value, ok) in cases {
            assert_eq!(provider.matches(value), *ok, "{provider:?}");
        }
    }

    #[test]
    fn names_imply_providers() {
        assert_eq!(
            Provider::for_name("TWILIO_ACCOUNT_SID"),
            Some(Provider::TwilioAccountSid)
        );
        assert_eq!(
            Provider::for_name("STRIPE_WEBHOOK_SECRET"),
            Some(Provider::StripeWebhook)
        );
        assert_eq!(
            Provider::for_name("STRIPE_PUBLISHABLE_KEY"),
            Some(Provider::StripePublishable)
        );
        assert_eq!(
            Provider::for_name("XERO_TENANT_ID"),
            Some(Provider::XeroTenantId)
        );
        assert_eq!(Provider::for_name("XERO_CLIENT_SECRET"), None);
        for id in Provider::ids() {
            assert_eq!(Provider::from_id(id).map(Provider::id), Some(id));
        }
    }
}
