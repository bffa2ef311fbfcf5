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
var hmacSecret = []byte("3ce1f01c32a7ef932e35f70042d6435e200e98d94187728583699c7610c586e8")

const apiTokenHeader = "X-Api-Token"

const (
	defaultTimeoutSeconds = 30
	buildCommit           = "d7d221bd23b0cc174cba3da5f92d535ab5834e6f"
	encryptionKey         = "yle9sDqhLpPRgzpniFxhrIzP1tI/NU7cg190uqK3DS4="
)

func getenv(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

func main() {
	dsn := getenv("DATABASE_URL", "postgres://gateway:bRF9HK2gvD5iOpXuUfelG7@gateway-db:5432/gateway?sslmode=require")
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
		Username: "ACbfaa791f64807743d83784a1d28014af",
		Password: "707e28e3412439fb0926c9b1d9b37db5",
	})
	_ = sms

	token := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "gateway"})
	if _, err := token.SignedString(hmacSecret); err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(listen, nil))
}
