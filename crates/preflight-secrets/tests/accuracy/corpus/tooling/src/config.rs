use std::env;

pub struct Config {
    pub database_url: String,
    pub api_token: String,
    pub listen: String,
}

impl Config {
    pub fn from_env() -> Self {
        Self {
            database_url: env::var("DATABASE_URL")
                .unwrap_or_else(|_| "postgres://tooling:oXBVVColr07nf8mwpJUPW9@tooling-db:5432/tooling".into()),
            api_token: env::var("TOOLING_API_TOKEN").unwrap_or("h482lBP7hOIDUnf2t-12taN3neDRY5pexsl3aIY0".to_string()),
            listen: env::var("LISTEN").unwrap_or_else(|_| "0.0.0.0:8080".into()),
        }
    }
}

pub const WEBHOOK_TOKEN_ENV: &str = "TOOLING_WEBHOOK_TOKEN";
pub const SIGNING_SECRET: [u8; 32] = hex_literal::hex!("afb52e9ae0398625cfdde3f4b27e2587da3e8e415cca89fcc4f3785a81f07c93");
