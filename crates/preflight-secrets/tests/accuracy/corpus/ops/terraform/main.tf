terraform {
  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 4.0"
    }
    datadog = {
      source = "DataDog/datadog"
    }
  }
}

provider "cloudflare" {
  api_token = "z2jR2qnPQBvpqDNnfWVCflelDewi6nKOuENKyeKz"
}

provider "datadog" {
  api_key = var.datadog_api_key
  app_key = "0d2701d5915a2c64693d21ad3b0b7f6c3ab40383"
}

provider "github" {
  owner = "shop"
  token = "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"
}

provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAIJK4KCUSIUGFKXNP"
  secret_key = "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"
}

resource "aws_db_instance" "shop" {
  identifier        = "shop-prod"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  username          = "shop"
  password          = "vZzBs7YX0X9kBpKeMNEHFiqhx65d"
  allocated_storage = 50
}

resource "aws_db_instance" "analytics" {
  identifier     = "analytics"
  engine         = "postgres"
  instance_class = "db.t4g.small"
  username       = "analytics"
  password       = random_password.analytics.result
  manage_master_user_password = true
}

resource "aws_secretsmanager_secret_version" "api" {
  secret_id     = "arn:aws:secretsmanager:eu-west-1:936157107975:secret:shop/api-lD8cNS"
  secret_string = jsonencode({ token = var.api_token })
}

resource "tls_private_key" "deploy" {
  algorithm = "ED25519"
}

output "deploy_private_key" {
  value     = tls_private_key.deploy.private_key_openssh
  sensitive = true
}
