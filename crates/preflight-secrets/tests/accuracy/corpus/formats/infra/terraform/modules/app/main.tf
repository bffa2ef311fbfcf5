terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
    datadog = { source = "DataDog/datadog" }
  }
}

provider "aws" {
  region     = var.region
  access_key = "AKIAP4F3EVAHRLLJ3ADQ"
  secret_key = "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"
}

provider "datadog" {
  api_key = var.datadog_api_key
  app_key = var.datadog_app_key
}

provider "github" {
  token = data.aws_secretsmanager_secret_version.gh.secret_string
  owner = "acme"
}

resource "aws_db_instance" "main" {
  identifier        = "app-${var.environment}"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  username          = var.db_username
  password          = var.db_password
  storage_encrypted = true
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "app-cache"
  description          = "app cache"
  auth_token           = "PAotpY9p4UywjmE21md7XRrZGhHyNgBO"
  transit_encryption_enabled = true
}

resource "random_password" "admin" {
  length  = 24
  special = true
}

resource "aws_ssm_parameter" "admin" {
  name  = "/app/admin-password"
  type  = "SecureString"
  value = random_password.admin.result
}
