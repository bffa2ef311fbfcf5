provider "aws" {
  region     = var.region
  access_key = "AKIAYVMTOQTRMZLH6YJU"
  secret_key = "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"
}

provider "cloudflare" {
  email   = "ops@acme-retail.io"
  api_key = "1567277ff353f5e95a56762a9c0b594b60a4f3"
}

provider "github" {
  owner = "acme-retail"
  token = var.github_token
}

resource "aws_db_instance" "main" {
  identifier = "acme-prod"
  username   = "acme_admin"
  password   = random_password.db.result
  manage_master_user_password = false
}

resource "aws_secretsmanager_secret" "stripe" {
  name = "prod/stripe/secret-key"
}
