require "stripe"
require "twilio-ruby"

module Payments
  class Gateway
    STRIPE_KEY = ENV.fetch("STRIPE_SECRET_KEY") { "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" }
    TWILIO_SID = "AC1f6acea34aa6828dea6219fe383250ed"
    TWILIO_TOKEN = "54d63cca45ebb2381537bbb3cfd7dede"
    HMAC_KEY = ["defff70f1be93d3176b713249b8e8ca8d259394709ffe38d17b8229286db6961"].pack("H*")
    PUBLIC_KEY = "pk_live_dR09EL9sC0oDmocaoDjduTMuvMW7XNuqVspl5QnGdWkZmvjUn8VOzvIkrRPU8heQlwFXIDceyoo1iEOVU2BmjCoYCcsewc5Irl8"

    def initialize
      Stripe.api_key = STRIPE_KEY
      @sms = Twilio::REST::Client.new(TWILIO_SID, TWILIO_TOKEN)
      @token = ENV["GATEWAY_TOKEN"]
    end
  end
end
