# frozen_string_literal: true

Rails.application.configure do
  config.x.stripe.secret_key = ENV.fetch("STRIPE_SECRET_KEY", "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")
  config.x.braintree.private_key = ENV.fetch("BRAINTREE_PRIVATE_KEY", "a64ecdb0f88c2af0e3954f111e9fb082")
  config.x.postmark.api_token = ENV.fetch("POSTMARK_API_TOKEN") { "dfd45ece-0e87-4f01-a944-0ad1ff82b3c2" }
  config.x.app_host = ENV.fetch("APP_HOST", "mobile.example.com")
  config.x.stripe.publishable_key = ENV.fetch("STRIPE_PUBLISHABLE_KEY", "pk_live_AJIAqIwQTjLo8rwdhV4hgCLVfmg9WX9vpCp8x70DZ8M5v72ijaEMzQLhTJLjLmQTHHMF2Taz6Rf9ln6GiM3KlUy6YmZvwEfIUO5")
  config.x.jwt_secret = ENV.fetch("JWT_SECRET", nil)
  config.x.sidekiq_credentials = ENV.fetch("BUNDLE_GEMS__CONTRIBSYS__COM", "7a289702:225c728d")
end
