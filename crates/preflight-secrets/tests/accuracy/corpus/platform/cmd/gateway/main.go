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
var hmacSecret = []byte("1ef4612ebf1b52ebe9e8d2b0dd2b394e89ec5769ff48f586585f544c2309abcb")

const apiTokenHeader = "X-Api-Token"

const (
	defaultTimeoutSeconds = 30
	buildCommit           = "efa939312bb3858f75c8f83b845229883e873005"
	encryptionKey         = "TKBXYPMyCZlHXhGqjW//1+mePmvUdsKAyd8640cPIPc="
)

func getenv(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

func main() {
	dsn := getenv("DATABASE_URL", "postgres://gateway:lRhqXyo9ZqAZXp8SAKI38p@gateway-db:5432/gateway?sslmode=require")
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
		Username: "AC95dd153fd0a12c06539a65752384de8a",
		Password: "f8167b597b46828ed812df828857ec3a",
	})
	_ = sms

	token := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "gateway"})
	if _, err := token.SignedString(hmacSecret); err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(listen, nil))
}
