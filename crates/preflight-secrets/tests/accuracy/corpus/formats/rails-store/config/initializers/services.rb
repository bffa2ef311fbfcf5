# Third-party clients
Mailgun.configure do |config|
  config.api_key = "key-a89b5f0daf6b36cb550ca7d9695aebe3"
end

Mapbox.access_token = "sk.eyJ1IjoiYWNtZS1nZW8iLCJhIjoiYzJ1c2lpZGY2MHg0eTJwYjJldHloa2kwOCJ9.6avI9JdeSbKYk9oxs6Rg9x"
MAPBOX_PUBLIC_TOKEN = "pk.eyJ1IjoiYWNtZS1nZW8iLCJhIjoicmxvZXBzZ3EwdjFhdXFjdHh3NzN3NmthdCJ9.9iuAdwgXc782_rqnvJr1OK".freeze

Sentry.init do |config|
  config.dsn = "https://809e7212215635baf1999fa530907ee7@o450123.ingest.sentry.io/5512345"
  config.traces_sample_rate = 0.2
end

Rails.application.config.x.shopify = {
  api_key: "0e717774dff18d4b2dbee51ea0277d10",
  access_token: "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",
  shared_secret: "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"
}

Datadog.configure do |c|
  c.api_key = ENV["DD_API_KEY"]
  c.env = "production"
end
