# frozen_string_literal: true

Rails.application.configure do
  config.x.stripe.secret_key = ENV.fetch("STRIPE_SECRET_KEY", "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")
  config.x.braintree.private_key = ENV.fetch("BRAINTREE_PRIVATE_KEY", "fc5546c1c08385d358b3a558697e9640")
  config.x.postmark.api_token = ENV.fetch("POSTMARK_API_TOKEN") { "310edc0c-ee9f-456f-ad59-3554ccd60568" }
  config.x.app_host = ENV.fetch("APP_HOST", "mobile.example.com")
  config.x.stripe.publishable_key = ENV.fetch("STRIPE_PUBLISHABLE_KEY", "pk_live_SNP2s7nksFBTn7pyj9HN94U8qI0TDze6Vs7QvxqV1xZEYE4utAzI0IJi5CjDEyOPiGJS7JP5Yf0r2qJw62xiOsMxRRLgMUXfLDq")
  config.x.jwt_secret = ENV.fetch("JWT_SECRET", nil)
  config.x.sidekiq_credentials = ENV.fetch("BUNDLE_GEMS__CONTRIBSYS__COM", "93d32d7d:039214a6")
end
