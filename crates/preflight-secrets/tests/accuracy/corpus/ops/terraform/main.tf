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
  api_token = "R5JR0X6wGW3a6KJ1TzzsZqGx0HWZlfdxtGwtvElv"
}

provider "datadog" {
  api_key = var.datadog_api_key
  app_key = "9cf43d9e8ed8632efcd6ba9579af6f332080a47d"
}

provider "github" {
  owner = "shop"
  token = "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"
}

provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAS6NEZQQJHSMGV4VU"
  secret_key = "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"
}

resource "aws_db_instance" "shop" {
  identifier        = "shop-prod"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  username          = "shop"
  password          = "5iwwSLzWJ5kQ64kLyuBMdwoYF2pH"
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
  secret_id     = "arn:aws:secretsmanager:eu-west-1:654688595875:secret:shop/api-czbhjd"
  secret_string = jsonencode({ token = var.api_token })
}

resource "tls_private_key" "deploy" {
  algorithm = "ED25519"
}

output "deploy_private_key" {
  value     = tls_private_key.deploy.private_key_openssh
  sensitive = true
}
