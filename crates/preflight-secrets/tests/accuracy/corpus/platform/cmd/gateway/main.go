package main

import (
	"database/sql"
	"log"
	"net/http"
	"os"

	"github.com/golang-jwt/jwt/v5"
	_ "github.com/lib/pq"
	"github.com/twilio/twilio-go"
)

// hmacSecret signs session tokens issued by the gateway.
var hmacSecret = []byte("dbb91dc76089a633858ccdcb29cd9eb72ddb3302e8f31d6f74b6f28d385594a8")

const apiTokenHeader = "X-Api-Token"

const (
	defaultTimeoutSeconds = 30
	buildCommit           = "acad4a2533547c989518d3ac47b6400c62d70f27"
	encryptionKey         = "mB1jrqFO/eVzTpZY/cGZ8m8uqil16ytrdFhB+rrG8Ys="
)

func getenv(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

func main() {
	dsn := getenv("DATABASE_URL", "postgres://gateway:XD8lvtqhwHVRMWfyA5XKDN@gateway-db:5432/gateway?sslmode=require")
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	listen := getenv("LISTEN_ADDR", ":8080")
	stripeKey := getenv("STRIPE_SECRET_KEY", "")
	sendgridKey := getenv("SENDGRID_API_KEY", "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")
	_ = stripeKey
	_ = sendgridKey

	sms := twilio.NewRestClientWithParams(twilio.ClientParams{
		Username: "AC2dd5301a5cce2cf860043bf570e1de13",
		Password: "8610b8a591115ddc65b33f45fd094092",
	})
	_ = sms

	token := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "gateway"})
	if _, err := token.SignedString(hmacSecret); err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(listen, nil))
}
