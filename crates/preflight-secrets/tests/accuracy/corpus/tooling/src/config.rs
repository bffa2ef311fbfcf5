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
                .unwrap_or_else(|_| "postgres://tooling:kd5ZehME8LW5j4Mdt2A0R5@tooling-db:5432/tooling".into()),
            api_token: env::var("TOOLING_API_TOKEN").unwrap_or("DKXCRUw5V0na-gvghymfnnoRY95WRyOvdiQ3VTDn".to_string()),
            listen: env::var("LISTEN").unwrap_or_else(|_| "0.0.0.0:8080".into()),
        }
    }
}

pub const WEBHOOK_TOKEN_ENV: &str = "TOOLING_WEBHOOK_TOKEN";
pub const SIGNING_SECRET: [u8; 32] = hex_literal::hex!("ea4d3ca4e2c0932faa4e64ec5c07f29076e51aa9f2ce4835173c19a70ade060a");
