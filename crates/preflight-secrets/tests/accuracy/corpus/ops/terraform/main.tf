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
  api_token = "A7nPVd5yAGiqj3v8VsI3Ls8I9E_ve-DQ5u_LGrDs"
}

provider "datadog" {
  api_key = var.datadog_api_key
  app_key = "ea862f83f9b7a5e6349287db1610d9f5ae7f3bfe"
}

provider "github" {
  owner = "shop"
  token = "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"
}

provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAXNPVRYVB6MTXHIUK"
  secret_key = "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"
}

resource "aws_db_instance" "shop" {
  identifier        = "shop-prod"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  username          = "shop"
  password          = "AQt1QGJzqsKlqnOkviufHQ9vABAH"
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
  secret_id     = "arn:aws:secretsmanager:eu-west-1:594522953753:secret:shop/api-7Dk8X4"
  secret_string = jsonencode({ token = var.api_token })
}

resource "tls_private_key" "deploy" {
  algorithm = "ED25519"
}

output "deploy_private_key" {
  value     = tls_private_key.deploy.private_key_openssh
  sensitive = true
}
