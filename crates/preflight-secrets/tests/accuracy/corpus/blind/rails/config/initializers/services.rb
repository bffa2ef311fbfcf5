# frozen_string_literal: true

Stripe.api_key = ENV.fetch("STRIPE_SECRET_KEY", "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")
ShopifyAPI::Context.setup(
  api_key: ENV["SHOPIFY_API_KEY"],
  api_secret_key: ENV.fetch("SHOPIFY_API_SECRET") { "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" },
  host: "https://shop.acme-retail.io",
)
Rails.application.config.x.lockbox_master_key = "01485e08c70498f8eae498740b77d438c51c246ae2035069ba1723cd9f6fc4d3"
Rails.application.config.secret_key_base = "73359f59e75c6d81bdbbf9daf803a2273f83ab818d45f049625672c1791ac9937b5a8dbe0ec73ee10a8b05e82455510d23dfa300d0e71073173e3763cf19899f"
Sidekiq.configure_server { |c| c.redis = { url: ENV.fetch("REDIS_URL", "redis://:fWNsnrVrvtcWC2kgFTND0Rg7@redis.internal:6379/2") } }
HEALTHCHECK_TOKEN = ENV.fetch("HEALTHCHECK_TOKEN", "development")
