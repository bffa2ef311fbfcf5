//! Rules inferred from a variable's name when the policy does not list it.
//!
//! Names are matched from the most specific (`DATABASE_URL`, `TWILIO_ACCOUNT_SID`) to the most
//! general (`*_URL`, `*_DIR`). The general suffix patterns would match half of a CI runner's
//! environment (`XDG_RUNTIME_DIR`, `CARGO_HOME`), so when checking the process environment only
//! the specific names are inferred; see [`Inferred::specific`].

use crate::policy::{Kind, Policy};
use crate::providers::Provider;

/// A rule inferred from a name.
#[derive(Debug, Clone)]
pub struct Inferred {
    /// The kind and its options.
    pub kind: Kind,
    /// Whether the name itself is well known (not only a suffix such as `_DIR`).
    pub specific: bool,
}

/// What inference needs to know about the project.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The policy's defaults (lengths, localhost).
    pub policy: &'a Policy,
    /// Whether the project is a Django project (its `SECRET_KEY` follows Django's rules).
    pub django: bool,
}

/// The rule a variable's name implies, if any.
pub fn infer(name: &str, ctx: Context<'_>) -> Option<Inferred> {
    let n = name.to_ascii_uppercase();
    let specific = |kind| {
        Some(Inferred {
            kind,
            specific: true,
        })
    };
    let general = |kind| {
        Some(Inferred {
            kind,
            specific: false,
        })
    };
    let ends = |suffix: &str| n.ends_with(suffix);
    let database = |postgres| Kind::DatabaseUrl {
        postgres,
        min_password_length: ctx.policy.min_password_length,
        allow_localhost: ctx.policy.allow_localhost,
    };
    let secret = |min_length, django| Kind::Secret { min_length, django };
    let production_bool = |value| Kind::Bool {
        production_value: Some(value),
    };

    // Files first: `DB_PASSWORD_FILE` names a file holding a secret, not a secret.
    if ends("_KEY_FILE") || ends("_KEY_PATH") || ends("_PASSWORD_FILE") || ends("_SECRET_FILE") {
        return specific(Kind::Path {
            must_exist: true,
            key_file: true,
        });
    }
    if n == "GOOGLE_APPLICATION_CREDENTIALS" {
        return specific(Kind::Path {
            must_exist: true,
            key_file: true,
        });
    }
    if ends("_PATH") || ends("_FILE") || ends("_DIR") {
        return general(Kind::Path {
            must_exist: true,
            key_file: false,
        });
    }
    match n.as_str() {
        "DATABASE_URL" | "DB_URL" | "POSTGRES_URL" | "POSTGRESQL_URL" | "PG_URL" => {
            return specific(database(false));
        }
        "REDIS_URL" | "MONGODB_URI" | "MONGO_URL" | "MYSQL_URL" => {
            return specific(database(false));
        }
        "SECRET_KEY" | "DJANGO_SECRET_KEY" => {
            let django = ctx.django || n.starts_with("DJANGO_");
            let min = if django {
                50
            } else {
                ctx.policy.min_secret_length
            };
            return specific(secret(min, django));
        }
        "DEBUG" | "DJANGO_DEBUG" | "FLASK_DEBUG" => return specific(production_bool(false)),
        "CORS_ALLOW_ALL_ORIGINS" | "CORS_ORIGIN_ALLOW_ALL" => {
            return specific(production_bool(false));
        }
        "SECURE_SSL_REDIRECT" | "SESSION_COOKIE_SECURE" | "CSRF_COOKIE_SECURE" => {
            return specific(production_bool(true));
        }
        "SECURE_HSTS_SECONDS" => {
            return specific(Kind::Int {
                min: Some(31_536_000),
                max: None,
            });
        }
        "ALLOWED_HOSTS" | "DJANGO_ALLOWED_HOSTS" => return specific(Kind::HostList),
        "SENTRY_DSN" => return specific(Kind::Url),
        _ => {}
    }
    if ends("_DATABASE_URL") || ends("_DB_URL") {
        return specific(database(false));
    }
    if n.starts_with("CORS_") && (ends("ORIGINS") || ends("WHITELIST"))
        || n == "CSRF_TRUSTED_ORIGINS"
    {
        return specific(Kind::CorsOrigins);
    }
    if ends("_ALLOWED_HOSTS") {
        return specific(Kind::HostList);
    }
    if ends("_DEBUG") {
        return general(production_bool(false));
    }
    if let Some(provider) = Provider::for_name(&n) {
        return specific(Kind::ApiKey {
            provider: Some(provider),
        });
    }
    if ends("_PASSWORD") || ends("_PASS") || ends("_PASSWD") {
        let kind = secret(ctx.policy.min_password_length, false);
        return if n.starts_with("POSTGRES") || n.starts_with("DB_") || n.starts_with("DATABASE") {
            specific(kind)
        } else {
            general(kind)
        };
    }
    // Credentials a provider issues (client secrets, API keys, tokens) are checked for shape
    // and placeholders but never generated.
    let issued = n.contains("API")
        || n.contains("CLIENT")
        || n.contains("ACCESS")
        || n.contains("TOKEN")
        || ["STRIPE_", "TWILIO_", "XERO_", "OPENAI_", "AWS_"]
            .iter()
            .any(|p| n.starts_with(p));
    let secretish = n.contains("SECRET") || ends("_SIGNING_KEY") || ends("_ENCRYPTION_KEY");
    if issued && (secretish || ends("_KEY") || ends("_TOKEN")) {
        let is_provider = ["STRIPE_", "TWILIO_", "XERO_", "OPENAI_"]
            .iter()
            .any(|p| n.starts_with(p));
        return if is_provider {
            specific(Kind::ApiKey { provider: None })
        } else {
            general(Kind::ApiKey { provider: None })
        };
    }
    if secretish {
        return general(secret(ctx.policy.min_secret_length, false));
    }
    if n == "PORT" || ends("_PORT") {
        return general(Kind::Int {
            min: Some(1),
            max: Some(65_535),
        });
    }
    if ends("_EMAIL") {
        return general(Kind::Email);
    }
    // Django projects keep the admin's route, a path such as `x7kq/` rather than a URL, in
    // `ADMIN_URL` (after `path(settings.ADMIN_URL, admin.site.urls)`).
    if ends("ADMIN_URL") {
        return None;
    }
    if ends("_URL") || ends("_URI") {
        return general(Kind::Url);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str, django: bool) -> Option<&'static str> {
        let policy = Policy::default();
        infer(
            name,
            Context {
                policy: &policy,
                django,
            },
        )
        .map(|i| i.kind.name())
    }

    #[test]
    fn known_names_get_their_kinds() {
        let cases = [
            ("DATABASE_URL", Some("database_url")),
            ("SECRET_KEY", Some("secret")),
            ("OPENAI_API_KEY", Some("api_key")),
            ("STRIPE_SECRET_KEY", Some("api_key")),
            ("XERO_CLIENT_SECRET", Some("api_key")),
            ("XERO_TENANT_ID", Some("api_key")),
            ("DEBUG", Some("bool")),
            ("ALLOWED_HOSTS", Some("host_list")),
            ("CORS_ALLOWED_ORIGINS", Some("cors_origins")),
            ("POSTGRES_PASSWORD", Some("secret")),
            ("SSL_KEY_FILE", Some("path")),
            ("MEDIA_DIR", Some("path")),
            ("JWT_SECRET", Some("secret")),
            ("DEFAULT_FROM_EMAIL", Some("email")),
            ("FRONTEND_URL", Some("url")),
            ("DJANGO_ADMIN_URL", None),
            ("APP_NAME", None),
        ];
        for (name, expected) in cases {
            assert_eq!(kind(name, false), expected, "{name}");
        }
    }

    #[test]
    fn django_projects_get_django_secret_rules() {
        let policy = Policy::default();
        let ctx = Context {
            policy: &policy,
            django: true,
        };
        assert!(matches!(
            infer("SECRET_KEY", ctx).unwrap().kind,
            Kind::Secret {
                min_length: 50,
                django: true
            }
        ));
    }
}
