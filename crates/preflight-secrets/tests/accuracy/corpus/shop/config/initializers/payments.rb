# frozen_string_literal: true

Braintree::Configuration.environment = :production
GATEWAY = Braintree::Gateway.new(access_token: "access_token$production$se9tjqdy11sdr5ur$747f66e27fd0548669160cda86d61593")

ShopifyAPI::Context.setup(
  api_key: ENV.fetch("SHOPIFY_API_KEY"),
  api_secret_key: "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",
  host: "https://shop.acme.io",
)

Plaid.configure do |c|
  c.client_id = "45e64e667325bed66f192646"
  c.plaid_secret = "e49ee3054b3be10368ec7b651b8c11"
end
EASYPOST = EasyPost::Client.new(api_key: "EZAKf37c00ef7d8d3fa1ec0bcb4212ba9d948ea847efc9806454dfdc6a")
SHIPPO_TEST = "shippo_test_4c5d65ec62a8377ed140afe1c65d69c4cf5e9b8a" # sandbox only
