Rails.configuration.stripe = {
  publishable_key: "pk_live_ycFS5VMcq7dvN0WVyWXfP2fjdDu47wgW2u1n6TVUYkJtn0XZpgNSfs0LJyrGpy1f6powCmdjbWmimCLyzVbnb1yn5rSTbmcSycz",
  secret_key: ENV.fetch("STRIPE_SECRET_KEY", "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")
}

Stripe.api_key = Rails.configuration.stripe[:secret_key]
Stripe.max_network_retries = 2
