# frozen_string_literal: true

Rails.application.configure do
  config.x.stripe.secret_key = ENV.fetch("STRIPE_SECRET_KEY", "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")
  config.x.braintree.private_key = ENV.fetch("BRAINTREE_PRIVATE_KEY", "f5a49de41ceb538ad262a3149ddc8707")
  config.x.postmark.api_token = ENV.fetch("POSTMARK_API_TOKEN") { "e1946698-49e3-4e0d-a8e2-e1f0bab281b4" }
  config.x.app_host = ENV.fetch("APP_HOST", "mobile.example.com")
  config.x.stripe.publishable_key = ENV.fetch("STRIPE_PUBLISHABLE_KEY", "pk_live_bd6nz6xBlj9yh3oQ15A10zH16TUZy3iMhzDT6cWE4JaLcN9Rz9hf4UW00S88H257uoXWDN7ZXEUQI5t5hfDhkELP6Yo7GbbiUOG")
  config.x.jwt_secret = ENV.fetch("JWT_SECRET", nil)
  config.x.sidekiq_credentials = ENV.fetch("BUNDLE_GEMS__CONTRIBSYS__COM", "2d6435e2:00e98d94")
end
