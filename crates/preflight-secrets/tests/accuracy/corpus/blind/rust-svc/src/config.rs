use std::env;

/// Key used to sign session cookies.
pub const COOKIE_KEY: &str = "4kP4JsfDmxzdD3D7AjDKlyEfxRszA9h/ODf/J0Gr9UtJKEIfadD/y/QUmSuuCpjuJl+rTrH+aZmvqFYY8LlLHw==";
static API_HMAC: &[u8] = b"70d5c8941b99d17fd874b1f1b370c2b73191574be3492e5b3d69d9657364ab0e";

pub struct Settings {
    pub database_url: String,
    pub api_token: String,
}

impl Settings {
    pub fn from_env() -> Self {
        Self {
            database_url: env::var("DATABASE_URL")
                .unwrap_or_else(|_| "postgres://api:elJyfOPVxyKFO7abPPk9@localhost/api".to_string()),
            api_token: env::var("API_TOKEN").unwrap_or_else(|_| String::from("04H1iD9jDiDiX9IhaDWL22cV8HlqrMIOUPmTV_X0aRo")),
        }
    }
}

pub fn token_len(token: &str) -> usize {
    token.len()
}
