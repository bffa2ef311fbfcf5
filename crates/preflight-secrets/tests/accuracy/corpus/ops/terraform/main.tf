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
  api_token = "CCzugLRjel9EoJZHah47-U09cUSdVkt3KUCoU362"
}

provider "datadog" {
  api_key = var.datadog_api_key
  app_key = "f93d2a35e3ae848304b271332e98780d32ebb398"
}

provider "github" {
  owner = "shop"
  token = "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"
}

provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAUO5RPQV4JF6MTNPX"
  secret_key = "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"
}

resource "aws_db_instance" "shop" {
  identifier        = "shop-prod"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  username          = "shop"
  password          = "SVJWvlwlGe7885Ma1refu6MEL3mk"
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
  secret_id     = "arn:aws:secretsmanager:eu-west-1:279286325752:secret:shop/api-d3rkLK"
  secret_string = jsonencode({ token = var.api_token })
}

resource "tls_private_key" "deploy" {
  algorithm = "ED25519"
}

output "deploy_private_key" {
  value     = tls_private_key.deploy.private_key_openssh
  sensitive = true
}
