package secrets

import "os"

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

var (
	StripeKey   = envOr("STRIPE_SECRET_KEY", "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")
	SendgridKey = envOr("SENDGRID_API_KEY", "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")
	WebhookKey  = envOr("WEBHOOK_KEY", "wFIZxA7ZwPOVy8s/nP7l/blHSZYLy0NaGIcEfjJeYUE=")
	LogLevel    = envOr("LOG_LEVEL", "info")
)
