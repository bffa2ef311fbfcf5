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
                .unwrap_or_else(|_| "postgres://tooling:vWp0aZHPFCDg8I1DoRXvVF@tooling-db:5432/tooling".into()),
            api_token: env::var("TOOLING_API_TOKEN").unwrap_or("9CO9dEL7VnaVrOhbS_cBUYPRoM2j8UJTOx9dG01T".to_string()),
            listen: env::var("LISTEN").unwrap_or_else(|_| "0.0.0.0:8080".into()),
        }
    }
}

pub const WEBHOOK_TOKEN_ENV: &str = "TOOLING_WEBHOOK_TOKEN";
pub const SIGNING_SECRET: [u8; 32] = hex_literal::hex!("d1029590fc23aac6657de758626b71efd26ae1a87b31d4fdd409d317ace31542");
