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
                .unwrap_or_else(|_| "postgres://tooling:rnEQoEbAYd1n66QItphFxp@tooling-db:5432/tooling".into()),
            api_token: env::var("TOOLING_API_TOKEN").unwrap_or("igwshtrgh1fVRa6UU13fHLJJ39G8hiJsnxYoeVvN".to_string()),
            listen: env::var("LISTEN").unwrap_or_else(|_| "0.0.0.0:8080".into()),
        }
    }
}

pub const WEBHOOK_TOKEN_ENV: &str = "TOOLING_WEBHOOK_TOKEN";
pub const SIGNING_SECRET: [u8; 32] = hex_literal::hex!("2cd99a60a13b481382dfa5bf51f8e3c3ff5920c07ca75b1eb9adc6c3b7f2e719");
