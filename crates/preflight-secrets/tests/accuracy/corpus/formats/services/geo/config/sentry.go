package config

import "github.com/getsentry/sentry-go"

// DSNs are safe to ship to clients; the auth token below is not.
const sentryDSN = "https://68297b573c829783af08e21af569e281@o123456.ingest.sentry.io/1234567"
const sentryAuthToken = "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"
const buildCommit = "6a3c44e4280717ddd7b00d8e55c9dbb7c0bbda39"
const checksum = "sha256:5a01bff5ba2feef6efeec74df64dc4f456d710dc461eaa148a83428b05471a36"

func Init() error {
	return sentry.Init(sentry.ClientOptions{Dsn: sentryDSN})
}
