# frozen_string_literal: true

Rails.application.configure do
  config.x.stripe.secret_key = ENV.fetch("STRIPE_SECRET_KEY", "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")
  config.x.braintree.private_key = ENV.fetch("BRAINTREE_PRIVATE_KEY", "b354a29fc2c29ef7bb49c7df92db6b43")
  config.x.postmark.api_token = ENV.fetch("POSTMARK_API_TOKEN") { "2dee34b2-3049-4b31-aa9d-cedb79fb1ccf" }
  config.x.app_host = ENV.fetch("APP_HOST", "mobile.example.com")
  config.x.stripe.publishable_key = ENV.fetch("STRIPE_PUBLISHABLE_KEY", "pk_live_NoIDPikKf53IKJ2wnnCesL1oK8wiTUD9tt3JUdsb4beCWtVG0mLyBpUD66q4gnfEIvvgujK680b4ixLcJ7EOHZO8Y0C5epgAKW4")
  config.x.jwt_secret = ENV.fetch("JWT_SECRET", nil)
  config.x.sidekiq_credentials = ENV.fetch("BUNDLE_GEMS__CONTRIBSYS__COM", "5b690811:5258efae")
end
